//! How much a placing depends on the model (model mode): the models refitted with each
//! variable left out in turn and with the other method (WLS ↔ fractional logit); for every
//! municipality the range of its places across these specifications and the main one.

use std::collections::BTreeMap;

use super::base::Base;
use super::model::{fit_with, SpecificationSummary};
use super::rank::competition_rank;
use super::stats::spearman;
use crate::config::{Config, Method, ModelSpec};
use crate::input::Dataset;
use crate::keys::{GroupId, Period};

/// The ranks of every list under every alternative specification.
pub struct Alternatives {
    /// Labels in Danish, in the order of `ranks`' inner vectors.
    pub labels: Vec<String>,
    /// (period, group) → per specification, the ranks (list order).
    pub ranks: BTreeMap<(Period, GroupId), Vec<Vec<u32>>>,
}

/// A variable's label in sentences: configured, or its name with spaces for underscores.
pub fn variable_label(cfg: &Config, name: &str) -> String {
    cfg.expected
        .labels
        .get(name)
        .cloned()
        .unwrap_or_else(|| name.replace('_', " "))
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Wls => "WLS",
        Method::FractionalLogit => "fraktionel logit",
    }
}

/// Refits every alternative and ranks its lists.
pub fn alternatives(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
) -> anyhow::Result<Alternatives> {
    let mut variables: Vec<String> = Vec::new();
    for spec in cfg.expected.specs.values() {
        for v in &spec.variables {
            if !variables.contains(v) {
                variables.push(v.clone());
            }
        }
    }
    let main = |g: &GroupId| super::model::configured_spec(cfg, g);
    let mut specs: Vec<(String, SpecFor)> = Vec::new();
    for v in &variables {
        let v = v.clone();
        let label = format!("uden {}", variable_label(cfg, &v));
        specs.push((
            label,
            Box::new(move |g: &GroupId| {
                let mut s = main(g);
                // A group left with no variable keeps the intercept: a national mean.
                s.variables.retain(|x| *x != v);
                s
            }),
        ));
    }
    let methods: Vec<Method> = cfg.expected.specs.values().map(|s| s.method).collect();
    let other = |m: Method| match m {
        Method::Wls => Method::FractionalLogit,
        Method::FractionalLogit => Method::Wls,
    };
    let label = if methods.iter().all(|m| *m == methods[0]) {
        format!(
            "{} i stedet for {}",
            method_name(other(methods[0])),
            method_name(methods[0])
        )
    } else {
        "den anden metode (WLS ↔ fraktionel logit)".to_string()
    };
    specs.push((
        label,
        Box::new(move |g: &GroupId| {
            let mut s = main(g);
            s.method = other(s.method);
            s
        }),
    ));
    let mut out = Alternatives {
        labels: specs.iter().map(|(l, _)| l.clone()).collect(),
        ranks: BTreeMap::new(),
    };
    for (label, spec_for) in &specs {
        let (expected, _, _) = fit_with(cfg, ds, periods, bases, spec_for.as_ref(), false)
            .map_err(|e| crate::error::input_error(format!("specification {label:?}: {e}")))?;
        for (key, exp) in expected {
            let base = &bases[&key];
            let gaps: Vec<f64> = (0..base.codes.len())
                .map(|i| base.actual[i] / base.population[i] * 100.0 - exp[i])
                .collect();
            out.ranks
                .entry(key)
                .or_default()
                .push(competition_rank(&gaps));
        }
    }
    Ok(out)
}

/// A specification: each group's variables and method.
type SpecFor<'a> = Box<dyn Fn(&GroupId) -> ModelSpec + Sync + 'a>;

/// Per municipality of one list, the lowest and highest place across the main ranks and the
/// alternatives'.
pub fn ranges(main: &[u32], alternatives: &[Vec<u32>]) -> Vec<(u32, u32)> {
    main.iter()
        .enumerate()
        .map(|(i, &r)| {
            alternatives
                .iter()
                .fold((r, r), |(lo, hi), a| (lo.min(a[i]), hi.max(a[i])))
        })
        .collect()
}

/// How far each alternative's ranks are from the main ones, for one list.
pub fn summaries(
    group: &GroupId,
    labels: &[String],
    main: &[u32],
    alternatives: &[Vec<u32>],
) -> Vec<SpecificationSummary> {
    let main_f: Vec<f64> = main.iter().map(|&r| f64::from(r)).collect();
    labels
        .iter()
        .zip(alternatives)
        .map(|(label, a)| {
            let af: Vec<f64> = a.iter().map(|&r| f64::from(r)).collect();
            let shifts = main.iter().zip(a).map(|(m, x)| m.abs_diff(*x));
            SpecificationSummary {
                specification: label.clone(),
                group: group.clone(),
                spearman: spearman(&main_f, &af),
                max_shift: shifts.clone().max().unwrap_or(0),
                moved_over_10: shifts.filter(|s| *s > 10).count(),
            }
        })
        .collect()
}
