//! The codes file: which benefit codes (as the source writes them) make up which group.
//!
//! `ydelse;gruppe;kilde` with a header line (`;` or `,`); a code may be in several groups (one
//! row each), `gruppe` = `-` ignores the code's rows, and `kilde` names where the mapping comes
//! from. Without a codes file every distinct code is its own group.

use std::collections::BTreeMap;
use std::path::Path;

use crate::bail_input;
use crate::keys::GroupId;

/// What a code's rows count towards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRule {
    /// These groups (indexes into [`Codes::groups`]).
    Groups(Vec<usize>),
    /// Nothing: the rows are read and checked, then left out.
    Ignore,
}

/// A checked codes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codes {
    /// The groups, in the order of the file.
    pub groups: Vec<String>,
    rules: BTreeMap<String, CodeRule>,
    order: Vec<String>,
}

impl Codes {
    /// Reads a codes file.
    pub fn load(path: &Path) -> anyhow::Result<Codes> {
        Codes::from_bytes(&crate::error::read_file(path)?, path)
    }

    /// A codes file's bytes, as read from `path` (named in errors).
    pub fn from_bytes(bytes: &[u8], path: &Path) -> anyhow::Result<Codes> {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            crate::error::input_error(format!("{}: not valid UTF-8", path.display()))
        })?;
        Codes::parse(
            text.trim_start_matches('\u{feff}'),
            &path.display().to_string(),
        )
    }

    /// Parses a codes file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Codes> {
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else {
            bail_input!("{origin}: empty; expected a header `ydelse;gruppe;kilde`");
        };
        let delim = if header.contains(';') { ';' } else { ',' };
        let names: Vec<&str> = header.split(delim).map(str::trim).collect();
        let col = |n: &str| names.iter().position(|h| h.eq_ignore_ascii_case(n));
        let (Some(yc), Some(gc)) = (col("ydelse"), col("gruppe")) else {
            bail_input!("{origin}:1: expected the columns `ydelse` and `gruppe` (and `kilde`), found {header:?}");
        };
        let kc = col("kilde");
        let mut codes = Codes {
            groups: Vec::new(),
            rules: BTreeMap::new(),
            order: Vec::new(),
        };
        for (i, line) in lines {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split(delim).map(str::trim).collect();
            let at = format!("{origin}:{}", i + 1);
            let cell = |c: usize| cells.get(c).copied().unwrap_or("");
            let (code, group) = (cell(yc), cell(gc));
            if code.is_empty() {
                bail_input!("{at}: column `ydelse` is empty");
            }
            if kc.is_some_and(|k| cell(k).is_empty()) {
                bail_input!(
                    "{at}: column `kilde` is empty: name the source of the mapping of {code:?}"
                );
            }
            if !codes.rules.contains_key(code) {
                codes.order.push(code.to_string());
            }
            if group == "-" {
                match codes.rules.get(code) {
                    Some(CodeRule::Groups(_)) => bail_input!(
                        "{at}: {code:?} is ignored here but counted in a group on an earlier line"
                    ),
                    _ => codes.rules.insert(code.to_string(), CodeRule::Ignore),
                };
                continue;
            }
            if !GroupId::is_valid(group) {
                bail_input!("{at}: gruppe {group:?} must be lowercase ASCII letters, digits and '-' (or `-` to ignore the code)");
            }
            if group == "i-alt" {
                bail_input!("{at}: `i-alt` is computed across all groups; it cannot be mapped to");
            }
            let g = match codes.groups.iter().position(|x| x == group) {
                Some(g) => g,
                None => {
                    codes.groups.push(group.to_string());
                    codes.groups.len() - 1
                }
            };
            match codes
                .rules
                .entry(code.to_string())
                .or_insert(CodeRule::Groups(Vec::new()))
            {
                CodeRule::Ignore => {
                    bail_input!("{at}: {code:?} is counted here but ignored on an earlier line")
                }
                CodeRule::Groups(gs) if gs.contains(&g) => {
                    bail_input!("{at}: {code:?} is mapped to {group:?} twice")
                }
                CodeRule::Groups(gs) => gs.push(g),
            }
        }
        if codes.groups.is_empty() {
            bail_input!("{origin}: maps no code to a group");
        }
        Ok(codes)
    }

    /// The rule for a code, `None` when the file does not name it.
    pub fn rule(&self, code: &str) -> Option<&CodeRule> {
        self.rules.get(code)
    }

    /// The codes in file order.
    pub fn code_names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups_ignores_and_rejects() {
        let c = Codes::parse(
            "ydelse;gruppe;kilde\nkontanthjælp;kontanthjaelp;METHOD\nledighedsydelse;kontanthjaelp;M\nledighedsydelse;foertidspension;VIVE\nsu;-;x\n",
            "codes.csv",
        )
        .unwrap();
        assert_eq!(c.groups, ["kontanthjaelp", "foertidspension"]);
        assert_eq!(
            c.rule("ledighedsydelse"),
            Some(&CodeRule::Groups(vec![0, 1]))
        );
        assert_eq!(c.rule("su"), Some(&CodeRule::Ignore));
        assert_eq!(c.rule("other"), None);
        let e = Codes::parse("ydelse;gruppe\na;B\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.csv:2"), "{e}");
    }
}
