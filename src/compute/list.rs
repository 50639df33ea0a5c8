//! One ranked list: the unrounded figures of every municipality (supplied figures win over
//! derived ones), the national row, and the finished [`Row`]s, built once after ranking.

use serde::Serialize;

use super::base::Base;
use crate::keys::{GroupId, Kommunekode, Period};

/// One municipality's unrounded figures in one list, before ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
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
    /// The standard error of `gap_pp` when the input gives it (used instead of the noise model).
    pub gap_pp_se: Option<f64>,
}

/// The figures of a list. In supplied mode a figure the import gives (expected count, actual
/// share, gap, gap in pp) is used as given, since it is what the ministry published; only what
/// is missing is derived. In model mode everything follows from the fitted expected share.
pub fn figures(base: &Base, expected_share: &[f64], supplied: bool) -> Vec<Figures> {
    expected_share
        .iter()
        .enumerate()
        .take(base.codes.len())
        .map(|(i, &exp_share)| {
            let f = &base.supplied[i];
            let pop = base.population[i];
            let actual = base.actual[i];
            let derived_expected = exp_share * pop / 100.0;
            let expected = if supplied {
                f.expected.unwrap_or(derived_expected)
            } else {
                derived_expected
            };
            // Model mode fits actual ÷ population; the gap uses the same share, so a rounded
            // published share cannot rank a municipality differently from its fit.
            let actual_share = if supplied {
                f.actual_share.unwrap_or(actual / pop * 100.0)
            } else {
                actual / pop * 100.0
            };
            let (gap, gap_pp) = if supplied {
                (
                    f.gap.unwrap_or(actual - expected),
                    f.gap_pp.unwrap_or(actual_share - exp_share),
                )
            } else {
                (actual - expected, actual_share - exp_share)
            };
            Figures {
                population: pop,
                actual,
                expected,
                gap,
                actual_share,
                expected_share: exp_share,
                gap_pp,
                gap_pp_se: f.gap_pp_se,
            }
        })
        .collect()
}

/// One municipality in one (period, group) list. Values are unrounded.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub period: Period,
    pub group: GroupId,
    pub kommunekode: Kommunekode,
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
    /// Lower end of the rank's confidence set.
    pub rank_low: Option<u32>,
    /// Upper end of the rank's confidence set.
    pub rank_high: Option<u32>,
    /// gap_pp now − gap_pp a year earlier.
    pub improvement_pp: Option<f64>,
    /// Rank of the improvement, 1 = most improved.
    pub improvement_rank: Option<u32>,
    /// Rank by expected share, 1 = hardest rammevilkår.
    pub difficulty_rank: u32,
    /// Population below the small-municipality threshold.
    pub small: bool,
    /// Lower end of the improvement rank's confidence set.
    pub improvement_rank_low: Option<u32>,
    /// Upper end of the improvement rank's confidence set.
    pub improvement_rank_high: Option<u32>,
    /// Standard error of gap_pp under the noise model (pp).
    pub gap_pp_se: f64,
    /// gap_pp ÷ gap_pp_se (NaN without a standard error).
    pub gap_z: f64,
    /// Benjamini–Hochberg q-value of the gap across the list ([`super::evidence`]).
    pub gap_q: f64,
    /// gap × the configured annual cost per full-time person, in DKK million (METHOD.md §6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub potential_mkr: Option<f64>,
    /// Model mode: the lowest and highest place across the alternative specifications (each
    /// variable left out, the other method) and the main model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_rank_low: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_rank_high: Option<u32>,
    /// Where the expected figures come from: `ministry`, `model` or `continued:<period>`.
    pub expected_source: String,
}

/// "Hele landet" for one (period, group).
#[derive(Debug, Clone, Serialize)]
pub struct National {
    pub period: Period,
    pub group: GroupId,
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
    /// Σgap × cost per person, DKK million, when a cost is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub potential_mkr: Option<f64>,
}

/// "Hele landet": national shares from the sums, not the mean of the municipalities' shares.
pub fn national(
    period: &Period,
    group: &GroupId,
    figures: &[Figures],
    cost_per_person: Option<f64>,
) -> National {
    let (pop, act, exp) = (
        figures.iter().map(|f| f.population).sum::<f64>(),
        figures.iter().map(|f| f.actual).sum::<f64>(),
        figures.iter().map(|f| f.expected).sum::<f64>(),
    );
    National {
        period: period.clone(),
        group: group.clone(),
        population: pop,
        actual: act,
        expected: exp,
        gap: act - exp,
        actual_share: act / pop * 100.0,
        expected_share: exp / pop * 100.0,
        gap_pp: (act - exp) / pop * 100.0,
        potential_mkr: cost_per_person.map(|c| potential_mkr(act - exp, c)),
    }
}

