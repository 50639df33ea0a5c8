//! Tables of (area, time, other dimensions…, value), as Statistics Denmark's StatBank, the long
//! `municipality,year,value` files and the jobindsats API deliver them: the area resolved to a
//! municipality (or skipped and counted), the time parsed, each other dimension narrowed by the
//! input's `select`, and the selected rows summed per (municipality, time, benefit).

use std::collections::{BTreeMap, BTreeSet};

use super::areas::{Area, Areas};
use super::parse_number;
use super::table::{Cell, Table};
use crate::bail_input;
use crate::config::{Decimal, Input};
use crate::error::{excerpt, input_error};
use crate::keys::{Kommunekode, Period};

/// How a format names its columns when the config does not.
pub(super) struct Defaults {
    /// Headers that hold the area (compared without case).
    pub area: &'static [&'static str],
    /// Headers that hold the time (compared without case); a header starting with one of them
    /// also matches (jobindsats writes "Periode kontanthjælp").
    pub time: &'static [&'static str],
    /// The value column.
    pub value: &'static str,
    /// Whether columns of numbers are other measures rather than dimensions (jobindsats tables
    /// carry several measures side by side; StatBank has one value column).
    pub numeric_columns_are_measures: bool,
}

/// How an input's numbers are read: `None` for StatBank's either-mark rule.
pub(super) type DecimalMark = Option<Decimal>;

/// One summed value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Observation {
    /// "file:line" of the first row summed, for messages.
    pub at: String,
    pub code: Kommunekode,
    pub time: Period,
    /// The benefit (or group) the value counts, when the input has one.
    pub benefit: Option<String>,
    /// `None` when a summed cell is missing (`..` or empty).
    pub value: Option<f64>,
}

/// What a dimensional input held.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Observations {
    pub rows: Vec<Observation>,
    /// Areas that are not municipalities, with the number of rows skipped.
    pub skipped: BTreeMap<String, usize>,
}

fn find_column(headers: &[String], names: &[&str], prefix: bool) -> Option<usize> {
    let eq = |h: &str, n: &str| h.to_lowercase() == n.to_lowercase();
    headers
        .iter()
        .position(|h| names.iter().any(|n| eq(h, n)))
        .or_else(|| {
            prefix.then(|| {
                headers.iter().position(|h| {
                    names.iter().any(|n| {
                        h.to_lowercase()
                            .starts_with(&format!("{} ", n.to_lowercase()))
                    })
                })
            })?
        })
}

fn headers_list(headers: &[String]) -> String {
    headers
        .iter()
        .take(30)
        .map(|h| format!("{:?}", excerpt(h, 40)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cell's text (numbers written without a spurious ".0").
fn text(cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Number(v)) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
        Some(Cell::Number(v)) => v.to_string(),
        _ => String::new(),
    }
}

/// Whether a cell matches a selected value: the label itself, or its code (the first word of
/// labels such as "H40 Short cycle higher education"), compared without case.
fn selected(cell: &str, values: &[String]) -> bool {
    let cell = cell.trim();
    let first = cell.split_whitespace().next().unwrap_or("");
    values
        .iter()
        .any(|v| v.trim().eq_ignore_ascii_case(cell) || v.trim() == cell || v.trim() == first)
}

/// A number: missing as `..`, `.`, `-` or empty. With a stated decimal mark, text is read
/// strictly by it; without (StatBank), `.` or `,` — StatBank writes no thousands separators,
/// so either can only be the decimal mark of the English or the Danish export.
pub(super) fn value(cell: Option<&Cell>, decimal: Option<Decimal>) -> Result<Option<f64>, String> {
    if let (Some(d), Some(Cell::Text(s))) = (decimal, cell) {
        let t = s.trim();
        if matches!(t, ".." | "." | "-" | "" | "…") {
            return Ok(None);
        }
        return parse_number(t, d)
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| t.to_string());
    }
    match cell {
        None | Some(Cell::Empty) => Ok(None),
        Some(Cell::Number(v)) if v.is_finite() => Ok(Some(*v)),
        Some(Cell::Number(v)) => Err(format!("{v}")),
        Some(Cell::Text(s)) => {
            let t = s.trim();
            if matches!(t, ".." | "." | "-" | "" | "…") {
                return Ok(None);
            }
            let normal = t.replace('\u{2212}', "-");
            let seps = normal.matches(['.', ',']).count();
            let ok = seps <= 1
                && normal
                    .trim_start_matches(['-', '+'])
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
                && normal.chars().any(|c| c.is_ascii_digit());
            if !ok {
                return Err(t.to_string());
            }
            normal
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| t.to_string())
        }
    }
}

