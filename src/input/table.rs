//! CSV tables, and the column mapping that CSV and XLSX ([`super::xlsx`]) tables share.
//!
//! Both formats become a [`Table`] of cells first, so the mapping, the number rules and the
//! messages are the same for either.

use std::collections::BTreeMap;

use super::{parse_number, Figures, Record, RowPeriod};
use crate::bail_input;
use crate::config::{Decimal, Input, InputKind, InputRole};
use crate::error::input_error;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

/// A header row and data rows, each row with its location for messages.
pub(super) struct Table {
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<(String, Vec<Cell>)>,
}

/// Reads a CSV input.
pub(crate) fn read_csv(bytes: &[u8], origin: &str, inp: &Input) -> anyhow::Result<Vec<Record>> {
    let (delimiter, decimal) = match inp.kind {
        InputKind::Csv { delimiter, decimal } => (delimiter, decimal),
        _ => (b';', Decimal::Point),
    };
    map_table(csv_table(bytes, origin, delimiter)?, origin, inp, decimal)
}

/// A delimited text file as a [`Table`]: a UTF-8 byte-order mark dropped, CRLF or LF line
/// ends, every row as long as the header, cells trimmed.
pub(super) fn csv_table(bytes: &[u8], origin: &str, delimiter: u8) -> anyhow::Result<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The line from the byte offset: the csv crate counts a CRLF file's lines one short.
    let mut lines = LineIndex::new(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let csv_err = |e: csv::Error| {
        let line = e
            .position()
            .map_or(0, |p| LineIndex::new(bytes).line(p.byte()));
        let msg = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".to_string(),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => {
                format!("expected {expected_len} fields (as in the header), found {len}")
            }
            _ => e.to_string(),
        };
        input_error(format!("{origin}:{line}: {msg}"))
    };
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| lines.line(p.byte()));
        let cells = rec
            .iter()
            .map(|c| {
                if c.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(c.trim().to_string())
                }
            })
            .collect();
        rows.push((format!("{origin}:{line}"), cells));
    }
    Ok(Table { headers, rows })
}

/// Byte offset → 1-based line, for offsets that only grow (one pass over the bytes).
struct LineIndex<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> LineIndex<'a> {
        LineIndex {
            bytes,
            at: 0,
            line: 1,
        }
    }

    fn line(&mut self, byte: u64) -> usize {
        let mut to = (byte as usize).min(self.bytes.len());
        // After a CRLF record the reader's offset is at the LF it has not consumed yet.
        while to < self.bytes.len() && matches!(self.bytes[to], b'\r' | b'\n') {
            to += 1;
        }
        if to < self.at {
            // Not expected (offsets grow), but never wrong: count from the start.
            self.at = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.at..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = to;
        self.line
    }
}

