//! Input stage: every configured file is read once into bytes (hashed for the manifest), parsed
//! by its format's reader into [`Record`]s, and assembled into one checked [`Dataset`].
//!
//! Every reader has the same shape: bytes, the file's name for messages, and the checked input
//! config in; records out.

mod agree;
mod areas;
mod assemble;
mod centroids;
mod dimensional;
mod jobindsats;
mod jobindsats_table;
mod long;
mod municipalities;
mod number;
pub mod provenance;
pub mod records;
mod series;
mod statbank;
mod table;
mod timed;
mod trend_groups;
mod xlsx;

use std::collections::BTreeMap;

use self::records::Counted;
use crate::bail_input;
use crate::config::{Config, Input, InputKind};
use crate::error::input_error;
use crate::keys::{GroupId, Kommunekode, Period};

pub use municipalities::{builtin_municipalities, parse_municipalities, Municipality};
pub use number::parse_number;
pub use provenance::{sha256_hex, InputFile, Manifest};
pub use series::{Design, Series, Source};

pub(crate) use areas::Areas;
pub(crate) use dimensional::Observations;

/// The figures one input row gives for (period, group, municipality); any may be absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Population 16–66.
    pub population: Option<f64>,
    /// Actual full-time persons.
    pub actual: Option<f64>,
    /// Expected full-time persons.
    pub expected: Option<f64>,
    /// Actual share (pct.).
    pub actual_share: Option<f64>,
    /// Expected share (pct.).
    pub expected_share: Option<f64>,
    /// Actual − expected (persons).
    pub gap: Option<f64>,
    /// Actual share − expected share (percentage points).
    pub gap_pp: Option<f64>,
    /// Standard error of `gap_pp`, given by the input and used as given (percentage points).
    pub gap_pp_se: Option<f64>,
    /// Supplied rank.
    pub rank: Option<u32>,
}

/// Which periods a rammevilkår row applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// A table without a period: the same values for every period.
    AllPeriods,
    /// One period.
    Period(Period),
}

/// Rammevilkår variables of one municipality: name → value.
pub type Variables = BTreeMap<String, f64>;

/// Everything the inputs say, keyed and checked.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// All municipalities, sorted by code.
    pub municipalities: Vec<Municipality>,
    /// (period, group, kommunekode) → figures.
    pub figures: BTreeMap<(Period, GroupId, Kommunekode), Figures>,
    /// (period, kommunekode) → population 16–66 from a population input.
    pub population: BTreeMap<(Period, Kommunekode), f64>,
    /// (scope, kommunekode) → rammevilkår variables, from tables by period or without time.
    pub rammevilkaar: BTreeMap<(Scope, Kommunekode), Variables>,
    /// Rammevilkår variables by year (or quarter, or month), read or derived.
    pub series: BTreeMap<String, Series>,
    /// Per input file, the rows of areas that are not municipalities, skipped: area → rows.
    pub skipped: Vec<(String, BTreeMap<String, usize>)>,
    /// Every input read, in config order (the municipality list first when configured).
    pub inputs: Vec<InputFile>,
    /// Continued mode's trend groups (KOMGRP), when configured: municipality → group.
    pub trend_groups: Option<BTreeMap<Kommunekode, String>>,
    /// Provenance sentences every page shows (Danish), from inputs that need one: the figures
    /// counted from case records, and how many cells were not published.
    pub notes: Vec<provenance::Note>,
    /// The cells counted from case records: (period, group, municipality) → distinct persons.
    pub counted_persons: BTreeMap<(Period, GroupId, Kommunekode), u64>,
}

impl Dataset {
    /// All periods with figures of any of `groups`, in order.
    pub fn periods_of(&self, groups: &[GroupId]) -> Vec<Period> {
        let mut p: Vec<Period> = self
            .figures
            .keys()
            .filter(|k| groups.contains(&k.1))
            .map(|k| k.0.clone())
            .collect();
        p.sort();
        p.dedup();
        p
    }

    /// All periods with figures, in order.
    pub fn periods(&self) -> Vec<Period> {
        let mut p: Vec<Period> = self.figures.keys().map(|k| k.0.clone()).collect();
        p.sort();
        p.dedup();
        p
    }

    /// The municipality with this code.
    pub fn municipality(&self, code: Kommunekode) -> Option<&Municipality> {
        self.municipalities
            .binary_search_by_key(&code, |m| m.code)
            .ok()
            .map(|i| &self.municipalities[i])
    }

    /// A municipality's name, or "" for a code not in the list.
    pub fn name(&self, code: Kommunekode) -> &str {
        self.municipality(code).map_or("", |m| m.name.as_str())
    }
}

/// A row's period as a reader found it.
#[derive(Debug, Clone)]
pub(crate) enum RowPeriod {
    /// Text from the file, parsed while assembling (so its location can be named).
    Label(String),
    /// The input's configured `period`, checked with the config.
    Checked(Period),
}

/// A row as a format reader produces it, before matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    /// "file:line" for messages.
    pub at: String,
    /// Where the period is written, for a malformed label ("file:line:col" or a column name).
    pub period_at: String,
    pub kommunekode: Option<String>,
    pub kommune: Option<String>,
    pub period: Option<RowPeriod>,
    pub group: Option<String>,
    pub benefit: Option<String>,
    pub figures: Figures,
    pub variables: Variables,
}

/// What a reader produces: rows by period (Y30R21, CSV, XLSX) or summed observations by
/// area and time (StatBank, long, jobindsats tables).
pub(crate) enum Read {
    Records(Vec<Record>),
    Observations(Observations),
}

