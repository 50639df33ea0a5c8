//! `records --emit-sql duckdb|spark`: the fuldtidspersoner definition as SQL for an existing
//! engine — periods clipped to the counting window, each person's days per municipality and
//! group cut into segments where the summed grad is constant (window functions over start/end
//! events), the level capped at 1, segments joined to the period calendar by interval overlap,
//! overlap days × level summed, persons counted distinct; `i-alt` over all counted codes.
//!
//! Rows the embedded engine refuses (unknown codes with a codes file, bad dates, overlapping
//! periods of one code) are not checked by the SQL: run `kommunebench records` on a sample, or
//! `check` the data first.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::compute::fulltime::{self, Calendar, I_ALT};
use crate::input::records::{date, is_parquet, CodeRule, Codes, Columns};

use super::Options;

/// The SQL engines written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB.
    DuckDb,
    /// Spark SQL (3.4 or later).
    Spark,
}

/// The statements, `;`-terminated, the last one the `SELECT` of the result.
pub fn emit(opts: &Options, dialect: Dialect) -> anyhow::Result<String> {
    let from = fulltime::parse_day("--from", &opts.from)?;
    let to = fulltime::parse_day("--to", &opts.to)?;
    let cal = Calendar::new(opts.per, from, to)?;
    let cols = match &opts.columns {
        Some(m) => Columns::default().with_mapping(m)?,
        None => Columns::default(),
    };
    let codes = opts.codes.as_deref().map(Codes::load).transpose()?;
    if opts.files.is_empty() {
        crate::bail_input!("records --emit-sql: no input file given");
    }
    let parquet = opts.files.iter().all(|f| is_parquet(f));
    if !parquet && opts.files.iter().any(|f| is_parquet(f)) {
        crate::bail_input!("records --emit-sql: mix of CSV and Parquet inputs; give one kind");
    }
    let header = columns_of(&opts.files[0])?;
    let has = |c: &str| header.iter().any(|h| h.eq_ignore_ascii_case(c));
    let d = Sql { dialect, parquet };
    let mut s = String::new();
    writeln!(
        s,
        "-- kommunebench records --emit-sql {}: fuldtidspersoner per kommune, gruppe and periode.",
        match dialect {
            Dialect::DuckDb => "duckdb",
            Dialect::Spark => "spark",
        }
    )?;
    writeln!(
        s,
        "-- Counting window {} .. {} ({} periods); open periods count to {}.",
        date::format(from),
        date::format(to),
        cal.len(),
        date::format(to)
    )?;
    s.push_str(&d.sources(&opts.files));
    s.push_str(&spans_view(&d, &cols, &has, to));
    let to_lit = d.date(to);
    let from_lit = d.date(from);
    s.push_str(&codes_view(&d, codes.as_ref()));
    s.push_str(&calendar_view(&d, &cal));
    write!(
        s,
        "CREATE OR REPLACE TEMPORARY VIEW kb_grouped AS
SELECT p.person, p.kommune, c.gruppe, GREATEST(p.fra, {from_lit}) AS fra, LEAST(p.til, {to_lit}) AS til, p.w
FROM kb_spans p JOIN kb_codes c ON p.ydelse = c.ydelse
WHERE p.til >= {from_lit} AND p.fra <= {to_lit}
UNION ALL
SELECT p.person, p.kommune, '{I_ALT}' AS gruppe, GREATEST(p.fra, {from_lit}) AS fra, LEAST(p.til, {to_lit}) AS til, p.w
FROM kb_spans p
WHERE p.til >= {from_lit} AND p.fra <= {to_lit} AND p.ydelse IN (SELECT ydelse FROM kb_codes);

CREATE OR REPLACE TEMPORARY VIEW kb_levels AS
SELECT person, kommune, gruppe, d, SUM(dw) AS dw FROM (
  SELECT person, kommune, gruppe, fra AS d, w AS dw FROM kb_grouped
  UNION ALL
  SELECT person, kommune, gruppe, {next_day} AS d, -w AS dw FROM kb_grouped
) e GROUP BY person, kommune, gruppe, d;

CREATE OR REPLACE TEMPORARY VIEW kb_segments AS
SELECT person, kommune, gruppe, d AS fra, {seg_end} AS til, LEAST(level, 1.0) AS w FROM (
  SELECT person, kommune, gruppe, d,
    SUM(dw) OVER (PARTITION BY person, kommune, gruppe ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS level,
    LEAD(d) OVER (PARTITION BY person, kommune, gruppe ORDER BY d) AS next_d
  FROM kb_levels
) r WHERE next_d IS NOT NULL AND level > 5e-13;

SELECT s.kommune, s.gruppe, c.periode,
  SUM(({days}) * s.w) / MAX(c.dage) AS fuldtidspersoner,
  COUNT(DISTINCT s.person) AS personer
FROM kb_segments s JOIN kb_calendar c ON s.fra <= c.til AND s.til >= c.fra
GROUP BY s.kommune, s.gruppe, c.periode
ORDER BY s.kommune, s.gruppe, c.periode;
",
        next_day = d.add_day("til"),
        seg_end = d.sub_day("next_d"),
        days = d.days_between("LEAST(s.til, c.til)", "GREATEST(s.fra, c.fra)"),
    )?;
    Ok(s)
}

/// The input rows typed: person, kommune, ydelse, dates (an open period to `to`), grad.
fn spans_view(d: &Sql, cols: &Columns, has: &dyn Fn(&str) -> bool, to: date::Day) -> String {
    let parquet = d.parquet;
    let q = |c: &str| d.quote(c);
    let text = |c: &str| {
        if parquet {
            format!("CAST({} AS {})", q(c), d.string())
        } else {
            format!("TRIM({})", q(c))
        }
    };
    let date_of = |c: &str| {
        if parquet {
            format!("CAST({} AS DATE)", q(c))
        } else {
            format!("CAST(NULLIF(TRIM({}), '') AS DATE)", q(c))
        }
    };
    let num_of = |c: &str| {
        if parquet {
            format!("CAST({} AS DOUBLE)", q(c))
        } else {
            format!("CAST(NULLIF(TRIM({}), '') AS DOUBLE)", q(c))
        }
    };
    let mut weight = Vec::new();
    if has(&cols.grad) {
        weight.push(num_of(&cols.grad));
    }
    if has(&cols.timer) {
        weight.push(format!("{} / 37.0", num_of(&cols.timer)));
    }
    weight.push("1.0".into());
    let to_lit = d.date(to);
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW kb_spans AS\nSELECT {person} AS person, CAST({kommune} AS INT) AS kommune, {ydelse} AS ydelse,\n  {fra} AS fra, COALESCE({til}, GREATEST({fra}, {to_lit})) AS til,\n  COALESCE({w}) AS w\nFROM kb_records;\n\n",
        person = text(&cols.person),
        kommune = if parquet { q(&cols.kommune) } else { format!("TRIM({})", q(&cols.kommune)) },
        ydelse = text(&cols.ydelse),
        fra = date_of(&cols.fra),
        til = date_of(&cols.til),
        w = weight.join(", "),
    )
}

