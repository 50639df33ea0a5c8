//! What a build tells the person waiting for it: on a terminal, a progress bar per stage
//! (indicatif) once the build has run for a second; without a terminal (CI, pipes), one plain
//! line per finished stage; with `--quiet`, nothing. Everything goes to stderr, so stdout keeps
//! the summary only.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    /// The current stage's bar (style `Bar`), hidden until the build has run for a second.
    bar: Mutex<Option<ProgressBar>>,
}

/// A build shorter than this shows no bar at all.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// `  pdf [#############>................] 45/99 1s`: the stage, its steps, its time so far.
const TEMPLATE: &str = "{prefix:>5} [{bar:30}] {pos}/{len} {elapsed}";

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(TEMPLATE)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("#>.")
}

impl Reporter {
    pub fn new(style: Style) -> Reporter {
        Reporter {
            style,
            start: Instant::now(),
            stage: Mutex::new(("", 0)),
            bar: Mutex::new(None),
        }
    }

    /// Shows the bar once the build has run long enough to be worth one.
    fn show_if_due(&self, bar: &ProgressBar) {
        if bar.is_hidden() && self.start.elapsed() >= QUIET_FOR {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress for Reporter {
    fn stage(&self, name: &'static str, total: usize) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = (name, total);
        if self.style == Style::Bar {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden())
                    .with_style(bar_style())
                    .with_prefix(name);
            self.show_if_due(&bar);
            *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
        }
    }

    fn tick(&self) {
        if let Some(bar) = &*self.bar.lock().unwrap_or_else(|e| e.into_inner()) {
            bar.inc(1);
            self.show_if_due(bar);
        }
    }

    fn done(&self, secs: f64) {
        let (name, total) = *self.stage.lock().unwrap_or_else(|e| e.into_inner());
        match self.style {
            Style::Quiet => {}
            Style::Lines => eprintln!("kommunebench: {name} done in {secs:.2} s ({total} steps)"),
            Style::Bar => {
                if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
                    bar.finish_and_clear();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_template_is_valid() {
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
    }

    #[test]
    fn a_hidden_bar_counts_its_steps() {
        let r = Reporter::new(Style::Bar);
        r.stage("pdf", 3);
        r.tick();
        r.tick();
        let pos = r.bar.lock().unwrap().as_ref().map(ProgressBar::position);
        assert_eq!(pos, Some(2));
        r.done(0.1);
        assert!(r.bar.lock().unwrap().is_none());
    }
}
