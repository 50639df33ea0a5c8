//! Which charts a page shows, and with what data: the chart plan. The renderers draw it
//! (`render::chart`) at the size the medium needs; adding a chart is one drawing file there and
//! one field here.

use std::collections::BTreeMap;

use super::headline_group;

mod xy;
use crate::compute::{RankedList, Results};
use crate::config::Config;
use crate::keys::{GroupId, Kommunekode};
pub use xy::{residual_plan, versus_plan, Reference, XyChart, XyDatum};

/// Where a chart is shown: the size decides how large its text comes out once scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// Web pages and full-width print (the national list).
    Screen,
    /// The appendix, where bar charts stand two abreast and the others at about ⅔ width, so
    /// their 12-pixel text prints at about 6 pt.
    Print,
}

impl Medium {
    fn bars(self) -> (u32, u32) {
        match self {
            Medium::Screen => (760, 300),
            Medium::Print => (520, 300),
        }
    }

    fn scatter(self) -> (u32, u32) {
        match self {
            Medium::Screen => (760, 420),
            // Half the page width in the appendix, beside the funnel.
            Medium::Print => (440, 360),
        }
    }

    fn funnel(self) -> (u32, u32) {
        match self {
            Medium::Screen => (760, 400),
            Medium::Print => (440, 360),
        }
    }

    fn map(self) -> (u32, u32) {
        match self {
            Medium::Screen => (640, 480),
            Medium::Print => (620, 440),
        }
    }

    fn trend(self) -> (u32, u32) {
        match self {
            Medium::Screen => (760, 260),
            Medium::Print => (560, 220),
        }
    }
}

/// What every chart carries besides its data.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Unique element-id prefix within a page.
    pub id: String,
    /// SVG size in pixels.
    pub size: (u32, u32),
    /// The group's Danish label.
    pub group_label: String,
    /// Decimals of the numbers shown.
    pub decimals: usize,
}

/// The sorted gap bars of one group.
#[derive(Debug, Clone)]
pub struct BarsChart {
    pub frame: Frame,
    /// Bars in rank order.
    pub data: Vec<BarDatum>,
}

/// Expected against actual share of one group.
#[derive(Debug, Clone)]
pub struct ScatterChart {
    pub frame: Frame,
    /// Dots by kommunekode.
    pub data: Vec<ScatterDatum>,
}

/// One municipality's gap over the periods.
#[derive(Debug, Clone)]
pub struct TrendChart {
    pub frame: Frame,
    /// The municipality's name.
    pub name: String,
    /// Points in period order.
    pub data: Vec<TrendDatum>,
    /// Series breaks within the periods shown: (position between two points, e.g. 2.5 between
    /// the third and fourth, and the break's date in Danish).
    pub breaks: Vec<(f64, String)>,
}

/// Gap against population with the noise model's ±2 and ±3 standard-error limits.
#[derive(Debug, Clone)]
pub struct FunnelChart {
    /// Frame.
    pub frame: Frame,
    /// One dot per municipality.
    pub data: Vec<FunnelDatum>,
    /// The national actual share as a fraction: the limits' binomial variance p0(1−p0)/n.
    pub p0: f64,
    /// The group's overdispersion.
    pub phi: f64,
}

/// One dot of the funnel.
#[derive(Debug, Clone)]
pub struct FunnelDatum {
    /// Municipality name.
    pub name: String,
    /// Population 16–66.
    pub population: f64,
    /// Gap in percentage points.
    pub gap_pp: f64,
    /// Whether this is the focus municipality.
    pub focus: bool,
}

/// The charts of one group on one page.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// Always shown.
    pub bars: BarsChart,
    /// On the national pages for every group; on a municipality's pages for totals only.
    pub scatter: Option<ScatterChart>,
    /// On a municipality's web page for every group; in its appendix for the headline only.
    pub trend: Option<TrendChart>,
    /// On the national page for every group; in the appendix for the headline only.
    pub funnel: Option<FunnelChart>,
    /// On the national page for every group; on a municipality's page and in its appendix for
    /// the headline group, with the municipality outlined and its comparison group marked.
    pub map: Option<MapChart>,
}

/// The choropleth of one group.
#[derive(Debug, Clone)]
pub struct MapChart {
    pub frame: Frame,
    /// Every municipality's gap.
    pub data: Vec<MapDatum>,
    /// The municipality outlined.
    pub focus: Option<u16>,
    /// Its name, for the legend.
    pub focus_name: Option<String>,
    /// Its comparison group, marked.
    pub peers: Vec<u16>,
}

/// One municipality on the map.
#[derive(Debug, Clone)]
pub struct MapDatum {
    pub code: u16,
    pub name: String,
    pub gap_pp: f64,
    pub rank: u32,
}

/// Group → its charts, for one page.
pub type ChartPlan = BTreeMap<GroupId, GroupPlan>;