/// Reads one input's bytes with its format's reader.
pub(crate) fn read(
    bytes: &[u8],
    shown: &str,
    input: &Input,
    areas: &Areas,
) -> anyhow::Result<Read> {
    Ok(match input.kind {
        InputKind::JobindsatsJson => Read::Records(jobindsats::read(bytes, shown)?),
        InputKind::Csv { .. } => Read::Records(table::read_csv(bytes, shown, input)?),
        InputKind::Xlsx { .. } => Read::Records(xlsx::read_xlsx(bytes, shown, input)?),
        InputKind::Statbank => Read::Observations(statbank::read(bytes, shown, input, areas)?),
        InputKind::Long { .. } => Read::Observations(long::read(bytes, shown, input, areas)?),
        InputKind::Jobindsats => {
            Read::Observations(jobindsats_table::read(bytes, shown, input, areas)?)
        }
        InputKind::Records(_) => {
            bail_input!("{shown}: a records input is counted, not read as a table")
        }
    })
}

/// The largest input file accepted (bytes). The whole of Denmark by municipality, benefit and
/// month for decades is a few megabytes; a bound keeps a wrong file from exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a file, bounded by [`MAX_INPUT_BYTES`], naming it in the error.
fn read_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let len = std::fs::metadata(path)
        .map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))?
        .len();
    if len > MAX_INPUT_BYTES {
        bail_input!(
            "{}: the file is {len} bytes; inputs larger than {MAX_INPUT_BYTES} bytes are refused",
            path.display()
        );
    }
    crate::error::read_file(path)
}

/// Every klynge member must be a municipality of the list.
fn check_klynger(cfg: &Config, municipalities: &[Municipality]) -> anyhow::Result<()> {
    for (name, members) in &cfg.comparison.klynger {
        if let Some(c) = members
            .iter()
            .find(|c| !municipalities.iter().any(|m| m.code == **c))
        {
            return Err(cfg.error_at(
                &cfg.comparison.klynge_at[name],
                format!(
                    "comparison.klynger.{name}: kommunekode {} is not in the municipality list",
                    c.get()
                ),
            ));
        }
    }
    Ok(())
}

/// What one configured input is, read: the file's bytes, or a records input counted.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// A table's bytes, parsed by its format's reader.
    Bytes(Vec<u8>),
    /// Benefit periods counted into cells (register scale: never held as bytes).
    Counted(Box<Counted>),
}

/// How a records input is counted: given by the caller, as the counting engine lives in the
/// compute stage.
pub type CountRecords<'a> = &'a dyn Fn(&Input) -> anyhow::Result<Counted>;

/// Reads every input of the config into a checked dataset. The only file reads of the stage;
/// records inputs are counted by `count`.
pub fn load(cfg: &Config, count: CountRecords) -> anyhow::Result<Dataset> {
    let municipalities = match &cfg.municipalities {
        Some(m) => Some(read_file(&m.path)?),
        None => None,
    };
    let inputs = cfg
        .inputs
        .iter()
        .map(|i| match i.kind {
            InputKind::Records(_) => Ok(Loaded::Counted(Box::new(count(i)?))),
            _ => read_file(&i.file.path).map(Loaded::Bytes),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut ds = load_from(cfg, municipalities.as_deref(), &inputs)?;
    let mut centroids = BTreeMap::new();
    for (file, _) in cfg.derived.iter().filter_map(|d| d.nearby.as_ref()) {
        if centroids.contains_key(&file.path) {
            continue;
        }
        let bytes = read_file(&file.path)?;
        let shown = file.path.display().to_string();
        centroids.insert(file.path.clone(), centroids::parse(&bytes, &shown)?);
        ds.inputs.push(InputFile::new(&file.written, &bytes));
    }
    if !centroids.is_empty() {
        series::derive_nearby(cfg, &mut ds.series, &centroids)?;
    }
    if let Some(file) = cfg
        .expected
        .continued
        .as_ref()
        .and_then(|c| c.trend_groups.as_ref())
    {
        let bytes = read_file(&file.path)?;
        let shown = file.path.display().to_string();
        ds.trend_groups = Some(trend_groups::parse(&bytes, &shown, &ds.municipalities)?);
        ds.inputs.push(InputFile::new(&file.written, &bytes));
    }
    Ok(ds)
}

/// The dataset from bytes already read: the configured municipality list (or the built-in
/// one) and every input in config order. Pure: the readers never touch the disk.
pub fn load_from(
    cfg: &Config,
    municipalities: Option<&[u8]>,
    inputs: &[Loaded],
) -> anyhow::Result<Dataset> {
    let mut files = Vec::new();
    let municipalities = match (&cfg.municipalities, municipalities) {
        (Some(m), Some(bytes)) => {
            files.push(InputFile::new(&m.written, bytes));
            municipalities::from_bytes(bytes, &m.path.display().to_string())?
        }
        _ => municipalities::builtin()?,
    };
    check_klynger(cfg, &municipalities)?;
    let areas = Areas::new(&municipalities);
    let mut assembler = assemble::Assembler::new(cfg, municipalities);
    for (input, loaded) in cfg.inputs.iter().zip(inputs) {
        let bytes = match loaded {
            Loaded::Bytes(b) => b,
            Loaded::Counted(c) => {
                files.push(c.file.clone());
                files.extend(c.codes.clone());
                assembler.counted(input, c)?;
                continue;
            }
        };
        files.push(InputFile::new(&input.file.written, bytes));
        let shown = input.file.path.display().to_string();
        match read(bytes, &shown, input, &areas)? {
            Read::Records(recs) => {
                let rounding = agree::Rounding::of_records(&recs);
                for rec in recs {
                    assembler.apply(input.role, rec, &rounding)?;
                }
            }
            Read::Observations(obs) => assembler.observe(input, &shown, obs)?,
        }
    }
    assembler.finish(files)
}
