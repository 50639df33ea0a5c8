//! Loading every input into one in-memory [`Dataset`].
//!
//! Each format has its own module that turns a file into [`Record`]s; this module
//! matches municipalities and groups, rejects duplicates and bad values, and keeps
//! the provenance (path and SHA-256) of every file read.

mod jobindsats;
mod number;
mod table;

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::bail_input;
use crate::config::{Config, InputFormat, InputRole};
use crate::error::{input_error, read_file};

pub use number::parse_number;

/// The 98 municipalities, compiled in (see `fixtures/README.md` for provenance).
const BUILTIN_MUNICIPALITIES: &str = include_str!("kommuner.csv");

/// A municipality.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Municipality {
    /// Official 3-digit code.
    pub code: u16,
    /// Name, for display and for matching name-keyed data.
    pub name: String,
    /// Region (for comparison groups).
    pub region: String,
}

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
    /// Supplied rank.
    pub rank: Option<u32>,
}

/// One input file as read, for the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputFile {
    /// The path as written in the config (relative to the config file).
    pub path: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// Everything the inputs say, keyed and checked.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// All municipalities, sorted by code.
    pub municipalities: Vec<Municipality>,
    /// (period, group id, kommunekode) → figures.
    pub figures: BTreeMap<(String, String, u16), Figures>,
    /// (period, kommunekode) → population 16–66 from a population input.
    pub population: BTreeMap<(String, u16), f64>,
    /// (period or "" for all periods, kommunekode) → variable → value.
    pub rammevilkaar: BTreeMap<(String, u16), BTreeMap<String, f64>>,
    /// Every input read, in config order (the municipality list first when configured).
    pub inputs: Vec<InputFile>,
}

impl Dataset {
    /// All periods with benchmark figures, sorted.
    pub fn periods(&self) -> Vec<String> {
        let mut p: Vec<String> = self.figures.keys().map(|k| k.0.clone()).collect();
        p.dedup();
        p.sort();
        p.dedup();
        p
    }

    /// The municipality with this code.
    pub fn municipality(&self, code: u16) -> Option<&Municipality> {
        self.municipalities
            .binary_search_by_key(&code, |m| m.code)
            .ok()
            .map(|i| &self.municipalities[i])
    }

    /// Rammevilkår variables of a municipality for a period (period-specific rows win).
    pub fn variables_for(&self, period: &str, code: u16) -> Option<&BTreeMap<String, f64>> {
        self.rammevilkaar
            .get(&(period.to_string(), code))
            .or_else(|| self.rammevilkaar.get(&(String::new(), code)))
    }
}

/// A row as a format reader produces it, before matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    /// "file:line" for messages.
    pub at: String,
    pub kommunekode: Option<String>,
    pub kommune: Option<String>,
    pub period: Option<String>,
    pub group: Option<String>,
    pub benefit: Option<String>,
    pub figures: Figures,
    pub variables: BTreeMap<String, f64>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the municipality list: `kommunekode;kommune;region[;…]` with a header line.
pub fn parse_municipalities(text: &str, origin: &str) -> anyhow::Result<Vec<Municipality>> {
    let mut out: Vec<Municipality> = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(';').collect();
        if cols.len() < 3 {
            bail_input!(
                "{origin}:{}: expected `kommunekode;kommune;region`, found {line:?}",
                i + 1
            );
        }
        let code = parse_code(cols[0].trim()).ok_or_else(|| {
            input_error(format!(
                "{origin}:{}: kommunekode {:?} is not a 3-digit code",
                i + 1,
                cols[0]
            ))
        })?;
        let name = cols[1].trim().to_string();
        if name.is_empty() {
            bail_input!("{origin}:{}: empty municipality name", i + 1);
        }
        if out.iter().any(|m| m.code == code || m.name == name) {
            bail_input!(
                "{origin}:{}: municipality {code} {name:?} is listed twice",
                i + 1
            );
        }
        out.push(Municipality {
            code,
            name,
            region: cols[2].trim().to_string(),
        });
    }
    if out.is_empty() {
        bail_input!("{origin}: the municipality list is empty");
    }
    out.sort_by_key(|m| m.code);
    Ok(out)
}

fn parse_code(s: &str) -> Option<u16> {
    let s = s.trim();
    if s.is_empty() || s.len() > 3 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&c| c > 0)
}

