//! What a reader of a PDF sees, read in-process (no poppler needed): the text of every page
//! with words and lines recovered from glyph positions, the title, the page size and whether
//! the document is tagged. Built on hayro, the PDF interpreter Typst itself depends on.

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_syntax::object::Dict;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, TransformExt,
};
use kurbo::{Affine, BezPath, Point, Shape};

/// One drawn glyph: its text, baseline origin, right edge and em size in page units.
struct Drawn {
    text: String,
    x: f64,
    y: f64,
    right: f64,
    em: f64,
}

#[derive(Default)]
struct TextDevice {
    glyphs: Vec<Drawn>,
    /// A glyph's right edge in glyph space, per (font, glyph id): outlining a glyph is most of
    /// the reading time, and a page draws the same few dozen glyphs again and again.
    right_edges: std::collections::HashMap<(u128, u32), f64>,
}

impl<'a> Device<'a> for TextDevice {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        let Some(text) = glyph.as_unicode().map(|u| match u {
            hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
            hayro_interpret::hayro_cmap::BfString::String(s) => s,
        }) else {
            return;
        };
        let t = transform * glyph_transform;
        let origin = t * Point::ORIGIN;
        let em = (t * Point::new(1000.0, 0.0) - origin).hypot();
        let width = match glyph {
            Glyph::Outline(g) => *self
                .right_edges
                .entry((g.font_cache_key(), g.glyph_id().to_u32()))
                .or_insert_with(|| g.outline().bounding_box().x1.max(0.0)),
            Glyph::Type3(_) => 500.0,
        };
        let right = (t * Point::new(width, 0.0)).x;
        self.glyphs.push(Drawn {
            text,
            x: origin.x,
            y: origin.y,
            right,
            em,
        });
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// A PDF as its reader sees it.
pub struct PdfView {
    /// Page texts.
    pub pages: Vec<String>,
    /// The document title.
    pub title: String,
    /// (width, height) of every page in points.
    pub sizes: Vec<(f64, f64)>,
    /// /MarkInfo /Marked true: a tagged PDF.
    pub tagged: bool,
}

impl PdfView {
    /// All pages' text.
    pub fn text(&self) -> String {
        self.pages.join("\n")
    }
}

/// Reads a PDF file.
pub fn read(path: &std::path::Path) -> PdfView {
    let bytes = std::fs::read(path).unwrap();
    let pdf = Pdf::new(bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let cache = InterpreterCache::new();
    let mut pages = Vec::new();
    let mut sizes = Vec::new();
    let mut dev = TextDevice::default();
    for page in pdf.pages().iter() {
        let (w, h) = page.render_dimensions();
        sizes.push((f64::from(w), f64::from(h)));
        let mut ctx = Context::new(
            page.initial_transform(true).to_kurbo(),
            kurbo::Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
            &cache,
            page.xref(),
            InterpreterSettings::default(),
        );
        dev.glyphs.clear();
        interpret_page(page, &mut ctx, &mut dev);
        pages.push(layout(&dev.glyphs));
    }
    let title = pdf
        .metadata()
        .title
        .as_ref()
        .map(|t| decode_pdf_string(t))
        .unwrap_or_default();
    let tagged = pdf
        .xref()
        .get::<Dict<'_>>(pdf.xref().root_id())
        .and_then(|root| root.get::<Dict<'_>>("MarkInfo"))
        .and_then(|m| m.get::<bool>("Marked"))
        .unwrap_or(false);
    PdfView {
        pages,
        title,
        sizes,
        tagged,
    }
}

/// Glyphs in drawing order → lines and words: a new line where the baseline moves or the pen
/// goes back; a space where the gap to the previous glyph is wider than a fifth of an em.
fn layout(glyphs: &[Drawn]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Drawn> = None;
    for g in glyphs {
        if let Some(p) = prev {
            if (g.y - p.y).abs() > 0.3 * p.em || g.x < p.x - 0.1 * p.em {
                out.push('\n');
            } else if g.x - p.right > 0.2 * p.em {
                out.push(' ');
            }
        }
        out.push_str(&g.text);
        prev = Some(g);
    }
    out
}

/// A PDF text string: UTF-16 with a byte-order mark, else PDFDocEncoding (≈ Latin-1).
fn decode_pdf_string(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8(b.to_vec()).unwrap_or_else(|_| b.iter().map(|&c| c as char).collect())
    }
}
