//! Rammevilkår by year (or quarter, or month): one series per variable, from StatBank or long
//! inputs or derived from other series; and the rule that picks, for each period, each
//! variable's latest value that ends at least `lag` years before the period ends.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Dataset;
use crate::bail_input;
use crate::config::{Config, Derived};
use crate::error::input_error;
use crate::keys::{Kommunekode, Period};

/// One variable: time → municipality → value (`None` where the source writes `..`).
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// The file (or derivation) it came from.
    pub origin: String,
    pub values: BTreeMap<Period, BTreeMap<Kommunekode, Option<f64>>>,
}

/// Which time a variable's values came from, for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub variable: String,
    /// `2022`, `2022Q1`, a period label, or "alle perioder" for a table without time.
    pub time: String,
}

/// The rammevilkår of one period: per municipality (in the order asked) the variables' values
/// (in the order asked), and where each variable came from.
#[derive(Debug, Clone)]
pub struct Design {
    pub values: Vec<Vec<f64>>,
    pub sources: Vec<Source>,
}

/// Computes every `[[data.derived]]` variable from the series already read, in config order.
pub(super) fn derive(cfg: &Config, series: &mut BTreeMap<String, Series>) -> anyhow::Result<()> {
    for d in &cfg.derived {
        let s = derive_one(cfg, d, series)?;
        series.insert(d.name.clone(), s);
    }
    Ok(())
}

fn derive_one(
    cfg: &Config,
    d: &Derived,
    series: &BTreeMap<String, Series>,
) -> anyhow::Result<Series> {
    if series.contains_key(&d.name) {
        return Err(cfg.error_at(
            &d.at,
            format!("data.derived: {:?} is also read from an input", d.name),
        ));
    }
    let parts: Vec<&Series> = d
        .numerator
        .iter()
        .chain(&d.denominator)
        .map(|v| {
            series.get(v).ok_or_else(|| {
                cfg.error_at(
                    &d.at,
                    format!(
                        "data.derived {:?}: no variable {v:?}; variables by year are {}",
                        d.name,
                        known(series)
                    ),
                )
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let n_num = d.numerator.len();
    let mut out = Series {
        origin: format!(
            "{} × ({}) ÷ ({})",
            d.scale,
            d.numerator.join(" + "),
            d.denominator.join(" + ")
        ),
        values: BTreeMap::new(),
    };
    for (time, first) in &parts[0].values {
        if !parts.iter().all(|p| p.values.contains_key(time)) {
            continue;
        }
        let mut row = BTreeMap::new();
        for code in first.keys() {
            let vals: Option<Vec<f64>> = parts
                .iter()
                .map(|p| p.values[time].get(code).copied().flatten())
                .collect();
            let v = vals.and_then(|v| {
                let num: f64 = v[..n_num].iter().sum();
                let den: f64 = v[n_num..].iter().sum();
                (den != 0.0).then(|| d.scale * num / den)
            });
            row.insert(*code, v);
        }
        out.values.insert(time.clone(), row);
    }
    if out.values.is_empty() {
        return Err(cfg.error_at(
            &d.at,
            format!("data.derived {:?}: its variables share no year", d.name),
        ));
    }
    Ok(out)
}

fn known(series: &BTreeMap<String, Series>) -> String {
    if series.is_empty() {
        return "none".into();
    }
    series
        .keys()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Dataset {
    /// The rammevilkår of `codes` for `period`: each variable from a table by period (that
    /// period, or one row for all periods) or from its series — the latest time that ends at
    /// least `lag` years before the period ends, the same time for every municipality.
    pub fn rammevilkaar_for(
        &self,
        period: &Period,
        codes: &[Kommunekode],
        vars: &[String],
        lag: u8,
    ) -> anyhow::Result<Design> {
        let mut values = vec![vec![0.0; vars.len()]; codes.len()];
        let mut sources = Vec::with_capacity(vars.len());
        for (j, var) in vars.iter().enumerate() {
            let time = match self.series.get(var) {
                Some(s) => self.series_values(var, s, period, codes, lag, &mut values, j)?,
                None => self.table_values(var, period, codes, &mut values, j)?,
            };
            sources.push(Source {
                variable: var.clone(),
                time,
            });
        }
        Ok(Design { values, sources })
    }

    #[allow(clippy::too_many_arguments)]
    fn series_values(
        &self,
        var: &str,
        s: &Series,
        period: &Period,
        codes: &[Kommunekode],
        lag: u8,
        values: &mut [Vec<f64>],
        j: usize,
    ) -> anyhow::Result<String> {
        let Some((time, row)) = s.values.iter().rev().find(|(t, _)| t.ends_by(period, lag)) else {
            let earliest = s.values.keys().next().map_or("none", |t| t.label());
            bail_input!(
                "rammevilkår variable {var:?} ({}): no value early enough for period {period} (ending {}{}); its earliest is {earliest}",
                s.origin,
                period.end_words(),
                if lag > 0 { format!(", less {lag} year(s)") } else { String::new() }
            );
        };
        let mut missing = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            match row.get(code).copied().flatten() {
                Some(v) => values[i][j] = v,
                None => missing.push(format!("{code} {}", self.name(*code))),
            }
        }
        if !missing.is_empty() {
            bail_input!(
                "rammevilkår variable {var:?} ({}), {time} (used for period {period}): no value for {} municipalit{}: {}{}",
                s.origin,
                missing.len(),
                if missing.len() == 1 { "y" } else { "ies" },
                missing.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
                if missing.len() > 10 { ", …" } else { "" }
            );
        }
        Ok(time.label().to_string())
    }

    fn table_values(
        &self,
        var: &str,
        period: &Period,
        codes: &[Kommunekode],
        values: &mut [Vec<f64>],
        j: usize,
    ) -> anyhow::Result<String> {
        let mut by_period = false;
        for (i, &code) in codes.iter().enumerate() {
            let (row, scoped) = match self
                .rammevilkaar
                .get(&(super::Scope::Period(period.clone()), code))
            {
                Some(r) => (Some(r), true),
                None => (
                    self.rammevilkaar.get(&(super::Scope::AllPeriods, code)),
                    false,
                ),
            };
            let Some(row) = row else {
                if self.rammevilkaar.is_empty() {
                    bail_input!(
                        "no rammevilkår variable {var:?}: no input gives it; variables by year are {}",
                        known(&self.series)
                    );
                }
                bail_input!("no rammevilkår row for kommune {code} {}", self.name(code));
            };
            by_period |= scoped;
            values[i][j] = *row.get(var).ok_or_else(|| {
                input_error(format!(
                    "the rammevilkår data has no variable {var:?} for kommune {code}"
                ))
            })?;
        }
        Ok(if by_period {
            period.label().to_string()
        } else {
            "alle perioder".to_string()
        })
    }
}
