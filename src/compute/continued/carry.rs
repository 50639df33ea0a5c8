//! The continuation methods (METHOD.md §5, "Continuing the list"): one period's expected shares
//! carried to a later period from what is known then — the actual figures and, for the model
//! methods, the rammevilkår. Pure functions of the lists.

use std::collections::BTreeMap;

use crate::compute::base::Base;
use crate::config::continued::ContinueMethod;
use crate::config::Config;
use crate::keys::{GroupId, Period};

/// Expected shares (pct.) per (period, group).
pub type Lists = BTreeMap<(Period, GroupId), Vec<f64>>;

/// What carrying needs: every list's base, the starting shares and the open model's fits.
pub struct Carrier<'a> {
    /// The config (groups and their totals).
    pub cfg: &'a Config,
    /// Every (period, group) base.
    pub bases: &'a BTreeMap<(Period, GroupId), Base>,
    /// Per municipality (in base order) the index of its trend group.
    pub trend: Vec<usize>,
    /// The open model's fitted shares of the ordinary groups, when configured.
    pub model: Option<Lists>,
}

impl Carrier<'_> {
    /// The methods this carrier can apply.
    pub fn available(&self) -> Vec<ContinueMethod> {
        ContinueMethod::CONCRETE
            .into_iter()
            .filter(|m| self.model.is_some() || !m.needs_model())
            .collect()
    }

    /// Carries an ordinary group's shares `start` (of `from`) to `to` with `method`.
    pub fn carry(
        &self,
        method: ContinueMethod,
        group: &GroupId,
        (from, start): (&Period, &[f64]),
        to: &Period,
    ) -> Vec<f64> {
        let b0 = &self.bases[&(from.clone(), group.clone())];
        let b1 = &self.bases[&(to.clone(), group.clone())];
        let trend = |groups: &[usize]| -> Vec<f64> {
            let r0 = group_shares(b0, groups);
            let r1 = group_shares(b1, groups);
            start
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let g = groups[i];
                    if r0[g] > 0.0 {
                        e * r1[g] / r0[g]
                    } else {
                        *e
                    }
                })
                .collect()
        };
        let national = || trend(&vec![0; start.len()]);
        let grouped = || trend(&self.trend);
        let model = || {
            let fits = self.model.as_ref().expect("model methods need the fits");
            let m0 = &fits[&(from.clone(), group.clone())];
            let m1 = &fits[&(to.clone(), group.clone())];
            start
                .iter()
                .enumerate()
                .map(|(i, e)| (e + m1[i] - m0[i]).clamp(0.0, 100.0))
                .collect::<Vec<f64>>()
        };
        let mean =
            |a: Vec<f64>, b: Vec<f64>| a.iter().zip(&b).map(|(x, y)| (x + y) / 2.0).collect();
        match method {
            ContinueMethod::National | ContinueMethod::Auto => national(),
            ContinueMethod::Group => grouped(),
            ContinueMethod::Model => model(),
            ContinueMethod::MeanNationalModel => mean(national(), model()),
            ContinueMethod::MeanGroupModel => mean(grouped(), model()),
        }
    }

    /// Carries every group of `from` to `to`: ordinary groups as `plan` says, a total as the
    /// sum of its members' carried shares (the total's expected count is the sum of its
    /// groups', as the ministry's).
    pub fn carry_all(
        &self,
        plan: &dyn Fn(&GroupId) -> Plan,
        from: &Period,
        start: &Start,
        to: &Period,
    ) -> BTreeMap<GroupId, Vec<f64>> {
        let mut out = BTreeMap::new();
        for g in self.cfg.groups.iter().filter(|g| !g.is_total()) {
            let p = plan(&g.id);
            let carried = self.carry(p.method, &g.id, (from, &start.shares[&g.id]), to);
            let carried = if p.persistence > 0.0 {
                let actual = self.actual_shares(&g.id, to);
                blend(&carried, &actual, &start.gaps[&g.id], p.persistence)
            } else {
                carried
            };
            out.insert(g.id.clone(), carried);
        }
        for g in self.cfg.groups.iter().filter(|g| g.is_total()) {
            let n = start.shares[&g.id].len();
            let sum = (0..n)
                .map(|i| g.total_of.iter().map(|m| out[m][i]).sum())
                .collect();
            out.insert(g.id.clone(), sum);
        }
        out
    }
}

impl Carrier<'_> {
    /// A list's actual shares (pct.).
    pub fn actual_shares(&self, group: &GroupId, period: &Period) -> Vec<f64> {
        let b = &self.bases[&(period.clone(), group.clone())];
        b.actual
            .iter()
            .zip(&b.population)
            .map(|(a, p)| a / p * 100.0)
            .collect()
    }
}

/// The list carried from: the ministry's expected shares and gaps per group.
pub struct Start {
    /// Expected shares (pct.).
    pub shares: BTreeMap<GroupId, Vec<f64>>,
    /// Gaps (pp).
    pub gaps: BTreeMap<GroupId, Vec<f64>>,
}

/// How an ordinary group is carried: the method, and the weight its gap in the list carried
/// from keeps (gaps persist from year to year; 0 = the carried expected share alone).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// The continuation method.
    pub method: ContinueMethod,
    /// The weight w of the earlier gap: gap = (1 − w)·(actual − carried) + w·earlier gap.
    pub persistence: f64,
}

/// The expected share whose gap is `(1 − w)` of the carried one and `w` of the earlier gap:
/// actual − ((1 − w)(actual − carried) + w·gap₀) = (1 − w)·carried + w·(actual − gap₀).
pub fn blend(carried: &[f64], actual: &[f64], gap0: &[f64], w: f64) -> Vec<f64> {
    carried
        .iter()
        .zip(actual)
        .zip(gap0)
        .map(|((e, a), g)| ((1.0 - w) * e + w * (a - g)).clamp(0.0, 100.0))
        .collect()
}

/// The actual share (pct., population-weighted) of each trend group.
fn group_shares(base: &Base, groups: &[usize]) -> Vec<f64> {
    let k = groups.iter().max().map_or(0, |m| m + 1);
    let mut actual = vec![0.0; k];
    let mut pop = vec![0.0; k];
    for (i, &g) in groups.iter().enumerate() {
        if base.actual[i].is_finite() && base.population[i].is_finite() {
            actual[g] += base.actual[i];
            pop[g] += base.population[i];
        }
    }
    actual
        .iter()
        .zip(&pop)
        .map(|(a, p)| if *p > 0.0 { a / p * 100.0 } else { 0.0 })
        .collect()
}
