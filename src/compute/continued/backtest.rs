//! The backtest: for every pair of published lists one and two years apart, the later list
//! predicted from the earlier one by each continuation method, compared with what the ministry
//! published — beside the naive baseline, the earlier list's own ranks.

use std::collections::BTreeMap;

use serde::Serialize;

use super::carry::{blend, Carrier, Plan, Start};
use crate::compute::rank::competition_rank;
use crate::compute::stats::{rmse, spearman};
use crate::config::continued::ContinueMethod;
use crate::keys::{GroupId, Period};

/// The horizons backtested, in months.
pub const HORIZONS: [u32; 2] = [12, 24];

/// A published list as the backtest needs it.
#[derive(Debug, Clone)]
pub struct Official {
    /// Expected shares (pct.).
    pub expected_share: Vec<f64>,
    /// Gaps (pp), unrounded where the input allows.
    pub gap_pp: Vec<f64>,
    /// Actual shares (pct.).
    pub actual_share: Vec<f64>,
    /// Ranks as published.
    pub ranks: Vec<u32>,
}

/// What was predicted in one backtest row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Predictor {
    /// A continuation method.
    Method(ContinueMethod),
    /// The methods chosen per group (a total: its members' chosen methods).
    Chosen,
    /// The naive baseline: the earlier list itself.
    Naive,
}

impl Predictor {
    /// The name in data files.
    pub fn name(self) -> &'static str {
        match self {
            Predictor::Method(m) => m.name(),
            Predictor::Chosen => "chosen",
            Predictor::Naive => "naive",
        }
    }
}

/// One (pair, group, predictor) of the backtest.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// The group.
    pub group: GroupId,
    /// The earlier published list.
    pub from: Period,
    /// The later published list, predicted.
    pub to: Period,
    /// Months between the two.
    pub horizon_months: u32,
    /// What predicted it.
    pub predictor: Predictor,
    /// Municipalities compared.
    pub n: usize,
    /// Spearman correlation of the predicted and published ranks.
    pub spearman: f64,
    /// RMSE of the predicted against the published expected share (pp).
    pub rmse_pp: f64,
    /// Municipalities within ±5 places of their published rank.
    pub within_5: usize,
    /// … within ±10 places.
    pub within_10: usize,
    /// Of the published 10 best, how many the prediction also puts among the 10 best.
    pub top_10: usize,
    /// Of the published 10 worst, how many the prediction also puts among the 10 worst.
    pub bottom_10: usize,
    /// Spearman of the improvement ranks, where the year before the later list is known.
    pub improvement_spearman: Option<f64>,
}

/// Pairs (earlier, later) of published periods at a backtested horizon, in order.
pub fn pairs(published: &[Period]) -> Vec<(Period, Period, u32)> {
    let mut out = Vec::new();
    for a in published {
        for b in published {
            if let Some(h) = months_between(a, b) {
                if HORIZONS.contains(&h) && a.span() == b.span() {
                    out.push((a.clone(), b.clone(), h));
                }
            }
        }
    }
    out
}

/// Months from the end of `a` to the end of `b`, when `b` ends later.
pub fn months_between(a: &Period, b: &Period) -> Option<u32> {
    let ma = a.year() * 12 + a.end_month() as i32;
    let mb = b.year() * 12 + b.end_month() as i32;
    u32::try_from(mb - ma).ok().filter(|&m| m > 0)
}

/// A group's chosen plan for predicting the list of a period.
pub type ChosenPlan<'a> = dyn Fn(&GroupId, &Period) -> Plan + 'a;

/// The published list of `from` as a start to carry from.
pub fn start_of(
    carrier: &Carrier,
    official: &BTreeMap<(Period, GroupId), Official>,
    from: &Period,
) -> Start {
    let get = |f: &dyn Fn(&Official) -> Vec<f64>| -> BTreeMap<GroupId, Vec<f64>> {
        carrier
            .cfg
            .groups
            .iter()
            .map(|g| (g.id.clone(), f(&official[&(from.clone(), g.id.clone())])))
            .collect()
    };
    Start {
        shares: get(&|o| o.expected_share.clone()),
        gaps: get(&|o| o.gap_pp.clone()),
    }
}

