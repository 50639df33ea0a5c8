//! A counted table read back: what `records` (or its SQL on DuckDB or Spark) wrote —
//! `kommune, gruppe, periode, fuldtidspersoner, personer` — so a count made on a cluster feeds a
//! build with the same threshold and provenance as a count made here.

use std::path::Path;

use crate::bail_input;
use crate::input::records::CountedCell;
use crate::keys::Period;

/// The columns of a counted table, in the order `records` writes them.
pub const COLUMNS: [&str; 5] = [
    "kommune",
    "gruppe",
    "periode",
    "fuldtidspersoner",
    "personer",
];

/// The delimiter of a header line that names the counted table's columns, if it does.
pub fn header_delimiter(first_line: &str) -> Option<char> {
    let line = first_line.trim_start_matches('\u{feff}').trim_end();
    [',', ';', '\t'].into_iter().find(|&d| {
        let names: Vec<&str> = line.split(d).map(|c| c.trim().trim_matches('"')).collect();
        names.len() == COLUMNS.len() && names.iter().zip(COLUMNS).all(|(a, b)| *a == b)
    })
}

/// Parses a counted table's text (its header already recognised); `shown` names the file.
pub fn parse(text: &str, shown: &str, delimiter: char) -> anyhow::Result<Vec<CountedCell>> {
    let mut cells = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let row = i + 1;
        let f: Vec<&str> = line
            .split(delimiter)
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        if f.len() != COLUMNS.len() {
            bail_input!(
                "{shown}: row {row}: expected {} columns ({}), found {}",
                COLUMNS.len(),
                COLUMNS.join(", "),
                f.len()
            );
        }
        let kommune = crate::keys::Kommunekode::parse(f[0]).ok_or_else(|| {
            crate::error::input_error(format!(
                "{shown}: row {row}, column `kommune`: {:?} is not a 3-digit municipality code",
                crate::error::excerpt(f[0], 20)
            ))
        })?;
        let periode: Period = f[2].parse().map_err(|e| {
            crate::error::input_error(format!("{shown}: row {row}, column `periode`: {e}"))
        })?;
        let fuldtidspersoner: f64 = f[3]
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                crate::error::input_error(format!(
                    "{shown}: row {row}, column `fuldtidspersoner`: expected a number ≥ 0, found {:?}",
                    crate::error::excerpt(f[3], 20)
                ))
            })?;
        let personer: u64 = f[4].parse().map_err(|_| {
            crate::error::input_error(format!(
                "{shown}: row {row}, column `personer`: expected a whole number ≥ 0, found {:?}",
                crate::error::excerpt(f[4], 20)
            ))
        })?;
        if f[1].is_empty() {
            bail_input!("{shown}: row {row}, column `gruppe`: empty");
        }
        cells.push(CountedCell {
            kommune: kommune.get(),
            gruppe: f[1].to_string(),
            periode,
            fuldtidspersoner,
            personer,
        });
    }
    Ok(cells)
}

/// The first line of a text file (at most 4 KiB read), or `None` for Parquet or unreadable.
pub fn first_line(path: &Path) -> Option<String> {
    use std::io::Read;
    if crate::input::records::is_parquet(path) {
        return None;
    }
    let mut buf = vec![0u8; 4096];
    let n = std::fs::File::open(path).ok()?.read(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    Some(text.lines().next().unwrap_or("").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_records_writes_and_names_bad_cells() {
        let t =
            "kommune,gruppe,periode,fuldtidspersoner,personer\n183,a-dagpenge,2022,460.0000,1219\n";
        assert_eq!(header_delimiter(t.lines().next().unwrap()), Some(','));
        let c = parse(t, "x.csv", ',').unwrap();
        assert_eq!(c[0].personer, 1219);
        assert_eq!(c[0].periode.label(), "2022");
        assert_eq!(header_delimiter("person,kommune,ydelse,fra,til"), None);
        let e = parse(
            "kommune\tgruppe\tperiode\tfuldtidspersoner\tpersoner\n183\ta\t2022\t-1\t3\n",
            "y.tsv",
            '\t',
        )
        .unwrap_err();
        assert!(e
            .to_string()
            .contains("y.tsv: row 2, column `fuldtidspersoner`"));
    }
}
