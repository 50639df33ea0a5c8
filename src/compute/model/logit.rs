//! Fractional logit (Papke–Wooldridge): a binomial GLM with logit link on fractions, variance
//! weights = population, fitted by IRLS with each step solved by weighted least squares.

use nalgebra::{DMatrix, DVector};

use super::wls::{weighted_r2, WlsSolver};
use super::Fit;
use crate::error::input_error;

pub(super) fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// IRLS for a binomial GLM with logit link; `y` are fractions in [0, 1], `w` the variance
/// weights (population). Returns β and the final QR solver.
pub(super) fn irls(
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
    // Prediction variance of μᵢ by the delta method, with the Pearson dispersion: the
    // binomial's own scale of 1 understates the noise of shares many times over.
    let pearson: f64 = (0..n)
        .map(|i| w[i] * (y[i] - fitted[i]).powi(2) / (fitted[i] * (1.0 - fitted[i])).max(1e-300))
        .sum();
    let dispersion = if n > p { pearson / (n - p) as f64 } else { 1.0 };
    let q = solver.quadratic_forms(x);
    let pred_var = DVector::from_iterator(
        n,
        (0..n).map(|i| (fitted[i] * (1.0 - fitted[i])).powi(2) * q[i] * dispersion),
    );
    // HC0 sandwich (Papke and Wooldridge 1996), as statsmodels GLM(...).fit(cov_type="HC0"):
    // score of observation i = wᵢ(yᵢ − μᵢ)xᵢ, bread (XᵀWX)⁻¹ at convergence.
    let scores: Vec<f64> = (0..n).map(|i| w[i] * (y[i] - fitted[i])).collect();
    let robust_std_error = solver.sandwich_diag(x, &scores).map(f64::sqrt);
    Ok(Fit {
        beta,
        std_error,
        robust_std_error,
        pred_var,
        fitted,
        r2,
        adj_r2,
        loo_rmse: loo.sqrt(),
        iterations,
    })
}