/// The potential in DKK million: a gap in persons priced at an annual cost per person.
pub fn potential_mkr(gap: f64, cost_per_person: f64) -> f64 {
    gap * cost_per_person / 1e6
}

/// One peer in a municipality's comparison group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peer {
    pub kommunekode: Kommunekode,
    /// |expected share difference| in percentage points.
    pub distance: f64,
}

/// A finished (period, group) list: rows by kommunekode, the national row and every
/// municipality's comparison group (aligned with `rows`).
#[derive(Debug, Clone, Serialize)]
pub struct RankedList {
    pub period: Period,
    pub group: GroupId,
    /// Rows sorted by kommunekode.
    pub rows: Vec<Row>,
    /// Hele landet.
    pub national: National,
    /// Comparison group of `rows[i]`, nearest first.
    pub peers: Vec<Vec<Peer>>,
    /// Current period: who can be among the 10 best and 10 worst (aligned with `rows`).
    #[serde(skip)]
    pub extremes: Option<super::uncertainty::Extremes>,
    /// Where the expected figures come from.
    pub expected_source: super::continued::ExpectedSource,
    /// The series breaks between this list and the one its improvement is measured against
    /// (indices into `Config::breaks`).
    pub breaks_crossed: Vec<usize>,
}

impl RankedList {
    /// A municipality's row.
    pub fn row(&self, code: Kommunekode) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&code, |r| r.kommunekode)
            .ok()
            .map(|i| &self.rows[i])
    }

    /// A municipality's comparison group.
    pub fn peers_of(&self, code: Kommunekode) -> &[Peer] {
        match self.rows.binary_search_by_key(&code, |r| r.kommunekode) {
            Ok(i) => &self.peers[i],
            Err(_) => &[],
        }
    }

    /// Rows in rank order, ties by gap then name: as ranking tables and charts show them.
    pub fn ranked(&self) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then(a.gap_pp.total_cmp(&b.gap_pp))
                .then(a.kommune.cmp(&b.kommune))
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Figures as Given;

    fn base(supplied: Vec<Given>) -> Base {
        let n = supplied.len();
        Base {
            codes: (0..n as u16).map(|c| Kommunekode(101 + c)).collect(),
            population: vec![1000.0; n],
            actual: vec![100.0; n],
            supplied,
        }
    }

    #[test]
    fn supplied_figures_win_over_derived_ones() {
        let given = Given {
            expected: Some(95.0),
            actual_share: Some(10.01),
            gap: Some(6.0),
            gap_pp: Some(0.5),
            ..Given::default()
        };
        let f = figures(&base(vec![given]), &[9.0], true);
        assert_eq!(f[0].expected, 95.0);
        assert_eq!(f[0].actual_share, 10.01);
        assert_eq!(f[0].gap, 6.0);
        assert_eq!(f[0].gap_pp, 0.5);
        assert_eq!(f[0].expected_share, 9.0);
    }

    #[test]
    fn missing_figures_are_derived() {
        let f = figures(&base(vec![Given::default()]), &[9.0], true);
        assert_eq!(f[0].expected, 90.0);
        assert_eq!(f[0].actual_share, 10.0);
        assert_eq!(f[0].gap, 10.0);
        assert!((f[0].gap_pp - 1.0).abs() < 1e-12);
    }

    #[test]
    fn model_mode_derives_from_the_fitted_share() {
        let given = Given {
            expected: Some(95.0),
            gap: Some(6.0),
            ..Given::default()
        };
        let f = figures(&base(vec![given]), &[9.0], false);
        assert_eq!(f[0].expected, 90.0);
        assert_eq!(f[0].gap, 10.0);
    }

    #[test]
    fn national_shares_come_from_sums() {
        let mk = |pop: f64, act: f64, exp: f64| Figures {
            population: pop,
            actual: act,
            expected: exp,
            gap: act - exp,
            actual_share: act / pop * 100.0,
            expected_share: exp / pop * 100.0,
            gap_pp: 0.0,
            gap_pp_se: None,
        };
        let n = national(
            &"2022".parse().unwrap(),
            &GroupId::from("x"),
            &[mk(1000.0, 100.0, 80.0), mk(3000.0, 100.0, 120.0)],
            Some(400_000.0),
        );
        assert_eq!(n.potential_mkr, Some(0.0));
        assert_eq!(n.actual_share, 5.0);
        assert_eq!(n.expected_share, 5.0);
        assert_eq!(n.gap, 0.0);
    }
}
