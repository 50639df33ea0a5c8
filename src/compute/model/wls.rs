//! Weighted least squares by QR of √W·X (never by inverting XᵀX), with the rank check that
//! names the variables of a rank-deficient design.

use nalgebra::{DMatrix, DVector};

use super::Fit;
use crate::bail_input;

/// Weighted least-squares solver on a fixed design: the thin QR of √W·X, kept for refits.
pub(super) struct WlsSolver {
    q: DMatrix<f64>,
    r: DMatrix<f64>,
    pub(super) sqrt_w: DVector<f64>,
}

impl WlsSolver {
    pub(super) fn new(
        x: &DMatrix<f64>,
        w: &DVector<f64>,
        names: &[String],
    ) -> anyhow::Result<WlsSolver> {
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
    pub(super) fn solve(&self, y: &DVector<f64>) -> DVector<f64> {
        let yw = y.component_mul(&self.sqrt_w);
        let qty = self.q.transpose() * yw;
        self.r
            .solve_upper_triangular(&qty)
            .expect("R has a nonzero diagonal: rank was checked")
    }

    /// diag((XᵀWX)⁻¹) = row norms² of R⁻¹.
    pub(super) fn inv_diag(&self) -> DVector<f64> {
        let p = self.r.nrows();
        let rinv = self
            .r
            .solve_upper_triangular(&DMatrix::identity(p, p))
            .expect("full rank");
        DVector::from_iterator(p, (0..p).map(|i| rinv.row(i).norm_squared()))
    }

    /// xᵢᵀ(XᵀWX)⁻¹xᵢ for every row of the unweighted design `x`: row norms² of X·R⁻¹.
    pub(super) fn quadratic_forms(&self, x: &DMatrix<f64>) -> DVector<f64> {
        let p = self.r.nrows();
        let rinv = self
            .r
            .solve_upper_triangular(&DMatrix::identity(p, p))
            .expect("full rank");
        let xr = x * rinv;
        DVector::from_iterator(x.nrows(), xr.row_iter().map(|r| r.norm_squared()))
    }

    /// Diagonal of the sandwich covariance B·M·B, B = (XᵀWX)⁻¹, M = Σ sᵢ²·xᵢxᵢᵀ for the
    /// unweighted rows xᵢ of `x` and score weights sᵢ: the column norms² of S·X·B.
    pub(super) fn sandwich_diag(&self, x: &DMatrix<f64>, s: &[f64]) -> DVector<f64> {
        let p = self.r.nrows();
        let rinv = self
            .r
            .solve_upper_triangular(&DMatrix::identity(p, p))
            .expect("full rank");
        let bread = &rinv * rinv.transpose();
        let mut sx = x.clone();
        for (i, mut row) in sx.row_iter_mut().enumerate() {
            row *= s[i];
        }
        let a = sx * bread;
        DVector::from_iterator(p, a.column_iter().map(|c| c.norm_squared()))
    }

    /// Leverages hᵢᵢ of the weighted design.
    pub(super) fn leverage(&self) -> DVector<f64> {
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

pub(super) fn weighted_r2(
    y: &DVector<f64>,
    fitted: &DVector<f64>,
    w: &DVector<f64>,
    p: usize,
) -> (f64, f64) {
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

pub(super) fn wls_with(
    solver: &WlsSolver,
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &DVector<f64>,
) -> Fit {
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
    // HC3 (MacKinnon–White), as statsmodels WLS(...).fit(cov_type="HC3"): on the whitened
    // design the score weight is √wᵢ·√wᵢeᵢ/(1−hᵢᵢ) for the unweighted row xᵢ.
    let hc3: Vec<f64> = (0..n).map(|i| w[i] * resid[i] / (1.0 - h[i])).collect();
    let robust_std_error = solver.sandwich_diag(x, &hc3).map(f64::sqrt);
    Fit {
        beta,
        std_error,
        robust_std_error,
        pred_var: solver.quadratic_forms(x) * sigma2,
        fitted,
        r2,
        adj_r2,
        loo_rmse: loo.sqrt(),
        iterations: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

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
