//! Runs of like lines in plotters' SVG merged into one `<path>` each.
//!
//! plotters writes every grid line and tick as an element of its own, each with its full style.
//! A chart looks the same drawn as one path per run of equally styled lines, and is cheaper for
//! what reads it: Typst turns every element of an appendix's charts into PDF drawing operators
//! (with a state save, transform and colour each) and compresses them, in every appendix; a
//! browser builds a DOM node per element.
//!
//! Only a *run* — lines next to each other in the drawing order — is merged, so nothing drawn
//! in between changes its place in the painting order; and only opaque lines with no other
//! attributes than their geometry and a plain style, since lines that cross in one path are
//! painted once (a see-through run would lose the darker crossings). Anything else — text,
//! titled shapes, a lone line — is left exactly as written. Rectangles (the bars) are left
//! alone too: PDF viewers such as poppler snap a lone rectangle to whole pixels, and the same
//! bars as one path came out striped on screen.

use std::fmt::Write;

/// The shapes a run is made of, and the attributes that place them (the rest is the style).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Line,
    Polyline,
}

impl Shape {
    fn of(tag: &str) -> Option<Shape> {
        match tag {
            "line" => Some(Shape::Line),
            "polyline" => Some(Shape::Polyline),
            _ => None,
        }
    }

    fn geometry(self) -> &'static [&'static str] {
        match self {
            Shape::Line => &["x1", "y1", "x2", "y2"],
            Shape::Polyline => &["points"],
        }
    }
}

/// Style attributes a merged shape may carry (anything else keeps it as written).
const STYLE: [&str; 5] = [
    "fill",
    "stroke",
    "stroke-width",
    "opacity",
    "stroke-linecap",
];

/// One self-closing shape element, parsed.
struct Element<'a> {
    shape: Shape,
    /// Its style attributes, in the order written (the run's key).
    style: Vec<(&'a str, &'a str)>,
    /// Its outline as path data.
    d: String,
}

/// Parses `<tag a="…" …/>` (the text from `<` to `/>`), or `None` if it is not a shape that
/// can be merged.
fn parse(element: &str) -> Option<Element<'_>> {
    let inner = element.strip_prefix('<')?.strip_suffix("/>")?;
    let (tag, mut rest) = inner.split_once(' ')?;
    let shape = Shape::of(tag)?;
    let mut geometry: Vec<(&str, &str)> = Vec::new();
    let mut style = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        rest = after;
        if shape.geometry().contains(&name) {
            geometry.push((name, value));
        } else if STYLE.contains(&name) {
            // See-through shapes overlap differently once merged.
            if name == "opacity" && value != "1" {
                return None;
            }
            style.push((name, value));
        } else {
            return None;
        }
    }
    let get = |name: &str| -> Option<f64> {
        let v = geometry.iter().find(|(n, _)| *n == name)?.1;
        v.parse::<f64>().ok().filter(|v| v.is_finite())
    };
    let mut d = String::new();
    match shape {
        Shape::Line => {
            let (x1, y1, x2, y2) = (get("x1")?, get("y1")?, get("x2")?, get("y2")?);
            let _ = write!(d, "M{x1} {y1}L{x2} {y2}");
        }
        Shape::Polyline => {
            let points = geometry.iter().find(|(n, _)| *n == "points")?.1;
            for (i, p) in points.split_whitespace().enumerate() {
                let (x, y) = p.split_once(',')?;
                let (x, y) = (x.parse::<f64>().ok()?, y.parse::<f64>().ok()?);
                if !(x.is_finite() && y.is_finite()) {
                    return None;
                }
                let _ = write!(d, "{}{x} {y}", if i == 0 { 'M' } else { 'L' });
            }
            if d.is_empty() {
                return None;
            }
        }
    }
    Some(Element { shape, style, d })
}

