//! What continued mode reports: where each list's expected figures come from, the method
//! chosen per group and why, and the backtest's errors by horizon.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::continued::ContinueMethod;
use crate::keys::{GroupId, Period};

use super::backtest::{Predictor, Score};
use super::carry::Lists;

/// Where a list's expected figures come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectedSource {
    /// The ministry's own (supplied).
    Ministry,
    /// kommunebench's open model.
    Model,
    /// The ministry's list of `from`, carried forward `horizon_months`.
    Continued {
        /// The ministry's list carried from.
        from: Period,
        /// Months from its end to the list's end.
        horizon_months: u32,
    },
}

impl ExpectedSource {
    /// The value of the data files' `expected_source` column.
    pub fn code(&self) -> String {
        match self {
            ExpectedSource::Ministry => "ministry".into(),
            ExpectedSource::Model => "model".into(),
            ExpectedSource::Continued { from, .. } => format!("continued:{from}"),
        }
    }
}

/// The method of one ordinary group and why.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// The group.
    pub group: GroupId,
    /// The method used.
    pub method: ContinueMethod,
    /// `backtest` (the best mean one-year Spearman), `config`, or `default` (no backtest).
    pub by: &'static str,
    /// The weight the gap of the list carried from keeps (0 = none).
    pub persistence: f64,
    /// How that weight was set: `backtest`, `config` or `default`.
    pub persistence_by: &'static str,
    /// Per one-year backtest pair (its later period), the Spearman at each weight tried.
    #[serde(skip)]
    pub curves: Vec<(Period, [f64; 11])>,
}

/// The backtested size of the continued figure's error, per group and horizon.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorSize {
    /// The group.
    pub group: GroupId,
    /// Horizon in months.
    pub horizon_months: u32,
    /// Pooled RMSE of the chosen methods' expected share against the published (pp).
    pub rmse_pp: f64,
    /// Pairs behind it.
    pub pairs: usize,
}

/// One continued list's error, as the noise model uses it.
#[derive(Debug, Clone, Serialize)]
pub struct ListError {
    /// Period.
    pub period: Period,
    /// Group.
    pub group: GroupId,
    /// Months carried.
    pub horizon_months: u32,
    /// Standard deviation of the continued expected share's error (pp), when a backtest exists.
    pub sd_pp: Option<f64>,
    /// The backtested horizon it is taken from (scaled by √(h / horizon) when longer).
    pub from_horizon: Option<u32>,
}

/// The continuation's report: choices, backtest, errors.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The ministry's list carried forward (continued mode); `None` for the backtest shown in
    /// supplied mode.
    pub from: Option<Period>,
    /// The published lists the backtest rests on.
    pub published: Vec<Period>,
    /// The municipalities' trend groups for the `group` method, in Danish.
    pub trend_groups: String,
    /// Per ordinary group: the method.
    pub choices: Vec<Choice>,
    /// Every backtest score.
    pub backtest: Vec<Score>,
    /// The chosen methods' error per group and horizon.
    pub errors: Vec<ErrorSize>,
    /// The continued lists' errors.
    pub lists: Vec<ListError>,
}

impl Report {
    /// The chosen method of an ordinary group.
    pub fn method_of(&self, g: &GroupId) -> ContinueMethod {
        self.choices
            .iter()
            .find(|c| &c.group == g)
            .map_or(ContinueMethod::National, |c| c.method)
    }

    /// Mean of the chosen predictor's (or the naive baseline's) scores of a group at a horizon.
    pub fn mean(&self, g: &GroupId, h: u32, p: Predictor) -> Option<Summary> {
        let rows: Vec<&Score> = self
            .backtest
            .iter()
            .filter(|s| &s.group == g && s.horizon_months == h && s.predictor == p)
            .collect();
        Summary::of(&rows)
    }
}

/// Means over backtest pairs.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Pairs.
    pub pairs: usize,
    /// Mean Spearman.
    pub spearman: f64,
    /// Lowest Spearman.
    pub spearman_min: f64,
    /// Mean share within ±10 places.
    pub within_10_share: f64,
    /// Mean of municipalities compared.
    pub n: f64,
}

impl Summary {
    fn of(rows: &[&Score]) -> Option<Summary> {
        if rows.is_empty() {
            return None;
        }
        let k = rows.len() as f64;
        Some(Summary {
            pairs: rows.len(),
            spearman: rows.iter().map(|s| s.spearman).sum::<f64>() / k,
            spearman_min: rows
                .iter()
                .map(|s| s.spearman)
                .fold(f64::INFINITY, f64::min),
            within_10_share: rows
                .iter()
                .map(|s| s.within_10 as f64 / s.n as f64)
                .sum::<f64>()
                / k,
            n: rows.iter().map(|s| s.n as f64).sum::<f64>() / k,
        })
    }
}

/// What continued mode hands the rest of the compute stage.
pub struct Continuation {
    /// Expected shares of every (period, group).
    pub expected: Lists,
    /// Prediction variance (pp²) of the continued lists.
    pub pred_var: Lists,
    /// Where each list's expected figures come from.
    pub sources: BTreeMap<(Period, GroupId), ExpectedSource>,
    /// The report.
    pub report: Report,
}
