//! The municipality list: `kommunekode;kommune;region` with a header line; the 98 municipalities
//! are compiled in (see `fixtures/README.md` for provenance).

use crate::bail_input;
use crate::error::input_error;
use crate::keys::Kommunekode;

/// The 98 municipalities, compiled in.
const BUILTIN: &str = include_str!("kommuner.csv");

/// A municipality.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Municipality {
    /// Official 3-digit code.
    pub code: Kommunekode,
    /// Name, for display and for matching name-keyed data.
    pub name: String,
    /// Region (for comparison groups).
    pub region: String,
    /// "file:line" of its row in the municipality list, for messages that set a row against it.
    #[serde(skip)]
    pub at: String,
}

/// The built-in list.
pub(super) fn builtin() -> anyhow::Result<Vec<Municipality>> {
    parse_municipalities(BUILTIN, "built-in municipality list")
}

/// The built-in list of the 98 municipalities.
pub fn builtin_municipalities() -> Vec<Municipality> {
    builtin().unwrap_or_default()
}

/// A configured list from its bytes.
pub(super) fn from_bytes(bytes: &[u8], origin: &str) -> anyhow::Result<Vec<Municipality>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| input_error(format!("{origin}: not valid UTF-8")))?;
    parse_municipalities(text, origin)
}

/// Reads the municipality list: `kommunekode;kommune;region[;…]` with a header line.
pub fn parse_municipalities(text: &str, origin: &str) -> anyhow::Result<Vec<Municipality>> {
    let mut out: Vec<Municipality> = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(';').collect();
        if cols.len() < 3 {
            bail_input!(
                "{origin}:{}: expected `kommunekode;kommune;region`, found {:?}",
                i + 1,
                crate::error::excerpt(line, 80)
            );
        }
        let code = Kommunekode::parse(cols[0]).ok_or_else(|| {
            input_error(format!(
                "{origin}:{}: kommunekode {:?} is not a 3-digit code",
                i + 1,
                crate::error::excerpt(cols[0], 20)
            ))
        })?;
        let name = cols[1].trim().to_string();
        if name.is_empty() {
            bail_input!("{origin}:{}: empty municipality name", i + 1);
        }
        if let Some(why) = crate::fonts::unprintable(&name) {
            bail_input!(
                "{origin}:{}: the municipality name {:?} cannot be used in a report: {why}",
                i + 1,
                crate::error::excerpt(&name, 40)
            );
        }
        if let Some(first) = out.iter().find(|m| m.code == code || m.name == name) {
            bail_input!(
                "{origin}:{}: municipality {} {name:?} is listed twice (first at {}: {} {:?})",
                i + 1,
                code.get(),
                first.at,
                first.code.get(),
                first.name
            );
        }
        out.push(Municipality {
            code,
            name,
            region: cols[2].trim().to_string(),
            at: format!("{origin}:{}", i + 1),
        });
    }
    if out.is_empty() {
        bail_input!("{origin}: the municipality list is empty");
    }
    out.sort_by_key(|m| m.code);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_has_98() {
        let m = builtin().unwrap();
        assert_eq!(m.len(), 98);
        assert_eq!(m[0].name, "København");
        assert!(m
            .iter()
            .any(|m| m.code == Kommunekode(183) && m.name == "Ishøj"));
    }
}
