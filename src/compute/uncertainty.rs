//! How certain each placing is: standard errors of every gap from the noise model
//! ([`super::noise`]), rank confidence sets from them ([`super::confidence`]), and the same for
//! the improvement since the comparison period.

use rayon::prelude::*;

use super::confidence::{rank_sets, tau_best, Coverage};
use super::improvement::improvement;
use super::list::Figures;
use super::noise::{binomial_var_pp, overdispersion, Overdispersion};
use super::random::sub_seed;
use crate::config::{ConfidenceSets, RankingConfig};
use crate::keys::{GroupId, Kommunekode, Period};

/// One list as the uncertainty step sees it.
pub struct ListInput<'a> {
    /// (period, group).
    pub key: &'a (Period, GroupId),
    /// Municipalities in list order.
    pub codes: &'a [Kommunekode],
    /// Their unrounded figures.
    pub figures: &'a [Figures],
    /// Their ranks (given or computed).
    pub ranks: &'a [u32],
    /// Variance of the expected share (pp², model mode), else none.
    pub pred_var: Option<&'a [f64]>,
    /// Position of the list improvement is measured against.
    pub before: Option<usize>,
    /// A continued list: its gap carries the continuation's error, so it does not estimate φ.
    pub continued: bool,
}

/// Improvement with its ranks and confidence sets.
#[derive(Debug, Clone)]
pub struct Improvement {
    /// Δgap_pp per municipality.
    pub delta: Vec<f64>,
    /// Rank of Δ, 1 = most improved.
    pub ranks: Vec<u32>,
    /// Confidence sets of those ranks.
    pub sets: Option<Vec<(u32, u32)>>,
}

/// A list's uncertainty.
#[derive(Debug, Clone)]
pub struct ListUncertainty {
    /// Standard error of each gap (pp).
    pub se: Vec<f64>,
    /// Rank confidence sets, when draws > 0.
    pub sets: Option<Vec<(u32, u32)>>,
    /// Improvement, when the comparison list exists.
    pub improvement: Option<Improvement>,
    /// Current period only: who can be among the 10 best and the 10 worst (τ-best sets).
    pub extremes: Option<Extremes>,
}

/// The τ-best sets of one list (τ = 10): a set that contains all of the truly 10 best (worst)
/// with the stated probability.
#[derive(Debug, Clone)]
pub struct Extremes {
    /// Per municipality: can be among the 10 best.
    pub top: Vec<bool>,
    /// Per municipality: can be among the 10 worst.
    pub bottom: Vec<bool>,
}

