//! Compute stage (METHOD.md §5–6): from a checked dataset to ranked lists — expected figures
//! (supplied, or fitted by [`model`]), shares and gaps ([`list`]), ranks ([`rank`]), the noise
//! model and rank confidence sets ([`uncertainty`], [`noise`], [`confidence`]), improvement
//! ([`improvement`]), national totals and comparison groups ([`peers`]). Each step is a pure
//! function of the data and the config.

pub mod base;
pub mod confidence;
pub mod continued;
pub mod evidence;
mod expected;
pub mod fulltime;
pub mod improvement;
pub mod list;
pub mod model;
pub mod noise;
pub mod peers;
mod periods;
pub mod random;
pub mod rank;
pub mod sensitivity;
pub mod stats;
pub mod status;
pub mod uncertainty;
pub mod versus;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::bail_input;
use crate::config::{Config, Mode};
use crate::error::input_error;
use crate::input::Dataset;
use crate::keys::{GroupId, Kommunekode, Period};
use base::Base;
use expected::{bases, expected_shares, model_alternatives, Bases, ExpectedShares};
pub use list::{National, Peer, RankedList, Row};
use model::ModelReport;
use noise::Overdispersion;
use periods::{breaks_between, current_and_comparison, improvement_period, omitted_across_break};
use uncertainty::{ListInput, ListUncertainty};

/// Everything computed, ready for the views and the renderers.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// Current period.
    pub current: Period,
    /// Comparison period for improvement, when it is in the data.
    pub comparison: Option<Period>,
    /// All periods in the data, in order.
    pub periods: Vec<Period>,
    /// Groups in config order.
    pub groups: Vec<GroupId>,
    /// One list per (period, group), by period then group in config order.
    pub lists: Vec<RankedList>,
    /// The model report in model mode.
    pub model: Option<ModelReport>,
    /// The overdispersion φ of every group's noise model.
    pub noise: Vec<Overdispersion>,
    /// Model mode with the ministry's expected figures in the data: both side by side, by
    /// period then group.
    pub versus: Vec<versus::Versus>,
    /// Continued mode: the continuation's choices, backtest and errors; supplied mode: the
    /// backtest of carrying the published lists forward.
    pub continuation: Option<continued::Report>,
    /// The status report's and the targets' figures, when either is configured.
    #[serde(skip)]
    pub status: Option<status::StatusFigures>,
    #[serde(skip)]
    index: BTreeMap<(Period, GroupId), usize>,
}

impl Results {
    /// The list of (period, group).
    pub fn list(&self, period: &Period, group: &GroupId) -> Option<&RankedList> {
        self.index
            .get(&(period.clone(), group.clone()))
            .map(|&i| &self.lists[i])
    }

    /// A municipality's row in (period, group).
    pub fn row(&self, period: &Period, group: &GroupId, code: Kommunekode) -> Option<&Row> {
        self.list(period, group)?.row(code)
    }

    /// Every row, by period, group (config order) and kommunekode.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.lists.iter().flat_map(|l| l.rows.iter())
    }

    /// The comparison with the ministry of (period, group), when there is one.
    pub fn versus(&self, period: &Period, group: &GroupId) -> Option<&versus::Versus> {
        self.versus
            .iter()
            .find(|v| &v.period == period && &v.group == group)
    }

    /// The municipalities of the current period's lists.
    pub fn codes(&self) -> Vec<Kommunekode> {
        self.lists
            .first()
            .map(|l| l.rows.iter().map(|r| r.kommunekode).collect())
            .unwrap_or_default()
    }
}

/// A list's figures and ranks, before improvement and peers are known.
struct Ranked {
    figures: Vec<list::Figures>,
    ranks: Vec<u32>,
    difficulty: Vec<u32>,
}

