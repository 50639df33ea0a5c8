//! Render stage: one [`Renderer`] per output — HTML pages, PDF appendices, data files — each
//! turning the same [`RenderContext`] into files in memory. Only `site` writes to disk; adding
//! an output is one more renderer.

pub mod chart;
pub mod data;
pub mod html;
pub mod pdf;
pub mod word;
pub mod xlsx;

use crate::compute::Results;
use crate::config::Config;
use crate::input::{Dataset, Manifest};
use crate::keys::Kommunekode;
use crate::report::{IndexView, MunicipalityView};
use crate::templates::Templates;

/// Text for XML/HTML: `&`, `<`, `>` and `"` escaped (element text and quoted attributes).
pub(crate) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Files a renderer produced: path relative to the site root (with `/`) → bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// Where a renderer hands finished files (from any of its threads).
pub type Emit<'a> = dyn Fn(Files) -> anyhow::Result<()> + Sync + 'a;

/// Everything a renderer may read, built once per build.
pub struct RenderContext<'a> {
    /// The checked config.
    pub config: &'a Config,
    /// The data as loaded.
    pub dataset: &'a Dataset,
    /// The computed lists.
    pub results: &'a Results,
    pub manifest: &'a Manifest,
    /// The templates in effect.
    pub templates: &'a Templates,
    /// The national pages' view.
    pub index: IndexView,
    /// The municipalities this build renders, with their views.
    pub municipalities: Vec<(Kommunekode, MunicipalityView)>,
    /// Every municipality is rendered (no `--kommune`): only then is the national PDF list,
    /// the longest document, rendered too — a single appendix is asked for to be quick.
    pub whole: bool,
    /// Where renderers report their steps.
    pub progress: &'a dyn crate::progress::Progress,
}

/// One output.
pub trait Renderer: Sync {
    /// A short name, for timings and messages.
    fn name(&self) -> &'static str;
    /// The files of this output.
    fn render(&self, ctx: &RenderContext) -> anyhow::Result<Files>;
    /// The files of this output, handed to `emit` as they are done — by default all at once;
    /// a renderer of many slow documents hands over each, so they can be written meanwhile.
    fn render_to(&self, ctx: &RenderContext, emit: &Emit) -> anyhow::Result<()> {
        emit(self.render(ctx)?)
    }
    /// How many steps it reports (one per document; 1 by default).
    fn steps(&self, _ctx: &RenderContext) -> usize {
        1
    }
    /// Made beside the others rather than in turn: a few quick files with no steps to show,
    /// which would otherwise leave a core idle while a single appendix is laid out.
    fn beside(&self) -> bool {
        false
    }
}

/// The environment variable that makes a build write each page's view model as JSON beside it
/// (`index.view.json`, `kommune/<kode>.view.json`), to see what a template receives.
pub const DUMP_VIEW_VAR: &str = "KOMMUNEBENCH_DUMP_VIEW";

/// Each page's view as JSON (see [`DUMP_VIEW_VAR`]).
pub struct ViewDump;

impl Renderer for ViewDump {
    fn name(&self) -> &'static str {
        "view-dump"
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<Files> {
        let mut files = vec![("index.view.json".to_string(), data::json(&ctx.index)?)];
        for (code, v) in &ctx.municipalities {
            files.push((format!("kommune/{code}.view.json"), data::json(v)?));
        }
        Ok(files)
    }
}
