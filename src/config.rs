//! The TOML configuration: serde structs with defaults, then a validation pass whose
//! messages name the config file, line and column, and the key.
//!
//! Every path in the file is relative to the config file itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{input_error, line_col};

/// The whole configuration, as written in the TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// What the report is about: period, title, sources.
    pub report: ReportConfig,
    /// Where the data comes from.
    pub data: DataConfig,
    /// Benefit groups (ydelsesgrupper). Default: the ministry's four groups.
    #[serde(default = "default_groups")]
    pub groups: Vec<GroupConfig>,
    /// How expected figures are obtained. Default: supplied by the input.
    #[serde(default)]
    pub expected: ExpectedConfig,
    /// Rank intervals and the small-municipality flag.
    #[serde(default)]
    pub ranking: RankingConfig,
    /// Comparison groups (sammenligningsgrupper).
    #[serde(default)]
    pub comparison: ComparisonConfig,
    /// Rounding and number display.
    #[serde(default)]
    pub presentation: PresentationConfig,
    /// Output options.
    #[serde(default)]
    pub output: OutputConfig,
    /// Where the file was read from and its text (not part of the TOML).
    #[serde(skip)]
    pub origin: ConfigOrigin,
}

/// The file a config came from, for resolving paths and pointing at lines.
#[derive(Debug, Clone, Default)]
pub struct ConfigOrigin {
    /// The config file's path as given.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// `[report]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReportConfig {
    /// The current period, e.g. `2022QMAT04` or `2022`. Required.
    pub period: Spanned<String>,
    /// The period improvement is measured against. Default: the same period one year earlier.
    #[serde(default)]
    pub comparison_period: Option<Spanned<String>>,
    /// Report title. Default: "Benchmark af beskæftigelsesindsatsen".
    #[serde(default = "default_title")]
    pub title: String,
    /// Source lines shown in every report. Default: `["jobindsats.dk, tabel Y30R21"]`.
    #[serde(default = "default_sources")]
    pub sources: Vec<String>,
}

/// `[data]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DataConfig {
    /// A `;`-separated list `kommunekode;kommune;region`. Default: the 98 municipalities built in.
    #[serde(default)]
    pub municipalities: Option<Spanned<PathBuf>>,
    /// The input files, read in order into one dataset.
    pub inputs: Vec<InputConfig>,
}

/// Input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// The jobindsats API's JSON export of table Y30R21, one object per line (or a JSON array).
    JobindsatsJson,
    /// A delimited text table with a column mapping.
    Csv,
    /// An Excel workbook sheet with a column mapping.
    Xlsx,
}

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputRole {
    /// Rows of (municipality, period, group or benefit) with counts, shares, ranks.
    #[default]
    Benchmark,
    /// Rows of (municipality, period) with the population 16–66.
    Population,
    /// Rows of (municipality[, period]) with one column per rammevilkår variable.
    Rammevilkaar,
}

/// Decimal separator of a text table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decimal {
    /// `9,08`
    Comma,
    /// `9.08`
    Point,
}

/// `[[data.inputs]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InputConfig {
    /// `jobindsats-json`, `csv` or `xlsx`. Required.
    pub format: InputFormat,
    /// The file, relative to the config file. Required.
    pub path: Spanned<PathBuf>,
    /// `benchmark` (default), `population` or `rammevilkaar`.
    #[serde(default)]
    pub role: InputRole,
    /// CSV only, required: `;` or `,`.
    #[serde(default)]
    pub delimiter: Option<Spanned<String>>,
    /// CSV and XLSX text cells, required for CSV: `comma` or `point`.
    #[serde(default)]
    pub decimal: Option<Decimal>,
    /// XLSX only: the sheet name. Default: the first sheet.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The period for every row, when the table has no period column.
    #[serde(default)]
    pub period: Option<String>,
    /// Column names (CSV/XLSX). See [`ColumnMap`].
    #[serde(default)]
    pub columns: ColumnMap,
    /// For `role = "rammevilkaar"`: the variable columns to read. Default: every column not
    /// used as a key.
    #[serde(default)]
    pub variables: Option<Vec<String>>,
}

