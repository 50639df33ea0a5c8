//! Parquet records through the column API (no Arrow): each row group's needed columns decoded
//! into typed vectors, row groups of a batch decoded on all cores, rows checked in file order.
//! Strings, integers, doubles and DATE columns are read; rows count from 1 (no header).

use std::path::Path;

use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
use parquet::column::reader::ColumnReader;
use parquet::data_type::ByteArray;
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use rayon::prelude::*;

use super::validate::{push, At, Cell, RowCells};
use super::{Batch, Reader};
use crate::bail_input;
use crate::error::input_error;

/// A decoded column of one row group (`None` = null).
enum Col {
    Bytes(Vec<Option<ByteArray>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Date(Vec<Option<i32>>),
    Missing,
}

impl Col {
    /// The cell of row `i`; integers and dates are written into `scratch` when text is needed.
    fn cell<'a>(&'a self, i: usize) -> Cell<'a> {
        match self {
            Col::Bytes(v) => v[i].as_ref().map_or(Cell::Null, |b| Cell::Text(b.data())),
            Col::Int(v) => v[i].map_or(Cell::Null, |x| Cell::Num(x as f64)),
            Col::Float(v) => v[i].map_or(Cell::Null, Cell::Num),
            Col::Date(v) => v[i].map_or(Cell::Null, Cell::Day),
            Col::Missing => Cell::Null,
        }
    }

    /// The cell of row `i` as text (persons and benefit codes may be stored as integers).
    fn text<'a>(&'a self, i: usize, scratch: &'a mut Vec<u8>) -> &'a [u8] {
        match self {
            Col::Bytes(v) => v[i].as_ref().map_or(b"", |b| b.data()),
            Col::Int(v) => match v[i] {
                Some(x) => {
                    scratch.clear();
                    scratch.extend_from_slice(x.to_string().as_bytes());
                    scratch
                }
                None => b"",
            },
            _ => b"",
        }
    }
}

pub(super) fn read<T: Send>(
    r: &Reader,
    path: &Path,
    file: u16,
    progress: &dyn Fn(u64),
    map: &(dyn Fn(Batch) -> anyhow::Result<T> + Sync),
    sink: &mut dyn FnMut(T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let bad = |e: parquet::errors::ParquetError| {
        input_error(format!(
            "{}: not a readable Parquet file ({e})",
            path.display()
        ))
    };
    let f = std::fs::File::open(path)
        .map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = SerializedFileReader::new(f).map_err(bad)?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let find = |name: &str| {
        (0..schema.num_columns()).find(|&i| schema.column(i).name().eq_ignore_ascii_case(name))
    };
    let c = &r.columns;
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            let names: Vec<String> = (0..schema.num_columns())
                .map(|i| schema.column(i).name().to_string())
                .collect();
            input_error(format!(
                "{}: no column `{name}` (found {}); name the columns with --columns",
                path.display(),
                crate::error::excerpt(&names.join(", "), 200)
            ))
        })
    };
    let idx = [
        need(&c.person)?,
        need(&c.kommune)?,
        need(&c.ydelse)?,
        need(&c.fra)?,
        need(&c.til)?,
    ];
    let (grad, timer) = (find(&c.grad), find(&c.timer));
    let groups = reader.num_row_groups();
    let rows_before: Vec<u64> = (0..groups)
        .scan(0u64, |acc, g| {
            let start = *acc;
            *acc += reader.metadata().row_group(g).num_rows().max(0) as u64;
            Some(start)
        })
        .collect();
    let per_batch = rayon::current_num_threads().max(1) * 2;
    let mut g0 = 0;
    while g0 < groups {
        let g1 = (g0 + per_batch).min(groups);
        let parsed: Vec<anyhow::Result<T>> = (g0..g1)
            .into_par_iter()
            .map(|g| {
                // Each task its own file handle: handles cloned from one `File` share its offset,
                // and row groups read at once would read each other's bytes.
                let own = std::fs::File::open(path)
                    .map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))?;
                let own = SerializedFileReader::new(own).map_err(bad)?;
                let rg = own.get_row_group(g).map_err(bad)?;
                let mut cols = Vec::with_capacity(7);
                for i in idx.iter().copied().map(Some).chain([grad, timer]) {
                    cols.push(match i {
                        Some(i) => decode(rg.as_ref(), i, path)?,
                        None => Col::Missing,
                    });
                }
                rows(r, path, file, rows_before[g], &cols).and_then(map)
            })
            .collect();
        for b in parsed {
            sink(b?)?;
        }
        progress(size * (g1 - g0) as u64 / groups as u64);
        g0 = g1;
    }
    Ok(())
}

