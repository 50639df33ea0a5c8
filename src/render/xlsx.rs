//! `data/results.xlsx`: the results with Danish column labels, numbers as numbers.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

use crate::compute::Results;
use crate::config::Config;
use crate::keys::GroupId;

/// Column label of the potential, when a cost per person is configured.
const POTENTIAL: &str = "Potentiale (mio. kr.)";

fn err(e: rust_xlsxwriter::XlsxError) -> anyhow::Error {
    anyhow::anyhow!("writing results.xlsx failed: {e}")
}

/// The workbook as bytes. The document date is fixed so rebuilds are byte-identical.
pub fn results_xlsx(cfg: &Config, res: &Results) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&cfg.report.title)
            .set_creation_datetime(&date),
    );
    let f = Formats {
        bold: Format::new().set_bold(),
        dec: Format::new().set_num_format("0.00"),
        one: Format::new().set_num_format("0.0"),
        int: Format::new().set_num_format("#,##0"),
    };
    results_sheet(&mut wb, cfg, res, &f)?;
    national_sheet(&mut wb, cfg, res, &f)?;
    wb.save_to_buffer().map_err(err)
}

/// Cell formats shared by the sheets.
struct Formats {
    bold: Format,
    dec: Format,
    one: Format,
    int: Format,
}

/// Bold column labels in the first row.
fn write_headers(ws: &mut Worksheet, headers: &[&str], bold: &Format) -> anyhow::Result<()> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)
            .map_err(err)?;
    }
    Ok(())
}

fn label(cfg: &Config, g: &GroupId) -> String {
    cfg.group(g)
        .map(|g| g.label.clone())
        .unwrap_or_else(|| g.to_string())
}

/// "Resultater": one row per period × group × municipality.
fn results_sheet(
    wb: &mut Workbook,
    cfg: &Config,
    res: &Results,
    f: &Formats,
) -> anyhow::Result<()> {
    let Formats {
        bold,
        dec,
        one,
        int,
    } = f;
    let ws = wb.add_worksheet().set_name("Resultater").map_err(err)?;
    let headers = [
        "Periode",
        "Ydelsesgruppe",
        "Kommunekode",
        "Kommune",
        "Befolkning 16-66 år",
        "Faktisk antal",
        "Forventet antal",
        "Forskel (personer)",
        "Faktisk andel (pct.)",
        "Forventet andel (pct.)",
        "Forskel (procentpoint)",
        "Placering",
        "Placering, nedre grænse",
        "Placering, øvre grænse",
        "Forbedring (procentpoint)",
        "Placering, forbedring",
        "Placering, rammevilkår",
    ];
    let mut headers = headers.to_vec();
    if cfg.presentation.cost_per_person.is_some() {
        headers.push(POTENTIAL);
    }
    write_headers(ws, &headers, bold)?;
    let mut n_rows = 0u32;
    for (i, r) in res.rows().enumerate() {
        let row = i as u32 + 1;
        n_rows = row;
        ws.write_string(row, 0, r.period.label()).map_err(err)?;
        ws.write_string(row, 1, label(cfg, &r.group)).map_err(err)?;
        ws.write_number(row, 2, f64::from(r.kommunekode.get()))
            .map_err(err)?;
        ws.write_string(row, 3, &r.kommune).map_err(err)?;
        ws.write_number_with_format(row, 4, r.population, int)
            .map_err(err)?;
        ws.write_number_with_format(row, 5, r.actual, int)
            .map_err(err)?;
        ws.write_number_with_format(row, 6, r.expected, int)
            .map_err(err)?;
        ws.write_number_with_format(row, 7, r.gap, int)
            .map_err(err)?;
        ws.write_number_with_format(row, 8, r.actual_share, dec)
            .map_err(err)?;
        ws.write_number_with_format(row, 9, r.expected_share, dec)
            .map_err(err)?;
        ws.write_number_with_format(row, 10, r.gap_pp, dec)
            .map_err(err)?;
        ws.write_number(row, 11, f64::from(r.rank)).map_err(err)?;
        if let Some(v) = r.rank_low {
            ws.write_number(row, 12, f64::from(v)).map_err(err)?;
        }
        if let Some(v) = r.rank_high {
            ws.write_number(row, 13, f64::from(v)).map_err(err)?;
        }
        if let Some(v) = r.improvement_pp {
            ws.write_number_with_format(row, 14, v, dec).map_err(err)?;
        }
        if let Some(v) = r.improvement_rank {
            ws.write_number(row, 15, f64::from(v)).map_err(err)?;
        }
        ws.write_number(row, 16, f64::from(r.difficulty_rank))
            .map_err(err)?;
        if let Some(v) = r.potential_mkr {
            ws.write_number_with_format(row, 17, v, one).map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofilter(0, 0, n_rows, headers.len() as u16 - 1)
        .map_err(err)?;
    Ok(())
}

/// "Hele landet": the national row of every list.
fn national_sheet(
    wb: &mut Workbook,
    cfg: &Config,
    res: &Results,
    f: &Formats,
) -> anyhow::Result<()> {
    let Formats {
        bold,
        dec,
        one,
        int,
    } = f;
    let ws = wb.add_worksheet().set_name("Hele landet").map_err(err)?;
    let mut headers = vec![
        "Periode",
        "Ydelsesgruppe",
        "Befolkning 16-66 år",
        "Faktisk antal",
        "Forventet antal",
        "Forskel (personer)",
        "Faktisk andel (pct.)",
        "Forventet andel (pct.)",
        "Forskel (procentpoint)",
    ];
    if cfg.presentation.cost_per_person.is_some() {
        headers.push(POTENTIAL);
    }
    write_headers(ws, &headers, bold)?;
    for (i, n) in res.lists.iter().map(|l| &l.national).enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, n.period.label()).map_err(err)?;
        ws.write_string(row, 1, label(cfg, &n.group)).map_err(err)?;
        for (c, v) in [n.population, n.actual, n.expected, n.gap]
            .iter()
            .enumerate()
        {
            ws.write_number_with_format(row, 2 + c as u16, *v, int)
                .map_err(err)?;
        }
        for (c, v) in [n.actual_share, n.expected_share, n.gap_pp]
            .iter()
            .enumerate()
        {
            ws.write_number_with_format(row, 6 + c as u16, *v, dec)
                .map_err(err)?;
        }
        if let Some(v) = n.potential_mkr {
            ws.write_number_with_format(row, 9, v, one).map_err(err)?;
        }
    }
    Ok(())
}
