//! Rank intervals (METHOD.md §6): the whole list re-ranked under seeded noise on the actual
//! counts (and, in model mode, on bootstrap refits of the expected shares); the interval is a
//! pair of quantiles of each municipality's resampled ranks.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::rank::competition_rank;
use crate::config::RankingConfig;
use crate::keys::{GroupId, Period};

/// A stable 64-bit seed for one (period, group) list, so lists draw independent streams.
pub fn sub_seed(seed: u64, parts: &[&str]) -> u64 {
    // FNV-1a: fixed across platforms and Rust versions, unlike `DefaultHasher`.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for p in parts {
        for b in p.as_bytes().iter().chain(std::iter::once(&0xff)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A seeded random source for resampling.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Seeded standard normal draws by Box–Muller (so no distribution crate is needed), using both
/// values of each pair: the resampling draws millions of them.
pub struct Normals {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Normals {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Normals {
        Normals {
            rng: rng(seed),
            spare: None,
        }
    }

    /// The next standard normal draw.
    pub fn next_normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let u1: f64 = 1.0 - self.rng.random::<f64>(); // (0, 1]
        let u2: f64 = self.rng.random::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let (sin, cos) = (std::f64::consts::TAU * u2).sin_cos();
        self.spare = Some(r * sin);
        r * cos
    }
}

/// Per-municipality interval from per-draw ranks: the (1−level)/2 and 1−(1−level)/2 quantiles
/// (nearest rank), widened if needed so the point rank lies inside.
pub fn interval_from_draws(draws: &[Vec<u32>], index: usize, level: f64, point: u32) -> (u32, u32) {
    let mut r: Vec<u32> = draws.iter().map(|d| d[index]).collect();
    if r.is_empty() {
        return (point, point);
    }
    r.sort_unstable();
    let n = r.len();
    let alpha = (1.0 - level) / 2.0;
    let lo_idx = ((alpha * n as f64).ceil() as usize).clamp(1, n) - 1;
    let hi_idx = (((1.0 - alpha) * n as f64).ceil() as usize).clamp(1, n) - 1;
    (r[lo_idx].min(point), r[hi_idx].max(point))
}

/// Gaps (percentage points) under binomial noise on the actual count.
///
/// Each draw replaces actual with actual + ε, ε ~ N(0, n·p·(1−p)) (the normal approximation of
/// a binomial with n = population, p = actual / population), and moves the gap in percentage
/// points by ε / population · 100.
pub fn binomial_gap_draws(
    gap_pp: &[f64],
    actual: &[f64],
    population: &[f64],
    draws: u32,
    seed: u64,
) -> Vec<Vec<f64>> {
    let mut normals = Normals::new(seed);
    let sd: Vec<f64> = actual
        .iter()
        .zip(population)
        .map(|(&a, &n)| {
            let p = (a / n).clamp(0.0, 1.0);
            (n * p * (1.0 - p)).sqrt()
        })
        .collect();
    (0..draws)
        .map(|_| {
            let g: Vec<f64> = (0..gap_pp.len())
                .map(|i| {
                    let eps = (normals.next_normal() * sd[i]).max(-actual[i]);
                    gap_pp[i] + eps / population[i] * 100.0
                })
                .collect();
            g
        })
        .collect()
}

/// Supplied mode: the whole list re-ranked under [`binomial_gap_draws`].
pub fn binomial_rank_draws(
    gap_pp: &[f64],
    actual: &[f64],
    population: &[f64],
    draws: u32,
    seed: u64,
) -> Vec<Vec<u32>> {
    binomial_gap_draws(gap_pp, actual, population, draws, seed)
        .iter()
        .map(|g| competition_rank(g))
        .collect()
}

/// The rank interval of every municipality in one list. `expected_draws` are the model's
/// bootstrap expected shares (model mode), so the expected figure moves too.
pub fn rank_intervals(
    ranking: &RankingConfig,
    list: (&Period, &GroupId),
    gaps: &[f64],
    (actual, population): (&[f64], &[f64]),
    ranks: &[u32],
    expected: (&[f64], Option<&Vec<Vec<f64>>>),
) -> Vec<(u32, u32)> {
    let (expected_share, expected_draws) = expected;
    let n = gaps.len();
    let seed = sub_seed(ranking.seed, &[list.0.label(), list.1.as_str(), "noise"]);
    let noise = binomial_gap_draws(gaps, actual, population, ranking.draws, seed);
    let draws: Vec<Vec<u32>> = match expected_draws {
        None => noise.iter().map(|g| competition_rank(g)).collect(),
        Some(exp_draws) => noise
            .iter()
            .zip(exp_draws)
            .map(|(g, e)| {
                let moved: Vec<f64> = (0..n).map(|i| g[i] - (e[i] - expected_share[i])).collect();
                competition_rank(&moved)
            })
            .collect(),
    };
    (0..n)
        .map(|i| interval_from_draws(&draws, i, ranking.interval_level, ranks[i]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_contains_point_and_uses_quantiles() {
        let draws: Vec<Vec<u32>> = (1..=100).map(|r| vec![r]).collect();
        assert_eq!(interval_from_draws(&draws, 0, 0.90, 50), (5, 95));
        assert_eq!(interval_from_draws(&draws, 0, 0.90, 99), (5, 99));
    }

    #[test]
    fn same_seed_same_draws() {
        let g = [0.1, -0.2, 0.3];
        let a = [100.0, 200.0, 50.0];
        let n = [1000.0, 2000.0, 800.0];
        assert_eq!(
            binomial_rank_draws(&g, &a, &n, 50, 7),
            binomial_rank_draws(&g, &a, &n, 50, 7)
        );
        assert_ne!(sub_seed(1, &["a", "b"]), sub_seed(1, &["ab"]));
    }
}
