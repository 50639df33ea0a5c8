//! One (period, group) model: the design from the rammevilkår, the fit, the prediction
//! variance of every expected share, and optional calibration.

use nalgebra::{DMatrix, DVector};

use super::diagnostics::{self, Influence};
use super::logit::fractional_logit;
use super::wls::{wls_with, WlsSolver};
use super::{Coefficient, DesignRows, Fit, GroupFitReport};
use crate::compute::base::Base;
use crate::config::{Config, Method, ModelSpec};
use crate::input::{Dataset, Source};
use crate::keys::{GroupId, Period};

/// The regression problem of one list: design (intercept first), outcome share as a fraction,
/// weights (population 16–66) and the parameter names.
struct Problem {
    x: DMatrix<f64>,
    share: DVector<f64>,
    w: DVector<f64>,
    names: Vec<String>,
}

/// Fits one list with a specification; returns its report, expected shares (pct.) and their
/// variances (pp²). Diagnostics only when asked (the main model, not its alternatives).
pub(super) fn fit_one(
    cfg: &Config,
    ds: &Dataset,
    (period, group): (&Period, &GroupId),
    base: &Base,
    spec: &ModelSpec,
    diagnose: bool,
) -> anyhow::Result<(GroupFitReport, Vec<f64>, Vec<f64>)> {
    let (prob, sources) = problem(ds, period, base, &spec.variables, cfg.expected.lag_years)?;
    let fit = match spec.method {
        Method::Wls => fit_wls(&prob)?,
        Method::FractionalLogit => fit_logit(&prob)?,
    };
    let fitted: Vec<f64> = fit.fitted.iter().copied().collect();
    let mut expected = fitted.clone();
    let factor = if cfg.expected.calibrate {
        calibration_factor(&expected, base)
    } else {
        1.0
    };
    let mut pred_var: Vec<f64> = fit.pred_var.iter().copied().collect();
    if factor != 1.0 {
        expected.iter_mut().for_each(|e| *e *= factor);
        pred_var.iter_mut().for_each(|v| *v *= factor * factor);
    }
    let report = GroupFitReport {
        period: period.clone(),
        group: group.clone(),
        method: spec.method,
        n: prob.x.nrows(),
        parameters: prob.x.ncols(),
        r2: fit.r2,
        adj_r2: fit.adj_r2,
        loo_rmse: if spec.method == Method::FractionalLogit {
            fit.loo_rmse * 100.0
        } else {
            fit.loo_rmse
        },
        calibration_factor: factor,
        iterations: fit.iterations,
        coefficients: coefficients(&prob, &fit, spec.method, diagnose),
        influential: if diagnose {
            influential(&prob, &fit, spec.method, &base.codes)
        } else {
            Vec::new()
        },
        sources,
        design: DesignRows {
            codes: base.codes.clone(),
            share: prob.share.iter().map(|s| s * 100.0).collect(),
            weight: prob.w.iter().copied().collect(),
            values: (0..prob.x.nrows())
                .map(|i| (1..prob.x.ncols()).map(|j| prob.x[(i, j)]).collect())
                .collect(),
            fitted,
            means: diagnostics::weighted_means(&prob.x, &prob.w),
        },
    };
    Ok((report, expected, pred_var))
}

/// The design matrix from each municipality's rammevilkår for the period, and where each
/// variable's values came from.
fn problem(
    ds: &Dataset,
    period: &Period,
    base: &Base,
    vars: &[String],
    lag: u8,
) -> anyhow::Result<(Problem, Vec<Source>)> {
    let n = base.codes.len();
    let design = ds.rammevilkaar_for(period, &base.codes, vars, lag)?;
    let mut x = DMatrix::zeros(n, vars.len() + 1);
    for (i, row) in design.values.iter().enumerate() {
        x[(i, 0)] = 1.0;
        for (j, v) in row.iter().enumerate() {
            x[(i, j + 1)] = *v;
        }
    }
    let prob = Problem {
        x,
        share: DVector::from_iterator(n, (0..n).map(|i| base.actual[i] / base.population[i])),
        w: DVector::from_column_slice(&base.population),
        names: std::iter::once("const".to_string())
            .chain(vars.iter().cloned())
            .collect(),
    };
    Ok((prob, design.sources))
}

/// WLS of the share in percent.
fn fit_wls(prob: &Problem) -> anyhow::Result<Fit> {
    let y = &prob.share * 100.0;
    let solver = WlsSolver::new(&prob.x, &prob.w, &prob.names)?;
    Ok(wls_with(&solver, &prob.x, &y, &prob.w))
}

/// Fractional logit of the share; fitted values and their variance returned in percent.
fn fit_logit(prob: &Problem) -> anyhow::Result<Fit> {
    let mut fit = fractional_logit(&prob.x, &prob.share, &prob.w, &prob.names)?;
    fit.fitted *= 100.0;
    fit.pred_var *= 1e4;
    Ok(fit)
}

/// Σactual / Σexpected, so calibrated expected counts sum to the actual ones.
fn calibration_factor(expected_share: &[f64], base: &Base) -> f64 {
    let act: f64 = base.actual.iter().sum();
    let exp: f64 = expected_share
        .iter()
        .zip(&base.population)
        .map(|(e, p)| e * p / 100.0)
        .sum();
    act / exp
}

/// The five largest Cook's distances.
fn influential(
    prob: &Problem,
    fit: &Fit,
    method: Method,
    codes: &[crate::keys::Kommunekode],
) -> Vec<Influence> {
    let (share, fitted) = match method {
        Method::Wls => (&prob.share * 100.0, fit.fitted.clone()),
        Method::FractionalLogit => (prob.share.clone(), &fit.fitted / 100.0),
    };
    let Some(d) =
        diagnostics::cooks_distance(&prob.x, &share, &fitted, &prob.w, method, &prob.names)
    else {
        return Vec::new();
    };
    let mut all: Vec<Influence> = codes
        .iter()
        .zip(d)
        .map(|(&kommunekode, cooks_distance)| Influence {
            kommunekode,
            cooks_distance,
        })
        .collect();
    all.sort_by(|a, b| {
        b.cooks_distance
            .total_cmp(&a.cooks_distance)
            .then(a.kommunekode.cmp(&b.kommunekode))
    });
    all.truncate(5);
    all
}

fn coefficients(prob: &Problem, fit: &Fit, method: Method, diagnose: bool) -> Vec<Coefficient> {
    let (vif, std) = if diagnose {
        let y = match method {
            Method::Wls => &prob.share * 100.0,
            Method::FractionalLogit => prob.share.clone(),
        };
        (
            diagnostics::vif(&prob.x, &prob.w, &prob.names),
            diagnostics::standardized(&fit.beta, &prob.x, &y, &prob.w, method),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    prob.names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let se = match method {
                Method::Wls => fit.std_error[j],
                Method::FractionalLogit => fit.robust_std_error[j],
            };
            Coefficient {
                name: name.clone(),
                estimate: fit.beta[j],
                std_error: se,
                t: fit.beta[j] / se,
                conventional_std_error: fit.std_error[j],
                robust_std_error: fit.robust_std_error[j],
                vif: j.checked_sub(1).and_then(|k| vif.get(k).copied().flatten()),
                standardized: j.checked_sub(1).and_then(|k| std.get(k).copied()),
            }
        })
        .collect()
}
