//! The file-system steps under [`super::Target`]: the lock, the atomic exchange, the staging
//! folder, writes that are synced before the swap, and removal that survives read-only files.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

use crate::error::input_error;

/// An exclusive lock beside the target, so two builds into one folder cannot collide.
pub(super) fn lock(real: &Path, shown: &Path) -> anyhow::Result<File> {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = real.with_file_name(format!(".{name}.lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            input_error(format!(
                "--out {}: cannot create the lock file {}: {e}",
                shown.display(),
                path.display()
            ))
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(input_error(format!(
            "--out {}: another kommunebench build is writing this folder (lock {}); try again when it has finished",
            shown.display(),
            path.display()
        ))),
        Err(fs::TryLockError::Error(e)) => Err(anyhow::Error::new(e)
            .context(format!("cannot lock {}", path.display()))),
    }
}

/// Swaps two folders atomically; `Ok(false)` where the system cannot.
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> anyhow::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err).with_context(|| format!("cannot swap the new site into {}", b.display())),
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_a: &Path, _b: &Path) -> anyhow::Result<bool> {
    Ok(false)
}

/// A new site's folder beside the target, being filled. Files can be put from any thread, each
/// written and fsynced at once (so a build writes while it still renders); dropped without
/// [`Target::commit`] — an error, a panic — the folder is removed.
#[derive(Debug)]
pub struct Staging {
    pub(super) dir: PathBuf,
    /// Every folder made, to be fsynced before the swap.
    pub(super) dirs: Mutex<BTreeSet<PathBuf>>,
    pub(super) committed: bool,
}

impl Staging {
    /// Writes the file at `rel` (a relative path with `/`), making its folders.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            if !parent.exists() {
                // Tolerates another thread making the same folder at the same time.
                fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            let mut dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
            let mut d = parent;
            while d.starts_with(&self.dir) && dirs.insert(d.to_path_buf()) {
                match d.parent() {
                    Some(up) => d = up,
                    None => break,
                }
            }
        }
        write_synced(&path, bytes)
    }

    /// The folders' entries reach the disk before the swap makes them visible (deepest first).
    pub(super) fn sync_dirs(&self) -> anyhow::Result<()> {
        let dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        for d in dirs.iter().rev() {
            File::open(d)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot sync {}", d.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_tree(&self.dir);
        }
    }
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

pub(super) fn sync_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        File::open(parent)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {}", parent.display()))?;
    }
    Ok(())
}

/// Removes a tree, best effort: leftovers are cleaned up again by the next build.
pub(super) fn remove_tree(path: &Path) {
    if path.symlink_metadata().is_ok() && fs::remove_dir_all(path).is_err() {
        force_remove(path);
    }
}

/// Makes every folder in a tree writable and removes it (an old site may have read-only
/// subfolders); true when it is gone.
pub(super) fn force_remove(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fn walk(p: &Path) {
            if let Ok(md) = p.symlink_metadata() {
                if md.is_dir() {
                    let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o755));
                    if let Ok(rd) = fs::read_dir(p) {
                        for e in rd.flatten() {
                            walk(&e.path());
                        }
                    }
                }
            }
        }
        walk(path);
    }
    fs::remove_dir_all(path).is_ok() || !path.exists()
}
