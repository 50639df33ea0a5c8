//! The funnel plot (Spiegelhalter, Statistics in Medicine 2005), the standard display for
//! comparing institutions: each municipality's gap in percentage points against its population
//! 16–66 (log scale), with the ±2 and ±3 standard-error limits of the noise model around 0 —
//! small municipalities may stray further by chance alone.

use plotters::prelude::*;

use super::{
    boxed_text, err, finish_svg, focus_label, frame_key, register_fonts, Layer, Layered, ACCENT,
    FOCUS, FONT_FAMILY, INK, OTHER,
};
use crate::report::charts::FunnelChart;
use crate::report::fmt;

/// The limit ±z·SE at population n, in percentage points.
fn limit(c: &FunnelChart, n: f64, z: f64) -> f64 {
    z * (c.phi * c.p0 * (1.0 - c.p0) / n).sqrt() * 100.0
}

impl Layered for FunnelChart {
    fn draw(&self, layer: Layer) -> anyhow::Result<String> {
        gap_funnel(self, layer)
    }

    fn base_key(&self) -> String {
        let dots: Vec<_> = self
            .data
            .iter()
            .map(|d| (&d.name, d.population, d.gap_pp))
            .collect();
        format!(
            "funnel {} {dots:?} {:?} {:?}",
            frame_key(&self.frame),
            self.p0,
            self.phi
        )
    }
}

/// Draws the chart, or one [`Layer`] of it.
pub fn gap_funnel(c: &FunnelChart, layer: Layer) -> anyhow::Result<String> {
    register_fonts();
    let data = &c.data;
    let (nlo, nhi, g) = extent(c);
    let (width, height) = c.frame.size;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        if layer.shared() {
            root.fill(&WHITE).map_err(err("funnel"))?;
        }
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d((nlo..nhi).log_scale(), -g..g)
            .map_err(err("funnel"))?;
        if layer.shared() {
            chart
                .configure_mesh()
                .max_light_lines(0)
                .light_line_style(WHITE)
                .bold_line_style(RGBColor(0xE6, 0xE6, 0xE6))
                .x_desc("Befolkning 16–66 år (logaritmisk akse)")
                .y_desc("Forskel, procentpoint")
                .axis_desc_style((FONT_FAMILY, 13).into_font().color(&INK))
                .label_style((FONT_FAMILY, 12).into_font().color(&INK))
                .x_label_formatter(&|v| fmt::number(*v, 0))
                .y_label_formatter(&|v| fmt::number(*v, 1))
                .draw()
                .map_err(err("funnel"))?;
            let steps: Vec<f64> = (0..=60)
                .map(|i| nlo * (nhi / nlo).powf(f64::from(i) / 60.0))
                .collect();
            for (z, style) in [(2.0, ACCENT.stroke_width(1)), (3.0, INK.stroke_width(1))] {
                for sign in [1.0, -1.0] {
                    chart
                        .draw_series(LineSeries::new(
                            steps.iter().map(|&n| (n, sign * limit(c, n, z).min(g))),
                            style,
                        ))
                        .map_err(err("funnel"))?;
                }
            }
            chart
                .draw_series(LineSeries::new(
                    [(nlo, 0.0), (nhi, 0.0)],
                    INK.stroke_width(1),
                ))
                .map_err(err("funnel"))?;
            chart
                .draw_series(
                    data.iter()
                        .filter(|d| !layer.is_focus(d.focus) && d.population > 0.0)
                        .map(|d| {
                            Circle::new((d.population, d.gap_pp.clamp(-g, g)), 3, OTHER.filled())
                        }),
                )
                .map_err(err("funnel"))?;
        }
        for d in data
            .iter()
            .filter(|d| d.focus && d.population > 0.0 && layer.highlight())
        {
            let at = (d.population, d.gap_pp.clamp(-g, g));
            chart
                .draw_series(std::iter::once(Circle::new(at, 6, FOCUS.filled())))
                .map_err(err("funnel"))?;
            focus_label(&root, chart.backend_coord(&at), 6, &d.name, "funnel")?;
        }
        if layer.shared() {
            // Right-aligned above the +3 line near its end, boxed: the lines run under it.
            let text = (FONT_FAMILY, 12).into_font().color(&INK);
            let note = "±2 og ±3 standardfejl";
            let (w, h) = root
                .estimate_text_size(note, &text)
                .map_err(err("funnel"))?;
            let (x, y) =
                chart.backend_coord(&(nhi / 1.25, limit(c, nhi / 1.25, 3.0).min(g) + g * 0.04));
            let at = (
                x - i32::try_from(w).unwrap_or(0),
                y - i32::try_from(h).unwrap_or(0),
            );
            boxed_text(&root, at, note, &text, "funnel")?;
        }
        root.present().map_err(err("funnel"))?;
    }
    let (title, desc) = describe(c, layer);
    Ok(finish_svg(buf, &layer.id(&c.frame.id), &title, &desc))
}

/// The axes' extent: the populations with room on a log scale, and the gap's reach (wide
/// enough for the 3-SE limit at the smallest population, within reason).
fn extent(c: &FunnelChart) -> (f64, f64, f64) {
    let data = &c.data;
    let (mut nlo, mut nhi) = (f64::INFINITY, 0.0f64);
    let mut g: f64 = 0.0;
    for d in data
        .iter()
        .filter(|d| d.population > 0.0 && d.gap_pp.is_finite())
    {
        nlo = nlo.min(d.population);
        nhi = nhi.max(d.population);
        g = g.max(d.gap_pp.abs());
    }
    if !nlo.is_finite() {
        (nlo, nhi) = (1_000.0, 100_000.0);
    }
    let (nlo, nhi) = (nlo / 1.3, nhi * 1.3);
    let g = g.max(limit(c, nlo, 3.0).min(g * 2.0 + 0.1)) * 1.1 + 0.05;
    (nlo, nhi, g)
}

/// The chart's title and description: how many lie outside ±3 SE, and the focus municipality.
fn describe(c: &FunnelChart, layer: Layer) -> (String, String) {
    let data = &c.data;
    let title = format!(
        "Tragtdiagram: forskel og befolkning, {}",
        c.frame.group_label
    );
    let outside = data
        .iter()
        .filter(|d| d.population > 0.0 && d.gap_pp.abs() > limit(c, d.population, 3.0))
        .count();
    let mut desc = format!(
        "Hver kommunes forskel i procentpoint mod dens befolkning på 16–66 år. Linjerne viser, hvor langt fra 0 en kommune af den størrelse kan ligge alene på grund af tilfældige udsving (±2 og ±3 standardfejl). {outside} af {} kommuner ligger uden for ±3 standardfejl.",
        data.len()
    );
    if let Some(d) = data.iter().find(|d| layer.is_focus(d.focus)) {
        desc.push_str(&format!(
            " {}: {} procentpoint ved {} indbyggere på 16–66 år.",
            d.name,
            fmt::signed(d.gap_pp, c.frame.decimals),
            fmt::number(d.population, 0)
        ));
    }
    (title, desc)
}
