//! PDF appendices with Typst, in-process. One engine (fonts, templates, standard library) serves
//! every document; data goes in as a JSON file the template reads ([`DATA_FILE`]), never spliced
//! into Typst markup, so names with `#`, `*`, `$` or `]` are just text. The charts go in as
//! files the document reads by path (see [`DocFiles`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use serde::Serialize;
use typst::foundations::{Bytes, Smart};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use super::chart::{self, ChartSet, FONT_BOLD, FONT_REGULAR};
use super::{Emit, Files, RenderContext, Renderer};
use crate::report::charts::{plan, Medium};
use crate::report::{IndexView, MunicipalityView};
use crate::templates::Templates;

mod world;

use world::{diagnostics, promise_broken, A11yWorld};

/// The appendices (`pdf/<kode>.pdf`) and, in a whole build, the national list
/// (`pdf/rangliste.pdf`).
pub struct PdfReports;

impl Renderer for PdfReports {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn steps(&self, ctx: &RenderContext) -> usize {
        let status = ctx
            .municipalities
            .iter()
            .filter(|(_, v)| v.status.is_some());
        ctx.municipalities.len() + usize::from(ctx.whole) + status.count()
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<Files> {
        let files = Mutex::new(Files::new());
        self.render_to(ctx, &|mut docs| {
            files
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut docs);
            Ok(())
        })?;
        let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files)
    }

    /// Each document is handed over as soon as it is written.
    fn render_to(&self, ctx: &RenderContext, emit: &Emit) -> anyhow::Result<()> {
        let pdf = Pdf::new(ctx.templates);
        let (cfg, res) = (ctx.config, ctx.results);
        // The national list is the longest document; it is job 0, so it starts first.
        let national = usize::from(ctx.whole);
        let jobs = ctx.municipalities.len() + national;
        // The first appendix tries page numbers as plain text (one layout pass instead of two,
        // see `Numbering`); the others follow what it ended up with — each still falls back on
        // its own if it runs over. They wait for it rather than guess, so every file is the
        // same whichever thread got where first.
        let numbering = Latch::default();
        let bases = chart::Bases::default();
        run_on_plain_threads(jobs, |i| {
            let doc = if i < national {
                let charts = chart::draw(&plan(cfg, res, None, Medium::Screen))?;
                (
                    "pdf/rangliste.pdf".to_string(),
                    pdf.rangliste(&ctx.index, charts)?,
                )
            } else {
                let (code, view) = &ctx.municipalities[i - national];
                let bilag = |numbers| {
                    let print = plan(cfg, res, Some(*code), Medium::Print);
                    let charts = chart::draw_layered(&print, &bases)?;
                    pdf.bilag(view, charts, numbers)
                };
                let (bytes, _) = if i == national {
                    // Decided whatever happens (an error, a panic), or the others would wait
                    // for ever.
                    let _decided = SetOnDrop(&numbering);
                    let laid = bilag(Numbering::Fixed)?;
                    numbering.set(laid.1);
                    laid
                } else {
                    bilag(numbering.wait())?
                };
                (format!("pdf/{code}.pdf"), bytes)
            };
            ctx.progress.tick();
            // Typst's memo (process-wide) would otherwise keep every appendix's layouts, most
            // never hit again: 850 MB for the default build, 3.7 GB for 900 units, and the
            // kernel's zeroing of all those fresh pages was 28 % of the CPU. What every
            // appendix uses (the chart bases, the templates, shaped headings) is hit again
            // before it ages out.
            if i % EVICT_EVERY == 0 {
                typst::comemo::evict(MEMO_MAX_AGE);
            }
            emit(vec![doc])
        })?;
        let status: Vec<_> = ctx
            .municipalities
            .iter()
            .filter(|(_, v)| v.status.is_some())
            .collect();
        run_on_plain_threads(status.len(), |i| {
            let (code, v) = status[i];
            let bytes = pdf.status(v, super::html::status_charts(v)?)?;
            ctx.progress.tick();
            emit(vec![(format!("pdf/status-{code}.pdf"), bytes)])
        })?;
        Ok(())
    }
}

/// How a document is asked to number its pages: `fixed_pages` in its [`DATA_FILE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// As plain text, where the template knows its pages before layout and promises their
    /// count (`#metadata(4) <page-count>`); a document with another count is laid out again,
    /// counted. Typst lays a document out once, not twice.
    Fixed,
    /// From Typst's page counter, which takes a second layout pass.
    Counted,
}

