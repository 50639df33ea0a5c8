//! `[status]`, `[[targets]]` and `[agenda]`: the status report per target group (målgruppe),
//! the targets followed up in it and on the benchmark pages, and the agenda item's own texts
//! (the Word sagsfremstilling). Raw serde structs and their checks live together: what these
//! reports need to know before any data is read.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::check::Src;
use super::raw::RawConfig;
use super::{Group, Location};
use crate::keys::{GroupId, Period};

/// `[status]`, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawStatus {
    /// The status report's title. Default: "Status på målgrupper".
    #[serde(default = "default_status_title")]
    pub title: String,
    /// The periods shown, two or more, oldest first (quarters `2022Q4`, months `2022M06`,
    /// rolling years `2022QMAT04` or years). Default: the comparison period and the current one.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub periods: Vec<Spanned<String>>,
    /// The target groups, as rows in this order (group ids; a group with `part-of` is shown as
    /// a "heraf" row under its parent). Default: every group.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub groups: Vec<Spanned<String>>,
}

fn default_status_title() -> String {
    "Status på målgrupper".into()
}

/// What a target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// The percent change from `from` to `to` at least as good as the whole country's.
    AsCountry,
    /// The share of the population 16–66 at `period` below the whole country's
    /// (`versus = "country"`) or the comparison group's (`versus = "comparison"`).
    ShareBelow,
    /// Fewer than `fewer-than` or more than `more-than` full-time persons at `period`.
    Count,
    /// Down (or up, `direction = "up"`) from `from` to `to`.
    Change,
}

/// Which reference a share target compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Versus {
    /// The whole country.
    #[default]
    Country,
    /// The comparison group (klynge).
    Comparison,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Fewer is better (benefits).
    #[default]
    Down,
    /// More is better (fleksjob, employment).
    Up,
}

/// `[[targets]]`, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawTarget {
    /// The goal in Danish, as the strategy words it (e.g. "Færre unge ledige"). Default: made
    /// from the kind.
    #[serde(default)]
    pub text: Option<String>,
    /// The group (id). Required.
    #[schemars(with = "String")]
    pub group: Spanned<String>,
    /// `as-country`, `share-below`, `count` or `change`. Required.
    pub kind: TargetKind,
    /// First period (`as-country`, `change`). Default: the status report's first period.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub from: Option<Spanned<String>>,
    /// Last period (`as-country`, `change`). Default: the status report's last period.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub to: Option<Spanned<String>>,
    /// The period measured (`share-below`, `count`). Default: the status report's last period.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub period: Option<Spanned<String>>,
    /// `country` (default) or `comparison` (`share-below`).
    #[serde(default)]
    pub versus: Versus,
    /// `down` (default: fewer is better) or `up` (`as-country`, `change`).
    #[serde(default)]
    pub direction: Direction,
    /// The goal of `count`: fewer than this many full-time persons.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub fewer_than: Option<Spanned<f64>>,
    /// The goal of `count`: more than this many full-time persons.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub more_than: Option<Spanned<f64>>,
}

/// `[agenda]`: the texts of the agenda item (dagsordenspunkt) the Word file holds.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawAgenda {
    /// The committee. Default: "Beskæftigelsesudvalget".
    #[serde(default = "default_committee")]
    pub committee: String,
    /// The Indstilling, one paragraph each. Default: that the committee takes the orientation
    /// to note ("… tager orienteringen til efterretning").
    #[serde(default)]
    pub indstilling: Vec<String>,
}

impl Default for RawAgenda {
    fn default() -> Self {
        RawAgenda {
            committee: default_committee(),
            indstilling: Vec::new(),
        }
    }
}

fn default_committee() -> String {
    "Beskæftigelsesudvalget".into()
}

/// `[status]`, checked.
#[derive(Debug, Clone)]
pub struct Status {
    pub title: String,
    /// Two or more, oldest first.
    pub periods: Vec<Period>,
    /// The rows, in order.
    pub groups: Vec<GroupId>,
}

