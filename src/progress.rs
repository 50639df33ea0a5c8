//! What a build tells the person waiting for it: on a terminal, a progress bar per stage once
//! the build has run for a second; without a terminal (CI, pipes), one plain line per finished
//! stage; with `--quiet`, nothing. Everything goes to stderr, so stdout keeps the summary only.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Receives a build's stages and their steps; shared by the renderers' threads.
pub trait Progress: Sync {
    /// A stage of `total` steps begins.
    fn stage(&self, name: &'static str, total: usize);
    /// One step of the current stage is done.
    fn tick(&self);
    /// The current stage ended after `secs` seconds.
    fn done(&self, secs: f64);
}

/// Reports nothing (library use, tests).
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &'static str, _: usize) {}
    fn tick(&self) {}
    fn done(&self, _: f64) {}
}

/// How a [`Reporter`] shows progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A bar redrawn in place (stderr is a terminal).
    Bar,
    /// A plain line per finished stage.
    Lines,
    /// Nothing.
    Quiet,
}

impl Style {
    /// A bar on a terminal, plain lines otherwise; nothing when quiet.
    pub fn detect(quiet: bool) -> Style {
        if quiet {
            Style::Quiet
        } else if std::io::stderr().is_terminal() {
            Style::Bar
        } else {
            Style::Lines
        }
    }
}

/// Progress on stderr.
pub struct Reporter {
    style: Style,
    start: Instant,
    stage: Mutex<(&'static str, usize)>,
    done: AtomicUsize,
    /// Whether a bar is on screen and must be cleared.
    drawn: Mutex<bool>,
}

/// A build shorter than this shows no bar at all.
const QUIET_FOR: Duration = Duration::from_secs(1);
const WIDTH: usize = 30;

impl Reporter {
    pub fn new(style: Style) -> Reporter {
        Reporter {
            style,
            start: Instant::now(),
            stage: Mutex::new(("", 0)),
            done: AtomicUsize::new(0),
            drawn: Mutex::new(false),
        }
    }

    /// The bar's text: `[########......] pdf 45/99`.
    pub fn bar(name: &str, done: usize, total: usize) -> String {
        let filled = (done * WIDTH)
            .checked_div(total)
            .unwrap_or(WIDTH)
            .min(WIDTH);
        format!(
            "[{}{}] {name} {done}/{total}",
            "#".repeat(filled),
            ".".repeat(WIDTH - filled)
        )
    }

    fn draw(&self) {
        if self.start.elapsed() < QUIET_FOR {
            return;
        }
        let (name, total) = *self.stage.lock().unwrap_or_else(|e| e.into_inner());
        let done = self.done.load(Ordering::Relaxed);
        let mut drawn = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}", Reporter::bar(name, done, total));
        let _ = err.flush();
        *drawn = true;
    }
}

impl Progress for Reporter {
    fn stage(&self, name: &'static str, total: usize) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = (name, total);
        self.done.store(0, Ordering::Relaxed);
        if self.style == Style::Bar {
            self.draw();
        }
    }

    fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if self.style == Style::Bar {
            self.draw();
        }
    }

    fn done(&self, secs: f64) {
        let (name, total) = *self.stage.lock().unwrap_or_else(|e| e.into_inner());
        match self.style {
            Style::Quiet => {}
            Style::Lines => eprintln!("kommunebench: {name} done in {secs:.2} s ({total} steps)"),
            Style::Bar => {
                let mut drawn = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
                if *drawn {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K");
                    let _ = err.flush();
                    *drawn = false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_text() {
        assert_eq!(
            Reporter::bar("pdf", 0, 99),
            format!("[{}] pdf 0/99", ".".repeat(30))
        );
        assert_eq!(
            Reporter::bar("pdf", 99, 99),
            format!("[{}] pdf 99/99", "#".repeat(30))
        );
        assert_eq!(
            Reporter::bar("data", 0, 0),
            format!("[{}] data 0/0", "#".repeat(30))
        );
    }
}
