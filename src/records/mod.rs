//! `kommunebench records`: fuldtidspersoner counted from benefit periods (a case system's or the
//! register's), written as CSV or Parquet; `records generate` writes a synthetic register; and
//! `--emit-sql` writes the same definition for DuckDB or Spark SQL.

mod counted;
pub mod generate;
pub mod inputs;
pub mod sql;
mod write;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::compute::fulltime::{self, Calendar, Per, Table};
use crate::input::records::{Codes, Columns, Reader};

pub use write::{format_number, write_table};

/// What `records` counts.
#[derive(Debug, Clone)]
pub struct Options {
    /// The input files (CSV or `.parquet`).
    pub files: Vec<PathBuf>,
    /// Period length.
    pub per: Per,
    /// First day counted (a period's first day), `YYYY-MM-DD`.
    pub from: String,
    /// Last day counted (a period's last day); open periods count to here.
    pub to: String,
    /// The codes file (without: each code is its own group).
    pub codes: Option<PathBuf>,
    /// Column mapping, `role=name,…`.
    pub columns: Option<String>,
    /// A municipality list other than the built-in one.
    pub kommuner: Option<PathBuf>,
    /// Where the partition goes when it does not fit in memory.
    pub tmp: Option<PathBuf>,
    /// Show a progress bar (on a terminal, for large inputs).
    pub progress: bool,
    /// Bytes held in memory before the partition moves to disk (default 192 MiB).
    pub spill_at: Option<usize>,
}

/// Counts: reads, checks and partitions every file, then counts on all cores.
pub fn count(opts: &Options) -> anyhow::Result<Table> {
    let from = fulltime::parse_day("--from", &opts.from)?;
    let to = fulltime::parse_day("--to", &opts.to)?;
    let cal = Calendar::new(opts.per, from, to)?;
    let columns = match &opts.columns {
        Some(m) => Columns::default().with_mapping(m)?,
        None => Columns::default(),
    };
    let codes = opts.codes.as_deref().map(Codes::load).transpose()?;
    let kommuner = kommuner(opts.kommuner.as_deref())?;
    if opts.files.is_empty() {
        crate::bail_input!("records: no input file given");
    }
    for f in &opts.files {
        if !f.is_file() {
            crate::bail_input!("cannot read {}: no such file", f.display());
        }
    }
    let reader = Reader::new(opts.files.clone(), columns, &kommuner, codes, cal.to());
    let total = crate::input::records::total_size(&opts.files);
    let bar = progress_bar(opts.progress, total);
    let tmp = opts.tmp.clone().unwrap_or_else(std::env::temp_dir);
    let table = fulltime::count(&reader, &cal, &tmp, opts.spill_at, &|n| bar.inc(n));
    bar.finish_and_clear();
    table
}

/// The municipality codes rows are checked against: a list file's, or the built-in list's.
pub(crate) fn kommuner(list: Option<&Path>) -> anyhow::Result<Vec<u16>> {
    let list = match list {
        Some(p) => {
            let bytes = crate::error::read_file(p)?;
            let text = String::from_utf8_lossy(&bytes);
            crate::input::parse_municipalities(&text, &p.display().to_string())?
        }
        None => crate::input::builtin_municipalities(),
    };
    Ok(list.iter().map(|m| m.code.0).collect())
}

/// Counts and writes `out` (`.csv` or `.parquet`); returns the summary line.
pub fn run(opts: &Options, out: &Path) -> anyhow::Result<String> {
    let t0 = std::time::Instant::now();
    let table = count(opts)?;
    write_table(&table, out)?;
    Ok(format!(
        "counted {} benefit periods from {} file(s) into {} cells ({} groups incl. i-alt) in {:.1} s{} → {}",
        table.periods_read,
        opts.files.len(),
        table.cells.len(),
        table.groups.len(),
        t0.elapsed().as_secs_f64(),
        if table.spilled { ", partitioned on disk" } else { "" },
        out.display()
    ))
}

/// A bar on stderr for inputs over 64 MiB, when stderr is a terminal and it is wanted.
pub(crate) fn progress_bar(wanted: bool, total: u64) -> indicatif::ProgressBar {
    if !wanted || total < (64 << 20) || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// The `records` command line: count, emit SQL, or generate.
pub fn cli(
    action: Option<crate::cli::RecordsAction>,
    a: crate::cli::RecordsArgs,
) -> anyhow::Result<String> {
    use crate::cli::{PerArg, RecordsAction, SqlArg};
    if let Some(RecordsAction::Generate {
        periods,
        seed,
        years,
        calibrate,
        period,
        kommune,
        shuffle,
        out,
    }) = action
    {
        let bad = || {
            crate::error::input_error(format!(
                "--years {years:?}: expected FIRST-LAST, e.g. 2020-2024"
            ))
        };
        let (y0, y1) = years.split_once('-').ok_or_else(bad)?;
        let years = (
            y0.trim().parse().map_err(|_| bad())?,
            y1.trim().parse().map_err(|_| bad())?,
        );
        let o = generate::GenerateOptions {
            periods,
            seed,
            years,
            calibrate,
            period,
            kommuner: kommune,
            shuffle,
            out: out.clone(),
        };
        let (n, persons) = generate::generate(&o)?;
        return Ok(format!(
            "wrote {n} SYNTHETIC benefit periods of {persons} persons → {}",
            out.display()
        ));
    }
    let need = |v: Option<String>, flag: &str| {
        v.ok_or_else(|| {
            crate::error::input_error(format!("records: {flag} YYYY-MM-DD is required"))
        })
    };
    let opts = Options {
        files: a.files,
        per: match a.per {
            PerArg::Month => Per::Month,
            PerArg::Quarter => Per::Quarter,
            PerArg::Year => Per::Year,
        },
        from: need(a.from, "--from")?,
        to: need(a.to, "--to")?,
        codes: a.codes,
        columns: a.columns,
        kommuner: a.kommuner,
        tmp: a.tmp,
        progress: !a.quiet,
        spill_at: a.spill_at,
    };
    if let Some(d) = a.emit_sql {
        let sql = sql::emit(
            &opts,
            match d {
                SqlArg::Duckdb => sql::Dialect::DuckDb,
                SqlArg::Spark => sql::Dialect::Spark,
            },
        )?;
        return match a.out {
            Some(p) => {
                std::fs::write(&p, sql)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
                Ok(format!("wrote the SQL → {}", p.display()))
            }
            None => Ok(sql),
        };
    }
    let out = a.out.ok_or_else(|| {
        crate::error::input_error("records: --out FILE.csv|FILE.parquet is required")
    })?;
    run(&opts, &out)
}
