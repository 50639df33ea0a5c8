//! Command-line interface (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns Danish municipal employment benchmark data into committee-ready HTML and PDF reports.
#[derive(Debug, Parser)]
#[command(name = "kommunebench", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, compute and render the site, data files and PDF appendices.
    Build {
        /// The config file.
        #[arg(long, default_value = "config/kommunebench.toml")]
        config: PathBuf,
        /// The output folder (replaced atomically).
        #[arg(long, default_value = "site")]
        out: PathBuf,
        /// Replace an output folder that kommunebench did not write.
        #[arg(long)]
        force: bool,
        /// Only this municipality's page and appendix (plus the national pages).
        #[arg(long, value_name = "KOMMUNEKODE")]
        kommune: Option<u16>,
        /// Which reports to render.
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
        /// No progress on stderr (without a terminal, progress is plain lines anyway).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Validate the config and data without writing anything, and print a summary.
    Check {
        /// The config file.
        #[arg(long, default_value = "config/kommunebench.toml")]
        config: PathBuf,
    },
    /// Build in memory and serve the site on 127.0.0.1; rebuild and reload open pages on every
    /// change of the config, an input file or a template; show errors in the page.
    Serve {
        /// The config file.
        #[arg(long, default_value = "config/kommunebench.toml")]
        config: PathBuf,
        /// The port (0 = any free port; the address is printed).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
    },
    /// Print the JSON schema of the config file (for editors: Taplo / Even Better TOML read a
    /// `#:schema` line), as committed in `config/kommunebench.schema.json`.
    Schema,
    /// Count fuldtidspersoner from benefit periods (CSV or Parquet: person, kommune, ydelse, fra,
    /// til[, grad | timer]) per municipality, group and period; or `records generate` a synthetic
    /// register. Person identifiers never reach the output, a log line or an error message.
    #[command(args_conflicts_with_subcommands = true)]
    Records {
        /// `generate`: write a synthetic register instead of counting.
        #[command(subcommand)]
        action: Option<RecordsAction>,
        /// The counting.
        #[command(flatten)]
        count: Box<RecordsArgs>,
    },
    /// Write the built-in templates to a folder, to start a `templates-dir` from.
    InitTemplates {
        /// The folder to write to (must not contain the template files yet).
        dir: PathBuf,
    },
}

/// `records` subcommands.
#[derive(Debug, Subcommand)]
pub enum RecordsAction {
    /// Write a seeded SYNTHETIC register whose 12-month counts in the calibration year reproduce
    /// the actual counts of jobindsats Y30R21.
    Generate {
        /// About how many benefit periods.
        #[arg(long, default_value_t = 1_000_000)]
        periods: u64,
        /// The random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The register's years, FIRST-LAST.
        #[arg(long, default_value = "2020-2024")]
        years: String,
        /// The Y30R21 file (JSON lines) to calibrate to.
        #[arg(long, default_value = "fixtures/jobindsats/Y30R21-2020-2022.jsonl")]
        calibrate: PathBuf,
        /// The Y30R21 period reproduced (a calendar year: YYYYQMAT04).
        #[arg(long, default_value = "2022QMAT04")]
        period: String,
        /// Only these municipalities (codes, comma-separated).
        #[arg(long, value_delimiter = ',')]
        kommune: Vec<u16>,
        /// Rows in random order (default: grouped by person).
        #[arg(long)]
        shuffle: bool,
        /// The output file (`.csv` or `.parquet`).
        #[arg(long)]
        out: PathBuf,
    },
}

/// `records` counting options.
#[derive(Debug, clap::Args)]
pub struct RecordsArgs {
    /// Input files (CSV, or `.parquet`).
    pub files: Vec<PathBuf>,
    /// Period length.
    #[arg(long, value_enum, default_value_t = PerArg::Month)]
    pub per: PerArg,
    /// First day counted, YYYY-MM-DD (the first day of a period).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day counted, YYYY-MM-DD (the last day of a period); open periods count to here.
    #[arg(long)]
    pub to: Option<String>,
    /// The output (`.csv` or `.parquet`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A codes file (`ydelse;gruppe;kilde`) mapping benefit codes to groups; without one each
    /// code is its own group.
    #[arg(long)]
    pub codes: Option<PathBuf>,
    /// Column names of the input, `role=name,…` (roles: person, kommune, ydelse, fra, til,
    /// grad, timer).
    #[arg(long)]
    pub columns: Option<String>,
    /// A municipality list (`kommunekode;kommune;region`) instead of the built-in 98.
    #[arg(long)]
    pub kommuner: Option<PathBuf>,
    /// Folder for the partition of inputs too large for memory (default: the system's).
    #[arg(long)]
    pub tmp: Option<PathBuf>,
    /// Print the definition as SQL for this engine instead of counting.
    #[arg(long, value_enum)]
    pub emit_sql: Option<SqlArg>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Bytes of the partition held in memory before it moves to disk (tests use a small value).
    #[arg(long, hide = true)]
    pub spill_at: Option<usize>,
}

/// Period lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PerArg {
    /// Calendar months (`2024M03`).
    Month,
    /// Calendar quarters (`2024Q1`).
    Quarter,
    /// Calendar years (`2024`).
    Year,
}

/// SQL engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlArg {
    /// DuckDB.
    Duckdb,
    /// Spark SQL.
    Spark,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// HTML pages only (plus data files).
    Html,
    /// PDF appendices only (plus data files).
    Pdf,
    /// Word files only (the agenda item, plus data files).
    Word,
    /// HTML, PDF and Word.
    All,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