/// Computes all results for the config and dataset.
pub fn compute(cfg: &Config, ds: &Dataset) -> anyhow::Result<Results> {
    let groups: Vec<GroupId> = cfg.groups.iter().map(|g| g.id.clone()).collect();
    // Unranked groups may have periods of their own; the lists are the ranked groups'.
    let periods = ds.periods_of(&groups);
    let (current, comparison) = current_and_comparison(cfg, &periods)?;
    let bases = bases(cfg, ds, &periods)?;
    let ExpectedShares {
        expected,
        pred_var,
        mut report,
        sources,
        continuation,
    } = expected_shares(cfg, ds, &periods, &bases)?;
    let source_of = |key: &(Period, GroupId)| {
        sources
            .get(key)
            .cloned()
            .unwrap_or(match cfg.expected.mode {
                Mode::Model => continued::ExpectedSource::Model,
                _ => continued::ExpectedSource::Ministry,
            })
    };
    let official = |key: &(Period, GroupId)| {
        source_of(key) == continued::ExpectedSource::Ministry && cfg.expected.mode != Mode::Model
    };

    let keys: Vec<(Period, GroupId)> = periods
        .iter()
        .flat_map(|p| groups.iter().map(move |g| (p.clone(), g.clone())))
        .collect();
    let ranked: Vec<Ranked> = keys
        .par_iter()
        .map(|key| rank_list(ds, key, &bases[key], &expected[key], official(key)))
        .collect::<anyhow::Result<_>>()?;
    let index: BTreeMap<(Period, GroupId), usize> = keys
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let before = |key: &(Period, GroupId)| {
        improvement_period(&key.0, &current, comparison.as_ref(), &periods)
    };

    let inputs: Vec<ListInput> = keys
        .iter()
        .zip(&ranked)
        .map(|(key, r)| ListInput {
            key,
            codes: &bases[key].codes,
            figures: &r.figures,
            ranks: &r.ranks,
            pred_var: pred_var.get(key).map(Vec::as_slice),
            before: before(key)
                .filter(|p| !omitted_across_break(cfg, &key.1, p, &key.0))
                .and_then(|p| index.get(&(p, key.1.clone())).copied()),
            continued: !official(key) && cfg.expected.mode == Mode::Continued,
        })
        .collect();
    let (noise, uncertain) = uncertainty::assess(&cfg.ranking, &groups, &current, &inputs);

    let (ranges, versus) = match report.as_mut() {
        Some(report) => {
            let lists = (keys.as_slice(), ranked.as_slice());
            model_alternatives(cfg, ds, &periods, &bases, lists, &current, report)?
        }
        None => (BTreeMap::new(), Vec::new()),
    };

    let lists = finish_lists(
        cfg,
        ds,
        (&keys, &ranked, &uncertain),
        &bases,
        &ranges,
        &noise,
        &source_of,
        &before,
    );
    let mut res = Results {
        current,
        comparison,
        periods,
        groups,
        lists,
        model: report,
        noise,
        versus,
        continuation,
        status: None,
        index,
    };
    if cfg.status.is_some() || !cfg.targets.is_empty() {
        res.status = Some(status::figures(cfg, ds, &res));
    }
    Ok(res)
}

/// The lists complete: figures, intervals and ranges, where the expected figures come from,
/// the gap's evidence, the breaks crossed since the comparison period.
#[allow(clippy::too_many_arguments)]
fn finish_lists(
    cfg: &Config,
    ds: &Dataset,
    (keys, ranked, uncertain): (&[(Period, GroupId)], &[Ranked], &[ListUncertainty]),
    bases: &Bases,
    ranges: &BTreeMap<(Period, GroupId), Vec<(u32, u32)>>,
    noise: &[Overdispersion],
    source_of: &dyn Fn(&(Period, GroupId)) -> continued::ExpectedSource,
    before: &dyn Fn(&(Period, GroupId)) -> Option<Period>,
) -> Vec<RankedList> {
    keys.iter()
        .zip(ranked)
        .zip(uncertain)
        .map(|((key, r), u)| {
            let mut list = finish(
                cfg,
                ds,
                (&key.0, &key.1),
                &bases[key],
                r,
                u,
                ranges.get(key),
            );
            list.expected_source = source_of(key);
            let df = noise
                .iter()
                .find(|o| o.group == key.1)
                .map_or(f64::INFINITY, evidence::degrees_of_freedom);
            evidence::fill(&mut list.rows, df);
            let code = list.expected_source.code();
            for row in &mut list.rows {
                row.expected_source.clone_from(&code);
            }
            list.breaks_crossed = before(key)
                .map(|p| breaks_between(cfg, &key.1, &p, &key.0))
                .unwrap_or_default();
            list
        })
        .collect()
}

