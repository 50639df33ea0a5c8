//! The municipality's gap over the periods in the data: a line, the zero line, the last value
//! labelled.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    err, finish_svg, period_axes, range_with_zero, register_fonts, FOCUS, FONT_FAMILY, INK,
};
use crate::report::charts::TrendChart;
use crate::report::fmt;

/// Draws the chart.
pub fn gap_trend(c: &TrendChart) -> anyhow::Result<String> {
    let (id, size, _name, _group_label, data, decimals) = (
        c.frame.id.as_str(),
        c.frame.size,
        c.name.as_str(),
        c.frame.group_label.as_str(),
        c.data.as_slice(),
        c.frame.decimals,
    );
    register_fonts();
    let m = data.len().max(1);
    let (lo, hi) = range_with_zero(data.iter().map(|d| d.gap_pp));
    let (width, height) = size;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err("trend"))?;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(16)
            .margin_left(8)
            .margin_right(70)
            .margin_bottom(8)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.3f64..(m as f64 - 0.7), lo..hi)
            .map_err(err("trend"))?;
        let labels: Vec<String> = data.iter().map(|d| d.label.clone()).collect();
        period_axes(&mut chart, &labels, "Forskel, procentpoint").map_err(err("trend"))?;
        chart
            .draw_series(LineSeries::new(
                [(-0.3, 0.0), (m as f64 - 0.7, 0.0)],
                INK.stroke_width(1),
            ))
            .map_err(err("trend"))?;
        let pts: Vec<(f64, f64)> = data
            .iter()
            .enumerate()
            .map(|(i, d)| (i as f64, d.gap_pp))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), FOCUS.stroke_width(3)))
            .map_err(err("trend"))?;
        draw_breaks(&mut chart, &c.breaks, (lo, hi))?;
        // A continued point's expected figure is not the ministry's: drawn hollow.
        chart
            .draw_series(data.iter().zip(&pts).map(|(d, &p)| {
                if d.continued {
                    Circle::new(p, 4, FOCUS.stroke_width(2))
                } else {
                    Circle::new(p, 4, FOCUS.filled())
                }
            }))
            .map_err(err("trend"))?;
        if data.iter().any(|d| d.continued) {
            chart
                .draw_series(
                    data.iter()
                        .zip(&pts)
                        .filter(|(d, _)| d.continued)
                        .map(|(_, &p)| Circle::new(p, 2, WHITE.filled())),
                )
                .map_err(err("trend"))?;
        }
        if let Some(&(x, y)) = pts.last() {
            chart
                .draw_series(std::iter::once(Text::new(
                    fmt::signed(y, decimals),
                    (x, y),
                    (FONT_FAMILY, 13, FontStyle::Bold)
                        .into_font()
                        .color(&FOCUS)
                        .pos(Pos::new(HPos::Left, VPos::Bottom)),
                )))
                .map_err(err("trend"))?;
        }
        root.present().map_err(err("trend"))?;
    }
    let (title, desc) = describe(c);
    Ok(finish_svg(buf, id, &title, &desc))
}

/// The chart's title and description: every period's gap, continued ones marked, and breaks.
fn describe(c: &TrendChart) -> (String, String) {
    let (name, group_label, data, decimals) = (
        c.name.as_str(),
        c.frame.group_label.as_str(),
        c.data.as_slice(),
        c.frame.decimals,
    );
    let title = format!("{name}: forskel i procentpoint over tid, {group_label}");
    let values: Vec<String> = data
        .iter()
        .map(|d| {
            format!(
                "{}: {}{}",
                d.label,
                fmt::signed(d.gap_pp, decimals),
                if d.continued { " (fremskrevet)" } else { "" }
            )
        })
        .collect();
    let breaks: String = c
        .breaks
        .iter()
        .map(|(_, d)| format!(" Databrud {d}."))
        .collect();
    let desc = format!(
        "Linjediagram over forskellen mellem faktisk og forventet andel. {}.{breaks}",
        values.join("; ")
    );
    (title, desc)
}

/// A vertical line and a label at each series break.
fn draw_breaks(
    chart: &mut ChartContext<SVGBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    breaks: &[(f64, String)],
    (lo, hi): (f64, f64),
) -> anyhow::Result<()> {
    for &(x, ref date) in breaks {
        chart
            .draw_series(LineSeries::new([(x, lo), (x, hi)], INK.stroke_width(1)))
            .map_err(err("trend"))?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("Databrud {date}"),
                (x, hi),
                (FONT_FAMILY, 11)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            )))
            .map_err(err("trend"))?;
    }
    Ok(())
}
