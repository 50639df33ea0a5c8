//! The sorted gap chart: all municipalities' gaps (procentpoint), best first, the focus
//! municipality highlighted and labelled, best and worst named.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    err, finish_svg, frame_key, range_with_zero, register_fonts, Layer, Layered, FOCUS,
    FONT_FAMILY, INK, OTHER,
};
use crate::report::charts::{BarDatum, BarsChart};
use crate::report::fmt;

/// Draws the chart, or one [`Layer`] of it; `data` is in rank order (best first).
pub fn gap_bars(c: &BarsChart, layer: Layer) -> anyhow::Result<String> {
    let (id, size, group_label, data, decimals) = (
        c.frame.id.as_str(),
        c.frame.size,
        c.frame.group_label.as_str(),
        c.data.as_slice(),
        c.frame.decimals,
    );
    register_fonts();
    let n = data.len().max(1);
    let (lo, hi) = range_with_zero(data.iter().map(|d| d.gap_pp));
    let (width, height) = size;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        if layer.shared() {
            root.fill(&WHITE).map_err(err("bar"))?;
        }
        // The label areas are reserved whether or not the mesh is drawn, so an overlay's
        // coordinates match its base's.
        let build = |left: u32, right: u32| {
            ChartBuilder::on(&root)
                .margin_top(28)
                .margin_right(right)
                .margin_left(left)
                .margin_bottom(8)
                .x_label_area_size(40)
                .y_label_area_size(64)
                .build_cartesian_2d(0.5f64..(n as f64 + 0.5), lo..hi)
                .map_err(err("bar"))
        };
        // Building draws nothing, so the plot is measured (as mapped) and the margins widened
        // until it is a whole number of pixels per bar; plotters' own rounding of the margins
        // can take a second step.
        let (mut left, mut right) = (LEFT, RIGHT);
        let mut chart = build(left, right)?;
        for _ in 0..4 {
            let x = |v: f64| chart.backend_coord(&(v, 0.0)).0;
            let plot = usize::try_from(x(n as f64 + 0.5) - x(0.5)).unwrap_or(0);
            let slack = slack(plot, n);
            if slack == 0 {
                break;
            }
            left += slack / 2;
            right += slack - slack / 2;
            chart = build(left, right)?;
        }
        if layer.shared() {
            draw_shared(&mut chart, data, n, layer)?;
        }
        if layer.highlight() {
            draw_highlight(&mut chart, data)?;
        }
        draw_labels(&mut chart, data, decimals, layer, (lo, hi))?;
        root.present().map_err(err("bar"))?;
    }
    let title = format!("Forskel mellem faktisk og forventet andel, {group_label}");
    let desc = description(data, decimals, layer);
    Ok(finish_svg(buf, &layer.id(id), &title, &desc))
}

impl Layered for BarsChart {
    fn draw(&self, layer: Layer) -> anyhow::Result<String> {
        gap_bars(self, layer)
    }

    /// The bars, and which of the best and worst labels the base keeps: one near the focus
    /// municipality's bar gives way to its label.
    fn base_key(&self) -> String {
        let bars: Vec<_> = self
            .data
            .iter()
            .map(|d| (&d.name, d.gap_pp, d.rank))
            .collect();
        let kept: Vec<usize> = labels(&self.data, self.frame.decimals)
            .into_iter()
            .filter(|(_, _, focus)| !focus)
            .map(|(i, _, _)| i)
            .collect();
        format!("bars {} {bars:?} {kept:?}", frame_key(&self.frame))
    }
}

const LEFT: u32 = 8;
const RIGHT: u32 = 16;