/// The numbering the first appendix ended up with, which the others wait for.
#[derive(Default)]
struct Latch {
    value: Mutex<Option<Numbering>>,
    ready: Condvar,
}

impl Latch {
    /// Decides, unless decided before.
    fn set(&self, n: Numbering) {
        let mut value = self.value.lock().unwrap_or_else(|e| e.into_inner());
        value.get_or_insert(n);
        self.ready.notify_all();
    }

    fn wait(&self) -> Numbering {
        let mut value = self.value.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(n) = *value {
                return n;
            }
            value = self.ready.wait(value).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Decides `Counted` (right for every template) when dropped, unless decided before.
struct SetOnDrop<'a>(&'a Latch);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(Numbering::Counted);
    }
}

/// Typst's memo is evicted after every `EVICT_EVERY`-th document (an eviction walks the whole
/// cache, so not after each), dropping what went unused for `MEMO_MAX_AGE` evictions. Measured
/// (full default build, 6 interleaved runs each): every 2nd with age 2 beat every 4th with age 3
/// by 3–4 % and 50 MB; after each document with age 1 was 10 % slower.
const EVICT_EVERY: usize = 2;
const MEMO_MAX_AGE: usize = 2;

/// Runs `jobs` jobs on as many plain threads as rayon has, results in job order.
///
/// Not on rayon itself: Typst's PDF writer (krilla) calls `rayon::yield_now` while finishing a
/// document, which inside a rayon pool runs other queued appendices on the same stack; a few
/// hundred of them nested overflow it. On a plain thread `yield_now` does nothing.
fn run_on_plain_threads<T: Send>(
    jobs: usize,
    job: impl Fn(usize) -> anyhow::Result<T> + Sync,
) -> anyhow::Result<Vec<T>> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<anyhow::Result<T>>>> = Mutex::new((0..jobs).map(|_| None).collect());
    let workers = rayon::current_num_threads().clamp(1, jobs.max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs {
                    break;
                }
                let r = job(i);
                let failed = r.is_err();
                out.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                if failed {
                    // Stop handing out work; the first error in job order is reported.
                    next.store(jobs, Ordering::Relaxed);
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// The file a document reads its data from: `{"v": <view model>, "charts": …}` as JSON.
const DATA_FILE: &str = "/data.json";

/// A Typst engine with the fonts, templates and standard library made once.
pub struct Pdf {
    engine: TypstEngine,
    /// Shared by every document, so Typst hashes it once (a library of its own per document,
    /// as `sys.inputs` needs, was hashed whole for each: ≈ 1.4 ms a document).
    library: LazyHash<Library>,
}

#[derive(Serialize)]
struct Input<'a, V: Serialize> {
    v: &'a V,
    /// Whether the template may print page numbers as plain text (see [`Numbering`]).
    fixed_pages: bool,
    /// Group id → part → the path of its SVG file (or "" where there is none), or its text
    /// alternative.
    charts: &'a BTreeMap<String, BTreeMap<&'static str, String>>,
}

/// A document's charts as files under `/charts/` that its template reads by path
/// (`image(c.bars_base)`), and the paths that stand for them in its data.
///
/// Not the SVG text in the data: Typst hashes every value a template binds, whole and more than
/// once per document — half a megabyte of SVG per appendix. A file is hashed once when read, and
/// only if the template reads it (the whole charts beside the layers cost nothing unless used).
struct DocFiles {
    files: HashMap<String, Bytes>,
    charts: BTreeMap<String, BTreeMap<&'static str, String>>,
}

impl DocFiles {
    fn new(charts: ChartSet) -> DocFiles {
        let mut files = HashMap::new();
        let mut paths = BTreeMap::new();
        // By position, not id: a group id is the user's, and need not make a good file name.
        for (i, (gid, c)) in charts.into_iter().enumerate() {
            let (svgs, alts) = c.into_parts();
            let mut parts = BTreeMap::new();
            for (name, svg) in svgs {
                let path = if svg.is_empty() {
                    String::new()
                } else {
                    let path = format!("/charts/{i}/{name}.svg");
                    files.insert(path[1..].to_string(), Bytes::new(svg.into_bytes()));
                    path
                };
                parts.insert(name, path);
            }
            parts.extend(alts);
            paths.insert(gid, parts);
        }
        DocFiles {
            files,
            charts: paths,
        }
    }
}

impl Pdf {
    /// Builds the engine.
    pub fn new(t: &Templates) -> Pdf {
        let engine = TypstEngine::builder()
            .fonts([FONT_REGULAR, FONT_BOLD])
            .with_static_source_file_resolver([
                ("bilag.typ", t.get("bilag.typ").to_string()),
                ("rangliste.typ", t.get("rangliste.typ").to_string()),
                ("common.typ", t.get("common.typ").to_string()),
                ("status.typ", t.get("status.typ").to_string()),
            ])
            .build();
        let library = LazyHash::new(
            Library::builder()
                .with_features([Feature::A11yExtras].into_iter().collect())
                .build(),
        );
        Pdf { engine, library }
    }

    /// A municipality's appendix, and the numbering it ended up with.
    pub fn bilag(
        &self,
        v: &MunicipalityView,
        charts: ChartSet,
        numbers: Numbering,
    ) -> anyhow::Result<(Vec<u8>, Numbering)> {
        self.compile(
            "bilag.typ",
            v,
            DocFiles::new(charts),
            &format!("bilag-{}", v.kommunekode),
            numbers,
        )
    }

    /// A municipality's status report, with its share charts (row id → SVG).
    pub fn status(
        &self,
        v: &MunicipalityView,
        svgs: BTreeMap<String, String>,
    ) -> anyhow::Result<Vec<u8>> {
        let mut files = HashMap::new();
        let mut charts = BTreeMap::new();
        let rows = v.status.iter().flat_map(|s| &s.rows);
        for (i, (r, (id, svg))) in rows.zip(svgs).enumerate() {
            let path = format!("/charts/status/{i}.svg");
            files.insert(path[1..].to_string(), Bytes::new(svg.into_bytes()));
            let mut parts = BTreeMap::new();
            parts.insert("share", path);
            parts.insert("share_alt", r.chart.description.clone());
            charts.insert(id, parts);
        }
        let doc = self.compile(
            "status.typ",
            v,
            DocFiles { files, charts },
            &format!("status-{}", v.kommunekode),
            Numbering::Counted,
        )?;
        Ok(doc.0)
    }

    /// The national ranking list.
    pub fn rangliste(&self, v: &IndexView, charts: ChartSet) -> anyhow::Result<Vec<u8>> {
        let doc = self.compile(
            "rangliste.typ",
            v,
            DocFiles::new(charts),
            "rangliste",
            Numbering::Fixed,
        )?;
        Ok(doc.0)
    }

    fn compile<V: Serialize>(
        &self,
        main: &str,
        v: &V,
        files: DocFiles,
        ident: &str,
        numbers: Numbering,
    ) -> anyhow::Result<(Vec<u8>, Numbering)> {
        let layout = |numbers: Numbering| -> anyhow::Result<(PagedDocument, A11yWorld)> {
            let input = Input {
                v,
                fixed_pages: numbers == Numbering::Fixed,
                charts: &files.charts,
            };
            let mut files = files.files.clone();
            files.insert(
                DATA_FILE[1..].to_string(),
                Bytes::new(serde_json::to_vec(&input)?),
            );
            let inner = self
                .engine
                .world_builder(main)
                .build()
                .map_err(|e| anyhow::anyhow!("Typst: {e}"))?;
            let world = A11yWorld {
                library: &self.library,
                inner,
                files,
            };
            let warned = typst::compile::<PagedDocument>(&world);
            let doc = warned.output.map_err(|diags| diagnostics(&world, &diags))?;
            Ok((doc, world))
        };
        let (mut doc, mut world) = layout(numbers)?;
        let mut numbers = numbers;
        if numbers == Numbering::Fixed && promise_broken(&doc) {
            (doc, world) = layout(Numbering::Counted)?;
            numbers = Numbering::Counted;
        }
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            standards: PdfStandards::new(&[PdfStandard::Ua_1])
                .map_err(|e| anyhow::anyhow!("PDF standard: {e:?}"))?,
            ..PdfOptions::default()
        };
        let bytes = typst_pdf::pdf(&doc, &options).map_err(|diags| diagnostics(&world, &diags))?;
        Ok((bytes, numbers))
    }
}
