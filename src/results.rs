//! From a checked dataset to the result rows (METHOD.md §6): expected figures (supplied or
//! modelled), shares, gaps, ranks, rank intervals, improvement, rammevilkår rank, national
//! totals and comparison groups.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::bail_input;
use crate::config::{Config, Mode};
use crate::data::{Dataset, Figures};
use crate::error::input_error;
use crate::model::{self, ModelReport};
use crate::rank;

/// One municipality in one (period, group) list. Values are unrounded.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Period label.
    pub period: String,
    /// Group id.
    pub group: String,
    /// Kommunekode.
    pub kommunekode: u16,
    /// Municipality name.
    pub kommune: String,
    /// Population 16–66.
    pub population: f64,
    /// Actual full-time persons.
    pub actual: f64,
    /// Expected full-time persons.
    pub expected: f64,
    /// actual − expected.
    pub gap: f64,
    /// Actual share, pct.
    pub actual_share: f64,
    /// Expected share, pct.
    pub expected_share: f64,
    /// actual_share − expected_share, percentage points.
    pub gap_pp: f64,
    /// Rank, 1 = best.
    pub rank: u32,
    /// Lower end of the rank interval.
    pub rank_low: Option<u32>,
    /// Upper end of the rank interval.
    pub rank_high: Option<u32>,
    /// gap_pp now − gap_pp a year earlier.
    pub improvement_pp: Option<f64>,
    /// Rank of the improvement, 1 = most improved.
    pub improvement_rank: Option<u32>,
    /// Rank by expected share, 1 = hardest rammevilkår.
    pub difficulty_rank: u32,
    /// Population below the small-municipality threshold.
    pub small: bool,
}

/// "Hele landet" for one (period, group).
#[derive(Debug, Clone, Serialize)]
pub struct National {
    /// Period label.
    pub period: String,
    /// Group id.
    pub group: String,
    /// Σ population 16–66.
    pub population: f64,
    /// Σ actual.
    pub actual: f64,
    /// Σ expected.
    pub expected: f64,
    /// Σactual − Σexpected.
    pub gap: f64,
    /// Σactual / Σpopulation, pct.
    pub actual_share: f64,
    /// Σexpected / Σpopulation, pct.
    pub expected_share: f64,
    /// actual_share − expected_share.
    pub gap_pp: f64,
}

/// One peer in a municipality's comparison group.
#[derive(Debug, Clone, Serialize)]
pub struct Peer {
    /// Period label.
    pub period: String,
    /// Group id.
    pub group: String,
    /// The municipality.
    pub kommunekode: u16,
    /// Its peer.
    pub peer_kommunekode: u16,
    /// |expected share difference| in percentage points (nearest), or 0 for region/klynge peers.
    pub distance: f64,
}

/// Everything computed, ready for the views and the writers.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// Current period.
    pub current: String,
    /// Comparison period for improvement, when it is in the data.
    pub comparison: Option<String>,
    /// All periods in the data, sorted.
    pub periods: Vec<String>,
    /// Group ids in config order.
    pub groups: Vec<String>,
    /// Rows sorted by period, group (config order), kommunekode.
    pub rows: Vec<Row>,
    /// National totals, same order.
    pub national: Vec<National>,
    /// Comparison groups for every row.
    pub peers: Vec<Peer>,
    /// The model report in model mode.
    pub model: Option<ModelReport>,
}

impl Results {
    /// The rows of one (period, group) list, sorted by kommunekode.
    pub fn list(&self, period: &str, group: &str) -> &[Row] {
        let start = self
            .rows
            .partition_point(|r| self.key(r) < self.key_of(period, group));
        let end = self
            .rows
            .partition_point(|r| self.key(r) <= self.key_of(period, group));
        &self.rows[start..end]
    }

    /// One municipality's row.
    pub fn row(&self, period: &str, group: &str, code: u16) -> Option<&Row> {
        self.list(period, group)
            .iter()
            .find(|r| r.kommunekode == code)
    }

    /// "Hele landet" for (period, group).
    pub fn national(&self, period: &str, group: &str) -> Option<&National> {
        self.national
            .iter()
            .find(|n| n.period == period && n.group == group)
    }

    /// Peers of one municipality.
    pub fn peers_of(&self, period: &str, group: &str, code: u16) -> Vec<&Peer> {
        self.peers
            .iter()
            .filter(|p| p.period == period && p.group == group && p.kommunekode == code)
            .collect()
    }

    fn key(&self, r: &Row) -> (usize, usize) {
        self.key_of(&r.period, &r.group)
    }

    fn key_of(&self, period: &str, group: &str) -> (usize, usize) {
        let p = self
            .periods
            .iter()
            .position(|x| x == period)
            .unwrap_or(usize::MAX);
        let g = self
            .groups
            .iter()
            .position(|x| x == group)
            .unwrap_or(usize::MAX);
        (p, g)
    }
}

