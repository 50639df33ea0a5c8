//! Before ranking: every list's base, its expected shares by the configured mode, and in model
//! mode the ranks under the other specifications.

use std::collections::BTreeMap;

use super::base::{self, Base};
use super::model::{self, ModelReport};
use super::{continued, sensitivity, supplied_expected_shares, versus, Ranked};
use crate::config::{Config, Mode};
use crate::input::Dataset;
use crate::keys::{GroupId, Period};

/// Expected shares (pct.) per list and where they come from: supplied, fitted (with the
/// prediction variance and the model report) or continued (with its backtest report).
pub(super) struct ExpectedShares {
    pub(super) expected: BTreeMap<(Period, GroupId), Vec<f64>>,
    pub(super) pred_var: BTreeMap<(Period, GroupId), Vec<f64>>,
    pub(super) report: Option<ModelReport>,
    pub(super) sources: BTreeMap<(Period, GroupId), continued::ExpectedSource>,
    pub(super) continuation: Option<continued::Report>,
}

pub(super) type Bases = BTreeMap<(Period, GroupId), Base>;

/// Every list's base; in continued mode without the ministry's figures after its last list.
pub(super) fn bases(cfg: &Config, ds: &Dataset, periods: &[Period]) -> anyhow::Result<Bases> {
    let mut bases = Bases::new();
    for period in periods {
        for (g, b) in base::for_period(cfg, ds, period)? {
            bases.insert((period.clone(), g), b);
        }
    }
    if let Some(c) = &cfg.expected.continued {
        continued::strip_after(&mut bases, &c.from);
    }
    Ok(bases)
}

pub(super) fn expected_shares(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &Bases,
) -> anyhow::Result<ExpectedShares> {
    Ok(match cfg.expected.mode {
        Mode::Supplied => {
            let mut expected = BTreeMap::new();
            for (key, base) in bases {
                expected.insert(key.clone(), supplied_expected_shares(ds, key, base)?);
            }
            ExpectedShares {
                expected,
                pred_var: BTreeMap::new(),
                report: None,
                sources: BTreeMap::new(),
                continuation: continued::backtest_only(cfg, ds, periods, bases)?,
            }
        }
        Mode::Model => {
            let fitted = model::fit_all(cfg, ds, periods, bases)?;
            ExpectedShares {
                expected: fitted.expected,
                pred_var: fitted.pred_var,
                report: Some(fitted.report),
                sources: BTreeMap::new(),
                continuation: None,
            }
        }
        Mode::Continued => {
            let c = continued::continue_lists(cfg, ds, periods, bases)?;
            ExpectedShares {
                expected: c.expected,
                pred_var: c.pred_var,
                report: None,
                sources: c.sources,
                continuation: Some(c.report),
            }
        }
    })
}

/// Rank ranges per list under the other specifications.
pub(super) type Ranges = BTreeMap<(Period, GroupId), Vec<(u32, u32)>>;

/// Model mode: the ranks under the other specifications (ranges, and the model report's
/// summaries for the current period), and the ministry's ranks beside the model's.
pub(super) fn model_alternatives(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &Bases,
    lists: (&[(Period, GroupId)], &[Ranked]),
    current: &Period,
    report: &mut ModelReport,
) -> anyhow::Result<(Ranges, Vec<versus::Versus>)> {
    let mut ranges = BTreeMap::new();
    let mut versus = Vec::new();
    let alt = sensitivity::alternatives(cfg, ds, periods, bases)?;
    for (key, r) in lists.0.iter().zip(lists.1) {
        if let Some(a) = alt.ranks.get(key) {
            ranges.insert(key.clone(), sensitivity::ranges(&r.ranks, a));
            if &key.0 == current {
                report.specifications.extend(sensitivity::summaries(
                    &key.1,
                    &alt.labels,
                    &r.ranks,
                    a,
                ));
            }
        }
        versus.extend(versus::versus(
            (&key.0, &key.1),
            &bases[key],
            &r.figures,
            &r.ranks,
        ));
    }
    Ok((ranges, versus))
}