/// A target's goal, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Goal {
    /// Percent change from → to at least as good as the country's.
    AsCountry {
        from: Period,
        to: Period,
        direction: Direction,
    },
    /// Share at `period` below the reference's.
    ShareBelow { period: Period, versus: Versus },
    /// Fewer than / more than `limit` at `period`.
    Count {
        period: Period,
        limit: f64,
        direction: Direction,
    },
    /// Down / up from → to.
    Change {
        from: Period,
        to: Period,
        direction: Direction,
    },
}

/// `[[targets]]`, checked.
#[derive(Debug, Clone)]
pub struct Target {
    pub text: Option<String>,
    pub group: GroupId,
    pub goal: Goal,
    /// Where it is written.
    pub at: Location,
}

/// `[agenda]`, checked.
#[derive(Debug, Clone)]
pub struct Agenda {
    pub committee: String,
    pub indstilling: Vec<String>,
}

/// Checks `[status]`: periods parse, in order, at least two; rows name known groups once.
pub(super) fn check_status(
    src: &Src,
    raw: &RawConfig,
    groups: &[&Group],
    default_periods: [Period; 2],
) -> anyhow::Result<Option<Status>> {
    let Some(s) = &raw.status else {
        return Ok(None);
    };
    let mut periods = Vec::new();
    for p in &s.periods {
        let period = src.period("status.periods", p.span(), p.get_ref())?;
        if periods.last().is_some_and(|last: &Period| *last >= period) {
            return Err(src.error_at(
                p.span(),
                format!("status.periods: {period} is not later than the period before it; list them oldest first, each once"),
            ));
        }
        periods.push(period);
    }
    if periods.is_empty() {
        periods = default_periods.to_vec();
    } else if periods.len() < 2 {
        return Err(src.error(
            "status.periods: a status report compares two or more periods; list at least two",
        ));
    }
    let mut rows = Vec::new();
    for g in &s.groups {
        let id = known_group(src, "status.groups", g, groups)?;
        if rows.contains(&id) {
            return Err(src.error_at(g.span(), format!("status.groups: {id} is listed twice")));
        }
        rows.push(id);
    }
    if rows.is_empty() {
        rows = groups.iter().map(|g| g.id.clone()).collect();
    }
    Ok(Some(Status {
        title: s.title.clone(),
        periods,
        groups: rows,
    }))
}

fn known_group(
    src: &Src,
    key: &str,
    g: &Spanned<String>,
    groups: &[&Group],
) -> anyhow::Result<GroupId> {
    match groups.iter().find(|x| x.id.as_str() == g.get_ref()) {
        Some(x) => Ok(x.id.clone()),
        None => {
            let known: Vec<&str> = groups.iter().map(|x| x.id.as_str()).collect();
            Err(src.error_at(
                g.span(),
                format!(
                    "{key}: {:?} is not a configured group; groups are {}",
                    crate::error::excerpt(g.get_ref(), 40),
                    known.join(", ")
                ),
            ))
        }
    }
}

/// Checks `[[targets]]`: a known group; periods parse and are periods of the status report
/// (or the benchmark's current and comparison period without `[status]`); each kind has what
/// it needs and nothing it ignores.
pub(super) fn check_targets(
    src: &Src,
    raw: &RawConfig,
    groups: &[&Group],
    periods: &[Period],
) -> anyhow::Result<Vec<Target>> {
    let mut out = Vec::new();
    for t in &raw.targets {
        let group = known_group(src, "targets.group", &t.group, groups)?;
        let check = TargetCheck { src, t, periods };
        out.push(Target {
            text: t.text.clone(),
            group,
            goal: check.goal()?,
            at: src.at(t.group.span()),
        });
    }
    Ok(out)
}

/// One `[[targets]]` entry against the periods it may name.
struct TargetCheck<'a> {
    src: &'a Src<'a>,
    t: &'a RawTarget,
    periods: &'a [Period],
}