/// What every list needs before expected figures are settled: one entry per municipality.
#[derive(Debug, Clone)]
pub struct Base {
    /// Kommunekode per position (sorted).
    pub codes: Vec<u16>,
    /// Population 16–66.
    pub population: Vec<f64>,
    /// Actual full-time persons.
    pub actual: Vec<f64>,
    /// The figures as supplied.
    pub supplied: Vec<Figures>,
}

/// Computes all results for the config and dataset.
pub fn compute(cfg: &Config, ds: &Dataset) -> anyhow::Result<Results> {
    let periods = ds.periods();
    let current = cfg.report.period.get_ref().clone();
    if !periods.contains(&current) {
        return Err(cfg.error_at(
            cfg.report.period.span(),
            format!(
                "report.period: {current:?} is not in the data; the data has {}",
                periods.join(", ")
            ),
        ));
    }
    let comparison = match &cfg.report.comparison_period {
        Some(p) if !periods.contains(p.get_ref()) => {
            return Err(cfg.error_at(
                p.span(),
                format!(
                    "report.comparison-period: {:?} is not in the data; the data has {}",
                    p.get_ref(),
                    periods.join(", ")
                ),
            ))
        }
        Some(p) => Some(p.get_ref().clone()),
        None => cfg.comparison_period().filter(|p| periods.contains(p)),
    };
    let groups: Vec<String> = cfg.groups.iter().map(|g| g.id.get_ref().clone()).collect();

    let mut bases: BTreeMap<(String, String), Base> = BTreeMap::new();
    for period in &periods {
        for b in bases_for_period(cfg, ds, period)? {
            bases.insert((period.clone(), b.0), b.1);
        }
    }

    // Expected shares (pct.) per list, plus resampled expected shares in model mode.
    let mut expected: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    let mut expected_draws: BTreeMap<(String, String), Vec<Vec<f64>>> = BTreeMap::new();
    let mut report = None;
    match cfg.expected.mode {
        Mode::Supplied => {
            for (key, base) in &bases {
                expected.insert(key.clone(), supplied_expected_shares(ds, key, base)?);
            }
        }
        Mode::Model => {
            let fitted = model::fit_all(cfg, ds, &periods, &bases)?;
            expected = fitted.expected;
            expected_draws = fitted.draws;
            report = Some(fitted.report);
        }
    }

    let lists: Vec<(String, String)> = periods
        .iter()
        .flat_map(|p| groups.iter().map(move |g| (p.clone(), g.clone())))
        .collect();
    let finished: Vec<(Vec<Row>, National)> = lists
        .par_iter()
        .map(|key| {
            let base = &bases[key];
            finish_list(cfg, ds, key, base, &expected[key], expected_draws.get(key))
        })
        .collect::<anyhow::Result<_>>()?;
    let mut rows = Vec::new();
    let mut national = Vec::new();
    for (r, n) in finished {
        rows.extend(r);
        national.push(n);
    }
    let mut results = Results {
        current,
        comparison,
        periods,
        groups,
        rows,
        national,
        peers: Vec::new(),
        model: report,
    };
    add_improvement(&mut results);
    results.peers = crate::peers::comparison_groups(cfg, ds, &results);
    Ok(results)
}

