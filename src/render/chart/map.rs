//! A choropleth of the 98 municipalities: each coloured by its gap in percentage points on a
//! diverging, colour-blind-safe scale centred on 0 (purple = fewer on benefits than expected,
//! orange = more), Bornholm in an inset, the focus municipality outlined and its comparison
//! group marked, a Danish legend, and a `<title>` with name and value on every shape.
//!
//! The boundaries are DAGI's, simplified and projected once by `fixtures/geo/simplify.py` into
//! `kommuner-kort.json`, compiled in. The SVG is written here directly, since every shape needs
//! its own `<title>`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use super::{finish_svg, frame_key, xml_escape, Layer, Layered, FONT_FAMILY};
use crate::report::charts::MapChart;
use crate::report::fmt;

#[derive(Deserialize)]
struct Doc {
    municipalities: Vec<Shape>,
}

#[derive(Deserialize)]
struct Shape {
    code: u16,
    /// Rings as flat x, y lists (projected units, y downwards).
    rings: Vec<Vec<i32>>,
}

fn shapes() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        // Compiled in and checked by a test: a failure here is a build defect.
        serde_json::from_str::<Doc>(include_str!("kommuner-kort.json"))
            .map(|d| d.municipalities)
            .unwrap_or_default()
    })
}

/// Bornholm's kommunekode: drawn in an inset, as Danish maps do.
const BORNHOLM: u16 = 400;

/// ColorBrewer PuOr, 7 classes (colour-blind safe): purple = better (fewer than expected).
pub const PALETTE: [&str; 7] = [
    "#542788", "#8073ac", "#b2abd2", "#f0f0f0", "#fdb863", "#e08214", "#b35806",
];

/// Borders between municipalities (≥ 3:1 against the lightest fill and the white page).
pub const BORDER: &str = "#5f5f5f";
/// The focus municipality's and its peers' outline, drawn on a white [`HALO`].
pub const FOCUS_LINE: &str = "#000000";
/// The halo under an outline.
pub const HALO: &str = "#ffffff";

/// A step that gives round class limits (0.1, 0.2, 0.25, 0.5, 1, 2 …), about a third of `p90`.
fn nice_step(p90: f64) -> f64 {
    let raw = (p90 / 3.0).max(0.01);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// The class (0–6) of a gap: a middle class from −step to step, then two more steps each way
/// and an open class beyond three steps.
fn class(gap: f64, step: f64) -> usize {
    if gap.abs() <= step || !gap.is_finite() {
        return 3;
    }
    let k = ((gap.abs() / step).ceil() as usize - 1).min(3);
    if gap < 0.0 {
        3 - k
    } else {
        3 + k
    }
}

struct Frame {
    scale: f64,
    dx: f64,
    dy: f64,
}

impl Frame {
    fn point(&self, x: i32, y: i32) -> (f64, f64) {
        (
            f64::from(x) * self.scale + self.dx,
            f64::from(y) * self.scale + self.dy,
        )
    }
}

fn bbox<'a>(shapes: impl Iterator<Item = &'a Shape>) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for s in shapes {
        for r in &s.rings {
            for p in r.chunks(2) {
                x0 = x0.min(f64::from(p[0]));
                x1 = x1.max(f64::from(p[0]));
                y0 = y0.min(f64::from(p[1]));
                y1 = y1.max(f64::from(p[1]));
            }
        }
    }
    (x0, y0, x1, y1)
}

fn path(shape: &Shape, f: &Frame) -> String {
    let mut d = String::new();
    for r in &shape.rings {
        for (i, p) in r.chunks(2).enumerate() {
            let (x, y) = f.point(p[0], p[1]);
            // Whole pixels: the simplified borders carry no finer detail.
            let _ = write!(d, "{}{:.0} {:.0}", if i == 0 { "M" } else { "L" }, x, y);
        }
        d.push('Z');
    }
    d
}

/// Width of the legend beside the map, and the padding around both.
const LEGEND_W: f64 = 190.0;
const PAD: f64 = 8.0;

