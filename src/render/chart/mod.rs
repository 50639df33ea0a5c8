//! Charts as SVG strings (plotters), one chart kind per file, shared style here.
//!
//! Text is set in the bundled DejaVu Sans, registered with plotters' ab_glyph backend (so no
//! system font is read) and named in the SVG, where the HTML (via @font-face) and Typst (via its
//! embedded fonts) find the same font.

mod bars;
mod compact;
mod draw;
mod funnel;
mod map;
mod scatter;
mod status;
pub use status::share_trend;
mod trend;
mod xy;

use std::collections::HashMap;
use std::sync::{Mutex, Once};

use plotters::style::{FontStyle, RGBColor};

pub use bars::gap_bars;
pub(crate) use draw::{
    boxed_text, clear_spot, err, finish_svg, focus_label, period_axes, range_with_zero,
};
pub use funnel::gap_funnel;
pub use map::gap_map;
pub use scatter::expected_vs_actual;
pub use trend::gap_trend;
pub use xy::xy;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::charts::ChartPlan;

/// Charts of one group, as SVG text ("" where the page shows none).
///
/// Each field holds the whole chart. Drawn [`layered`](draw_layered), a chart that highlights a
/// municipality also comes in two parts: `*_base`, the same for every municipality, and
/// `*_focus`, the highlight drawn on top (see [`Layer`]); templates that know the parts use them,
/// older ones keep working with the whole.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupCharts {
    /// Sorted gap bars.
    pub bars: String,
    /// Expected vs actual scatter.
    pub scatter: String,
    /// Gap over time.
    pub trend: String,
    /// Gap against population with the noise model's limits.
    pub funnel: String,
    /// The choropleth map.
    pub map: String,
    /// The shared bases and the focus overlays of a layered drawing ("" otherwise).
    pub bars_base: String,
    pub scatter_base: String,
    pub funnel_base: String,
    pub map_base: String,
    pub bars_focus: String,
    pub scatter_focus: String,
    pub funnel_focus: String,
    pub map_focus: String,
    /// Each chart's text alternative (its SVG title and description), for the PDF's figures.
    pub bars_alt: String,
    pub scatter_alt: String,
    pub trend_alt: String,
    pub funnel_alt: String,
    pub map_alt: String,
}

/// A field of [`GroupCharts`] by the name the templates know it by.
pub type Part = (&'static str, String);

impl GroupCharts {
    /// Every SVG part, then every text alternative.
    pub fn into_parts(self) -> ([Part; 13], [Part; 5]) {
        (
            [
                ("bars", self.bars),
                ("scatter", self.scatter),
                ("trend", self.trend),
                ("funnel", self.funnel),
                ("map", self.map),
                ("bars_base", self.bars_base),
                ("scatter_base", self.scatter_base),
                ("funnel_base", self.funnel_base),
                ("map_base", self.map_base),
                ("bars_focus", self.bars_focus),
                ("scatter_focus", self.scatter_focus),
                ("funnel_focus", self.funnel_focus),
                ("map_focus", self.map_focus),
            ],
            [
                ("bars_alt", self.bars_alt),
                ("scatter_alt", self.scatter_alt),
                ("trend_alt", self.trend_alt),
                ("funnel_alt", self.funnel_alt),
                ("map_alt", self.map_alt),
            ],
        )
    }
}

/// Which part of a chart to draw.
///
/// The appendices draw a chart as a base plus a focus overlay because Typst memoizes a parsed
/// SVG by its bytes: a base that is the same in all 98 appendices is parsed (text turned into
/// outlines and all) once per group instead of once per appendix — about a fifth of the PDF
/// stage's time. The overlay holds only what names or marks the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The whole chart in one SVG (the HTML pages, the national list).
    Whole,
    /// Everything but the highlight: the focus municipality drawn like the others, on white,
    /// with a title and description that do not name it.
    Base,
    /// Only the highlight, on a transparent background, on the same canvas as the base.
    Focus,
}

impl Layer {
    /// Draws the parts every municipality shares.
    pub fn shared(self) -> bool {
        self != Layer::Focus
    }

    /// Draws the highlight.
    pub fn highlight(self) -> bool {
        self != Layer::Base
    }

    /// Whether a datum marked `focus` is drawn as the focus (else like any other).
    pub fn is_focus(self, focus: bool) -> bool {
        focus && self != Layer::Base
    }

    /// The element-id prefix: a base must not carry the municipality in its ids, or its bytes
    /// (and Typst's memo key) would differ between appendices.
    fn id(self, frame_id: &str) -> String {
        match self {
            Layer::Base => frame_id
                .split_once('-')
                .map_or(frame_id, |(_, rest)| rest)
                .to_string(),
            _ => frame_id.to_string(),
        }
    }
}

