//! The jobindsats API's JSON export of table Y30R21: one object per line (JSON Lines) or one
//! JSON array of objects, long Danish keys, counts as numbers, shares as strings with a
//! decimal comma.

use serde_json::Value;

use super::{parse_number, Figures, Record, RowPeriod};
use crate::bail_input;
use crate::config::Decimal;
use crate::error::input_error;

const AREA: &str = "Area";
const PERIOD: &str = "Periode";
const GROUP: &str = "Ydelsesgrupper";
const EXPECTED: &str =
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal";
const ACTUAL: &str =
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal";
const GAP: &str =
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk antal";
const EXPECTED_SHARE: &str =
    "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forventet andel (pct.)";
const ACTUAL_SHARE: &str =
    "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Faktisk andel (pct.)";
const GAP_PP: &str = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk andel (pct. point)";
const RANK: &str = "Placering på benchmarkranglisten";

/// Area names that are national aggregates, not municipalities; kommunebench computes its own.
const NATIONAL: [&str; 2] = ["Hele landet", "Hele Landet"];

/// Reads the export into records; `origin` names the file in messages.
pub(crate) fn read(bytes: &[u8], origin: &str) -> anyhow::Result<Vec<Record>> {
    // Windows tools write a UTF-8 byte-order mark; it is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, _) = crate::error::line_col(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        );
        input_error(format!("{origin}:{line}: the file is not valid UTF-8"))
    })?;
    let mut out = Vec::new();
    if text.trim_start().starts_with('[') {
        let rows: Vec<Value> = serde_json::from_str(text).map_err(|e| {
            input_error(format!(
                "{origin}:{}:{}: invalid JSON: {e}",
                e.line(),
                e.column()
            ))
        })?;
        for (i, row) in rows.iter().enumerate() {
            let at = format!("{origin}: element {}", i + 1);
            if let Some(r) = record(row, &at)? {
                out.push(r);
            }
        }
        return Ok(out);
    }
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{origin}:{}", i + 1);
        let row: Value = serde_json::from_str(line)
            .map_err(|e| input_error(format!("{at}:{}: invalid JSON: {e}", e.column())))?;
        if let Some(mut r) = record(&row, &at)? {
            // Point at the period's value in the line, for a malformed label.
            if let Some(pos) = line.find(&format!("\"{PERIOD}\"")) {
                let value = line[pos + PERIOD.len() + 2..]
                    .find('"')
                    .map_or(pos, |v| pos + PERIOD.len() + 2 + v);
                r.period_at = format!("{at}:{}", line[..value].chars().count() + 1);
            }
            out.push(r);
        }
    }
    if out.is_empty() {
        bail_input!("{origin}: no rows");
    }
    Ok(out)
}

fn record(row: &Value, at: &str) -> anyhow::Result<Option<Record>> {
    let Some(obj) = row.as_object() else {
        bail_input!("{at}: expected a JSON object");
    };
    let text = |key: &str| -> anyhow::Result<String> {
        match obj.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(input_error(format!(
                "{at}: {key:?} should be text, found {}",
                crate::error::excerpt(&other.to_string(), 40)
            ))),
            None => Err(input_error(format!("{at}: missing key {key:?}"))),
        }
    };
    let area = text(AREA)?;
    if NATIONAL.contains(&area.as_str()) {
        return Ok(None);
    }
    let num = |key: &str| -> anyhow::Result<Option<f64>> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) => parse_number(s, Decimal::Comma).map(Some).ok_or_else(|| {
                input_error(format!(
                    "{at}: {key:?} is {:?}, which is not a number",
                    crate::error::excerpt(s, 40)
                ))
            }),
            Some(other) => Err(input_error(format!(
                "{at}: {key:?} is {}, which is not a number",
                crate::error::excerpt(&other.to_string(), 40)
            ))),
        }
    };
    let rank = match num(RANK)? {
        None => None,
        Some(r) if r >= 1.0 && r.fract() == 0.0 && r <= u32::MAX as f64 => Some(r as u32),
        Some(r) => bail_input!("{at}: {RANK:?} is {r}; expected a whole number ≥ 1"),
    };
    let figures = Figures {
        population: None,
        actual: num(ACTUAL)?,
        expected: num(EXPECTED)?,
        actual_share: num(ACTUAL_SHARE)?,
        expected_share: num(EXPECTED_SHARE)?,
        gap: num(GAP)?,
        gap_pp: num(GAP_PP)?,
        gap_pp_se: None,
        rank,
    };
    Ok(Some(Record {
        at: at.to_string(),
        kommunekode: None,
        kommune: Some(area),
        period: Some(RowPeriod::Label(text(PERIOD)?)),
        period_at: format!("{at}, key {PERIOD:?}"),
        group: Some(text(GROUP)?),
        benefit: None,
        figures,
        variables: Default::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_line_with_danish_decimals() {
        let line = format!(
            "{{\"Area\":\"Ishøj\",\"Periode\":\"2022QMAT04\",\"Ydelsesgrupper\":\"Kontanthjælp mv.\",\"{EXPECTED}\":610,\"{ACTUAL}\":520,\"{GAP}\":-90,\"{EXPECTED_SHARE}\":\"4,00\",\"{ACTUAL_SHARE}\":\"3,41\",\"{GAP_PP}\":\"-0,59\",\"{RANK}\":3}}\n"
        );
        let recs = read(line.as_bytes(), "f.jsonl").unwrap();
        assert_eq!(recs.len(), 1);
        let f = &recs[0].figures;
        assert_eq!(f.gap_pp, Some(-0.59));
        assert_eq!(f.actual, Some(520.0));
        assert_eq!(f.rank, Some(3));
    }

    #[test]
    fn bad_share_names_line_and_key() {
        let line = format!("{{\"Area\":\"Ishøj\",\"Periode\":\"2022\",\"Ydelsesgrupper\":\"x\",\"{ACTUAL_SHARE}\":\"n/a\"}}\n");
        let err = read(format!("\n{line}").as_bytes(), "f.jsonl")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("f.jsonl:2: "), "{err}");
        assert!(err.contains("\"n/a\", which is not a number"), "{err}");
    }
}
