//! What `serve` watches: the files a build reads, as folder watches (inotify) that survive an
//! editor's save-by-rename, with modification times as the fallback.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::config::Config;

/// What to watch for `files`, all canonical so that the event paths (built from the folder
/// watched) compare equal.
#[derive(Default)]
pub(super) struct WatchSet {
    /// Folders watched: those holding a file read, and folders read whole (templates).
    dirs: BTreeSet<PathBuf>,
    /// Files whose change matters.
    paths: BTreeSet<PathBuf>,
    /// Folders read whole: any file in them matters, a new one too.
    whole: BTreeSet<PathBuf>,
}

impl WatchSet {
    pub(super) fn matters(&self, p: &Path) -> bool {
        self.paths.contains(p) || p.parent().is_some_and(|d| self.whole.contains(d))
    }
}

/// Folders, not the files themselves: an editor that saves by writing a new file and renaming
/// it over the old one would leave a watch on the old file with nothing to report.
pub(super) fn watch_set(files: &[PathBuf]) -> WatchSet {
    let mut set = WatchSet::default();
    for f in files {
        if f.is_dir() {
            if let Ok(dir) = f.canonicalize() {
                set.whole.insert(dir.clone());
                set.dirs.insert(dir);
            }
            continue;
        }
        let (Some(parent), Some(name)) = (f.parent(), f.file_name()) else {
            continue;
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(dir) = parent.canonicalize() {
            set.paths.insert(dir.join(name));
            set.dirs.insert(dir);
        }
    }
    set
}

/// The OS's file events (inotify on Linux) for the folders of the files a build reads.
pub(super) struct Events {
    watcher: notify::RecommendedWatcher,
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    set: WatchSet,
}

impl Events {
    pub(super) fn new() -> notify::Result<Events> {
        let (tx, rx) = std::sync::mpsc::channel();
        Ok(Events {
            watcher: notify::recommended_watcher(tx)?,
            rx,
            set: WatchSet::default(),
        })
    }

    /// Watches the folders `files` need and lets go of those no longer needed (a new input
    /// or template brings its folder). Called before the build that reads them, so that a
    /// save during the build is not missed: it waits in the channel and triggers the next.
    /// Every folder is watched again each time (inotify merges a repeated watch), so a folder
    /// that was deleted and made anew is watched again.
    pub(super) fn follow(&mut self, files: &[PathBuf]) {
        use notify::Watcher;
        let want = watch_set(files);
        for d in self.set.dirs.difference(&want.dirs) {
            let _ = self.watcher.unwatch(d);
        }
        for d in &want.dirs {
            if let Err(e) = self.watcher.watch(d, notify::RecursiveMode::NonRecursive) {
                eprintln!("kommunebench serve: cannot watch {}: {e}", d.display());
            }
        }
        self.set = want;
    }

    /// Blocks until a file that matters changes, then lets a multi-file save settle and takes
    /// what it sent with it. False when the watcher is gone.
    pub(super) fn wait(&self) -> bool {
        loop {
            match self.rx.recv() {
                // Opening and reading (the build's own reads among them) change nothing; lost
                // events (the kernel's queue overflowed) may have changed anything.
                Ok(Ok(ev))
                    if ev.need_rescan()
                        || !matches!(ev.kind, notify::EventKind::Access(_))
                            && ev.paths.iter().any(|p| self.set.matters(p)) =>
                {
                    break
                }
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        std::thread::sleep(Duration::from_millis(30));
        while self.rx.try_recv().is_ok() {}
        true
    }
}

/// The files a build depends on (a folder read whole: the folder and every file in it); while
/// the config does not load, those of `last` and the config's folder.
pub(super) fn watched(config: &Path, last: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![config.to_path_buf()];
    match Config::load(config) {
        Ok(cfg) => {
            for p in cfg.files_read() {
                if p.is_dir() {
                    // The folder too: its time changes when a file is added or removed.
                    if let Ok(rd) = std::fs::read_dir(&p) {
                        out.extend(rd.flatten().map(|e| e.path()));
                    }
                }
                out.push(p);
            }
        }
        // A config that does not load names no files for sure: the last good one's stay
        // watched, so does everything in the config's folder, and so does every path its text
        // still names (watched from its folder while it is missing), so that mending what it
        // names (a templates folder made, an input put in place) brings the site back.
        Err(_) => {
            let dir = match config.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
            out.extend(last.iter().cloned());
            out.extend(named_paths(config).into_iter().map(|p| dir.join(p)));
            out.push(dir);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The paths a config's text names (the municipality list, the inputs, the templates folder),
/// as written, read leniently from a config that does not load; none if it is not TOML.
pub(super) fn named_paths(config: &Path) -> Vec<PathBuf> {
    let Some(v) = std::fs::read_to_string(config)
        .ok()
        .and_then(|t| toml::from_str::<toml::Value>(&t).ok())
    else {
        return Vec::new();
    };
    let at = |table: &str, key: &str| v.get(table).and_then(|t| t.get(key)).cloned();
    let inputs = v
        .get("data")
        .and_then(|d| d.get("inputs"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("path").cloned());
    [at("data", "municipalities"), at("output", "templates-dir")]
        .into_iter()
        .flatten()
        .chain(inputs)
        .filter_map(|p| p.as_str().map(PathBuf::from))
        .collect()
}

pub(super) fn stamps(paths: &[PathBuf]) -> Vec<Option<SystemTime>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}