/// The map laid out on a canvas of one size: every shape's path (in [`shapes`]' order) and
/// Bornholm's box.
struct Projection {
    paths: Vec<String>,
    /// Bornholm's box: x, y, width, height.
    inset: (f64, f64, f64, f64),
}

/// The projection for a canvas size, made once per size: writing the 98 outlines' points is
/// most of the cost of a map, and every appendix draws one on the same canvas.
fn projection(size: (u32, u32)) -> Arc<Projection> {
    type Made = Vec<((u32, u32), Arc<Projection>)>;
    static MADE: Mutex<Made> = Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = made.iter().find(|(s, _)| *s == size) {
        return Arc::clone(p);
    }
    let p = Arc::new(project(size));
    // Two sizes are used (screen, print); the bound only guards against a caller with many.
    if made.len() >= 8 {
        made.clear();
    }
    made.push((size, Arc::clone(&p)));
    p
}

fn project(size: (u32, u32)) -> Projection {
    let (width, height) = (f64::from(size.0), f64::from(size.1));
    let (legend_w, pad) = (LEGEND_W, PAD);
    let all = shapes();
    let main = bbox(all.iter().filter(|s| s.code != BORNHOLM));
    let born = bbox(all.iter().filter(|s| s.code == BORNHOLM));
    let map_w = width - legend_w - 2.0 * pad;
    let map_h = height - 2.0 * pad - 16.0;
    let scale = (map_w / (main.2 - main.0)).min(map_h / (main.3 - main.1));
    let main_frame = Frame {
        scale,
        dx: pad - main.0 * scale,
        dy: pad - main.1 * scale,
    };
    // Bornholm at the same scale, in a box in the top right corner of the map (the Kattegat).
    let bw = (born.2 - born.0) * scale;
    let bh = (born.3 - born.1) * scale;
    let box_x = pad + (main.2 - main.0) * scale - bw - 12.0;
    let box_y = pad + 4.0;
    let born_frame = Frame {
        scale,
        dx: box_x + 6.0 - born.0 * scale,
        dy: box_y + 6.0 - born.1 * scale,
    };
    let paths = all
        .iter()
        .map(|s| {
            let f = if s.code == BORNHOLM {
                &born_frame
            } else {
                &main_frame
            };
            path(s, f)
        })
        .collect();
    Projection {
        paths,
        inset: (box_x, box_y, bw + 12.0, bh + 12.0),
    }
}

impl Layered for MapChart {
    fn draw(&self, layer: Layer) -> anyhow::Result<String> {
        gap_map(self, layer)
    }

    /// Every municipality's values; not the focus municipality nor its comparison group.
    fn base_key(&self) -> String {
        format!("map {} {:?}", frame_key(&self.frame), self.data)
    }
}

