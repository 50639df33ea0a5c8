//! kommunebench: Danish municipal employment benchmark data → ranked results, an HTML site and
//! A4 PDF appendices (bilag).
//!
//! The stages, each data in and data out: [`config`] → [`data`] → [`results`] (expected,
//! [`rank`], [`model`], [`peers`]) → [`view`] → [`chart`] → [`render`] → [`site`] (the only writer).

pub mod chart;
pub mod cli;
pub mod config;
pub mod data;
pub mod error;
pub mod fmt;
pub mod model;
pub mod output;
pub mod peers;
pub mod period;
pub mod rank;
pub mod render;
pub mod results;
pub mod sentences;
pub mod site;
pub mod templates;
pub mod view;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::cli::Format;
use crate::config::{Config, Mode};
use crate::data::Dataset;
use crate::output::Manifest;
use crate::render::charts::Sizes;
use crate::results::Results;
use crate::site::Site;
use crate::templates::Templates;
use crate::view::ViewBuilder;

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
    /// The config.
    pub config: Config,
    /// The data.
    pub dataset: Dataset,
    /// The results.
    pub results: Results,
    /// Provenance.
    pub manifest: Manifest,
}

/// Loads config and data and computes the results (no output).
pub fn load(config: &Path) -> anyhow::Result<Project> {
    let cfg = Config::load(config)?;
    let ds = data::load(&cfg)?;
    let res = results::compute(&cfg, &ds)?;
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
    s.push_str(&format!(
        "periods: {} ({})\n",
        res.periods.join(", "),
        res.periods.len()
    ));
    s.push_str(&format!(
        "current period: {}; improvement against: {}\n",
        res.current,
        res.comparison
            .as_deref()
            .unwrap_or("none (comparison period not in the data)")
    ));
    s.push_str("groups:\n");
    for g in &cfg.groups {
        let total = if g.is_total() {
            format!(" = {}", g.total_of.join(" + "))
        } else {
            String::new()
        };
        s.push_str(&format!("  {} ({}){total}\n", g.id.get_ref(), g.label));
    }
    s.push_str(&format!(
        "municipalities: {}\n",
        p.dataset.municipalities.len()
    ));
    s.push_str(&format!("result rows: {}\n", res.rows.len()));
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

/// Timings of a build, in seconds.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Config, data, results.
    pub load: f64,
    /// Charts and HTML.
    pub html: f64,
    /// PDFs.
    pub pdf: f64,
    /// Writing the folder.
    pub write: f64,
}

/// One municipality's view and charts.
struct Kommune {
    code: u16,
    view: view::MunicipalityView,
    screen: render::charts::ChartSet,
    print: render::charts::ChartSet,
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
    let templates_dir = cfg
        .output
        .templates_dir
        .as_ref()
        .map(|t| cfg.resolve(t.get_ref()));
    let templates = Templates::load(templates_dir.as_deref())?;
    let views = ViewBuilder::new(cfg, &p.dataset, res, &p.manifest);
    let codes: Vec<u16> = match kommune {
        Some(c) => {
            if res.row(&res.current, &res.groups[0], c).is_none() {
                bail_input!("--kommune {c}: no municipality with that kommunekode in the data");
            }
            vec![c]
        }
        None => res
            .list(&res.current, &res.groups[0])
            .iter()
            .map(|r| r.kommunekode)
            .collect(),
    };

    let mut site = Site::default();
    site.add("data/results.csv", output::results_csv(res)?);
    site.add("data/national.csv", output::national_csv(res)?);
    site.add("data/comparison.csv", output::comparison_csv(res)?);
    site.add("data/results.json", output::results_json(cfg, res)?);
    site.add("data/manifest.json", output::json(&p.manifest)?);
    site.add("data/results.xlsx", render::xlsx::results_xlsx(cfg, res)?);
    if let Some(m) = &res.model {
        site.add("data/model.json", output::json(m)?);
    }

