//! The rendering half of the stage sequence: views → renderers → the site writer.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::bail_input;
use crate::cli::Format;
use crate::config::Config;
use crate::keys::Kommunekode;
use crate::render::{self, Emit, Files, RenderContext, Renderer};
use crate::report::ViewBuilder;
use crate::site::{self, Site};
use crate::templates::Templates;
use crate::{load_config, Project};

/// Options of `kommunebench build`.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Config file.
    pub config: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Replace a folder kommunebench did not write.
    pub force: bool,
    /// Only this municipality (plus national pages).
    pub kommune: Option<u16>,
    /// Which reports.
    pub format: Format,
    /// How progress is shown.
    pub progress: crate::progress::Style,
}

/// Seconds spent per stage of a build (renderers by name).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Config, data, results.
    pub load: f64,
    /// Views of every page.
    pub views: f64,
    /// Each renderer, in the order they ran.
    pub renderers: Vec<(&'static str, f64)>,
    /// Writing the folder.
    pub write: f64,
}

/// The renderers a format asks for, data files first.
pub fn renderers(format: Format) -> Vec<Box<dyn Renderer>> {
    let mut out: Vec<Box<dyn Renderer>> = vec![Box::new(render::data::DataFiles)];
    if matches!(format, Format::Html | Format::All) {
        out.push(Box::new(render::html::HtmlSite));
    }
    if matches!(format, Format::Pdf | Format::All) {
        out.push(Box::new(render::pdf::PdfReports));
    }
    if matches!(format, Format::Word | Format::All) {
        out.push(Box::new(render::word::WordFiles));
    }
    if std::env::var_os(render::DUMP_VIEW_VAR).is_some_and(|v| !v.is_empty()) {
        out.push(Box::new(render::ViewDump));
    }
    out
}

