//! Area labels in Statistics Denmark's and jobindsats' tables: a municipality by its Danish name,
//! Statistics Denmark's English label (`Copenhagen`) or its code; or one of the areas that are
//! not municipalities (the country, regions, provinces, abroad, not stated, Christiansø), which
//! readers skip and `check` lists. Anything else is an error, so a misspelt name is never lost.

use std::collections::BTreeMap;

use super::Municipality;
use crate::keys::Kommunekode;

/// What an area label denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    Municipality(Kommunekode),
    /// A row for an area that is not one municipality.
    Other,
}

/// Statistics Denmark's English labels that differ from the Danish names.
const ENGLISH: [(&str, &str); 1] = [("Copenhagen", "København")];

/// Labels of areas that are not municipalities, in Danish and English.
const OTHER_EXACT: [&str; 12] = [
    "All Denmark",
    "Hele landet",
    "Hele Landet",
    "Abroad",
    "Udlandet",
    "Outside Denmark",
    "Uden for Danmark",
    "Not stated municipality",
    "Not stated",
    "Uoplyst kommune",
    "Uoplyst",
    "Christiansø",
];

/// Prefixes of regions and provinces (landsdele).
const OTHER_PREFIXES: [&str; 4] = ["Region ", "Province ", "Landsdel ", "Regionen "];

/// Area codes of StatBank's code exports that are not municipalities: the country (000),
/// the regions (081–085), Christiansø (411) and abroad / not stated (950 and up).
fn other_code(code: u16) -> bool {
    code == 0 || (81..=85).contains(&code) || code == 411 || code >= 950
}

/// Resolves area labels against the municipality list.
pub(crate) struct Areas {
    by_name: BTreeMap<String, Kommunekode>,
    codes: Vec<Kommunekode>,
}

impl Areas {
    pub(crate) fn new(municipalities: &[Municipality]) -> Areas {
        let mut by_name: BTreeMap<String, Kommunekode> = municipalities
            .iter()
            .map(|m| (m.name.clone(), m.code))
            .collect();
        for (english, danish) in ENGLISH {
            if let Some(&code) = by_name.get(danish) {
                by_name.entry(english.to_string()).or_insert(code);
            }
        }
        Areas {
            by_name,
            codes: municipalities.iter().map(|m| m.code).collect(),
        }
    }

    /// The area a label denotes, or `None` for a label that is neither a municipality nor a
    /// known other area.
    pub(crate) fn resolve(&self, label: &str) -> Option<Area> {
        let t = label.trim();
        if let Some(&code) = self.by_name.get(t) {
            return Some(Area::Municipality(code));
        }
        // A municipality label with its suffix, as some exports write it.
        for suffix in [" Kommune", " Municipality", " kommune"] {
            if let Some(&code) = t.strip_suffix(suffix).and_then(|n| self.by_name.get(n)) {
                return Some(Area::Municipality(code));
            }
        }
        if !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            let code: u16 = t.parse().ok()?;
            if self.codes.contains(&Kommunekode(code)) {
                return Some(Area::Municipality(Kommunekode(code)));
            }
            return other_code(code).then_some(Area::Other);
        }
        if OTHER_EXACT.contains(&t) || OTHER_PREFIXES.iter().any(|p| t.starts_with(p)) {
            return Some(Area::Other);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_labels_codes_and_other_areas() {
        let a = Areas::new(&super::super::municipalities::builtin().unwrap());
        let kbh = Some(Area::Municipality(Kommunekode(101)));
        assert_eq!(a.resolve("København"), kbh);
        assert_eq!(a.resolve("Copenhagen"), kbh);
        assert_eq!(a.resolve("101"), kbh);
        assert_eq!(
            a.resolve("Høje-Taastrup"),
            Some(Area::Municipality(Kommunekode(169)))
        );
        for other in [
            "All Denmark",
            "Hele landet",
            "Region Hovedstaden",
            "Province Byen København",
            "Landsdel Fyn",
            "Abroad",
            "Not stated municipality",
            "Christiansø",
            "000",
            "084",
        ] {
            assert_eq!(a.resolve(other), Some(Area::Other), "{other}");
        }
        assert_eq!(a.resolve("Kobenhavn"), None);
        assert_eq!(a.resolve("123"), None);
    }
}
