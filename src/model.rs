//! Model mode (METHOD.md §5): expected shares fitted on rammevilkår variables, one model per
//! benefit group and period, by weighted least squares or fractional logit (IRLS), solved by
//! QR — never by inverting XᵀX — with a seeded residual bootstrap for rank intervals.

use std::collections::BTreeMap;

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::Serialize;

use crate::bail_input;
use crate::config::{Config, Method};
use crate::data::Dataset;
use crate::error::input_error;
use crate::rank;
use crate::results::Base;

/// Which standard errors the report gives.
pub const STANDARD_ERRORS: &str = "Conventional (non-robust) standard errors. WLS: σ²(XᵀWX)⁻¹ with σ² = Σwᵢeᵢ²/(n−p), as statsmodels WLS and R lm(weights=) print by default. Fractional logit: (XᵀWX)⁻¹ at convergence with dispersion fixed at 1, as statsmodels GLM(family=Binomial(), var_weights=population) prints by default.";

/// One coefficient.
#[derive(Debug, Clone, Serialize)]
pub struct Coefficient {
    /// `const` for the intercept, else the variable name.
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// estimate / std_error (a z value for fractional logit).
    pub t: f64,
}

/// The fit of one (period, group).
#[derive(Debug, Clone, Serialize)]
pub struct GroupFitReport {
    /// Period label.
    pub period: String,
    /// Group id.
    pub group: String,
    /// `wls` or `fractional-logit`.
    pub method: Method,
    /// Number of municipalities.
    pub n: usize,
    /// Number of parameters including the intercept.
    pub parameters: usize,
    /// Weighted R² of the share.
    pub r2: f64,
    /// Adjusted R²: 1 − (n−1)/(n−p)·(1−R²).
    pub adj_r2: f64,
    /// Leave-one-out root mean squared prediction error of the share (percentage points).
    pub loo_rmse: f64,
    /// Σactual / Σexpected applied when calibration is on, else 1.
    pub calibration_factor: f64,
    /// IRLS iterations (fractional logit), 0 for WLS.
    pub iterations: usize,
    /// Coefficients, intercept first. The dependent variable is the share in percent (WLS) or
    /// the logit of the share as a fraction (fractional logit).
    pub coefficients: Vec<Coefficient>,
}

/// `data/model.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    /// Which standard errors are given.
    pub standard_errors: String,
    /// Whether expected counts are calibrated to Σactual per group.
    pub calibrated: bool,
    /// Bootstrap draws behind the rank intervals.
    pub bootstrap_draws: u32,
    /// Every fit, by period then group.
    pub fits: Vec<GroupFitReport>,
}

/// Expected shares and their bootstrap draws for every list.
pub struct Fitted {
    /// (period, group) → expected share (pct.) per municipality.
    pub expected: BTreeMap<(String, String), Vec<f64>>,
    /// (period, group) → draw → expected share per municipality.
    pub draws: BTreeMap<(String, String), Vec<Vec<f64>>>,
    /// The report.
    pub report: ModelReport,
}

/// A fitted model in numbers.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Coefficients, intercept first.
    pub beta: DVector<f64>,
    /// Standard errors.
    pub std_error: DVector<f64>,
    /// Fitted values on the response scale (the share as given in `y`).
    pub fitted: DVector<f64>,
    /// Weighted R².
    pub r2: f64,
    /// Adjusted R².
    pub adj_r2: f64,
    /// Leave-one-out RMSE on the response scale.
    pub loo_rmse: f64,
    /// IRLS iterations (0 for WLS).
    pub iterations: usize,
}

/// Weighted least-squares solver on a fixed design: the thin QR of √W·X, kept for refits.
struct WlsSolver {
    q: DMatrix<f64>,
    r: DMatrix<f64>,
    sqrt_w: DVector<f64>,
}

