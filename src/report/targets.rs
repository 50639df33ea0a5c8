//! The targets followed up on a page, an appendix and in Word: Nået / Ikke nået / Kan ikke
//! måles, the sentence the config gives (or one written from the goal), and the numbers behind.

use serde::Serialize;

use super::fmt::count;
use super::status::{comparison_words, pct, share_text};
use crate::compute::status::{evaluate, Outcome, State, StatusFigures};
use crate::config::status::{Direction, Goal, Target, Versus};
use crate::config::Config;
use crate::input::Dataset;
use crate::keys::Kommunekode;

/// One target followed up.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    /// The goal, e.g. "Udvikling på niveau med hele landet".
    pub goal: String,
    /// The group's label.
    pub group: String,
    /// `met`, `not-met` or `not-measurable`.
    pub state: State,
    /// "Nået", "Ikke nået", "Kan ikke måles".
    pub state_text: String,
    /// The sentence with the numbers behind it.
    pub sentence: String,
}

/// Every target followed up for one municipality.
pub fn targets(cfg: &Config, ds: &Dataset, f: &StatusFigures, c: Kommunekode) -> Vec<TargetView> {
    cfg.targets
        .iter()
        .map(|t| target_view(cfg, ds, f, t, c))
        .collect()
}

fn target_view(
    cfg: &Config,
    ds: &Dataset,
    f: &StatusFigures,
    t: &Target,
    c: Kommunekode,
) -> TargetView {
    let o = evaluate(f, t, c);
    let group = cfg
        .any_group(&t.group)
        .map_or(t.group.to_string(), |g| g.label.clone());
    let label = super::sentences::label_in_sentence(&group);
    let name = ds.name(c);
    let d = cfg.presentation.decimals;
    let (comparison, _) = comparison_words(cfg, ds, f, c);
    let goal = t
        .text
        .clone()
        .unwrap_or_else(|| default_goal(&t.goal, &label, &comparison));
    let state_text = match o.state {
        State::Met => "Nået",
        State::NotMet => "Ikke nået",
        State::NotMeasurable => "Kan ikke måles",
    };
    let verdict = match o.state {
        State::Met => "er nået",
        State::NotMet => "er ikke nået",
        State::NotMeasurable => "kan ikke måles",
    };
    let numbers = numbers_behind(&t.goal, &o, name, d, &comparison);
    let sentence = match o.state {
        State::NotMeasurable => {
            let missing: Vec<String> = o.missing.iter().map(|p| p.short()).collect();
            if missing.is_empty() {
                format!("Målet „{goal}“ kan ikke måles: der mangler tal for {label} for kommunen eller sammenligningen.")
            } else {
                format!(
                    "Målet „{goal}“ kan ikke måles: der er ingen tal for {label} for {}.",
                    missing.join(" og ")
                )
            }
        }
        _ => format!(
            "Målet „{goal}“ {verdict}: {}.",
            numbers.trim_end_matches('.')
        ),
    };
    TargetView {
        goal,
        group,
        state: o.state,
        state_text: state_text.into(),
        sentence,
    }
}

fn default_goal(goal: &Goal, label: &str, comparison: &str) -> String {
    match goal {
        Goal::AsCountry { from, to, .. } => format!(
            "udviklingen i {label} fra {} til {} skal være mindst på niveau med hele landets",
            from.short(),
            to.short()
        ),
        Goal::ShareBelow { period, versus } => format!(
            "andelen på {label} skal i {} være lavere end i {}",
            period.short(),
            match versus {
                Versus::Country => "hele landet",
                Versus::Comparison => comparison,
            }
        ),
        Goal::Count {
            period,
            limit,
            direction,
        } => format!(
            "{} end {} fuldtidspersoner på {label} i {}",
            match direction {
                Direction::Down => "færre",
                Direction::Up => "flere",
            },
            count(*limit, 1),
            period.short()
        ),
        Goal::Change {
            from,
            to,
            direction,
        } => format!(
            "{} på {label} fra {} til {}",
            match direction {
                Direction::Down => "færre",
                Direction::Up => "flere",
            },
            from.short(),
            to.short()
        ),
    }
}

fn numbers_behind(goal: &Goal, o: &Outcome, name: &str, d: usize, comparison: &str) -> String {
    let own = o.own.unwrap_or(f64::NAN);
    let reference = o.reference.unwrap_or(f64::NAN);
    match goal {
        Goal::AsCountry { .. } => format!("{name} {}, hele landet {}", pct(own), pct(reference)),
        Goal::ShareBelow { period, versus } => format!(
            "{name} {}, {} {} ({})",
            share_text(own, d),
            match versus {
                Versus::Country => "hele landet",
                Versus::Comparison => comparison,
            },
            share_text(reference, d),
            period.short()
        ),
        Goal::Count { period, .. } => {
            format!(
                "{name} havde {} fuldtidspersoner i {}",
                count(own, 1),
                period.short()
            )
        }
        Goal::Change { from, to, .. } => {
            let r = own.round();
            let how = if r > 0.0 {
                format!("{} flere", count(r, 1))
            } else if r < 0.0 {
                format!("{} færre", count(-r, 1))
            } else {
                "lige så mange".into()
            };
            format!("{name} havde {how} i {} end i {}", to.short(), from.short())
        }
    }
}
