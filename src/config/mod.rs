//! The configuration: the TOML file ([`raw`]) is parsed, then checked ([`check`]) into a
//! [`Config`] with typed keys, parsed periods and resolved paths. Every later stage reads only
//! the checked config; messages about it name the config file, line and column, and the key.
//!
//! Every path in the file is relative to the config file itself.

mod check;
pub mod continued;
mod groups;
mod inputs;
pub mod raw;
mod records;
pub mod status;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use raw::{
    ColumnMap, ComparisonKind, ConfidenceSets, Decimal, InputFormat, InputRole, Method, Mode,
    PresentationConfig, RankingConfig, Unit,
};

use crate::error::input_error;
use crate::keys::{GroupId, Kommunekode, Period};

/// A checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from and its text (for the manifest and for messages).
    pub origin: Origin,
    /// `[report]`.
    pub report: Report,
    /// `data.municipalities`, when a list other than the built-in one is configured.
    pub municipalities: Option<InputFile>,
    /// `[[data.inputs]]`, in config order.
    pub inputs: Vec<Input>,
    /// `[[data.derived]]`, in config order.
    pub derived: Vec<Derived>,
    /// Benefit groups in config order.
    pub groups: Vec<Group>,
    /// `[expected]`.
    pub expected: Expected,
    /// `[ranking]`.
    pub ranking: RankingConfig,
    /// `[comparison]`.
    pub comparison: Comparison,
    /// `[presentation]`.
    pub presentation: PresentationConfig,
    /// `output.templates-dir`, resolved.
    pub templates_dir: Option<PathBuf>,
    /// `[[breaks]]`, in date order.
    pub breaks: Vec<continued::Break>,
    /// Groups with `rank = false`: read and followed up, never ranked.
    pub unranked: Vec<Group>,
    /// `[status]`.
    pub status: Option<status::Status>,
    /// `[[targets]]`, in config order.
    pub targets: Vec<status::Target>,
    /// `[agenda]`.
    pub agenda: status::Agenda,
}

/// The config file a config came from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The path as given on the command line.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// A place in the config file, `file:line:col`, for messages raised after checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location(pub String);

/// `[report]`, checked.
#[derive(Debug, Clone)]
pub struct Report {
    /// The current period.
    pub period: Period,
    /// Where `report.period` is written.
    pub period_at: Location,
    /// An explicitly configured comparison period and where it is written.
    pub comparison_period: Option<(Period, Location)>,
    /// Report title.
    pub title: String,
    /// Source lines.
    pub sources: Vec<String>,
    /// The accessibility statement's address.
    pub accessibility_statement: Option<String>,
}

/// A file named in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path as written in the config (for the manifest).
    pub written: PathBuf,
    /// The path resolved against the config file's folder.
    pub path: PathBuf,
}

/// How an input file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// The jobindsats API's JSON export of table Y30R21.
    JobindsatsJson,
    /// A delimited text table.
    Csv {
        /// `b';'` or `b','`.
        delimiter: u8,
        /// How numbers in the text are written.
        decimal: Decimal,
    },
    /// A workbook sheet.
    Xlsx {
        /// The sheet, or the first one.
        sheet: Option<String>,
        /// How numbers in text cells are written, when stated.
        decimal: Option<Decimal>,
    },
    /// A StatBank API CSV export.
    Statbank,
    /// `municipality,year,value`.
    Long {
        /// `b','` (default) or `b';'`.
        delimiter: u8,
        /// How numbers are written (default: point).
        decimal: Decimal,
    },
    /// A jobindsats API export of any table (v2 JSON, v3 JSON or CSV, told apart by content).
    Jobindsats,
    /// Benefit periods per person, counted into fuldtidspersoner.
    Records(RecordsInput),
}

/// A records input's own keys, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsInput {
    /// The codes file, when given.
    pub codes: Option<InputFile>,
    /// The groups taken (empty: every configured group the records count).
    pub groups: Vec<GroupId>,
    /// Column names by role (`person`, `kommune`, …), as `role=name` pairs.
    pub columns: Vec<(String, String)>,
    /// Cells of fewer persons are not published.
    pub min_persons: u32,
}

impl InputKind {
    /// Formats whose rows are (area, time, other dimensions…, value): StatBank, long and the
    /// jobindsats tables. Their time may be a year, quarter or month, not only a period.
    pub fn is_dimensional(&self) -> bool {
        matches!(
            self,
            InputKind::Statbank | InputKind::Long { .. } | InputKind::Jobindsats
        )
    }
}

/// One `[[data.inputs]]`, checked.
#[derive(Debug, Clone)]
pub struct Input {
    pub file: InputFile,
    /// Its format.
    pub kind: InputKind,
    /// What it holds.
    pub role: InputRole,
    /// The period of every row, when the table has none.
    pub period: Option<Period>,
    /// Column names.
    pub columns: ColumnMap,
    /// Rammevilkår columns to read (default: every non-key column).
    pub variables: Option<Vec<String>>,
    /// Dimensional inputs: the values kept per other column, in config order.
    pub select: Vec<(String, Vec<String>)>,
    /// Dimensional rammevilkår inputs: the variable's name.
    pub variable: Option<String>,
    /// Dimensional benchmark inputs: the benefit of every row, when no column names it.
    pub benefit: Option<String>,
    /// Dimensional inputs: the value column, when not the format's default.
    pub value: Option<String>,
    /// What an actual figure counts.
    pub unit: Unit,
    /// Hours of a full-time week, for `unit = "hours"`.
    pub hours_per_week: f64,
    /// Extra periods to form from quarters, months or years.
    pub periods: Vec<Period>,
    /// Where the input's `path` is written, for messages about the input as a whole.
    pub at: Location,
}

