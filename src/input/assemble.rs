//! Records → [`Dataset`]: municipalities matched by code or exact name, periods parsed with
//! their location, groups matched by id, label or source label (or benefits summed into their
//! groups), duplicates and impossible values rejected.

use std::collections::BTreeMap;

use super::dimensional::Observations;
use super::series::{derive, Series};
use super::timed::TimedInput;
use super::{Dataset, Figures, InputFile, Municipality, Record, RowPeriod, Scope};
use crate::bail_input;
use crate::config::{Config, Input, InputRole};
use crate::error::input_error;
use crate::keys::{GroupId, Kommunekode, Period};

pub(super) struct Assembler<'a> {
    cfg: &'a Config,
    ds: Dataset,
    by_name: BTreeMap<String, Kommunekode>,
    /// Where each figures entry came from, for duplicate messages.
    origins: BTreeMap<(Period, GroupId, Kommunekode), String>,
    /// (period, benefit, code) → where, for benefit-level duplicates.
    benefit_seen: BTreeMap<(Period, String, Kommunekode), String>,
    /// Benchmark and population inputs by quarter, month or year, formed into periods last.
    timed: Vec<TimedInput>,
}

impl<'a> Assembler<'a> {
    pub(super) fn new(cfg: &'a Config, municipalities: Vec<Municipality>) -> Assembler<'a> {
        let by_name = municipalities
            .iter()
            .map(|m| (m.name.clone(), m.code))
            .collect();
        Assembler {
            cfg,
            ds: Dataset {
                municipalities,
                ..Dataset::default()
            },
            by_name,
            origins: BTreeMap::new(),
            benefit_seen: BTreeMap::new(),
            timed: Vec::new(),
        }
    }

    /// Takes a dimensional input's observations: rammevilkår become a series; benchmark and
    /// population figures wait until every input is read, to be formed into periods.
    pub(super) fn observe(
        &mut self,
        input: &Input,
        origin: &str,
        obs: Observations,
    ) -> anyhow::Result<()> {
        if !obs.skipped.is_empty() {
            self.ds.skipped.push((origin.to_string(), obs.skipped));
        }
        if input.role != InputRole::Rammevilkaar {
            self.timed.push(TimedInput::new(origin, input, obs.rows)?);
            return Ok(());
        }
        let name = input.variable.clone().unwrap_or_default();
        if let Some(other) = self.ds.series.get(&name) {
            return Err(self.cfg.error_at(
                &input.at,
                format!(
                    "variable {name:?} is given by two inputs ({} and {origin})",
                    other.origin
                ),
            ));
        }
        let mut series = Series {
            origin: origin.to_string(),
            values: BTreeMap::new(),
        };
        for o in obs.rows {
            if o.value.is_some_and(|v| !v.is_finite()) {
                bail_input!("{}: the value is not a finite number", o.at);
            }
            series
                .values
                .entry(o.time)
                .or_default()
                .insert(o.code, o.value);
        }
        self.ds.series.insert(name, series);
        Ok(())
    }

    /// The periods timed inputs are formed into: every period of the other inputs, the
    /// report's period and comparison period, and those an input asks for.
    fn target_periods(&self) -> Vec<Period> {
        let mut out: Vec<Period> = self.ds.figures.keys().map(|k| k.0.clone()).collect();
        out.push(self.cfg.report.period.clone());
        out.push(self.cfg.comparison_period());
        out.extend(self.timed.iter().flat_map(|t| t.periods.iter().cloned()));
        out.sort();
        out.dedup();
        out
    }

    /// Forms every timed input's figures for every target period, as rows of their period.
    fn form_timed(&mut self) -> anyhow::Result<()> {
        let targets = self.target_periods();
        let timed = std::mem::take(&mut self.timed);
        for t in &timed {
            for period in &targets {
                for f in t.form(period)? {
                    let mut rec = Record {
                        at: f.at,
                        kommunekode: Some(f.code.to_string()),
                        period: Some(RowPeriod::Checked(period.clone())),
                        ..Record::default()
                    };
                    rec.period_at = rec.at.clone();
                    match t.role {
                        InputRole::Population => {
                            rec.figures = Figures {
                                population: Some(f.value),
                                ..Figures::default()
                            }
                        }
                        _ => {
                            rec.figures = Figures {
                                actual: Some(f.value),
                                ..Figures::default()
                            };
                            let name = f.benefit.unwrap_or_default();
                            let is_benefit =
                                self.cfg.all_groups().any(|g| g.benefits.contains(&name));
                            if !is_benefit && self.cfg.all_groups().any(|g| g.matches(&name)) {
                                rec.group = Some(name);
                            } else {
                                rec.benefit = Some(name);
                            }
                        }
                    }
                    self.apply(t.role, rec)?;
                }
            }
        }
        Ok(())
    }

    fn code(&self, rec: &Record) -> anyhow::Result<Kommunekode> {
        if let Some(k) = &rec.kommunekode {
            let code = Kommunekode::parse(k).ok_or_else(|| {
                input_error(format!(
                    "{}: kommunekode {:?} is not a 3-digit municipality code",
                    rec.at,
                    crate::error::excerpt(k, 20)
                ))
            })?;
            let Some(m) = self.ds.municipality(code) else {
                bail_input!(
                    "{}: unknown kommunekode {}: not in the municipality list",
                    rec.at,
                    code.get()
                );
            };
            if let Some(name) = &rec.kommune {
                if &m.name != name {
                    bail_input!(
                        "{}: kommunekode {} is {:?}, but the row says {:?}",
                        rec.at,
                        code.get(),
                        m.name,
                        crate::error::excerpt(name, 60)
                    );
                }
            }
            return Ok(code);
        }
        let Some(name) = &rec.kommune else {
            bail_input!("{}: the row names no municipality", rec.at);
        };
        self.by_name.get(name.as_str()).copied().ok_or_else(|| {
            input_error(format!(
                "{}: unknown municipality name {:?}: names must match the municipality list exactly",
                rec.at,
                crate::error::excerpt(name, 60)
            ))
        })
    }

    fn period(rec: &Record) -> anyhow::Result<Option<Period>> {
        match &rec.period {
            Some(RowPeriod::Checked(p)) => Ok(Some(p.clone())),
            Some(RowPeriod::Label(p)) if !p.trim().is_empty() => p
                .trim()
                .parse()
                .map(Some)
                .map_err(|e| input_error(format!("{}: {e}", rec.period_at))),
            _ => Ok(None),
        }
    }

    fn required_period(rec: &Record) -> anyhow::Result<Period> {
        Self::period(rec)?.ok_or_else(|| {
            input_error(format!(
                "{}: the row has no period (map a period column or set `period`)",
                rec.at
            ))
        })
    }

    pub(super) fn apply(&mut self, role: InputRole, rec: Record) -> anyhow::Result<()> {
        check_values(&rec)?;
        let code = self.code(&rec)?;
        match role {
            InputRole::Population => {
                let period = Self::required_period(&rec)?;
                let Some(pop) = rec.figures.population else {
                    bail_input!("{}: the population input has no population value", rec.at);
                };
                if self
                    .ds
                    .population
                    .insert((period.clone(), code), pop)
                    .is_some()
                {
                    bail_input!(
                        "{}: duplicate population row for period {period}, kommune {}",
                        rec.at,
                        code.get()
                    );
                }
            }
            InputRole::Rammevilkaar => {
                let period = Self::period(&rec)?;
                let scope = match &period {
                    Some(p) => Scope::Period(p.clone()),
                    None => Scope::AllPeriods,
                };
                if self
                    .ds
                    .rammevilkaar
                    .insert((scope, code), rec.variables)
                    .is_some()
                {
                    bail_input!(
                        "{}: duplicate rammevilkår row for kommune {}{}",
                        rec.at,
                        code.get(),
                        match period {
                            Some(p) => format!(", period {p}"),
                            None => String::new(),
                        }
                    );
                }
            }
            InputRole::Benchmark => self.apply_benchmark(code, rec)?,
        }
        Ok(())
    }

    fn apply_benchmark(&mut self, code: Kommunekode, rec: Record) -> anyhow::Result<()> {
        let period = Self::required_period(&rec)?;
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
            if let Some(first) = self.origins.get(&key) {
                bail_input!(
                    "{}: duplicate row for period {}, group {}, kommune {} {}; first given at {first}",
                    rec.at,
                    key.0,
                    key.1,
                    code.get(),
                    self.ds.name(code)
                );
            }
            self.origins.insert(key.clone(), rec.at.clone());
            self.ds.figures.insert(key, rec.figures);
            return Ok(());
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
        if let Some(first) = self.benefit_seen.get(&bkey) {
            bail_input!(
                "{}: duplicate row for period {period}, benefit {benefit}, kommune {}; first given at {first}",
                rec.at,
                code.get()
            );
        }
        self.benefit_seen.insert(bkey, rec.at.clone());
        for gid in targets {
            let key = (period.clone(), gid, code);
            let entry = self.ds.figures.entry(key.clone()).or_default();
            add(&mut entry.actual, rec.figures.actual);
            add(&mut entry.expected, rec.figures.expected);
            if rec.figures.population.is_some() {
                entry.population = rec.figures.population;
            }
            self.origins.entry(key).or_insert_with(|| rec.at.clone());
        }
        Ok(())
    }

    pub(super) fn finish(mut self, files: Vec<InputFile>) -> anyhow::Result<Dataset> {
        self.form_timed()?;
        derive(self.cfg, &mut self.ds.series)?;
        if self.ds.figures.is_empty() {
            bail_input!("the inputs hold no benchmark rows");
        }
        self.ds.inputs = files;
        Ok(self.ds)
    }
}

/// The largest count accepted: far above any municipality's population, low enough that
/// sums and products of counts stay exact and finite.
const MAX_COUNT: f64 = 1e8;

/// Every figure checked for what it means: counts finite, ≥ 0 and plausible; shares within
/// 0–100 %; gaps finite and within what their parts allow; actual ≤ population on one row.
fn check_values(rec: &Record) -> anyhow::Result<()> {
    let f = &rec.figures;
    let counts = [
        ("actual count", f.actual),
        ("expected count", f.expected),
        ("population", f.population),
    ];
    for (what, v) in counts {
        if let Some(v) = v {
            if !v.is_finite() || !(0.0..=MAX_COUNT).contains(&v) {
                bail_input!(
                    "{}: {what} is {v}; expected a number from 0 to {MAX_COUNT:e}",
                    rec.at
                );
            }
        }
    }
    for (what, v) in [
        ("actual share", f.actual_share),
        ("expected share", f.expected_share),
    ] {
        if let Some(v) = v {
            if !v.is_finite() || !(0.0..=100.0).contains(&v) {
                bail_input!(
                    "{}: {what} is {v}; expected a percentage from 0 to 100",
                    rec.at
                );
            }
        }
    }
    if let Some(v) = f.gap_pp {
        if !v.is_finite() || !(-100.0..=100.0).contains(&v) {
            bail_input!(
                "{}: gap in percentage points is {v}; expected a number from −100 to 100",
                rec.at
            );
        }
    }
    if let Some(v) = f.gap_pp_se {
        if !v.is_finite() || !(0.0..=100.0).contains(&v) {
            bail_input!(
                "{}: standard error of the gap is {v}; expected a number from 0 to 100 (percentage points)",
                rec.at
            );
        }
    }
    if let Some(v) = f.gap {
        if !v.is_finite() || v.abs() > MAX_COUNT {
            bail_input!(
                "{}: gap in persons is {v}; expected a number from −{MAX_COUNT:e} to {MAX_COUNT:e}",
                rec.at
            );
        }
    }
    if f.population == Some(0.0) {
        bail_input!(
            "{}: population 16–66 is 0; shares cannot be computed",
            rec.at
        );
    }
    if let (Some(a), Some(p)) = (f.actual, f.population) {
        if a > p {
            bail_input!(
                "{}: the actual count {a} is larger than the population 16–66 ({p})",
                rec.at
            );
        }
    }
    if let Some(r) = f.rank {
        if r == 0 {
            bail_input!("{}: rank 0; ranks start at 1", rec.at);
        }
    }
    for (name, v) in &rec.variables {
        if !v.is_finite() {
            bail_input!(
                "{}: rammevilkår variable {name:?} is {v}; expected a finite number",
                rec.at
            );
        }
    }
    Ok(())
}

fn add(into: &mut Option<f64>, v: Option<f64>) {
    if let Some(v) = v {
        *into = Some(into.unwrap_or(0.0) + v);
    }
}
