//! A `format = "records"` input's keys checked: benefit periods counted into fuldtidspersoner,
//! with their own keys (`codes`, `groups`, `record-columns`, `min-persons`) and none of the
//! table formats' (`delimiter`, `columns`, `select`, …).

use super::check::Src;
use super::raw::{InputConfig, InputFormat, InputRole};
use super::{InputFile, InputKind, RecordsInput};
use crate::keys::GroupId;

/// The roles a records input's columns have.
const ROLES: [&str; 7] = ["person", "kommune", "ydelse", "fra", "til", "grad", "timer"];

/// The records input's kind with its keys, or an error naming the key that does not belong.
pub(super) fn kind(src: &Src, key: &str, inp: &InputConfig) -> anyhow::Result<InputKind> {
    let at = inp.path.span();
    if inp.role != InputRole::Benchmark {
        return Err(src.error_at(
            at,
            format!("{key}: a records input gives actual figures: role \"benchmark\""),
        ));
    }
    let stray = [
        ("delimiter", inp.delimiter.is_some()),
        ("decimal", inp.decimal.is_some()),
        ("sheet", inp.sheet.is_some()),
        ("period", inp.period.is_some()),
        ("columns", inp.columns != super::raw::ColumnMap::default()),
        ("variables", inp.variables.is_some()),
        ("select", !inp.select.is_empty()),
        ("variable", inp.variable.is_some()),
        ("benefit", inp.benefit.is_some()),
        ("value", inp.value.is_some()),
        ("hours-per-week", inp.hours_per_week.is_some()),
    ];
    if let Some((k, _)) = stray.iter().find(|(_, set)| *set) {
        let hint = match *k {
            "columns" => " (name the records' columns in `record-columns`)",
            "period" => " (list the periods counted in `periods`)",
            _ => "",
        };
        return Err(src.error_at(
            at,
            format!("{key}.{k}: a records input does not take `{k}`{hint}"),
        ));
    }
    let codes = match &inp.codes {
        Some(p) => {
            let path = src.resolve(p.get_ref());
            if !path.is_file() {
                return Err(src.error_at(
                    p.span(),
                    format!("{key}.codes: codes file {} does not exist", path.display()),
                ));
            }
            Some(InputFile {
                written: p.get_ref().clone(),
                path,
            })
        }
        None => None,
    };
    let mut columns = Vec::new();
    for (role, name) in &inp.record_columns {
        if !ROLES.contains(&role.as_str()) {
            return Err(src.error_at(
                at,
                format!(
                    "{key}.record-columns.{role}: unknown role; expected one of {}",
                    ROLES.join(", ")
                ),
            ));
        }
        if name.trim().is_empty() || name.contains([',', '=']) {
            return Err(src.error_at(
                at,
                format!("{key}.record-columns.{role}: expected a column name, found {name:?}"),
            ));
        }
        columns.push((role.clone(), name.trim().to_string()));
    }
    let mut groups: Vec<GroupId> = Vec::new();
    for g in &inp.groups {
        if groups.iter().any(|x| x.as_str() == g) {
            return Err(src.error_at(at, format!("{key}.groups: {g:?} is listed twice")));
        }
        groups.push(GroupId::new(g.clone()));
    }
    let min_persons = inp.min_persons.unwrap_or(5);
    if min_persons == 0 {
        return Err(src.error_at(
            at,
            format!("{key}.min-persons: expected 1 or more (5 is the usual threshold)"),
        ));
    }
    Ok(InputKind::Records(RecordsInput {
        codes,
        groups,
        columns,
        min_persons,
    }))
}

/// A table input must not carry the records input's keys.
pub(super) fn no_records_keys(src: &Src, key: &str, inp: &InputConfig) -> anyhow::Result<()> {
    debug_assert!(inp.format != InputFormat::Records);
    let stray = [
        ("codes", inp.codes.is_some()),
        ("groups", !inp.groups.is_empty()),
        ("record-columns", !inp.record_columns.is_empty()),
        ("min-persons", inp.min_persons.is_some()),
    ];
    match stray.iter().find(|(_, set)| *set) {
        Some((k, _)) => Err(src.error_at(
            inp.path.span(),
            format!("{key}.{k}: only records inputs take `{k}`"),
        )),
        None => Ok(()),
    }
}