/// Reads every input of the config into a checked dataset.
pub fn load(cfg: &Config) -> anyhow::Result<Dataset> {
    let mut ds = Dataset::default();
    ds.municipalities = match &cfg.data.municipalities {
        Some(p) => {
            let path = cfg.resolve(p.get_ref());
            let bytes = read_file(&path)?;
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| input_error(format!("{}: not valid UTF-8", path.display())))?;
            ds.inputs.push(input_file(p.get_ref(), &bytes));
            parse_municipalities(&text, &path.display().to_string())?
        }
        None => parse_municipalities(BUILTIN_MUNICIPALITIES, "built-in municipality list")?,
    };
    let by_name: BTreeMap<&str, u16> = ds
        .municipalities
        .iter()
        .map(|m| (m.name.as_str(), m.code))
        .collect();
    let by_name: BTreeMap<String, u16> = by_name
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();

    let mut loader = Loader {
        cfg,
        ds,
        by_name,
        origins: BTreeMap::new(),
        benefit_seen: BTreeMap::new(),
    };
    for inp in &cfg.data.inputs {
        let path = cfg.resolve(inp.path.get_ref());
        let bytes = read_file(&path)?;
        loader
            .ds
            .inputs
            .push(input_file(inp.path.get_ref(), &bytes));
        let shown = path.display().to_string();
        let records = match inp.format {
            InputFormat::JobindsatsJson => jobindsats::read(&bytes, &shown)?,
            InputFormat::Csv => table::read_csv(&bytes, &shown, inp)?,
            InputFormat::Xlsx => table::read_xlsx(&path, &shown, inp)?,
        };
        for rec in records {
            loader.apply(inp.role, rec)?;
        }
    }
    let ds = loader.finish()?;
    Ok(ds)
}

fn input_file(p: &Path, bytes: &[u8]) -> InputFile {
    InputFile {
        path: p.to_string_lossy().replace('\\', "/"),
        sha256: sha256_hex(bytes),
        bytes: bytes.len(),
    }
}

struct Loader<'a> {
    cfg: &'a Config,
    ds: Dataset,
    by_name: BTreeMap<String, u16>,
    /// Where each figures entry came from, for duplicate messages.
    origins: BTreeMap<(String, String, u16), String>,
    /// (period, benefit, code) → where, for benefit-level duplicates.
    benefit_seen: BTreeMap<(String, String, u16), String>,
}

