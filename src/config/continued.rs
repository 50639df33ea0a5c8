//! `[expected.continued]` and `[[breaks]]`: carrying the ministry's last list forward to later
//! periods (METHOD.md §5, "Continuing the list"), and the series breaks that trends, improvement
//! and continuation must respect. Raw serde structs and their checks live together here because
//! they are one job: what a continuation needs to know before any data is read.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Group, InputFile, Location};
use crate::keys::{GroupId, Period};

/// How a continued expected share is carried from the ministry's last list to a later period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContinueMethod {
    /// Per group, the method with the best one-year backtest (Spearman of the ranks).
    #[default]
    Auto,
    /// The share × the national development of the actual share.
    National,
    /// The share × the development of the actual share in the municipality's trend group
    /// (`expected.continued.trend-groups`, else its region).
    Group,
    /// The share + the open model's change between the two periods (needs `expected.variables`).
    Model,
    /// The mean of `national` and `model`.
    MeanNationalModel,
    /// The mean of `group` and `model`.
    MeanGroupModel,
}

impl ContinueMethod {
    /// Every concrete method, in the order a tie in the backtest is settled.
    pub const CONCRETE: [ContinueMethod; 5] = [
        ContinueMethod::MeanGroupModel,
        ContinueMethod::MeanNationalModel,
        ContinueMethod::Group,
        ContinueMethod::National,
        ContinueMethod::Model,
    ];

    /// The name as written in the config.
    pub fn name(self) -> &'static str {
        match self {
            ContinueMethod::Auto => "auto",
            ContinueMethod::National => "national",
            ContinueMethod::Group => "group",
            ContinueMethod::Model => "model",
            ContinueMethod::MeanNationalModel => "mean-national-model",
            ContinueMethod::MeanGroupModel => "mean-group-model",
        }
    }

    /// Whether the method needs the open model's fits.
    pub fn needs_model(self) -> bool {
        matches!(
            self,
            ContinueMethod::Model
                | ContinueMethod::MeanNationalModel
                | ContinueMethod::MeanGroupModel
        )
    }

    /// The method in Danish, for pages and sentences.
    pub fn danish(self, trend_groups: &str) -> String {
        match self {
            ContinueMethod::Auto => "valgt efter tilbagetesten".into(),
            ContinueMethod::National => "landsudviklingen i den faktiske andel".into(),
            ContinueMethod::Group => format!("udviklingen i den faktiske andel i {trend_groups}"),
            ContinueMethod::Model => "den åbne models ændring af rammevilkårene".into(),
            ContinueMethod::MeanNationalModel => {
                "gennemsnittet af landsudviklingen og den åbne models ændring af rammevilkårene"
                    .into()
            }
            ContinueMethod::MeanGroupModel => format!(
                "gennemsnittet af udviklingen i {trend_groups} og den åbne models ændring af rammevilkårene"
            ),
        }
    }
}

/// `[expected.continued]`, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawContinued {
    /// The period of the ministry's last list, whose expected figures are carried forward
    /// (e.g. `2021QMAT04`). Required; must be earlier than `report.period`.
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// `auto` (default: per group the method with the best one-year backtest), `national`,
    /// `group`, `model`, `mean-national-model` or `mean-group-model`.
    #[serde(default)]
    pub method: ContinueMethod,
    /// Per-group methods, keyed by group id (ordinary groups; a total is its members' sum).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, ContinueMethod>")]
    pub groups: BTreeMap<String, Spanned<ContinueMethod>>,
    /// The weight (0–1) each municipality's gap in the list carried from keeps in the continued
    /// gap — gaps persist from year to year. Default: chosen by the one-year backtest (0 when
    /// there is none); `0` switches it off.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub persistence: Option<Spanned<f64>>,
    /// Statistics Denmark's KOMGRP classification (`kommunegrupper.csv`, `;`-separated, level 1 =
    /// group, level 2 = municipality) for the `group` method. Default: the regions.
    #[serde(default)]
    #[schemars(with = "Option<PathBuf>")]
    pub trend_groups: Option<Spanned<PathBuf>>,
}

/// What an improvement across a break becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BreakImprovement {
    /// Left out (default): a change across a break is not a change of the effort.
    #[default]
    Omit,
    /// Shown, labelled with the break.
    Label,
}

