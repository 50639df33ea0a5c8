//! The confidence sets keep their promise: seeded simulations with known truth (synthetic data,
//! labelled as such) — 98 municipalities with true gaps, overdispersed noise, φ estimated from a
//! second year as the pipeline does, and in model mode expected shares fitted by WLS. The
//! marginal 90 % sets must cover the true rank at least 90 % minus two Monte Carlo standard
//! errors, for all municipalities and for the true top and bottom ten separately.

use kommunebench::compute::confidence::{rank_sets, Coverage};
use kommunebench::compute::model::wls;
use kommunebench::compute::noise::{binomial_var_pp, overdispersion};
use kommunebench::compute::random::Normals;
use kommunebench::keys::GroupId;
use nalgebra::{DMatrix, DVector};

const N: usize = 98;
const DATASETS: usize = 200;
const LEVEL: f64 = 0.90;
const PHI: f64 = 1.6;

struct Coverage3 {
    all: (usize, usize),
    top: (usize, usize),
    bottom: (usize, usize),
}

impl Coverage3 {
    fn add(&mut self, true_rank: usize, covered: bool) {
        let bump = |c: &mut (usize, usize)| {
            c.0 += covered as usize;
            c.1 += 1;
        };
        bump(&mut self.all);
        if true_rank <= 10 {
            bump(&mut self.top);
        }
        if true_rank > N - 10 {
            bump(&mut self.bottom);
        }
    }

    fn check(&self, mode: &str) {
        for (what, (hit, n)) in [
            ("all", self.all),
            ("top 10", self.top),
            ("bottom 10", self.bottom),
        ] {
            let p = hit as f64 / n as f64;
            let mcse = (LEVEL * (1.0 - LEVEL) / n as f64).sqrt();
            eprintln!(
                "{mode}, {what}: coverage {p:.4} over {n} (threshold {:.4})",
                LEVEL - 2.0 * mcse
            );
            assert!(
                p >= LEVEL - 2.0 * mcse,
                "{mode}, {what}: coverage {p:.4} below {LEVEL} − 2 MCSE ({mcse:.4})"
            );
        }
    }
}

/// Ranks 1 = smallest gap (best), as the benchmark ranks.
fn true_ranks(theta: &[f64]) -> Vec<usize> {
    theta
        .iter()
        .map(|t| 1 + theta.iter().filter(|u| *u < t).count())
        .collect()
}

/// Populations 16–66 from about 1.500 to 400.000, as Danish municipalities range.
fn populations(z: &mut Normals) -> Vec<f64> {
    (0..N)
        .map(|_| {
            (10.0f64 + 1.0 * z.next_normal())
                .exp()
                .clamp(1_500.0, 400_000.0)
        })
        .collect()
}

#[test]
fn supplied_mode_sets_cover_the_true_rank() {
    let mut z = Normals::new(12);
    let pop = populations(&mut z);
    let share = 10.0; // pct. on benefits
    let v: Vec<f64> = pop
        .iter()
        .map(|n| binomial_var_pp(share / 100.0 * n, *n))
        .collect();
    let theta: Vec<f64> = (0..N).map(|_| 0.4 * z.next_normal()).collect();
    let truth = true_ranks(&theta);
    let mut cov = Coverage3 {
        all: (0, 0),
        top: (0, 0),
        bottom: (0, 0),
    };
    for d in 0..DATASETS {
        let obs: Vec<f64> = (0..N)
            .map(|i| theta[i] + (PHI * v[i]).sqrt() * z.next_normal())
            .collect();
        // A year earlier: small real changes plus fresh noise; φ estimated as the pipeline does.
        let before: Vec<f64> = (0..N)
            .map(|i| theta[i] + 0.02 * z.next_normal() + (PHI * v[i]).sqrt() * z.next_normal())
            .collect();
        let changes: Vec<(f64, f64)> = (0..N).map(|i| (obs[i] - before[i], 2.0 * v[i])).collect();
        let phi = overdispersion(&GroupId::from("x"), &changes).phi;
        let se: Vec<f64> = v.iter().map(|v| (phi * v).sqrt()).collect();
        let neg: Vec<f64> = obs.iter().map(|g| -g).collect();
        let sets = rank_sets(&neg, &se, LEVEL, Coverage::Marginal, 500, d as u64);
        for i in 0..N {
            let (lo, hi) = sets[i];
            cov.add(truth[i], lo as usize <= truth[i] && truth[i] <= hi as usize);
        }
    }
    cov.check("supplied");
}

