//! Continued mode (METHOD.md §5, "Continuing the list"): the ministry's last list carried to
//! later periods that have only actual figures ([`carry`]), the method per group chosen (or
//! fixed) by a backtest on the published lists ([`backtest`]), and the continued figure's
//! error — its size taken from the backtest per group and horizon — handed to the noise model
//! as the expected share's prediction variance.
//!
//! Nothing here reads the ministry's figures of a period after `expected.continued.from`: the
//! caller strips them ([`strip_after`]) before any list is formed, so a continued list is the
//! same whether or not the input holds them.

pub mod backtest;
pub mod carry;
mod choose;
mod report;

pub use report::*;

use std::collections::BTreeMap;

use crate::bail_input;
use crate::compute::base::Base;
use crate::compute::model;
use crate::compute::rank::competition_rank;
use crate::config::continued::ContinueMethod;
use crate::config::Config;
use crate::input::Dataset;
use crate::keys::{GroupId, Period};
use backtest::{months_between, Official, Score};
use carry::{Carrier, Plan};
use choose::{choose, errors};

impl Choice {
    /// The plan for the production continuation.
    pub fn plan(&self) -> Plan {
        Plan {
            method: self.method,
            persistence: self.persistence,
        }
    }

    /// The plan for predicting the published list of `to` in the backtest: the weight chosen
    /// without that list.
    pub fn plan_without(&self, to: &Period) -> Plan {
        let persistence = if self.persistence_by == "backtest" {
            backtest::best_persistence(self.curves.iter().filter(|(t, _)| t != to).map(|(_, c)| c))
        } else {
            self.persistence
        };
        Plan {
            method: self.method,
            persistence,
        }
    }
}

/// Forgets the ministry's figures of every period after `from`: expected counts and shares,
/// gaps and ranks. Only actual figures and population remain.
pub fn strip_after(bases: &mut BTreeMap<(Period, GroupId), Base>, from: &Period) {
    for ((p, _), b) in bases.iter_mut() {
        if p > from {
            for f in &mut b.supplied {
                f.expected = None;
                f.expected_share = None;
                f.gap = None;
                f.gap_pp = None;
                f.gap_pp_se = None;
                f.rank = None;
            }
        }
    }
}

/// The published list of (period, group), when the input has the ministry's figures for every
/// municipality.
fn official(base: &Base) -> Option<Official> {
    let n = base.codes.len();
    let mut expected_share = Vec::with_capacity(n);
    let mut actual_share = Vec::with_capacity(n);
    let mut gap_pp = Vec::with_capacity(n);
    for (i, f) in base.supplied.iter().enumerate() {
        let pop = base.population[i];
        let e = f
            .expected_share
            .or_else(|| f.expected.map(|e| e / pop * 100.0))?;
        let a = f.actual_share.unwrap_or(base.actual[i] / pop * 100.0);
        if !(e.is_finite() && a.is_finite()) {
            return None;
        }
        expected_share.push(e);
        actual_share.push(base.actual[i] / pop * 100.0);
        gap_pp.push(f.gap_pp.unwrap_or(a - e));
    }
    let ranks = if base.supplied.iter().all(|f| f.rank.is_some()) {
        base.supplied.iter().map(|f| f.rank.expect("all")).collect()
    } else {
        competition_rank(&gap_pp)
    };
    Some(Official {
        expected_share,
        gap_pp,
        actual_share,
        ranks,
    })
}

/// Every published list among `periods` (all groups present), by (period, group).
fn officials(
    cfg: &Config,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
) -> (Vec<Period>, BTreeMap<(Period, GroupId), Official>) {
    let mut published = Vec::new();
    let mut out = BTreeMap::new();
    for p in periods {
        let lists: Option<Vec<(GroupId, Official)>> = cfg
            .groups
            .iter()
            .map(|g| official(&bases[&(p.clone(), g.id.clone())]).map(|o| (g.id.clone(), o)))
            .collect();
        if let Some(lists) = lists {
            published.push(p.clone());
            for (g, o) in lists {
                out.insert((p.clone(), g), o);
            }
        }
    }
    (published, out)
}

