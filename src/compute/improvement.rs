//! Improvement (forbedring, METHOD.md §6): the change of each municipality's gap in percentage
//! points against the comparison list, ranked ascending (1 = most improved).

use std::collections::BTreeMap;

use super::rank::competition_rank;
use crate::keys::Kommunekode;

/// Δgap_pp and its rank for every municipality of `now`, or `None` when any municipality is
/// missing from `before` (improvement is then left out, never guessed).
pub fn improvement(
    now: &[(Kommunekode, f64)],
    before: &[(Kommunekode, f64)],
) -> Option<(Vec<f64>, Vec<u32>)> {
    let before: BTreeMap<Kommunekode, f64> = before.iter().copied().collect();
    let deltas: Vec<f64> = now
        .iter()
        .map(|(c, g)| before.get(c).map(|b| g - b))
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
    fn a_missing_municipality_leaves_improvement_out() {
        let now = [(Kommunekode(101), 0.5), (Kommunekode(147), 0.1)];
        assert_eq!(improvement(&now, &[(Kommunekode(101), 0.2)]), None);
    }
}