/// `[[breaks]]`: a series break, as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawBreak {
    /// The first day of the new series, ISO `YYYY-MM-DD`. Required.
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// The groups it affects (ids). Default: every group.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub groups: Vec<Spanned<String>>,
    /// What changed, in Danish, for the pages (e.g. "Kontanthjælp og uddannelseshjælp lægges
    /// sammen"). Required.
    pub text: String,
    /// `omit` (default) or `label`: an improvement whose two periods lie on both sides.
    #[serde(default)]
    pub improvement: BreakImprovement,
}

/// `[expected.continued]`, checked.
#[derive(Debug, Clone)]
pub struct Continued {
    /// The ministry's last list.
    pub from: Period,
    /// Where `from` is written.
    pub from_at: Location,
    /// The default method.
    pub method: ContinueMethod,
    /// Per-group methods.
    pub groups: BTreeMap<GroupId, ContinueMethod>,
    /// The KOMGRP classification file, when configured.
    pub trend_groups: Option<InputFile>,
    /// A fixed persistence weight; `None` = chosen by the backtest.
    pub persistence: Option<f64>,
}

impl Continued {
    /// The configured method of an ordinary group (`Auto` = chosen by the backtest).
    pub fn method_of(&self, g: &GroupId) -> ContinueMethod {
        self.groups.get(g).copied().unwrap_or(self.method)
    }
}

/// A checked series break.
#[derive(Debug, Clone)]
pub struct Break {
    /// First day of the new series as (year, month, day).
    pub date: (i32, u32, u32),
    /// Affected groups; empty = all.
    pub groups: Vec<GroupId>,
    /// The Danish text.
    pub text: String,
    /// What an improvement across it becomes.
    pub improvement: BreakImprovement,
}

impl Break {
    /// Whether the break affects the group (a total is affected through its members).
    pub fn affects(&self, g: &Group) -> bool {
        self.groups.is_empty()
            || self.groups.contains(&g.id)
            || g.total_of.iter().any(|m| self.groups.contains(m))
    }

    /// Whether the break lies between two periods: after the first day of `earlier` and no
    /// later than the last day of `later` — a comparison of the two mixes old and new series.
    pub fn between(&self, earlier: &Period, later: &Period) -> bool {
        let (y, m) = earlier.months()[0];
        let first = (y, u32::from(m), 1);
        let last = later.end_date();
        self.date > first && self.date <= last
    }

    /// The date in Danish, e.g. "1. juli 2025".
    pub fn date_words(&self) -> String {
        let (y, m, d) = self.date;
        format!("{d}. {} {y}", crate::keys::month_name(m))
    }
}

/// Parses an ISO date `YYYY-MM-DD` into (year, month, day), checking the day exists.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    Some((d.year(), d.month(), d.day()))
}

/// Checks `[expected.continued]` against the mode, the groups and the current period.
pub(super) fn check(
    src: &super::check::Src,
    raw: &super::raw::RawConfig,
    groups: &[Group],
    has_model: bool,
) -> anyhow::Result<Option<Continued>> {
    let e = &raw.expected;
    let c = match (&e.continued, e.mode) {
        (None, super::Mode::Continued) => {
            return Err(src.error(
                "expected.mode = \"continued\" needs [expected.continued] with `from`, the period of the ministry's last list",
            ))
        }
        (None, _) => return Ok(None),
        (Some(_), super::Mode::Supplied | super::Mode::Model) => {
            return Err(src.error(
                "[expected.continued] is only read with expected.mode = \"continued\"",
            ))
        }
        (Some(c), super::Mode::Continued) => c,
    };
    let from = src.period("expected.continued.from", c.from.span(), c.from.get_ref())?;
    let current = &raw.report.period;
    let current_p: Period = current
        .get_ref()
        .parse()
        .map_err(|e| src.error_at(current.span(), format!("report.period: {e}")))?;
    if from >= current_p {
        return Err(src.error_at(
            c.from.span(),
            format!(
                "expected.continued.from: the ministry's list {} is not earlier than report.period {}; a continued list carries an earlier list forward",
                from.label(),
                current_p.label()
            ),
        ));
    }
    let per_group = methods(src, c, groups, has_model)?;
    let trend_groups = match &c.trend_groups {
        Some(t) => {
            let path = src.resolve(t.get_ref());
            if !path.is_file() {
                return Err(src.error_at(
                    t.span(),
                    format!(
                        "expected.continued.trend-groups: file {} does not exist",
                        path.display()
                    ),
                ));
            }
            Some(InputFile {
                written: t.get_ref().clone(),
                path,
            })
        }
        None => None,
    };
    let persistence = match &c.persistence {
        Some(w) if !(0.0..=1.0).contains(w.get_ref()) => {
            return Err(src.error_at(
                w.span(),
                format!(
                    "expected.continued.persistence: expected a weight from 0 to 1, found {}",
                    w.get_ref()
                ),
            ))
        }
        Some(w) => Some(*w.get_ref()),
        None => None,
    };
    Ok(Some(Continued {
        persistence,
        from,
        from_at: src.at(c.from.span()),
        method: c.method,
        groups: per_group,
        trend_groups,
    }))
}

