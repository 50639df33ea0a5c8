//! Drawing helpers every chart shares: the accessible SVG wrapper, labels that stay clear of
//! the data, the period axis of the trend charts, ranges that include zero.

use super::{compact, xml_escape, FOCUS, FONT_FAMILY, INK};

/// Adds `role="img"`, `<title>` and `<desc>` to plotters' SVG, with ids unique under `id`.
pub(crate) fn finish_svg(svg: String, id: &str, title: &str, desc: &str) -> String {
    let svg = compact::compact(&svg);
    let Some(start) = svg.find("<svg") else {
        return svg;
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return svg;
    };
    let open = &svg[start..end];
    let open = open.trim_end_matches('/');
    format!(
        "{}{} role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>{}",
        &svg[..start],
        open,
        xml_escape(title),
        xml_escape(desc),
        &svg[end + 1..]
    )
}

/// A focus municipality's name beside its mark (at pixel `at`, of radius `r`): bold, in the
/// focus colour, boxed (see [`boxed_text`]); right of the mark, or left of it where the name
/// would run off the chart.
pub(crate) fn focus_label<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    at: (i32, i32),
    r: i32,
    text: &str,
    chart: &str,
) -> anyhow::Result<()> {
    use plotters::prelude::*;
    let style = (FONT_FAMILY, 13, FontStyle::Bold).into_font().color(&FOCUS);
    let (w, h) = area.estimate_text_size(text, &style).map_err(err(chart))?;
    let (w, h) = (i32::try_from(w).unwrap_or(0), i32::try_from(h).unwrap_or(0));
    let width = i32::try_from(area.dim_in_pixel().0).unwrap_or(i32::MAX);
    let x = if at.0 + r + 4 + w + 3 > width {
        (at.0 - r - 4 - w).max(3)
    } else {
        at.0 + r + 4
    };
    boxed_text(area, (x, at.1 - h / 2), text, &style, chart)
}

/// A text with its top left corner at pixel `at`, on a white box (a little translucent), so
/// that it stays readable where dots and lines run under it.
pub(crate) fn boxed_text<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    at: (i32, i32),
    text: &str,
    style: &plotters::style::TextStyle,
    chart: &str,
) -> anyhow::Result<()> {
    use plotters::prelude::*;
    let (w, h) = area.estimate_text_size(text, style).map_err(err(chart))?;
    let (w, h) = (i32::try_from(w).unwrap_or(0), i32::try_from(h).unwrap_or(0));
    let (x, y) = at;
    area.draw(&Rectangle::new(
        [(x - 3, y - 2), (x + w + 3, y + h + 2)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(err(chart))?;
    area.draw(&Text::new(text.to_string(), (x, y), style.clone()))
        .map_err(err(chart))?;
    Ok(())
}

/// Of the `candidates` (top left corners of a `size` box; not empty), the first that covers
/// the fewest of the `marks` (dot centres, all in pixels): an annotation is placed where it
/// hides no data if there is such a place.
pub(crate) fn clear_spot(
    candidates: &[(i32, i32)],
    size: (u32, u32),
    marks: &[(i32, i32)],
) -> (i32, i32) {
    let (w, h) = (
        i32::try_from(size.0).unwrap_or(0),
        i32::try_from(size.1).unwrap_or(0),
    );
    // The box's margin and a dot's radius.
    let pad = 3 + 3;
    let covered = |&(x, y): &(i32, i32)| {
        marks
            .iter()
            .filter(|m| m.0 > x - pad && m.0 < x + w + pad && m.1 > y - pad && m.1 < y + h + pad)
            .count()
    };
    candidates
        .iter()
        .copied()
        .min_by_key(covered)
        .unwrap_or((0, 0))
}

/// Turns a plotters error into an anyhow error with the chart's name.
/// The axes of a chart over periods (x = period index, labelled by `labels`; y with one decimal):
/// horizontal grid lines only, the project's fonts. The trend charts share it.
pub(crate) fn period_axes<DB: plotters::prelude::DrawingBackend>(
    chart: &mut plotters::prelude::ChartContext<
        '_,
        DB,
        plotters::prelude::Cartesian2d<
            plotters::coord::types::RangedCoordf64,
            plotters::coord::types::RangedCoordf64,
        >,
    >,
    labels: &[String],
    y_desc: &str,
) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>> {
    use plotters::prelude::*;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE6, 0xE6, 0xE6))
        .y_desc(y_desc)
        .axis_desc_style((FONT_FAMILY, 13).into_font().color(&INK))
        .label_style((FONT_FAMILY, 12).into_font().color(&INK))
        .x_labels(labels.len().max(1))
        .x_label_formatter(&|v| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| crate::report::fmt::number(*v, 1))
        .draw()
}

pub(crate) fn err<E: std::fmt::Debug>(chart: &str) -> impl Fn(E) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("drawing the {chart} chart failed: {e:?}")
}

/// A padded axis range that includes zero.
pub(crate) fn range_with_zero(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let pad = ((hi - lo) * 0.12).max(0.05);
    (lo - pad, hi + pad)
}
