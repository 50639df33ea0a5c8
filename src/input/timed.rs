//! Figures by quarter, month or year → figures by period. A full-time person is an average over
//! time, so a period's figure is the mean over the period's quarters (or months, or its one
//! year): `2022QMAT04` = mean of 2022Q1–2022Q4. A quarter missing for a municipality is an error
//! that names it, never a mean over fewer quarters.

use std::collections::BTreeMap;

use super::dimensional::Observation;
use crate::bail_input;
use crate::config::{Input, InputRole, Unit};
use crate::keys::{Kommunekode, Period, Span};

/// (benefit, municipality) → time → (value, where).
type Values = BTreeMap<(Option<String>, Kommunekode), BTreeMap<Period, (Option<f64>, String)>>;

/// The timed figures of one benchmark or population input.
#[derive(Debug)]
pub(super) struct TimedInput {
    pub origin: String,
    pub role: InputRole,
    /// Periods the input asks for besides the others.
    pub periods: Vec<Period>,
    /// How the source rounds its values (means of rounded values are no finer).
    pub rounding: super::agree::Rounding,
    values: Values,
}

/// One period's figure of one series.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Formed {
    pub benefit: Option<String>,
    pub code: Kommunekode,
    pub value: f64,
    /// "file (mean of 2022Q1–2022Q4)".
    pub at: String,
}

fn span_rank(s: Span) -> u8 {
    match s {
        Span::Month(_) => 0,
        Span::Quarter(_) => 1,
        Span::FourQuarters(_) => 2,
        Span::Year => 3,
    }
}

impl TimedInput {
    /// Collects an input's observations, converting benefit weeks or hours to full-time persons
    /// in each observation's own time unit (METHOD.md §3).
    pub(super) fn new(
        origin: &str,
        inp: &Input,
        rows: Vec<Observation>,
    ) -> anyhow::Result<TimedInput> {
        let mut values: Values = BTreeMap::new();
        for o in rows {
            let weeks = o.time.weeks();
            let v = o.value.map(|v| match inp.unit {
                Unit::Persons => v,
                Unit::Weeks => v / weeks,
                Unit::Hours => v / inp.hours_per_week / weeks,
            });
            if let Some(v) = v {
                if v < 0.0 {
                    bail_input!("{}: {v} is negative; a count cannot be", o.at);
                }
            }
            values
                .entry((o.benefit, o.code))
                .or_default()
                .insert(o.time, (v, o.at));
        }
        let rounding = super::agree::Rounding::of_counts(
            values.values().flat_map(|t| t.values().filter_map(|v| v.0)),
        );
        Ok(TimedInput {
            origin: origin.to_string(),
            role: inp.role,
            periods: inp.periods.clone(),
            rounding,
            values,
        })
    }

    /// The figures of `period`: empty when the input holds none of its time units; an error
    /// when it holds some but not all for a municipality, or a value is missing (`..`).
    pub(super) fn form(&self, period: &Period) -> anyhow::Result<Vec<Formed>> {
        let mut spans: Vec<Span> = self
            .values
            .values()
            .flat_map(|m| m.keys().map(|p| p.span()))
            .collect();
        spans.sort_by_key(|s| span_rank(*s));
        spans.dedup_by_key(|s| span_rank(*s));
        // A period label itself (a file by period) is used as is; else the finest unit that
        // makes up the period.
        let units = if self.values.values().any(|m| m.contains_key(period)) {
            vec![period.clone()]
        } else {
            match spans.iter().find_map(|s| period.units(*s)) {
                Some(u) => u,
                None => return Ok(Vec::new()),
            }
        };
        let covered = self
            .values
            .values()
            .any(|m| units.iter().any(|u| m.contains_key(u)));
        if !covered {
            return Ok(Vec::new());
        }
        let range = match (units.first(), units.last()) {
            (Some(a), Some(b)) if a != b => format!("mean of {a}–{b}"),
            (Some(a), _) => a.label().to_string(),
            _ => String::new(),
        };
        let mut out = Vec::with_capacity(self.values.len());
        for ((benefit, code), series) in &self.values {
            let missing: Vec<&str> = units
                .iter()
                .filter(|u| !series.contains_key(u))
                .map(|u| u.label())
                .collect();
            let what = || {
                format!(
                    "kommune {code}{}",
                    benefit
                        .as_ref()
                        .map_or(String::new(), |b| format!(", {b:?}"))
                )
            };
            if missing.len() == units.len() {
                // Some inputs list a municipality only for some years; it is then simply
                // absent from this period (and reported missing if the period needs it).
                continue;
            }
            if !missing.is_empty() {
                bail_input!(
                    "{}: period {period} is the {range}, but {} has no value for {}",
                    self.origin,
                    what(),
                    missing.join(", ")
                );
            }
            let mut sum = 0.0;
            for u in &units {
                let (v, at) = &series[u];
                match v {
                    Some(v) => sum += v,
                    None => bail_input!(
                        "{at}: {} has no value (..) for {u}, which period {period} needs",
                        what()
                    ),
                }
            }
            out.push(Formed {
                benefit: benefit.clone(),
                code: *code,
                value: sum / units.len() as f64,
                at: format!("{} ({range})", self.origin),
            });
        }
        Ok(out)
    }
}
