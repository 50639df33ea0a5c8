//! `[[groups]]` checked: ids valid and unique, totals over ranked groups that count no benefit
//! twice, and `part-of` chains without cycles.

use std::collections::{BTreeMap, BTreeSet};

use super::check::Src;
use super::raw::GroupConfig;
use super::Group;
use crate::keys::GroupId;

pub(super) fn groups(src: &Src, raw: &[GroupConfig]) -> anyhow::Result<Vec<Group>> {
    if raw.is_empty() {
        return Err(src.error("`groups` is empty: at least one benefit group is required"));
    }
    let mut ids = BTreeSet::new();
    for g in raw {
        let id = g.id.get_ref();
        if !GroupId::is_valid(id) {
            return Err(src.error_at(
                g.id.span(),
                format!("groups.id: {id:?} must be lowercase ASCII letters, digits and '-'"),
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(src.error_at(g.id.span(), format!("groups.id: {id:?} is defined twice")));
        }
    }
    let find = |id: &str| raw.iter().find(|g| g.id.get_ref() == id);
    for g in raw.iter().filter(|g| !g.total_of.is_empty()) {
        let gid = g.id.get_ref();
        let mut seen_benefits: BTreeMap<&str, &str> = BTreeMap::new();
        for m in &g.total_of {
            let Some(member) = find(m) else {
                return Err(src.error_at(
                    g.id.span(),
                    format!(
                        "groups {gid:?}: total-of names {m:?}, which is not a configured group"
                    ),
                ));
            };
            if !member.total_of.is_empty() {
                return Err(src.error_at(
                    g.id.span(),
                    format!("groups {gid:?}: total-of names {m:?}, which is itself a total"),
                ));
            }
            if g.total_of.iter().filter(|x| *x == m).count() > 1 {
                return Err(src.error_at(
                    g.id.span(),
                    format!(
                        "groups {gid:?}: total-of names {m:?} twice, so it would be counted twice"
                    ),
                ));
            }
            for b in &member.benefits {
                if let Some(other) = seen_benefits.insert(b, m) {
                    return Err(src.error_at(
                        g.id.span(),
                        format!(
                            "groups {gid:?}: the benefit {b:?} is in both {other:?} and {m:?}, so the total would count it twice"
                        ),
                    ));
                }
            }
        }
    }
    hierarchy(src, raw)?;
    Ok(raw
        .iter()
        .map(|g| Group {
            id: GroupId::new(g.id.get_ref().clone()),
            label: g.label.clone(),
            source_labels: g.source_labels.clone(),
            benefits: g.benefits.clone(),
            total_of: g.total_of.iter().map(|m| GroupId::new(m.clone())).collect(),
            part_of: g
                .part_of
                .as_ref()
                .map(|p| GroupId::new(p.get_ref().clone())),
        })
        .collect())
}

/// `part-of` and `rank`: a parent that exists, no cycle, no total counting a row beside the
/// row it is part of, no ranked total of unranked members, at least one ranked group.
fn hierarchy(src: &Src, raw: &[GroupConfig]) -> anyhow::Result<()> {
    let find = |id: &str| raw.iter().find(|g| g.id.get_ref() == id);
    for g in raw {
        let Some(p) = &g.part_of else { continue };
        let gid = g.id.get_ref();
        if find(p.get_ref()).is_none() {
            return Err(src.error_at(
                p.span(),
                format!(
                    "groups {gid:?}: part-of names {:?}, which is not a configured group",
                    crate::error::excerpt(p.get_ref(), 40)
                ),
            ));
        }
        // Walk up: a chain longer than the number of groups has returned to a group seen.
        let mut chain = vec![gid.as_str()];
        let mut at = p.get_ref().as_str();
        loop {
            if chain.contains(&at) {
                chain.push(at);
                return Err(src.error_at(
                    p.span(),
                    format!(
                        "groups {gid:?}: part-of makes a cycle ({})",
                        chain.join(" → ")
                    ),
                ));
            }
            chain.push(at);
            match find(at).and_then(|x| x.part_of.as_ref()) {
                Some(next) => at = next.get_ref(),
                None => break,
            }
        }
    }
    let ancestors = |id: &str| {
        let mut out = Vec::new();
        let mut at = find(id).and_then(|g| g.part_of.as_ref());
        while let Some(p) = at {
            out.push(p.get_ref().as_str());
            at = find(p.get_ref()).and_then(|g| g.part_of.as_ref());
        }
        out
    };
    for g in raw.iter().filter(|g| !g.total_of.is_empty()) {
        let gid = g.id.get_ref();
        for m in &g.total_of {
            if let Some(a) = ancestors(m)
                .into_iter()
                .find(|a| g.total_of.iter().any(|x| x == a))
            {
                return Err(src.error_at(
                    g.id.span(),
                    format!("groups {gid:?}: total-of names both {a:?} and {m:?}, which is part of it, so the total would count {m:?} twice"),
                ));
            }
            if g.rank && find(m).is_some_and(|x| !x.rank) {
                return Err(src.error_at(
                    g.id.span(),
                    format!(
                        "groups {gid:?}: a ranked total cannot sum {m:?}, which has rank = false"
                    ),
                ));
            }
        }
    }
    if !raw.iter().any(|g| g.rank) {
        return Err(
            src.error("groups: every group has rank = false; at least one group must be ranked")
        );
    }
    Ok(())
}