/// Runs the backtest for every pair, group and predictor; `chosen` gives each ordinary group's
/// chosen plan when predicting the list of a period — chosen without that list (`None` while
/// the choice is being made: no `Chosen` rows).
pub fn run(
    carrier: &Carrier,
    official: &BTreeMap<(Period, GroupId), Official>,
    published: &[Period],
    chosen: Option<&ChosenPlan>,
) -> Vec<Score> {
    let mut out = Vec::new();
    for (from, to, h) in pairs(published) {
        let start = start_of(carrier, official, &from);
        let before = to.year_earlier();
        let mut predictors: Vec<Predictor> = carrier
            .available()
            .into_iter()
            .map(Predictor::Method)
            .collect();
        if chosen.is_some() {
            predictors.push(Predictor::Chosen);
        }
        for p in predictors {
            let plan = |g: &GroupId| match (p, chosen) {
                (Predictor::Method(m), _) => Plan {
                    method: m,
                    persistence: 0.0,
                },
                (_, Some(c)) => c(g, &to),
                _ => Plan {
                    method: ContinueMethod::National,
                    persistence: 0.0,
                },
            };
            let now = carrier.carry_all(&plan, &from, &start, &to);
            // The year before the later list: published when it is the earlier list itself,
            // else carried from it too, as a continued build would.
            let prev = (before > from && published.contains(&before))
                .then(|| carrier.carry_all(&plan, &from, &start, &before));
            for g in &carrier.cfg.groups {
                let off = &official[&(to.clone(), g.id.clone())];
                let gaps: Vec<f64> = off
                    .actual_share
                    .iter()
                    .zip(&now[&g.id])
                    .map(|(a, e)| a - e)
                    .collect();
                let improvement = improvement_pair(
                    official,
                    (&before, &from, &to, &g.id),
                    &gaps,
                    prev.as_ref(),
                    published,
                );
                out.push(score(
                    (&g.id, &from, &to, h),
                    p,
                    &now[&g.id],
                    &competition_rank(&gaps),
                    off,
                    improvement,
                ));
            }
        }
        for g in &carrier.cfg.groups {
            let off0 = &official[&(from.clone(), g.id.clone())];
            let off = &official[&(to.clone(), g.id.clone())];
            // The naive improvement: last year's improvement ranks against this year's.
            let improvement = official
                .get(&(from.year_earlier(), g.id.clone()))
                .filter(|_| published.contains(&from.year_earlier()))
                .zip(official.get(&(before.clone(), g.id.clone())))
                .map(|(older, prev)| {
                    let naive: Vec<f64> = off0
                        .gap_pp
                        .iter()
                        .zip(&older.gap_pp)
                        .map(|(a, b)| a - b)
                        .collect();
                    let truth: Vec<f64> = off
                        .gap_pp
                        .iter()
                        .zip(&prev.gap_pp)
                        .map(|(a, b)| a - b)
                        .collect();
                    (naive, truth)
                });
            out.push(score(
                (&g.id, &from, &to, h),
                Predictor::Naive,
                &off0.expected_share,
                &off0.ranks,
                off,
                improvement,
            ));
        }
    }
    out
}

/// The predicted and the published improvement of one group (the later list against the year
/// before it), when the year before is the earlier list or published after it.
fn improvement_pair(
    official: &BTreeMap<(Period, GroupId), Official>,
    (before, from, to, g): (&Period, &Period, &Period, &GroupId),
    gaps: &[f64],
    prev: Option<&BTreeMap<GroupId, Vec<f64>>>,
    published: &[Period],
) -> Option<(Vec<f64>, Vec<f64>)> {
    if !published.contains(before) || before < from {
        return None;
    }
    let off_prev = &official[&(before.clone(), g.clone())];
    let pred_prev: Vec<f64> = match prev {
        None => off_prev.gap_pp.clone(),
        Some(p) => off_prev
            .actual_share
            .iter()
            .zip(&p[g])
            .map(|(a, e)| a - e)
            .collect(),
    };
    let to = &official[&(to.clone(), g.clone())];
    let pred: Vec<f64> = gaps.iter().zip(&pred_prev).map(|(a, b)| a - b).collect();
    let truth: Vec<f64> = to
        .gap_pp
        .iter()
        .zip(&off_prev.gap_pp)
        .map(|(a, b)| a - b)
        .collect();
    Some((pred, truth))
}