struct Sql {
    dialect: Dialect,
    parquet: bool,
}

impl Sql {
    fn quote(&self, c: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("\"{}\"", c.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", c.replace('`', "``")),
        }
    }
    fn string(&self) -> &'static str {
        match self.dialect {
            Dialect::DuckDb => "VARCHAR",
            Dialect::Spark => "STRING",
        }
    }
    fn lit(&self, s: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }
    fn date(&self, d: date::Day) -> String {
        format!("DATE '{}'", date::format(d))
    }
    fn add_day(&self, c: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("CAST({c} + 1 AS DATE)"),
            Dialect::Spark => format!("date_add({c}, 1)"),
        }
    }
    fn sub_day(&self, c: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("CAST({c} - 1 AS DATE)"),
            Dialect::Spark => format!("date_sub({c}, 1)"),
        }
    }
    /// Days from `b` to `a`, both counted.
    fn days_between(&self, a: &str, b: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("date_diff('day', {b}, {a}) + 1"),
            Dialect::Spark => format!("datediff({a}, {b}) + 1"),
        }
    }
    fn values(&self, rows: &[String], names: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!(
                "SELECT * FROM (VALUES\n  {}\n) AS t({names})",
                rows.join(",\n  ")
            ),
            Dialect::Spark => format!(
                "SELECT * FROM VALUES\n  {}\n  AS t({names})",
                rows.join(",\n  ")
            ),
        }
    }
    fn sources(&self, files: &[PathBuf]) -> String {
        let path = |f: &PathBuf| {
            self.lit(
                &std::path::absolute(f)
                    .unwrap_or_else(|_| f.clone())
                    .display()
                    .to_string(),
            )
        };
        match self.dialect {
            Dialect::DuckDb => {
                let list = files.iter().map(path).collect::<Vec<_>>().join(", ");
                let read = if self.parquet {
                    format!("read_parquet([{list}], union_by_name = true)")
                } else {
                    format!("read_csv([{list}], header = true, all_varchar = true, union_by_name = true)")
                };
                format!("CREATE OR REPLACE TEMPORARY VIEW kb_records AS SELECT * FROM {read};\n\n")
            }
            Dialect::Spark => {
                let mut s = String::new();
                let format = if self.parquet { "parquet" } else { "csv" };
                let opts = if self.parquet {
                    String::new()
                } else {
                    ", header 'true'".to_string()
                };
                for (i, f) in files.iter().enumerate() {
                    let _ = writeln!(s, "CREATE OR REPLACE TEMPORARY VIEW kb_records_{i} USING {format} OPTIONS (path {}{opts});", path(f));
                }
                let union = (0..files.len())
                    .map(|i| format!("SELECT * FROM kb_records_{i}"))
                    .collect::<Vec<_>>()
                    .join(" UNION ALL BY NAME ");
                let union = if files.len() == 1 {
                    union
                } else {
                    union.replace(" UNION ALL BY NAME ", " UNION ALL ")
                };
                let _ = writeln!(
                    s,
                    "CREATE OR REPLACE TEMPORARY VIEW kb_records AS {union};\n"
                );
                s
            }
        }
    }
}

