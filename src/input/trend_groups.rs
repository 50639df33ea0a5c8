//! Statistics Denmark's municipality groups (KOMGRP, `kommunegrupper.csv`): the comparable
//! municipalities whose development a continued list's `group` method follows. The file is
//! DST's classification export as downloaded: `;`-separated with a header, `KODE` and `NIVEAU`
//! columns, level 1 a group (its `TITEL` the name) and the level-2 rows after it its members.

use std::collections::BTreeMap;

use super::municipalities::Municipality;
use crate::bail_input;
use crate::keys::Kommunekode;

/// Municipality → the name of its group, for every municipality in the list.
pub fn parse(
    bytes: &[u8],
    origin: &str,
    municipalities: &[Municipality],
) -> anyhow::Result<BTreeMap<Kommunekode, String>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| crate::error::input_error(format!("{origin}: not valid UTF-8")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    let header: Vec<String> = match lines.next() {
        Some((_, h)) => h.split(';').map(|c| c.trim().to_uppercase()).collect(),
        None => {
            bail_input!("{origin}: empty file; expected Statistics Denmark's KOMGRP classification")
        }
    };
    let col = |name: &str| header.iter().position(|c| c == name);
    let (Some(kode), Some(niveau), Some(titel)) = (col("KODE"), col("NIVEAU"), col("TITEL")) else {
        bail_input!(
            "{origin}:1: expected the columns KODE, NIVEAU and TITEL of Statistics Denmark's KOMGRP classification"
        );
    };
    let mut out = BTreeMap::new();
    let mut group: Option<String> = None;
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line
            .split(';')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let get = |j: usize| cols.get(j).copied().unwrap_or("");
        match get(niveau) {
            "1" => group = Some(get(titel).to_string()),
            "2" => {
                let Some(code) = Kommunekode::parse(get(kode)) else {
                    bail_input!(
                        "{origin}:{}: KODE {:?} is not a 3-digit kommunekode",
                        i + 1,
                        crate::error::excerpt(get(kode), 20)
                    );
                };
                let Some(g) = &group else {
                    bail_input!(
                        "{origin}:{}: a municipality before any group (NIVEAU 1)",
                        i + 1
                    );
                };
                if let Some(before) = out.insert(code, g.clone()) {
                    bail_input!(
                        "{origin}:{}: kommune {} is in two groups, {before:?} and {g:?}",
                        i + 1,
                        code.get()
                    );
                }
            }
            other => bail_input!(
                "{origin}:{}: NIVEAU {:?}; expected 1 (group) or 2 (municipality)",
                i + 1,
                crate::error::excerpt(other, 10)
            ),
        }
    }
    let missing: Vec<String> = municipalities
        .iter()
        .filter(|m| !out.contains_key(&m.code))
        .map(|m| format!("{} {}", m.code.get(), m.name))
        .collect();
    if !missing.is_empty() {
        bail_input!(
            "{origin}: no group for {} municipalit{}: {}",
            missing.len(),
            if missing.len() == 1 { "y" } else { "ies" },
            missing
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.retain(|c, _| municipalities.iter().any(|m| m.code == *c));
    Ok(out)
}
