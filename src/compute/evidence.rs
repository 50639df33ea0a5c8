//! The gap's own evidence (METHOD.md §6): is a municipality's gap larger than the stated noise
//! model's random variation explains? Per row z = gap ÷ its standard error, read against the
//! funnel plot's limits (2 and 3 standard errors), and — because 98 municipalities are read at
//! once, and about 4–5 of them pass 2 standard errors by chance alone — the Benjamini–Hochberg
//! q-value across the list: a gap is called "beyond chance" when q ≤ [`FDR`], so that among the
//! gaps so called, the expected share that are chance is at most 10 %.

use serde::Serialize;

/// The false discovery rate at which a gap is called beyond chance.
pub const FDR: f64 = 0.10;

/// How a gap reads against its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// |z| < 2: within random variation.
    Within,
    /// 2 ≤ |z| < 3: beyond the funnel's inner limit.
    Beyond2,
    /// |z| ≥ 3: beyond the funnel's outer limit.
    Beyond3,
    /// No standard error (ranked from supplied gaps without one, or none estimable).
    Unknown,
}

impl Evidence {
    /// From z.
    pub fn of(z: f64) -> Evidence {
        if !z.is_finite() {
            Evidence::Unknown
        } else if z.abs() >= 3.0 {
            Evidence::Beyond3
        } else if z.abs() >= 2.0 {
            Evidence::Beyond2
        } else {
            Evidence::Within
        }
    }

    /// The name in `results.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Evidence::Within => "within",
            Evidence::Beyond2 => "beyond-2se",
            Evidence::Beyond3 => "beyond-3se",
            Evidence::Unknown => "",
        }
    }
}

/// The standard normal's upper tail, 1 − Φ(x), for x ≥ 0 (Abramowitz–Stegun 7.1.26 through
/// erfc, |error| < 1.5·10⁻⁷ — far below what a q-value is read at).
fn upper_tail(x: f64) -> f64 {
    let t = x / std::f64::consts::SQRT_2;
    let k = 1.0 / (1.0 + 0.327_591_1 * t);
    let poly = k
        * (0.254_829_592
            + k * (-0.284_496_736
                + k * (1.421_413_741 + k * (-1.453_152_027 + k * 1.061_405_429))));
    0.5 * poly * (-t * t).exp()
}

/// Two-sided p-value of z under the normal.
pub fn p_value(z: f64) -> f64 {
    (2.0 * upper_tail(z.abs())).min(1.0)
}

/// ln Γ(x), Lanczos (g = 7, n = 9): ≈ 15 digits for x > 0.
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized incomplete beta I_x(a, b), by its continued fraction (Lentz).
fn inc_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - inc_beta(1.0 - x, b, a);
    }
    let tiny = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut f = d;
    for m in 1..300 {
        let m = m as f64;
        for step in 0..2 {
            let num = if step == 0 {
                m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
            } else {
                -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
            };
            d = 1.0 + num * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + num / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            f *= c * d;
        }
        if (c * d - 1.0).abs() < 1e-15 {
            break;
        }
    }
    front * f / a
}

/// Two-sided p-value of t with `df` degrees of freedom; the normal's where `df` is infinite.
/// φ is estimated from a finite number of changes, so z = gap ÷ se is a t statistic, not a
/// normal one: its tails — where Benjamini–Hochberg reads 98 p-values — are heavier.
pub fn p_value_t(t: f64, df: f64) -> f64 {
    if !df.is_finite() {
        return p_value(t);
    }
    inc_beta(df / (df + t * t), df / 2.0, 0.5).min(1.0)
}

