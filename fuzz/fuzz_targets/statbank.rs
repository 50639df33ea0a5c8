#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kommunebench::fuzzing::input(kommunebench::fuzzing::Reader::Statbank, data);
});
