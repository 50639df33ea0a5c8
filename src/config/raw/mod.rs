//! The config file as written: serde structs with their defaults, spans kept where a later
//! check must point at a line. [`super::check`] turns this into the checked [`super::Config`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

mod inputs;
pub use inputs::*;

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