/// Column mapping for CSV and XLSX inputs: the header text of each column.
/// Only the key columns and the figures present need to be named.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ColumnMap {
    /// Municipality code column (3 digits). One of `kommunekode` or `kommune` is required.
    pub kommunekode: Option<String>,
    /// Municipality name column, matched exactly against the municipality list.
    pub kommune: Option<String>,
    /// Period column. Default: the input's `period` key.
    pub period: Option<String>,
    /// Benefit group column: values match a group's id, label or `source-labels`.
    pub group: Option<String>,
    /// Benefit column: values match a group's `benefits` and are summed into that group.
    pub benefit: Option<String>,
    /// Actual full-time persons (faktisk antal).
    pub actual: Option<String>,
    /// Expected full-time persons (forventet antal).
    pub expected: Option<String>,
    /// Population 16–66.
    pub population: Option<String>,
    /// Actual share, pct. of population 16–66.
    pub actual_share: Option<String>,
    /// Expected share, pct. of population 16–66.
    pub expected_share: Option<String>,
    /// Actual − expected, persons.
    pub gap: Option<String>,
    /// Actual share − expected share, percentage points.
    pub gap_pp: Option<String>,
    /// A supplied rank (1 = best).
    pub rank: Option<String>,
}

/// `[[groups]]`: one benefit group.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GroupConfig {
    /// Short id used in file names and columns, e.g. `kontanthjaelp`. Required.
    pub id: Spanned<String>,
    /// Danish label shown in reports, e.g. "Kontanthjælp mv.". Required.
    pub label: String,
    /// Names this group has in input files. Default: the label and the id.
    #[serde(default)]
    pub source_labels: Vec<String>,
    /// The benefits this group sums (benefit-level inputs, and the double-counting check).
    #[serde(default)]
    pub benefits: Vec<String>,
    /// For a total group: the ids of the groups it is the sum of. Empty for an ordinary group.
    #[serde(default)]
    pub total_of: Vec<String>,
}

impl GroupConfig {
    /// True for a group that sums other groups.
    pub fn is_total(&self) -> bool {
        !self.total_of.is_empty()
    }

    /// Whether `name` (from an input file) denotes this group.
    pub fn matches(&self, name: &str) -> bool {
        name == self.id.get_ref()
            || name == self.label
            || self.source_labels.iter().any(|s| s == name)
    }
}

/// Expected-figure modes (METHOD.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Expected figures come from the input.
    #[default]
    Supplied,
    /// Expected figures are fitted on rammevilkår variables.
    Model,
}

/// Regression methods for model mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Weighted least squares of the share, weights = population 16–66.
    #[default]
    Wls,
    /// Binomial GLM with logit link and population weights, fitted by IRLS.
    FractionalLogit,
}

/// `[expected]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExpectedConfig {
    /// `supplied` (default) or `model`.
    #[serde(default)]
    pub mode: Mode,
    /// Model mode: `wls` (default) or `fractional-logit`.
    #[serde(default)]
    pub method: Method,
    /// Model mode: the rammevilkår variables used for every group. Required in model mode
    /// unless every group has its own list.
    #[serde(default)]
    pub variables: Vec<String>,
    /// Model mode: scale expected counts so that Σexpected = Σactual per group. Default: false.
    #[serde(default)]
    pub calibrate: bool,
    /// Model mode: per-group overrides, keyed by group id.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupModelConfig>,
}

/// `[expected.groups.<id>]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GroupModelConfig {
    /// Variables for this group. Default: `expected.variables`.
    pub variables: Option<Vec<String>>,
    /// Method for this group. Default: `expected.method`.
    pub method: Option<Method>,
}

/// `[ranking]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct RankingConfig {
    /// Coverage of the rank interval. Default: 0.90.
    pub interval_level: f64,
    /// Resampling draws for the rank interval; 0 switches intervals off. Default: 1000.
    pub draws: u32,
    /// Seed of the resampling. Default: 2022.
    pub seed: u64,
    /// Municipalities with a population 16–66 below this are flagged as small. Default: 5000.
    pub small_population: f64,
}

impl Default for RankingConfig {
    fn default() -> Self {
        RankingConfig {
            interval_level: 0.90,
            draws: 1000,
            seed: 2022,
            small_population: 5000.0,
        }
    }
}

