//! Improvement (forbedring, METHOD.md §6): the change of each municipality's gap in percentage
//! points against the comparison list, ranked ascending (1 = most improved).
//!
//! Published gaps carry two decimals; their difference in floating point is not exact
//! (−0,02 may come out as −0.0199999 or −0.0200001), which would break equal published changes
//! into different ranks. When every gap of both lists is a whole number of hundredths, the
//! change is computed in hundredths, exactly.

use std::collections::BTreeMap;

use super::rank::competition_rank;
use crate::keys::Kommunekode;

/// Δgap_pp and its rank for every municipality of `now`, or `None` when any municipality is
/// missing from `before` (improvement is then left out, never guessed).
pub fn improvement(
    now: &[(Kommunekode, f64)],
    before: &[(Kommunekode, f64)],
) -> Option<(Vec<f64>, Vec<u32>)> {
    let hundredths = now
        .iter()
        .chain(before)
        .all(|(_, g)| (g * 100.0 - (g * 100.0).round()).abs() < 1e-6);
    let before: BTreeMap<Kommunekode, f64> = before.iter().copied().collect();
    let deltas: Vec<f64> = now
        .iter()
        .map(|(c, g)| {
            before.get(c).map(|b| {
                if hundredths {
                    ((g * 100.0).round() - (b * 100.0).round()) / 100.0
                } else {
                    g - b
                }
            })
        })
        .collect::<Option<_>>()?;
    let ranks = competition_rank(&deltas);
    Some((deltas, ranks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_improved_is_first() {
        let now = [(Kommunekode(101), 0.5), (Kommunekode(147), -0.25)];
        let before = [(Kommunekode(147), 0.25), (Kommunekode(101), 0.25)];
        let (d, r) = improvement(&now, &before).unwrap();
        assert_eq!(d, vec![0.25, -0.5]);
        assert_eq!(r, vec![2, 1]);
    }

    #[test]
    fn equal_published_changes_tie_exactly() {
        // In floating point −1.50 − (−1.48) and −0.95 − (−0.93) differ in the last bits.
        let now = [
            (Kommunekode(101), -1.5),
            (Kommunekode(147), -0.95),
            (Kommunekode(151), 1.0),
        ];
        let before = [
            (Kommunekode(101), -1.48),
            (Kommunekode(147), -0.93),
            (Kommunekode(151), 0.5),
        ];
        assert_ne!(-1.5f64 - -1.48, -0.95f64 - -0.93);
        let (d, r) = improvement(&now, &before).unwrap();
        assert_eq!(d[0], d[1]);
        assert_eq!(r, vec![1, 1, 3]);
    }

    #[test]
    fn a_missing_municipality_leaves_improvement_out() {
        let now = [(Kommunekode(101), 0.5), (Kommunekode(147), 0.1)];
        assert_eq!(improvement(&now, &[(Kommunekode(101), 0.2)]), None);
    }
}
