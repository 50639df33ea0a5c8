//! The stated noise model of a municipality's gap (METHOD.md §6): random variation of the actual
//! count, quasi-binomial with variance φ·n·p·(1−p), plus — in model mode — the prediction error
//! of the fitted expected share. In supplied mode the error of the ministry's expected figures
//! is unknown and left out (every report says so).
//!
//! The overdispersion φ is estimated per group from the change of each municipality's gap
//! between periods a year apart: with no real change, E[Δ²] = φ·(v_t + v_{t−1}). Real changes
//! only add to Δ², so the estimate bounds the noise from above — the sets err on the wide side.

use serde::Serialize;

use crate::keys::GroupId;

/// Variance of a share in percentage points² under binomial variation: p(1−p)/n · 10⁴.
pub fn binomial_var_pp(actual: f64, population: f64) -> f64 {
    let p = (actual / population).clamp(0.0, 1.0);
    p * (1.0 - p) / population * 1e4
}

/// The overdispersion of one group and what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Overdispersion {
    /// Group.
    pub group: GroupId,
    /// φ used: the estimate, or 1 (binomial) where fewer than [`MIN_CHANGES`] changes exist.
    pub phi: f64,
    /// The pooled estimate Σ Δ² / Σ (v_t + v_{t−1}), when estimable.
    pub estimate: Option<f64>,
    /// Number of (municipality, period pair) changes behind the estimate.
    pub changes: usize,
}

/// Fewer changes than this give too rough an estimate; φ = 1 (binomial) is used instead.
pub const MIN_CHANGES: usize = 20;

/// φ from (Δgap, v_t + v_{t−1}) pairs. Since real changes only add to Δ², the estimate bounds
/// the noise from above even when it is below 1 (full-time persons averaged over a year vary
/// less than a count of persons would): using it keeps the sets' promise.
pub fn overdispersion(group: &GroupId, changes: &[(f64, f64)]) -> Overdispersion {
    let num: f64 = changes.iter().map(|(d, _)| d * d).sum();
    let den: f64 = changes.iter().map(|(_, v)| v).sum();
    let estimate = (den > 0.0 && num.is_finite()).then(|| num / den);
    let usable = estimate.filter(|e| changes.len() >= MIN_CHANGES && *e > 0.0);
    Overdispersion {
        group: group.clone(),
        phi: usable.unwrap_or(1.0),
        estimate,
        changes: changes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_variance_in_percentage_points() {
        // p = 0.1, n = 1000: 0.09/1000 · 10⁴ = 0.9 pp².
        assert!((binomial_var_pp(100.0, 1000.0) - 0.9).abs() < 1e-12);
    }

    #[test]
    fn phi_is_pooled_and_needs_enough_changes() {
        let g = GroupId::from("x");
        let many: Vec<(f64, f64)> = (0..40)
            .map(|i| (if i % 2 == 0 { 2.0 } else { 0.0 }, 1.0))
            .collect();
        let o = overdispersion(&g, &many);
        assert_eq!(o.estimate, Some(2.0));
        assert_eq!(o.phi, 2.0);
        let small: Vec<(f64, f64)> = (0..40).map(|_| (0.5, 1.0)).collect();
        assert_eq!(overdispersion(&g, &small).phi, 0.25);
        assert_eq!(overdispersion(&g, &[(2.0, 1.0)]).phi, 1.0);
        assert_eq!(overdispersion(&g, &[]).phi, 1.0);
    }
}
