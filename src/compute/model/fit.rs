//! One (period, group) model: the design from the rammevilkår, the fit, the seeded residual
//! bootstrap behind the rank intervals, and optional calibration.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use super::logit::{fractional_logit, irls, logistic};
use super::wls::{wls_with, WlsSolver};
use super::{Coefficient, Fit, GroupFitReport};
use crate::compute::base::Base;
use crate::compute::intervals;
use crate::config::{Config, Method};
use crate::error::input_error;
use crate::input::Dataset;
use crate::keys::{GroupId, Period};

/// The regression problem of one list: design (intercept first), outcome share as a fraction,
/// weights (population 16–66) and the parameter names.
struct Problem {
    x: DMatrix<f64>,
    share: DVector<f64>,
    w: DVector<f64>,
    names: Vec<String>,
}

/// Fits one list; returns its report, expected shares (pct.) and bootstrap expected shares.
pub(super) fn fit_one(
    cfg: &Config,
    ds: &Dataset,
    period: &Period,
    group: &GroupId,
    base: &Base,
) -> anyhow::Result<(GroupFitReport, Vec<f64>, Vec<Vec<f64>>)> {
    let spec = cfg
        .model_spec(group)
        .expect("checked config: every ordinary group has a model spec");
    let prob = problem(ds, period, base, &spec.variables)?;
    let seed = intervals::sub_seed(
        cfg.ranking.seed,
        &[period.label(), group.as_str(), "bootstrap"],
    );
    let draws = cfg.ranking.draws as usize;
    let (fit, mut exp_draws) = match spec.method {
        Method::Wls => fit_wls(&prob, seed, draws)?,
        Method::FractionalLogit => fit_logit(&prob, seed, draws)?,
    };
    let mut expected: Vec<f64> = fit.fitted.iter().copied().collect();
    let factor = if cfg.expected.calibrate {
        calibration_factor(&expected, base)
    } else {
        1.0
    };
    if factor != 1.0 {
        expected.iter_mut().for_each(|e| *e *= factor);
        exp_draws.iter_mut().flatten().for_each(|e| *e *= factor);
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
        coefficients: coefficients(&prob.names, &fit),
    };
    Ok((report, expected, exp_draws))
}

/// The design matrix from each municipality's rammevilkår for the period.
fn problem(ds: &Dataset, period: &Period, base: &Base, vars: &[String]) -> anyhow::Result<Problem> {
    let n = base.codes.len();
    let mut x = DMatrix::zeros(n, vars.len() + 1);
    for (i, &code) in base.codes.iter().enumerate() {
        x[(i, 0)] = 1.0;
        let values = ds.variables_for(period, code).ok_or_else(|| {
            input_error(format!(
                "no rammevilkår row for kommune {code} {}",
                ds.name(code)
            ))
        })?;
        for (j, v) in vars.iter().enumerate() {
            x[(i, j + 1)] = *values.get(v).ok_or_else(|| {
                input_error(format!(
                    "the rammevilkår data has no variable {v:?} for kommune {code}"
                ))
            })?;
        }
    }
    Ok(Problem {
        x,
        share: DVector::from_iterator(n, (0..n).map(|i| base.actual[i] / base.population[i])),
        w: DVector::from_column_slice(&base.population),
        names: std::iter::once("const".to_string())
            .chain(vars.iter().cloned())
            .collect(),
    })
}

/// WLS of the share in percent, and refits on a residual bootstrap of the √w-scaled residuals
/// (homoskedastic under WLS).
fn fit_wls(prob: &Problem, seed: u64, draws: usize) -> anyhow::Result<(Fit, Vec<Vec<f64>>)> {
    let (x, w, n) = (&prob.x, &prob.w, prob.x.nrows());
    let y = &prob.share * 100.0;
    let solver = WlsSolver::new(x, w, &prob.names)?;
    let fit = wls_with(&solver, x, &y, w);
    let scaled: Vec<f64> = (0..n)
        .map(|i| (y[i] - fit.fitted[i]) * solver.sqrt_w[i])
        .collect();
    let mut rng = intervals::rng(seed);
    let mut out = Vec::with_capacity(draws);
    for _ in 0..draws {
        let ystar = DVector::from_iterator(
            n,
            (0..n).map(|i| fit.fitted[i] + scaled[rng.random_range(0..n)] / solver.sqrt_w[i]),
        );
        let b = solver.solve(&ystar);
        out.push((x * b).iter().copied().collect::<Vec<f64>>());
    }
    Ok((fit, out))
}

/// Fractional logit of the share, and refits on a bootstrap of the Pearson residuals; fitted
/// values returned in percent.
fn fit_logit(prob: &Problem, seed: u64, draws: usize) -> anyhow::Result<(Fit, Vec<Vec<f64>>)> {
    let (x, w, share, n) = (&prob.x, &prob.w, &prob.share, prob.x.nrows());
    let mut fit = fractional_logit(x, share, w, &prob.names)?;
    let sd = |i: usize, m: f64| (m * (1.0 - m) / w[i]).sqrt();
    let pearson: Vec<f64> = (0..n)
        .map(|i| (share[i] - fit.fitted[i]) / sd(i, fit.fitted[i]))
        .collect();
    let mut rng = intervals::rng(seed);
    let mut out = Vec::with_capacity(draws);
    for _ in 0..draws {
        let ystar = DVector::from_iterator(
            n,
            (0..n).map(|i| {
                let m = fit.fitted[i];
                let r = pearson[rng.random_range(0..n)];
                (m + r * sd(i, m)).clamp(0.0, 1.0)
            }),
        );
        let (b, _, _) = irls(x, &ystar, w, &prob.names, Some(&fit.beta))?;
        out.push((x * b).iter().map(|&e| logistic(e) * 100.0).collect());
    }
    fit.fitted *= 100.0;
    Ok((fit, out))
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

fn coefficients(names: &[String], fit: &Fit) -> Vec<Coefficient> {
    names
        .iter()
        .enumerate()
        .map(|(j, name)| Coefficient {
            name: name.clone(),
            estimate: fit.beta[j],
            std_error: fit.std_error[j],
            t: fit.beta[j] / fit.std_error[j],
        })
        .collect()
}