/// The carrier: trend groups (KOMGRP or regions) and, when configured, the open model's fits.
fn carrier<'a>(
    cfg: &'a Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &'a BTreeMap<(Period, GroupId), Base>,
) -> anyhow::Result<(Carrier<'a>, String)> {
    let codes = &bases.values().next().expect("at least one list").codes;
    let (names, label): (Vec<String>, String) = match &ds.trend_groups {
        Some(t) => (
            codes.iter().map(|c| t[c].clone()).collect(),
            "kommunegruppen (Danmarks Statistiks kommunegrupper)".into(),
        ),
        None => (
            codes
                .iter()
                .map(|c| {
                    ds.municipality(*c)
                        .map_or(String::new(), |m| m.region.clone())
                })
                .collect(),
            "regionen".into(),
        ),
    };
    let mut distinct: Vec<&String> = names.iter().collect();
    distinct.sort();
    distinct.dedup();
    let trend = names
        .iter()
        .map(|n| distinct.binary_search(&n).expect("listed"))
        .collect();
    let model = if cfg.expected.specs.is_empty() {
        None
    } else {
        let (fits, _, _) = model::fit_with(
            cfg,
            ds,
            periods,
            bases,
            &|g| model::configured_spec(cfg, g),
            false,
        )?;
        Some(fits)
    };
    Ok((
        Carrier {
            cfg,
            bases,
            trend,
            model,
        },
        label,
    ))
}

impl Choice {
    fn new(group: &GroupId, method: ContinueMethod, by: &'static str) -> Choice {
        Choice {
            group: group.clone(),
            method,
            by,
            persistence: 0.0,
            persistence_by: "default",
            curves: Vec::new(),
        }
    }
}

/// What [`assess`] finds: the published periods, their lists, the choices and the scores.
struct Assessment {
    published: Vec<Period>,
    official: BTreeMap<(Period, GroupId), Official>,
    choices: Vec<Choice>,
    scores: Vec<Score>,
}

/// The backtest and method choice on the published lists among `periods`.
fn assess(
    cfg: &Config,
    carrier: &Carrier,
    periods: &[Period],
    configured: &dyn Fn(&GroupId) -> ContinueMethod,
    persistence: Option<f64>,
) -> Assessment {
    let (published, official) = officials(cfg, periods, carrier.bases);
    let trial = backtest::run(carrier, &official, &published, None);
    let mut choices = choose(cfg, configured, &trial);
    for c in &mut choices {
        match persistence {
            Some(w) => {
                c.persistence = w;
                c.persistence_by = "config";
            }
            None => {
                c.curves = backtest::persistence_curves(
                    carrier, &official, &published, &c.group, c.method,
                );
                if !c.curves.is_empty() {
                    c.persistence = backtest::best_persistence(c.curves.iter().map(|(_, k)| k));
                    c.persistence_by = "backtest";
                }
            }
        }
    }
    let chosen = |g: &GroupId, to: &Period| {
        choices.iter().find(|c| &c.group == g).map_or(
            Plan {
                method: ContinueMethod::National,
                persistence: 0.0,
            },
            |c| c.plan_without(to),
        )
    };
    let scores = backtest::run(carrier, &official, &published, Some(&chosen));
    Assessment {
        published,
        official,
        choices,
        scores,
    }
}

/// Supplied mode: the backtest of carrying the ministry's lists forward, shown on the method
/// page so a committee knows what a continuation would be worth. `None` without two published
/// lists a year or two apart.
pub fn backtest_only(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
) -> anyhow::Result<Option<Report>> {
    let (carrier, trend_groups) = carrier(cfg, ds, periods, bases)?;
    let Assessment {
        published,
        choices,
        scores: backtest,
        ..
    } = assess(cfg, &carrier, periods, &|_| ContinueMethod::Auto, None);
    if backtest.is_empty() {
        return Ok(None);
    }
    let errors = errors(cfg, &backtest);
    Ok(Some(Report {
        from: None,
        published,
        trend_groups,
        choices,
        backtest,
        errors,
        lists: Vec::new(),
    }))
}