/// The method per group (known, not a total) and for the rest, each one the data can run.
fn methods(
    src: &super::check::Src,
    c: &RawContinued,
    groups: &[Group],
    has_model: bool,
) -> anyhow::Result<BTreeMap<GroupId, ContinueMethod>> {
    let mut per_group = BTreeMap::new();
    for (id, m) in &c.groups {
        let Some(g) = groups.iter().find(|g| g.id.as_str() == id) else {
            return Err(src.error_at(
                m.span(),
                format!("expected.continued.groups.{id}: {id:?} is not a configured group"),
            ));
        };
        if g.is_total() {
            return Err(src.error_at(
                m.span(),
                format!("expected.continued.groups.{id}: {id:?} is a total; its continued figure is the sum of its groups'"),
            ));
        }
        per_group.insert(g.id.clone(), *m.get_ref());
    }
    let fixed = std::iter::once((c.method, None))
        .chain(c.groups.values().map(|m| (*m.get_ref(), Some(m.span()))));
    for (m, span) in fixed {
        if m.needs_model() && !has_model {
            let msg = format!(
                "expected.continued: method {:?} needs the open model: set expected.variables and an input with role = \"rammevilkaar\"",
                m.name()
            );
            return Err(match span {
                Some(s) => src.error_at(s, msg),
                None => src.error(msg),
            });
        }
    }
    Ok(per_group)
}

/// Checks `[[breaks]]`: real dates, known groups, a text; sorted by date.
pub(super) fn check_breaks(
    src: &super::check::Src,
    raw: &super::raw::RawConfig,
    groups: &[Group],
) -> anyhow::Result<Vec<Break>> {
    let mut out = Vec::new();
    for b in &raw.breaks {
        let date = parse_date(b.date.get_ref()).ok_or_else(|| {
            src.error_at(
                b.date.span(),
                format!(
                    "breaks.date: expected a date YYYY-MM-DD, found {:?}",
                    crate::error::excerpt(b.date.get_ref(), 40)
                ),
            )
        })?;
        let mut ids = Vec::new();
        for g in &b.groups {
            if !groups.iter().any(|x| x.id.as_str() == g.get_ref()) {
                return Err(src.error_at(
                    g.span(),
                    format!("breaks.groups: {:?} is not a configured group", g.get_ref()),
                ));
            }
            ids.push(GroupId::new(g.get_ref().clone()));
        }
        if b.text.trim().is_empty() {
            return Err(src.error_at(
                b.date.span(),
                "breaks.text: say in Danish what changed at the break",
            ));
        }
        out.push(Break {
            date,
            groups: ids,
            text: b.text.trim().to_string(),
            improvement: b.improvement,
        });
    }
    out.sort_by_key(|b| b.date);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_leap_days_are_checked() {
        assert_eq!(parse_date("2025-07-01"), Some((2025, 7, 1)));
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("1. juli"), None);
    }

    #[test]
    fn a_break_lies_between_periods_that_straddle_it() {
        let b = Break {
            date: (2022, 7, 1),
            groups: vec![],
            text: "x".into(),
            improvement: BreakImprovement::Omit,
        };
        let p = |s: &str| s.parse::<Period>().unwrap();
        assert!(b.between(&p("2021QMAT04"), &p("2022QMAT04")));
        // 2022QMAT04 itself begins 2022-01-01, before the break, and ends after it.
        assert!(b.between(&p("2022QMAT02"), &p("2022QMAT04")));
        assert!(!b.between(&p("2020QMAT04"), &p("2021QMAT04")));
        assert!(b.between(&p("2022QMAT04"), &p("2023QMAT04")));
        assert!(!b.between(&p("2023QMAT04"), &p("2024QMAT04")));
    }
}