impl WlsSolver {
    fn new(x: &DMatrix<f64>, w: &DVector<f64>, names: &[String]) -> anyhow::Result<WlsSolver> {
        let (n, p) = x.shape();
        if n < p {
            bail_input!(
                "the model has {p} parameters (intercept and {}) but only {n} municipalities; use fewer variables",
                names[1..].join(", ")
            );
        }
        let sqrt_w = w.map(f64::sqrt);
        let mut xw = x.clone();
        for (i, mut row) in xw.row_iter_mut().enumerate() {
            row *= sqrt_w[i];
        }
        check_rank(&xw, names)?;
        let qr = xw.qr();
        Ok(WlsSolver {
            q: qr.q(),
            r: qr.r(),
            sqrt_w,
        })
    }

    /// β solving min Σ wᵢ (yᵢ − xᵢβ)².
    fn solve(&self, y: &DVector<f64>) -> DVector<f64> {
        let yw = y.component_mul(&self.sqrt_w);
        let qty = self.q.transpose() * yw;
        self.r
            .solve_upper_triangular(&qty)
            .expect("R has a nonzero diagonal: rank was checked")
    }

    /// diag((XᵀWX)⁻¹) = row norms² of R⁻¹.
    fn inv_diag(&self) -> DVector<f64> {
        let p = self.r.nrows();
        let rinv = self
            .r
            .solve_upper_triangular(&DMatrix::identity(p, p))
            .expect("full rank");
        DVector::from_iterator(p, (0..p).map(|i| rinv.row(i).norm_squared()))
    }

    /// Leverages hᵢᵢ of the weighted design.
    fn leverage(&self) -> DVector<f64> {
        DVector::from_iterator(self.q.nrows(), self.q.row_iter().map(|r| r.norm_squared()))
    }
}

/// A rank-deficient design is an error that names the variables involved.
fn check_rank(xw: &DMatrix<f64>, names: &[String]) -> anyhow::Result<()> {
    let p = xw.ncols();
    // Pivot-free check column by column: a column that adds nothing beyond the earlier ones.
    for j in 0..p {
        let col = xw.column(j);
        let scale = col.norm();
        if scale == 0.0
            || (j > 0 && is_constant(&xw.column(j).into_owned(), &xw.column(0).into_owned()))
        {
            if j == 0 {
                bail_input!("rank-deficient design: the intercept column is zero");
            }
            bail_input!(
                "rank-deficient design: the variable {:?} is constant across the municipalities (collinear with the intercept); remove it",
                names[j]
            );
        }
        if j == 0 {
            continue;
        }
        let prev = xw.columns(0, j).into_owned();
        let qr = prev.clone().qr();
        let coef = qr
            .r()
            .solve_upper_triangular(&(qr.q().transpose() * col))
            .unwrap_or_else(|| DVector::zeros(j));
        let resid = col - &prev * &coef;
        if resid.norm() <= 1e-9 * scale {
            let involved: Vec<String> = (0..j)
                .filter(|&k| (coef[k] * prev.column(k).norm()).abs() > 1e-9 * scale)
                .map(|k| names[k].clone())
                .collect();
            let involved: Vec<String> = involved.into_iter().map(|n| format!("{n:?}")).collect();
            bail_input!(
                "rank-deficient design: the variable {:?} is a linear combination of {}; remove one of them",
                names[j],
                if involved.is_empty() { "earlier variables".to_string() } else { involved.join(", ") }
            );
        }
    }
    Ok(())
}

/// True when `col` is a multiple of the (weighted) intercept column, i.e. the raw variable is constant.
fn is_constant(col: &DVector<f64>, intercept: &DVector<f64>) -> bool {
    let c = col.dot(intercept) / intercept.norm_squared();
    (col - intercept * c).norm() <= 1e-12 * col.norm().max(1e-300)
}

fn weighted_r2(y: &DVector<f64>, fitted: &DVector<f64>, w: &DVector<f64>, p: usize) -> (f64, f64) {
    let n = y.len();
    let wsum = w.sum();
    let ybar = y.dot(w) / wsum;
    let ssr: f64 = (0..n).map(|i| w[i] * (y[i] - fitted[i]).powi(2)).sum();
    let tss: f64 = (0..n).map(|i| w[i] * (y[i] - ybar).powi(2)).sum();
    let r2 = 1.0 - ssr / tss;
    let adj = 1.0 - (n as f64 - 1.0) / (n as f64 - p as f64) * (1.0 - r2);
    (r2, adj)
}

