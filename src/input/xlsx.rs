//! XLSX inputs: one sheet read cell by cell into a [`Table`], with bounds on what the workbook
//! may declare and decompress, so a small hostile file (a "zip bomb", a sheet claiming a
//! million by sixteen thousand cells) is an error instead of exhausting memory.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use super::table::{map_table, Cell, Table};
use super::Record;
use crate::bail_input;
use crate::config::{Decimal, Input, InputKind};
use crate::error::input_error;

/// Most uncompressed bytes of all entries of a workbook together.
pub const MAX_UNCOMPRESSED: u64 = 256 * 1024 * 1024;
/// Most cells with a value in the sheet read.
pub const MAX_CELLS: usize = 5_000_000;
/// Most columns (from the first used one).
pub const MAX_COLUMNS: u32 = 1_000;
/// Most distinct shared strings a workbook may declare (the reader reserves room for them).
const MAX_SHARED_STRINGS: u64 = 5_000_000;

/// Reads an XLSX input (the named sheet or the first one) from the bytes that were hashed.
pub(crate) fn read_xlsx(bytes: &[u8], origin: &str, inp: &Input) -> anyhow::Result<Vec<Record>> {
    let (sheet, decimal) = match &inp.kind {
        InputKind::Xlsx { sheet, decimal } => (sheet.clone(), decimal.unwrap_or(Decimal::Point)),
        _ => (None, Decimal::Point),
    };
    check_archive(bytes, origin)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| input_error(format!("{origin}: cannot open as XLSX: {e}")))?;
    let names = wb.sheet_names();
    let sheet = match &sheet {
        Some(s) => {
            if !names.contains(s) {
                bail_input!("{origin}: no sheet named {s:?}; the workbook has {names:?}");
            }
            s.clone()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| input_error(format!("{origin}: the workbook has no sheets")))?,
    };
    let cells = read_cells(&mut wb, &sheet, origin)?;
    let table = to_table(cells, origin, &sheet)?;
    map_table(table, origin, inp, decimal)
}

/// The archive's declared sizes and the shared-string count, before the reader trusts them.
fn check_archive(bytes: &[u8], origin: &str) -> anyhow::Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| input_error(format!("{origin}: cannot open as XLSX: {e}")))?;
    if zip.len() > 10_000 {
        bail_input!(
            "{origin}: the workbook has {} parts; at most 10000 are read",
            zip.len()
        );
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| input_error(format!("{origin}: cannot open as XLSX: {e}")))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNCOMPRESSED {
        bail_input!(
            "{origin}: the workbook unpacks to {total} bytes; at most {MAX_UNCOMPRESSED} are read"
        );
    }
    if let Ok(sst) = zip.by_name("xl/sharedStrings.xml") {
        let declared_size = sst.size();
        let mut head = Vec::new();
        sst.take(4096)
            .read_to_end(&mut head)
            .map_err(|e| input_error(format!("{origin}: cannot read the shared strings: {e}")))?;
        let head = String::from_utf8_lossy(&head);
        let count = head
            .split("uniqueCount=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse::<u64>().ok());
        // Each shared string takes at least `<si><t/></si>`: 12 bytes of XML.
        if count.is_some_and(|n| n > MAX_SHARED_STRINGS || n > declared_size / 12 + 16) {
            bail_input!(
                "{origin}: the workbook declares {} shared strings, more than its {declared_size} bytes can hold (or than {MAX_SHARED_STRINGS})",
                count.unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// (row, column) → value of every non-empty cell, bounded in number and width.
fn read_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    origin: &str,
) -> anyhow::Result<BTreeMap<(u32, u32), Data>> {
    let sheet_err = |e: calamine::XlsxError| input_error(format!("{origin}: sheet {sheet:?}: {e}"));
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(sheet_err)?;
    let mut cells = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(sheet_err)? {
        let value: Data = cell.get_value().clone().into();
        if value == Data::Empty {
            continue;
        }
        if cells.len() >= MAX_CELLS {
            bail_input!("{origin}: sheet {sheet:?} has more than {MAX_CELLS} cells with values");
        }
        cells.insert(cell.get_position(), value);
    }
    Ok(cells)
}

/// The sheet as a table: the first used row is the header; columns start at the first used
/// one; rows without a value are skipped; rows are named by their Excel number.
fn to_table(cells: BTreeMap<(u32, u32), Data>, origin: &str, sheet: &str) -> anyhow::Result<Table> {
    let Some(&(first_row, _)) = cells.keys().next() else {
        bail_input!("{origin}: sheet {sheet:?} is empty");
    };
    let first_col = cells.keys().map(|k| k.1).min().unwrap_or(0);
    let last_col = cells.keys().map(|k| k.1).max().unwrap_or(0);
    if last_col - first_col >= MAX_COLUMNS {
        bail_input!(
            "{origin}: sheet {sheet:?} uses {} columns; at most {MAX_COLUMNS} are read",
            last_col - first_col + 1
        );
    }
    let width = (last_col - first_col + 1) as usize;
    let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    for ((r, c), v) in cells {
        let row = rows.entry(r).or_insert_with(|| vec![Cell::Empty; width]);
        row[(c - first_col) as usize] = match v {
            Data::Int(v) => Cell::Number(v as f64),
            Data::Float(v) => Cell::Number(v),
            Data::String(s) if s.trim().is_empty() => Cell::Empty,
            Data::String(s) => Cell::Text(s.trim().to_string()),
            other => Cell::Text(other.to_string()),
        };
    }
    let header = rows.remove(&first_row).unwrap_or_default();
    let headers = header
        .iter()
        .map(|c| match c {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(v) => v.to_string(),
        })
        .collect();
    let rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Empty))
        .map(|(r, cells)| (format!("{origin}, sheet {sheet:?}, row {}", r + 1), cells))
        .collect();
    Ok(Table { headers, rows })
}
