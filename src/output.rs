//! The machine-readable data files under `data/`: unrounded values, stable order.

use serde::Serialize;

use crate::config::Config;
use crate::data::{sha256_hex, Dataset, InputFile};
use crate::results::Results;

/// Header of `data/results.csv`.
pub const RESULTS_HEADER: &str = "period,group,kommunekode,kommune,population,actual,expected,gap,actual_share,expected_share,gap_pp,rank,rank_low,rank_high,improvement_pp,improvement_rank,difficulty_rank";

/// Header of `data/national.csv`.
pub const NATIONAL_HEADER: &str =
    "period,group,population,actual,expected,gap,actual_share,expected_share,gap_pp";

/// Header of `data/comparison.csv`.
pub const COMPARISON_HEADER: &str = "period,group,kommunekode,peer_kommunekode,distance";

/// Provenance of a build.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// "kommunebench".
    pub tool: String,
    /// Crate version.
    pub version: String,
    /// The config file as given and its SHA-256.
    pub config: InputFile,
    /// Every input with its SHA-256.
    pub inputs: Vec<InputFile>,
    /// SHA-256 over the tool version, the config hash and every input hash: one fingerprint.
    pub input_hash: String,
    /// Current period.
    pub period: String,
    /// `supplied` or `model`.
    pub mode: String,
}

impl Manifest {
    /// The manifest for a config and dataset.
    pub fn new(cfg: &Config, ds: &Dataset) -> Manifest {
        let config = InputFile {
            path: cfg
                .origin
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256_hex(cfg.origin.text.as_bytes()),
            bytes: cfg.origin.text.len(),
        };
        let mut all = format!(
            "kommunebench {}\nconfig {}\n",
            env!("CARGO_PKG_VERSION"),
            config.sha256
        );
        for i in &ds.inputs {
            all.push_str(&format!("input {}\n", i.sha256));
        }
        Manifest {
            tool: "kommunebench".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            config,
            inputs: ds.inputs.clone(),
            input_hash: sha256_hex(all.as_bytes()),
            period: cfg.report.period.get_ref().clone(),
            mode: match cfg.expected.mode {
                crate::config::Mode::Supplied => "supplied".into(),
                crate::config::Mode::Model => "model".into(),
            },
        }
    }

    /// The first 12 hex digits of the input hash, as shown in reports.
    pub fn short_hash(&self) -> &str {
        &self.input_hash[..12]
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_bytes(header: &str, rows: impl IntoIterator<Item = Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header.split(','))?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))
}

/// `data/results.csv` (RFC 4180: CRLF line ends, quoting where needed, `.` decimals).
pub fn results_csv(res: &Results) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        RESULTS_HEADER,
        res.rows.iter().map(|r| {
            vec![
                r.period.clone(),
                r.group.clone(),
                format!("{:03}", r.kommunekode),
                r.kommune.clone(),
                r.population.to_string(),
                r.actual.to_string(),
                r.expected.to_string(),
                r.gap.to_string(),
                r.actual_share.to_string(),
                r.expected_share.to_string(),
                r.gap_pp.to_string(),
                r.rank.to_string(),
                opt(r.rank_low),
                opt(r.rank_high),
                opt(r.improvement_pp),
                opt(r.improvement_rank),
                r.difficulty_rank.to_string(),
            ]
        }),
    )
}

/// `data/national.csv`.
pub fn national_csv(res: &Results) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        NATIONAL_HEADER,
        res.national.iter().map(|n| {
            vec![
                n.period.clone(),
                n.group.clone(),
                n.population.to_string(),
                n.actual.to_string(),
                n.expected.to_string(),
                n.gap.to_string(),
                n.actual_share.to_string(),
                n.expected_share.to_string(),
                n.gap_pp.to_string(),
            ]
        }),
    )
}

/// `data/comparison.csv`.
pub fn comparison_csv(res: &Results) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        COMPARISON_HEADER,
        res.peers.iter().map(|p| {
            vec![
                p.period.clone(),
                p.group.clone(),
                format!("{:03}", p.kommunekode),
                format!("{:03}", p.peer_kommunekode),
                p.distance.to_string(),
            ]
        }),
    )
}

#[derive(Serialize)]
struct ResultsJson<'a> {
    period: &'a str,
    comparison_period: Option<&'a str>,
    periods: &'a [String],
    groups: Vec<GroupJson<'a>>,
    rows: &'a [crate::results::Row],
    national: &'a [crate::results::National],
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: &'a str,
    label: &'a str,
    total_of: &'a [String],
}

/// `data/results.json`: the same rows as the CSV plus periods and groups.
pub fn results_json(cfg: &Config, res: &Results) -> anyhow::Result<Vec<u8>> {
    let doc = ResultsJson {
        period: &res.current,
        comparison_period: res.comparison.as_deref(),
        periods: &res.periods,
        groups: cfg
            .groups
            .iter()
            .map(|g| GroupJson {
                id: g.id.get_ref(),
                label: &g.label,
                total_of: &g.total_of,
            })
            .collect(),
        rows: &res.rows,
        national: &res.national,
    };
    let mut v = serde_json::to_vec_pretty(&doc)?;
    v.push(b'\n');
    Ok(v)
}

/// Any serializable value as pretty JSON with a final newline.
pub fn json<T: Serialize>(v: &T) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)?;
    out.push(b'\n');
    Ok(out)
}
