//! The config file as written: serde structs with their defaults, spans kept where a later
//! check must point at a line. [`super::check`] turns this into the checked [`super::Config`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// The whole configuration, as written in the TOML file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawConfig {
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
    pub comparison: RawComparisonConfig,
    /// Rounding and number display.
    #[serde(default)]
    pub presentation: PresentationConfig,
    /// Output options.
    #[serde(default)]
    pub output: OutputConfig,
    /// Series breaks (databrud): trends draw them, improvement across them is left out or
    /// labelled, and the pages name them.
    #[serde(default)]
    pub breaks: Vec<super::continued::RawBreak>,
    /// The status report per target group (målgruppe): full-time persons at two or more
    /// periods, their change, and the shares of the municipality, its comparison group and the
    /// whole country.
    #[serde(default)]
    pub status: Option<super::status::RawStatus>,
    /// Targets followed up in the status report and on the benchmark pages.
    #[serde(default)]
    pub targets: Vec<super::status::RawTarget>,
    /// The agenda item's texts (the Word sagsfremstilling).
    #[serde(default)]
    pub agenda: super::status::RawAgenda,
}

/// `[report]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReportConfig {
    /// The current period, e.g. `2022QMAT04` or `2022`. Required.
    #[schemars(with = "String")]
    pub period: Spanned<String>,
    /// The period improvement is measured against. Default: the same period one year earlier.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub comparison_period: Option<Spanned<String>>,
    /// Report title. Default: "Benchmark af beskæftigelsesindsatsen".
    #[serde(default = "default_title")]
    pub title: String,
    /// Source lines shown in every report. Default: `["jobindsats.dk, tabel Y30R21"]`.
    #[serde(default = "default_sources")]
    pub sources: Vec<String>,
    /// The publisher's accessibility statement (tilgængelighedserklæring): an `https://` or
    /// `http://` URL, or a path on the same site, linked from every page's footer.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub accessibility_statement: Option<Spanned<String>>,
}

/// `[data]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DataConfig {
    /// A `;`-separated list `kommunekode;kommune;region`. Default: the 98 municipalities built in.
    #[serde(default)]
    #[schemars(with = "Option<PathBuf>")]
    pub municipalities: Option<Spanned<PathBuf>>,
    /// The input files, read in order into one dataset.
    pub inputs: Vec<InputConfig>,
    /// Rammevilkår variables computed from other variables.
    #[serde(default)]
    pub derived: Vec<DerivedConfig>,
}

/// Input file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// The jobindsats API's JSON export of table Y30R21, one object per line (or a JSON array).
    JobindsatsJson,
    /// A delimited text table with a column mapping.
    Csv,
    /// An Excel workbook sheet with a column mapping.
    Xlsx,
    /// Statistics Denmark's StatBank API CSV export (and its BULK variant), as delivered.
    Statbank,
    /// One variable per file: `municipality,year,value`.
    Long,
    /// A jobindsats API export of any table: v2 JSON, v3 JSON or the API's CSV.
    Jobindsats,
}

impl InputFormat {
    /// The name as written in the config.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::JobindsatsJson => "jobindsats-json",
            InputFormat::Csv => "csv",
            InputFormat::Xlsx => "xlsx",
            InputFormat::Statbank => "statbank",
            InputFormat::Long => "long",
            InputFormat::Jobindsats => "jobindsats",
        }
    }
}

/// What the value of a StatBank, long or jobindsats input counts, for actual figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// Full-time persons (fuldtidspersoner), as AUK01 and jobindsats give them.
    #[default]
    Persons,
    /// Benefit weeks in the time unit: persons = weeks ÷ the unit's weeks (52 a year).
    Weeks,
    /// Benefit hours in the time unit (activation): persons = hours ÷ `hours-per-week` ÷ weeks.
    Hours,
}

