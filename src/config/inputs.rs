//! `[[data.inputs]]` and `[[data.derived]]` checked: each format's own keys, files that exist,
//! periods that parse, and the keys only dimensional inputs take.

use super::check::Src;
use super::raw::{InputConfig, RawConfig};
use super::{Decimal, Derived, Input, InputFile, InputFormat, InputKind, InputRole, Unit};
use crate::keys::Period;

pub(super) fn input(src: &Src, i: usize, inp: &InputConfig) -> anyhow::Result<Input> {
    let key = format!("data.inputs[{}]", i + 1);
    // A records input refuses every table key, so the shared checks below have nothing to
    // check there and its `Input` is built as any other's.
    let records = inp.format == InputFormat::Records;
    let kind = if records {
        super::records::kind(src, &key, inp)?
    } else {
        super::records::no_records_keys(src, &key, inp)?;
        kind(src, &key, inp)?
    };
    if inp.format == InputFormat::JobindsatsJson && inp.role != InputRole::Benchmark {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}: a jobindsats-json input has role \"benchmark\""),
        ));
    }
    let dimensional = kind.is_dimensional();
    if !records {
        dimensional_keys(src, &key, inp, dimensional)?;
    }
    if inp.format != InputFormat::JobindsatsJson
        && !records
        && !dimensional
        && inp.columns.kommunekode.is_none()
        && inp.columns.kommune.is_none()
    {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}.columns: name the `kommunekode` or the `kommune` column"),
        ));
    }
    let (file, period, periods, hours_per_week) = files_and_times(src, &key, inp)?;
    Ok(Input {
        file: InputFile {
            written: inp.path.get_ref().clone(),
            path: file,
        },
        kind,
        role: inp.role,
        period,
        columns: inp.columns.clone(),
        variables: inp.variables.clone(),
        select: inp
            .select
            .iter()
            .map(|(k, v)| (k.clone(), v.values()))
            .collect(),
        variable: inp.variable.as_ref().map(|v| v.get_ref().clone()),
        benefit: inp.benefit.clone(),
        value: inp.value.clone(),
        unit: inp.unit,
        hours_per_week,
        periods,
        at: src.at(inp.path.span()),
    })
}

/// The input's file (it must exist), its fixed period, the periods it asks for, and the hours
/// of a full-time week.
fn files_and_times(
    src: &Src,
    key: &str,
    inp: &InputConfig,
) -> anyhow::Result<(std::path::PathBuf, Option<Period>, Vec<Period>, f64)> {
    let file = src.resolve(inp.path.get_ref());
    if !file.is_file() {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}.path: input file {} does not exist", file.display()),
        ));
    }
    let period = match &inp.period {
        Some(p) => Some(src.period(&format!("{key}.period"), p.span(), p.get_ref())?),
        None => None,
    };
    let periods = inp
        .periods
        .iter()
        .map(|p| src.period(&format!("{key}.periods"), p.span(), p.get_ref()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let hours_per_week = inp.hours_per_week.unwrap_or(37.0);
    if !(hours_per_week.is_finite() && hours_per_week > 0.0 && hours_per_week <= 168.0) {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}.hours-per-week: expected a number of hours from 0 to 168, found {hours_per_week}"),
        ));
    }
    Ok((file, period, periods, hours_per_week))
}

/// The input's format with the keys it needs: a delimiter and decimal mark for csv, a sheet
/// for xlsx, none of those for the formats that fix them.
fn kind(src: &Src, key: &str, inp: &InputConfig) -> anyhow::Result<InputKind> {
    Ok(match inp.format {
        InputFormat::Csv => {
            let delimiter = match &inp.delimiter {
                None => {
                    return Err(src.error_at(
                        inp.path.span(),
                        format!(
                            "{key}: `delimiter` is required for format \"csv\" (\";\" or \",\")"
                        ),
                    ))
                }
                Some(d) if d.get_ref() != ";" && d.get_ref() != "," => {
                    return Err(src.error_at(
                        d.span(),
                        format!(
                            "{key}.delimiter: expected \";\" or \",\", found {:?}",
                            d.get_ref()
                        ),
                    ))
                }
                Some(d) => d.get_ref().as_bytes()[0],
            };
            let Some(decimal) = inp.decimal else {
                return Err(src.error_at(
                    inp.path.span(),
                    format!(
                        "{key}: `decimal` is required for format \"csv\" (\"comma\" or \"point\")"
                    ),
                ));
            };
            InputKind::Csv { delimiter, decimal }
        }
        InputFormat::Long => {
            let delimiter = match &inp.delimiter {
                None => b',',
                Some(d) if d.get_ref() == ";" || d.get_ref() == "," => d.get_ref().as_bytes()[0],
                Some(d) => {
                    return Err(src.error_at(
                        d.span(),
                        format!(
                            "{key}.delimiter: expected \";\" or \",\", found {:?}",
                            d.get_ref()
                        ),
                    ))
                }
            };
            InputKind::Long {
                delimiter,
                decimal: inp.decimal.unwrap_or(Decimal::Point),
            }
        }
        InputFormat::Statbank | InputFormat::Jobindsats => {
            if let Some(d) = &inp.delimiter {
                return Err(src.error_at(
                    d.span(),
                    format!(
                        "{key}.delimiter: the {} format has its own delimiter",
                        inp.format.name()
                    ),
                ));
            }
            if inp.format == InputFormat::Statbank {
                InputKind::Statbank
            } else {
                InputKind::Jobindsats
            }
        }
        InputFormat::Records => return super::records::kind(src, key, inp),
        InputFormat::Xlsx | InputFormat::JobindsatsJson => {
            if let Some(d) = &inp.delimiter {
                return Err(src.error_at(
                    d.span(),
                    format!("{key}.delimiter: only csv inputs have a delimiter"),
                ));
            }
            if inp.format == InputFormat::Xlsx {
                InputKind::Xlsx {
                    sheet: inp.sheet.clone(),
                    decimal: inp.decimal,
                }
            } else {
                InputKind::JobindsatsJson
            }
        }
    })
}