impl Loader<'_> {
    fn code(&self, rec: &Record) -> anyhow::Result<u16> {
        if let Some(k) = &rec.kommunekode {
            let code = parse_code(k).ok_or_else(|| {
                input_error(format!(
                    "{}: kommunekode {k:?} is not a 3-digit municipality code",
                    rec.at
                ))
            })?;
            if self.ds.municipality(code).is_none() {
                bail_input!(
                    "{}: unknown kommunekode {code}: not in the municipality list",
                    rec.at
                );
            }
            if let Some(name) = &rec.kommune {
                let m = self.ds.municipality(code).expect("checked above");
                if &m.name != name {
                    bail_input!(
                        "{}: kommunekode {code} is {:?}, but the row says {name:?}",
                        rec.at,
                        m.name
                    );
                }
            }
            return Ok(code);
        }
        let Some(name) = &rec.kommune else {
            bail_input!("{}: the row names no municipality", rec.at);
        };
        self.by_name.get(name.as_str()).copied().ok_or_else(|| {
            input_error(format!(
                "{}: unknown municipality name {name:?}: names must match the municipality list exactly",
                rec.at
            ))
        })
    }

    fn period(&self, rec: &Record) -> anyhow::Result<String> {
        match &rec.period {
            Some(p) if !p.trim().is_empty() => Ok(p.trim().to_string()),
            _ => Err(input_error(format!(
                "{}: the row has no period (map a period column or set `period`)",
                rec.at
            ))),
        }
    }

    fn apply(&mut self, role: InputRole, rec: Record) -> anyhow::Result<()> {
        check_values(&rec)?;
        let code = self.code(&rec)?;
        match role {
            InputRole::Population => {
                let period = self.period(&rec)?;
                let Some(pop) = rec.figures.population else {
                    bail_input!("{}: the population input has no population value", rec.at);
                };
                if self
                    .ds
                    .population
                    .insert((period.clone(), code), pop)
                    .is_some()
                {
                    bail_input!(
                        "{}: duplicate population row for period {period}, kommune {code}",
                        rec.at
                    );
                }
            }
            InputRole::Rammevilkaar => {
                let period = rec.period.clone().unwrap_or_default();
                if self
                    .ds
                    .rammevilkaar
                    .insert((period.clone(), code), rec.variables)
                    .is_some()
                {
                    bail_input!(
                        "{}: duplicate rammevilkår row for kommune {code}{}",
                        rec.at,
                        if period.is_empty() {
                            String::new()
                        } else {
                            format!(", period {period}")
                        }
                    );
                }
            }
            InputRole::Benchmark => self.apply_benchmark(code, rec)?,
        }
        Ok(())
    }

    fn apply_benchmark(&mut self, code: u16, rec: Record) -> anyhow::Result<()> {
        let period = self.period(&rec)?;
        let groups = &self.cfg.groups;
        if let Some(name) = &rec.group {
            let Some(g) = groups.iter().find(|g| g.matches(name)) else {
                let known: Vec<String> = groups.iter().map(|g| format!("{:?}", g.label)).collect();
                bail_input!(
                    "{}: unknown benefit group {name:?}; configured groups are {} (add it to [[groups]] or its `source-labels`)",
                    rec.at,
                    known.join(", ")
                );
            };
            let key = (period, g.id.get_ref().clone(), code);
            if let Some(first) = self.origins.get(&key) {
                let m = self.ds.municipality(code).expect("code checked");
                bail_input!(
                    "{}: duplicate row for period {}, group {}, kommune {} {}; first given at {first}",
                    rec.at,
                    key.0,
                    key.1,
                    code,
                    m.name
                );
            }
            self.origins.insert(key.clone(), rec.at.clone());
            self.ds.figures.insert(key, rec.figures);
            return Ok(());
        }
        let Some(benefit) = &rec.benefit else {
            bail_input!(
                "{}: the row names no benefit group (map a `group` or `benefit` column)",
                rec.at
            );
        };
        let targets: Vec<&str> = groups
            .iter()
            .filter(|g| !g.is_total() && g.benefits.iter().any(|b| b == benefit))
            .map(|g| g.id.get_ref().as_str())
            .collect();
        if targets.is_empty() {
            bail_input!(
                "{}: the benefit {benefit:?} is in no configured group's `benefits`",
                rec.at
            );
        }
        let bkey = (period.clone(), benefit.clone(), code);
        if let Some(first) = self.benefit_seen.get(&bkey) {
            bail_input!("{}: duplicate row for period {period}, benefit {benefit}, kommune {code}; first given at {first}", rec.at);
        }
        self.benefit_seen.insert(bkey, rec.at.clone());
        for gid in targets {
            let key = (period.clone(), gid.to_string(), code);
            let entry = self.ds.figures.entry(key.clone()).or_default();
            add(&mut entry.actual, rec.figures.actual);
            add(&mut entry.expected, rec.figures.expected);
            if rec.figures.population.is_some() {
                entry.population = rec.figures.population;
            }
            self.origins.entry(key).or_insert_with(|| rec.at.clone());
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<Dataset> {
        let ds = self.ds;
        if ds.figures.is_empty() {
            bail_input!("the inputs hold no benchmark rows");
        }
        Ok(ds)
    }
}

/// Counts and shares cannot be negative; a population cannot be zero.
fn check_values(rec: &Record) -> anyhow::Result<()> {
    let f = &rec.figures;
    let checks = [
        ("actual count", f.actual),
        ("expected count", f.expected),
        ("population", f.population),
        ("actual share", f.actual_share),
        ("expected share", f.expected_share),
    ];
    for (what, v) in checks {
        if let Some(v) = v {
            if !v.is_finite() || v < 0.0 {
                bail_input!("{}: {what} is {v}; expected a number ≥ 0", rec.at);
            }
        }
    }
    if f.population == Some(0.0) {
        bail_input!(
            "{}: population 16–66 is 0; shares cannot be computed",
            rec.at
        );
    }
    if let Some(r) = f.rank {
        if r == 0 {
            bail_input!("{}: rank 0; ranks start at 1", rec.at);
        }
    }
    Ok(())
}

fn add(into: &mut Option<f64>, v: Option<f64>) {
    if let Some(v) = v {
        *into = Some(into.unwrap_or(0.0) + v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_has_98() {
        let m = parse_municipalities(BUILTIN_MUNICIPALITIES, "x").unwrap();
        assert_eq!(m.len(), 98);
        assert_eq!(m[0].name, "København");
        assert!(m.iter().any(|m| m.code == 183 && m.name == "Ishøj"));
    }
}
