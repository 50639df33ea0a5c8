//! Records → [`Dataset`]: municipalities matched by code or exact name, periods parsed with
//! their location, groups matched by id, label or source label (or benefits summed into their
//! groups), duplicates and impossible values rejected.

use std::collections::BTreeMap;

mod benchmark;
mod casedata;
mod values;

use benchmark::BenefitRow;
use values::check_values;

use super::agree::{self, Populations, Rounding};
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
    /// Where each group row came from and how its source rounds, to set a second row for the
    /// same quantity against it.
    origins: BTreeMap<(Period, GroupId, Kommunekode), Origin>,
    /// Benefit rows in input order, summed into their groups when every input is read.
    benefits: Vec<BenefitRow>,
    /// (period, benefit, code) → index into `benefits`.
    benefit_seen: BTreeMap<(Period, String, Kommunekode), usize>,
    /// Where each population input value came from.
    population_at: BTreeMap<(Period, Kommunekode), String>,
    /// Where each rammevilkår row came from.
    rammevilkaar_at: BTreeMap<(Scope, Kommunekode), String>,
    /// Every statement of a population, checked together last.
    populations: Populations,
    /// Benchmark and population inputs by quarter, month or year, formed into periods last.
    timed: Vec<TimedInput>,
}

/// Where a row was given and how its source rounds.
#[derive(Debug, Clone)]
struct Origin {
    at: String,
    rounding: Rounding,
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
            benefits: Vec::new(),
            benefit_seen: BTreeMap::new(),
            population_at: BTreeMap::new(),
            rammevilkaar_at: BTreeMap::new(),
            populations: Populations::default(),
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
        out.extend(self.benefits.iter().map(|b| b.period.clone()));
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
                    self.apply(t.role, rec, &t.rounding)?;
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
                        "{}: the row's kommunekode {} and its municipality name {:?} disagree: {} is {:?} in the municipality list ({})",
                        rec.at,
                        code.get(),
                        crate::error::excerpt(name, 60),
                        code.get(),
                        m.name,
                        m.at
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

    pub(super) fn apply(
        &mut self,
        role: InputRole,
        rec: Record,
        rounding: &Rounding,
    ) -> anyhow::Result<()> {
        check_values(&rec)?;
        let code = self.code(&rec)?;
        let origin = Origin {
            at: rec.at.clone(),
            rounding: *rounding,
        };
        match role {
            InputRole::Population => {
                let period = Self::required_period(&rec)?;
                let Some(pop) = rec.figures.population else {
                    bail_input!("{}: the population input has no population value", rec.at);
                };
                self.add_population(period, code, pop, origin)?;
            }
            InputRole::Rammevilkaar => self.add_rammevilkaar(code, rec)?,
            InputRole::Benchmark => self.apply_benchmark(code, rec, origin)?,
        }
        Ok(())
    }

    /// A population input's value; the same period and municipality again must agree.
    fn add_population(
        &mut self,
        period: Period,
        code: Kommunekode,
        pop: f64,
        origin: Origin,
    ) -> anyhow::Result<()> {
        let key = (period, code);
        self.populations.given(key.clone(), pop, &origin.at);
        if let Some(first) = self.population_at.get(&key) {
            let was = self.ds.population[&key];
            if !agree::agree(was, 0.0, pop, 0.0) {
                let subject = format!(
                    "period {}, kommune {} {}",
                    key.0,
                    code.get(),
                    self.ds.name(code)
                );
                return Err(agree::given_twice(
                    &subject,
                    "the population 16–66",
                    (was, first),
                    (pop, &origin.at),
                ));
            }
            return Ok(());
        }
        self.ds.population.insert(key.clone(), pop);
        self.population_at.insert(key, origin.at);
        Ok(())
    }

    /// A rammevilkår row; the same municipality and scope again must give the same values.
    fn add_rammevilkaar(&mut self, code: Kommunekode, rec: Record) -> anyhow::Result<()> {
        let scope = match Self::period(&rec)? {
            Some(p) => Scope::Period(p),
            None => Scope::AllPeriods,
        };
        let key = (scope, code);
        if let Some(first) = self.rammevilkaar_at.get(&key) {
            let was = &self.ds.rammevilkaar[&key];
            let clash = rec.variables.iter().find_map(|(name, v)| {
                was.get(name)
                    .filter(|w| !agree::agree(**w, 0.0, *v, 0.0))
                    .map(|w| (name, *w, *v))
            });
            let scope = match &key.0 {
                Scope::Period(p) => format!(", period {p}"),
                Scope::AllPeriods => String::new(),
            };
            match clash {
                Some((name, w, v)) => {
                    let subject = format!("kommune {} {}{scope}", code.get(), self.ds.name(code));
                    let what = format!("rammevilkår variable {name:?}");
                    return Err(agree::given_twice(
                        &subject,
                        &what,
                        (w, first),
                        (v, &rec.at),
                    ));
                }
                None => {
                    let entry = self.ds.rammevilkaar.get_mut(&key).expect("seen");
                    for (name, v) in rec.variables {
                        entry.entry(name).or_insert(v);
                    }
                }
            }
            return Ok(());
        }
        self.ds.rammevilkaar.insert(key.clone(), rec.variables);
        self.rammevilkaar_at.insert(key, rec.at);
        Ok(())
    }

    pub(super) fn finish(mut self, files: Vec<InputFile>) -> anyhow::Result<Dataset> {
        self.form_timed()?;
        self.sum_benefits()?;
        let ds = &self.ds;
        self.populations.check(|c| ds.name(c).to_string())?;
        derive(self.cfg, &mut self.ds.series)?;
        if self.ds.figures.is_empty() {
            bail_input!("the inputs hold no benchmark rows");
        }
        self.ds.inputs = files;
        Ok(self.ds)
    }
}