/// Column positions resolved from the header and the config's column names.
struct Mapping {
    kode: Option<usize>,
    navn: Option<usize>,
    period: Option<usize>,
    group: Option<usize>,
    benefit: Option<usize>,
    /// (config key, position) of every figure column.
    numeric: [(&'static str, Option<usize>); 9],
    /// Rammevilkår variables: (name, position).
    variables: Vec<(String, usize)>,
}

impl Mapping {
    fn new(table: &Table, origin: &str, inp: &Input) -> anyhow::Result<Mapping> {
        let cols = &inp.columns;
        let find = |key: &str, name: &Option<String>| -> anyhow::Result<Option<usize>> {
            match name {
                None => Ok(None),
                Some(n) => table.headers.iter().position(|h| h == n).map(Some).ok_or_else(|| {
                    input_error(format!(
                        "{origin}: columns.{key} = {n:?}, but the header has no such column; it has {:?}",
                        table
                            .headers
                            .iter()
                            .take(30)
                            .map(|h| crate::error::excerpt(h, 40))
                            .collect::<Vec<_>>()
                    ))
                }),
            }
        };
        let m = Mapping {
            kode: find("kommunekode", &cols.kommunekode)?,
            navn: find("kommune", &cols.kommune)?,
            period: find("period", &cols.period)?,
            group: find("group", &cols.group)?,
            benefit: find("benefit", &cols.benefit)?,
            numeric: [
                ("actual", find("actual", &cols.actual)?),
                ("expected", find("expected", &cols.expected)?),
                ("population", find("population", &cols.population)?),
                ("actual-share", find("actual-share", &cols.actual_share)?),
                (
                    "expected-share",
                    find("expected-share", &cols.expected_share)?,
                ),
                ("gap", find("gap", &cols.gap)?),
                ("gap-pp", find("gap-pp", &cols.gap_pp)?),
                ("gap-pp-se", find("gap-pp-se", &cols.gap_pp_se)?),
                ("rank", find("rank", &cols.rank)?),
            ],
            variables: Vec::new(),
        };
        if m.period.is_none() && inp.period.is_none() && inp.role != InputRole::Rammevilkaar {
            bail_input!("{origin}: name a `columns.period` column or set the input's `period`");
        }
        if inp.role == InputRole::Benchmark && m.group.is_none() && m.benefit.is_none() {
            bail_input!("{origin}: name a `columns.group` or `columns.benefit` column");
        }
        if inp.role == InputRole::Population && m.numeric[2].1.is_none() {
            bail_input!("{origin}: a population input needs `columns.population`");
        }
        if inp.role != InputRole::Rammevilkaar {
            return Ok(m);
        }
        let keys: Vec<usize> = [m.kode, m.navn, m.period, m.group, m.benefit]
            .into_iter()
            .flatten()
            .collect();
        let variables = match &inp.variables {
            Some(list) => list
                .iter()
                .map(|v| {
                    find("variables", &Some(v.clone())).map(|i| (v.clone(), i.expect("named")))
                })
                .collect::<anyhow::Result<_>>()?,
            None => table
                .headers
                .iter()
                .enumerate()
                .filter(|(i, _)| !keys.contains(i))
                .map(|(i, h)| (h.clone(), i))
                .collect(),
        };
        Ok(Mapping { variables, ..m })
    }
}

pub(super) fn map_table(
    table: Table,
    origin: &str,
    inp: &Input,
    decimal: Decimal,
) -> anyhow::Result<Vec<Record>> {
    let m = Mapping::new(&table, origin, inp)?;
    let headers = &table.headers;
    table
        .rows
        .into_iter()
        .map(|(at, cells)| record(&m, headers, inp, decimal, at, &cells))
        .collect()
}

/// A cell as text: numbers from a workbook written without a spurious ".0".
fn cell_text(cells: &[Cell], idx: Option<usize>) -> Option<String> {
    match idx.and_then(|i| cells.get(i)) {
        Some(Cell::Text(s)) => Some(s.clone()),
        Some(Cell::Number(v)) => Some(if v.fract() == 0.0 {
            format!("{}", *v as i64)
        } else {
            v.to_string()
        }),
        _ => None,
    }
}

/// A cell as a number, in the stated decimal convention; empty is `None`.
fn cell_number(
    cells: &[Cell],
    idx: usize,
    decimal: Decimal,
    what: (&str, &str, &str),
) -> anyhow::Result<Option<f64>> {
    let (at, header, key) = what;
    match cells.get(idx) {
        None | Some(Cell::Empty) => Ok(None),
        Some(Cell::Number(v)) => Ok(Some(*v)),
        Some(Cell::Text(s)) => parse_number(s, decimal).map(Some).ok_or_else(|| {
            let how = match decimal {
                Decimal::Comma => "decimal comma",
                Decimal::Point => "decimal point",
            };
            input_error(format!(
                "{at}: column {header:?} ({key}) is {:?}, which is not a number with a {how}",
                crate::error::excerpt(s, 40)
            ))
        }),
    }
}

fn record(
    m: &Mapping,
    headers: &[String],
    inp: &Input,
    decimal: Decimal,
    at: String,
    cells: &[Cell],
) -> anyhow::Result<Record> {
    let num = |key: &str, idx: usize| cell_number(cells, idx, decimal, (&at, &headers[idx], key));
    let mut vals: BTreeMap<&str, Option<f64>> = BTreeMap::new();
    for (key, idx) in m.numeric {
        vals.insert(
            key,
            match idx {
                Some(i) => num(key, i)?,
                None => None,
            },
        );
    }
    let rank = match vals["rank"] {
        None => None,
        Some(r) if r >= 1.0 && r.fract() == 0.0 && r <= f64::from(u32::MAX) => Some(r as u32),
        Some(r) => bail_input!("{at}: rank is {r}; expected a whole number ≥ 1"),
    };
    let mut variables = BTreeMap::new();
    for (name, idx) in &m.variables {
        match num(name, *idx)? {
            Some(v) => {
                variables.insert(name.clone(), v);
            }
            None => bail_input!("{at}: rammevilkår variable {name:?} is empty"),
        }
    }
    let period_at = match m.period {
        Some(i) => format!("{at}, column {:?}", headers[i]),
        None => at.clone(),
    };
    Ok(Record {
        kommunekode: cell_text(cells, m.kode),
        kommune: cell_text(cells, m.navn),
        period: cell_text(cells, m.period)
            .map(RowPeriod::Label)
            .or_else(|| inp.period.clone().map(RowPeriod::Checked)),
        period_at,
        group: cell_text(cells, m.group),
        benefit: cell_text(cells, m.benefit),
        figures: Figures {
            population: vals["population"],
            actual: vals["actual"],
            expected: vals["expected"],
            actual_share: vals["actual-share"],
            expected_share: vals["expected-share"],
            gap: vals["gap"],
            gap_pp: vals["gap-pp"],
            gap_pp_se: vals["gap-pp-se"],
            rank,
        },
        variables,
        at,
    })
}
