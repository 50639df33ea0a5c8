//! The status report's view (per municipality: a table per target group with "heraf" rows,
//! changes, and the shares of the municipality, its comparison group and the country) and the
//! targets' follow-up, with their sentences. Pages, appendices and Word files read this view.

use serde::Serialize;

use super::fmt::{count, number, signed};
use super::targets::{targets, TargetView};
use crate::compute::status::{Area, StatusFigures};
use crate::config::{ComparisonKind, Config};
use crate::input::Dataset;
use crate::keys::{GroupId, Kommunekode, Period};

/// One period's shares (pct. of the population 16–66).
#[derive(Debug, Clone, Serialize)]
pub struct ShareCells {
    pub period: String,
    pub own: String,
    pub comparison: String,
    pub country: String,
}

/// One row of the status table.
#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub id: String,
    /// The label, "heraf …" for a part of the row above.
    pub label: String,
    /// A part of another row (indented).
    pub heraf: bool,
    /// Full-time persons per period.
    pub counts: Vec<String>,
    /// First → last period, persons and percent.
    pub change: String,
    pub change_pct: String,
    /// Shares per period.
    pub shares: Vec<ShareCells>,
    /// The row in a sentence.
    pub sentence: String,
    /// The shares over every period with figures.
    pub chart: ShareChart,
}

/// One line of a share chart.
#[derive(Debug, Clone, Serialize)]
pub struct ShareSeries {
    pub name: String,
    /// The municipality's own line (drawn heavier).
    pub own: bool,
    /// Per period, pct.; `None` where a figure is missing.
    pub values: Vec<Option<f64>>,
}

/// A target group's shares over time: the municipality, its comparison group, the country.
#[derive(Debug, Clone, Serialize)]
pub struct ShareChart {
    pub title: String,
    /// The text alternative: every value.
    pub description: String,
    pub periods: Vec<String>,
    pub series: Vec<ShareSeries>,
}

/// One municipality's status report.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub title: String,
    /// Period labels, short ("4. kvt. 2022").
    pub periods: Vec<String>,
    /// "fra 4. kvt. 2021 til 4. kvt. 2022".
    pub span_words: String,
    /// What the comparison group is, e.g. "klyngen Hovedstadsområdet (10 kommuner)".
    pub comparison_label: String,
    /// Its short column head.
    pub comparison_head: String,
    pub rows: Vec<StatusRow>,
    pub targets: Vec<TargetView>,
    /// Why a share table holds "–", when one does (an area's share needs every member's figure).
    pub missing_note: Option<String>,
}

/// The comparison group in words, for one municipality.
pub(super) fn comparison_words(
    cfg: &Config,
    ds: &Dataset,
    f: &StatusFigures,
    c: Kommunekode,
) -> (String, String) {
    let n = f.comparison_of(c).len();
    match cfg.comparison.kind {
        ComparisonKind::Klynge => match crate::compute::peers::klynge_of(&cfg.comparison, c) {
            Some((name, _)) => (format!("klyngen {name} ({n} kommuner)"), "Klyngen".into()),
            None => (
                "klyngen (kommunen er ikke i nogen klynge)".into(),
                "Klyngen".into(),
            ),
        },
        ComparisonKind::Region => {
            let region = ds.municipality(c).map_or("", |m| m.region.as_str());
            (format!("{region} ({n} kommuner)"), "Regionen".into())
        }
        ComparisonKind::Nearest => (
            format!("sammenligningsgruppen (de {n} kommuner med den nærmeste forventede andel)"),
            "Sammenligningsgruppen".into(),
        ),
    }
}

pub(super) fn pct(v: f64) -> String {
    format!("{} pct.", signed(v, 1))
}

pub(super) fn share_text(v: f64, decimals: usize) -> String {
    format!("{} pct.", number(v, decimals))
}