/// Draws the map, or one [`Layer`] of it.
pub fn gap_map(c: &MapChart, layer: Layer) -> anyhow::Result<String> {
    let (width, height) = c.frame.size;
    let (width, height) = (f64::from(width), f64::from(height));
    let (legend_w, pad) = (LEGEND_W, PAD);
    let all = shapes();
    let proj = projection(c.frame.size);
    let by_code: BTreeMap<u16, &crate::report::charts::MapDatum> =
        c.data.iter().map(|d| (d.code, d)).collect();
    let (step, decimals) = class_step(c);

    let mut body = String::new();
    if layer.shared() {
        let _ = write!(
            body,
            r##"<rect width="{width}" height="{height}" fill="#ffffff"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="{BORDER}" stroke-width="0.8"/>"##,
            proj.inset.0, proj.inset.1, proj.inset.2, proj.inset.3
        );
    }
    let draw = |i: usize, stroke: &str, w: f64, out: &mut String| {
        let s = &all[i];
        let (fill, title) = match by_code.get(&s.code) {
            Some(d) => (
                PALETTE[class(d.gap_pp, step)],
                format!(
                    "{}: {} procentpoint (nr. {})",
                    d.name,
                    fmt::signed(d.gap_pp, c.frame.decimals),
                    d.rank
                ),
            ),
            None => ("#ffffff", "Ingen data".to_string()),
        };
        let _ = write!(
            out,
            r#"<path d="{}" fill="{fill}" stroke="{stroke}" stroke-width="{w}" stroke-linejoin="round"><title>{}</title></path>"#,
            proj.paths[i],
            xml_escape(&title)
        );
    };
    if layer.shared() {
        for i in 0..all.len() {
            draw(i, BORDER, 0.5, &mut body);
        }
    }
    if layer.highlight() {
        // Peers, then the focus municipality, on top so their outlines are whole.
        // Each outline is black on a white halo, so it stands out from dark and light fills alike.
        let marked = |keep: &dyn Fn(u16) -> bool| -> Vec<usize> {
            (0..all.len()).filter(|&i| keep(all[i].code)).collect()
        };
        for i in marked(&|code| c.peers.contains(&code)) {
            draw(i, HALO, 3.2, &mut body);
            draw(i, FOCUS_LINE, 1.4, &mut body);
        }
        for i in marked(&|code| Some(code) == c.focus) {
            draw(i, HALO, 5.5, &mut body);
            draw(i, FOCUS_LINE, 2.6, &mut body);
        }
    }

    // Legend: the classes, worst at the top, with their limits; drawn in the base only, but
    // its height places the focus entries.
    let lx = width - legend_w + 4.0;
    let (legend, ly) = class_legend(lx, pad + 14.0, step, decimals);
    if layer.shared() {
        body.push_str(&legend);
    }
    if layer.highlight() {
        focus_legend(&mut body, c, lx, ly);
    }
    if layer.shared() {
        body.push_str(&text(
            pad,
            height - 6.0,
            "Kort: DAGI, Styrelsen for Dataforsyning og Infrastruktur",
            10,
            false,
        ));
    }
    let svg = format!(
        r##"<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{body}</svg>"##
    );
    let (title, desc) = describe(c, layer, &by_code);
    Ok(finish_svg(svg, &layer.id(&c.frame.id), &title, &desc))
}

/// The class width: a nice step from the 90th percentile of |gap|, so a few outliers do not
/// wash out the rest, and the decimals that write it exactly (0,25 needs two).
fn class_step(c: &MapChart) -> (f64, usize) {
    // Classes from the 90th percentile of |gap|, so a few outliers do not wash out the rest.
    let mut abs: Vec<f64> = c
        .data
        .iter()
        .map(|d| d.gap_pp.abs())
        .filter(|v| v.is_finite())
        .collect();
    abs.sort_by(f64::total_cmp);
    let p90 = abs.get(abs.len() * 9 / 10).copied().unwrap_or(0.0);
    let step = nice_step(p90);
    // Enough decimals to write the step exactly (0,25 needs two).
    let decimals = (0..3)
        .find(|d| {
            let f = 10f64.powi(*d);
            ((step * f).round() - step * f).abs() < 1e-9
        })
        .unwrap_or(2) as usize;
    (step, decimals)
}

