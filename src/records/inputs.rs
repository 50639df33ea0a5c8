//! A config's `format = "records"` input counted: the periods the report needs (or those
//! listed), each a span of days — rolling years overlap, so they are counted in layers of
//! periods that do not — and the file hashed for the manifest. The records' own `i-alt` is
//! left out: a config's total is the sum of its groups, as the ministry's is.

use crate::compute::fulltime::{self, Calendar};
use crate::config::{Config, Input, InputKind, RecordsInput};
use crate::input::records::{date, Codes, Columns, Counted, CountedCell, Reader, I_ALT_GROUP};
use crate::input::InputFile;
use crate::keys::Period;

/// Counts one records input of `cfg`.
pub fn count(cfg: &Config, input: &Input) -> anyhow::Result<Counted> {
    let InputKind::Records(spec) = &input.kind else {
        crate::bail_input!("{}: not a records input", input.file.path.display());
    };
    let path = input.file.path.clone();
    if let Some(d) = super::counted::first_line(&path)
        .as_deref()
        .and_then(super::counted::header_delimiter)
    {
        return counted_table(input, spec, d, &periods(cfg, input));
    }
    let periods = periods(cfg, input);
    let columns = columns(spec)?;
    let (codes, codes_file) = codes(spec)?;
    let kommuner = super::kommuner(cfg.municipalities.as_ref().map(|m| m.path.as_path()))?;
    let mut cells = Vec::new();
    let mut periods_read = 0;
    for layer in layers(&periods) {
        let cal = Calendar::of_spans(layer).ok_or_else(|| {
            anyhow::anyhow!("internal: a layer of periods overlaps (this is a bug)")
        })?;
        let reader = Reader::new(
            vec![path.clone()],
            columns.clone(),
            &kommuner,
            codes.clone(),
            cal.to(),
        );
        // A register-scale input reads for a while: the bar (only on a terminal, over 64 MiB).
        let bar = super::progress_bar(true, crate::input::records::total_size(&reader.files));
        let table = fulltime::count(&reader, &cal, &std::env::temp_dir(), None, &|n| bar.inc(n));
        bar.finish_and_clear();
        let table = table?;
        periods_read = table.periods_read;
        for c in table.cells.into_iter().filter(|c| c.gruppe != I_ALT_GROUP) {
            let periode: Period = c.periode.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            cells.push(CountedCell {
                kommune: c.kommune,
                gruppe: c.gruppe,
                periode,
                fuldtidspersoner: c.fuldtidspersoner,
                personer: c.personer,
            });
        }
    }
    Ok(Counted {
        file: InputFile::streamed(&input.file.written, &path)?,
        codes: codes_file,
        cells,
        periods_read: Some(periods_read),
    })
}

/// A counted table (what `records` or its SQL wrote), read as it is: its groups, periods and
/// persons, so the threshold applies as to a count made here. A period of the table that spans
/// the same months as one the report uses takes that one's label (`2022` is `2022QMAT04`); the
/// others are kept as written unless the input lists its periods.
fn counted_table(
    input: &Input,
    spec: &RecordsInput,
    delimiter: char,
    wanted: &[Period],
) -> anyhow::Result<Counted> {
    let path = &input.file.path;
    let shown = path.display().to_string();
    if spec.codes.is_some() || !spec.columns.is_empty() {
        crate::bail_input!(
            "{shown}: a counted table (kommune, gruppe, periode, fuldtidspersoner, personer) is read as it is: `codes` and `record-columns` are for benefit periods"
        );
    }
    let bytes = crate::error::read_file(path)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| crate::error::input_error(format!("{shown}: not valid UTF-8")))?;
    let mut cells = super::counted::parse(text, &shown, delimiter)?;
    cells.retain(|c| c.gruppe != I_ALT_GROUP);
    for c in &mut cells {
        if let Some(w) = wanted.iter().find(|w| w.months() == c.periode.months()) {
            c.periode = w.clone();
        }
    }
    if !input.periods.is_empty() {
        cells.retain(|c| input.periods.contains(&c.periode));
    }
    Ok(Counted {
        file: InputFile::new(&input.file.written, &bytes),
        codes: None,
        cells,
        periods_read: None,
    })
}

/// The periods counted: those the input lists, else the report's, its comparison period and
/// the status report's.
fn periods(cfg: &Config, input: &Input) -> Vec<Period> {
    let mut p: Vec<Period> = if input.periods.is_empty() {
        let mut p = vec![cfg.report.period.clone(), cfg.comparison_period()];
        if let Some(s) = &cfg.status {
            p.extend(s.periods.iter().cloned());
        }
        p
    } else {
        input.periods.clone()
    };
    p.sort();
    p.dedup();
    p
}

/// The periods as (label, first day, last day), in layers of periods that do not overlap:
/// each period goes to the first layer whose last period ends before it starts.
fn layers(periods: &[Period]) -> Vec<Vec<(String, date::Day, date::Day)>> {
    let mut spans: Vec<(String, date::Day, date::Day)> = periods
        .iter()
        .map(|p| {
            let months = p.months();
            let (y0, m0) = months[0];
            let (y1, m1) = months[months.len() - 1];
            let last = date::month_days(y1, u32::from(m1));
            (
                p.label().to_string(),
                date::from_civil(y0, u32::from(m0), 1),
                date::from_civil(y1, u32::from(m1), last),
            )
        })
        .collect();
    spans.sort_by(|a, b| (a.1, a.2, &a.0).cmp(&(b.1, b.2, &b.0)));
    let mut layers: Vec<Vec<(String, date::Day, date::Day)>> = Vec::new();
    for s in spans {
        match layers
            .iter_mut()
            .find(|l| l.last().is_some_and(|x| x.2 < s.1))
        {
            Some(l) => l.push(s),
            None => layers.push(vec![s]),
        }
    }
    layers
}

fn columns(spec: &RecordsInput) -> anyhow::Result<Columns> {
    let mapping: Vec<String> = spec
        .columns
        .iter()
        .map(|(role, name)| format!("{role}={name}"))
        .collect();
    Columns::default().with_mapping(&mapping.join(","))
}

/// The codes file, when given, and its provenance.
fn codes(spec: &RecordsInput) -> anyhow::Result<(Option<Codes>, Option<InputFile>)> {
    let Some(file) = &spec.codes else {
        return Ok((None, None));
    };
    let bytes = crate::error::read_file(&file.path)?;
    let codes = Codes::from_bytes(&bytes, &file.path)?;
    Ok((Some(codes), Some(InputFile::new(&file.written, &bytes))))
}
