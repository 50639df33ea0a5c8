//! The status report's trend chart: a target group's share of the population 16–66 over the
//! periods, for the municipality, its comparison group and the whole country.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{err, finish_svg, period_axes, register_fonts, ACCENT, FOCUS, FONT_FAMILY, OTHER};
use crate::report::status::ShareChart;

/// Draws the chart (`id` makes its SVG ids unique on a page).
pub fn share_trend(c: &ShareChart, id: &str) -> anyhow::Result<String> {
    register_fonts();
    let m = c.periods.len().max(1);
    let values = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.1).max(0.05);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    let colours = [FOCUS, ACCENT, OTHER];
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (640, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(err("status"))?;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(16)
            .margin_left(8)
            .margin_right(150)
            .margin_bottom(8)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.3f64..(m as f64 - 0.7), lo..hi)
            .map_err(err("status"))?;
        let labels = c.periods.clone();
        period_axes(&mut chart, &labels, "Pct. af de 16–66-årige").map_err(err("status"))?;
        for (s, colour) in c.series.iter().zip(colours) {
            let pts: Vec<(f64, f64)> = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
                .collect();
            let width = if s.own { 3 } else { 2 };
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(width)))
                .map_err(err("status"))?;
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(err("status"))?;
            if let Some(&(x, y)) = pts.last() {
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!(" {}", s.name),
                        (x, y),
                        (FONT_FAMILY, 12)
                            .into_font()
                            .color(&colour)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    )))
                    .map_err(err("status"))?;
            }
        }
        root.present().map_err(err("status"))?;
    }
    Ok(finish_svg(buf, id, &c.title, &c.description))
}