/// The keys only dimensional inputs (StatBank, long, jobindsats tables) have, and what they
/// need: a rammevilkår input names its variable; a benchmark input a benefit column or value.
fn dimensional_keys(
    src: &Src,
    key: &str,
    inp: &InputConfig,
    dimensional: bool,
) -> anyhow::Result<()> {
    let at = inp.path.span();
    if !dimensional {
        let stray = [
            ("select", !inp.select.is_empty()),
            ("variable", inp.variable.is_some()),
            ("benefit", inp.benefit.is_some()),
            ("value", inp.value.is_some()),
            (
                "unit",
                inp.unit != Unit::Persons && inp.format == InputFormat::JobindsatsJson,
            ),
            ("periods", !inp.periods.is_empty()),
        ];
        if let Some((k, _)) = stray.iter().find(|(_, set)| *set) {
            return Err(src.error_at(
                at,
                format!("{key}.{k}: only statbank, long and jobindsats inputs take `{k}`"),
            ));
        }
        return Ok(());
    }
    if let Some((k, _)) = inp.select.iter().find(|(_, v)| v.values().is_empty()) {
        return Err(src.error_at(at, format!("{key}.select.{k}: select at least one value")));
    }
    match inp.role {
        InputRole::Rammevilkaar => match &inp.variable {
            None => Err(src.error_at(
                at,
                format!(
                    "{key}: a {} rammevilkår input needs `variable`, the variable's name",
                    inp.format.name()
                ),
            )),
            Some(v) if v.get_ref().trim().is_empty() => {
                Err(src.error_at(v.span(), format!("{key}.variable: the name is empty")))
            }
            Some(_) => Ok(()),
        },
        InputRole::Benchmark => {
            if inp.benefit.is_none() && inp.columns.benefit.is_none() && inp.columns.group.is_none()
            {
                Err(src.error_at(
                    at,
                    format!("{key}: name the benefit every row counts (`benefit = \"…\"`) or the column that holds it (`columns.benefit`)"),
                ))
            } else if inp.format == InputFormat::Long {
                Err(src.error_at(
                    at,
                    format!("{key}: a long input holds one rammevilkår variable (role = \"rammevilkaar\") or the population"),
                ))
            } else {
                Ok(())
            }
        }
        InputRole::Population => Ok(()),
    }
}

/// `[[data.derived]]`: names new and non-empty, parts given, a finite non-zero scale.
pub(super) fn derived(src: &Src, raw: &RawConfig) -> anyhow::Result<Vec<Derived>> {
    let mut out: Vec<Derived> = Vec::new();
    for (i, d) in raw.data.derived.iter().enumerate() {
        let key = format!("data.derived[{}]", i + 1);
        let name = d.name.get_ref().trim().to_string();
        let at = d.name.span();
        if name.is_empty() {
            return Err(src.error_at(at, format!("{key}.name: the name is empty")));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(src.error_at(at, format!("{key}.name: {name:?} is derived twice")));
        }
        if d.numerator.is_empty() || d.denominator.is_empty() {
            return Err(src.error_at(
                at,
                format!("{key}: `numerator` and `denominator` each name at least one variable"),
            ));
        }
        if d.numerator.iter().chain(&d.denominator).any(|v| *v == name) {
            return Err(src.error_at(at, format!("{key}: {name:?} cannot be derived from itself")));
        }
        if !d.scale.is_finite() || d.scale == 0.0 {
            return Err(src.error_at(
                at,
                format!(
                    "{key}.scale: expected a finite number other than 0, found {}",
                    d.scale
                ),
            ));
        }
        let nearby = match &d.nearby {
            Some(n) => {
                let path = src.resolve(n.boundaries.get_ref());
                if !path.is_file() {
                    return Err(src.error_at(
                        n.boundaries.span(),
                        format!(
                            "{key}.nearby.boundaries: file {} does not exist",
                            path.display()
                        ),
                    ));
                }
                if !(n.bandwidth_km.is_finite() && n.bandwidth_km > 0.0 && n.bandwidth_km <= 1000.0)
                {
                    return Err(src.error_at(
                        at.clone(),
                        format!(
                            "{key}.nearby.bandwidth-km: expected a distance above 0 and at most 1000 km, found {}",
                            n.bandwidth_km
                        ),
                    ));
                }
                Some((
                    InputFile {
                        written: n.boundaries.get_ref().clone(),
                        path,
                    },
                    n.bandwidth_km,
                ))
            }
            None => None,
        };
        out.push(Derived {
            name,
            numerator: d.numerator.clone(),
            denominator: d.denominator.clone(),
            scale: d.scale,
            nearby,
            at: src.at(at),
        });
    }
    Ok(out)
}