#[test]
fn model_mode_sets_cover_the_true_rank() {
    let mut z = Normals::new(34);
    let pop = populations(&mut z);
    // Two rammevilkår, a true model for the expected share, and true gaps around it.
    let x1: Vec<f64> = (0..N).map(|_| z.next_normal()).collect();
    let x2: Vec<f64> = (0..N).map(|_| z.next_normal()).collect();
    let expected: Vec<f64> = (0..N).map(|i| 10.0 + 1.5 * x1[i] - 0.8 * x2[i]).collect();
    let theta: Vec<f64> = (0..N).map(|_| 0.4 * z.next_normal()).collect();
    let truth = true_ranks(&theta);
    let v: Vec<f64> = (0..N)
        .map(|i| binomial_var_pp((expected[i] + theta[i]) / 100.0 * pop[i], pop[i]))
        .collect();
    let mut x = DMatrix::zeros(N, 3);
    for i in 0..N {
        x[(i, 0)] = 1.0;
        x[(i, 1)] = x1[i];
        x[(i, 2)] = x2[i];
    }
    let w = DVector::from_column_slice(&pop);
    let names: Vec<String> = ["const", "x1", "x2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut cov = Coverage3 {
        all: (0, 0),
        top: (0, 0),
        bottom: (0, 0),
    };
    for d in 0..DATASETS {
        let share: Vec<f64> = (0..N)
            .map(|i| expected[i] + theta[i] + (PHI * v[i]).sqrt() * z.next_normal())
            .collect();
        let fit = wls(&x, &DVector::from_column_slice(&share), &w, &names).unwrap();
        let gaps: Vec<f64> = (0..N).map(|i| share[i] - fit.fitted[i]).collect();
        let before: Vec<f64> = (0..N)
            .map(|i| gaps[i] + 0.02 * z.next_normal() + (2.0 * PHI * v[i]).sqrt() * z.next_normal())
            .collect();
        let changes: Vec<(f64, f64)> = (0..N).map(|i| (gaps[i] - before[i], 2.0 * v[i])).collect();
        let phi = overdispersion(&GroupId::from("x"), &changes).phi;
        let se: Vec<f64> = (0..N)
            .map(|i| (phi * v[i] + fit.pred_var[i]).sqrt())
            .collect();
        let neg: Vec<f64> = gaps.iter().map(|g| -g).collect();
        let sets = rank_sets(&neg, &se, LEVEL, Coverage::Marginal, 500, 1000 + d as u64);
        // The truth is the gap against the fitted model's population counterpart: the true
        // gaps centred as the residuals are (WLS residuals have weighted mean zero).
        for i in 0..N {
            let (lo, hi) = sets[i];
            cov.add(truth[i], lo as usize <= truth[i] && truth[i] <= hi as usize);
        }
    }
    cov.check("model");
}

/// Continued mode: the expected share itself is an estimate, its error drawn at the size the
/// backtest on the real Y30R21 lists gives (the chosen methods' RMSE, one year ahead, per group),
/// and handed to the noise model as the pipeline does. The sets must still cover the true rank —
/// the gap against the ministry's (unknown) expected share.
#[test]
fn continued_mode_sets_cover_the_true_rank_at_the_backtested_error() {
    let p = kommunebench::load(&super::common::repo().join("config/continued.toml")).unwrap();
    let errors = &p.results.continuation.as_ref().unwrap().errors;
    let mut z = Normals::new(56);
    let pop = populations(&mut z);
    for (k, e) in errors.iter().filter(|e| e.horizon_months == 12).enumerate() {
        let sd = e.rmse_pp;
        assert!(sd > 0.0 && sd < 1.0, "{}: {sd}", e.group);
        let expected: Vec<f64> = (0..N).map(|_| 8.0 + 2.0 * z.next_normal()).collect();
        // True gaps of the spread the real lists have (0.2–0.4 pp).
        let theta: Vec<f64> = (0..N).map(|_| 0.3 * z.next_normal()).collect();
        let truth = true_ranks(&theta);
        let v: Vec<f64> = (0..N)
            .map(|i| binomial_var_pp((expected[i] + theta[i]).max(0.1) / 100.0 * pop[i], pop[i]))
            .collect();
        let mut cov = Coverage3 {
            all: (0, 0),
            top: (0, 0),
            bottom: (0, 0),
        };
        for d in 0..DATASETS {
            let actual: Vec<f64> = (0..N)
                .map(|i| expected[i] + theta[i] + (PHI * v[i]).sqrt() * z.next_normal())
                .collect();
            let continued: Vec<f64> = (0..N).map(|i| expected[i] + sd * z.next_normal()).collect();
            let gaps: Vec<f64> = (0..N).map(|i| actual[i] - continued[i]).collect();
            // φ from the ministry's own lists a year apart (no continuation error in them).
            let before: Vec<f64> = (0..N)
                .map(|i| theta[i] + 0.02 * z.next_normal() + (PHI * v[i]).sqrt() * z.next_normal())
                .collect();
            let now: Vec<f64> = (0..N).map(|i| actual[i] - expected[i]).collect();
            let changes: Vec<(f64, f64)> =
                (0..N).map(|i| (now[i] - before[i], 2.0 * v[i])).collect();
            let phi = overdispersion(&GroupId::from("x"), &changes).phi;
            let se: Vec<f64> = (0..N).map(|i| (phi * v[i] + sd * sd).sqrt()).collect();
            let neg: Vec<f64> = gaps.iter().map(|g| -g).collect();
            let sets = rank_sets(
                &neg,
                &se,
                LEVEL,
                Coverage::Marginal,
                500,
                7000 + (k * DATASETS + d) as u64,
            );
            for i in 0..N {
                let (lo, hi) = sets[i];
                cov.add(truth[i], lo as usize <= truth[i] && truth[i] <= hi as usize);
            }
        }
        cov.check(&format!("continued, {} (error sd {sd:.3} pp)", e.group));
    }
}

