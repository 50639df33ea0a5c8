//! The only module that writes the output folder, and it never leaves the user without a site.
//!
//! [`Target::prepare`] runs before any work: it refuses an `--out` that would destroy the
//! inputs, resolves a symlinked `--out` to its target, takes a lock so two builds cannot write
//! one folder, and cleans up what an interrupted build left. The new site goes into a
//! [`Staging`] folder beside the target — file by file while the rest is still being rendered —
//! is fsynced, and [`Target::commit`] swaps it in: on Linux with one atomic
//! `renameat2(RENAME_EXCHANGE)`, so at every instant the folder holds either the old site or the
//! new one. A build that fails leaves the old site as it was and its staging folder removed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

use crate::bail_input;
use crate::error::input_error;

mod files;
pub use files::Staging;
use files::{exchange, force_remove, lock, remove_tree, sync_parent};

/// File name that marks a folder as written by kommunebench.
pub const MARKER: &str = ".kommunebench";

/// Environment variable naming a point at which to abort the process, as a kill would: tests
/// prove that no such point loses the site. Values: `after-staging`, `after-exchange`,
/// `between-renames` (the two-rename fallback).
pub const FAILPOINT_VAR: &str = "KOMMUNEBENCH_FAILPOINT";

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

    /// The files by path.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// The files, taken out of the site (no copy).
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files
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

/// A checked, locked output folder.
#[derive(Debug)]
pub struct Target {
    /// `--out` as given, for messages.
    shown: PathBuf,
    /// Where the folder really is (a symlinked `--out` resolved to its target).
    real: PathBuf,
    /// Held for the whole build; the OS releases it if the process dies.
    _lock: File,
}

fn failpoint(name: &str) {
    if std::env::var(FAILPOINT_VAR).is_ok_and(|v| v == name) {
        eprintln!("failpoint {name}: aborting");
        std::process::abort();
    }
}

/// `path` made absolute and free of `.`/`..` and symlinks as far as it exists.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(path)
        .map_err(|e| input_error(format!("--out {}: {e}", path.display())))?;
    // Canonicalize the longest existing prefix; append the rest as written.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_os_string());
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    Ok(out)
}

