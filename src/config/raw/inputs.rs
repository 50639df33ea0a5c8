//! `[[data.inputs]]` and `[[data.derived]]` as written: formats, roles, units, the column
//! mapping.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

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
    /// Benefit periods per person (a case system's or the register's, CSV or Parquet),
    /// counted into fuldtidspersoner per municipality, group and period ("beregnet fra
    /// sagsdata").
    Records,
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
            InputFormat::Records => "records",
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
    /// Records only: the codes file mapping benefit codes to groups (`ydelse;gruppe;kilde`),
    /// relative to the config file. Without it each code is its own group.
    #[serde(default)]
    #[schemars(with = "Option<PathBuf>")]
    pub codes: Option<Spanned<PathBuf>>,
    /// Records only: the `[[groups]]` taken from the records. Default: every configured group
    /// the records count.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Records only: the input's column names by role (`person`, `kommune`, `ydelse`, `fra`,
    /// `til`, `grad`, `timer`), when not the roles' own names.
    #[serde(default)]
    pub record_columns: BTreeMap<String, String>,
    /// Records only: a cell counted from fewer persons than this is not published (default 5).
    #[serde(default)]
    pub min_persons: Option<u32>,
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
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
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