/// A text element of the map.
fn text(x: f64, y: f64, s: &str, size: u32, bold: bool) -> String {
    format!(
        r##"<text x="{x:.1}" y="{y:.1}" font-family="{FONT_FAMILY}" font-size="{size}" fill="#222222"{}>{}</text>"##,
        if bold { r#" font-weight="bold""# } else { "" },
        xml_escape(s)
    )
}

/// The class legend from `(lx, ly)`, and the height it reaches.
fn class_legend(lx: f64, mut ly: f64, step: f64, decimals: usize) -> (String, f64) {
    let mut legend = String::new();
    legend.push_str(&text(lx, ly, "Forskel, procentpoint", 12, true));
    ly += 8.0;
    let limit = |k: f64| fmt::number(k * step, decimals);
    let labels = [
        format!("over {}", limit(3.0)),
        format!("{} til {}", limit(2.0), limit(3.0)),
        format!("{} til {}", limit(1.0), limit(2.0)),
        format!("{} til {}", limit(-1.0), limit(1.0)),
        format!("{} til {}", limit(-2.0), limit(-1.0)),
        format!("{} til {}", limit(-3.0), limit(-2.0)),
        format!("under {}", limit(-3.0)),
    ];
    for (i, label) in labels.iter().enumerate() {
        let colour = PALETTE[6 - i];
        let _ = write!(
            legend,
            r#"<rect x="{lx:.1}" y="{:.1}" width="18" height="14" fill="{colour}" stroke="{BORDER}" stroke-width="0.6"/>"#,
            ly
        );
        legend.push_str(&text(lx + 24.0, ly + 11.0, label, 11, false));
        ly += 18.0;
    }
    ly += 6.0;
    for line in [
        "Lilla: færre på offentlig",
        "forsørgelse end forventet",
        "(bedre). Orange: flere.",
    ] {
        legend.push_str(&text(lx, ly + 10.0, line, 11, false));
        ly += 14.0;
    }
    (legend, ly)
}

/// The focus municipality's and its peers' outlines in the legend, below the classes.
fn focus_legend(body: &mut String, c: &MapChart, lx: f64, mut ly: f64) {
    if let Some(name) = c.focus_name.as_deref() {
        ly += 6.0;
        let _ = write!(
            body,
            r#"<rect x="{lx:.1}" y="{:.1}" width="18" height="14" fill="none" stroke="{FOCUS_LINE}" stroke-width="3"/>"#,
            ly
        );
        body.push_str(&text(lx + 24.0, ly + 11.0, name, 11, false));
        ly += 20.0;
        if !c.peers.is_empty() {
            let _ = write!(
                body,
                r#"<rect x="{lx:.1}" y="{:.1}" width="18" height="14" fill="none" stroke="{FOCUS_LINE}" stroke-width="1.4"/>"#,
                ly
            );
            body.push_str(&text(
                lx + 24.0,
                ly + 11.0,
                "Sammenligningsgruppe",
                11,
                false,
            ));
        }
    }
}

/// The chart's title and description: the best and worst, and the focus municipality.
fn describe(
    c: &MapChart,
    layer: Layer,
    by_code: &BTreeMap<u16, &crate::report::charts::MapDatum>,
) -> (String, String) {
    let title = format!("Kort: forskel i procentpoint, {}", c.frame.group_label);
    let worst = c
        .data
        .iter()
        .filter(|d| d.gap_pp.is_finite())
        .max_by(|a, b| a.gap_pp.total_cmp(&b.gap_pp));
    let best = c
        .data
        .iter()
        .filter(|d| d.gap_pp.is_finite())
        .min_by(|a, b| a.gap_pp.total_cmp(&b.gap_pp));
    let mut desc = format!(
        "Danmarkskort med de {} kommuner farvet efter forskellen mellem faktisk og forventet andel; lilla er færre på offentlig forsørgelse end forventet, orange flere.",
        c.data.len()
    );
    if let (Some(b), Some(w)) = (best, worst) {
        let _ = write!(
            desc,
            " Bedst: {} ({}), dårligst: {} ({}).",
            b.name,
            fmt::signed(b.gap_pp, c.frame.decimals),
            w.name,
            fmt::signed(w.gap_pp, c.frame.decimals)
        );
    }
    if let Some(d) = c
        .focus
        .filter(|_| layer != Layer::Base)
        .and_then(|f| by_code.get(&f))
    {
        let _ = write!(
            desc,
            " {} er fremhævet: {} procentpoint, nr. {}.",
            d.name,
            fmt::signed(d.gap_pp, c.frame.decimals),
            d.rank
        );
    }
    (title, desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_map_has_the_98_municipalities() {
        let s = shapes();
        assert_eq!(s.len(), 98);
        assert!(s
            .iter()
            .all(|m| !m.rings.is_empty() && m.rings.iter().all(|r| r.len() >= 6)));
        assert!(s.iter().any(|m| m.code == BORNHOLM));
    }

    #[test]
    fn classes_are_symmetric_around_zero() {
        let step = nice_step(1.4);
        assert_eq!(step, 0.5);
        assert_eq!(class(0.0, step), 3);
        assert_eq!(class(0.5, step), 3);
        assert_eq!(class(0.6, step), 4);
        assert_eq!(class(-0.6, step), 2);
        assert_eq!(class(1.2, step), 5);
        assert_eq!(class(5.0, step), 6);
        assert_eq!(class(-5.0, step), 0);
    }
}
