//! Expected versus actual share: every municipality as a dot, the 45° line "faktisk =
//! forventet", the area below it (fewer than expected) shaded, the focus municipality labelled.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{
    boxed_text, clear_spot, err, finish_svg, focus_label, frame_key, register_fonts, Layer,
    Layered, FOCUS, FONT_FAMILY, INK, OTHER, SHADE,
};
use crate::report::charts::{ScatterChart, ScatterDatum};
use crate::report::fmt;

impl Layered for ScatterChart {
    fn draw(&self, layer: Layer) -> anyhow::Result<String> {
        expected_vs_actual(self, layer)
    }

    fn base_key(&self) -> String {
        let dots: Vec<_> = self
            .data
            .iter()
            .map(|d| (&d.name, d.expected_share, d.actual_share))
            .collect();
        format!("scatter {} {dots:?}", frame_key(&self.frame))
    }
}

/// Draws the chart, or one [`Layer`] of it.
pub fn expected_vs_actual(c: &ScatterChart, layer: Layer) -> anyhow::Result<String> {
    let (id, size, group_label, data, decimals) = (
        c.frame.id.as_str(),
        c.frame.size,
        c.frame.group_label.as_str(),
        c.data.as_slice(),
        c.frame.decimals,
    );
    register_fonts();
    let (lo, hi) = share_range(data);
    let (width, height) = size;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        if layer.shared() {
            root.fill(&WHITE).map_err(err("scatter"))?;
        }
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(lo..hi, lo..hi)
            .map_err(err("scatter"))?;

        if layer.shared() {
            chart
                .configure_mesh()
                .max_light_lines(0)
                .light_line_style(WHITE)
                .bold_line_style(RGBColor(0xE6, 0xE6, 0xE6))
                .x_desc("Forventet andel, pct. af de 16–66-årige")
                .y_desc("Faktisk andel, pct.")
                .axis_desc_style((FONT_FAMILY, 13).into_font().color(&INK))
                .label_style((FONT_FAMILY, 12).into_font().color(&INK))
                .x_label_formatter(&|v| fmt::number(*v, 1))
                .y_label_formatter(&|v| fmt::number(*v, 1))
                .draw()
                .map_err(err("scatter"))?;
            // Shade after the grid, so the area reads as one surface.
            chart
                .draw_series(std::iter::once(Polygon::new(
                    vec![(lo, lo), (hi, hi), (hi, lo)],
                    SHADE.filled(),
                )))
                .map_err(err("scatter"))?;
            chart
                .draw_series(LineSeries::new([(lo, lo), (hi, hi)], INK.stroke_width(1)))
                .map_err(err("scatter"))?;
            let text = (FONT_FAMILY, 12).into_font().color(&INK);
            chart
                .draw_series(std::iter::once(Text::new(
                    "færre end forventet",
                    (lo + (hi - lo) * 0.68, lo + (hi - lo) * 0.08),
                    text.clone(),
                )))
                .map_err(err("scatter"))?;
            chart
                .draw_series(
                    data.iter().filter(|d| !layer.is_focus(d.focus)).map(|d| {
                        Circle::new((d.expected_share, d.actual_share), 3, OTHER.filled())
                    }),
                )
                .map_err(err("scatter"))?;
            // The line's name just above and left of it, where it covers the fewest dots.
            let note = "faktisk = forventet";
            let size = root
                .estimate_text_size(note, &text)
                .map_err(err("scatter"))?;
            let at = note_spot(&chart, data, (lo, hi), size);
            boxed_text(&root, at, note, &text, "scatter")?;
        }
        for d in data.iter().filter(|d| d.focus && layer.highlight()) {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (d.expected_share, d.actual_share),
                    6,
                    FOCUS.filled(),
                )))
                .map_err(err("scatter"))?;
            let at = chart.backend_coord(&(d.expected_share, d.actual_share));
            focus_label(&root, at, 6, &d.name, "scatter")?;
        }
        root.present().map_err(err("scatter"))?;
    }
    let (title, desc) = describe(group_label, data, decimals, layer);
    Ok(finish_svg(buf, &layer.id(id), &title, &desc))
}

/// One range for both axes: every share, padded, from no lower than 0.
fn share_range(data: &[ScatterDatum]) -> (f64, f64) {
    let vals = data
        .iter()
        .flat_map(|d| [d.expected_share, d.actual_share])
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vals {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    let pad = ((hi - lo) * 0.06).max(0.1);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    (lo, hi)
}

/// Where the diagonal's name goes: just above and left of the line, where it covers the
/// fewest dots.
fn note_spot(
    chart: &ChartContext<SVGBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    data: &[ScatterDatum],
    (lo, hi): (f64, f64),
    size: (u32, u32),
) -> (i32, i32) {
    let (w, h) = (
        i32::try_from(size.0).unwrap_or(0),
        i32::try_from(size.1).unwrap_or(0),
    );
    let plot = chart.plotting_area().get_pixel_range();
    let candidates: Vec<(i32, i32)> = [0.3, 0.45, 0.6, 0.75, 0.9]
        .iter()
        .map(|t| {
            let (x, y) = chart.backend_coord(&(lo + (hi - lo) * t, lo + (hi - lo) * t));
            (x - w - 6, y - h - 6)
        })
        .filter(|&(x, y)| plot.0.contains(&x) && plot.1.contains(&y))
        .collect();
    let dots: Vec<(i32, i32)> = data
        .iter()
        .map(|d| chart.backend_coord(&(d.expected_share, d.actual_share)))
        .collect();
    // With none inside the plot (a very small chart), its top left corner, above the
    // line.
    let fallback = (plot.0.start + 4, plot.1.start + 4);
    if candidates.is_empty() {
        fallback
    } else {
        clear_spot(&candidates, size, &dots)
    }
}

/// The chart's title and description, with the focus municipality's shares.
fn describe(
    group_label: &str,
    data: &[ScatterDatum],
    decimals: usize,
    layer: Layer,
) -> (String, String) {
    let title = format!("Forventet og faktisk andel, {group_label}");
    let desc = match data.iter().find(|d| layer.is_focus(d.focus)) {
        Some(d) => format!(
            "Punktdiagram med forventet andel på den vandrette akse og faktisk andel på den lodrette for {} kommuner. Punkter under linjen har færre på offentlig forsørgelse end forventet. {}: forventet {} pct., faktisk {} pct.",
            data.len(),
            d.name,
            fmt::number(d.expected_share, decimals),
            fmt::number(d.actual_share, decimals)
        ),
        None => format!(
            "Punktdiagram med forventet andel på den vandrette akse og faktisk andel på den lodrette for {} kommuner. Punkter under linjen har færre på offentlig forsørgelse end forventet.",
            data.len()
        ),
    };
    (title, desc)
}