/// The text alternative of a chart: its `<title>` and `<desc>`, unescaped.
pub fn alt_of(svg: &str) -> String {
    let inner = |tag: &str| -> String {
        let Some(start) = svg.find(&format!("<{tag} ")) else {
            return String::new();
        };
        let Some(open_end) = svg[start..].find('>').map(|e| start + e + 1) else {
            return String::new();
        };
        let Some(close) = svg[open_end..].find(&format!("</{tag}>")) else {
            return String::new();
        };
        svg[open_end..open_end + close]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let (t, d) = (inner("title"), inner("desc"));
    match (t.is_empty(), d.is_empty()) {
        (true, _) => d,
        (false, true) => t,
        (false, false) => format!("{t}. {d}"),
    }
}

/// Group id → charts.
pub type ChartSet = BTreeMap<String, GroupCharts>;

/// Draws every chart of a page's plan, each as one SVG.
pub fn draw(plan: &ChartPlan) -> anyhow::Result<ChartSet> {
    draw_with(plan, None)
}

/// Draws every chart of a page's plan, the charts that highlight a municipality as a shared
/// base and a focus overlay (see [`Layer`]); the text alternatives still name it. A base
/// already in `bases` is taken from there.
pub fn draw_layered(plan: &ChartPlan, bases: &Bases) -> anyhow::Result<ChartSet> {
    draw_with(plan, Some(bases))
}

/// The chart bases drawn so far, by their charts' base keys: the appendices of one build share
/// them, so each is drawn once instead of once per appendix (−3.6 % of the PDF build's
/// instructions).
#[derive(Default)]
pub struct Bases(Mutex<HashMap<String, String>>);

impl Bases {
    fn get_or_draw(
        &self,
        key: String,
        draw: impl FnOnce() -> anyhow::Result<String>,
    ) -> anyhow::Result<String> {
        let known = |m: &Mutex<HashMap<String, String>>| {
            m.lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .cloned()
        };
        if let Some(base) = known(&self.0) {
            return Ok(base);
        }
        // Drawn outside the lock: two threads may both draw a base the first time, and get the
        // same bytes.
        let base = draw()?;
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, base.clone());
        Ok(base)
    }
}

/// A chart that highlights a municipality, so it can be drawn in [`Layer`]s.
pub(crate) trait Layered {
    /// Draws the chart, or one layer of it.
    fn draw(&self, layer: Layer) -> anyhow::Result<String>;

    /// Everything its [`Layer::Base`] is drawn from, written out, without what only marks the
    /// municipality: charts with the same key have the same base. (A test draws every
    /// appendix's bases afresh and from [`Bases`] and compares them.)
    fn base_key(&self) -> String;
}

/// The part of a base's key that its [`Frame`](crate::report::charts::Frame) gives: its id as
/// the base writes it (without the municipality), size, label and decimals.
pub(crate) fn frame_key(f: &crate::report::charts::Frame) -> String {
    format!(
        "{:?} {:?} {:?} {}",
        Layer::Base.id(&f.id),
        f.size,
        f.group_label,
        f.decimals
    )
}

fn draw_with(plan: &ChartPlan, layered: Option<&Bases>) -> anyhow::Result<ChartSet> {
    plan.iter()
        .map(|(gid, p)| {
            let bars = Drawn::of(Some(&p.bars), layered)?;
            let scatter = Drawn::of(p.scatter.as_ref(), layered)?;
            let funnel = Drawn::of(p.funnel.as_ref(), layered)?;
            let map = Drawn::of(p.map.as_ref(), layered)?;
            let trend = p
                .trend
                .as_ref()
                .map(gap_trend)
                .transpose()?
                .unwrap_or_default();
            let charts = GroupCharts {
                trend_alt: alt_of(&trend),
                trend,
                bars_alt: alt_of(&bars.whole),
                bars: bars.whole,
                bars_base: bars.base,
                bars_focus: bars.focus,
                scatter_alt: alt_of(&scatter.whole),
                scatter: scatter.whole,
                scatter_base: scatter.base,
                scatter_focus: scatter.focus,
                funnel_alt: alt_of(&funnel.whole),
                funnel: funnel.whole,
                funnel_base: funnel.base,
                funnel_focus: funnel.focus,
                map_alt: alt_of(&map.whole),
                map: map.whole,
                map_base: map.base,
                map_focus: map.focus,
            };
            Ok((gid.to_string(), charts))
        })
        .collect()
}

/// One chart: whole, and (layered) its base and focus overlay.
#[derive(Default)]
struct Drawn {
    whole: String,
    base: String,
    focus: String,
}

impl Drawn {
    /// The chart whole, or (with `layered`) in layers, its base from `layered` where drawn before.
    fn of<T: Layered>(chart: Option<&T>, layered: Option<&Bases>) -> anyhow::Result<Drawn> {
        let Some(c) = chart else {
            return Ok(Drawn::default());
        };
        let Some(bases) = layered else {
            return Ok(Drawn {
                whole: c.draw(Layer::Whole)?,
                ..Drawn::default()
            });
        };
        let base = bases.get_or_draw(c.base_key(), || c.draw(Layer::Base))?;
        let focus = c.draw(Layer::Focus)?;
        let whole = match stack(&base, &focus) {
            Some(whole) => whole,
            None => c.draw(Layer::Whole)?,
        };
        Ok(Drawn { whole, base, focus })
    }
}