/// The status report of one municipality.
pub fn status_view(
    cfg: &Config,
    ds: &Dataset,
    f: &StatusFigures,
    c: Kommunekode,
) -> Option<StatusView> {
    let status = cfg.status.as_ref()?;
    let d = cfg.presentation.decimals;
    let (comparison_label, comparison_head) = comparison_words(cfg, ds, f, c);
    let name = ds.name(c).to_string();
    let first = &status.periods[0];
    let last = &status.periods[status.periods.len() - 1];
    let rows: Vec<StatusRow> = status
        .groups
        .iter()
        .map(|g| {
            let group = cfg.any_group(g).expect("checked");
            let counts: Vec<Option<f64>> =
                status.periods.iter().map(|p| f.count(g, p, c)).collect();
            let (a, b) = (counts[0], counts[counts.len() - 1]);
            let change = a.zip(b).map(|(a, b)| b - a);
            let change_pct = a
                .zip(b)
                .filter(|(a, _)| *a > 0.0)
                .map(|(a, b)| (b - a) / a * 100.0);
            let shares = status
                .periods
                .iter()
                .map(|p| {
                    let s = |area| {
                        f.area(g, p, c, area)
                            .map_or("–".into(), |x| number(x.share(), d))
                    };
                    ShareCells {
                        period: p.short(),
                        own: s(Area::Own),
                        comparison: s(Area::Comparison),
                        country: s(Area::Country),
                    }
                })
                .collect();
            let heraf = group
                .part_of
                .as_ref()
                .is_some_and(|p| status.groups.contains(p));
            StatusRow {
                id: g.to_string(),
                label: if heraf {
                    format!("heraf {}", lower_first(&group.label))
                } else {
                    group.label.clone()
                },
                heraf,
                counts: counts
                    .iter()
                    .map(|v| v.map_or("–".into(), |v| count(v, 1)))
                    .collect(),
                change: change.map_or("–".into(), |v| signed(v.round(), 0)),
                change_pct: change_pct.map_or("–".into(), |v| signed(v, 1)),
                shares,
                sentence: row_sentence(
                    f,
                    &name,
                    g,
                    &group.label,
                    (first, last),
                    c,
                    d,
                    &comparison_label,
                ),
                chart: share_chart(f, g, &group.label, c, (&name, &comparison_head), d),
            }
        })
        .collect();
    let dash = rows.iter().any(|r| {
        r.shares.iter().any(|sh| {
            [&sh.own, &sh.comparison, &sh.country]
                .iter()
                .any(|x| *x == "–")
        })
    });
    let missing_note = dash.then(|| {
        format!(
            "– betyder, at tallet mangler: en andel for {} eller hele landet beregnes kun, når alle dens kommuner har tal (en gruppe, der kun tælles fra kommunens egne sagsdata, har det ikke).",
            comparison_head.to_lowercase()
        )
    });
    Some(StatusView {
        missing_note,
        title: status.title.clone(),
        periods: status.periods.iter().map(|p| p.short()).collect(),
        span_words: format!("fra {} til {}", first.short(), last.short()),
        comparison_label,
        comparison_head,
        rows,
        targets: targets(cfg, ds, f, c),
    })
}

fn lower_first(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(c) if ch.clone().next().is_some_and(|n| n.is_lowercase()) => {
            c.to_lowercase().chain(ch).collect()
        }
        _ => s.to_string(),
    }
}

/// "Ishøj havde 1.530 fuldtidspersoner på kontanthjælp mv. i 4. kvt. 2022, 60 færre end i
/// 4. kvt. 2021 (−3,8 pct.). Det er 4,12 pct. af de 16–66-årige mod 4,50 pct. i klyngen … og
/// 3,90 pct. i hele landet."
#[allow(clippy::too_many_arguments)]
fn row_sentence(
    f: &StatusFigures,
    name: &str,
    g: &GroupId,
    label: &str,
    (first, last): (&Period, &Period),
    c: Kommunekode,
    d: usize,
    comparison: &str,
) -> String {
    let label = super::sentences::label_in_sentence(label);
    let Some(now) = f.count(g, last, c) else {
        return format!(
            "Der er ingen tal for {name} for {label} i {}.",
            last.short()
        );
    };
    let mut s = format!(
        "{name} havde {} fuldtidspersoner på {label} i {}",
        count(now, 1),
        last.short()
    );
    if let Some(before) = f.count(g, first, c) {
        let diff = (now - before).round();
        let how = if diff > 0.0 {
            format!("{} flere end", count(diff, 1))
        } else if diff < 0.0 {
            format!("{} færre end", count(-diff, 1))
        } else {
            "lige så mange som".into()
        };
        s.push_str(&format!(", {how} i {}", first.short()));
        if before > 0.0 {
            s.push_str(&format!(" ({})", pct((now - before) / before * 100.0)));
        }
    }
    s.push('.');
    if let Some(own) = f.area(g, last, c, Area::Own) {
        s.push_str(&format!(
            " Det er {} af de 16–66-årige",
            share_text(own.share(), d)
        ));
        let mut refs = Vec::new();
        if let Some(x) = f.area(g, last, c, Area::Comparison) {
            refs.push(format!("{} i {comparison}", share_text(x.share(), d)));
        }
        if let Some(x) = f.area(g, last, c, Area::Country) {
            refs.push(format!("{} i hele landet", share_text(x.share(), d)));
        }
        if !refs.is_empty() {
            s.push_str(&format!(" mod {}", refs.join(" og ")));
        }
        s.push('.');
    }
    s
}

fn share_chart(
    f: &StatusFigures,
    g: &GroupId,
    label: &str,
    c: Kommunekode,
    (name, comparison): (&str, &str),
    d: usize,
) -> ShareChart {
    let series: Vec<ShareSeries> = [
        (name, Area::Own),
        (comparison, Area::Comparison),
        ("Hele landet", Area::Country),
    ]
    .into_iter()
    .map(|(n, area)| ShareSeries {
        name: n.to_string(),
        own: area == Area::Own,
        values: f
            .trend
            .iter()
            .map(|p| f.area(g, p, c, area).map(|x| x.share()))
            .collect(),
    })
    .collect();
    let periods: Vec<String> = f.trend.iter().map(|p| p.short()).collect();
    let described: Vec<String> = series
        .iter()
        .map(|s| {
            let v: Vec<String> = periods
                .iter()
                .zip(&s.values)
                .map(|(p, v)| format!("{p} {}", v.map_or("–".into(), |v| number(v, d))))
                .collect();
            format!("{}: {}", s.name, v.join(", "))
        })
        .collect();
    ShareChart {
        title: format!(
            "{label}: andel af de 16–66-årige over tid, {name}, {} og hele landet",
            lower_first(comparison)
        ),
        description: format!(
            "Linjediagram, pct. af de 16–66-årige. {}.",
            described.join("; ")
        ),
        periods,
        series,
    }
}