/// Builds the bases of every group for one period, checking completeness and deriving the
/// population where no input gives it.
fn bases_for_period(
    cfg: &Config,
    ds: &Dataset,
    period: &str,
) -> anyhow::Result<Vec<(String, Base)>> {
    let codes: Vec<u16> = ds.municipalities.iter().map(|m| m.code).collect();
    let get = |g: &str, c: u16| ds.figures.get(&(period.to_string(), g.to_string(), c));
    let mut figures: BTreeMap<String, Vec<Figures>> = BTreeMap::new();
    for g in &cfg.groups {
        let gid = g.id.get_ref();
        let present = codes.iter().filter(|&&c| get(gid, c).is_some()).count();
        if present == 0 && g.is_total() {
            // A total not in the input is the sum of its members.
            let mut list = Vec::new();
            for &c in &codes {
                let mut f = Figures::default();
                for m in &g.total_of {
                    let mf = get(m, c);
                    f.actual =
                        Some(f.actual.unwrap_or(0.0) + mf.and_then(|x| x.actual).unwrap_or(0.0));
                    if let Some(e) = mf.and_then(|x| x.expected) {
                        f.expected = Some(f.expected.unwrap_or(0.0) + e);
                    }
                    f.population = f.population.or(mf.and_then(|x| x.population));
                }
                list.push(f);
            }
            figures.insert(gid.clone(), list);
            continue;
        }
        let missing: Vec<String> = codes
            .iter()
            .filter(|&&c| get(gid, c).is_none())
            .map(|&c| format!("{c} {}", ds.municipality(c).map_or("", |m| m.name.as_str())))
            .collect();
        if !missing.is_empty() {
            let shown: Vec<&String> = missing.iter().take(10).collect();
            bail_input!(
                "period {period}, group {gid}: no data for {} municipalit{}: {}{}",
                missing.len(),
                if missing.len() == 1 { "y" } else { "ies" },
                shown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() > 10 { ", …" } else { "" }
            );
        }
        figures.insert(
            gid.clone(),
            codes
                .iter()
                .map(|&c| get(gid, c).cloned().expect("checked"))
                .collect(),
        );
    }

    // Population: a population input, else a figure on any row, else derived from the group
    // with the largest actual count (least rounding error) as actual ÷ actual share.
    let mut population = Vec::with_capacity(codes.len());
    for (i, &c) in codes.iter().enumerate() {
        let given = ds
            .population
            .get(&(period.to_string(), c))
            .copied()
            .or_else(|| {
                cfg.groups
                    .iter()
                    .find_map(|g| figures[g.id.get_ref()][i].population)
            });
        let pop = match given {
            Some(p) => p,
            None => {
                let best = cfg
                    .groups
                    .iter()
                    .map(|g| &figures[g.id.get_ref()][i])
                    .filter(|f| matches!((f.actual, f.actual_share), (Some(a), Some(s)) if a > 0.0 && s > 0.0))
                    .max_by(|a, b| a.actual.unwrap_or(0.0).total_cmp(&b.actual.unwrap_or(0.0)));
                match best {
                    Some(f) => f.actual.expect("filtered") / f.actual_share.expect("filtered") * 100.0,
                    None => bail_input!(
                        "period {period}, kommune {c} {}: no population 16–66: give a population input or column, or actual counts with actual shares",
                        ds.municipality(c).map_or("", |m| m.name.as_str())
                    ),
                }
            }
        };
        if pop.is_nan() || pop <= 0.0 {
            bail_input!(
                "period {period}, kommune {c}: population 16–66 is {pop}; it must be above 0"
            );
        }
        population.push(pop);
    }

    let mut out = Vec::new();
    for g in &cfg.groups {
        let gid = g.id.get_ref();
        let list = figures.remove(gid).expect("filled above");
        let mut actual = Vec::with_capacity(codes.len());
        for (i, f) in list.iter().enumerate() {
            let a = f
                .actual
                .or_else(|| f.actual_share.map(|s| s / 100.0 * population[i]));
            match a {
                Some(a) => actual.push(a),
                None => bail_input!(
                    "period {period}, group {gid}, kommune {}: no actual count (faktisk antal) or actual share",
                    codes[i]
                ),
            }
        }
        out.push((
            gid.clone(),
            Base {
                codes: codes.clone(),
                population: population.clone(),
                actual,
                supplied: list,
            },
        ));
    }
    Ok(out)
}

fn supplied_expected_shares(
    ds: &Dataset,
    key: &(String, String),
    base: &Base,
) -> anyhow::Result<Vec<f64>> {
    base.supplied
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.expected_share.or_else(|| f.expected.map(|e| e / base.population[i] * 100.0)).ok_or_else(|| {
                input_error(format!(
                    "period {}, group {}, kommune {} {}: expected.mode is \"supplied\" but the data has no expected count or share",
                    key.0,
                    key.1,
                    base.codes[i],
                    ds.municipality(base.codes[i]).map_or("", |m| m.name.as_str())
                ))
            })
        })
        .collect()
}