fn supplied_expected_shares(
    ds: &Dataset,
    key: &(Period, GroupId),
    base: &Base,
) -> anyhow::Result<Vec<f64>> {
    base.supplied
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.expected_share
                .or_else(|| f.expected.map(|e| e / base.population[i] * 100.0))
                .or_else(|| f.gap_pp.map(|_| f64::NAN))
                .ok_or_else(|| {
                input_error(format!(
                    "period {}, group {}, kommune {} {}: expected.mode is \"supplied\" but the data has no expected count or share",
                    key.0,
                    key.1,
                    base.codes[i].get(),
                    ds.name(base.codes[i])
                ))
            })
        })
        .collect()
}

/// Figures, ranks and rammevilkår ranks of one list; `supplied` for the ministry's own list
/// (its published counts, gaps and ranks are kept as given).
fn rank_list(
    ds: &Dataset,
    (period, group): &(Period, GroupId),
    base: &Base,
    expected_share: &[f64],
    supplied: bool,
) -> anyhow::Result<Ranked> {
    let figures = list::figures(base, expected_share, supplied);
    let given: Vec<Option<u32>> = base.supplied.iter().map(|f| f.rank).collect();
    let gaps: Vec<f64> = figures.iter().map(|f| f.gap_pp).collect();
    let ranks = match rank::list_ranks(&given, &gaps, supplied) {
        Ok(r) => r,
        Err(i) => bail_input!(
            "period {period}, group {group}: ranks are given for some municipalities but not for {} {}; give all or none",
            base.codes[i].get(),
            ds.name(base.codes[i])
        ),
    };
    let exp_shares: Vec<f64> = figures.iter().map(|f| f.expected_share).collect();
    let difficulty = rank::competition_rank_desc(&exp_shares);
    Ok(Ranked {
        figures,
        ranks,
        difficulty,
    })
}

/// The finished list: rows built once, national row, improvement and comparison groups.
fn finish(
    cfg: &Config,
    ds: &Dataset,
    (period, group): (&Period, &GroupId),
    base: &Base,
    r: &Ranked,
    u: &ListUncertainty,
    model_ranges: Option<&Vec<(u32, u32)>>,
) -> RankedList {
    let imp = u.improvement.as_ref();
    let rows = base
        .codes
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            let f = &r.figures[i];
            Row {
                period: period.clone(),
                group: group.clone(),
                kommunekode: code,
                kommune: ds.name(code).to_string(),
                population: f.population,
                actual: f.actual,
                expected: f.expected,
                gap: f.gap,
                actual_share: f.actual_share,
                expected_share: f.expected_share,
                gap_pp: f.gap_pp,
                rank: r.ranks[i],
                rank_low: u.sets.as_ref().map(|v| v[i].0),
                rank_high: u.sets.as_ref().map(|v| v[i].1),
                improvement_pp: imp.map(|m| m.delta[i]),
                improvement_rank: imp.map(|m| m.ranks[i]),
                improvement_rank_low: imp.and_then(|m| m.sets.as_ref()).map(|v| v[i].0),
                improvement_rank_high: imp.and_then(|m| m.sets.as_ref()).map(|v| v[i].1),
                gap_pp_se: u.se[i],
                gap_z: f64::NAN,
                gap_q: f64::NAN,
                difficulty_rank: r.difficulty[i],
                small: f.population < cfg.ranking.small_population,
                potential_mkr: cfg
                    .presentation
                    .cost_per_person
                    .map(|c| list::potential_mkr(f.gap, c)),
                model_rank_low: model_ranges.map(|m| m[i].0),
                model_rank_high: model_ranges.map(|m| m[i].1),
                expected_source: String::new(),
            }
        })
        .collect();
    let exp_shares: Vec<f64> = r.figures.iter().map(|f| f.expected_share).collect();
    RankedList {
        period: period.clone(),
        group: group.clone(),
        rows,
        national: list::national(period, group, &r.figures, cfg.presentation.cost_per_person),
        peers: peers::comparison_groups(
            &cfg.comparison,
            &ds.municipalities,
            &base.codes,
            &exp_shares,
        ),
        extremes: u.extremes.clone(),
        expected_source: continued::ExpectedSource::Ministry,
        breaks_crossed: Vec::new(),
    }
}
