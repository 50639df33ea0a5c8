//! Two inputs, or two rows, that give the same quantity must agree within the rounding their
//! sources use; where they do not, the build stops and names both places and both values. A
//! committee appendix built on a silently chosen number is worse than an error.
//!
//! A source's rounding is read off its own numbers, per input file: counts of full-time persons
//! that are all multiples of ten are taken as rounded to tens (±5, as jobindsats publishes
//! them); other counts, and every population (whole persons), as exact; shares as rounded to
//! the fewest decimals (up to four) that every share of the file is written with (two
//! decimals: ±0,005). Two values agree when the intervals their rounding allows overlap.

use std::collections::BTreeMap;

use super::{Figures, Record};
use crate::bail_input;
use crate::keys::{Kommunekode, Period};

/// Half the rounding unit of an input's counts and shares (0 = exact). Populations are
/// always exact.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Rounding {
    pub count: f64,
    pub share: f64,
}

/// Half the unit counts are rounded to: 5 when every non-zero value is a multiple of ten,
/// else 0 (whole persons or unrounded averages are taken as given).
fn count_half_unit(values: impl Iterator<Item = f64>) -> f64 {
    let mut any = false;
    for v in values.filter(|v| *v != 0.0) {
        any = true;
        if (v / 10.0 - (v / 10.0).round()).abs() > 1e-9 {
            return 0.0;
        }
    }
    if any {
        5.0
    } else {
        0.0
    }
}

/// Half the unit shares are rounded to: the fewest decimals (0–4) every share is written with.
fn share_half_unit(values: impl Iterator<Item = f64> + Clone) -> f64 {
    for d in 0..=4 {
        let scale = 10f64.powi(d);
        if values
            .clone()
            .all(|v| (v * scale - (v * scale).round()).abs() < 1e-6)
        {
            return 0.5 / scale;
        }
    }
    0.0
}

impl Rounding {
    /// The rounding of a file of rows.
    pub(crate) fn of_records(recs: &[Record]) -> Rounding {
        let counts = recs.iter().flat_map(|r| {
            let f = &r.figures;
            [f.actual, f.expected, f.gap].into_iter().flatten()
        });
        let shares = recs.iter().flat_map(|r| {
            let f = &r.figures;
            [f.actual_share, f.expected_share, f.gap_pp]
                .into_iter()
                .flatten()
        });
        Rounding {
            count: count_half_unit(counts),
            share: share_half_unit(shares),
        }
    }

    /// The rounding of an input of counts alone.
    pub(crate) fn of_counts(values: impl Iterator<Item = f64>) -> Rounding {
        Rounding {
            count: count_half_unit(values),
            share: 0.0,
        }
    }
}

