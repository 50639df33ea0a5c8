//! CSV records, read in blocks cut at line ends and parsed on all cores; rows keep their file
//! order (for row numbers and for the first error, whichever thread meets it).

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::validate::{push, At, Cell, RowCells};
use super::{Batch, Reader};
use crate::bail_input;
use crate::error::input_error;

/// Bytes per block: large enough to amortise the hand-over, small enough that a batch of blocks
/// in flight stays far below the memory bound.
const BLOCK: usize = 8 << 20;

/// Column indexes by role.
struct Layout {
    delim: u8,
    person: usize,
    kommune: usize,
    ydelse: usize,
    fra: usize,
    til: usize,
    grad: Option<usize>,
    timer: Option<usize>,
}

pub(super) fn read<T: Send>(
    r: &Reader,
    path: &Path,
    file: u16,
    progress: &dyn Fn(u64),
    map: &(dyn Fn(Batch) -> anyhow::Result<T> + Sync),
    sink: &mut dyn FnMut(T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))?;
    let mut carry: Vec<u8> = Vec::new();
    let mut eof = false;
    fill(&mut f, &mut carry, BLOCK, &mut eof, path)?;
    if carry.starts_with(b"\xef\xbb\xbf") {
        carry.drain(..3);
    }
    let header_end = memchr::memchr(b'\n', &carry).map_or(carry.len(), |i| i + 1);
    if header_end == carry.len() && !eof {
        bail_input!(
            "{}: the header line is longer than {BLOCK} bytes",
            path.display()
        );
    }
    let layout = layout(r, path, &carry[..header_end])?;
    carry.drain(..header_end);
    let mut next_row: u64 = 2;
    let batch_blocks = rayon::current_num_threads().max(1) * 2;
    loop {
        let mut blocks: Vec<(u64, Vec<u8>)> = Vec::with_capacity(batch_blocks);
        while blocks.len() < batch_blocks && !(eof && carry.is_empty()) {
            fill(&mut f, &mut carry, BLOCK, &mut eof, path)?;
            let cut = if eof { carry.len() } else { safe_cut(&carry) };
            let cut = if cut == 0 && !eof {
                // No line end in a whole block: read on until there is one (within bounds: a
                // file without line ends must not take all memory).
                if carry.len() >= 8 * BLOCK {
                    bail_input!(
                        "{}: row {next_row}: longer than {} MiB",
                        path.display(),
                        (8 * BLOCK) >> 20
                    );
                }
                let more = carry.len() + BLOCK;
                fill(&mut f, &mut carry, more, &mut eof, path)?;
                continue;
            } else {
                cut
            };
            let rest = carry.split_off(cut);
            let block = std::mem::replace(&mut carry, rest);
            let lines = memchr::memchr_iter(b'\n', &block).count() as u64;
            blocks.push((next_row, block));
            next_row += lines;
        }
        if blocks.is_empty() {
            return Ok(());
        }
        let bytes: u64 = blocks.iter().map(|b| b.1.len() as u64).sum();
        let parsed: Vec<anyhow::Result<T>> = blocks
            .par_iter()
            .map(|(row, block)| parse_block(r, path, file, &layout, *row, block).and_then(map))
            .collect();
        for b in parsed {
            sink(b?)?;
        }
        progress(bytes);
    }
}

/// Reads until `buf` holds `want` bytes or the file ends.
fn fill(
    f: &mut std::fs::File,
    buf: &mut Vec<u8>,
    want: usize,
    eof: &mut bool,
    path: &Path,
) -> anyhow::Result<()> {
    while !*eof && buf.len() < want {
        let old = buf.len();
        buf.resize(want, 0);
        let n = f
            .read(&mut buf[old..])
            .map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))?;
        buf.truncate(old + n);
        if n == 0 {
            *eof = true;
        }
    }
    Ok(())
}

/// The end of the last complete line outside quotes (0 when there is none).
fn safe_cut(buf: &[u8]) -> usize {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1);
    }
    let (mut quoted, mut cut) = (false, 0);
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => cut = i + 1,
            _ => {}
        }
    }
    cut
}

fn layout(r: &Reader, path: &Path, header: &[u8]) -> anyhow::Result<Layout> {
    let count = |c: u8| header.iter().filter(|&&b| b == c).count();
    let delim = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|&c| (count(c), c == b','))
        .unwrap_or(b',');
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delim)
        .from_reader(header);
    let mut rec = csv::StringRecord::new();
    if !rd.read_record(&mut rec).unwrap_or(false) {
        bail_input!(
            "{}: empty; expected a header line with the columns person, kommune, ydelse, fra, til",
            path.display()
        );
    }
    let names: Vec<String> = rec.iter().map(|s| s.trim().to_string()).collect();
    let find = |n: &str| names.iter().position(|h| h.eq_ignore_ascii_case(n));
    let need = |n: &str| {
        find(n).ok_or_else(|| {
            input_error(format!(
                "{}:1: no column `{n}` (found {}); name the columns with --columns, e.g. --columns person=CPR",
                path.display(),
                crate::error::excerpt(&names.join(", "), 200)
            ))
        })
    };
    let c = &r.columns;
    Ok(Layout {
        delim,
        person: need(&c.person)?,
        kommune: need(&c.kommune)?,
        ydelse: need(&c.ydelse)?,
        fra: need(&c.fra)?,
        til: need(&c.til)?,
        grad: find(&c.grad),
        timer: find(&c.timer),
    })
}

fn parse_block(
    r: &Reader,
    path: &Path,
    file: u16,
    l: &Layout,
    first_row: u64,
    block: &[u8],
) -> anyhow::Result<Batch> {
    let mut out = Batch {
        arena: Vec::with_capacity(block.len() / 3),
        spans: Vec::with_capacity(block.len() / 40),
    };
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(l.delim)
        .from_reader(block);
    let mut rec = csv::ByteRecord::new();
    loop {
        let row = first_row + rd.position().line().saturating_sub(1);
        match rd.read_byte_record(&mut rec) {
            Ok(false) => return Ok(out),
            Ok(true) => {}
            Err(e) => bail_input!(
                "{}: row {row}: not valid CSV ({})",
                path.display(),
                csv_kind(&e)
            ),
        }
        let row = first_row + rec.position().map_or(1, csv::Position::line) - 1;
        let text = |i: usize| rec.get(i).map_or(Cell::Null, Cell::Text);
        let opt = |i: Option<usize>| i.map_or(Cell::Null, text);
        let cells = RowCells {
            person: rec.get(l.person).unwrap_or(b""),
            kommune: text(l.kommune),
            ydelse: rec.get(l.ydelse).unwrap_or(b""),
            fra: text(l.fra),
            til: text(l.til),
            grad: opt(l.grad),
            timer: opt(l.timer),
        };
        push(r, &cells, &At { path, row }, file, &mut out)?;
    }
}

/// The kind of a CSV error without the record's content (which may hold a person).
fn csv_kind(e: &csv::Error) -> &'static str {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8",
        csv::ErrorKind::UnequalLengths { .. } => "a different number of fields",
        csv::ErrorKind::Io(_) => "read error",
        _ => "malformed",
    }
}
