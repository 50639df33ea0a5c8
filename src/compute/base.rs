//! What every list needs before expected figures are settled: per municipality the population
//! 16–66, the actual count and the figures as supplied; a total not in the input is summed from
//! its members, and a population no input gives is derived.

use std::collections::BTreeMap;

use crate::bail_input;
use crate::config::Config;
use crate::input::{Dataset, Figures};
use crate::keys::{GroupId, Kommunekode, Period};

/// One (period, group) list before expected figures: one entry per municipality, by code.
#[derive(Debug, Clone)]
pub struct Base {
    /// Kommunekode per position (sorted).
    pub codes: Vec<Kommunekode>,
    /// Population 16–66.
    pub population: Vec<f64>,
    /// Actual full-time persons.
    pub actual: Vec<f64>,
    /// The figures as supplied.
    pub supplied: Vec<Figures>,
}

/// The bases of every group for one period, in config order.
pub fn for_period(
    cfg: &Config,
    ds: &Dataset,
    period: &Period,
) -> anyhow::Result<Vec<(GroupId, Base)>> {
    let codes: Vec<Kommunekode> = ds.municipalities.iter().map(|m| m.code).collect();
    let mut figures = group_figures(cfg, ds, period, &codes)?;
    let population = population(cfg, ds, period, &codes, &figures)?;
    let mut out = Vec::new();
    for g in &cfg.groups {
        let list = figures.remove(&g.id).expect("filled above");
        let mut actual = Vec::with_capacity(codes.len());
        for (i, f) in list.iter().enumerate() {
            // A list ranked from supplied gaps alone (gap-pp, gap-pp-se) needs no count.
            let a = f
                .actual
                .or_else(|| f.actual_share.map(|s| s / 100.0 * population[i]))
                .or_else(|| f.gap_pp.map(|_| f64::NAN));
            match a {
                Some(a) if a > population[i] => bail_input!(
                    "period {period}, group {}, kommune {} {}: the actual count {a} is larger than the population 16–66 ({})",
                    g.id,
                    codes[i].get(),
                    ds.name(codes[i]),
                    population[i]
                ),
                Some(a) => actual.push(a),
                None => bail_input!(
                    "period {period}, group {}, kommune {}: no actual count (faktisk antal) or actual share",
                    g.id,
                    codes[i].get()
                ),
            }
        }
        out.push((
            g.id.clone(),
            Base {
                codes: codes.clone(),
                population: population.clone(),
                actual,
                supplied: list,
            },
        ));
    }
    Ok(out)
}

/// Every group's figures per municipality; a total absent from the input is its members' sum.
fn group_figures(
    cfg: &Config,
    ds: &Dataset,
    period: &Period,
    codes: &[Kommunekode],
) -> anyhow::Result<BTreeMap<GroupId, Vec<Figures>>> {
    let get = |g: &GroupId, c: Kommunekode| ds.figures.get(&(period.clone(), g.clone(), c));
    let mut figures = BTreeMap::new();
    for g in &cfg.groups {
        let present = codes.iter().filter(|&&c| get(&g.id, c).is_some()).count();
        if present == 0 && g.is_total() {
            let list = codes
                .iter()
                .map(|&c| sum_of_members(g.total_of.iter().map(|m| get(m, c))))
                .collect();
            figures.insert(g.id.clone(), list);
            continue;
        }
        let missing: Vec<String> = codes
            .iter()
            .filter(|&&c| get(&g.id, c).is_none())
            .map(|&c| format!("{} {}", c.get(), ds.name(c)))
            .collect();
        if !missing.is_empty() {
            bail_input!(
                "period {period}, group {}: no data for {} municipalit{}: {}{}",
                g.id,
                missing.len(),
                if missing.len() == 1 { "y" } else { "ies" },
                missing
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() > 10 { ", …" } else { "" }
            );
        }
        let list = codes
            .iter()
            .map(|&c| get(&g.id, c).cloned().expect("checked"))
            .collect();
        figures.insert(g.id.clone(), list);
    }
    Ok(figures)
}

/// A total's figures as the sum of its members' (absent members count as 0 actual).
fn sum_of_members<'a>(members: impl Iterator<Item = Option<&'a Figures>>) -> Figures {
    let mut f = Figures::default();
    for mf in members {
        f.actual = Some(f.actual.unwrap_or(0.0) + mf.and_then(|x| x.actual).unwrap_or(0.0));
        if let Some(e) = mf.and_then(|x| x.expected) {
            f.expected = Some(f.expected.unwrap_or(0.0) + e);
        }
        f.population = f.population.or(mf.and_then(|x| x.population));
    }
    f
}

/// Population: a population input, else a figure on any row, else derived from the group with
/// the largest actual count (least rounding error) as actual ÷ actual share.
fn population(
    cfg: &Config,
    ds: &Dataset,
    period: &Period,
    codes: &[Kommunekode],
    figures: &BTreeMap<GroupId, Vec<Figures>>,
) -> anyhow::Result<Vec<f64>> {
    let mut population = Vec::with_capacity(codes.len());
    for (i, &c) in codes.iter().enumerate() {
        let given = ds
            .population
            .get(&(period.clone(), c))
            .copied()
            .or_else(|| cfg.groups.iter().find_map(|g| figures[&g.id][i].population));
        let pop = match given {
            Some(p) => p,
            None => {
                let best = cfg
                    .groups
                    .iter()
                    .map(|g| &figures[&g.id][i])
                    .filter(|f| matches!((f.actual, f.actual_share), (Some(a), Some(s)) if a > 0.0 && s > 0.0))
                    .max_by(|a, b| a.actual.unwrap_or(0.0).total_cmp(&b.actual.unwrap_or(0.0)));
                let gaps_only = cfg
                    .groups
                    .iter()
                    .all(|g| figures[&g.id][i].gap_pp.is_some());
                match best {
                    Some(f) => f.actual.expect("filtered") / f.actual_share.expect("filtered") * 100.0,
                    // Ranked from supplied gaps alone: no population, and no figure needs one.
                    None if gaps_only => f64::NAN,
                    None => bail_input!(
                        "period {period}, kommune {} {}: no population 16–66: give a population input or column, or actual counts with actual shares",
                        c.get(),
                        ds.name(c)
                    ),
                }
            }
        };
        if pop <= 0.0 || pop.is_infinite() {
            bail_input!(
                "period {period}, kommune {}: population 16–66 is {pop}; it must be above 0",
                c.get()
            );
        }
        population.push(pop);
    }
    Ok(population)
}