/// The pixels a plot `plot` wide has beyond a whole number per bar: plotters puts every
/// coordinate on a whole pixel, so with a fractional slot (4.4 px for 98 bars in the appendix)
/// the bars came out in two widths and some touched in print. None when the bars are too many
/// for whole pixels (they are lines then, in whatever width).
fn slack(plot: usize, n: usize) -> u32 {
    let slot = plot / n.max(1);
    if slot < 2 {
        return 0;
    }
    u32::try_from(plot - slot * n).unwrap_or(0)
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The mesh, every bar in grey (the focus municipality's too: the highlight covers it) and the
/// zero line.
fn draw_shared(chart: &mut Chart, data: &[BarDatum], n: usize, layer: Layer) -> anyhow::Result<()> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE6, 0xE6, 0xE6))
        .x_desc("Placering (1 = bedst)")
        .y_desc("Forskel, procentpoint")
        .axis_desc_style((FONT_FAMILY, 13).into_font().color(&INK))
        .label_style((FONT_FAMILY, 12).into_font().color(&INK))
        .x_labels(10)
        .x_label_formatter(&|v| format!("{}", v.round() as i64))
        .y_label_formatter(&|v| fmt::number(*v, 1))
        .draw()
        .map_err(err("bar"))?;
    chart
        .draw_series(
            data.iter()
                .enumerate()
                .filter(|(_, d)| !layer.is_focus(d.focus))
                .map(|(i, d)| {
                    let x = i as f64 + 1.0;
                    Rectangle::new([(x - 0.4, 0.0), (x + 0.4, d.gap_pp)], OTHER.filled())
                }),
        )
        .map_err(err("bar"))?;
    chart
        .draw_series(LineSeries::new(
            [(0.5, 0.0), (n as f64 + 0.5, 0.0)],
            INK.stroke_width(1),
        ))
        .map_err(err("bar"))?;
    Ok(())
}

/// The focus municipality's bar, wider and in the focus colour.
fn draw_highlight(chart: &mut Chart, data: &[BarDatum]) -> anyhow::Result<()> {
    chart
        .draw_series(
            data.iter()
                .enumerate()
                .filter(|(_, d)| d.focus)
                .map(|(i, d)| {
                    let x = i as f64 + 1.0;
                    Rectangle::new([(x - 0.5, 0.0), (x + 0.5, d.gap_pp)], FOCUS.filled())
                }),
        )
        .map_err(err("bar"))?;
    Ok(())
}

/// The bars that carry a name: best, worst and the focus municipality (with its value), as
/// (position, text, is focus). The focus label sits at the top; a best/worst label near it
/// would collide, so it is dropped.
fn labels(data: &[BarDatum], decimals: usize) -> Vec<(usize, String, bool)> {
    let mut labels: Vec<(usize, String, bool)> = Vec::new();
    if let Some(first) = data.first() {
        labels.push((0, format!("Bedst: {}", first.name), false));
    }
    if data.len() > 1 {
        labels.push((
            data.len() - 1,
            format!("Dårligst: {}", data[data.len() - 1].name),
            false,
        ));
    }
    if let Some((i, d)) = data.iter().enumerate().find(|(_, d)| d.focus) {
        let near = (data.len() / 4).max(1);
        labels.retain(|(j, _, _)| j.abs_diff(i) > near);
        labels.push((
            i,
            format!("{} ({})", d.name, fmt::signed(d.gap_pp, decimals)),
            true,
        ));
    }
    labels
}

/// The text alternative: what the chart shows and, with a focus (not in a base), its place
/// and value.
fn description(data: &[BarDatum], decimals: usize, layer: Layer) -> String {
    match data.iter().find(|d| layer.is_focus(d.focus)) {
        Some(d) => format!(
            "Søjlediagram med alle {} kommuners forskel i procentpoint, sorteret fra bedst til dårligst. {} ligger nr. {} med {} procentpoint.",
            data.len(),
            d.name,
            d.rank,
            fmt::signed(d.gap_pp, decimals)
        ),
        None => format!(
            "Søjlediagram med alle {} kommuners forskel i procentpoint, sorteret fra bedst til dårligst.",
            data.len()
        ),
    }
}

