//! A plain scatter of two numbers per municipality: the ministry's rank against the open
//! model's (with the diagonal "samme placering"), or a model's residual against its fitted
//! share (with the zero line). The municipalities furthest from the reference are labelled.

use plotters::prelude::*;

use super::{err, finish_svg, register_fonts, FONT_FAMILY, INK, OTHER};
use crate::report::charts::{Reference, XyChart};
use crate::report::fmt;

fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.06).max(0.05);
    (lo - pad, hi + pad)
}

/// Draws the chart.
pub fn xy(c: &XyChart) -> anyhow::Result<String> {
    register_fonts();
    let (width, height) = c.frame.size;
    let (mut x0, mut x1) = padded(c.data.iter().map(|d| d.x));
    let (mut y0, mut y1) = padded(c.data.iter().map(|d| d.y));
    if c.reference == Reference::Diagonal {
        (x0, x1) = (x0.min(y0), x1.max(y1));
        (y0, y1) = (x0, x1);
    }
    if c.reference == Reference::Zero {
        let m = y0.abs().max(y1.abs());
        (y0, y1) = (-m, m);
    }
    let distance = |d: &crate::report::charts::XyDatum| match c.reference {
        Reference::Diagonal => (d.y - d.x).abs(),
        Reference::Zero => d.y.abs(),
    };
    let mut labelled: Vec<&crate::report::charts::XyDatum> = c.data.iter().collect();
    labelled.sort_by(|a, b| {
        distance(b)
            .total_cmp(&distance(a))
            .then(a.name.cmp(&b.name))
    });
    labelled.truncate(c.labels);
    let decimals = c.decimals;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err("xy"))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err("xy"))?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(0xE6, 0xE6, 0xE6))
            .x_desc(c.x_desc.as_str())
            .y_desc(c.y_desc.as_str())
            .axis_desc_style((FONT_FAMILY, 13).into_font().color(&INK))
            .label_style((FONT_FAMILY, 12).into_font().color(&INK))
            .x_label_formatter(&|v| fmt::number(*v, decimals))
            .y_label_formatter(&|v| fmt::number(*v, decimals))
            .draw()
            .map_err(err("xy"))?;
        let line = match c.reference {
            Reference::Diagonal => [(x0, x0), (x1, x1)],
            Reference::Zero => [(x0, 0.0), (x1, 0.0)],
        };
        chart
            .draw_series(LineSeries::new(line, INK.stroke_width(1)))
            .map_err(err("xy"))?;
        chart
            .draw_series(
                c.data
                    .iter()
                    .filter(|d| d.x.is_finite() && d.y.is_finite())
                    .map(|d| Circle::new((d.x, d.y), 3, OTHER.filled())),
            )
            .map_err(err("xy"))?;
        for d in &labelled {
            chart
                .draw_series(std::iter::once(Text::new(
                    d.name.clone(),
                    (d.x + (x1 - x0) * 0.01, d.y + (y1 - y0) * 0.02),
                    (FONT_FAMILY, 11).into_font().color(&INK),
                )))
                .map_err(err("xy"))?;
        }
        root.present().map_err(err("xy"))?;
    }
    let named: Vec<String> = labelled.iter().map(|d| d.name.clone()).collect();
    let desc = format!(
        "{} {} kommuner. Længst fra linjen: {}.",
        c.description,
        c.data.len(),
        named.join(", ")
    );
    Ok(finish_svg(buf, &c.frame.id, &c.title, &desc))
}