/// Renders the whole site in memory.
pub fn render(
    p: &Project,
    kommune: Option<u16>,
    format: Format,
    timings: &mut Timings,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<Site> {
    let site = std::sync::Mutex::new(Site::default());
    render_into(p, kommune, format, timings, progress, &|files| {
        let mut site = site.lock().unwrap_or_else(|e| e.into_inner());
        for (path, bytes) in files {
            site.add(path, bytes);
        }
        Ok(())
    })?;
    Ok(site.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Renders the whole site, handing files to `sink` as soon as they are done — each appendix
/// as it is written, the other outputs when their renderer finishes — so they can be written
/// while the rest is still being laid out.
pub fn render_into(
    p: &Project,
    kommune: Option<u16>,
    format: Format,
    timings: &mut Timings,
    progress: &dyn crate::progress::Progress,
    sink: &Emit,
) -> anyhow::Result<()> {
    let cfg = &p.config;
    let res = &p.results;
    let templates = Templates::load(cfg.templates_dir.as_deref())?;
    let t = Instant::now();
    let views = ViewBuilder::new(cfg, &p.dataset, res, &p.manifest);
    let codes: Vec<Kommunekode> = match kommune.map(Kommunekode) {
        Some(c) => {
            if !res.codes().contains(&c) {
                bail_input!(
                    "--kommune {}: no municipality with that kommunekode in the data",
                    c.get()
                );
            }
            vec![c]
        }
        None => res.codes(),
    };
    let municipalities = codes
        .par_iter()
        .map(|&c| {
            let view = views
                .municipality(c)
                .ok_or_else(|| anyhow::anyhow!("no view for kommune {c}"))?;
            Ok((c, view))
        })
        .collect::<anyhow::Result<_>>()?;
    let ctx = RenderContext {
        config: cfg,
        dataset: &p.dataset,
        results: res,
        manifest: &p.manifest,
        templates: &templates,
        index: views.index(),
        municipalities,
        whole: kommune.is_none(),
        progress,
    };
    timings.views = t.elapsed().as_secs_f64();
    let (beside, in_turn): (Vec<_>, Vec<_>) =
        renderers(format).into_iter().partition(|r| r.beside());
    let run = |r: &dyn Renderer| -> anyhow::Result<f64> {
        let t = Instant::now();
        r.render_to(&ctx, sink)?;
        Ok(t.elapsed().as_secs_f64())
    };
    let mut beside_done = Vec::new();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let beside: Vec<_> = beside
            .iter()
            .map(|r| (r.name(), s.spawn(|| run(r.as_ref()))))
            .collect();
        for r in &in_turn {
            progress.stage(r.name(), r.steps(&ctx));
            let secs = run(r.as_ref())?;
            progress.done(secs);
            timings.renderers.push((r.name(), secs));
        }
        for (name, handle) in beside {
            let secs = handle
                .join()
                .map_err(|_| anyhow::anyhow!("the {name} renderer stopped unexpectedly"))??;
            progress.stage(name, 1);
            progress.tick();
            progress.done(secs);
            beside_done.push((name, secs));
        }
        Ok(())
    })?;
    timings.renderers.extend(beside_done);
    Ok(())
}

/// What a build wrote, for its summary line.
#[derive(Debug, Default)]
struct Written {
    files: usize,
    bytes: usize,
    pages: usize,
    pdfs: usize,
}

/// `kommunebench build`: load, compute, render, write atomically; returns a summary line.
pub fn build(opts: &BuildOptions) -> anyhow::Result<String> {
    let start = Instant::now();
    let cfg = Config::load(&opts.config)?;
    // Refuse early, before any work, when the target may not be replaced; hold its lock.
    let target = site::Target::prepare(&opts.out, opts.force, &cfg.files_read())?;
    let mut timings = Timings::default();
    let progress = crate::progress::Reporter::new(opts.progress);
    use crate::progress::Progress;
    progress.stage("load", 1);
    let p = load_config(cfg)?;
    timings.load = start.elapsed().as_secs_f64();
    progress.tick();
    progress.done(timings.load);
    let written = write_while_rendering(&target, &p, opts, &mut timings, &progress)?;
    let Written {
        files,
        bytes,
        pages,
        pdfs,
    } = written;
    let stages: Vec<String> = std::iter::once(format!("load {:.2}", timings.load))
        .chain(std::iter::once(format!("views {:.2}", timings.views)))
        .chain(timings.renderers.iter().map(|(n, s)| format!("{n} {s:.2}")))
        .chain(std::iter::once(format!("write {:.2}", timings.write)))
        .collect();
    Ok(format!(
        "built {} ({} files, {:.1} MB: {pages} HTML pages, {pdfs} PDFs) for {} in {:.2} s ({}); input hash {}",
        opts.out.display(),
        files + 1,
        bytes as f64 / 1e6,
        p.results.current,
        start.elapsed().as_secs_f64(),
        stages.join(", "),
        p.manifest.short_hash()
    ))
}

/// Renders into a staging folder that a writer thread fills as files are done (its writes and
/// fsyncs wait on the disk while the PDFs are still being laid out), then swaps it in.
/// `timings.write` is the wait after the rendering.
fn write_while_rendering(
    target: &site::Target,
    p: &Project,
    opts: &BuildOptions,
    timings: &mut Timings,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<Written> {
    let staging = target.stage()?;
    let (tx, rx) = std::sync::mpsc::channel::<Files>();
    let written = std::sync::Mutex::new(Written::default());
    let (rendered, wrote) = std::thread::scope(|s| {
        let writer = s.spawn(|| -> anyhow::Result<()> {
            let mut seen = std::collections::HashSet::new();
            for files in rx {
                for (path, bytes) in &files {
                    // Two renderers writing one file would make the result depend on timing.
                    if !seen.insert(path.clone()) {
                        anyhow::bail!("internal error: {path} was rendered twice");
                    }
                    staging.put(path, bytes)?;
                }
            }
            Ok(())
        });
        let rendered = render_into(p, opts.kommune, opts.format, timings, progress, &|files| {
            let mut written = written.lock().unwrap_or_else(|e| e.into_inner());
            for (path, bytes) in &files {
                written.files += 1;
                written.bytes += bytes.len();
                written.pages += usize::from(path.ends_with(".html"));
                written.pdfs += usize::from(path.ends_with(".pdf"));
            }
            drop(written);
            // A writer that stopped has its own error, reported below.
            tx.send(files)
                .map_err(|_| anyhow::anyhow!("the site writer stopped"))
        });
        drop(tx);
        let t = Instant::now();
        let wrote = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the site writer stopped unexpectedly")));
        timings.write = t.elapsed().as_secs_f64();
        (rendered, wrote)
    });
    // The writer's error (a full disk) explains a renderer's "writer stopped".
    wrote?;
    rendered?;
    let t = Instant::now();
    target.commit(staging)?;
    timings.write += t.elapsed().as_secs_f64();
    Ok(written.into_inner().unwrap_or_else(|e| e.into_inner()))
}