/// The best's and worst's labels (base) and the focus municipality's (overlay), each placed
/// so it stays inside the plot.
fn draw_labels(
    chart: &mut Chart,
    data: &[BarDatum],
    decimals: usize,
    layer: Layer,
    (lo, hi): (f64, f64),
) -> anyhow::Result<()> {
    let n = data.len();
    let label_style = (FONT_FAMILY, 12).into_font().color(&INK);
    for (i, text, focus) in labels(data, decimals) {
        // Best and worst belong to the base, the focus label to the overlay.
        let in_layer = if focus {
            layer.highlight()
        } else {
            layer.shared()
        };
        if !in_layer {
            continue;
        }
        let d = &data[i];
        let x = i as f64 + 1.0;
        let frac = x / n as f64;
        let pos = if frac < 0.2 {
            Pos::new(HPos::Left, VPos::Center)
        } else if frac > 0.8 {
            Pos::new(HPos::Right, VPos::Center)
        } else {
            Pos::new(HPos::Center, VPos::Center)
        };
        // Focus label above the axis range; best/worst just beyond their bar ends.
        let y = if focus {
            hi - (hi - lo) * 0.04
        } else if d.gap_pp < 0.0 {
            d.gap_pp - (hi - lo) * 0.06
        } else {
            d.gap_pp + (hi - lo) * 0.06
        };
        let style = if focus {
            (FONT_FAMILY, 13, FontStyle::Bold)
                .into_font()
                .color(&FOCUS)
                .pos(pos)
        } else {
            label_style.clone().pos(pos)
        };
        chart
            .draw_series(std::iter::once(Text::new(text, (x, y), style)))
            .map_err(err("bar"))?;
        if focus {
            chart
                .draw_series(LineSeries::new(
                    [(x, y - (hi - lo) * 0.035), (x, d.gap_pp.max(0.0))],
                    FOCUS.stroke_width(1),
                ))
                .map_err(err("bar"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::Frame;

    /// The widths of the grey bars and the gaps between them, from the SVG.
    fn bar_geometry(svg: &str) -> (Vec<i64>, Vec<i64>) {
        let attr = |tag: &str, name: &str| -> i64 {
            let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[at..].split('"').next().unwrap().parse().unwrap()
        };
        let mut bars: Vec<(i64, i64)> = svg
            .split("<rect")
            .skip(1)
            .map(|t| &t[..t.find("/>").unwrap()])
            .filter(|t| t.contains("#7A7A7A"))
            .map(|t| (attr(t, "x"), attr(t, "width")))
            .collect();
        bars.sort();
        let widths = bars.iter().map(|b| b.1).collect();
        let gaps = bars.windows(2).map(|w| w[1].0 - w[0].0 - w[0].1).collect();
        (widths, gaps)
    }

    #[test]
    fn every_bar_has_the_same_width_and_gap() {
        for (width, n) in [(520, 98), (760, 98), (520, 7), (760, 30)] {
            let c = BarsChart {
                frame: Frame {
                    id: "t".into(),
                    size: (width, 300),
                    group_label: "I alt".into(),
                    decimals: 2,
                },
                data: (0..n)
                    .map(|i| BarDatum {
                        name: format!("K{i}"),
                        gap_pp: f64::from(i) * 0.1 - 2.0,
                        rank: i + 1,
                        focus: false,
                    })
                    .collect(),
            };
            let svg = gap_bars(&c, Layer::Whole).unwrap();
            let (widths, gaps) = bar_geometry(&svg);
            // A bar at zero height is drawn too, so every one of them is there.
            assert_eq!(widths.len(), n as usize, "{width} px, {n} bars");
            assert!(
                widths.iter().all(|w| *w == widths[0] && *w > 0),
                "{widths:?}"
            );
            assert!(gaps.iter().all(|g| *g == gaps[0] && *g > 0), "{gaps:?}");
        }
    }
}