/// How comparison groups are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComparisonKind {
    /// The `size` municipalities with the closest expected share in the group.
    #[default]
    Nearest,
    /// The municipalities of the same region.
    Region,
    /// A configured cluster (klynge); municipalities in no cluster fall back to `nearest`.
    Klynge,
}

/// `[comparison]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct ComparisonConfig {
    /// `nearest` (default), `region` or `klynge`.
    pub kind: ComparisonKind,
    /// Number of peers for `nearest`. Default: 10.
    pub size: usize,
    /// For `klynge`: cluster name → list of kommunekoder.
    pub klynger: BTreeMap<String, Vec<u16>>,
}

impl Default for ComparisonConfig {
    fn default() -> Self {
        ComparisonConfig {
            kind: ComparisonKind::Nearest,
            size: 10,
            klynger: BTreeMap::new(),
        }
    }
}

/// `[presentation]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct PresentationConfig {
    /// Counts are shown rounded to this: 1 or 10. Default: 10.
    pub count_rounding: u32,
    /// Decimals for shares and gaps. Default: 2.
    pub decimals: usize,
    /// Optional annual cost of one full-time person on benefits (DKK), for the potential.
    pub cost_per_person: Option<f64>,
}

impl Default for PresentationConfig {
    fn default() -> Self {
        PresentationConfig {
            count_rounding: 10,
            decimals: 2,
            cost_per_person: None,
        }
    }
}

/// `[output]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OutputConfig {
    /// A folder whose files replace the built-in templates of the same name.
    pub templates_dir: Option<Spanned<PathBuf>>,
}

fn default_title() -> String {
    "Benchmark af beskæftigelsesindsatsen".into()
}

fn default_sources() -> Vec<String> {
    vec!["jobindsats.dk, tabel Y30R21".into()]
}

fn group(id: &str, label: &str, benefits: &[&str], total_of: &[&str]) -> GroupConfig {
    GroupConfig {
        id: Spanned::new(0..0, id.into()),
        label: label.into(),
        source_labels: Vec::new(),
        benefits: benefits.iter().map(|s| s.to_string()).collect(),
        total_of: total_of.iter().map(|s| s.to_string()).collect(),
    }
}

/// The ministry's benefit groups since 2019 (METHOD.md §4).
pub fn default_groups() -> Vec<GroupConfig> {
    vec![
        group(
            "i-alt",
            "Ydelsesgrupper i alt",
            &[],
            &["a-dagpenge", "sygedagpenge", "kontanthjaelp"],
        ),
        group(
            "a-dagpenge",
            "A-dagpenge mv.",
            &["a-dagpenge", "kontantydelse", "arbejdsmarkedsydelse"],
            &[],
        ),
        group(
            "sygedagpenge",
            "Sygedagpenge mv.",
            &["sygedagpenge", "jobafklaringsforløb"],
            &[],
        ),
        group(
            "kontanthjaelp",
            "Kontanthjælp mv.",
            &[
                "kontanthjælp",
                "uddannelseshjælp",
                "integrationsydelse",
                "ressourceforløb",
                "ledighedsydelse",
            ],
            &[],
        ),
    ]
}

impl Config {
    /// Reads, parses and validates a config file.
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

