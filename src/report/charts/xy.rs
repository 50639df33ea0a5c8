//! The plans of the model pages' scatter charts: a rammevilkår against the gap, and residuals
//! against the fitted values.

use std::collections::BTreeMap;

use super::{Frame, Medium};
use crate::compute::Results;
use crate::config::Config;
use crate::keys::Kommunekode;

/// What a plain scatter is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// y = x: the same value both ways.
    Diagonal,
    /// y = 0.
    Zero,
}

/// Two numbers per municipality.
#[derive(Debug, Clone)]
pub struct XyChart {
    pub frame: Frame,
    pub title: String,
    /// The description's opening, before "… N kommuner. Længst fra linjen: …".
    pub description: String,
    pub x_desc: String,
    pub y_desc: String,
    pub reference: Reference,
    /// How many of the points furthest from the reference are named.
    pub labels: usize,
    /// Decimals of the axis labels.
    pub decimals: usize,
    pub data: Vec<XyDatum>,
}

/// One point.
#[derive(Debug, Clone)]
pub struct XyDatum {
    pub name: String,
    pub x: f64,
    pub y: f64,
}

/// The comparison page's charts: per group, the ministry's rank against the open model's.
pub fn versus_plan(
    res: &Results,
    cfg: &Config,
    names: &dyn Fn(Kommunekode) -> String,
) -> BTreeMap<String, XyChart> {
    let cur = &res.current;
    res.groups
        .iter()
        .filter_map(|g| res.versus(cur, g))
        .map(|v| {
            let label = cfg.group(&v.group).map_or(String::new(), |g| g.label.clone());
            (
                format!("versus-{}", v.group),
                XyChart {
                    frame: Frame {
                        id: format!("dk-{}-versus", v.group),
                        size: Medium::Screen.scatter(),
                        group_label: label.clone(),
                        decimals: 0,
                    },
                    title: format!("Placering efter ministeriets tal og efter den åbne model, {label}"),
                    description: "Punktdiagram med placeringen efter ministeriets forventede tal på den vandrette akse og efter den åbne model på den lodrette; på linjen er placeringen den samme. 1 = bedst.".into(),
                    x_desc: "Placering efter ministeriets tal".into(),
                    y_desc: "Placering efter den åbne model".into(),
                    reference: Reference::Diagonal,
                    labels: 6,
                    decimals: 0,
                    data: v
                        .rows
                        .iter()
                        .map(|r| XyDatum {
                            name: names(r.kommunekode),
                            x: f64::from(r.ministry_rank),
                            y: f64::from(r.model_rank),
                        })
                        .collect(),
                },
            )
        })
        .collect()
}

/// The method page's diagnostics charts (model mode): per ordinary group of the current
/// period, the residual against the fitted share.
pub fn residual_plan(
    res: &Results,
    cfg: &Config,
    names: &dyn Fn(Kommunekode) -> String,
) -> BTreeMap<String, XyChart> {
    let Some(model) = res.model.as_ref() else {
        return BTreeMap::new();
    };
    model
        .fits
        .iter()
        .filter(|f| f.period == res.current)
        .map(|f| {
            let label = cfg.group(&f.group).map_or(String::new(), |g| g.label.clone());
            let d = &f.design;
            (
                format!("residual-{}", f.group),
                XyChart {
                    frame: Frame {
                        id: format!("dk-{}-residual", f.group),
                        size: Medium::Screen.scatter(),
                        group_label: label.clone(),
                        decimals: 1,
                    },
                    title: format!("Residual mod forventet andel, {label}"),
                    description: "Punktdiagram med modellens forventede andel (pct.) på den vandrette akse og residualet, faktisk minus forventet andel (procentpoint), på den lodrette. Et mønster i punkterne tyder på en forkert modelform.".into(),
                    x_desc: "Forventet andel, pct.".into(),
                    y_desc: "Residual, procentpoint".into(),
                    reference: Reference::Zero,
                    labels: 5,
                    decimals: 1,
                    data: d
                        .codes
                        .iter()
                        .enumerate()
                        .map(|(i, c)| XyDatum {
                            name: names(*c),
                            x: d.fitted[i],
                            y: d.share[i] - d.fitted[i],
                        })
                        .collect(),
                },
            )
        })
        .collect()
}
