//! One (period, group) model: the design from the rammevilkår, the fit, the seeded residual
//! bootstrap behind the rank intervals, and optional calibration.

use nalgebra::{DMatrix, DVector};

use super::logit::{fractional_logit, irls, logistic};
use super::wls::{wls_with, WlsSolver};
use super::{Coefficient, GroupFitReport};
use crate::compute::base::Base;
use crate::compute::intervals;
use crate::config::{Config, Method};
use crate::error::input_error;
use crate::input::Dataset;
use crate::keys::{GroupId, Period};

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
    let (vars, method) = (&spec.variables, spec.method);
    let n = base.codes.len();
    let p = vars.len() + 1;
    let mut x = DMatrix::zeros(n, p);
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
    let names: Vec<String> = std::iter::once("const".to_string())
        .chain(vars.iter().cloned())
        .collect();
    let w = DVector::from_column_slice(&base.population);
    let share = DVector::from_iterator(n, (0..n).map(|i| base.actual[i] / base.population[i]));
    let seed = intervals::sub_seed(
        cfg.ranking.seed,
        &[period.label(), group.as_str(), "bootstrap"],
    );
    let draws = cfg.ranking.draws as usize;

    let (fit, mut exp_draws) = match method {
        Method::Wls => {
            let y = &share * 100.0;
            let solver = WlsSolver::new(&x, &w, &names)?;
            let fit = wls_with(&solver, &x, &y, &w);
            // Residual bootstrap on the √w-scaled residuals, which are homoskedastic under WLS.
            let scaled: Vec<f64> = (0..n)
                .map(|i| (y[i] - fit.fitted[i]) * solver.sqrt_w[i])
                .collect();
            let mut rng = intervals::rng(seed);
            let mut out = Vec::with_capacity(draws);
            for _ in 0..draws {
                let ystar = DVector::from_iterator(
                    n,
                    (0..n).map(|i| {
                        fit.fitted[i]
                            + scaled[rand::Rng::random_range(&mut rng, 0..n)] / solver.sqrt_w[i]
                    }),
                );
                let b = solver.solve(&ystar);
                out.push((&x * b).iter().copied().collect::<Vec<f64>>());
            }
            (fit, out)
        }
        Method::FractionalLogit => {
            let fit = fractional_logit(&x, &share, &w, &names)?;
            let pearson: Vec<f64> = (0..n)
                .map(|i| {
                    let m = fit.fitted[i];
                    (share[i] - m) / (m * (1.0 - m) / w[i]).sqrt()
                })
                .collect();
            let mut rng = intervals::rng(seed);
            let mut out = Vec::with_capacity(draws);
            for _ in 0..draws {
                let ystar = DVector::from_iterator(
                    n,
                    (0..n).map(|i| {
                        let m = fit.fitted[i];
                        let r = pearson[rand::Rng::random_range(&mut rng, 0..n)];
                        (m + r * (m * (1.0 - m) / w[i]).sqrt()).clamp(0.0, 1.0)
                    }),
                );
                let (b, _, _) = irls(&x, &ystar, &w, &names, Some(&fit.beta))?;
                out.push(
                    (&x * b)
                        .iter()
                        .map(|&e| logistic(e) * 100.0)
                        .collect::<Vec<f64>>(),
                );
            }
            let mut fit = fit;
            fit.fitted *= 100.0;
            (fit, out)
        }
    };
    let mut expected: Vec<f64> = fit.fitted.iter().copied().collect();
    let factor = if cfg.expected.calibrate {
        let act: f64 = base.actual.iter().sum();
        let exp: f64 = (0..n)
            .map(|i| expected[i] * base.population[i] / 100.0)
            .sum();
        act / exp
    } else {
        1.0
    };
    if factor != 1.0 {
        expected.iter_mut().for_each(|e| *e *= factor);
        exp_draws.iter_mut().flatten().for_each(|e| *e *= factor);
    }
    let coefficients = names
        .iter()
        .enumerate()
        .map(|(j, name)| Coefficient {
            name: name.clone(),
            estimate: fit.beta[j],
            std_error: fit.std_error[j],
            t: fit.beta[j] / fit.std_error[j],
        })
        .collect();
    let report = GroupFitReport {
        period: period.clone(),
        group: group.clone(),
        method,
        n,
        parameters: p,
        r2: fit.r2,
        adj_r2: fit.adj_r2,
        loo_rmse: if method == Method::FractionalLogit {
            fit.loo_rmse * 100.0
        } else {
            fit.loo_rmse
        },
        calibration_factor: factor,
        iterations: fit.iterations,
        coefficients,
    };
    Ok((report, expected, exp_draws))
}
