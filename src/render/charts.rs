//! The charts a page or appendix shows, drawn once and shared by HTML and PDF.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::chart::{self, BarDatum, ScatterDatum, TrendDatum};
use crate::config::Config;
use crate::period;
use crate::results::Results;
use crate::view::ViewBuilder;

/// Charts of one group, as SVG text.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupCharts {
    /// Sorted gap bars.
    pub bars: String,
    /// Expected vs actual scatter.
    pub scatter: String,
    /// Gap over time (municipality pages only).
    pub trend: String,
}

/// group id → charts.
pub type ChartSet = BTreeMap<String, GroupCharts>;

/// SVG sizes (pixels) of the three chart kinds. The drawing is the same; the size decides how
/// large the text comes out where the chart is scaled to its place on a screen or an A4 page.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Sorted gap bars.
    pub bars: (u32, u32),
    /// Expected vs actual.
    pub scatter: (u32, u32),
    /// Gap over time.
    pub trend: (u32, u32),
    /// A trend chart for every group (web pages) or only for the headline group (appendix).
    pub every_trend: bool,
}

impl Sizes {
    /// Web pages and full-width print (the national list).
    pub const SCREEN: Sizes = Sizes {
        bars: (760, 300),
        scatter: (760, 420),
        trend: (760, 260),
        every_trend: true,
    };
    /// The appendix, where bar charts stand two abreast and the others at about ⅔ width, so their
    /// 12-pixel text prints at about 6 pt.
    pub const PRINT: Sizes = Sizes {
        bars: (520, 300),
        scatter: (560, 380),
        trend: (560, 220),
        every_trend: false,
    };
}

/// Charts for a municipality (`Some(code)`) or the national pages (`None`).
pub fn charts_for(
    cfg: &Config,
    res: &Results,
    views: &ViewBuilder,
    code: Option<u16>,
    sizes: Sizes,
) -> anyhow::Result<ChartSet> {
    let cur = &res.current;
    let dec = cfg.presentation.decimals;
    let prefix = match code {
        Some(c) => format!("k{c:03}"),
        None => "dk".to_string(),
    };
    let headline = cfg.headline_group().id.get_ref();
    let mut out = ChartSet::new();
    for gid in &res.groups {
        let group = cfg.group(gid).expect("configured");
        let label = &group.label;
        let ranked = views.ranked(cur, gid);
        let bars: Vec<BarDatum> = ranked
            .iter()
            .map(|r| BarDatum {
                name: r.kommune.clone(),
                gap_pp: r.gap_pp,
                rank: r.rank,
                focus: Some(r.kommunekode) == code,
            })
            .collect();
        let dots: Vec<ScatterDatum> = res
            .list(cur, gid)
            .iter()
            .map(|r| ScatterDatum {
                name: r.kommune.clone(),
                expected_share: r.expected_share,
                actual_share: r.actual_share,
                focus: Some(r.kommunekode) == code,
            })
            .collect();
        let mut gc = GroupCharts {
            bars: chart::gap_bars(
                &format!("{prefix}-{gid}-bars"),
                sizes.bars,
                label,
                &bars,
                dec,
            )?,
            scatter: String::new(),
            trend: String::new(),
        };
        // Municipality pages and appendices show the scatter for the total only.
        if code.is_none() || group.is_total() {
            gc.scatter = chart::expected_vs_actual(
                &format!("{prefix}-{gid}-scatter"),
                sizes.scatter,
                label,
                &dots,
                dec,
            )?;
        }
        let wants_trend = sizes.every_trend || gid == headline;
        if let Some(code) = code.filter(|_| wants_trend) {
            let points: Vec<TrendDatum> = res
                .periods
                .iter()
                .filter_map(|p| {
                    res.row(p, gid, code).map(|r| TrendDatum {
                        label: period::short(p),
                        gap_pp: r.gap_pp,
                    })
                })
                .collect();
            let name = res
                .row(cur, gid, code)
                .map(|r| r.kommune.as_str())
                .unwrap_or_default();
            gc.trend = chart::gap_trend(
                &format!("{prefix}-{gid}-trend"),
                sizes.trend,
                name,
                label,
                &points,
                dec,
            )?;
        }
        out.insert(gid.clone(), gc);
    }
    Ok(out)
}
