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

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bail_input;
use crate::compute::base::Base;
use crate::compute::model;
use crate::compute::rank::competition_rank;
use crate::config::continued::ContinueMethod;
use crate::config::Config;
use crate::input::Dataset;
use crate::keys::{GroupId, Period};
use backtest::{months_between, Official, Predictor, Score};
use carry::{Carrier, Lists, Plan};

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

/// Each ordinary group's method: configured, else the best mean one-year backtest Spearman
/// (ties settled in [`ContinueMethod::CONCRETE`]'s order), else `national` without a backtest.
fn choose(
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

/// Pooled RMSE of the chosen predictor per group and horizon.
fn errors(cfg: &Config, scores: &[Score]) -> Vec<ErrorSize> {
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
