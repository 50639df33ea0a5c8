//! The only module that writes the output folder.
//!
//! Everything is rendered in memory first; the site is then written into a staging folder next
//! to `--out` and swapped in with renames, so a failed build leaves the previous output intact.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::bail_input;

/// File name that marks a folder as written by kommunebench.
pub const MARKER: &str = ".kommunebench";

/// A site in memory: relative path (with `/`) → bytes. Ordered, so writing is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Site {
    files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    /// Adds or replaces a file.
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// The files.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total size in bytes.
    pub fn bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

/// Checks that `out` may be replaced: absent, empty, made by kommunebench, or `force`.
pub fn check_target(out: &Path, force: bool) -> anyhow::Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail_input!("--out {}: exists and is not a folder", out.display());
    }
    let empty = fs::read_dir(out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .next()
        .is_none();
    if !empty && !out.join(MARKER).exists() && !force {
        bail_input!(
            "--out {}: the folder is not empty and was not written by kommunebench; refusing to replace it (use --force)",
            out.display()
        );
    }
    Ok(())
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Writes the site to `out` atomically (staging folder, then rename).
pub fn write(site: &Site, out: &Path, force: bool) -> anyhow::Result<()> {
    check_target(out, force)?;
    let staging = sibling(out, "staging");
    if staging.exists() {
        fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove {}", staging.display()))?;
    }
    let result = write_into(site, &staging).and_then(|()| swap(&staging, out));
    if result.is_err() && staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_into(site: &Site, dir: &Path) -> anyhow::Result<()> {
    if let Some(parent) = dir.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::create_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::write(
        dir.join(MARKER),
        "This folder was written by kommunebench and is replaced by each build.\n",
    )
    .with_context(|| format!("cannot write {}", dir.join(MARKER).display()))?;
    for (rel, bytes) in &site.files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn swap(staging: &Path, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        let old = sibling(out, "old");
        fs::rename(out, &old).with_context(|| format!("cannot move {} aside", out.display()))?;
        if let Err(e) = fs::rename(staging, out) {
            let _ = fs::rename(&old, out);
            return Err(e)
                .with_context(|| format!("cannot move the new site into {}", out.display()));
        }
        fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the old site {}", old.display()))?;
    } else {
        fs::rename(staging, out)
            .with_context(|| format!("cannot move the new site into {}", out.display()))?;
    }
    Ok(())
}
