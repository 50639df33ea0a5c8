//! The machine-readable data files under `data/`: unrounded values, stable order.

use rayon::prelude::*;

use serde::Serialize;

use super::{RenderContext, Renderer};
use crate::compute::{National, Results, Row};
use crate::config::Config;
use crate::keys::{GroupId, Period};

/// Header of `data/results.csv`.
pub const RESULTS_HEADER: &str = "period,group,kommunekode,kommune,population,actual,expected,gap,actual_share,expected_share,gap_pp,rank,rank_low,rank_high,improvement_pp,improvement_rank,difficulty_rank,improvement_rank_low,improvement_rank_high,gap_pp_se,expected_source,gap_z,gap_q,gap_evidence,gap_beyond_chance";

/// Header of `data/national.csv`.
pub const NATIONAL_HEADER: &str =
    "period,group,population,actual,expected,gap,actual_share,expected_share,gap_pp";

/// Header of `data/comparison.csv`.
pub const COMPARISON_HEADER: &str = "period,group,kommunekode,peer_kommunekode,distance";

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_bytes(header: &str, rows: impl IntoIterator<Item = Vec<String>>) -> anyhow::Result<Vec<u8>> {
    csv_with_header(header.split(','), rows)
}

/// A CSV file from header cells (which may hold commas: they are quoted) and rows.
fn csv_with_header<H: AsRef<[u8]>>(
    header: impl IntoIterator<Item = H>,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))
}

/// The extra column of every data file when `presentation.cost-per-person` is set.
pub const POTENTIAL_COLUMN: &str = "potential_mkr";

fn header(base: &str, potential: bool) -> String {
    if potential {
        format!("{base},{POTENTIAL_COLUMN}")
    } else {
        base.to_string()
    }
}

fn with_potential(mut cells: Vec<String>, potential: Option<f64>) -> Vec<String> {
    if let Some(p) = potential {
        cells.push(p.to_string());
    }
    cells
}

/// A number, or empty where there is none (NaN).
fn finite(v: f64) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        String::new()
    }
}

/// `data/results.csv` (RFC 4180: CRLF line ends, quoting where needed, `.` decimals).
pub fn results_csv(cfg: &Config, res: &Results) -> anyhow::Result<Vec<u8>> {
    let potential = cfg.presentation.cost_per_person.is_some();
    let model = res.model.is_some();
    let base = if model {
        format!("{RESULTS_HEADER},{MODEL_RANGE_COLUMNS}")
    } else {
        RESULTS_HEADER.to_string()
    };
    csv_bytes(
        &header(&base, potential),
        res.rows().map(|r| {
            let mut cells = vec![
                r.period.to_string(),
                r.group.to_string(),
                r.kommunekode.to_string(),
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
                opt(r.improvement_rank_low),
                opt(r.improvement_rank_high),
                r.gap_pp_se.to_string(),
                r.expected_source.clone(),
                finite(r.gap_z),
                finite(r.gap_q),
                crate::compute::evidence::Evidence::of(r.gap_z)
                    .code()
                    .to_string(),
                if r.gap_q.is_finite() {
                    (r.gap_q <= crate::compute::evidence::FDR).to_string()
                } else {
                    String::new()
                },
            ];
            if model {
                cells.extend([opt(r.model_rank_low), opt(r.model_rank_high)]);
            }
            with_potential(cells, r.potential_mkr)
        }),
    )
}

/// The columns `data/results.csv` has in model mode: the range of places across the
/// alternative specifications.
pub const MODEL_RANGE_COLUMNS: &str = "model_rank_low,model_rank_high";

/// `data/national.csv`.
pub fn national_csv(cfg: &Config, res: &Results) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        &header(NATIONAL_HEADER, cfg.presentation.cost_per_person.is_some()),
        res.lists.iter().map(|l| &l.national).map(|n| {
            with_potential(
                vec![
                    n.period.to_string(),
                    n.group.to_string(),
                    n.population.to_string(),
                    n.actual.to_string(),
                    n.expected.to_string(),
                    n.gap.to_string(),
                    n.actual_share.to_string(),
                    n.expected_share.to_string(),
                    n.gap_pp.to_string(),
                ],
                n.potential_mkr,
            )
        }),
    )
}

