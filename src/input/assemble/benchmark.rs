//! Benchmark rows into groups: a group's own row, or its benefits' rows summed into it (once
//! every input is read), each quantity given twice set against the first.

use std::collections::BTreeMap;

use super::super::agree;
use super::super::Figures;
use super::values::add;
use super::{Assembler, Origin};
use crate::bail_input;
use crate::input::Record;
use crate::keys::{GroupId, Kommunekode, Period};

/// A row of one benefit, to be summed into every group that lists it.
#[derive(Debug)]
pub(super) struct BenefitRow {
    pub(super) period: Period,
    code: Kommunekode,
    groups: Vec<GroupId>,
    figures: Figures,
    origin: Origin,
}

impl Assembler<'_> {
    /// What a benchmark row says about the population: a population column, or the one its
    /// count and share imply.
    pub(super) fn population_claims(
        &mut self,
        key: (Period, Kommunekode),
        f: &Figures,
        o: &Origin,
    ) {
        if let Some(p) = f.population {
            self.populations.given(key.clone(), p, &o.at);
        }
        if let (Some(a), Some(s)) = (f.actual, f.actual_share) {
            self.populations.derived(key, a, s, &o.rounding, &o.at);
        }
    }

    pub(super) fn apply_benchmark(
        &mut self,
        code: Kommunekode,
        rec: Record,
        origin: Origin,
    ) -> anyhow::Result<()> {
        let period = Self::required_period(&rec)?;
        self.population_claims((period.clone(), code), &rec.figures, &origin);
        let groups: Vec<&crate::config::Group> = self.cfg.all_groups().collect();
        if let Some(name) = &rec.group {
            let Some(g) = groups.iter().find(|g| g.matches(name)) else {
                let known: Vec<String> = groups.iter().map(|g| format!("{:?}", g.label)).collect();
                bail_input!(
                    "{}: unknown benefit group {:?}; configured groups are {} (add it to [[groups]] or its `source-labels`)",
                    rec.at,
                    crate::error::excerpt(name, 60),
                    known.join(", ")
                );
            };
            let key = (period, g.id.clone(), code);
            return self.add_group_row(key, rec.figures, origin);
        }
        let Some(benefit) = &rec.benefit else {
            bail_input!(
                "{}: the row names no benefit group (map a `group` or `benefit` column)",
                rec.at
            );
        };
        let targets: Vec<GroupId> = groups
            .iter()
            .filter(|g| !g.is_total() && g.benefits.iter().any(|b| b == benefit))
            .map(|g| g.id.clone())
            .collect();
        if targets.is_empty() {
            bail_input!(
                "{}: the benefit {:?} is in no configured group's `benefits`",
                rec.at,
                crate::error::excerpt(benefit, 60)
            );
        }
        let bkey = (period.clone(), benefit.clone(), code);
        if let Some(&i) = self.benefit_seen.get(&bkey) {
            let first = &mut self.benefits[i];
            let (fr, r) = (&first.origin.rounding, &origin.rounding);
            if let Some((what, a, b)) = agree::disagreement(&first.figures, fr, &rec.figures, r) {
                let subject = format!(
                    "period {period}, benefit {benefit}, kommune {} {}",
                    code.get(),
                    self.ds.name(code)
                );
                let what = format!("the {what}");
                return Err(agree::given_twice(
                    &subject,
                    &what,
                    (a, &first.origin.at),
                    (b, &origin.at),
                ));
            }
            first.figures = agree::merged(&first.figures, &rec.figures);
            return Ok(());
        }
        self.benefit_seen.insert(bkey, self.benefits.len());
        self.benefits.push(BenefitRow {
            period,
            code,
            groups: targets,
            figures: rec.figures,
            origin,
        });
        Ok(())
    }

    /// A row of a group; a second row for the same period, group and municipality (another
    /// file, or the same period twice) must agree with the first.
    fn add_group_row(
        &mut self,
        key: (Period, GroupId, Kommunekode),
        figures: Figures,
        origin: Origin,
    ) -> anyhow::Result<()> {
        if let Some(first) = self.origins.get(&key) {
            let was = &self.ds.figures[&key];
            let (fr, r) = (&first.rounding, &origin.rounding);
            if let Some((what, a, b)) = agree::disagreement(was, fr, &figures, r) {
                let subject = format!(
                    "period {}, group {}, kommune {} {}",
                    key.0,
                    key.1,
                    key.2.get(),
                    self.ds.name(key.2)
                );
                let what = format!("the {what}");
                return Err(agree::given_twice(
                    &subject,
                    &what,
                    (a, &first.at),
                    (b, &origin.at),
                ));
            }
            let merged = agree::merged(was, &figures);
            self.ds.figures.insert(key, merged);
            return Ok(());
        }
        self.ds.figures.insert(key.clone(), figures);
        self.origins.insert(key, origin);
        Ok(())
    }

    /// Benefit rows summed into their groups. A group also given as a row of its own must
    /// agree with the sum, within the rounding of every part.
    pub(super) fn sum_benefits(&mut self) -> anyhow::Result<()> {
        type Sum = (Figures, Vec<String>, f64);
        let mut sums: BTreeMap<(Period, GroupId, Kommunekode), Sum> = BTreeMap::new();
        for b in std::mem::take(&mut self.benefits) {
            for gid in &b.groups {
                let key = (b.period.clone(), gid.clone(), b.code);
                let (entry, at, half) = sums.entry(key).or_default();
                add(&mut entry.actual, b.figures.actual);
                add(&mut entry.expected, b.figures.expected);
                entry.population = entry.population.or(b.figures.population);
                at.push(b.origin.at.clone());
                *half += b.origin.rounding.count;
            }
        }
        for (key, (figures, at, half)) in sums {
            let Some(direct) = self.origins.get(&key) else {
                self.ds.figures.insert(key, figures);
                continue;
            };
            let given = &self.ds.figures[&key];
            let parts = || {
                let more = if at.len() > 3 { ", …" } else { "" };
                format!("{}{more}", at[..at.len().min(3)].join(", "))
            };
            for (what, g, s) in [
                ("actual count", given.actual, figures.actual),
                ("expected count", given.expected, figures.expected),
            ] {
                if let (Some(g), Some(s)) = (g, s) {
                    if !agree::agree(g, direct.rounding.count, s, half) {
                        bail_input!(
                            "period {}, group {}, kommune {} {}: the {what} is {} at {}, but its benefits sum to {} ({})",
                            key.0,
                            key.1,
                            key.2.get(),
                            self.ds.name(key.2),
                            agree::shown(g),
                            direct.at,
                            agree::shown(s),
                            parts()
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