/// Benjamini–Hochberg q-values of p-values (NaN stays NaN and does not count in m).
pub fn bh_q(p: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_finite()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let m = idx.len() as f64;
    let mut q = vec![f64::NAN; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in idx.iter().enumerate().rev() {
        running = running.min(p[i] * m / (rank as f64 + 1.0));
        q[i] = running.min(1.0);
    }
    q
}

/// z and q per row of one list, from the gaps, their standard errors and the degrees of freedom
/// of the φ behind them (the number of changes it was estimated from; infinite for φ = 1).
pub fn assess(gap_pp: &[f64], se: &[f64], df: f64) -> (Vec<f64>, Vec<f64>) {
    let z: Vec<f64> = gap_pp
        .iter()
        .zip(se)
        .map(|(g, s)| if *s > 0.0 { g / s } else { f64::NAN })
        .collect();
    let p: Vec<f64> = z
        .iter()
        .map(|&z| {
            if z.is_finite() {
                p_value_t(z, df)
            } else {
                f64::NAN
            }
        })
        .collect();
    let q = bh_q(&p);
    (z, q)
}

/// The degrees of freedom of a group's φ: its number of changes, or infinite where φ = 1 is
/// assumed (too few changes) rather than estimated.
pub fn degrees_of_freedom(o: &super::noise::Overdispersion) -> f64 {
    if o.changes >= super::noise::MIN_CHANGES && o.estimate.is_some_and(|e| e > 0.0) {
        o.changes as f64
    } else {
        f64::INFINITY
    }
}

/// Sets every row's z and q.
pub fn fill(rows: &mut [super::Row], df: f64) {
    let gaps: Vec<f64> = rows.iter().map(|r| r.gap_pp).collect();
    let se: Vec<f64> = rows.iter().map(|r| r.gap_pp_se).collect();
    let (z, q) = assess(&gaps, &se, df);
    for ((row, z), q) in rows.iter_mut().zip(z).zip(q) {
        row.gap_z = z;
        row.gap_q = q;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_match_the_normal_table() {
        // Φ⁻¹ table values: two-sided p of 1.96 = 0.05, of 2.5758 = 0.01, of 3 = 0.0026998.
        assert!((p_value(1.959_964) - 0.05).abs() < 1e-6);
        assert!((p_value(-2.575_829) - 0.01).abs() < 1e-6);
        assert!((p_value(3.0) - 0.002_699_8).abs() < 1e-6);
        assert!((p_value(0.0) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn t_p_values_match_scipy() {
        // scipy.stats.t.sf(x, df) * 2
        assert!((p_value_t(2.0, 10.0) - 0.073_388_034_770_740_37).abs() < 1e-9);
        assert!((p_value_t(-3.29, 98.0) - 0.001_392_869_782_738_996).abs() < 1e-9);
        assert!((p_value_t(1.0, 1.0) - 0.5).abs() < 1e-9);
        assert!((p_value_t(3.0, f64::INFINITY) - p_value(3.0)).abs() < 1e-15);
    }

    #[test]
    fn bh_matches_the_textbook_example() {
        // Benjamini & Hochberg (1995)-style: p = .01 .02 .03 .04 .05 → q = .05 for all five.
        let q = bh_q(&[0.05, 0.01, 0.03, 0.02, 0.04]);
        for v in &q {
            assert!((v - 0.05).abs() < 1e-12, "{q:?}");
        }
        // statsmodels multipletests([.001, .008, .039, .041, .042, .06, .074, .205], method="fdr_bh")
        let q = bh_q(&[0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]);
        let want = [
            0.008,
            0.032,
            0.0672,
            0.0672,
            0.0672,
            0.08,
            0.084_571_43,
            0.205,
        ];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{q:?}");
        }
        assert!(bh_q(&[f64::NAN, 0.01])[0].is_nan());
    }

    #[test]
    fn evidence_classes() {
        assert_eq!(Evidence::of(1.99), Evidence::Within);
        assert_eq!(Evidence::of(-2.0), Evidence::Beyond2);
        assert_eq!(Evidence::of(3.5), Evidence::Beyond3);
        assert_eq!(Evidence::of(f64::NAN), Evidence::Unknown);
    }
}
