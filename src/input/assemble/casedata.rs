//! A records input's counted cells into the dataset: each group the config knows (a total is
//! the sum of its groups, as for every input), cells of fewer persons than the threshold left
//! out — with a second cell where one left-out group could be told from its total less the
//! others — and the provenance sentence every page shows.

use std::collections::{BTreeMap, BTreeSet};

use super::super::agree::Rounding;
use super::super::records::{Counted, CountedCell};
use super::super::{Figures, Record, RowPeriod};
use super::Assembler;
use crate::config::{Group, Input, InputKind, InputRole, RecordsInput};
use crate::keys::{GroupId, Kommunekode, Period};

impl Assembler<'_> {
    /// Adds a records input's cells as actual figures of their groups.
    pub(in crate::input) fn counted(&mut self, input: &Input, c: &Counted) -> anyhow::Result<()> {
        let InputKind::Records(spec) = &input.kind else {
            return Ok(());
        };
        let cfg = self.cfg;
        let n = cfg
            .inputs
            .iter()
            .position(|i| std::ptr::eq(i, input))
            .map_or(0, |i| i + 1);
        let key = format!("data.inputs[{n}].groups");
        for g in &spec.groups {
            let why = match cfg.any_group(g) {
                None => "is not a configured group (the ids of [[groups]])",
                Some(t) if t.is_total() => {
                    "is a total, the sum of its groups: list the groups (their sum is formed from them)"
                }
                Some(_) => continue,
            };
            return Err(cfg.error_at(&input.at, format!("{key}: \"{g}\" {why}")));
        }
        let taken = taken(cfg, spec, c);
        if let Some(g) = spec
            .groups
            .iter()
            .find(|g| !taken.keys().any(|k| &k.1 == *g))
        {
            return Err(cfg.error_at(
                &input.at,
                format!(
                    "{key}: the records count no one in group \"{g}\" in the periods counted (is it in the codes file?)"
                ),
            ));
        }
        let total = cfg.groups.iter().find(|g| g.is_total());
        let hidden = suppressed(&taken, total, spec.min_persons);
        let (groups, kommuner) = self.publish(input, &taken, &hidden)?;
        let note = note(
            self,
            input,
            c,
            &groups,
            &kommuner,
            hidden.len(),
            spec.min_persons,
        );
        self.ds.notes.push(note);
        Ok(())
    }

    /// The cells not hidden, as rows of their groups; returns the groups and municipalities
    /// that got figures.
    fn publish(
        &mut self,
        input: &Input,
        taken: &Taken,
        hidden: &BTreeSet<Key>,
    ) -> anyhow::Result<(Vec<GroupId>, BTreeSet<Kommunekode>)> {
        let shown = input.file.path.display();
        let mut groups: Vec<GroupId> = Vec::new();
        let mut kommuner: BTreeSet<Kommunekode> = BTreeSet::new();
        for (k, cell) in taken.iter().filter(|(k, _)| !hidden.contains(*k)) {
            let rec = Record {
                at: format!(
                    "{shown} (counted: kommune {}, group {}, period {})",
                    k.2.get(),
                    k.1,
                    k.0
                ),
                kommunekode: Some(format!("{:03}", k.2.get())),
                period: Some(RowPeriod::Checked(k.0.clone())),
                group: Some(k.1.as_str().to_string()),
                figures: Figures {
                    actual: Some(cell.fuldtidspersoner),
                    ..Figures::default()
                },
                ..Record::default()
            };
            self.apply(InputRole::Benchmark, rec, &Rounding::default())?;
            self.ds.counted_persons.insert(k.clone(), cell.personer);
            if !groups.contains(&k.1) {
                groups.push(k.1.clone());
            }
            kommuner.insert(k.2);
        }
        Ok((groups, kommuner))
    }
}

/// A cell's key.
type Key = (Period, GroupId, Kommunekode);
/// The cells taken from the records, by key.
type Taken<'a> = BTreeMap<Key, &'a CountedCell>;

/// The cells of the configured groups (not totals) the input takes.
fn taken<'a>(cfg: &crate::config::Config, spec: &RecordsInput, c: &'a Counted) -> Taken<'a> {
    let group_of = |gruppe: &str| -> Option<&Group> {
        cfg.all_groups()
            .filter(|g| !g.is_total())
            .find(|g| g.id.as_str() == gruppe || g.matches(gruppe))
    };
    let mut taken = Taken::new();
    for cell in &c.cells {
        let Some(g) = group_of(&cell.gruppe) else {
            continue;
        };
        if spec.groups.is_empty() || spec.groups.contains(&g.id) {
            let key = (
                cell.periode.clone(),
                g.id.clone(),
                Kommunekode(cell.kommune),
            );
            taken.insert(key, cell);
        }
    }
    taken
}

