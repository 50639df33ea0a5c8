//! The Typst world a document is laid out in (typst-as-lib's, with the accessibility feature and
//! the chart files), the page-count promise, and Typst's diagnostics as an error that names the
//! template file, line and column.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Label, Value};
use typst::introspection::Introspector;
use typst::syntax::{FileId, Source, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::{LazyHash, PicoStr};
use typst::{Library, World, WorldExt};
use typst_layout::PagedDocument;

use crate::error::input_error;

/// Whether the document promised a page count (`#metadata(n) <page-count>`) that it does not
/// have.
pub(super) fn promise_broken(doc: &PagedDocument) -> bool {
    let Some(label) = Label::new(PicoStr::intern("page-count")) else {
        return false;
    };
    let Ok(promise) = doc.introspector().query_label(label) else {
        return false;
    };
    match promise.get_by_name("value") {
        Ok(Value::Int(n)) => usize::try_from(n).ok() != Some(doc.pages().len()),
        _ => false,
    }
}

/// typst-as-lib's world with Typst's `a11y-extras` feature on, so templates can mark row
/// headers (`pdf.header-cell`) for the tagged PDF, and the document's chart files; everything
/// else is delegated.
pub(super) struct A11yWorld<'a> {
    pub(super) inner: typst_as_lib::TypstWorld<'a>,
    pub(super) library: &'a LazyHash<Library>,
    /// Chart files by path without the leading slash (see [`super::DocFiles`]).
    pub(super) files: HashMap<String, Bytes>,
}

impl World for A11yWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.inner.book()
    }
    fn main(&self) -> FileId {
        self.inner.main()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.inner.source(id)
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.get();
        if matches!(path.root(), VirtualRoot::Project) {
            let rel = path.vpath().get_without_slash();
            if let Some(bytes) = self.files.get(rel) {
                return Ok(bytes.clone());
            }
            if rel.starts_with("charts/") {
                return Err(FileError::NotFound(rel.into()));
            }
        }
        self.inner.file(id)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.inner.font(index)
    }
    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        self.inner.today(offset)
    }
}

/// Typst diagnostics as "template file:line:col: message" lines.
pub(super) fn diagnostics(world: &dyn World, diags: &[SourceDiagnostic]) -> anyhow::Error {
    let lines: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let at = d.span.id().and_then(|id| {
                let source = world.source(id).ok()?;
                let range = world.range(d.span)?;
                let (line, col) = source.lines().byte_to_line_column(range.start)?;
                Some(format!(
                    "{}:{}:{}",
                    id.get().vpath().get_without_slash(),
                    line + 1,
                    col + 1
                ))
            });
            let mut s = format!("{}: {}", at.unwrap_or_else(|| "typst".into()), d.message);
            for h in &d.hints {
                s.push_str(&format!(" (hint: {})", h.v));
            }
            let line = source_line(world, d).unwrap_or_default();
            if line.contains("sys.inputs") {
                s.push_str(&format!(
                    " (hint: templates read their data with json(\"{}\"), not sys.inputs; see the README's PDFs section)",
                    super::DATA_FILE
                ));
            } else if line.contains("page-footer") || line.contains("footer: foot(") {
                s.push_str(
                    " (hint: an overridden common.typ written before `page-footer` and setup's `footer` argument came; copy both from the built-in report-templates/common.typ, see the README's PDFs section)",
                );
            }
            s
        })
        .collect();
    input_error(format!("PDF template error: {}", lines.join("; ")))
}

/// The whole source line a diagnostic points at, to recognise templates written for an older
/// version: one that reads `sys.inputs` (before the data moved to [`DATA_FILE`]), or a built-in
/// appendix that meets an older overridden `common.typ`.
pub(super) fn source_line(world: &dyn World, d: &SourceDiagnostic) -> Option<String> {
    let source = d.span.id().and_then(|id| world.source(id).ok())?;
    // The span is often just the field read (`v` of `sys.inputs.v`): look at its whole line.
    let text = source.text();
    let r = world.range(d.span)?;
    let start = text
        .get(..r.start)
        .map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1));
    let end = text
        .get(r.end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| r.end + i);
    text.get(start..end).map(str::to_string)
}
