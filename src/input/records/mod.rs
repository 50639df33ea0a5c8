//! Benefit periods from a case system or the register (STAR's "ydelsesperiode": person,
//! municipality, benefit code, first and last day, grad), read as CSV or Parquet into validated
//! [`Span`]s for the fuldtidspersoner engine (`compute::fulltime`).
//!
//! The person identifier (a CPR number) is kept only as opaque bytes to tell persons apart: no
//! error message, log line or output ever contains it — errors name the file, the row and the
//! column.

mod codes;
mod csv;
pub mod date;
mod parquet;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

pub use codes::{CodeRule, Codes};
pub use date::Day;
pub use validate::WEIGHT_ONE;

/// The input's column names (a case system's or STAR's export is read unchanged by naming its
/// columns here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The person (CPR number or a pseudonym).
    pub person: String,
    /// The three-digit municipality code.
    pub kommune: String,
    /// The benefit code as the source writes it.
    pub ydelse: String,
    /// First day (ISO date).
    pub fra: String,
    /// Last day, inclusive (ISO date; empty = still running).
    pub til: String,
    /// Optional: the degree, 0 < grad ≤ 1 (empty = 1).
    pub grad: String,
    /// Optional: hours a week (grad = timer / 37), when there is no grad column.
    pub timer: String,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            person: "person".into(),
            kommune: "kommune".into(),
            ydelse: "ydelse".into(),
            fra: "fra".into(),
            til: "til".into(),
            grad: "grad".into(),
            timer: "timer".into(),
        }
    }
}

impl Columns {
    /// Applies `role=name` mappings (`person=CPR,fra=STARTDATO`).
    pub fn with_mapping(mut self, mapping: &str) -> anyhow::Result<Columns> {
        for pair in mapping.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((role, name)) = pair.split_once('=') else {
                crate::bail_input!(
                    "column mapping {pair:?}: expected role=column, e.g. person=CPR"
                );
            };
            let slot = match role.trim() {
                "person" => &mut self.person,
                "kommune" => &mut self.kommune,
                "ydelse" => &mut self.ydelse,
                "fra" => &mut self.fra,
                "til" => &mut self.til,
                "grad" => &mut self.grad,
                "timer" => &mut self.timer,
                other => crate::bail_input!(
                    "column mapping: unknown role {other:?} (expected person, kommune, ydelse, fra, til, grad or timer)"
                ),
            };
            *slot = name.trim().to_string();
        }
        Ok(self)
    }
}

/// One validated benefit period. The person is a slice of its batch's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the person's bytes in the batch arena.
    pub person_at: u32,
    /// Length of the person's bytes.
    pub person_len: u8,
    /// Municipality code.
    pub kommune: u16,
    /// Benefit code id (see [`Reader::code_names`]).
    pub code: u32,
    /// First day.
    pub fra: Day,
    /// Last day, inclusive (an open period ends on the counting's last day).
    pub til: Day,
    /// Grad in units of [`WEIGHT_ONE`].
    pub weight: i64,
    /// 1-based row in its file (the header is row 1).
    pub row: u64,
    /// Index of its file in [`Reader::files`].
    pub file: u16,
}

/// A block of spans and the bytes of their persons.
#[derive(Debug, Default)]
pub struct Batch {
    /// The persons' bytes.
    pub arena: Vec<u8>,
    /// The spans.
    pub spans: Vec<Span>,
}

impl Batch {
    /// The person of a span (opaque bytes; never shown).
    pub fn person(&self, s: &Span) -> &[u8] {
        &self.arena[s.person_at as usize..s.person_at as usize + s.person_len as usize]
    }
}

/// What every row is checked against.
pub struct Reader {
    /// The input files, in order.
    pub files: Vec<PathBuf>,
    /// Column names.
    pub columns: Columns,
    /// Valid municipality codes.
    pub valid_kommune: Vec<bool>,
    /// The day an open period is counted to.
    pub open_until: Day,
    codes: Option<Codes>,
    interner: Mutex<Interner>,
    /// With a codes file: every code's id (or [`IGNORED`]).
    fixed: HashMap<Vec<u8>, u32>,
    /// Without one: the codes met so far, read without the interner's lock.
    seen: RwLock<HashMap<Vec<u8>, u32>>,
}

#[derive(Default)]
struct Interner {
    ids: HashMap<Vec<u8>, u32>,
    names: Vec<String>,
}

/// A code id meaning "ignore this row" (the codes file says so).
pub const IGNORED: u32 = u32::MAX;

