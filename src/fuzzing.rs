//! Entry points for the fuzz targets in `fuzz/` (not a public API): each takes arbitrary bytes
//! and runs them through a reader, the dataset assembly and the compute stage. Any outcome but
//! a panic, an abort or a runaway allocation is a pass.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::config::Config;

/// Which reader a target feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The jobindsats JSON export.
    JobindsatsJson,
    /// A `;`-separated CSV with a decimal comma.
    Csv,
    /// An XLSX workbook.
    Xlsx,
    /// A StatBank CSV export (benchmark figures by quarter, a benefit column).
    Statbank,
    /// A long `municipality,year,value` file (population by year).
    Long,
    /// A jobindsats table export: v2 JSON, v3 JSON or CSV.
    JobindsatsTable,
}

/// The config parser and checker on arbitrary text.
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Config::parse(text, Path::new("fuzz.toml"));
    }
}

const COLUMNS: &str = "[data.inputs.columns]\nkommunekode = \"kode\"\nperiod = \"periode\"\ngroup = \"gruppe\"\nactual = \"faktisk\"\nexpected = \"forventet\"\npopulation = \"befolkning\"\nactual-share = \"andel\"\ngap-pp = \"pp\"\nrank = \"placering\"\n";

fn fixture_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kommunebench-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        for f in ["x.jsonl", "x.csv", "x.xlsx", "s.csv", "l.csv", "j.json"] {
            std::fs::write(dir.join(f), b"").expect("fixture file");
        }
        dir
    })
}

fn fixture(reader: Reader) -> &'static Config {
    static CONFIGS: OnceLock<[Config; 6]> = OnceLock::new();
    let configs = CONFIGS.get_or_init(|| {
        let dir = fixture_dir();
        let parse = |input: String| {
            let text = format!("[report]\nperiod = \"2022\"\n[ranking]\ndraws = 20\n[[data.inputs]]\n{input}");
            Config::parse(&text, &dir.join("fuzz.toml")).expect("fixture config")
        };
        [
            parse("format = \"jobindsats-json\"\npath = \"x.jsonl\"\n".into()),
            parse(format!("format = \"csv\"\npath = \"x.csv\"\ndelimiter = \";\"\ndecimal = \"comma\"\n{COLUMNS}")),
            parse(format!("format = \"xlsx\"\npath = \"x.xlsx\"\ndecimal = \"comma\"\n{COLUMNS}")),
            parse("format = \"statbank\"\npath = \"s.csv\"\nperiods = [\"2022QMAT02\"]\n[data.inputs.columns]\nbenefit = \"YDELSESTYPE\"\n[data.inputs.select]\n\"KØN\" = \"Total\"\n".into()),
            parse("format = \"long\"\nrole = \"population\"\npath = \"l.csv\"\n".into()),
            parse("format = \"jobindsats\"\npath = \"j.json\"\nbenefit = \"kontanthjælp\"\nunit = \"weeks\"\n".into()),
        ]
    });
    match reader {
        Reader::JobindsatsJson => &configs[0],
        Reader::Csv => &configs[1],
        Reader::Xlsx => &configs[2],
        Reader::Statbank => &configs[3],
        Reader::Long => &configs[4],
        Reader::JobindsatsTable => &configs[5],
    }
}

/// A reader, the assembly and the compute stage on arbitrary bytes.
pub fn input(reader: Reader, data: &[u8]) {
    let cfg = fixture(reader);
    if let Ok(ds) =
        crate::input::load_from(cfg, None, &[crate::input::Loaded::Bytes(data.to_vec())])
    {
        let _ = crate::compute::compute(cfg, &ds);
    }
}
