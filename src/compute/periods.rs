//! Which periods a list is set against: the current and comparison period, the period an
//! improvement is measured from, and the series breaks between two periods.

use crate::config::Config;
use crate::keys::{GroupId, Period};

/// The breaks of `group`'s series between `earlier` and `later` (indices into the config's).
pub(super) fn breaks_between(
    cfg: &Config,
    group: &GroupId,
    earlier: &Period,
    later: &Period,
) -> Vec<usize> {
    let Some(g) = cfg.group(group) else {
        return Vec::new();
    };
    cfg.breaks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.affects(g) && b.between(earlier, later))
        .map(|(i, _)| i)
        .collect()
}

/// Whether an improvement from `earlier` to `later` is left out because a break configured
/// with `improvement = "omit"` lies between them.
pub(super) fn omitted_across_break(
    cfg: &Config,
    group: &GroupId,
    earlier: &Period,
    later: &Period,
) -> bool {
    breaks_between(cfg, group, earlier, later)
        .iter()
        .any(|&i| cfg.breaks[i].improvement == crate::config::continued::BreakImprovement::Omit)
}

/// The current period (which must be in the data) and the comparison period: configured (and
/// then required), else the same period a year earlier when the data has it.
pub(super) fn current_and_comparison(
    cfg: &Config,
    periods: &[Period],
) -> anyhow::Result<(Period, Option<Period>)> {
    let labels = || {
        periods
            .iter()
            .map(Period::label)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let current = cfg.report.period.clone();
    if !periods.contains(&current) {
        return Err(cfg.error_at(
            &cfg.report.period_at,
            format!(
                "report.period: {:?} is not in the data; the data has {}",
                current.label(),
                labels()
            ),
        ));
    }
    let comparison = match &cfg.report.comparison_period {
        Some((p, at)) if !periods.contains(p) => {
            return Err(cfg.error_at(
                at,
                format!(
                    "report.comparison-period: {:?} is not in the data; the data has {}",
                    p.label(),
                    labels()
                ),
            ))
        }
        Some((p, _)) => Some(p.clone()),
        None => Some(cfg.comparison_period()).filter(|p| periods.contains(p)),
    };
    Ok((current, comparison))
}

/// The period a list's improvement is measured against: the comparison period for the current
/// period, the same period a year earlier for the others (when the data has it).
pub(super) fn improvement_period(
    period: &Period,
    current: &Period,
    comparison: Option<&Period>,
    periods: &[Period],
) -> Option<Period> {
    if period == current {
        comparison.cloned()
    } else {
        Some(period.year_earlier()).filter(|p| periods.contains(p))
    }
}