/// The column positions of one input.
struct Layout {
    area: usize,
    time: usize,
    value: usize,
    benefit: Option<usize>,
    /// Every other dimension with the values kept (`None`: the column must hold one value).
    dims: Vec<(usize, Option<Vec<String>>)>,
}

impl Layout {
    fn new(
        t: &Table,
        origin: &str,
        inp: &Input,
        d: &Defaults,
        decimal: DecimalMark,
    ) -> anyhow::Result<Layout> {
        let h = &t.headers;
        let named = |key: &str, name: &str| -> anyhow::Result<usize> {
            h.iter().position(|x| x == name).ok_or_else(|| {
                input_error(format!(
                    "{origin}: {key} = {name:?}, but the header has no such column; it has {}",
                    headers_list(h)
                ))
            })
        };
        let area = match inp.columns.kommune.as_ref().or(inp.columns.kommunekode.as_ref()) {
            Some(n) => named("columns.kommune", n)?,
            None => find_column(h, d.area, false).ok_or_else(|| {
                input_error(format!(
                    "{origin}: no area column (looked for {}); name it with `columns.kommune`; the header has {}",
                    d.area.join(", "),
                    headers_list(h)
                ))
            })?,
        };
        let time = match &inp.columns.period {
            Some(n) => named("columns.period", n)?,
            None => find_column(h, d.time, true).ok_or_else(|| {
                input_error(format!(
                    "{origin}: no time column (looked for {}); name it with `columns.period`; the header has {}",
                    d.time.join(", "),
                    headers_list(h)
                ))
            })?,
        };
        let value_name = inp.value.as_deref().unwrap_or(d.value);
        let value_col = h
            .iter()
            .position(|x| x == value_name)
            .or_else(|| {
                // jobindsats writes measures as "topic: measure".
                h.iter()
                    .position(|x| x.rsplit_once(": ").is_some_and(|(_, m)| m == value_name))
            })
            .ok_or_else(|| {
                input_error(format!(
                    "{origin}: no value column {value_name:?} (set `value`); the header has {}",
                    headers_list(h)
                ))
            })?;
        let benefit = match inp.columns.benefit.as_ref().or(inp.columns.group.as_ref()) {
            Some(n) => Some(named("columns.benefit", n)?),
            None => None,
        };
        let keys = [Some(area), Some(time), Some(value_col), benefit];
        for (col, _) in &inp.select {
            match h.iter().position(|x| x == col) {
                None => bail_input!(
                    "{origin}: select.{col}: the header has no column {col:?}; it has {}",
                    headers_list(h)
                ),
                Some(i) if keys.contains(&Some(i)) => bail_input!(
                    "{origin}: select.{col}: {col:?} is the area, time, value or benefit column, not a dimension to select from"
                ),
                Some(_) => {}
            }
        }
        let mut dims = Vec::new();
        for (i, name) in h.iter().enumerate() {
            if keys.contains(&Some(i)) {
                continue;
            }
            let sel = inp
                .select
                .iter()
                .find(|(c, _)| c == name)
                .map(|(_, v)| v.clone());
            let numeric = t.rows.iter().all(|(_, c)| {
                matches!(c.get(i), Some(Cell::Number(_)) | Some(Cell::Empty) | None)
                    || value(c.get(i), decimal).is_ok()
            });
            if sel.is_none() && d.numeric_columns_are_measures && numeric {
                continue;
            }
            dims.push((i, sel));
        }
        Ok(Layout {
            area,
            time,
            value: value_col,
            benefit,
            dims,
        })
    }
}