fn finish_list(
    cfg: &Config,
    ds: &Dataset,
    key: &(String, String),
    base: &Base,
    expected_share: &[f64],
    expected_draws: Option<&Vec<Vec<f64>>>,
) -> anyhow::Result<(Vec<Row>, National)> {
    let (period, group) = key;
    let supplied = cfg.expected.mode == Mode::Supplied;
    let n = base.codes.len();
    let mut rows = Vec::with_capacity(n);
    for (i, &exp_share) in expected_share.iter().enumerate().take(n) {
        let f = &base.supplied[i];
        let pop = base.population[i];
        let actual = base.actual[i];
        // Figures an import supplies are used as given (supplied mode); the rest is derived.
        let expected = if supplied {
            f.expected.unwrap_or(exp_share * pop / 100.0)
        } else {
            exp_share * pop / 100.0
        };
        let actual_share = f.actual_share.unwrap_or(actual / pop * 100.0);
        let gap = if supplied {
            f.gap.unwrap_or(actual - expected)
        } else {
            actual - expected
        };
        let gap_pp = if supplied {
            f.gap_pp.unwrap_or(actual_share - exp_share)
        } else {
            actual_share - exp_share
        };
        let m = ds
            .municipality(base.codes[i])
            .expect("codes come from the list");
        rows.push(Row {
            period: period.clone(),
            group: group.clone(),
            kommunekode: m.code,
            kommune: m.name.clone(),
            population: pop,
            actual,
            expected,
            gap,
            actual_share,
            expected_share: exp_share,
            gap_pp,
            rank: 0,
            rank_low: None,
            rank_high: None,
            improvement_pp: None,
            improvement_rank: None,
            difficulty_rank: 0,
            small: pop < cfg.ranking.small_population,
        });
    }

    let given: Vec<Option<u32>> = base.supplied.iter().map(|f| f.rank).collect();
    let gaps: Vec<f64> = rows.iter().map(|r| r.gap_pp).collect();
    let ranks: Vec<u32> = if supplied && given.iter().all(Option::is_some) {
        given.iter().map(|r| r.expect("all some")).collect()
    } else if supplied && given.iter().any(Option::is_some) {
        let i = given
            .iter()
            .position(Option::is_none)
            .expect("some missing");
        bail_input!(
            "period {period}, group {group}: ranks are given for some municipalities but not for {} {}; give all or none",
            base.codes[i],
            rows[i].kommune
        );
    } else {
        rank::competition_rank(&gaps)
    };
    let difficulty =
        rank::competition_rank_desc(&rows.iter().map(|r| r.expected_share).collect::<Vec<_>>());
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = ranks[i];
        r.difficulty_rank = difficulty[i];
    }

    if cfg.ranking.draws > 0 {
        let seed = rank::sub_seed(cfg.ranking.seed, &[period, group, "noise"]);
        let noise = rank::binomial_gap_draws(
            &gaps,
            &base.actual,
            &base.population,
            cfg.ranking.draws,
            seed,
        );
        let draws: Vec<Vec<u32>> = match expected_draws {
            None => noise.iter().map(|g| rank::competition_rank(g)).collect(),
            // Model mode: the expected share moves too (residual bootstrap refits).
            Some(exp_draws) => noise
                .iter()
                .zip(exp_draws)
                .map(|(g, e)| {
                    let moved: Vec<f64> =
                        (0..n).map(|i| g[i] - (e[i] - expected_share[i])).collect();
                    rank::competition_rank(&moved)
                })
                .collect(),
        };
        for (i, r) in rows.iter_mut().enumerate() {
            let (lo, hi) = rank::interval_from_draws(&draws, i, cfg.ranking.interval_level, r.rank);
            r.rank_low = Some(lo);
            r.rank_high = Some(hi);
        }
    }

    let sum = |f: fn(&Row) -> f64| rows.iter().map(f).sum::<f64>();
    let (pop, act, exp) = (
        sum(|r| r.population),
        sum(|r| r.actual),
        sum(|r| r.expected),
    );
    let national = National {
        period: period.clone(),
        group: group.clone(),
        population: pop,
        actual: act,
        expected: exp,
        gap: act - exp,
        actual_share: act / pop * 100.0,
        expected_share: exp / pop * 100.0,
        gap_pp: (act - exp) / pop * 100.0,
    };
    Ok((rows, national))
}

/// Improvement against the same period one year earlier (the configured comparison period for
/// the current period), ranked ascending: 1 = most improved.
fn add_improvement(res: &mut Results) {
    let periods = res.periods.clone();
    for period in &periods {
        let prev = if *period == res.current {
            res.comparison.clone()
        } else {
            crate::period::year_earlier(period).filter(|p| periods.contains(p))
        };
        let Some(prev) = prev else { continue };
        for group in res.groups.clone() {
            let before: BTreeMap<u16, f64> = res
                .list(&prev, &group)
                .iter()
                .map(|r| (r.kommunekode, r.gap_pp))
                .collect();
            let start = res
                .rows
                .iter()
                .position(|r| r.period == *period && r.group == group);
            let Some(start) = start else { continue };
            let len = res.list(period, &group).len();
            let slice = &mut res.rows[start..start + len];
            let deltas: Vec<Option<f64>> = slice
                .iter()
                .map(|r| before.get(&r.kommunekode).map(|b| r.gap_pp - b))
                .collect();
            if deltas.iter().any(Option::is_none) {
                continue;
            }
            let d: Vec<f64> = deltas.iter().map(|x| x.expect("checked")).collect();
            let ranks = rank::competition_rank(&d);
            for (i, r) in slice.iter_mut().enumerate() {
                r.improvement_pp = Some(d[i]);
                r.improvement_rank = Some(ranks[i]);
            }
        }
    }
}
