//! What a single row's figures may be: counts, shares and gaps within what they mean.

use crate::bail_input;
use crate::input::Record;

/// The largest count accepted: far above any municipality's population, low enough that
/// sums and products of counts stay exact and finite.
const MAX_COUNT: f64 = 1e8;

/// Every figure checked for what it means: counts finite, ≥ 0 and plausible; shares within
/// 0–100 %; gaps finite and within what their parts allow; actual ≤ population on one row.
pub(super) fn check_values(rec: &Record) -> anyhow::Result<()> {
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

pub(super) fn add(into: &mut Option<f64>, v: Option<f64>) {
    if let Some(v) = v {
        *into = Some(into.unwrap_or(0.0) + v);
    }
}