/// φ per group, then standard errors, confidence sets and improvement for every list.
pub fn assess(
    ranking: &RankingConfig,
    groups: &[GroupId],
    current: &Period,
    lists: &[ListInput],
) -> (Vec<Overdispersion>, Vec<ListUncertainty>) {
    let noise: Vec<Overdispersion> = groups
        .iter()
        .map(|g| overdispersion(g, &changes(g, lists)))
        .collect();
    let phi = |g: &GroupId| noise.iter().find(|o| &o.group == g).map_or(1.0, |o| o.phi);
    let se: Vec<Vec<f64>> = lists
        .iter()
        .map(|l| {
            let phi = phi(&l.key.1);
            l.figures
                .iter()
                .enumerate()
                .map(|(i, f)| match f.gap_pp_se {
                    Some(se) => se,
                    None => {
                        let model = l.pred_var.map_or(0.0, |v| v[i]);
                        (phi * binomial_var_pp(f.actual, f.population) + model).sqrt()
                    }
                })
                .collect()
        })
        .collect();
    let out = lists
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            let gaps: Vec<f64> = l.figures.iter().map(|f| f.gap_pp).collect();
            // The three kinds of sets of a list are independent tasks, so the lists with more
            // of them (the current period's) do not hold up the end of the run.
            let improvement = || {
                l.before.and_then(|b| {
                    let before = &lists[b];
                    let now: Vec<(Kommunekode, f64)> =
                        l.codes.iter().copied().zip(gaps.iter().copied()).collect();
                    let prev: Vec<(Kommunekode, f64)> = before
                        .codes
                        .iter()
                        .copied()
                        .zip(before.figures.iter().map(|f| f.gap_pp))
                        .collect();
                    let (delta, ranks) = improvement(&now, &prev)?;
                    let se_delta: Vec<f64> = se[i]
                        .iter()
                        .zip(&se[b])
                        .map(|(a, b)| (a * a + b * b).sqrt())
                        .collect();
                    let sets = sets_for(ranking, l.key, "improvement", &delta, &se_delta, &ranks);
                    Some(Improvement { delta, ranks, sets })
                })
            };
            let extremes = || {
                (ranking.draws > 0 && &l.key.0 == current && gaps.len() > 10).then(|| {
                    let seed = sub_seed(ranking.seed, &[l.key.0.label(), l.key.1.as_str(), "tau"]);
                    let negated: Vec<f64> = gaps.iter().map(|g| -g).collect();
                    let (level, draws) = (ranking.interval_level, ranking.draws as usize);
                    let (top, bottom) = rayon::join(
                        || tau_best(&negated, &se[i], 10, level, draws, seed),
                        || tau_best(&gaps, &se[i], 10, level, draws, seed ^ 1),
                    );
                    Extremes { top, bottom }
                })
            };
            let ((sets, improvement), extremes) = rayon::join(
                || {
                    rayon::join(
                        || sets_for(ranking, l.key, "sets", &gaps, &se[i], l.ranks),
                        improvement,
                    )
                },
                extremes,
            );
            ListUncertainty {
                se: se[i].clone(),
                sets,
                improvement,
                extremes,
            }
        })
        .collect();
    (noise, out)
}

/// (Δgap, v_t + v_{t−1}) for every municipality of every list of `group` whose list a year
/// earlier is in the data.
fn changes(group: &GroupId, lists: &[ListInput]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for now in lists.iter().filter(|l| &l.key.1 == group && !l.continued) {
        let earlier = now.key.0.year_earlier();
        let Some(before) = lists
            .iter()
            .find(|l| l.key.0 == earlier && &l.key.1 == group && !l.continued)
        else {
            continue;
        };
        for (i, f) in now.figures.iter().enumerate() {
            let Some(j) = before.codes.iter().position(|c| *c == now.codes[i]) else {
                continue;
            };
            let b = &before.figures[j];
            // Only gaps the noise model describes estimate its φ.
            if f.gap_pp_se.is_some() || b.gap_pp_se.is_some() || !f.population.is_finite() {
                continue;
            }
            let v =
                binomial_var_pp(f.actual, f.population) + binomial_var_pp(b.actual, b.population);
            out.push((f.gap_pp - b.gap_pp, v));
        }
    }
    out
}

/// Confidence sets of the ranks of `values` (lower = better), widened if needed to hold the
/// rank shown (a supplied rank may break a tie differently).
fn sets_for(
    ranking: &RankingConfig,
    key: &(Period, GroupId),
    what: &str,
    values: &[f64],
    se: &[f64],
    ranks: &[u32],
) -> Option<Vec<(u32, u32)>> {
    if ranking.draws == 0 {
        return None;
    }
    let coverage = match ranking.confidence_sets {
        ConfidenceSets::Marginal => Coverage::Marginal,
        ConfidenceSets::Simultaneous => Coverage::Simultaneous,
    };
    let negated: Vec<f64> = values.iter().map(|v| -v).collect();
    let seed = sub_seed(ranking.seed, &[key.0.label(), key.1.as_str(), what]);
    let sets = rank_sets(
        &negated,
        se,
        ranking.interval_level,
        coverage,
        ranking.draws as usize,
        seed,
    );
    Some(
        sets.into_iter()
            .zip(ranks)
            .map(|((lo, hi), &r)| (lo.min(r), hi.max(r)))
            .collect(),
    )
}
