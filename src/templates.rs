//! Report templates: defaults compiled in from `report-templates/`, replaced file by file by a
//! user's `templates-dir`, and written out by `kommunebench init-templates`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::Context;

use crate::bail_input;
use crate::error::input_error;

/// The built-in templates: file name → text.
pub const DEFAULTS: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../report-templates/layout.html"),
    ),
    ("index.html", include_str!("../report-templates/index.html")),
    (
        "kommune.html",
        include_str!("../report-templates/kommune.html"),
    ),
    (
        "metode.html",
        include_str!("../report-templates/metode.html"),
    ),
    ("model.html", include_str!("../report-templates/model.html")),
    (
        "status.html",
        include_str!("../report-templates/status.html"),
    ),
    ("status.typ", include_str!("../report-templates/status.typ")),
    ("style.css", include_str!("../report-templates/style.css")),
    ("site.js", include_str!("../report-templates/site.js")),
    ("bilag.typ", include_str!("../report-templates/bilag.typ")),
    (
        "rangliste.typ",
        include_str!("../report-templates/rangliste.typ"),
    ),
    ("common.typ", include_str!("../report-templates/common.typ")),
];

/// The templates in effect for a build.
#[derive(Debug, Clone)]
pub struct Templates {
    files: BTreeMap<&'static str, String>,
}

impl Templates {
    /// The defaults, with files from `dir` replacing those of the same name.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Templates> {
        let mut files: BTreeMap<&'static str, String> =
            DEFAULTS.iter().map(|(n, t)| (*n, t.to_string())).collect();
        if let Some(dir) = dir {
            let mut entries: Vec<_> = fs::read_dir(dir)
                .map_err(|e| {
                    input_error(format!("cannot read templates-dir {}: {e}", dir.display()))
                })?
                .collect::<Result<_, _>>()
                .with_context(|| format!("cannot read templates-dir {}", dir.display()))?;
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let name = entry.file_name().to_string_lossy().into_owned();
                if entry.path().is_dir() || name.starts_with('.') {
                    continue;
                }
                let Some((key, _)) = DEFAULTS.iter().find(|(n, _)| *n == name) else {
                    let known: Vec<&str> = DEFAULTS.iter().map(|(n, _)| *n).collect();
                    bail_input!(
                        "{}: not a template kommunebench knows; the templates are {}",
                        entry.path().display(),
                        known.join(", ")
                    );
                };
                let text = fs::read_to_string(entry.path()).map_err(|e| {
                    input_error(format!(
                        "cannot read template {}: {e}",
                        entry.path().display()
                    ))
                })?;
                files.insert(key, text);
            }
        }
        Ok(Templates { files })
    }

    /// A template's text.
    pub fn get(&self, name: &str) -> &str {
        self.files.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Writes the default templates into `dir` (created if needed); refuses to overwrite.
pub fn init(dir: &Path) -> anyhow::Result<usize> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, _) in DEFAULTS {
        if dir.join(name).exists() {
            bail_input!(
                "{} already exists; not overwriting it",
                dir.join(name).display()
            );
        }
    }
    for (name, text) in DEFAULTS {
        fs::write(dir.join(name), text)
            .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
    }
    Ok(DEFAULTS.len())
}