fn codes_view(d: &Sql, codes: Option<&Codes>) -> String {
    let Some(codes) = codes else {
        return "CREATE OR REPLACE TEMPORARY VIEW kb_codes AS SELECT DISTINCT ydelse, ydelse AS gruppe FROM kb_spans;\n\n".into();
    };
    let mut rows = Vec::new();
    for code in codes.code_names() {
        if let Some(CodeRule::Groups(gs)) = codes.rule(code) {
            for &g in gs {
                rows.push(format!("({}, {})", d.lit(code), d.lit(&codes.groups[g])));
            }
        }
    }
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW kb_codes AS {};\n\n",
        d.values(&rows, "ydelse, gruppe")
    )
}

fn calendar_view(d: &Sql, cal: &Calendar) -> String {
    let rows: Vec<String> = (0..cal.len())
        .map(|p| {
            let (a, b) = cal.bounds(p);
            format!(
                "({}, {}, {}, {})",
                d.lit(&cal.labels[p]),
                d.date(a),
                d.date(b),
                cal.days(p)
            )
        })
        .collect();
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW kb_calendar AS {};\n\n",
        d.values(&rows, "periode, fra, til, dage")
    )
}

/// The column names of a CSV's header or a Parquet file's schema.
fn columns_of(path: &Path) -> anyhow::Result<Vec<String>> {
    if is_parquet(path) {
        use parquet::file::reader::FileReader;
        let f = std::fs::File::open(path).map_err(|e| {
            crate::error::input_error(format!("cannot read {}: {e}", path.display()))
        })?;
        let r = parquet::file::serialized_reader::SerializedFileReader::new(f).map_err(|e| {
            crate::error::input_error(format!(
                "{}: not a readable Parquet file ({e})",
                path.display()
            ))
        })?;
        let schema = r.metadata().file_metadata().schema_descr_ptr();
        return Ok((0..schema.num_columns())
            .map(|i| schema.column(i).name().to_string())
            .collect());
    }
    let f = std::fs::File::open(path)
        .map_err(|e| crate::error::input_error(format!("cannot read {}: {e}", path.display())))?;
    let mut line = String::new();
    // The header only: at most 1 MiB read, so a file without line ends is not read whole.
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(std::io::Read::take(f, 1 << 20)),
        &mut line,
    )?;
    let line = line.trim_start_matches('\u{feff}').trim_end();
    let delim = [';', ',', '\t']
        .into_iter()
        .max_by_key(|&c| (line.matches(c).count(), c == ','))
        .unwrap_or(',');
    Ok(line
        .split(delim)
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect())
}