/// `[[data.derived]]`, checked: scale × Σ numerator ÷ Σ denominator.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub name: String,
    pub numerator: Vec<String>,
    pub denominator: Vec<String>,
    pub scale: f64,
    /// Over the other municipalities within reach: the boundaries and the bandwidth (km).
    pub nearby: Option<(InputFile, f64)>,
    /// Where it is written.
    pub at: Location,
}

/// A benefit group, checked.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: GroupId,
    /// Danish label.
    pub label: String,
    /// Other names for it in input files.
    pub source_labels: Vec<String>,
    /// The benefits it sums.
    pub benefits: Vec<String>,
    /// Member groups, for a total.
    pub total_of: Vec<GroupId>,
    /// The group it is part of ("heraf").
    pub part_of: Option<GroupId>,
}

impl Group {
    /// True for a group that sums other groups.
    pub fn is_total(&self) -> bool {
        !self.total_of.is_empty()
    }

    /// Whether `name` (from an input file) denotes this group.
    pub fn matches(&self, name: &str) -> bool {
        name == self.id.as_str()
            || name == self.label
            || self.source_labels.iter().any(|s| s == name)
    }
}

/// The model of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// Rammevilkår variables.
    pub variables: Vec<String>,
    pub method: Method,
}

/// `[expected]`, checked.
#[derive(Debug, Clone)]
pub struct Expected {
    /// Supplied or model.
    pub mode: Mode,
    /// Scale expected counts so Σexpected = Σactual per group.
    pub calibrate: bool,
    /// Model mode (and continued mode with `expected.variables`): every ordinary group's
    /// variables and method.
    pub specs: BTreeMap<GroupId, ModelSpec>,
    /// Years between a rammevilkår value's end and the period's end, at least.
    pub lag_years: u8,
    /// Danish labels of variables.
    pub labels: BTreeMap<String, String>,
    /// Continued mode: where the ministry's list is carried from, and how.
    pub continued: Option<continued::Continued>,
}

/// `[comparison]`, checked.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// How peers are chosen.
    pub kind: ComparisonKind,
    /// Peers for `nearest`.
    pub size: usize,
    /// Klynge name → members.
    pub klynger: BTreeMap<String, Vec<Kommunekode>>,
    /// Where each klynge is written, for a member not in the municipality list.
    pub klynge_at: BTreeMap<String, Location>,
}

/// The JSON schema of the config file, generated from the config types (their doc comments are
/// the descriptions editors show). Deterministic: the same text every time.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(raw::RawConfig);
    schema.insert(
        "title".into(),
        serde_json::Value::String("kommunebench config".into()),
    );
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}

impl Config {
    /// Reads, parses and checks a config file.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let bytes = crate::error::read_file(path)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            input_error(format!(
                "{}: the config file is not valid UTF-8",
                path.display()
            ))
        })?;
        Config::parse(&text, path)
    }

    /// Parses and checks config text; `path` is used for messages and relative paths.
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
        check::parse(text, path)
    }

    /// An input error pointing at a place in the config file.
    pub fn error_at(&self, at: &Location, msg: impl std::fmt::Display) -> anyhow::Error {
        input_error(format!("{}: {msg}", at.0))
    }

    /// An input error naming the config file only.
    pub fn error(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        input_error(format!("{}: {msg}", self.origin.path.display()))
    }

    /// The comparison period: configured, or the same period one year earlier.
    pub fn comparison_period(&self) -> Period {
        match &self.report.comparison_period {
            Some((p, _)) => p.clone(),
            None => self.report.period.year_earlier(),
        }
    }

    /// The ranked group with this id.
    pub fn group(&self, id: &GroupId) -> Option<&Group> {
        self.groups.iter().find(|g| &g.id == id)
    }

    /// The group the headline sentence and the appendix's comparison are about: the first total
    /// group, or the first group when there is no total.
    pub fn headline_group(&self) -> &Group {
        self.groups
            .iter()
            .find(|g| g.is_total())
            .unwrap_or(&self.groups[0])
    }

    /// Every group, ranked (config order) then unranked: what the inputs are matched against.
    pub fn all_groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().chain(&self.unranked)
    }

    /// Any group, ranked or not, with this id.
    pub fn any_group(&self, id: &GroupId) -> Option<&Group> {
        self.all_groups().find(|g| &g.id == id)
    }

    /// Every file and folder a build reads: the config, the municipality list, the inputs and
    /// the templates folder (an output folder must never hold one of them).
    pub fn files_read(&self) -> Vec<PathBuf> {
        let mut out = vec![self.origin.path.clone()];
        out.extend(self.municipalities.iter().map(|m| m.path.clone()));
        out.extend(self.inputs.iter().map(|i| i.file.path.clone()));
        out.extend(self.inputs.iter().filter_map(|i| match &i.kind {
            InputKind::Records(r) => r.codes.as_ref().map(|c| c.path.clone()),
            _ => None,
        }));
        out.extend(self.templates_dir.iter().cloned());
        out.extend(
            self.derived
                .iter()
                .filter_map(|d| d.nearby.as_ref())
                .map(|(f, _)| f.path.clone()),
        );
        out.extend(
            self.expected
                .continued
                .iter()
                .filter_map(|c| c.trend_groups.as_ref())
                .map(|f| f.path.clone()),
        );
        out
    }

    /// Variables and method of a group in model mode.
    pub fn model_spec(&self, id: &GroupId) -> Option<&ModelSpec> {
        self.expected.specs.get(id)
    }
}