/// One value or several, for `select`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a list.
    pub fn values(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Decimal {
    /// `9,08`
    Comma,
    /// `9.08`
    Point,
}

/// `[[data.inputs]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InputConfig {
    /// `jobindsats-json`, `csv` or `xlsx`. Required.
    pub format: InputFormat,
    /// The file, relative to the config file. Required.
    #[schemars(with = "PathBuf")]
    pub path: Spanned<PathBuf>,
    /// `benchmark` (default), `population` or `rammevilkaar`.
    #[serde(default)]
    pub role: InputRole,
    /// CSV only, required: `;` or `,`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub delimiter: Option<Spanned<String>>,
    /// CSV and XLSX text cells, required for CSV: `comma` or `point`.
    #[serde(default)]
    pub decimal: Option<Decimal>,
    /// XLSX only: the sheet name. Default: the first sheet.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The period for every row, when the table has no period column.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub period: Option<Spanned<String>>,
    /// Column names (CSV/XLSX). See [`ColumnMap`].
    #[serde(default)]
    pub columns: ColumnMap,
    /// For `role = "rammevilkaar"`: the variable columns to read. Default: every column not
    /// used as a key.
    #[serde(default)]
    pub variables: Option<Vec<String>>,
    /// StatBank and jobindsats: the values kept of each other dimension, by label or code
    /// (`KØN = "Total"`, `ALDER = ["16 år", "17 år"]`); several selected values are summed.
    #[serde(default)]
    pub select: BTreeMap<String, OneOrMany>,
    /// StatBank and long inputs with `role = "rammevilkaar"`: the variable's name. Required.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub variable: Option<Spanned<String>>,
    /// StatBank and jobindsats benchmark inputs without a benefit column: the benefit every row
    /// counts (matched against the groups' `benefits`), e.g. "Førtidspension".
    #[serde(default)]
    pub benefit: Option<String>,
    /// StatBank and jobindsats: the value column. Default: `INDHOLD` (StatBank), "Antal
    /// fuldtidspersoner" (jobindsats), `value` (long).
    #[serde(default)]
    pub value: Option<String>,
    /// What an actual figure counts: `persons` (default), `weeks` or `hours`.
    #[serde(default)]
    pub unit: Unit,
    /// With `unit = "hours"`: the hours of one full-time week. Default: 37.
    #[serde(default)]
    pub hours_per_week: Option<f64>,
    /// Inputs by quarter, month or year: the periods to form (each the mean over its quarters
    /// or months), besides the report and comparison periods and those of the other inputs.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub periods: Vec<Spanned<String>>,
}

/// `[[data.derived]]`: a rammevilkår variable computed from others, per municipality and year:
/// scale × Σ numerator ÷ Σ denominator.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DerivedConfig {
    /// The new variable's name. Required.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Variables summed above the line. Required.
    pub numerator: Vec<String>,
    /// Variables summed below the line. Required.
    pub denominator: Vec<String>,
    /// Factor, e.g. 100 for a percentage. Default: 1.
    #[serde(default = "one")]
    pub scale: f64,
    /// The same ratio over the other municipalities within reach instead of the municipality
    /// itself (the local labour market): each weighted by a Gaussian kernel of the distance
    /// between the municipalities' centroids. Computed after the other derived variables.
    #[serde(default)]
    pub nearby: Option<NearbyConfig>,
}

/// `[data.derived.nearby]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NearbyConfig {
    /// The municipality boundaries, GeoJSON (DAGI: a feature per municipality with `KOMKODE`,
    /// longitude/latitude). Required.
    #[schemars(with = "PathBuf")]
    pub boundaries: Spanned<PathBuf>,
    /// The kernel's standard deviation in km. Default: 40.
    #[serde(default = "forty")]
    pub bandwidth_km: f64,
}

fn forty() -> f64 {
    40.0
}

fn one() -> f64 {
    1.0
}

/// Column mapping for CSV and XLSX inputs: the header text of each column.
/// Only the key columns and the figures present need to be named.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
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
    /// Standard error of the gap in percentage points, used as given instead of the noise
    /// model (e.g. from a survey or another model). With `gap-pp`, enough to rank.
    pub gap_pp_se: Option<String>,
    /// A supplied rank (1 = best).
    pub rank: Option<String>,
}