impl Reader {
    /// A reader for `files`, checking municipality codes against `kommuner`.
    pub fn new(
        files: Vec<PathBuf>,
        columns: Columns,
        kommuner: &[u16],
        codes: Option<Codes>,
        open_until: Day,
    ) -> Reader {
        let mut valid_kommune = vec![false; 1000];
        for &k in kommuner {
            valid_kommune[usize::from(k) % 1000] = true;
        }
        let mut interner = Interner::default();
        let mut fixed = HashMap::new();
        if let Some(c) = &codes {
            for name in c.code_names() {
                let id = intern(&mut interner, name.as_bytes());
                let id = if c.rule(name) == Some(&CodeRule::Ignore) {
                    IGNORED
                } else {
                    id
                };
                fixed.insert(name.as_bytes().to_vec(), id);
            }
        }
        Reader {
            files,
            columns,
            valid_kommune,
            open_until,
            codes,
            fixed,
            seen: RwLock::new(HashMap::new()),
            interner: Mutex::new(interner),
        }
    }

    /// The benefit codes met so far (with a codes file: all of its codes first), by id.
    pub fn code_names(&self) -> Vec<String> {
        self.interner
            .lock()
            .map(|i| i.names.clone())
            .unwrap_or_default()
    }

    /// The codes file, if any.
    pub fn codes(&self) -> Option<&Codes> {
        self.codes.as_ref()
    }

    /// Id of a benefit code as written in a row; `None` when a codes file does not know it.
    fn code_id(&self, raw: &[u8]) -> Option<u32> {
        let raw = raw.trim_ascii();
        if self.codes.is_some() {
            // A codes file fixes every code up front: a lookup, no lock.
            return self.fixed.get(raw).copied();
        }
        if let Some(&id) = self.seen.read().ok()?.get(raw) {
            return Some(id);
        }
        let mut i = self.interner.lock().ok()?;
        let id = intern(&mut i, raw);
        self.seen.write().ok()?.insert(raw.to_vec(), id);
        Some(id)
    }

    /// Reads every file: each batch goes through `map` on the reading threads, and the results
    /// to `sink` in file and row order.
    pub fn read<T: Send>(
        &self,
        progress: &dyn Fn(u64),
        map: &(dyn Fn(Batch) -> anyhow::Result<T> + Sync),
        sink: &mut (dyn FnMut(T) -> anyhow::Result<()> + Send),
    ) -> anyhow::Result<()> {
        // The sink (the partition's writes) runs on its own thread, so the next blocks are
        // parsed while the last ones are written.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<T>(4);
            let writer = scope.spawn(move || -> anyhow::Result<()> {
                for t in rx {
                    sink(t)?;
                }
                Ok(())
            });
            let mut send = move |t: T| {
                tx.send(t)
                    .map_err(|_| anyhow::anyhow!("the partition writer stopped"))
            };
            let read = self.read_files(progress, map, &mut send);
            drop(send);
            let written = writer
                .join()
                .map_err(|_| anyhow::anyhow!("the partition writer panicked"))?;
            // The writer's own error explains a failed send: it comes first.
            written.and(read)
        })
    }

    fn read_files<T: Send>(
        &self,
        progress: &dyn Fn(u64),
        map: &(dyn Fn(Batch) -> anyhow::Result<T> + Sync),
        sink: &mut dyn FnMut(T) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        for (i, path) in self.files.iter().enumerate() {
            let file = u16::try_from(i)
                .map_err(|_| crate::error::input_error("more than 65,535 input files"))?;
            if is_parquet(path) {
                parquet::read(self, path, file, progress, map, sink)?;
            } else {
                csv::read(self, path, file, progress, map, sink)?;
            }
        }
        Ok(())
    }
}

fn intern(i: &mut Interner, raw: &[u8]) -> u32 {
    if let Some(&id) = i.ids.get(raw) {
        return id;
    }
    let id = i.names.len() as u32;
    i.ids.insert(raw.to_vec(), id);
    i.names.push(String::from_utf8_lossy(raw).into_owned());
    id
}

/// True for a `.parquet` path.
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Total size of the input files in bytes (for the progress bar and the partitioning).
pub fn total_size(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

/// The group that counts each person-day once across the groups of the total.
pub const I_ALT_GROUP: &str = "i-alt";

/// A records input of the config, counted (by the records stage) for the assembly.
#[derive(Debug, Clone)]
pub struct Counted {
    /// The records file as read, hashed for the manifest.
    pub file: crate::input::InputFile,
    /// The codes file, when given.
    pub codes: Option<crate::input::InputFile>,
    /// Every cell with at least one person.
    pub cells: Vec<CountedCell>,
    /// Benefit periods read; `None` for a table counted elsewhere (`records` or its SQL).
    pub periods_read: Option<u64>,
}

/// One counted cell: full-time persons of a municipality, group and period.
#[derive(Debug, Clone, PartialEq)]
pub struct CountedCell {
    /// Municipality code.
    pub kommune: u16,
    /// The records' group (`i-alt` across the config's total).
    pub gruppe: String,
    /// The period.
    pub periode: crate::keys::Period,
    /// Full-time persons, unrounded.
    pub fuldtidspersoner: f64,
    /// Distinct persons with at least one day.
    pub personer: u64,
}