/// The scores of one prediction against the published list.
fn score(
    (group, from, to, h): (&GroupId, &Period, &Period, u32),
    predictor: Predictor,
    expected: &[f64],
    ranks: &[u32],
    off: &Official,
    improvement: Option<(Vec<f64>, Vec<f64>)>,
) -> Score {
    // `improvement` is (predicted Δgap, published Δgap), ranked by Spearman's correlation.
    let n = ranks.len();
    let pr: Vec<f64> = ranks.iter().map(|&r| f64::from(r)).collect();
    let or: Vec<f64> = off.ranks.iter().map(|&r| f64::from(r)).collect();
    let within = |d: u32| {
        ranks
            .iter()
            .zip(&off.ranks)
            .filter(|(a, b)| a.abs_diff(**b) <= d)
            .count()
    };
    let tail = |best: bool| {
        let cut = |r: u32| {
            if best {
                r <= 10
            } else {
                r as usize > n.saturating_sub(10)
            }
        };
        ranks
            .iter()
            .zip(&off.ranks)
            .filter(|(a, b)| cut(**a) && cut(**b))
            .count()
    };
    let improvement_spearman = improvement.map(|(pred, truth)| spearman(&pred, &truth));
    Score {
        group: group.clone(),
        from: from.clone(),
        to: to.clone(),
        horizon_months: h,
        predictor,
        n,
        spearman: spearman(&pr, &or),
        rmse_pp: rmse(expected, &off.expected_share),
        within_5: within(5),
        within_10: within(10),
        top_10: tail(true),
        bottom_10: tail(false),
        improvement_spearman,
    }
}

/// The weights of the earlier gap tried: 0, 0.1, …, 1.
pub const PERSISTENCE_GRID: [f64; 11] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// For one ordinary group carried with `method`, per one-year pair (its later period) the
/// Spearman with the published ranks at every weight of [`PERSISTENCE_GRID`].
pub fn persistence_curves(
    carrier: &Carrier,
    official: &BTreeMap<(Period, GroupId), Official>,
    published: &[Period],
    group: &GroupId,
    method: ContinueMethod,
) -> Vec<(Period, [f64; 11])> {
    let mut out = Vec::new();
    for (from, to, h) in pairs(published) {
        if h != 12 {
            continue;
        }
        let start = start_of(carrier, official, &from);
        let carried = carrier.carry(method, group, (&from, &start.shares[group]), &to);
        let actual = carrier.actual_shares(group, &to);
        let off = &official[&(to.clone(), group.clone())];
        let or: Vec<f64> = off.ranks.iter().map(|&r| f64::from(r)).collect();
        let mut curve = [0.0; 11];
        for (k, &w) in PERSISTENCE_GRID.iter().enumerate() {
            let e = blend(&carried, &actual, &start.gaps[group], w);
            let gaps: Vec<f64> = actual.iter().zip(&e).map(|(a, e)| a - e).collect();
            let r: Vec<f64> = competition_rank(&gaps)
                .iter()
                .map(|&r| f64::from(r))
                .collect();
            curve[k] = spearman(&r, &or);
        }
        out.push((to, curve));
    }
    out
}

/// The weight with the best mean Spearman over `curves` (ties: the smaller weight); 0 without
/// curves.
pub fn best_persistence<'a>(curves: impl Iterator<Item = &'a [f64; 11]>) -> f64 {
    let curves: Vec<&[f64; 11]> = curves.collect();
    if curves.is_empty() {
        return 0.0;
    }
    let mut best = (0.0, f64::NEG_INFINITY);
    for (k, &w) in PERSISTENCE_GRID.iter().enumerate() {
        let mean = curves.iter().map(|c| c[k]).sum::<f64>() / curves.len() as f64;
        if mean > best.1 + 1e-12 {
            best = (w, mean);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_one_and_two_years_apart() {
        let p: Vec<Period> = ["2020QMAT02", "2020QMAT04", "2021QMAT04", "2022QMAT04"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let got: Vec<(String, String, u32)> = pairs(&p)
            .into_iter()
            .map(|(a, b, h)| (a.to_string(), b.to_string(), h))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2020QMAT04".into(), "2021QMAT04".into(), 12),
                ("2020QMAT04".into(), "2022QMAT04".into(), 24),
                ("2021QMAT04".into(), "2022QMAT04".into(), 12),
            ]
        );
        assert_eq!(months_between(&p[0], &p[1]), Some(6));
        assert_eq!(months_between(&p[1], &p[0]), None);
    }
}