/// A little room for the arithmetic of floating point, relative to the values compared.
fn slack(a: f64, b: f64) -> f64 {
    1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Whether `a` and `b` can be the same quantity, each rounded by ± its half unit.
pub(crate) fn agree(a: f64, half_a: f64, b: f64, half_b: f64) -> bool {
    (a - b).abs() <= half_a + half_b + slack(a, b)
}

/// A number as the messages show it: whole numbers without decimals, others with up to six.
pub(crate) fn shown(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The error for one quantity given twice, both places and both values named:
/// "{subject}: {what} is given twice and differently: {a} at {at_a} and {b} at {at_b}".
pub(crate) fn given_twice(
    subject: &str,
    what: &str,
    (a, at_a): (f64, &str),
    (b, at_b): (f64, &str),
) -> anyhow::Error {
    crate::error::input_error(format!(
        "{subject}: {what} is given twice and differently: {} at {at_a} and {} at {at_b}",
        shown(a),
        shown(b)
    ))
}

/// The first figure two rows for the same quantity disagree on: (name, first value, second).
pub(crate) fn disagreement(
    a: &Figures,
    ra: &Rounding,
    b: &Figures,
    rb: &Rounding,
) -> Option<(&'static str, f64, f64)> {
    /// (name, first, second, half unit of the first, of the second).
    type Field = (&'static str, Option<f64>, Option<f64>, f64, f64);
    let fields: [Field; 8] = [
        ("actual count", a.actual, b.actual, ra.count, rb.count),
        ("expected count", a.expected, b.expected, ra.count, rb.count),
        ("gap in persons", a.gap, b.gap, ra.count, rb.count),
        ("population", a.population, b.population, 0.0, 0.0),
        (
            "actual share",
            a.actual_share,
            b.actual_share,
            ra.share,
            rb.share,
        ),
        (
            "expected share",
            a.expected_share,
            b.expected_share,
            ra.share,
            rb.share,
        ),
        (
            "gap in percentage points",
            a.gap_pp,
            b.gap_pp,
            ra.share,
            rb.share,
        ),
        (
            "standard error of the gap",
            a.gap_pp_se,
            b.gap_pp_se,
            0.0,
            0.0,
        ),
    ];
    for (name, x, y, hx, hy) in fields {
        if let (Some(x), Some(y)) = (x, y) {
            if !agree(x, hx, y, hy) {
                return Some((name, x, y));
            }
        }
    }
    match (a.rank, b.rank) {
        (Some(x), Some(y)) if x != y => Some(("rank", f64::from(x), f64::from(y))),
        _ => None,
    }
}

/// The figures of two agreeing rows as one: the first's, with what only the second gives.
pub(crate) fn merged(first: &Figures, second: &Figures) -> Figures {
    Figures {
        population: first.population.or(second.population),
        actual: first.actual.or(second.actual),
        expected: first.expected.or(second.expected),
        actual_share: first.actual_share.or(second.actual_share),
        expected_share: first.expected_share.or(second.expected_share),
        gap: first.gap.or(second.gap),
        gap_pp: first.gap_pp.or(second.gap_pp),
        gap_pp_se: first.gap_pp_se.or(second.gap_pp_se),
        rank: first.rank.or(second.rank),
    }
}

/// One statement of a municipality's population 16–66 for a period, and what its rounding
/// allows.
#[derive(Debug, Clone)]
struct Claim {
    lo: f64,
    hi: f64,
    /// "43000 at file:line" or "21000 (420 ÷ 2 %) at file:line".
    text: String,
    /// Derived from a count and its share rather than given.
    derived: bool,
}

/// Every statement of every population, checked together once all inputs are read.
#[derive(Debug, Default)]
pub(crate) struct Populations {
    claims: BTreeMap<(Period, Kommunekode), Vec<Claim>>,
}

impl Populations {
    /// A population given by a population input or a population column.
    pub(crate) fn given(&mut self, key: (Period, Kommunekode), value: f64, at: &str) {
        self.claims.entry(key).or_default().push(Claim {
            lo: value,
            hi: value,
            text: format!("{} at {at}", shown(value)),
            derived: false,
        });
    }

    /// The population a row's count and share imply (count ÷ share × 100), with the interval
    /// both roundings allow. Nothing for a zero count or a share too small to divide by.
    pub(crate) fn derived(
        &mut self,
        key: (Period, Kommunekode),
        actual: f64,
        share: f64,
        r: &Rounding,
        at: &str,
    ) {
        if actual <= 0.0 || share <= r.share || share <= 0.0 {
            return;
        }
        let lo = (actual - r.count).max(0.0) / (share + r.share) * 100.0;
        let hi = (actual + r.count) / (share - r.share) * 100.0;
        self.claims.entry(key).or_default().push(Claim {
            lo,
            hi,
            text: format!(
                "{} ({} ÷ {} % × 100) at {at}",
                shown(actual / share * 100.0),
                shown(actual),
                shown(share)
            ),
            derived: true,
        });
    }

    /// The given populations must agree with each other, and a population a row's count and
    /// share imply must agree with the given ones. (Shares of different groups are not set
    /// against each other when no population is given: the ministry's own Y30R21 has rows
    /// whose count and share do not fit its other groups, and the list derives its population
    /// from the largest group.)
    pub(crate) fn check(&self, name: impl Fn(Kommunekode) -> String) -> anyhow::Result<()> {
        for ((period, code), claims) in &self.claims {
            let given: Vec<&Claim> = claims.iter().filter(|c| !c.derived).collect();
            let Some(high_lo) = given.iter().max_by(|a, b| a.lo.total_cmp(&b.lo)) else {
                continue;
            };
            let low_hi = given
                .iter()
                .min_by(|a, b| a.hi.total_cmp(&b.hi))
                .expect("not empty");
            let clash = |a: &Claim, b: &Claim| a.lo > b.hi + slack(a.lo, b.hi);
            let pair = if clash(high_lo, low_hi) {
                Some((*low_hi, *high_lo))
            } else {
                claims.iter().filter(|c| c.derived).find_map(|d| {
                    if clash(d, low_hi) {
                        Some((*low_hi, d))
                    } else if clash(high_lo, d) {
                        Some((*high_lo, d))
                    } else {
                        None
                    }
                })
            };
            if let Some((a, b)) = pair {
                bail_input!(
                    "period {period}, kommune {} {}: two inputs give different populations 16–66: {} and {} (they differ by more than the rounding of their sources)",
                    code.get(),
                    name(*code),
                    a.text,
                    b.text
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_read_off_the_numbers() {
        assert_eq!(count_half_unit([10.0, 44010.0, 0.0].into_iter()), 5.0);
        assert_eq!(count_half_unit([10.0, 44011.0].into_iter()), 0.0);
        assert_eq!(count_half_unit([12.25].into_iter()), 0.0);
        assert_eq!(share_half_unit([9.08, 3.4].into_iter()), 0.005);
        assert_eq!(share_half_unit([9.0, 3.0].into_iter()), 0.5);
        assert_eq!(share_half_unit([1.0 / 3.0].into_iter()), 0.0);
    }

    #[test]
    fn agreement_allows_both_roundings_only() {
        assert!(agree(44010.0, 5.0, 44020.0, 5.0));
        assert!(!agree(44010.0, 5.0, 44030.0, 5.0));
        assert!(agree(0.1 + 0.2, 0.0, 0.3, 0.0));
        assert!(!agree(18213.0, 0.0, 18214.0, 0.0));
    }

    #[test]
    fn a_share_that_fits_the_given_population_passes_and_one_that_does_not_stops() {
        let key = (Period::year_of(2022), Kommunekode(183));
        let r = Rounding {
            count: 5.0,
            share: 0.005,
        };
        let mut p = Populations::default();
        p.given(key.clone(), 18213.0, "pop.csv:2");
        p.derived(key.clone(), 1570.0, 8.62, &r, "y.jsonl:1");
        assert!(p.check(|_| "Ishøj".into()).is_ok());
        p.derived(key, 420.0, 2.0, &r, "y.jsonl:2");
        let e = p.check(|_| "Ishøj".into()).unwrap_err().to_string();
        assert!(e.contains("pop.csv:2") && e.contains("y.jsonl:2"), "{e}");
        assert!(e.contains("18213") && e.contains("21000"), "{e}");
    }
}