    /// Parses and validates config text; `path` is used for messages and relative paths.
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    format!("{}:{l}:{c}", path.display())
                }
                None => path.display().to_string(),
            };
            input_error(format!("{at}: {}", e.message().trim_end()))
        })?;
        cfg.origin = ConfigOrigin {
            path: path.to_path_buf(),
            text: text.to_string(),
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// The folder relative paths are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        match self.origin.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Resolves a path from the config against the config file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir().join(p)
        }
    }

    /// An input error pointing at a place in the config file.
    pub fn error_at(
        &self,
        span: std::ops::Range<usize>,
        msg: impl std::fmt::Display,
    ) -> anyhow::Error {
        if span.is_empty() && span.start == 0 {
            return input_error(format!("{}: {msg}", self.origin.path.display()));
        }
        let (l, c) = line_col(&self.origin.text, span.start);
        input_error(format!("{}:{l}:{c}: {msg}", self.origin.path.display()))
    }

    /// An input error naming the config file only.
    pub fn error(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        input_error(format!("{}: {msg}", self.origin.path.display()))
    }

    /// The comparison period: configured, or the same period one year earlier.
    pub fn comparison_period(&self) -> Option<String> {
        match &self.report.comparison_period {
            Some(p) => Some(p.get_ref().clone()),
            None => crate::period::year_earlier(self.report.period.get_ref()),
        }
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&GroupConfig> {
        self.groups.iter().find(|g| g.id.get_ref() == id)
    }

    /// The group the headline sentence and the appendix's comparison are about: the first
    /// total group, or the first group when there is no total.
    pub fn headline_group(&self) -> &GroupConfig {
        self.groups
            .iter()
            .find(|g| g.is_total())
            .unwrap_or(&self.groups[0])
    }

    /// Variables and method used for a group in model mode.
    pub fn model_spec(&self, group_id: &str) -> (Vec<String>, Method) {
        let over = self.expected.groups.get(group_id);
        let vars = over
            .and_then(|o| o.variables.clone())
            .unwrap_or_else(|| self.expected.variables.clone());
        let method = over.and_then(|o| o.method).unwrap_or(self.expected.method);
        (vars, method)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.report.period.get_ref().trim().is_empty() {
            return Err(self.error_at(
                self.report.period.span(),
                "`report.period` must not be empty",
            ));
        }
        if self.data.inputs.is_empty() {
            return Err(
                self.error("`data.inputs` is empty: at least one [[data.inputs]] is required")
            );
        }
        for (i, inp) in self.data.inputs.iter().enumerate() {
            let key = format!("data.inputs[{}]", i + 1);
            match inp.format {
                InputFormat::Csv => {
                    match &inp.delimiter {
                        None => {
                            return Err(self.error_at(
                                inp.path.span(),
                                format!("{key}: `delimiter` is required for format \"csv\" (\";\" or \",\")"),
                            ))
                        }
                        Some(d) if d.get_ref() != ";" && d.get_ref() != "," => {
                            return Err(self.error_at(
                                d.span(),
                                format!("{key}.delimiter: expected \";\" or \",\", found {:?}", d.get_ref()),
                            ))
                        }
                        _ => {}
                    }
                    if inp.decimal.is_none() {
                        return Err(self.error_at(
                            inp.path.span(),
                            format!("{key}: `decimal` is required for format \"csv\" (\"comma\" or \"point\")"),
                        ));
                    }
                }
                InputFormat::Xlsx | InputFormat::JobindsatsJson => {
                    if let Some(d) = &inp.delimiter {
                        return Err(self.error_at(
                            d.span(),
                            format!("{key}.delimiter: only csv inputs have a delimiter"),
                        ));
                    }
                }
            }
            if inp.format == InputFormat::JobindsatsJson && inp.role != InputRole::Benchmark {
                return Err(self.error_at(
                    inp.path.span(),
                    format!("{key}: a jobindsats-json input has role \"benchmark\""),
                ));
            }
            if inp.format != InputFormat::JobindsatsJson
                && inp.columns.kommunekode.is_none()
                && inp.columns.kommune.is_none()
            {
                return Err(self.error_at(
                    inp.path.span(),
                    format!("{key}.columns: name the `kommunekode` or the `kommune` column"),
                ));
            }
            let file = self.resolve(inp.path.get_ref());
            if !file.is_file() {
                return Err(self.error_at(
                    inp.path.span(),
                    format!("{key}.path: input file {} does not exist", file.display()),
                ));
            }
        }
        if let Some(m) = &self.data.municipalities {
            let file = self.resolve(m.get_ref());
            if !file.is_file() {
                return Err(self.error_at(
                    m.span(),
                    format!(
                        "data.municipalities: file {} does not exist",
                        file.display()
                    ),
                ));
            }
        }
        if let Some(t) = &self.output.templates_dir {
            let dir = self.resolve(t.get_ref());
            if !dir.is_dir() {
                return Err(self.error_at(
                    t.span(),
                    format!(
                        "output.templates-dir: folder {} does not exist",
                        dir.display()
                    ),
                ));
            }
        }
        self.validate_groups()?;
        self.validate_numbers()?;
        self.validate_model()
    }

    fn validate_groups(&self) -> anyhow::Result<()> {
        if self.groups.is_empty() {
            return Err(self.error("`groups` is empty: at least one benefit group is required"));
        }
        let mut ids = BTreeSet::new();
        for g in &self.groups {
            let id = g.id.get_ref();
            let ok = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(self.error_at(
                    g.id.span(),
                    format!("groups.id: {id:?} must be lowercase ASCII letters, digits and '-'"),
                ));
            }
            if !ids.insert(id.clone()) {
                return Err(
                    self.error_at(g.id.span(), format!("groups.id: {id:?} is defined twice"))
                );
            }
        }
        for g in self.groups.iter().filter(|g| g.is_total()) {
            let mut seen_benefits: BTreeMap<&str, &str> = BTreeMap::new();
            for m in &g.total_of {
                let Some(member) = self.group(m) else {
                    return Err(self.error_at(
                        g.id.span(),
                        format!(
                            "groups {:?}: total-of names {m:?}, which is not a configured group",
                            g.id.get_ref()
                        ),
                    ));
                };
                if member.is_total() {
                    return Err(self.error_at(
                        g.id.span(),
                        format!(
                            "groups {:?}: total-of names {m:?}, which is itself a total",
                            g.id.get_ref()
                        ),
                    ));
                }
                if g.total_of.iter().filter(|x| *x == m).count() > 1 {
                    return Err(self.error_at(
                        g.id.span(),
                        format!(
                            "groups {:?}: total-of names {m:?} twice, so it would be counted twice",
                            g.id.get_ref()
                        ),
                    ));
                }
                for b in &member.benefits {
                    if let Some(other) = seen_benefits.insert(b, m) {
                        return Err(self.error_at(
                            g.id.span(),
                            format!(
                                "groups {:?}: the benefit {b:?} is in both {other:?} and {m:?}, so the total would count it twice",
                                g.id.get_ref()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_numbers(&self) -> anyhow::Result<()> {
        let r = &self.ranking;
        if !(r.interval_level > 0.0 && r.interval_level < 1.0) {
            return Err(self.error(format!(
                "ranking.interval-level: expected a number between 0 and 1, found {}",
                r.interval_level
            )));
        }
        if r.small_population.is_nan() || r.small_population < 0.0 {
            return Err(self.error("ranking.small-population: expected a number ≥ 0"));
        }
        let p = &self.presentation;
        if p.count_rounding != 1 && p.count_rounding != 10 {
            return Err(self.error(format!(
                "presentation.count-rounding: expected 1 or 10, found {}",
                p.count_rounding
            )));
        }
        if p.decimals > 6 {
            return Err(self.error(format!(
                "presentation.decimals: expected 0 to 6, found {}",
                p.decimals
            )));
        }
        if self.comparison.size == 0 {
            return Err(self.error("comparison.size: expected at least 1"));
        }
        Ok(())
    }

    fn validate_model(&self) -> anyhow::Result<()> {
        for id in self.expected.groups.keys() {
            if self.group(id).is_none() {
                return Err(self.error(format!(
                    "expected.groups.{id}: {id:?} is not a configured group"
                )));
            }
        }
        if self.expected.mode != Mode::Model {
            return Ok(());
        }
        if !self
            .data
            .inputs
            .iter()
            .any(|i| i.role == InputRole::Rammevilkaar)
        {
            return Err(
                self.error("expected.mode = \"model\" needs an input with role = \"rammevilkaar\"")
            );
        }
        for g in self.groups.iter().filter(|g| !g.is_total()) {
            let (vars, _) = self.model_spec(g.id.get_ref());
            if vars.is_empty() {
                return Err(self.error(format!(
                    "expected.variables: model mode needs rammevilkår variables for group {:?}",
                    g.id.get_ref()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = parse("[report]\nperiod = \"2022\"\ncolour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("test.toml:3:1: unknown field `colour`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse("[report]\nperiod = 2022\n").unwrap_err().to_string();
        assert!(
            err.starts_with("test.toml:2:10: invalid type: integer `2022`, expected a string"),
            "{err}"
        );
    }
}