/// `data/comparison.csv`.
pub fn comparison_csv(res: &Results) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        COMPARISON_HEADER,
        res.lists.iter().flat_map(|l| {
            l.rows.iter().zip(&l.peers).flat_map(move |(r, peers)| {
                peers.iter().map(move |p| {
                    vec![
                        l.period.to_string(),
                        l.group.to_string(),
                        r.kommunekode.to_string(),
                        p.kommunekode.to_string(),
                        p.distance.to_string(),
                    ]
                })
            })
        }),
    )
}

#[derive(Serialize)]
struct ResultsJson<'a> {
    period: &'a Period,
    comparison_period: Option<&'a Period>,
    periods: &'a [Period],
    groups: Vec<GroupJson<'a>>,
    rows: Vec<&'a Row>,
    national: Vec<&'a National>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: &'a GroupId,
    label: &'a str,
    total_of: &'a [GroupId],
}

/// `data/results.json`: the same rows as the CSV plus periods and groups.
pub fn results_json(cfg: &Config, res: &Results) -> anyhow::Result<Vec<u8>> {
    let doc = ResultsJson {
        period: &res.current,
        comparison_period: res.comparison.as_ref(),
        periods: &res.periods,
        groups: cfg
            .groups
            .iter()
            .map(|g| GroupJson {
                id: &g.id,
                label: &g.label,
                total_of: &g.total_of,
            })
            .collect(),
        rows: res.rows().collect(),
        national: res.lists.iter().map(|l| &l.national).collect(),
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

/// `data/noise.json`: the noise model behind every standard error and confidence set.
#[derive(Serialize)]
struct NoiseJson<'a> {
    model: &'static str,
    expected_error: &'static str,
    confidence_sets: &'static str,
    level: f64,
    draws: u32,
    groups: &'a [crate::compute::noise::Overdispersion],
}

impl<'a> NoiseJson<'a> {
    fn new(cfg: &Config, res: &'a Results) -> NoiseJson<'a> {
        NoiseJson {
            model: "gap_pp_se² = φ·p(1−p)/n·10⁴ (+ the expected share's prediction variance in model mode), p = actual/population, n = population 16–66; φ per group = ΣΔ²/Σ(v_t + v_t−1) over the changes of each municipality's gap between periods a year apart, used as estimated also when below 1 (an upper bound: real changes only add to Δ²); φ = 1 where fewer than 20 changes exist. gap_z = gap_pp / gap_pp_se; gap_q = its Benjamini–Hochberg q-value across the list (two-sided p from Student's t with as many degrees of freedom as changes φ rests on; the normal where φ = 1); gap_beyond_chance = gap_q ≤ 0.10",
            expected_error: match cfg.expected.mode {
                crate::config::Mode::Supplied => "left out: the error of the supplied expected figures is not known",
                crate::config::Mode::Model => crate::compute::model::EXPECTED_ERROR,
                crate::config::Mode::Continued => "continued lists: the continued expected share's error, its standard deviation the backtested RMSE of the chosen method per group and horizon (see backtest.json); the ministry's own lists: left out, as in supplied mode",
            },
            confidence_sets: match cfg.ranking.confidence_sets {
                crate::config::ConfidenceSets::Marginal => "marginal (Mogstad, Romano, Shaikh and Wilhelm 2024): each set covers its municipality's true rank with the stated probability",
                crate::config::ConfidenceSets::Simultaneous => "simultaneous (Mogstad, Romano, Shaikh and Wilhelm 2024): all sets cover all true ranks at once with the stated probability",
            },
            level: cfg.ranking.interval_level,
            draws: cfg.ranking.draws,
            groups: &res.noise,
        }
    }
}

/// Header of `data/model-comparison.csv`.
pub const VERSUS_HEADER: &str = "period,group,kommunekode,kommune,ministry_expected_share,ministry_rank,model_expected_share,model_rank,difference";

/// `data/model-comparison.csv`: the ministry's expected share and rank beside the open
/// model's, per (period, group, municipality); difference = model rank − ministry rank.
pub fn versus_csv(res: &Results) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        VERSUS_HEADER,
        res.versus.iter().flat_map(|v| {
            v.rows.iter().map(move |r| {
                vec![
                    v.period.to_string(),
                    v.group.to_string(),
                    r.kommunekode.to_string(),
                    res.row(&v.period, &v.group, r.kommunekode)
                        .map(|x| x.kommune.clone())
                        .unwrap_or_default(),
                    r.ministry_expected_share.to_string(),
                    r.ministry_rank.to_string(),
                    r.model_expected_share.to_string(),
                    r.model_rank.to_string(),
                    r.difference.to_string(),
                ]
            })
        }),
    )
}