/// The charts of a municipality's page (`Some(code)`) or of the national pages (`None`).
pub fn plan(cfg: &Config, res: &Results, code: Option<Kommunekode>, medium: Medium) -> ChartPlan {
    let cur = &res.current;
    let decimals = cfg.presentation.decimals;
    let prefix = match code {
        Some(c) => format!("k{c}"),
        None => "dk".to_string(),
    };
    let headline = &headline_group(cfg).id;
    let mut out = ChartPlan::new();
    for list in res.groups.iter().filter_map(|g| res.list(cur, g)) {
        let gid = &list.group;
        let group = cfg.group(gid).expect("result groups come from the config");
        let frame = |kind: &str, size: (u32, u32)| Frame {
            id: format!("{prefix}-{gid}-{kind}"),
            size,
            group_label: group.label.clone(),
            decimals,
        };
        let bars = BarsChart {
            frame: frame("bars", medium.bars()),
            data: list
                .ranked()
                .iter()
                .map(|r| BarDatum {
                    name: r.kommune.clone(),
                    gap_pp: r.gap_pp,
                    rank: r.rank,
                    focus: Some(r.kommunekode) == code,
                })
                .collect(),
        };
        let scatter = (code.is_none() || group.is_total()).then(|| ScatterChart {
            frame: frame("scatter", medium.scatter()),
            data: list
                .rows
                .iter()
                .map(|r| ScatterDatum {
                    name: r.kommune.clone(),
                    expected_share: r.expected_share,
                    actual_share: r.actual_share,
                    focus: Some(r.kommunekode) == code,
                })
                .collect(),
        });
        let wants_trend = medium == Medium::Screen || gid == headline;
        let trend = code
            .filter(|_| wants_trend)
            .map(|c| trend_chart(cfg, res, list, frame("trend", medium.trend()), c));
        let wants_funnel = match code {
            None => medium == Medium::Screen,
            Some(_) => medium == Medium::Print && gid == headline,
        };
        let funnel =
            wants_funnel.then(|| funnel_chart(res, list, frame("funnel", medium.funnel()), code));
        let wants_map = code.is_none() || gid == headline;
        let map = wants_map.then(|| map_chart(list, frame("map", medium.map()), code));
        out.insert(
            gid.clone(),
            GroupPlan {
                bars,
                scatter,
                trend,
                funnel,
                map,
            },
        );
    }
    out
}

/// A municipality's gap over every period of the data, continued periods marked.
fn trend_chart(
    cfg: &Config,
    res: &Results,
    list: &RankedList,
    frame: Frame,
    c: Kommunekode,
) -> TrendChart {
    let gid = &list.group;
    let group = cfg.group(gid).expect("result groups come from the config");
    TrendChart {
        frame,
        name: list.row(c).map(|r| r.kommune.clone()).unwrap_or_default(),
        data: res
            .periods
            .iter()
            .filter_map(|p| {
                res.row(p, gid, c).map(|r| TrendDatum {
                    label: p.short(),
                    gap_pp: r.gap_pp,
                    continued: res.list(p, gid).is_some_and(|l| {
                        matches!(
                            l.expected_source,
                            crate::compute::continued::ExpectedSource::Continued { .. }
                        )
                    }),
                })
            })
            .collect(),
        breaks: trend_breaks(cfg, group, &res.periods),
    }
}

/// Every municipality's gap against its population, with the group's overdispersion.
fn funnel_chart(
    res: &Results,
    list: &RankedList,
    frame: Frame,
    code: Option<Kommunekode>,
) -> FunnelChart {
    FunnelChart {
        frame,
        data: list
            .rows
            .iter()
            .map(|r| FunnelDatum {
                name: r.kommune.clone(),
                population: r.population,
                gap_pp: r.gap_pp,
                focus: Some(r.kommunekode) == code,
            })
            .collect(),
        p0: list.national.actual_share / 100.0,
        phi: res
            .noise
            .iter()
            .find(|o| o.group == list.group)
            .map_or(1.0, |o| o.phi),
    }
}

/// The gap on the map, the municipality and its peers marked.
fn map_chart(list: &RankedList, frame: Frame, code: Option<Kommunekode>) -> MapChart {
    MapChart {
        frame,
        data: list
            .rows
            .iter()
            .map(|r| MapDatum {
                code: r.kommunekode.get(),
                name: r.kommune.clone(),
                gap_pp: r.gap_pp,
                rank: r.rank,
            })
            .collect(),
        focus: code.map(|c| c.get()),
        focus_name: code.and_then(|c| list.row(c)).map(|r| r.kommune.clone()),
        peers: code
            .map(|c| {
                list.peers_of(c)
                    .iter()
                    .map(|p| p.kommunekode.get())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// One bar.
#[derive(Debug, Clone)]
pub struct BarDatum {
    /// Municipality name.
    pub name: String,
    /// Gap in percentage points (unrounded).
    pub gap_pp: f64,
    /// Its rank.
    pub rank: u32,
    /// Whether this is the focus municipality.
    pub focus: bool,
}

/// One dot.
#[derive(Debug, Clone)]
pub struct ScatterDatum {
    /// Municipality name.
    pub name: String,
    /// Expected share, pct.
    pub expected_share: f64,
    /// Actual share, pct.
    pub actual_share: f64,
    /// Whether this is the focus municipality.
    pub focus: bool,
}

/// One period.
#[derive(Debug, Clone)]
pub struct TrendDatum {
    /// Short Danish period label, e.g. "4. kvt. 2022".
    pub label: String,
    /// Gap in percentage points.
    pub gap_pp: f64,
    /// Whether the expected figure is continued from an earlier list (drawn hollow).
    pub continued: bool,
}

/// Where a group's series breaks fall between the periods: after the last period that ends
/// before the break and before the first that ends on or after it.
fn trend_breaks(
    cfg: &Config,
    group: &crate::config::Group,
    periods: &[crate::keys::Period],
) -> Vec<(f64, String)> {
    cfg.breaks
        .iter()
        .filter(|b| b.affects(group))
        .filter_map(|b| {
            let after = periods.iter().position(|p| p.end_date() >= b.date)?;
            (after > 0).then(|| (after as f64 - 0.5, b.date_words()))
        })
        .collect()
}
