//! kommunebench: Danish municipal employment benchmark data → ranked results, an HTML site and
//! A4 PDF appendices (bilag).
//!
//! Data flows one way through the stages, each a folder: [`config`] (checked TOML) → [`input`]
//! (files → dataset) → [`compute`] (expected, ranks, intervals, improvement, peers) → [`report`]
//! (the view model: every page decision and sentence) → [`render`] (HTML, PDF, data files) →
//! [`site`] (the only writer). [`keys`] holds the typed keys they share.

#[cfg(feature = "render")]
mod build;
pub mod cli;
pub mod compute;
pub mod config;
pub mod error;
pub mod fonts;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod keys;
pub mod progress;
pub mod records;
#[cfg(feature = "render")]
pub mod render;
pub mod report;
#[cfg(feature = "render")]
pub mod serve;
pub mod site;
pub mod templates;

use std::path::Path;

#[cfg(feature = "render")]
pub use build::{build, render, renderers, BuildOptions, Timings};

use crate::compute::Results;
use crate::config::{Config, Mode};
use crate::input::{Dataset, Manifest};

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

/// Loads the data of a checked config: every input read, records inputs counted.
pub fn load_dataset(cfg: &Config) -> anyhow::Result<Dataset> {
    input::load(cfg, &|i| records::inputs::count(cfg, i))
}

/// Loads the data of a checked config and computes the results.
pub fn load_config(cfg: Config) -> anyhow::Result<Project> {
    let ds = load_dataset(&cfg)?;
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
            Mode::Continued => "continued (the ministry's last list carried forward)",
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
    for g in &cfg.unranked {
        let part = g
            .part_of
            .as_ref()
            .map_or(String::new(), |p| format!(", part of {p}"));
        s.push_str(&format!("  {} ({}; not ranked{part})\n", g.id, g.label));
    }
    if let Some(st) = &cfg.status {
        let labels: Vec<&str> = st.periods.iter().map(|p| p.label()).collect();
        s.push_str(&format!(
            "status report: {} groups at {}\n",
            st.groups.len(),
            labels.join(", ")
        ));
    }
    if !cfg.targets.is_empty() {
        s.push_str(&format!("targets: {}\n", cfg.targets.len()));
    }
    s.push_str(&format!(
        "municipalities: {}\n",
        p.dataset.municipalities.len()
    ));
    s.push_str(&format!("result rows: {}\n", res.rows().count()));
    if !p.dataset.skipped.is_empty() {
        s.push_str("skipped rows of areas that are not municipalities:\n");
        for (file, areas) in &p.dataset.skipped {
            let listed: Vec<String> = areas
                .iter()
                .map(|(a, n)| format!("{a} ({n} row{})", if *n == 1 { "" } else { "s" }))
                .collect();
            s.push_str(&format!("  {file}: {}\n", listed.join(", ")));
        }
    }
    if let Some(m) = &res.model {
        s.push_str(&format!("model fits for {}:\n", res.current));
        for f in m.fits.iter().filter(|f| f.period == res.current) {
            s.push_str(&format!(
                "  {}: R² = {:.4}, adjusted R² = {:.4}, LOO RMSE = {:.4} pp, n = {}, parameters = {}\n",
                f.group, f.r2, f.adj_r2, f.loo_rmse, f.n, f.parameters
            ));
            if f.sources.iter().any(|x| x.time != "alle perioder") {
                let used: Vec<String> = f
                    .sources
                    .iter()
                    .map(|x| format!("{} {}", x.variable, x.time))
                    .collect();
                s.push_str(&format!("    rammevilkår from: {}\n", used.join(", ")));
            }
        }
    }
    if !p.dataset.counted_persons.is_empty() {
        s.push_str(&format!(
            "counted from case records: {} cells published (as the pages say it):\n",
            p.dataset.counted_persons.len()
        ));
        for n in &p.manifest.notes {
            s.push_str(&format!("  {}\n", n.text));
        }
    }
    s.push_str(&format!("input hash: {}", p.manifest.input_hash));
    Ok(s)
}