/// `data/model-comparison.json`: per (period, group) how well the two agree.
#[derive(Serialize)]
struct VersusSummary<'a> {
    period: &'a Period,
    group: &'a GroupId,
    expected_correlation: f64,
    rmse_pp: f64,
    spearman: f64,
    moved_over_10: usize,
}

/// `data/model-input.csv`: the exact design every model was fitted on — one row per
/// (period, group, municipality) with the outcome share (pct.), the weight (population 16–66) and
/// each variable's value beside the year (or period) it came from — so that anyone can refit
/// the models with another package. Variables a group does not use are empty.
pub fn model_input_csv(model: &crate::compute::model::ModelReport) -> anyhow::Result<Vec<u8>> {
    let mut vars: Vec<&str> = Vec::new();
    for f in &model.fits {
        for s in &f.sources {
            if !vars.contains(&s.variable.as_str()) {
                vars.push(&s.variable);
            }
        }
    }
    let mut rows = Vec::new();
    for f in &model.fits {
        let d = &f.design;
        for (i, code) in d.codes.iter().enumerate() {
            let mut row = vec![
                f.period.to_string(),
                f.group.to_string(),
                code.to_string(),
                d.share[i].to_string(),
                d.weight[i].to_string(),
            ];
            for v in &vars {
                match f.sources.iter().position(|s| s.variable == *v) {
                    Some(j) => {
                        row.push(d.values[i][j].to_string());
                        row.push(f.sources[j].time.clone());
                    }
                    None => row.extend([String::new(), String::new()]),
                }
            }
            rows.push(row);
        }
    }
    // Header cells, not a comma-separated header: variable names may hold any character.
    let mut head: Vec<String> = ["period", "group", "kommunekode", "share_pct", "weight"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for v in &vars {
        head.push(v.to_string());
        head.push(format!("{v}_year"));
    }
    csv_with_header(head, rows)
}

/// `data/`: results as CSV, JSON and XLSX, national totals, comparison groups, the model report
/// and the manifest.
pub struct DataFiles;

/// One data file's bytes.
type Job<'a> = Box<dyn Fn() -> anyhow::Result<Vec<u8>> + Send + Sync + 'a>;

impl Renderer for DataFiles {
    fn name(&self) -> &'static str {
        "data"
    }

    fn beside(&self) -> bool {
        true
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
        let (cfg, res) = (ctx.config, ctx.results);
        // Each file is its own task: the largest (comparison, JSON, XLSX) take about as long
        // as all the others together.
        let mut jobs: Vec<(&str, Job)> = vec![
            ("data/results.csv", Box::new(|| results_csv(cfg, res))),
            ("data/national.csv", Box::new(|| national_csv(cfg, res))),
            ("data/comparison.csv", Box::new(|| comparison_csv(res))),
            ("data/results.json", Box::new(|| results_json(cfg, res))),
            ("data/manifest.json", Box::new(|| json(ctx.manifest))),
            (
                "data/results.xlsx",
                Box::new(|| super::xlsx::results_xlsx(cfg, res)),
            ),
        ];
        if let Some(c) = &res.continuation {
            jobs.push(("data/backtest.json", Box::new(move || json(c))));
        }
        if let Some(m) = &res.model {
            jobs.push(("data/model.json", Box::new(move || json(m))));
            jobs.push(("data/model-input.csv", Box::new(move || model_input_csv(m))));
        }
        if !res.versus.is_empty() {
            jobs.push(("data/model-comparison.csv", Box::new(|| versus_csv(res))));
            jobs.push((
                "data/model-comparison.json",
                Box::new(|| {
                    let summary: Vec<VersusSummary> = res
                        .versus
                        .iter()
                        .map(|v| VersusSummary {
                            period: &v.period,
                            group: &v.group,
                            expected_correlation: v.expected_correlation,
                            rmse_pp: v.rmse_pp,
                            spearman: v.spearman,
                            moved_over_10: v.moved_over_10,
                        })
                        .collect();
                    json(&summary)
                }),
            ));
        }
        jobs.push((
            "data/noise.json",
            Box::new(|| json(&NoiseJson::new(cfg, res))),
        ));
        jobs.into_par_iter()
            .map(|(path, make)| Ok((path.to_string(), make()?)))
            .collect()
    }
}