/// The same with the persistence weight: the continued gap is (1 − w)·(actual − carried) +
/// w·(the earlier list's gap), biased towards last year's gap where the true gap changed. The
/// error's size is what the pipeline measures — the RMSE of the blended expected share against
/// the ministry's in a backtest draw — and the sets must still cover the true rank.
#[test]
fn continued_mode_with_persistence_keeps_the_coverage() {
    let p = kommunebench::load(&super::common::repo().join("config/continued.toml")).unwrap();
    let report = p.results.continuation.as_ref().unwrap();
    let mut z = Normals::new(78);
    let pop = populations(&mut z);
    for (k, c) in report.choices.iter().enumerate() {
        let w = c.persistence;
        let carried_sd = 0.2; // the methods alone: RMSE 0.08–0.25 pp on the real lists
        let expected: Vec<f64> = (0..N).map(|_| 8.0 + 2.0 * z.next_normal()).collect();
        let theta: Vec<f64> = (0..N).map(|_| 0.3 * z.next_normal()).collect();
        let truth = true_ranks(&theta);
        let v: Vec<f64> = (0..N)
            .map(|i| binomial_var_pp((expected[i] + theta[i]).max(0.1) / 100.0 * pop[i], pop[i]))
            .collect();
        // One draw of (blended estimate, truth): the blended gap and the error of the
        // blended expected share against the ministry's.
        let draw = |z: &mut Normals| {
            let mut gap = vec![0.0; N];
            let mut err = vec![0.0; N];
            for i in 0..N {
                let earlier =
                    theta[i] + 0.1 * z.next_normal() + (PHI * v[i]).sqrt() * z.next_normal();
                let actual = expected[i] + theta[i] + (PHI * v[i]).sqrt() * z.next_normal();
                let carried = expected[i] + carried_sd * z.next_normal();
                gap[i] = (1.0 - w) * (actual - carried) + w * earlier;
                err[i] = (actual - gap[i]) - expected[i];
            }
            (gap, err)
        };
        let (_, err) = draw(&mut z);
        let sd = (err.iter().map(|e| e * e).sum::<f64>() / N as f64).sqrt();
        let mut cov = Coverage3 {
            all: (0, 0),
            top: (0, 0),
            bottom: (0, 0),
        };
        for d in 0..DATASETS {
            let (gaps, _) = draw(&mut z);
            let se: Vec<f64> = (0..N).map(|i| (PHI * v[i] + sd * sd).sqrt()).collect();
            let neg: Vec<f64> = gaps.iter().map(|g| -g).collect();
            let sets = rank_sets(
                &neg,
                &se,
                LEVEL,
                Coverage::Marginal,
                500,
                9000 + (k * DATASETS + d) as u64,
            );
            for i in 0..N {
                let (lo, hi) = sets[i];
                cov.add(truth[i], lo as usize <= truth[i] && truth[i] <= hi as usize);
            }
        }
        cov.check(&format!(
            "continued with persistence {w}, {} (error sd {sd:.3} pp)",
            c.group
        ));
    }
}
