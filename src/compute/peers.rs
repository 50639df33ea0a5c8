//! Comparison groups (sammenligningsgrupper, METHOD.md §6): a configured cluster (klynge),
//! the region, or by default the municipalities with the closest expected share.

use super::list::Peer;
use crate::config::{Comparison, ComparisonKind};
use crate::input::Municipality;
use crate::keys::Kommunekode;

/// The comparison group of every municipality in one list (`codes` and `expected_share`
/// aligned). The distance is always the absolute difference in expected share (percentage
/// points), so every kind is sorted the same way: nearest first, then by code.
pub fn comparison_groups(
    comparison: &Comparison,
    municipalities: &[Municipality],
    codes: &[Kommunekode],
    expected_share: &[f64],
) -> Vec<Vec<Peer>> {
    codes
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            let fixed = fixed_peers(comparison, municipalities, code);
            let mut cands: Vec<Peer> = codes
                .iter()
                .enumerate()
                .filter(|&(_, &c)| match &fixed {
                    Some(set) => set.contains(&c),
                    None => c != code,
                })
                .map(|(j, &c)| Peer {
                    kommunekode: c,
                    distance: (expected_share[j] - expected_share[i]).abs(),
                })
                .collect();
            cands.sort_by(|a, b| {
                a.distance
                    .total_cmp(&b.distance)
                    .then(a.kommunekode.cmp(&b.kommunekode))
            });
            if fixed.is_none() {
                cands.truncate(comparison.size);
            }
            // Kept for every row of every list: give back the room of the candidates dropped.
            cands.shrink_to_fit();
            cands
        })
        .collect()
}

/// The fixed peer set for region and klynge kinds (without the municipality itself);
/// `None` means "nearest by expected share".
fn fixed_peers(
    comparison: &Comparison,
    municipalities: &[Municipality],
    code: Kommunekode,
) -> Option<Vec<Kommunekode>> {
    match comparison.kind {
        ComparisonKind::Nearest => None,
        ComparisonKind::Region => {
            let region = &municipalities.iter().find(|m| m.code == code)?.region;
            Some(
                municipalities
                    .iter()
                    .filter(|m| &m.region == region && m.code != code)
                    .map(|m| m.code)
                    .collect(),
            )
        }
        ComparisonKind::Klynge => klynge_of(comparison, code)
            .map(|(_, members)| members.iter().copied().filter(|&c| c != code).collect()),
    }
}

/// The klynge a municipality is in (its name and members), when comparing by klynge.
pub fn klynge_of(comparison: &Comparison, code: Kommunekode) -> Option<(&str, &[Kommunekode])> {
    if comparison.kind != ComparisonKind::Klynge {
        return None;
    }
    comparison
        .klynger
        .iter()
        .find(|(_, m)| m.contains(&code))
        .map(|(n, m)| (n.as_str(), m.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn munis() -> Vec<Municipality> {
        [
            (101, "A", "R1"),
            (147, "B", "R1"),
            (151, "C", "R2"),
            (153, "D", "R2"),
        ]
        .iter()
        .map(|&(c, n, r)| Municipality {
            code: Kommunekode(c),
            name: n.into(),
            region: r.into(),
            at: String::new(),
        })
        .collect()
    }

    fn codes() -> Vec<Kommunekode> {
        munis().iter().map(|m| m.code).collect()
    }

    fn cmp(kind: ComparisonKind, size: usize) -> Comparison {
        let mut klynger = BTreeMap::new();
        klynger.insert("K".to_string(), vec![Kommunekode(101), Kommunekode(153)]);
        Comparison {
            kind,
            size,
            klynger,
            klynge_at: BTreeMap::new(),
        }
    }

    #[test]
    fn nearest_by_expected_share_ties_by_code() {
        let p = comparison_groups(
            &cmp(ComparisonKind::Nearest, 2),
            &munis(),
            &codes(),
            &[5.0, 6.0, 4.0, 9.0],
        );
        let first: Vec<u16> = p[0].iter().map(|x| x.kommunekode.get()).collect();
        assert_eq!(first, vec![147, 151]);
        assert_eq!(p[0][0].distance, 1.0);
    }

    #[test]
    fn region_peers_are_the_region_without_itself() {
        let p = comparison_groups(
            &cmp(ComparisonKind::Region, 1),
            &munis(),
            &codes(),
            &[5.0, 6.0, 4.0, 9.0],
        );
        let third: Vec<u16> = p[2].iter().map(|x| x.kommunekode.get()).collect();
        assert_eq!(third, vec![153]);
    }

    #[test]
    fn klynge_members_and_fallback_to_nearest() {
        let c = cmp(ComparisonKind::Klynge, 1);
        let p = comparison_groups(&c, &munis(), &codes(), &[5.0, 6.0, 4.0, 9.0]);
        assert_eq!(
            p[0].iter().map(|x| x.kommunekode.get()).collect::<Vec<_>>(),
            vec![153]
        );
        // 147 is in no klynge: its nearest municipality.
        assert_eq!(
            p[1].iter().map(|x| x.kommunekode.get()).collect::<Vec<_>>(),
            vec![101]
        );
        assert_eq!(klynge_of(&c, Kommunekode(153)).map(|k| k.0), Some("K"));
    }
}