/// The whole chart from its layers, without drawing it again: the overlay's opening tag, title
/// and description (they name the municipality), the base's marks, then the overlay's marks.
/// `None` if either is not shaped as [`finish_svg`] leaves it.
fn stack(base: &str, focus: &str) -> Option<String> {
    let body = |svg: &str| -> Option<(usize, usize)> {
        let start = svg.find("</desc>")? + "</desc>".len();
        let end = svg.rfind("</svg>")?;
        (start <= end).then_some((start, end))
    };
    let (bs, be) = body(base)?;
    let (fs, fe) = body(focus)?;
    Some(format!(
        "{}{}{}</svg>",
        &focus[..fs],
        &base[bs..be],
        &focus[fs..fe]
    ))
}

/// The chart font family, as written into the SVG.
pub const FONT_FAMILY: &str = "DejaVu Sans";
pub use crate::fonts::{FONT_BOLD, FONT_REGULAR};

/// Okabe–Ito blue: the focus municipality.
pub const FOCUS: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito vermillion: reference lines that need attention.
pub const ACCENT: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Everything else: 4.3:1 on white and 3.7:1 on [`SHADE`], so grey marks keep WCAG 1.4.11's
/// 3:1 non-text contrast.
pub const OTHER: RGBColor = RGBColor(0x7A, 0x7A, 0x7A);
/// Shading for "færre end forventet".
pub const SHADE: RGBColor = RGBColor(0xE3, 0xF0, 0xF7);
/// Axis and text colour.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

static FONTS: Once = Once::new();

/// Registers the bundled font with plotters (idempotent).
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The font bytes are compiled in and known to parse; a failure here is a build defect.
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_REGULAR)
            .unwrap_or_else(|_| panic!("bundled font does not parse"));
        plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD)
            .unwrap_or_else(|_| panic!("bundled bold font does not parse"));
    });
}

pub(crate) use super::xml_escape;

#[cfg(test)]
mod contrast {
    use super::*;

    /// WCAG 2.1 relative luminance.
    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).expect("hex colour");
        let lin = |c: u32| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(v >> 16 & 0xFF) + 0.7152 * lin(v >> 8 & 0xFF) + 0.0722 * lin(v & 0xFF)
    }

    fn ratio(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn hex(c: RGBColor) -> String {
        format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
    }

    /// Every mark that carries meaning, and the focus ring, keeps 3:1 (WCAG 1.4.11) against
    /// the backgrounds it is drawn on.
    #[test]
    fn chart_and_focus_colours_keep_three_to_one() {
        let white = "#ffffff";
        let shade = hex(SHADE);
        let marks = [
            (
                "other municipalities",
                hex(OTHER),
                vec![white.to_string(), shade.clone()],
            ),
            (
                "focus municipality",
                hex(FOCUS),
                vec![white.to_string(), shade.clone()],
            ),
            ("reference lines", hex(ACCENT), vec![white.to_string()]),
            ("axes and text", hex(INK), vec![white.to_string(), shade]),
            (
                "map borders",
                map::BORDER.to_string(),
                vec![white.to_string(), map::PALETTE[3].to_string()],
            ),
            (
                "map focus outline on white",
                map::FOCUS_LINE.to_string(),
                vec![map::HALO.to_string()],
            ),
            // The CSS focus ring (--ring in style.css) on the white page.
            ("focus ring", "#1f1f1f".to_string(), vec![white.to_string()]),
        ];
        for (what, colour, backgrounds) in marks {
            for bg in backgrounds {
                let r = ratio(&colour, &bg);
                assert!(r >= 3.0, "{what}: {colour} on {bg} is {r:.2}:1");
            }
        }
        // The outline's halo separates it from every fill, light or dark.
        for fill in map::PALETTE {
            let best = ratio(map::FOCUS_LINE, fill).max(ratio(map::HALO, fill));
            assert!(best >= 3.0, "map outline on {fill}: {best:.2}:1");
        }
        let css = include_str!("../../../report-templates/style.css");
        assert!(
            css.contains("--ring: #1f1f1f"),
            "the test checks the ring colour style.css uses"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn into_parts_names_every_field_once() {
        // The PDF templates find each part by these names: a field left out would vanish.
        let fields = match serde_json::to_value(GroupCharts::default()) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let (svgs, alts) = GroupCharts::default().into_parts();
        let mut parts: Vec<String> = svgs
            .iter()
            .chain(alts.iter())
            .map(|(n, _)| n.to_string())
            .collect();
        parts.sort();
        let mut fields = fields;
        fields.sort();
        assert_eq!(parts, fields);
        assert!(alts.iter().all(|(n, _)| n.ends_with("_alt")));
        assert!(svgs.iter().all(|(n, _)| !n.ends_with("_alt")));
    }

    #[test]
    fn an_annotation_goes_where_it_covers_the_fewest_dots() {
        // A 40 × 10 box: the first spot covers two dots, the second one, the third none.
        let candidates = [(0, 0), (100, 0), (200, 0)];
        let dots = [(10, 5), (20, 5), (110, 5), (300, 5)];
        assert_eq!(clear_spot(&candidates, (40, 10), &dots), (200, 0));
        // Ties go to the first.
        assert_eq!(clear_spot(&candidates, (40, 10), &[]), (0, 0));
    }
}
