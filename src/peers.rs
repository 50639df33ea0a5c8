//! Comparison groups (sammenligningsgrupper, METHOD.md §6): a configured cluster (klynge),
//! the region, or by default the municipalities with the closest expected share.

use crate::config::{ComparisonKind, Config};
use crate::data::Dataset;
use crate::results::{Peer, Results};

/// Peers for every (period, group, municipality). The distance is always the absolute
/// difference in expected share (percentage points), so every kind can be sorted the same way.
pub fn comparison_groups(cfg: &Config, ds: &Dataset, res: &Results) -> Vec<Peer> {
    let mut out = Vec::new();
    for period in &res.periods {
        for group in &res.groups {
            let list = res.list(period, group);
            for row in list {
                let mut cands: Vec<(f64, u16)> = match peer_codes(cfg, ds, row.kommunekode) {
                    Some(codes) => list
                        .iter()
                        .filter(|r| codes.contains(&r.kommunekode))
                        .map(|r| ((r.expected_share - row.expected_share).abs(), r.kommunekode))
                        .collect(),
                    None => list
                        .iter()
                        .filter(|r| r.kommunekode != row.kommunekode)
                        .map(|r| ((r.expected_share - row.expected_share).abs(), r.kommunekode))
                        .collect(),
                };
                cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                if peer_codes(cfg, ds, row.kommunekode).is_none() {
                    cands.truncate(cfg.comparison.size);
                }
                out.extend(cands.into_iter().map(|(d, c)| Peer {
                    period: period.clone(),
                    group: group.clone(),
                    kommunekode: row.kommunekode,
                    peer_kommunekode: c,
                    distance: d,
                }));
            }
        }
    }
    out
}

/// The fixed peer set for region and klynge kinds (without the municipality itself);
/// `None` means "nearest by expected share".
fn peer_codes(cfg: &Config, ds: &Dataset, code: u16) -> Option<Vec<u16>> {
    match cfg.comparison.kind {
        ComparisonKind::Nearest => None,
        ComparisonKind::Region => {
            let region = &ds.municipality(code)?.region;
            Some(
                ds.municipalities
                    .iter()
                    .filter(|m| &m.region == region && m.code != code)
                    .map(|m| m.code)
                    .collect(),
            )
        }
        ComparisonKind::Klynge => cfg
            .comparison
            .klynger
            .values()
            .find(|members| members.contains(&code))
            .map(|members| members.iter().copied().filter(|&c| c != code).collect()),
    }
}

/// The name of the klynge a municipality is in, if any.
pub fn klynge_of(cfg: &Config, code: u16) -> Option<&str> {
    if cfg.comparison.kind != ComparisonKind::Klynge {
        return None;
    }
    cfg.comparison
        .klynger
        .iter()
        .find(|(_, m)| m.contains(&code))
        .map(|(n, _)| n.as_str())
}
