//! A jobindsats API export of any table (Y01A02 … Y12A02, PTVA02, …): v2 JSON as the API returns
//! it (`[{"Variables":[…],"Data":[[…]]}]`), v3 JSON (`{"columns":[…],"rows":[[…]]}`) or the
//! API's CSV (`;`, decimal comma). Told apart by their first character. The measure read is
//! "Antal fuldtidspersoner" unless the input's `value` names another.

use serde_json::Value;

use super::areas::Areas;
use super::dimensional::{observe, Defaults, Observations};
use super::table::{csv_table, Cell, Table};
use crate::bail_input;
use crate::config::{Decimal, Input};
use crate::error::{excerpt, input_error};

const DEFAULTS: Defaults = Defaults {
    area: &["Område", "Omraade", "Area", "Kommune", "Jobcenter"],
    time: &["Periode", "Period"],
    value: "Antal fuldtidspersoner",
    numeric_columns_are_measures: true,
};

/// The bytes a JSON export starts with (an array of v2 blocks, or a v3 object).
const JSON_OPENERS: [u8; 2] = [b'[', b'{'];

/// Reads a jobindsats table export into summed observations.
pub(crate) fn read(
    bytes: &[u8],
    origin: &str,
    inp: &Input,
    areas: &Areas,
) -> anyhow::Result<Observations> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let table = if first.is_some_and(|b| JSON_OPENERS.contains(&b)) {
        json_table(bytes, origin)?
    } else {
        csv_table(bytes, origin, b';')?
    };
    observe(&table, origin, inp, &DEFAULTS, Some(Decimal::Comma), areas)
}

/// A column's name: a string, or an object's label (else its name).
fn column_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => [
            "Label", "label", "Name", "name", "Text", "text", "Title", "title",
        ]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .map(str::to_string),
        _ => None,
    }
}

fn cell(v: &Value) -> Option<Cell> {
    match v {
        Value::Null => Some(Cell::Empty),
        Value::String(s) if s.trim().is_empty() => Some(Cell::Empty),
        Value::String(s) => Some(Cell::Text(s.trim().to_string())),
        Value::Number(n) => n.as_f64().map(Cell::Number),
        _ => None,
    }
}

/// The columns and rows of one block (v2: `Variables`/`Data`; v3: `columns`/`rows`).
fn block(obj: &Value, origin: &str, at: &str) -> anyhow::Result<Table> {
    let pick = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| obj.get(*k))
            .and_then(Value::as_array)
    };
    let (Some(cols), Some(rows)) = (pick(["Variables", "columns"]), pick(["Data", "rows"])) else {
        bail_input!(
            "{origin}: {at}: expected a jobindsats table: v2 {{\"Variables\": […], \"Data\": […]}} or v3 {{\"columns\": […], \"rows\": […]}}"
        );
    };
    let headers = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            column_name(c).ok_or_else(|| {
                input_error(format!(
                    "{origin}: {at}: column {} has no name (a string or an object with \"Label\" or \"Name\")",
                    i + 1
                ))
            })
        })
        .collect::<anyhow::Result<Vec<String>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let where_ = format!("{origin}: {at}, row {}", i + 1);
        let Some(cells) = row.as_array() else {
            bail_input!("{where_}: expected an array of {} values", headers.len());
        };
        if cells.len() != headers.len() {
            bail_input!(
                "{where_}: {} values, but the table has {} columns",
                cells.len(),
                headers.len()
            );
        }
        let cells = cells
            .iter()
            .enumerate()
            .map(|(j, v)| {
                cell(v).ok_or_else(|| {
                    input_error(format!(
                        "{where_}, column {:?}: {} is neither text, a number nor null",
                        excerpt(&headers[j], 40),
                        excerpt(&v.to_string(), 40)
                    ))
                })
            })
            .collect::<anyhow::Result<Vec<Cell>>>()?;
        out.push((where_, cells));
    }
    Ok(Table { headers, rows: out })
}

/// A v2 or v3 JSON export as one table (v2's blocks must share their columns).
fn json_table(bytes: &[u8], origin: &str) -> anyhow::Result<Table> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        input_error(format!(
            "{origin}:{}:{}: invalid JSON: {e}",
            e.line(),
            e.column()
        ))
    })?;
    match &doc {
        Value::Array(blocks) => {
            let mut table: Option<Table> = None;
            for (i, b) in blocks.iter().enumerate() {
                let t = block(b, origin, &format!("element {}", i + 1))?;
                match &mut table {
                    None => table = Some(t),
                    Some(all) if all.headers == t.headers => all.rows.extend(t.rows),
                    Some(_) => bail_input!(
                        "{origin}: element {}: its columns differ from the first element's",
                        i + 1
                    ),
                }
            }
            table.ok_or_else(|| input_error(format!("{origin}: the JSON array is empty")))
        }
        Value::Object(_) => block(&doc, origin, "the table"),
        _ => bail_input!("{origin}: expected a JSON array (v2) or object (v3)"),
    }
}
