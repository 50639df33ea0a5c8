//! One row's cells checked into a [`Span`]: the municipality known, the dates real and in order,
//! the grad in (0, 1]. Errors name the file, the row and the column — never the person.

use std::path::Path;

use super::{date, Batch, Reader, Span, IGNORED};

/// The weight of grad 1: grads are fixed point so that sums are exact, whatever the order in
/// which threads add them (byte-identical outputs), and `timer / 37` is rounded once, here.
pub const WEIGHT_ONE: i64 = 1_000_000_000_000;

/// A cell as the file holds it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cell<'a> {
    /// Text (CSV, or a Parquet string column).
    Text(&'a [u8]),
    /// A number (Parquet numeric column).
    Num(f64),
    /// A date (Parquet DATE column).
    Day(date::Day),
    /// Missing (empty CSV cell, Parquet null, or no such column).
    Null,
}

impl Cell<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Null => true,
            Cell::Text(t) => t.trim_ascii().is_empty(),
            _ => false,
        }
    }
}

/// The cells of one row, by role.
pub(super) struct RowCells<'a> {
    pub person: &'a [u8],
    pub kommune: Cell<'a>,
    pub ydelse: &'a [u8],
    pub fra: Cell<'a>,
    pub til: Cell<'a>,
    pub grad: Cell<'a>,
    pub timer: Cell<'a>,
}

/// Where a row is, for messages.
pub(super) struct At<'a> {
    pub path: &'a Path,
    pub row: u64,
}

impl At<'_> {
    fn msg(&self, column: &str, what: impl std::fmt::Display) -> anyhow::Error {
        crate::error::input_error(format!(
            "{}: row {}, column `{column}`: {what}",
            self.path.display(),
            self.row
        ))
    }
}

/// Checks a row and appends it to `out` (rows of ignored codes are checked, then dropped).
pub(super) fn push(
    r: &Reader,
    cells: &RowCells,
    at: &At,
    file: u16,
    out: &mut Batch,
) -> anyhow::Result<()> {
    let c = &r.columns;
    let person = cells.person.trim_ascii();
    if person.is_empty() {
        return Err(at.msg(&c.person, "empty: every period needs its person"));
    }
    if person.len() > 255 {
        return Err(at.msg(&c.person, "longer than 255 bytes"));
    }
    let kommune = match cells.kommune {
        Cell::Text(t) => parse_code(t),
        Cell::Num(x) if x.fract() == 0.0 && (0.0..1000.0).contains(&x) => Some(x as u16),
        _ => None,
    };
    let Some(kommune) = kommune.filter(|&k| r.valid_kommune[usize::from(k) % 1000] && k < 1000)
    else {
        return Err(at.msg(
            &c.kommune,
            format!(
                "{} is not a municipality code of the municipality list",
                show(&cells.kommune)
            ),
        ));
    };
    let fra = day(&cells.fra).ok_or_else(|| {
        at.msg(
            &c.fra,
            format!("{} is not a date (expected YYYY-MM-DD)", show(&cells.fra)),
        )
    })?;
    let til = if cells.til.is_empty() {
        r.open_until.max(fra)
    } else {
        let til = day(&cells.til).ok_or_else(|| {
            at.msg(
                &c.til,
                format!(
                    "{} is not a date (expected YYYY-MM-DD, or empty while the period runs)",
                    show(&cells.til)
                ),
            )
        })?;
        if til < fra {
            return Err(at.msg(
                &c.til,
                format!(
                    "the last day {} is before the first day {}",
                    date::format(til),
                    date::format(fra)
                ),
            ));
        }
        til
    };
    let weight = weight(cells, at, c)?;
    let code = r.code_id(cells.ydelse).ok_or_else(|| {
        at.msg(&c.ydelse, format!("the benefit code {:?} is not in the codes file (map it to a group, or to `-` to ignore it)", crate::error::excerpt(&String::from_utf8_lossy(cells.ydelse.trim_ascii()), 40)))
    })?;
    if code == IGNORED {
        return Ok(());
    }
    let person_at =
        u32::try_from(out.arena.len()).map_err(|_| anyhow::anyhow!("batch too large"))?;
    out.arena.extend_from_slice(person);
    out.spans.push(Span {
        person_at,
        person_len: person.len() as u8,
        kommune,
        code,
        fra,
        til,
        weight,
        row: at.row,
        file,
    });
    Ok(())
}

fn weight(cells: &RowCells, at: &At, c: &super::Columns) -> anyhow::Result<i64> {
    let (value, column, scale) = if !cells.grad.is_empty() {
        (num(&cells.grad), &c.grad, 1.0)
    } else if !cells.timer.is_empty() {
        (num(&cells.timer), &c.timer, 37.0)
    } else {
        return Ok(WEIGHT_ONE);
    };
    let shown = |cell: &Cell| show(cell);
    let cell = if scale == 1.0 {
        &cells.grad
    } else {
        &cells.timer
    };
    match value {
        Some(v) if v > 0.0 && v / scale <= 1.0 => {
            Ok(((v / scale) * WEIGHT_ONE as f64).round().max(1.0) as i64)
        }
        Some(_) if scale == 1.0 => {
            Err(at.msg(column, format!("{} is outside 0 < grad ≤ 1", shown(cell))))
        }
        Some(_) => Err(at.msg(
            column,
            format!("{} hours a week is outside 0 < timer ≤ 37", shown(cell)),
        )),
        None => Err(at.msg(column, format!("{} is not a number", shown(cell)))),
    }
}

fn parse_code(t: &[u8]) -> Option<u16> {
    let t = t.trim_ascii();
    if t.is_empty() || t.len() > 3 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    t.iter()
        .try_fold(0u16, |a, &d| Some(a * 10 + u16::from(d - b'0')))
}

fn day(cell: &Cell) -> Option<date::Day> {
    match *cell {
        Cell::Text(t) => date::parse(t),
        Cell::Day(d) => Some(d),
        _ => None,
    }
}

fn num(cell: &Cell) -> Option<f64> {
    match *cell {
        Cell::Num(x) if x.is_finite() => Some(x),
        Cell::Text(t) => {
            let s = std::str::from_utf8(t.trim_ascii()).ok()?;
            // Danish exports write the decimal comma.
            let v: f64 = if s.contains(',') && !s.contains('.') {
                s.replace(',', ".").parse().ok()?
            } else {
                s.parse().ok()?
            };
            v.is_finite().then_some(v)
        }
        _ => None,
    }
}

/// A cell quoted for a message (cut short: messages never carry a whole line).
fn show(cell: &Cell) -> String {
    match *cell {
        Cell::Text(t) => format!(
            "{:?}",
            crate::error::excerpt(&String::from_utf8_lossy(t.trim_ascii()), 40)
        ),
        Cell::Num(x) => format!("{x}"),
        Cell::Day(d) => date::format(d),
        Cell::Null => "an empty cell".into(),
    }
}