impl TargetCheck<'_> {
    /// A period key: absent → `default`; given → one of the status periods.
    fn period(
        &self,
        key: &str,
        p: &Option<Spanned<String>>,
        default: &Period,
    ) -> anyhow::Result<Period> {
        let Some(p) = p else {
            return Ok(default.clone());
        };
        let parsed = self
            .src
            .period(&format!("targets.{key}"), p.span(), p.get_ref())?;
        if !self.periods.contains(&parsed) {
            let listed: Vec<&str> = self.periods.iter().map(|p| p.label()).collect();
            return Err(self.src.error_at(
                p.span(),
                format!(
                    "targets.{key}: {parsed} is not a period of the status report ({}); add it to status.periods",
                    listed.join(", ")
                ),
            ));
        }
        Ok(parsed)
    }

    /// A key this kind of target does not read is an error, not silently ignored.
    fn ignored(&self, key: &str, set: bool) -> anyhow::Result<()> {
        if set {
            return Err(self.src.error_at(
                self.t.group.span(),
                format!(
                    "targets: `{key}` is not read by a target of kind {:?}",
                    self.t.kind
                ),
            ));
        }
        Ok(())
    }

    fn goal(&self) -> anyhow::Result<Goal> {
        let t = self.t;
        let first = &self.periods[0];
        let last = &self.periods[self.periods.len() - 1];
        Ok(match t.kind {
            TargetKind::AsCountry | TargetKind::Change => {
                self.ignored("period", t.period.is_some())?;
                self.ignored(
                    "fewer-than/more-than",
                    t.fewer_than.is_some() || t.more_than.is_some(),
                )?;
                let from = self.period("from", &t.from, first)?;
                let to = self.period("to", &t.to, last)?;
                if from >= to {
                    return Err(self.src.error_at(
                        t.from.as_ref().map_or(t.group.span(), |f| f.span()),
                        format!("targets.from: {from} must be earlier than targets.to ({to})"),
                    ));
                }
                let direction = t.direction;
                if t.kind == TargetKind::AsCountry {
                    Goal::AsCountry {
                        from,
                        to,
                        direction,
                    }
                } else {
                    Goal::Change {
                        from,
                        to,
                        direction,
                    }
                }
            }
            TargetKind::ShareBelow => {
                self.ignored("from/to", t.from.is_some() || t.to.is_some())?;
                self.ignored(
                    "fewer-than/more-than",
                    t.fewer_than.is_some() || t.more_than.is_some(),
                )?;
                Goal::ShareBelow {
                    period: self.period("period", &t.period, last)?,
                    versus: t.versus,
                }
            }
            TargetKind::Count => self.count(last)?,
        })
    }

    fn count(&self, last: &Period) -> anyhow::Result<Goal> {
        let t = self.t;
        self.ignored("from/to", t.from.is_some() || t.to.is_some())?;
        let (limit, direction) = match (&t.fewer_than, &t.more_than) {
            (Some(n), None) => (n, Direction::Down),
            (None, Some(n)) => (n, Direction::Up),
            _ => {
                return Err(self.src.error_at(
                    t.group.span(),
                    "targets: a target of kind \"count\" needs exactly one of `fewer-than` and `more-than`",
                ))
            }
        };
        if !limit.get_ref().is_finite() || *limit.get_ref() < 0.0 {
            return Err(self.src.error_at(
                limit.span(),
                "targets: the number of full-time persons must be a finite number ≥ 0",
            ));
        }
        Ok(Goal::Count {
            period: self.period("period", &t.period, last)?,
            limit: *limit.get_ref(),
            direction,
        })
    }
}

/// `[agenda]` with its defaults.
pub(super) fn check_agenda(raw: &RawConfig) -> Agenda {
    let a = &raw.agenda;
    let indstilling = if a.indstilling.is_empty() {
        vec![format!(
            "Forvaltningen indstiller, at {} tager orienteringen om kommunens placering i benchmarkingen til efterretning.",
            a.committee
        )]
    } else {
        a.indstilling.clone()
    };
    Agenda {
        committee: a.committee.clone(),
        indstilling,
    }
}