/// The cells not published: fewer persons than `min`, and — where exactly one of a total's
/// groups is left out — the group of fewest persons besides, so the left-out one cannot be told
/// from the total (the ministry's, say) less the others.
fn suppressed(taken: &Taken, total: Option<&Group>, min: u32) -> BTreeSet<Key> {
    let mut hidden: BTreeSet<_> = taken
        .iter()
        .filter(|(_, c)| c.personer < u64::from(min))
        .map(|(k, _)| k.clone())
        .collect();
    let Some(total) = total else {
        return hidden;
    };
    let areas: BTreeSet<(Period, Kommunekode)> = taken.keys().map(|k| (k.0.clone(), k.2)).collect();
    for (p, code) in areas {
        let members: Vec<(Period, GroupId, Kommunekode)> = total
            .total_of
            .iter()
            .map(|m| (p.clone(), m.clone(), code))
            .filter(|k| taken.contains_key(k))
            .collect();
        if members.iter().filter(|k| hidden.contains(*k)).count() != 1 {
            continue;
        }
        if let Some(second) = members
            .iter()
            .filter(|k| !hidden.contains(*k))
            .min_by_key(|k| (taken[*k].personer, (*k).clone()))
        {
            hidden.insert(second.clone());
        }
    }
    hidden
}

/// "Faktiske tal … beregnet fra sagsdata (…)", with the cells not published.
fn note(
    a: &Assembler<'_>,
    input: &Input,
    c: &Counted,
    groups: &[GroupId],
    kommuner: &BTreeSet<Kommunekode>,
    hidden: usize,
    min: u32,
) -> crate::input::provenance::Note {
    let labels: Vec<String> = a
        .cfg
        .all_groups()
        .filter(|g| groups.contains(&g.id))
        .map(|g| g.label.clone())
        .collect();
    let file = input
        .file
        .written
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let areas = if kommuner.len() <= 3 {
        kommuner
            .iter()
            .map(|k| a.ds.name(*k).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        format!("{} kommuner", kommuner.len())
    };
    let what = match c.periods_read {
        Some(n) => format!("{file}, {} ydelsesperioder", thousands(n)),
        None => {
            format!("{file}, optalt fra ydelsesperioder med kommunebench records eller dens SQL")
        }
    };
    let mut s = format!(
        "Faktiske tal for {} i {areas} er beregnet fra sagsdata ({what})",
        danish_list(&labels),
    );
    if hidden > 0 {
        s.push_str(&format!(
            "; {hidden} {} med færre end {min} personer vises ikke",
            if hidden == 1 { "celle" } else { "celler" }
        ));
    } else {
        s.push_str(&format!("; alle celler bygger på mindst {min} personer"));
    }
    crate::input::provenance::Note {
        short: format!("beregnet fra sagsdata ({file})"),
        text: s,
    }
}

/// "a", "a og b", "a, b og c".
fn danish_list(items: &[String]) -> String {
    match items {
        [] => "ingen grupper".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} og {last}", rest.join(", ")),
    }
}

/// `1234567` → `1.234.567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(persons: u64) -> CountedCell {
        CountedCell {
            kommune: 183,
            gruppe: String::new(),
            periode: "2022QMAT04".parse().unwrap(),
            fuldtidspersoner: persons as f64 / 2.0,
            personer: persons,
        }
    }

    #[test]
    fn a_total_never_gives_a_left_out_member_away() {
        let total = Group {
            id: GroupId::new("i-alt"),
            label: "I alt".into(),
            source_labels: Vec::new(),
            benefits: Vec::new(),
            total_of: ["a", "b", "c"].map(GroupId::new).to_vec(),
            part_of: None,
        };
        let p: Period = "2022QMAT04".parse().unwrap();
        let k = |g: &str| (p.clone(), GroupId::new(g), Kommunekode(183));
        let cells = [cell(3), cell(9), cell(20)];
        let taken: BTreeMap<_, &CountedCell> = [
            (k("a"), &cells[0]),
            (k("b"), &cells[1]),
            (k("c"), &cells[2]),
        ]
        .into_iter()
        .collect();
        // `a` (3 persons) is below 5; `b`, the smallest other member, goes with it.
        let hidden = suppressed(&taken, Some(&total), 5);
        assert_eq!(hidden, [k("a"), k("b")].into_iter().collect());
        // Two below the threshold: nothing more to hide.
        let hidden = suppressed(&taken, Some(&total), 10);
        assert_eq!(hidden, [k("a"), k("b")].into_iter().collect());
        // None below it: nothing hidden.
        assert!(suppressed(&taken, Some(&total), 3).is_empty());
    }
}
