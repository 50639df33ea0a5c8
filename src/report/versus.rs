//! The open model beside the ministry's figures, in words and tables: each municipality's two
//! placings and the variables that move its expected share most; the national comparison page.

use serde::Serialize;

use super::common::{group_info, GroupInfo};
use super::fmt::{number, signed};
use super::sentences::{genitive, label_in_sentence};
use super::ViewBuilder;
use crate::compute::sensitivity::variable_label;
use crate::compute::Row;
use crate::config::Method;
use crate::keys::{GroupId, Kommunekode, Period};

/// One group on the comparison page.
#[derive(Debug, Clone, Serialize)]
pub struct VersusGroupView {
    pub group: GroupInfo,
    /// Pearson correlation of the expected shares.
    pub correlation: String,
    /// RMSE of the expected shares, percentage points.
    pub rmse: String,
    /// Spearman correlation of the placings.
    pub spearman: String,
    /// Municipalities more than 10 places apart.
    pub moved_over_10: String,
    /// The ten largest differences of place.
    pub movers: Vec<MoverRow>,
}

/// A municipality placed differently.
#[derive(Debug, Clone, Serialize)]
pub struct MoverRow {
    pub kommune: String,
    pub href: String,
    pub ministry_rank: String,
    pub model_rank: String,
    /// Signed: positive = placed worse by the open model.
    pub difference: String,
}

impl ViewBuilder<'_> {
    /// Each variable's contribution to a municipality's expected share relative to the
    /// population-weighted national mean of the variables: coefficient × deviation (WLS, in
    /// percentage points; fractional logit converted at the municipality's fitted share). A
    /// total's contributions are its members' summed by variable.
    pub fn contributions(
        &self,
        period: &Period,
        group: &GroupId,
        code: Kommunekode,
    ) -> Vec<(String, f64)> {
        let Some(model) = self.res.model.as_ref() else {
            return Vec::new();
        };
        let members: Vec<GroupId> = match self.cfg.group(group) {
            Some(g) if g.is_total() => g.total_of.clone(),
            _ => vec![group.clone()],
        };
        let mut out: Vec<(String, f64)> = Vec::new();
        for m in &members {
            let Some(fit) = model
                .fits
                .iter()
                .find(|f| &f.period == period && &f.group == m)
            else {
                continue;
            };
            let d = &fit.design;
            let Some(i) = d.codes.iter().position(|c| *c == code) else {
                continue;
            };
            let slope = match fit.method {
                Method::Wls => 1.0,
                Method::FractionalLogit => {
                    let p = d.fitted[i] / 100.0;
                    p * (1.0 - p) * 100.0
                }
            };
            for (j, s) in fit.sources.iter().enumerate() {
                let c = fit.coefficients[j + 1].estimate * (d.values[i][j] - d.means[j]) * slope;
                match out.iter_mut().find(|(v, _)| *v == s.variable) {
                    Some(e) => e.1 += c,
                    None => out.push((s.variable.clone(), c)),
                }
            }
        }
        out
    }

    /// "Efter ministeriets tal er Ishøj nr. 80; efter den åbne model nr. 45 …" and the reason.
    pub fn versus_sentences(&self, head: &Row) -> Vec<String> {
        let Some(v) = self.res.versus(&head.period, &head.group) else {
            return Vec::new();
        };
        let Some(r) = v.rows.iter().find(|r| r.kommunekode == head.kommunekode) else {
            return Vec::new();
        };
        let group = self
            .cfg
            .group(&head.group)
            .expect("result groups come from the config");
        let scope = if group.is_total() {
            "samlet set".to_string()
        } else {
            format!("for {}", label_in_sentence(&group.label))
        };
        let d = self.cfg.presentation.decimals;
        let mut out = vec![format!(
            "Efter ministeriets tal er {} nr. {} {scope}; efter den åbne model nr. {}. Ministeriet forventer en andel på {} pct., den åbne model {} pct.",
            head.kommune,
            r.ministry_rank,
            r.model_rank,
            number(r.ministry_expected_share, d),
            number(r.model_expected_share, d),
        )];
        // The largest push up and down; `contributions` lists variables in a fixed order.
        let contrib = self.contributions(&head.period, &head.group, head.kommunekode);
        let up = contrib
            .iter()
            .filter(|c| c.1 > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let down = contrib
            .iter()
            .filter(|c| c.1 < 0.0)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let label = |v: &str| variable_label(self.cfg, v);
        let part = |c: &(String, f64)| format!("{} ({} procentpoint)", label(&c.0), signed(c.1, d));
        let reason = match (up, down) {
            (Some(u), Some(dn)) => Some(format!(
                "I den åbne model trækker {} {} forventede andel mest op i forhold til landsgennemsnittet og {} mest ned.",
                part(u),
                genitive(&head.kommune),
                part(dn)
            )),
            (Some(u), None) => Some(format!(
                "I den åbne model trækker {} {} forventede andel mest op i forhold til landsgennemsnittet.",
                part(u),
                genitive(&head.kommune)
            )),
            (None, Some(dn)) => Some(format!(
                "I den åbne model trækker {} {} forventede andel mest ned i forhold til landsgennemsnittet.",
                part(dn),
                genitive(&head.kommune)
            )),
            (None, None) => None,
        };
        out.extend(reason);
        out
    }

    /// The comparison page's groups, when the build compares.
    pub fn versus_page(&self) -> Option<Vec<VersusGroupView>> {
        let cur = &self.res.current;
        let groups: Vec<VersusGroupView> = self
            .res
            .groups
            .iter()
            .filter_map(|g| self.res.versus(cur, g))
            .map(|v| {
                let mut rows: Vec<_> = v.rows.iter().collect();
                rows.sort_by(|a, b| {
                    b.difference
                        .abs()
                        .cmp(&a.difference.abs())
                        .then(a.kommunekode.cmp(&b.kommunekode))
                });
                VersusGroupView {
                    group: group_info(self.cfg, &v.group),
                    correlation: number(v.expected_correlation, 2),
                    rmse: number(v.rmse_pp, 2),
                    spearman: number(v.spearman, 2),
                    moved_over_10: format!("{} af {}", v.moved_over_10, v.rows.len()),
                    movers: rows
                        .iter()
                        .take(10)
                        .map(|r| MoverRow {
                            kommune: self.ds.name(r.kommunekode).to_string(),
                            href: format!("kommune/{}.html", r.kommunekode),
                            ministry_rank: r.ministry_rank.to_string(),
                            model_rank: r.model_rank.to_string(),
                            difference: signed(r.difference as f64, 0),
                        })
                        .collect(),
                }
            })
            .collect();
        (!groups.is_empty()).then_some(groups)
    }
}