    let t = Instant::now();
    let index = views.index();
    let national_charts = render::charts::charts_for(cfg, res, &views, None, Sizes::SCREEN)?;
    // Each municipality's view, built once and shared by HTML and PDF, and its charts drawn for
    // the screen and for print as needed.
    let charts = |c: u16, sizes: Sizes, wanted: bool| -> anyhow::Result<render::charts::ChartSet> {
        if wanted {
            render::charts::charts_for(cfg, res, &views, Some(c), sizes)
        } else {
            Ok(Default::default())
        }
    };
    let per_kommune: Vec<Kommune> = codes
        .par_iter()
        .map(|&c| {
            let view = views
                .municipality(c)
                .ok_or_else(|| anyhow::anyhow!("no view for kommune {c}"))?;
            Ok(Kommune {
                code: c,
                view,
                screen: charts(c, Sizes::SCREEN, format != Format::Pdf)?,
                print: charts(c, Sizes::PRINT, format != Format::Html)?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    if format != Format::Pdf {
        let html = render::html::Html::new(&templates)?;
        site.add("index.html", html.index(&index, &national_charts)?);
        site.add("metode.html", html.metode(&index)?);
        site.add(
            "assets/style.css",
            templates.get("style.css").as_bytes().to_vec(),
        );
        site.add("assets/DejaVuSans.ttf", chart::FONT_REGULAR.to_vec());
        site.add("assets/DejaVuSans-Bold.ttf", chart::FONT_BOLD.to_vec());
        site.add(
            "assets/LICENSE-DejaVu.txt",
            include_bytes!("../report-templates/fonts/LICENSE-DejaVu.txt").to_vec(),
        );
        site.add(".nojekyll", Vec::new());
        let pages: Vec<(u16, String)> = per_kommune
            .par_iter()
            .map(|k| Ok((k.code, html.kommune(&k.view, &k.screen)?)))
            .collect::<anyhow::Result<_>>()?;
        for (c, page) in pages {
            site.add(format!("kommune/{c:03}.html"), page);
        }
    }
    timings.html = t.elapsed().as_secs_f64();

    let t = Instant::now();
    if format != Format::Html {
        let pdf = render::pdf::Pdf::new(&templates);
        // The national list is the longest document: compile it beside the appendices.
        let (rangliste, pdfs) = rayon::join(
            || pdf.rangliste(&index, &national_charts),
            || {
                per_kommune
                    .par_iter()
                    .map(|k| Ok((k.code, pdf.bilag(&k.view, &k.print)?)))
                    .collect::<anyhow::Result<Vec<(u16, Vec<u8>)>>>()
            },
        );
        site.add("pdf/rangliste.pdf", rangliste?);
        let pdfs = pdfs?;
        for (c, bytes) in pdfs {
            site.add(format!("pdf/{c:03}.pdf"), bytes);
        }
    }
    timings.pdf = t.elapsed().as_secs_f64();
    Ok(site)
}

/// `kommunebench build`: load, compute, render, write atomically; returns a summary line.
pub fn build(opts: &BuildOptions) -> anyhow::Result<String> {
    let start = Instant::now();
    // Refuse early, before any work, when the target may not be replaced.
    site::check_target(&opts.out, opts.force)?;
    let mut timings = Timings::default();
    let p = load(&opts.config)?;
    timings.load = start.elapsed().as_secs_f64();
    let site = render(&p, opts.kommune, opts.format, &mut timings)?;
    let t = Instant::now();
    site::write(&site, &opts.out, opts.force)?;
    timings.write = t.elapsed().as_secs_f64();
    let pages = site.files().keys().filter(|k| k.ends_with(".html")).count();
    let pdfs = site.files().keys().filter(|k| k.ends_with(".pdf")).count();
    Ok(format!(
        "built {} ({} files, {:.1} MB: {pages} HTML pages, {pdfs} PDFs) for {} in {:.2} s (load {:.2}, html {:.2}, pdf {:.2}, write {:.2}); input hash {}",
        opts.out.display(),
        site.len() + 1,
        site.bytes() as f64 / 1e6,
        p.results.current,
        start.elapsed().as_secs_f64(),
        timings.load,
        timings.html,
        timings.pdf,
        timings.write,
        p.manifest.short_hash()
    ))
}