impl Target {
    /// Checks `--out` before any work: never `/`, the working directory or one of its
    /// ancestors, nor a folder holding one of `protected` (the config, its inputs and
    /// templates) — not even with `force`; otherwise absent, empty, written by kommunebench, or
    /// `force`. Takes the lock and removes what an interrupted build left.
    pub fn prepare(out: &Path, force: bool, protected: &[PathBuf]) -> anyhow::Result<Target> {
        if out.as_os_str().is_empty() {
            bail_input!("--out is empty");
        }
        let real = absolute(out)?;
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|c| fs::canonicalize(c).ok());
        if real.parent().is_none() {
            bail_input!(
                "--out {}: refusing to replace the root folder",
                out.display()
            );
        }
        if cwd.as_ref().is_some_and(|c| c.starts_with(&real)) {
            bail_input!(
                "--out {}: refusing to replace the current folder or one that contains it",
                out.display()
            );
        }
        for p in protected {
            let p = absolute(p)?;
            if p.starts_with(&real) {
                bail_input!(
                    "--out {}: refusing to replace a folder that holds {} (a file this build reads)",
                    out.display(),
                    p.display()
                );
            }
        }
        if real.exists() && !real.is_dir() {
            bail_input!("--out {}: exists and is not a folder", out.display());
        }
        let parent = real.parent().expect("checked above").to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| {
            input_error(format!(
                "--out {}: cannot create its parent folder {}: {e}",
                out.display(),
                parent.display()
            ))
        })?;
        let lock = lock(&real, out)?;
        let target = Target {
            shown: out.to_path_buf(),
            real,
            _lock: lock,
        };
        target.recover()?;
        target.check_replaceable(force)?;
        Ok(target)
    }

    fn name(&self) -> String {
        self.real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into())
    }

    fn sibling(&self, tag: &str) -> PathBuf {
        self.real.with_file_name(format!(".{}.{tag}", self.name()))
    }

    /// Leftovers of interrupted builds, whatever their process id: staging folders are
    /// removed; an old site is put back when the folder itself is missing (a kill between the
    /// two renames of the fallback swap), else removed.
    fn recover(&self) -> anyhow::Result<()> {
        let parent = self.real.parent().expect("has a parent");
        let prefix = format!(".{}.", self.name());
        let mut leftovers: Vec<PathBuf> = fs::read_dir(parent)
            .with_context(|| format!("cannot read {}", parent.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.strip_prefix(&prefix)
                        .is_some_and(|rest| rest.starts_with("staging") || rest.starts_with("old"))
                })
            })
            .collect();
        leftovers.sort();
        for p in leftovers {
            let is_old = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n[prefix.len()..].starts_with("old"));
            if is_old && !self.real.exists() && p.join(MARKER).exists() {
                fs::rename(&p, &self.real).with_context(|| {
                    format!("cannot restore the previous site from {}", p.display())
                })?;
                eprintln!(
                    "note: restored the previous site into {} from an interrupted build",
                    self.shown.display()
                );
            } else {
                remove_tree(&p);
            }
        }
        Ok(())
    }

    fn check_replaceable(&self, force: bool) -> anyhow::Result<()> {
        if !self.real.exists() {
            return Ok(());
        }
        let empty = fs::read_dir(&self.real)
            .with_context(|| format!("cannot read {}", self.shown.display()))?
            .next()
            .is_none();
        if !empty && !self.real.join(MARKER).exists() && !force {
            bail_input!(
                "--out {}: the folder is not empty and was not written by kommunebench; refusing to replace it (use --force)",
                self.shown.display()
            );
        }
        Ok(())
    }

    /// Writes the site into a staging folder and swaps it in.
    pub fn write(&self, site: &Site) -> anyhow::Result<()> {
        let staging = self.stage()?;
        for (rel, bytes) in &site.files {
            staging.put(rel, bytes)?;
        }
        self.commit(staging)
    }

    /// An empty staging folder beside the target (with the marker), to be filled and then
    /// [committed](Target::commit).
    pub fn stage(&self) -> anyhow::Result<Staging> {
        let dir = self.sibling(&format!("staging-{}", std::process::id()));
        remove_tree(&dir);
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let staging = Staging {
            dirs: Mutex::new(BTreeSet::from([dir.clone()])),
            dir,
            committed: false,
        };
        staging.put(
            MARKER,
            b"This folder was written by kommunebench and is replaced by each build.\n",
        )?;
        Ok(staging)
    }

    /// Makes the staging folder's entries durable and swaps it in for the target.
    pub fn commit(&self, mut staging: Staging) -> anyhow::Result<()> {
        staging.sync_dirs()?;
        failpoint("after-staging");
        self.swap(&staging.dir)?;
        staging.committed = true;
        Ok(())
    }

    fn swap(&self, staging: &Path) -> anyhow::Result<()> {
        let out = &self.real;
        if !out.exists() {
            fs::rename(staging, out).with_context(|| {
                format!("cannot move the new site into {}", self.shown.display())
            })?;
            return sync_parent(out);
        }
        // The `between-renames` failpoint stands for a system without an atomic exchange.
        let can_exchange = !std::env::var(FAILPOINT_VAR).is_ok_and(|v| v == "between-renames");
        if can_exchange && exchange(staging, out)? {
            failpoint("after-exchange");
            sync_parent(out)?;
            // `staging` now holds the previous site.
            if let Err(e) = fs::remove_dir_all(staging) {
                if !force_remove(staging) {
                    eprintln!(
                        "warning: the new site is in place, but the previous one could not be removed from {}: {e}",
                        staging.display()
                    );
                }
            }
            return Ok(());
        }
        // No atomic exchange here (another OS or file system): two renames, recovered by the
        // next build if interrupted between them.
        let old = self.sibling(&format!("old-{}", std::process::id()));
        fs::rename(out, &old)
            .with_context(|| format!("cannot move {} aside", self.shown.display()))?;
        failpoint("between-renames");
        if let Err(e) = fs::rename(staging, out) {
            let _ = fs::rename(&old, out);
            return Err(e).with_context(|| {
                format!("cannot move the new site into {}", self.shown.display())
            });
        }
        sync_parent(out)?;
        remove_tree(&old);
        Ok(())
    }
}
