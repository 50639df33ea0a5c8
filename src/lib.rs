//! kommunebench: Danish municipal employment benchmark data → ranked results, an HTML site and
//! A4 PDF appendices (bilag).
//!
//! Data flows one way through the stages, each a folder: [`config`] (checked TOML) → [`input`]
//! (files → dataset) → [`compute`] (expected, ranks, intervals, improvement, peers) → [`report`]
//! (the view model: every page decision and sentence) → [`render`] (HTML, PDF, data files) →
//! [`site`] (the only writer). [`keys`] holds the typed keys they share.

pub mod cli;
pub mod compute;
pub mod config;
pub mod error;
pub mod fonts;
pub mod input;
pub mod keys;
pub mod render;
pub mod report;
pub mod site;
pub mod templates;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::cli::Format;
use crate::compute::Results;
use crate::config::{Config, Mode};
use crate::input::{Dataset, Manifest};
use crate::keys::Kommunekode;
use crate::render::{RenderContext, Renderer};
use crate::report::ViewBuilder;
use crate::site::Site;
use crate::templates::Templates;

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
}

/// A loaded and computed project: everything the renderers need.
pub struct Project {
    /// The checked config.
    pub config: Config,
    /// The data as loaded.
    pub dataset: Dataset,
    /// The computed lists.
    pub results: Results,
    /// Provenance of config and inputs.
    pub manifest: Manifest,
}

/// Loads config and data and computes the results (no output).
pub fn load(config: &Path) -> anyhow::Result<Project> {
    load_config(Config::load(config)?)
}

/// Loads the data of a checked config and computes the results.
pub fn load_config(cfg: Config) -> anyhow::Result<Project> {
    let ds = input::load(&cfg)?;
    let res = compute::compute(&cfg, &ds)?;
    let manifest = Manifest::new(&cfg, &ds);
    Ok(Project {
        config: cfg,
        dataset: ds,
        results: res,
        manifest,
    })
}

/// `kommunebench check`: validates everything and returns a summary.
pub fn check(config: &Path) -> anyhow::Result<String> {
    let p = load(config)?;
    let cfg = &p.config;
    let res = &p.results;
    let mut s = String::new();
    s.push_str(&format!("config: {} (ok)\n", config.display()));
    s.push_str(&format!(
        "mode: {}\n",
        match cfg.expected.mode {
            Mode::Supplied => "supplied (expected figures from the input)",
            Mode::Model => "model (expected figures fitted on rammevilkår)",
        }
    ));
    let labels: Vec<&str> = res.periods.iter().map(|p| p.label()).collect();
    s.push_str(&format!(
        "periods: {} ({})\n",
        labels.join(", "),
        labels.len()
    ));
    s.push_str(&format!(
        "current period: {}; improvement against: {}\n",
        res.current,
        res.comparison
            .as_ref()
            .map_or("none (comparison period not in the data)", |p| p.label())
    ));
    s.push_str("groups:\n");
    for g in &cfg.groups {
        let total = if g.is_total() {
            let ids: Vec<&str> = g.total_of.iter().map(|m| m.as_str()).collect();
            format!(" = {}", ids.join(" + "))
        } else {
            String::new()
        };
        s.push_str(&format!("  {} ({}){total}\n", g.id, g.label));
    }
    s.push_str(&format!(
        "municipalities: {}\n",
        p.dataset.municipalities.len()
    ));
    s.push_str(&format!("result rows: {}\n", res.rows().count()));
    if let Some(m) = &res.model {
        s.push_str(&format!("model fits for {}:\n", res.current));
        for f in m.fits.iter().filter(|f| f.period == res.current) {
            s.push_str(&format!(
                "  {}: R² = {:.4}, adjusted R² = {:.4}, LOO RMSE = {:.4} pp, n = {}, parameters = {}\n",
                f.group, f.r2, f.adj_r2, f.loo_rmse, f.n, f.parameters
            ));
        }
    }
    s.push_str(&format!("input hash: {}", p.manifest.input_hash));
    Ok(s)
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
    };
    timings.views = t.elapsed().as_secs_f64();
    let mut site = Site::default();
    for r in renderers(format) {
        let t = Instant::now();
        for (path, bytes) in r.render(&ctx)? {
            site.add(path, bytes);
        }
        timings
            .renderers
            .push((r.name(), t.elapsed().as_secs_f64()));
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
    let p = load_config(cfg)?;
    timings.load = start.elapsed().as_secs_f64();
    let site = render(&p, opts.kommune, opts.format, &mut timings)?;
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