/// The SVG with every run of two or more like shapes (same element, same style, next to each
/// other, whitespace between them aside) written as one `<path>`.
pub fn compact(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    // The pending run: the text of its first element (written as is if it stays alone) and
    // the merged path so far.
    let mut run: Option<(Element, &str, usize)> = None;
    let flush = |run: &mut Option<(Element, &str, usize)>, out: &mut String| {
        if let Some((first, text, n)) = run.take() {
            if n == 1 {
                out.push_str(text);
            } else {
                out.push_str("<path");
                for (name, value) in &first.style {
                    let _ = write!(out, " {name}=\"{value}\"");
                }
                // A line is stroked only; a path is filled unless told otherwise.
                if !first.style.iter().any(|(n, _)| *n == "fill") {
                    out.push_str(" fill=\"none\"");
                }
                let _ = write!(out, " d=\"{}\"/>", first.d);
            }
        }
    };
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let (before, from) = rest.split_at(start);
        let Some(end) = from.find('>') else {
            break;
        };
        let element = &from[..=end];
        let parsed = element.ends_with("/>").then(|| parse(element)).flatten();
        match (parsed, &mut run) {
            (Some(e), Some((first, _, n)))
                if before.trim().is_empty() && e.shape == first.shape && e.style == first.style =>
            {
                first.d.push_str(&e.d);
                *n += 1;
            }
            (parsed, _) => {
                flush(&mut run, &mut out);
                out.push_str(before);
                match parsed {
                    Some(e) => run = Some((e, element, 1)),
                    None => out.push_str(element),
                }
            }
        }
        rest = &from[end + 1..];
    }
    flush(&mut run, &mut out);
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_like_shapes_becomes_one_path() {
        let svg = "<svg>\n<line opacity=\"1\" stroke=\"#E6E6E6\" stroke-width=\"1\" x1=\"91\" y1=\"250\" x2=\"483\" y2=\"250\"/>\n<line opacity=\"1\" stroke=\"#E6E6E6\" stroke-width=\"1\" x1=\"91\" y1=\"226.5\" x2=\"483\" y2=\"226.5\"/>\n</svg>";
        assert_eq!(
            compact(svg),
            "<svg>\n<path opacity=\"1\" stroke=\"#E6E6E6\" stroke-width=\"1\" fill=\"none\" d=\"M91 250L483 250M91 226.5L483 226.5\"/>\n</svg>"
        );
        let lines = "<line opacity=\"1\" stroke=\"#E6E6E6\" stroke-width=\"1\" x1=\"91\" y1=\"250\" x2=\"483\" y2=\"250\"/>\n<polyline fill=\"none\" opacity=\"1\" stroke=\"#000000\" stroke-width=\"1\" points=\"85,250 90,250 \"/>\n<polyline fill=\"none\" opacity=\"1\" stroke=\"#000000\" stroke-width=\"1\" points=\"85,226 90,226 90,200 \"/>\n";
        assert_eq!(
            compact(lines),
            "<line opacity=\"1\" stroke=\"#E6E6E6\" stroke-width=\"1\" x1=\"91\" y1=\"250\" x2=\"483\" y2=\"250\"/>\n<path fill=\"none\" opacity=\"1\" stroke=\"#000000\" stroke-width=\"1\" d=\"M85 250L90 250M85 226L90 226L90 200\"/>\n"
        );
    }

    #[test]
    fn order_transparency_and_other_elements_are_kept() {
        let line = |stroke: &str, opacity: &str| {
            format!("<line opacity=\"{opacity}\" stroke=\"{stroke}\" stroke-width=\"1\" x1=\"0\" y1=\"0\" x2=\"5\" y2=\"0\"/>")
        };
        let (a, b) = (line("#000000", "1"), line("#FF0000", "1"));
        let faint = line("#000000", "0.5");
        let text = "<text x=\"1\" y=\"2\">A &amp; B</text>";
        let titled = "<line opacity=\"1\" stroke=\"#000000\" stroke-width=\"1\" x1=\"0\" y1=\"0\" x2=\"5\" y2=\"0\"><title>t</title></line>";
        let dashed = "<line opacity=\"1\" stroke=\"#000000\" stroke-width=\"1\" stroke-dasharray=\"2\" x1=\"0\" y1=\"0\" x2=\"5\" y2=\"0\"/>";
        let rect = "<rect x=\"0\" y=\"0\" width=\"1\" height=\"1\" opacity=\"1\" fill=\"#000000\" stroke=\"none\"/>";
        for svg in [
            format!("{a}{b}{a}"),
            format!("{faint}{faint}"),
            format!("{a}{text}{a}"),
            format!("{titled}{a}"),
            format!("{a}{dashed}"),
            format!("{rect}{rect}"),
            "<svg><line x1=\"1\"".to_string(),
            "<line x1=\"NaN\" y1=\"0\" x2=\"1\" y2=\"1\"/><line x1=\"NaN\" y1=\"0\" x2=\"1\" y2=\"1\"/>".to_string(),
        ] {
            assert_eq!(compact(&svg), svg);
        }
    }

    #[test]
    fn a_real_chart_keeps_its_text_and_loses_most_elements() {
        use crate::report::charts::{BarDatum, BarsChart, Frame};
        let c = BarsChart {
            frame: Frame {
                id: "t".into(),
                size: (520, 300),
                group_label: "I alt".into(),
                decimals: 2,
            },
            data: (0..98)
                .map(|i| BarDatum {
                    name: format!("K{i}"),
                    gap_pp: f64::from(i) * 0.05 - 2.0,
                    rank: i + 1,
                    focus: i == 40,
                })
                .collect(),
        };
        let svg = super::super::gap_bars(&c, super::super::Layer::Whole).unwrap();
        let count = |s: &str, what: &str| s.matches(what).count();
        // gap_bars compacts already: the grid lines are one path (a tick stays alone between
        // two labels); bars and text stay.
        assert_eq!(count(&svg, "<line"), 0, "{svg}");
        assert!(count(&svg, "stroke=\"#E6E6E6\"") == 1, "{svg}");
        assert!(count(&svg, "<rect") >= 98);
        assert!(count(&svg, "<text") >= 10);
        assert_eq!(compact(&svg), svg, "compacting twice changes nothing");
    }
}
