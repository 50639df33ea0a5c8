//! The rendering half of the stage sequence: views → renderers → the site writer.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::bail_input;
use crate::cli::Format;
use crate::config::Config;
use crate::keys::Kommunekode;
use crate::render::{self, Files, RenderContext, Renderer};
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
    if format != Format::Pdf {
        out.push(Box::new(render::html::HtmlSite));
    }
    if format != Format::Html {
        out.push(Box::new(render::pdf::PdfReports));
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
    let run = |r: &dyn Renderer| -> anyhow::Result<(Files, f64)> {
        let t = Instant::now();
        let files = r.render(&ctx)?;
        Ok((files, t.elapsed().as_secs_f64()))
    };
    let mut outputs = Vec::new();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let beside: Vec<_> = beside
            .iter()
            .map(|r| (r.name(), s.spawn(|| run(r.as_ref()))))
            .collect();
        for r in &in_turn {
            progress.stage(r.name(), r.steps(&ctx));
            let (files, secs) = run(r.as_ref())?;
            progress.done(secs);
            outputs.push((r.name(), files, secs));
        }
        for (name, handle) in beside {
            let (files, secs) = handle
                .join()
                .map_err(|_| anyhow::anyhow!("the {name} renderer stopped unexpectedly"))??;
            progress.stage(name, 1);
            progress.tick();
            progress.done(secs);
            outputs.push((name, files, secs));
        }
        Ok(())
    })?;
    let mut site = Site::default();
    for (name, files, secs) in outputs {
        for (path, bytes) in files {
            site.add(path, bytes);
        }
        timings.renderers.push((name, secs));
    }
    Ok(site)
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
    let site = render(&p, opts.kommune, opts.format, &mut timings, &progress)?;
    let t = Instant::now();
    target.write(&site)?;
    timings.write = t.elapsed().as_secs_f64();
    let pages = site.files().keys().filter(|k| k.ends_with(".html")).count();
    let pdfs = site.files().keys().filter(|k| k.ends_with(".pdf")).count();
    let stages: Vec<String> = std::iter::once(format!("load {:.2}", timings.load))
        .chain(std::iter::once(format!("views {:.2}", timings.views)))
        .chain(timings.renderers.iter().map(|(n, s)| format!("{n} {s:.2}")))
        .chain(std::iter::once(format!("write {:.2}", timings.write)))
        .collect();
    Ok(format!(
        "built {} ({} files, {:.1} MB: {pages} HTML pages, {pdfs} PDFs) for {} in {:.2} s ({}); input hash {}",
        opts.out.display(),
        site.len() + 1,
        site.bytes() as f64 / 1e6,
        p.results.current,
        start.elapsed().as_secs_f64(),
        stages.join(", "),
        p.manifest.short_hash()
    ))
}
