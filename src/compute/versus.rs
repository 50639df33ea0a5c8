//! The open model against the ministry (model mode, when the data also carries the ministry's
//! expected figures, as the Y30R21 import does): per list the two expected shares and ranks
//! side by side, how well they agree, and who moves most.

use serde::Serialize;

use super::base::Base;
use super::list::Figures;
use super::rank::competition_rank;
use super::stats::{pearson, rmse, spearman};
use crate::keys::{GroupId, Kommunekode, Period};

/// One municipality in both benchmarks.
#[derive(Debug, Clone, Serialize)]
pub struct VersusRow {
    pub kommunekode: Kommunekode,
    /// The ministry's expected share, pct.
    pub ministry_expected_share: f64,
    /// The ministry's rank (as published, else from its gap).
    pub ministry_rank: u32,
    /// The open model's expected share, pct.
    pub model_expected_share: f64,
    /// The open model's rank.
    pub model_rank: u32,
    /// model_rank − ministry_rank: positive = placed worse by the open model.
    pub difference: i64,
}

/// One list in both benchmarks.
#[derive(Debug, Clone, Serialize)]
pub struct Versus {
    pub period: Period,
    pub group: GroupId,
    /// Pearson correlation of the two expected shares.
    pub expected_correlation: f64,
    /// Root mean squared difference of the expected shares, percentage points.
    pub rmse_pp: f64,
    /// Spearman correlation of the two rankings.
    pub spearman: f64,
    /// Municipalities whose place differs by more than 10.
    pub moved_over_10: usize,
    pub rows: Vec<VersusRow>,
}

/// The comparison of one list, when every municipality has the ministry's expected figure.
pub fn versus(
    (period, group): (&Period, &GroupId),
    base: &Base,
    model: &[Figures],
    model_ranks: &[u32],
) -> Option<Versus> {
    let n = base.codes.len();
    let ministry_share: Vec<f64> = (0..n)
        .map(|i| {
            let f = &base.supplied[i];
            f.expected_share
                .or_else(|| f.expected.map(|e| e / base.population[i] * 100.0))
        })
        .collect::<Option<_>>()?;
    let given: Option<Vec<u32>> = base.supplied.iter().map(|f| f.rank).collect();
    let ministry_rank = match given {
        Some(r) => r,
        None => {
            let gaps: Vec<f64> = (0..n)
                .map(|i| {
                    let f = &base.supplied[i];
                    f.gap_pp.unwrap_or_else(|| {
                        f.actual_share
                            .unwrap_or(base.actual[i] / base.population[i] * 100.0)
                            - ministry_share[i]
                    })
                })
                .collect();
            competition_rank(&gaps)
        }
    };
    let model_share: Vec<f64> = model.iter().map(|f| f.expected_share).collect();
    let rows: Vec<VersusRow> = (0..n)
        .map(|i| VersusRow {
            kommunekode: base.codes[i],
            ministry_expected_share: ministry_share[i],
            ministry_rank: ministry_rank[i],
            model_expected_share: model_share[i],
            model_rank: model_ranks[i],
            difference: i64::from(model_ranks[i]) - i64::from(ministry_rank[i]),
        })
        .collect();
    let mr: Vec<f64> = ministry_rank.iter().map(|&r| f64::from(r)).collect();
    let or: Vec<f64> = model_ranks.iter().map(|&r| f64::from(r)).collect();
    Some(Versus {
        period: period.clone(),
        group: group.clone(),
        expected_correlation: pearson(&ministry_share, &model_share),
        rmse_pp: rmse(&ministry_share, &model_share),
        spearman: spearman(&mr, &or),
        moved_over_10: rows.iter().filter(|r| r.difference.abs() > 10).count(),
        rows,
    })
}