fn rows(r: &Reader, path: &Path, file: u16, before: u64, cols: &[Col]) -> anyhow::Result<Batch> {
    let n = match &cols[0] {
        Col::Bytes(v) => v.len(),
        Col::Int(v) => v.len(),
        _ => 0,
    };
    let mut out = Batch {
        arena: Vec::with_capacity(n * 10),
        spans: Vec::with_capacity(n),
    };
    let (mut s_person, mut s_code) = (Vec::new(), Vec::new());
    for i in 0..n {
        let cells = RowCells {
            person: cols[0].text(i, &mut s_person),
            kommune: cols[1].cell(i),
            ydelse: cols[2].text(i, &mut s_code),
            fra: cols[3].cell(i),
            til: cols[4].cell(i),
            grad: cols[5].cell(i),
            timer: cols[6].cell(i),
        };
        push(
            r,
            &cells,
            &At {
                path,
                row: before + i as u64 + 1,
            },
            file,
            &mut out,
        )?;
    }
    Ok(out)
}

/// Decodes a whole column of a row group, nulls included.
fn decode(rg: &dyn RowGroupReader, i: usize, path: &Path) -> anyhow::Result<Col> {
    let bad = |e: parquet::errors::ParquetError| {
        input_error(format!(
            "{}: not a readable Parquet file ({e})",
            path.display()
        ))
    };
    let descr = rg.metadata().column(i).column_descr_ptr();
    let rows = rg.metadata().num_rows().max(0) as usize;
    let nullable = descr.max_def_level() > 0;
    let is_date = matches!(descr.logical_type_ref(), Some(LogicalType::Date))
        || descr.converted_type() == ConvertedType::DATE;
    macro_rules! all {
        ($reader:expr, $map:expr) => {{
            let mut reader = $reader;
            let (mut values, mut defs) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
            let mut read = 0;
            while read < rows {
                let (recs, _, _) = reader
                    .read_records(
                        rows - read,
                        nullable.then_some(&mut defs),
                        None,
                        &mut values,
                    )
                    .map_err(bad)?;
                if recs == 0 {
                    break;
                }
                read += recs;
            }
            let mut vals = values.into_iter();
            let out: Vec<_> = if nullable {
                defs.iter()
                    .map(|&d| if d > 0 { vals.next().map($map) } else { None })
                    .collect()
            } else {
                vals.map(|v| Some($map(v))).collect()
            };
            out
        }};
    }
    let reader = rg.get_column_reader(i).map_err(bad)?;
    Ok(match reader {
        ColumnReader::ByteArrayColumnReader(rd) => Col::Bytes(all!(rd, |v| v)),
        ColumnReader::Int32ColumnReader(rd) if is_date => Col::Date(all!(rd, |v| v)),
        ColumnReader::Int32ColumnReader(rd) => Col::Int(all!(rd, i64::from)),
        ColumnReader::Int64ColumnReader(rd) => Col::Int(all!(rd, |v| v)),
        ColumnReader::DoubleColumnReader(rd) => Col::Float(all!(rd, |v| v)),
        ColumnReader::FloatColumnReader(rd) => Col::Float(all!(rd, f64::from)),
        _ => {
            let t: Physical = descr.physical_type();
            bail_input!("{}: column `{}` has the Parquet type {t}, which is not read (use strings, integers, doubles or DATE)", path.display(), descr.name())
        }
    })
}
