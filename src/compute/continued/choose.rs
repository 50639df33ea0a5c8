//! The method per group from the backtest, and the chosen predictor's error size per horizon.

use super::backtest::{self, Predictor, Score};
use super::{Choice, ErrorSize};
use crate::config::continued::ContinueMethod;
use crate::config::Config;
use crate::keys::GroupId;

/// Each ordinary group's method: configured, else the best mean one-year backtest Spearman
/// (ties settled in [`ContinueMethod::CONCRETE`]'s order), else `national` without a backtest.
pub(super) fn choose(
    cfg: &Config,
    configured: &dyn Fn(&GroupId) -> ContinueMethod,
    trial: &[Score],
) -> Vec<Choice> {
    cfg.groups
        .iter()
        .filter(|g| !g.is_total())
        .map(|g| {
            let m = configured(&g.id);
            if m != ContinueMethod::Auto {
                return Choice::new(&g.id, m, "config");
            }
            let horizon = if trial.iter().any(|s| s.horizon_months == 12) {
                12
            } else {
                24
            };
            let mut best: Option<(ContinueMethod, f64)> = None;
            for c in ContinueMethod::CONCRETE {
                let rows: Vec<f64> = trial
                    .iter()
                    .filter(|s| s.group == g.id && s.horizon_months == horizon)
                    .filter(|s| s.predictor == Predictor::Method(c))
                    .map(|s| s.spearman)
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let mean = rows.iter().sum::<f64>() / rows.len() as f64;
                if best.is_none_or(|(_, b)| mean > b) {
                    best = Some((c, mean));
                }
            }
            match best {
                Some((method, _)) => Choice::new(&g.id, method, "backtest"),
                None => Choice::new(&g.id, ContinueMethod::National, "default"),
            }
        })
        .collect()
}

/// Pooled RMSE of the chosen predictor per group and horizon.
pub(super) fn errors(cfg: &Config, scores: &[Score]) -> Vec<ErrorSize> {
    let mut out = Vec::new();
    for g in &cfg.groups {
        for h in backtest::HORIZONS {
            let rows: Vec<&Score> = scores
                .iter()
                .filter(|s| {
                    s.group == g.id && s.horizon_months == h && s.predictor == Predictor::Chosen
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let mse = rows.iter().map(|s| s.rmse_pp * s.rmse_pp).sum::<f64>() / rows.len() as f64;
            out.push(ErrorSize {
                group: g.id.clone(),
                horizon_months: h,
                rmse_pp: mse.sqrt(),
                pairs: rows.len(),
            });
        }
    }
    out
}