/// Checks every dimension: a selected value must occur; an unselected column must hold one.
fn check_dims(t: &Table, origin: &str, layout: &Layout) -> anyhow::Result<()> {
    for (i, sel) in &layout.dims {
        let name = &t.headers[*i];
        let values: BTreeSet<String> = t.rows.iter().map(|(_, c)| text(c.get(*i))).collect();
        let listed = || {
            values
                .iter()
                .take(20)
                .map(|v| format!("{:?}", excerpt(v, 50)))
                .collect::<Vec<_>>()
                .join(", ")
                + if values.len() > 20 { ", …" } else { "" }
        };
        match sel {
            None if values.len() > 1 => bail_input!(
                "{origin}: column {name:?} has {} values and no `select`; choose with select.{name} = one of {}",
                values.len(),
                listed()
            ),
            Some(sel) => {
                for v in sel {
                    if !values.iter().any(|x| selected(x, std::slice::from_ref(v))) {
                        bail_input!(
                            "{origin}: select.{name}: {:?} is not a value of column {name:?}; its values are {}",
                            excerpt(v, 50),
                            listed()
                        );
                    }
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// The observations of a table: rows kept by `select`, areas resolved, summed per
/// (municipality, time, benefit).
pub(super) fn observe(
    t: &Table,
    origin: &str,
    inp: &Input,
    defaults: &Defaults,
    decimal: DecimalMark,
    areas: &Areas,
) -> anyhow::Result<Observations> {
    let layout = Layout::new(t, origin, inp, defaults, decimal)?;
    check_dims(t, origin, &layout)?;
    let mut out = Observations::default();
    let mut sums: BTreeMap<(Kommunekode, Period, Option<String>), Observation> = BTreeMap::new();
    let mut seen: BTreeMap<Vec<String>, (String, Option<f64>)> = BTreeMap::new();
    for (at, cells) in &t.rows {
        let keep = layout.dims.iter().all(|(i, sel)| {
            sel.as_ref()
                .is_none_or(|s| selected(&text(cells.get(*i)), s))
        });
        if !keep {
            continue;
        }
        let area = text(cells.get(layout.area));
        let code = match areas.resolve(&area) {
            Some(Area::Municipality(c)) => c,
            Some(Area::Other) => {
                *out.skipped.entry(area).or_default() += 1;
                continue;
            }
            None => bail_input!(
                "{at}, column {:?}: {:?} is neither a municipality of the list (Danish name, Statistics Denmark's English label or code) nor a known non-municipal area",
                t.headers[layout.area],
                excerpt(&area, 60)
            ),
        };
        let time_text = text(cells.get(layout.time));
        let time = Period::parse_time(&time_text).map_err(|e| {
            input_error(format!(
                "{at}, column {:?}: {e}; StatBank writes 2022, 2022K4, 2022Q4 or 2022M06",
                t.headers[layout.time]
            ))
        })?;
        let benefit = match (layout.benefit, &inp.benefit) {
            (Some(i), _) => Some(text(cells.get(i)).trim().to_string()),
            (None, b) => b.clone(),
        };
        let v = row_value(at, cells, t, &layout, decimal)?;
        let full_key: Vec<String> = (0..t.headers.len())
            .filter(|&i| i != layout.value)
            .map(|i| text(cells.get(i)))
            .collect();
        // The same row twice (two extracts pasted together) is read once if it agrees.
        match seen.get(&full_key) {
            Some((_, w)) if *w == v => continue,
            Some((first, w)) => bail_input!(
                "{at}: the same row as at {first} (every dimension equal), with a different value: {} there and {} here",
                show(*w),
                show(v)
            ),
            None => {
                seen.insert(full_key, (at.clone(), v));
            }
        }
        let key = (code, time.clone(), benefit.clone());
        match sums.get_mut(&key) {
            Some(o) => {
                o.value = match (o.value, v) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                }
            }
            None => {
                sums.insert(
                    key,
                    Observation {
                        at: at.clone(),
                        code,
                        time,
                        benefit,
                        value: v,
                    },
                );
            }
        }
    }
    out.rows = sums.into_values().collect();
    if out.rows.is_empty() {
        return Err(no_rows(origin, &out));
    }
    Ok(out)
}

/// A row's value: a number (or missing, `..`) within the range of any municipal figure.
fn row_value(
    at: &str,
    cells: &[Cell],
    t: &Table,
    layout: &Layout,
    decimal: DecimalMark,
) -> anyhow::Result<Option<f64>> {
    let v = value(cells.get(layout.value), decimal).map_err(|bad| {
        input_error(format!(
            "{at}, column {:?}: {:?} is not a number (missing values are written ..)",
            t.headers[layout.value],
            excerpt(&bad, 40)
        ))
    })?;
    if let Some(v) = v {
        if v.abs() > 1e12 {
            bail_input!(
                "{at}, column {:?}: {v} is outside the range of any municipal figure",
                t.headers[layout.value]
            );
        }
    }
    Ok(v)
}

/// No municipality in the table: name what it held instead.
fn no_rows(origin: &str, out: &Observations) -> anyhow::Error {
    input_error(format!(
        "{origin}: no municipality rows{}",
        if out.skipped.is_empty() {
            String::new()
        } else {
            format!(
                " (only {})",
                out.skipped
                    .keys()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ))
}

/// A value as messages show it (`..` for a missing one).
fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "..".to_string(), super::agree::shown)
}