/// `[[groups]]`: one benefit group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GroupConfig {
    /// Short id used in file names and columns, e.g. `kontanthjaelp`. Required.
    #[schemars(with = "String")]
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
    /// Ranked in the benchmark (default `true`). `false`: a target group of the status report
    /// and the targets only, which needs no expected figures.
    #[serde(default = "yes")]
    pub rank: bool,
    /// The group this one is part of: shown as a "heraf" row under it in the status report, and
    /// never counted beside it in a total.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub part_of: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

/// Expected-figure modes (METHOD.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Expected figures come from the input.
    #[default]
    Supplied,
    /// Expected figures are fitted on rammevilkår variables.
    Model,
    /// The ministry's last list carried forward to later periods (`[expected.continued]`).
    Continued,
}

/// Regression methods for model mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Weighted least squares of the share, weights = population 16–66.
    #[default]
    Wls,
    /// Binomial GLM with logit link and population weights, fitted by IRLS.
    FractionalLogit,
}

/// `[expected]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExpectedConfig {
    /// `supplied` (default), `model` or `continued`.
    #[serde(default)]
    pub mode: Mode,
    /// Continued mode: the ministry's last list and how it is carried forward.
    #[serde(default)]
    pub continued: Option<super::continued::RawContinued>,
    /// Model mode: `wls` (default) or `fractional-logit`.
    #[serde(default)]
    pub method: Method,
    /// Model mode: the rammevilkår variables used for every group. Required in model mode
    /// unless every group has its own list. Continued mode: the open model whose change of
    /// the rammevilkår the `model` methods add (optional).
    #[serde(default)]
    pub variables: Vec<String>,
    /// Model mode: scale expected counts so that Σexpected = Σactual per group. Default: false.
    #[serde(default)]
    pub calibrate: bool,
    /// Model mode: per-group overrides, keyed by group id.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupModelConfig>,
    /// Model mode, rammevilkår given by year, quarter or month: each period uses each
    /// variable's latest value ending at least this many years before the period ends.
    /// Default: 0 (the latest at or before the period's end).
    #[serde(default)]
    pub lag_years: u8,
    /// Model mode: Danish labels of the variables, for sentences and tables
    /// (`andel_65_plus = "andelen på 65 år og derover"`). Default: the name, `_` as spaces.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// `[expected.groups.<id>]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GroupModelConfig {
    /// Variables for this group. Default: `expected.variables`.
    pub variables: Option<Vec<String>>,
    /// Method for this group. Default: `expected.method`.
    pub method: Option<Method>,
}

/// Which coverage the rank confidence sets promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConfidenceSets {
    /// Each municipality's set covers its true rank with the stated probability.
    #[default]
    Marginal,
    /// All sets cover all true ranks at once with the stated probability.
    Simultaneous,
}

/// `[ranking]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct RankingConfig {
    /// Coverage of the rank confidence sets. Default: 0.90.
    pub interval_level: f64,
    /// `marginal` (one set per municipality, default) or `simultaneous` (the whole list).
    pub confidence_sets: ConfidenceSets,
    /// Parametric bootstrap draws behind the confidence sets; 0 switches them off. Default: 1000.
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
            confidence_sets: ConfidenceSets::Marginal,
            draws: 1000,
            seed: 2022,
            small_population: 5000.0,
        }
    }
}

/// How comparison groups are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawComparisonConfig {
    /// `nearest` (default), `region` or `klynge`.
    pub kind: ComparisonKind,
    /// Number of peers for `nearest`. Default: 10.
    pub size: usize,
    /// For `klynge`: cluster name → list of kommunekoder.
    #[schemars(with = "BTreeMap<String, Vec<u16>>")]
    pub klynger: BTreeMap<String, Spanned<Vec<u16>>>,
}

impl Default for RawComparisonConfig {
    fn default() -> Self {
        RawComparisonConfig {
            kind: ComparisonKind::Nearest,
            size: 10,
            klynger: BTreeMap::new(),
        }
    }
}

/// `[presentation]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OutputConfig {
    /// A folder whose files replace the built-in templates of the same name.
    #[schemars(with = "Option<PathBuf>")]
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
        rank: true,
        part_of: None,
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
