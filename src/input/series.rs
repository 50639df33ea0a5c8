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
    for d in cfg.derived.iter().filter(|d| d.nearby.is_none()) {
        let s = derive_one(cfg, d, series, None)?;
        series.insert(d.name.clone(), s);
    }
    Ok(())
}

/// The derived variables over the municipalities within reach, after the others: per
/// municipality i, scale × Σ_{j≠i} k_ij·num_j ÷ Σ_{j≠i} k_ij·den_j with the Gaussian kernel
/// k_ij = exp(−½(d_ij / bandwidth)²) of the centroids' distance. The municipality itself is left
/// out: its own employment is close to what the benchmark measures.
pub(super) fn derive_nearby(
    cfg: &Config,
    series: &mut BTreeMap<String, Series>,
    centroids: &BTreeMap<std::path::PathBuf, BTreeMap<Kommunekode, (f64, f64)>>,
) -> anyhow::Result<()> {
    for d in &cfg.derived {
        if let Some((file, bw)) = &d.nearby {
            let s = derive_one(cfg, d, series, Some((&centroids[&file.path], *bw)))?;
            series.insert(d.name.clone(), s);
        }
    }
    Ok(())
}

type Reach<'a> = (&'a BTreeMap<Kommunekode, (f64, f64)>, f64);

fn derive_one(
    cfg: &Config,
    d: &Derived,
    series: &BTreeMap<String, Series>,
    reach: Option<Reach>,
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
            "{} × ({}) ÷ ({}){}",
            d.scale,
            d.numerator.join(" + "),
            d.denominator.join(" + "),
            reach.map_or(String::new(), |(_, bw)| format!(
                " over the other municipalities, Gaussian kernel of the centroid distance, bandwidth {bw} km"
            ))
        ),
        values: BTreeMap::new(),
    };
    for (time, first) in &parts[0].values {
        if !parts.iter().all(|p| p.values.contains_key(time)) {
            continue;
        }
        let mut sums = BTreeMap::new();
        for code in first.keys() {
            let vals: Option<Vec<f64>> = parts
                .iter()
                .map(|p| p.values[time].get(code).copied().flatten())
                .collect();
            let v = vals.map(|v| {
                let num: f64 = v[..n_num].iter().sum();
                let den: f64 = v[n_num..].iter().sum();
                (num, den)
            });
            sums.insert(*code, v);
        }
        let row = match reach {
            None => sums
                .iter()
                .map(|(c, v)| {
                    (
                        *c,
                        v.and_then(|(n, dd)| (dd != 0.0).then(|| d.scale * n / dd)),
                    )
                })
                .collect(),
            Some((centroids, bw)) => nearby_row(cfg, d, &sums, centroids, bw)?,
        };
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

/// One time's nearby values: a municipality without a centroid is an error naming it; one
/// whose neighbours lack values gets none.
fn nearby_row(
    cfg: &Config,
    d: &Derived,
    sums: &BTreeMap<Kommunekode, Option<(f64, f64)>>,
    centroids: &BTreeMap<Kommunekode, (f64, f64)>,
    bw: f64,
) -> anyhow::Result<BTreeMap<Kommunekode, Option<f64>>> {
    let mut row = BTreeMap::new();
    for &i in sums.keys() {
        if !centroids.contains_key(&i) {
            return Err(cfg.error_at(
                &d.at,
                format!(
                    "data.derived {:?}: the boundaries have no municipality {}",
                    d.name,
                    i.get()
                ),
            ));
        }
        row.insert(i, kernel_ratio(i, sums, centroids, bw).map(|r| d.scale * r));
    }
    Ok(row)
}

/// Σ_{j≠i} k_ij·num_j ÷ Σ_{j≠i} k_ij·den_j; `None` when a neighbour lacks its values.
fn kernel_ratio(
    i: Kommunekode,
    sums: &BTreeMap<Kommunekode, Option<(f64, f64)>>,
    centroids: &BTreeMap<Kommunekode, (f64, f64)>,
    bw: f64,
) -> Option<f64> {
    let (xi, yi) = centroids[&i];
    let (mut num, mut den) = (0.0, 0.0);
    for (&j, v) in sums.iter().filter(|(j, _)| **j != i) {
        let Some(&(xj, yj)) = centroids.get(&j) else {
            continue;
        };
        let dist = ((xi - xj).powi(2) + (yi - yj).powi(2)).sqrt();
        let k = (-0.5 * (dist / bw).powi(2)).exp();
        let (n, dd) = (*v)?;
        num += k * n;
        den += k * dd;
    }
    (den > 0.0).then(|| num / den)
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

#[cfg(test)]
mod nearby_tests {
    use super::*;

    #[test]
    fn the_kernel_weights_the_other_municipalities_by_distance() {
        // Three municipalities on a line, 0, 40 and 80 km; bandwidth 40 km.
        let c = |k: u16| Kommunekode(k);
        let centroids =
            BTreeMap::from([(c(1), (0.0, 0.0)), (c(2), (40.0, 0.0)), (c(3), (80.0, 0.0))]);
        let sums = BTreeMap::from([
            (c(1), Some((10.0, 100.0))),
            (c(2), Some((30.0, 100.0))),
            (c(3), Some((60.0, 200.0))),
        ]);
        // For 1: k₁₂ = e^(−½), k₁₃ = e^(−2); (30k₁₂ + 60k₁₃) ÷ (100k₁₂ + 200k₁₃).
        let (k12, k13) = ((-0.5f64).exp(), (-2.0f64).exp());
        let want = (30.0 * k12 + 60.0 * k13) / (100.0 * k12 + 200.0 * k13);
        assert!((kernel_ratio(c(1), &sums, &centroids, 40.0).unwrap() - want).abs() < 1e-15);
        // For 2 both neighbours weigh e^(−½): (10 + 60) ÷ (100 + 200); its own values never count.
        assert!(
            (kernel_ratio(c(2), &sums, &centroids, 40.0).unwrap() - 70.0 / 300.0).abs() < 1e-15
        );
        let mut gap = sums.clone();
        gap.insert(c(3), None);
        assert_eq!(kernel_ratio(c(1), &gap, &centroids, 40.0), None);
        assert!(kernel_ratio(c(3), &gap, &centroids, 40.0).is_some());
    }
}
