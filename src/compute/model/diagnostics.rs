//! What a statistician checks after a fit: variance inflation factors, standardized
//! coefficients, and the municipalities that move the fit most (Cook's distance).

use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::wls::{weighted_r2, WlsSolver};
use crate::config::Method;
use crate::keys::Kommunekode;

/// One municipality's influence on a fit.
#[derive(Debug, Clone, Serialize)]
pub struct Influence {
    pub kommunekode: Kommunekode,
    /// Cook's distance; above 4/n is the usual flag.
    pub cooks_distance: f64,
}

/// Weighted mean and standard deviation.
fn weighted_moments(v: impl Iterator<Item = f64> + Clone, w: &DVector<f64>) -> (f64, f64) {
    let ws = w.sum();
    let mean = v.clone().zip(w.iter()).map(|(x, w)| x * w).sum::<f64>() / ws;
    let var = v
        .zip(w.iter())
        .map(|(x, w)| w * (x - mean).powi(2))
        .sum::<f64>()
        / ws;
    (mean, var.sqrt())
}

/// Weighted means of every design column after the intercept (the "national mean" the
/// contributions are measured from).
pub fn weighted_means(x: &DMatrix<f64>, w: &DVector<f64>) -> Vec<f64> {
    (1..x.ncols())
        .map(|j| weighted_moments(x.column(j).iter().copied(), w).0)
        .collect()
}

/// VIF of every variable (intercept excluded): 1 / (1 − R²) of the variable regressed, with the
/// same weights, on the other variables. `None` where that regression cannot be fitted.
pub fn vif(x: &DMatrix<f64>, w: &DVector<f64>, names: &[String]) -> Vec<Option<f64>> {
    let p = x.ncols();
    (1..p)
        .map(|j| {
            if p == 2 {
                return Some(1.0);
            }
            let others: Vec<usize> = (0..p).filter(|&k| k != j).collect();
            let xo = x.select_columns(&others);
            let on: Vec<String> = others.iter().map(|&k| names[k].clone()).collect();
            let solver = WlsSolver::new(&xo, w, &on).ok()?;
            let y: DVector<f64> = x.column(j).into_owned();
            let fitted = &xo * solver.solve(&y);
            let (r2, _) = weighted_r2(&y, &fitted, w, xo.ncols());
            (r2 < 1.0).then(|| 1.0 / (1.0 - r2))
        })
        .collect()
}

/// Standardized coefficients: β·sd(x) / sd(y) for WLS (the change in the share, in standard
/// deviations, per standard deviation of the variable); β·sd(x) for fractional logit (the
/// change in log-odds per standard deviation). Weighted standard deviations, as the fit.
pub fn standardized(
    beta: &DVector<f64>,
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &DVector<f64>,
    method: Method,
) -> Vec<f64> {
    let (_, sd_y) = weighted_moments(y.iter().copied(), w);
    (1..x.ncols())
        .map(|j| {
            let (_, sd_x) = weighted_moments(x.column(j).iter().copied(), w);
            match method {
                Method::Wls => beta[j] * sd_x / sd_y,
                Method::FractionalLogit => beta[j] * sd_x,
            }
        })
        .collect()
}

/// Cook's distance of every row. WLS: Dᵢ = wᵢeᵢ²/(p·s²) · hᵢ/(1−hᵢ)²; fractional logit: the
/// same with Pearson residuals, the IRLS weights at the solution and the Pearson dispersion.
/// `share` and `fitted` are on the fit's response scale (WLS: pct.; logit: fractions).
pub fn cooks_distance(
    x: &DMatrix<f64>,
    share: &DVector<f64>,
    fitted: &DVector<f64>,
    w: &DVector<f64>,
    method: Method,
    names: &[String],
) -> Option<Vec<f64>> {
    let (n, p) = x.shape();
    if n <= p {
        return None;
    }
    let (ww, r2): (DVector<f64>, Vec<f64>) = match method {
        Method::Wls => (
            w.clone(),
            (0..n)
                .map(|i| w[i] * (share[i] - fitted[i]).powi(2))
                .collect(),
        ),
        Method::FractionalLogit => {
            let v: Vec<f64> = (0..n)
                .map(|i| (fitted[i] * (1.0 - fitted[i])).max(1e-300))
                .collect();
            (
                DVector::from_iterator(n, (0..n).map(|i| w[i] * v[i])),
                (0..n)
                    .map(|i| w[i] * (share[i] - fitted[i]).powi(2) / v[i])
                    .collect(),
            )
        }
    };
    let solver = WlsSolver::new(x, &ww, names).ok()?;
    let h = solver.leverage();
    let scale = r2.iter().sum::<f64>() / (n - p) as f64;
    Some(
        (0..n)
            .map(|i| r2[i] / (p as f64 * scale) * h[i] / (1.0 - h[i]).powi(2))
            .collect(),
    )
}