/// Continued mode: every list's expected shares — the ministry's up to `from`, carried after
/// it — with the continued lists' prediction variance. `bases` must already be stripped.
pub fn continue_lists(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
) -> anyhow::Result<Continuation> {
    let c = cfg
        .expected
        .continued
        .as_ref()
        .expect("continued mode has [expected.continued]");
    let from = &c.from;
    check_from(cfg, c, periods, bases)?;
    let earlier: Vec<Period> = periods.iter().filter(|p| *p <= from).cloned().collect();
    let (carrier, trend_groups) = carrier(cfg, ds, periods, bases)?;
    let Assessment {
        published,
        official,
        choices,
        scores: backtest,
    } = assess(cfg, &carrier, &earlier, &|g| c.method_of(g), c.persistence);
    if let Some(p) = earlier.iter().find(|p| !published.contains(p)) {
        bail_input!(
            "period {p}: the data has no expected figures for every group and municipality; in continued mode every period up to expected.continued.from ({from}) is the ministry's own list"
        );
    }
    let errors = errors(cfg, &backtest);
    let chosen = |g: &GroupId| {
        choices.iter().find(|c| &c.group == g).map_or(
            Plan {
                method: ContinueMethod::National,
                persistence: 0.0,
            },
            Choice::plan,
        )
    };
    let mut expected = BTreeMap::new();
    let mut pred_var = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut lists = Vec::new();
    let start = backtest::start_of(&carrier, &official, from);
    for p in periods {
        if p <= from {
            for g in &cfg.groups {
                let key = (p.clone(), g.id.clone());
                expected.insert(key.clone(), official[&key].expected_share.clone());
                sources.insert(key, ExpectedSource::Ministry);
            }
            continue;
        }
        let h = months_between(from, p).expect("later");
        let carried = carrier.carry_all(&chosen, from, &start, p);
        for (g, shares) in carried {
            let key = (p.clone(), g.clone());
            let (sd, basis) = error_at(&errors, &g, h);
            if let Some(sd) = sd {
                pred_var.insert(key.clone(), vec![sd * sd; shares.len()]);
            }
            lists.push(ListError {
                period: p.clone(),
                group: g.clone(),
                horizon_months: h,
                sd_pp: sd,
                from_horizon: basis,
            });
            expected.insert(key.clone(), shares);
            sources.insert(
                key,
                ExpectedSource::Continued {
                    from: from.clone(),
                    horizon_months: h,
                },
            );
        }
    }
    Ok(Continuation {
        expected,
        pred_var,
        sources,
        report: Report {
            from: Some(from.clone()),
            published,
            trend_groups,
            choices,
            backtest,
            errors,
            lists,
        },
    })
}

/// The list to carry forward must be in the data, with the ministry's expected figures for
/// every group and municipality.
fn check_from(
    cfg: &Config,
    c: &crate::config::continued::Continued,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
) -> anyhow::Result<()> {
    let from = &c.from;
    if !periods.contains(from) {
        let labels: Vec<&str> = periods.iter().map(Period::label).collect();
        return Err(cfg.error_at(
            &c.from_at,
            format!(
                "expected.continued.from: the ministry's list {} is not in the data; the data has {}",
                from.label(),
                labels.join(", ")
            ),
        ));
    }
    for g in &cfg.groups {
        if official(&bases[&(from.clone(), g.id.clone())]).is_none() {
            return Err(cfg.error_at(
                &c.from_at,
                format!(
                    "expected.continued.from: period {} has no expected figures (the ministry's forventet antal or andel) for group {} for every municipality; the list to carry forward must have them",
                    from.label(),
                    g.id
                ),
            ));
        }
    }
    Ok(())
}

/// The error of a group's continued share at horizon `h`: the backtested RMSE at the shortest
/// horizon at least as long; beyond the longest, that one scaled by √(h / longest), as errors
/// that accumulate like a random walk would.
fn error_at(errors: &[ErrorSize], g: &GroupId, h: u32) -> (Option<f64>, Option<u32>) {
    let mine: Vec<&ErrorSize> = errors.iter().filter(|e| &e.group == g).collect();
    if let Some(e) = mine
        .iter()
        .filter(|e| e.horizon_months >= h)
        .min_by_key(|e| e.horizon_months)
    {
        return (Some(e.rmse_pp), Some(e.horizon_months));
    }
    match mine.iter().max_by_key(|e| e.horizon_months) {
        Some(e) => (
            Some(e.rmse_pp * (f64::from(h) / f64::from(e.horizon_months)).sqrt()),
            Some(e.horizon_months),
        ),
        None => (None, None),
    }
}