/// Weighted least squares of `y` on `x` (which includes the intercept column).
pub fn wls(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &DVector<f64>,
    names: &[String],
) -> anyhow::Result<Fit> {
    let solver = WlsSolver::new(x, w, names)?;
    Ok(wls_with(&solver, x, y, w))
}

fn wls_with(solver: &WlsSolver, x: &DMatrix<f64>, y: &DVector<f64>, w: &DVector<f64>) -> Fit {
    let (n, p) = x.shape();
    let beta = solver.solve(y);
    let fitted = x * &beta;
    let resid = y - &fitted;
    let ssr: f64 = (0..n).map(|i| w[i] * resid[i].powi(2)).sum();
    let df = (n - p) as f64;
    let sigma2 = if df > 0.0 { ssr / df } else { f64::NAN };
    let std_error = solver.inv_diag().map(|d| (d * sigma2).sqrt());
    let (r2, adj_r2) = weighted_r2(y, &fitted, w, p);
    let h = solver.leverage();
    let loo: f64 = (0..n)
        .map(|i| (resid[i] / (1.0 - h[i])).powi(2))
        .sum::<f64>()
        / n as f64;
    Fit {
        beta,
        std_error,
        fitted,
        r2,
        adj_r2,
        loo_rmse: loo.sqrt(),
        iterations: 0,
    }
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// IRLS for a binomial GLM with logit link; `y` are fractions in [0, 1], `w` the variance
/// weights (population). Returns β and the final QR solver.
fn irls(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &DVector<f64>,
    names: &[String],
    start: Option<&DVector<f64>>,
) -> anyhow::Result<(DVector<f64>, WlsSolver, usize)> {
    let n = x.nrows();
    let mut eta = match start {
        Some(b) => x * b,
        // statsmodels' start: μ = (y + 0.5)/2.
        None => y.map(|v| {
            let mu: f64 = (v + 0.5) / 2.0;
            (mu / (1.0 - mu)).ln()
        }),
    };
    let deviance = |eta: &DVector<f64>| -> f64 {
        (0..n)
            .map(|i| {
                let mu = logistic(eta[i]);
                let a = if y[i] > 0.0 {
                    y[i] * (y[i] / mu).ln()
                } else {
                    0.0
                };
                let b = if y[i] < 1.0 {
                    (1.0 - y[i]) * ((1.0 - y[i]) / (1.0 - mu)).ln()
                } else {
                    0.0
                };
                2.0 * w[i] * (a + b)
            })
            .sum()
    };
    let mut dev = deviance(&eta);
    for iter in 1..=100 {
        let mu = eta.map(logistic);
        let var = mu.map(|m| (m * (1.0 - m)).max(1e-300));
        let ww = DVector::from_iterator(n, (0..n).map(|i| w[i] * var[i]));
        let z = DVector::from_iterator(n, (0..n).map(|i| eta[i] + (y[i] - mu[i]) / var[i]));
        let solver = WlsSolver::new(x, &ww, names)?;
        let beta = solver.solve(&z);
        eta = x * &beta;
        let new_dev = deviance(&eta);
        let converged = (new_dev - dev).abs() <= 1e-12 * (new_dev.abs() + 1e-12)
            || (new_dev - dev).abs() < 1e-14;
        dev = new_dev;
        if converged {
            // Weights at the solution, so the standard errors belong to β.
            let mu = eta.map(logistic);
            let ww = DVector::from_iterator(
                n,
                (0..n).map(|i| w[i] * (mu[i] * (1.0 - mu[i])).max(1e-300)),
            );
            let solver = WlsSolver::new(x, &ww, names)?;
            return Ok((beta, solver, iter));
        }
    }
    Err(input_error(
        "fractional logit: IRLS did not converge in 100 iterations",
    ))
}

/// Fractional logit: binomial GLM with logit link, variance weights `w`, on fractions `y`.
pub fn fractional_logit(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &DVector<f64>,
    names: &[String],
) -> anyhow::Result<Fit> {
    let n = x.nrows();
    let p = x.ncols();
    let (beta, solver, iterations) = irls(x, y, w, names, None)?;
    let fitted = (x * &beta).map(logistic);
    let std_error = solver.inv_diag().map(f64::sqrt);
    let (r2, adj_r2) = weighted_r2(y, &fitted, w, p);
    // Leave-one-out by the one-step approximation on the response scale: eᵢ / (1 − hᵢᵢ).
    let h = solver.leverage();
    let loo: f64 = (0..n)
        .map(|i| ((y[i] - fitted[i]) / (1.0 - h[i])).powi(2))
        .sum::<f64>()
        / n as f64;
    Ok(Fit {
        beta,
        std_error,
        fitted,
        r2,
        adj_r2,
        loo_rmse: loo.sqrt(),
        iterations,
    })
}

/// Fits every group (not totals) of every period, then sums totals; adds bootstrap draws.
pub fn fit_all(
    cfg: &Config,
    ds: &Dataset,
    periods: &[String],
    bases: &BTreeMap<(String, String), Base>,
) -> anyhow::Result<Fitted> {
    let members: Vec<&crate::config::GroupConfig> =
        cfg.groups.iter().filter(|g| !g.is_total()).collect();
    let jobs: Vec<(String, &crate::config::GroupConfig)> = periods
        .iter()
        .flat_map(|p| members.iter().map(move |g| (p.clone(), *g)))
        .collect();
    let fits: Vec<(GroupFitReport, Vec<f64>, Vec<Vec<f64>>)> = jobs
        .par_iter()
        .map(|(period, g)| {
            let key = (period.clone(), g.id.get_ref().clone());
            fit_one(cfg, ds, period, g.id.get_ref(), &bases[&key]).map_err(|e| {
                input_error(format!(
                    "model for period {period}, group {}: {e}",
                    g.id.get_ref()
                ))
            })
        })
        .collect::<anyhow::Result<_>>()?;

    let mut expected = BTreeMap::new();
    let mut draws = BTreeMap::new();
    let mut reports = Vec::new();
    for ((period, g), (report, exp, d)) in jobs.iter().zip(fits) {
        let key = (period.clone(), g.id.get_ref().clone());
        expected.insert(key.clone(), exp);
        draws.insert(key, d);
        reports.push(report);
    }
    for period in periods {
        for total in cfg.groups.iter().filter(|g| g.is_total()) {
            let key = (period.clone(), total.id.get_ref().clone());
            let pop = &bases[&key].population;
            let n = pop.len();
            let mut exp = vec![0.0; n];
            let mut dr = vec![vec![0.0; n]; cfg.ranking.draws as usize];
            for m in &total.total_of {
                let mk = (period.clone(), m.clone());
                for i in 0..n {
                    exp[i] += expected[&mk][i];
                }
                for (d, md) in dr.iter_mut().zip(&draws[&mk]) {
                    for i in 0..n {
                        d[i] += md[i];
                    }
                }
            }
            expected.insert(key.clone(), exp);
            draws.insert(key, dr);
        }
    }
    Ok(Fitted {
        expected,
        draws,
        report: ModelReport {
            standard_errors: STANDARD_ERRORS.into(),
            calibrated: cfg.expected.calibrate,
            bootstrap_draws: cfg.ranking.draws,
            fits: reports,
        },
    })
}

/// Fits one list; returns its report, expected shares (pct.) and bootstrap expected shares.
fn fit_one(
    cfg: &Config,
    ds: &Dataset,
    period: &str,
    group: &str,
    base: &Base,
) -> anyhow::Result<(GroupFitReport, Vec<f64>, Vec<Vec<f64>>)> {
    let (vars, method) = cfg.model_spec(group);
    let n = base.codes.len();
    let p = vars.len() + 1;
    let mut x = DMatrix::zeros(n, p);
    for (i, &code) in base.codes.iter().enumerate() {
        x[(i, 0)] = 1.0;
        let values = ds.variables_for(period, code).ok_or_else(|| {
            input_error(format!(
                "no rammevilkår row for kommune {code} {}",
                ds.municipality(code).map_or("", |m| m.name.as_str())
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
    let seed = rank::sub_seed(cfg.ranking.seed, &[period, group, "bootstrap"]);
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
            let mut rng = rank::rng(seed);
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
            let mut rng = rank::rng(seed);
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
        period: period.to_string(),
        group: group.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        std::iter::once("const".to_string())
            .chain((1..=k).map(|i| format!("x{i}")))
            .collect()
    }

    /// 4 rows, 2 parameters, done by hand: y = a + b·x with weights w.
    /// x = [0, 1, 2, 3], y = [1, 3, 4, 8], w = [1, 1, 2, 1].
    /// Σw = 5, x̄w = (0+1+4+3)/5 = 1.6, ȳw = (1+3+8+8)/5 = 4.
    /// Sxy = Σw(x−x̄)(y−ȳ) = 1·(−1.6)(−3) + 1·(−0.6)(−1) + 2·(0.4)(0) + 1·(1.4)(4) = 4.8+0.6+0+5.6 = 11
    /// Sxx = 1·2.56 + 1·0.36 + 2·0.16 + 1·1.96 = 5.2 → b = 11/5.2, a = 4 − 1.6·b.
    #[test]
    fn wls_by_hand() {
        let x = DMatrix::from_row_slice(4, 2, &[1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0]);
        let y = DVector::from_vec(vec![1.0, 3.0, 4.0, 8.0]);
        let w = DVector::from_vec(vec![1.0, 1.0, 2.0, 1.0]);
        let fit = wls(&x, &y, &w, &names(1)).unwrap();
        let b = 11.0 / 5.2;
        let a = 4.0 - 1.6 * b;
        assert!((fit.beta[1] - b).abs() < 1e-12);
        assert!((fit.beta[0] - a).abs() < 1e-12);
        // SSR = Σw e², σ² = SSR/2, se(b) = √(σ²/Sxx)
        let ssr: f64 = (0..4)
            .map(|i| w[i] * (y[i] - a - b * x[(i, 1)]).powi(2))
            .sum();
        let se_b = (ssr / 2.0 / 5.2).sqrt();
        assert!((fit.std_error[1] - se_b).abs() < 1e-12);
        // R² = 1 − SSR/Syy, Syy = 9 + 1 + 0 + 16 = 26
        assert!((fit.r2 - (1.0 - ssr / 26.0)).abs() < 1e-12);
    }

    #[test]
    fn collinear_design_names_the_variables() {
        let x = DMatrix::from_row_slice(
            4,
            3,
            &[1.0, 1.0, 2.0, 1.0, 2.0, 4.0, 1.0, 3.0, 6.0, 1.0, 5.0, 10.0],
        );
        let y = DVector::from_vec(vec![1.0, 2.0, 3.0, 4.0]);
        let w = DVector::from_element(4, 1.0);
        let err = wls(&x, &y, &w, &names(2)).unwrap_err().to_string();
        assert_eq!(err, "rank-deficient design: the variable \"x2\" is a linear combination of \"x1\"; remove one of them");
    }

    #[test]
    fn constant_variable_is_named() {
        let x = DMatrix::from_row_slice(3, 2, &[1.0, 7.0, 1.0, 7.0, 1.0, 7.0]);
        let y = DVector::from_vec(vec![1.0, 2.0, 3.0]);
        let w = DVector::from_vec(vec![1.0, 2.0, 3.0]);
        let err = wls(&x, &y, &w, &names(1)).unwrap_err().to_string();
        assert!(err.contains("\"x1\" is constant"), "{err}");
    }

    #[test]
    fn more_parameters_than_rows() {
        let x = DMatrix::from_row_slice(2, 3, &[1.0, 1.0, 2.0, 1.0, 2.0, 3.0]);
        let err = wls(
            &x,
            &DVector::from_vec(vec![1.0, 2.0]),
            &DVector::from_element(2, 1.0),
            &names(2),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("3 parameters") && err.contains("only 2 municipalities"),
            "{err}"
        );
    }
}
