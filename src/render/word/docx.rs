//! A list of [`Block`]s as .docx bytes: styles (Heading 1/2 with outline levels, List Bullet on
//! Word numbering, a bordered table style, `da-DK` as the default language), an A4 section, and
//! the document properties — no dates, so the same blocks give the same bytes.
//!
//! The WordprocessingML is written here as text, not through a document-model crate: the
//! documents use six block kinds and one table style, and the one crate that offered them cost
//! five more crates to compile (a second zip, a proc-macro XML layer on syn 1) for the first
//! build, wrote a misspelt relationship type for the document properties and declared a part it
//! did not write. The package is zipped by the `zip` crate the Excel input already uses.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;

use super::Block;
use crate::render::xml_escape;

/// Twips (1/20 pt).
const TWIPS_PER_PT: u32 = 20;
/// A4 in twips, with 2 cm margins: the text width.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: u32 = 1134;
const TEXT_WIDTH: u32 = A4.0 - 2 * MARGIN;

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The parts of the package, in the order they are zipped (`[Content_Types].xml` first, as
/// Word's own files have it).
fn parts(title: &str, blocks: &[Block]) -> [(&'static str, String); 7] {
    [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_rels()),
        ("word/document.xml", document(blocks)),
        ("word/styles.xml", styles()),
        ("word/numbering.xml", numbering()),
        ("word/_rels/document.xml.rels", document_rels()),
        ("docProps/core.xml", core_xml(title)),
    ]
}

/// The .docx bytes of a document.
pub fn docx(title: &str, blocks: &[Block]) -> anyhow::Result<Vec<u8>> {
    // A fixed date and mode: the same blocks give the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, xml) in parts(title, blocks) {
        zip.start_file(name, options)
            .and_then(|()| zip.write_all(xml.as_bytes()).map_err(Into::into))
            .map_err(|e| anyhow::anyhow!("writing {name} of a Word file: {e}"))?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| anyhow::anyhow!("finishing a Word file: {e}"))?;
    Ok(bytes.into_inner())
}

fn content_types() -> String {
    let over = |part: &str, kind: &str| {
        format!("<Override PartName=\"{part}\" ContentType=\"application/vnd.{kind}+xml\"/>")
    };
    let ml = "openxmlformats-officedocument.wordprocessingml";
    format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>{}{}{}{}</Types>",
        over("/docProps/core.xml", "openxmlformats-package.core-properties"),
        over("/word/document.xml", &format!("{ml}.document.main")),
        over("/word/styles.xml", &format!("{ml}.styles")),
        over("/word/numbering.xml", &format!("{ml}.numbering")),
    )
}

fn relationships(rels: &[(&str, &str)]) -> String {
    let mut s = format!("{XML_DECL}<Relationships xmlns=\"{NS_REL}\">");
    for (i, (target, kind)) in rels.iter().enumerate() {
        let _ = write!(
            s,
            "<Relationship Id=\"rId{}\" Target=\"{target}\" Type=\"{kind}\"/>",
            i + 1
        );
    }
    s.push_str("</Relationships>");
    s
}

fn package_rels() -> String {
    relationships(&[
        (
            "docProps/core.xml",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        ),
        ("word/document.xml", &format!("{REL_TYPE}/officeDocument")),
    ])
}

fn document_rels() -> String {
    relationships(&[
        ("styles.xml", &format!("{REL_TYPE}/styles")),
        ("numbering.xml", &format!("{REL_TYPE}/numbering")),
    ])
}

/// `docProps/core.xml`: title, creator and language; no dates (the bytes stay the same).
fn core_xml(title: &str) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\"><dc:title>{}</dc:title><dc:creator>kommunebench</dc:creator><dc:language>da-DK</dc:language></cp:coreProperties>",
        xml_escape(title)
    )
}

/// Single grey lines around and inside a table.
fn borders() -> String {
    let mut s = String::from("<w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(
            s,
            "<w:{side} w:val=\"single\" w:color=\"808080\" w:sz=\"4\"/>"
        );
    }
    s.push_str("</w:tblBorders>");
    s
}

/// A heading style; `level` is its outline level (the Title has none, so it stays out of the
/// navigation pane's outline).
fn heading_style(id: &str, name: &str, level: Option<u8>, half_points: u32) -> String {
    let outline = level.map_or(String::new(), |l| format!("<w:outlineLvl w:val=\"{l}\"/>"));
    format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:pPr><w:keepNext/><w:spacing w:before=\"{}\" w:after=\"{}\"/>{outline}</w:pPr><w:rPr><w:b w:val=\"true\"/><w:sz w:val=\"{half_points}\"/></w:rPr></w:style>",
        12 * TWIPS_PER_PT,
        4 * TWIPS_PER_PT,
    )
}

fn styles() -> String {
    format!(
        "{XML_DECL}<w:styles xmlns:w=\"{NS_W}\"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"22\"/><w:lang w:val=\"da-DK\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"{}\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:styleId=\"Normal\" w:default=\"true\"><w:name w:val=\"Normal\"/></w:style>{}{}{}<w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style><w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr>{}</w:tblPr></w:style></w:styles>",
        6 * TWIPS_PER_PT,
        heading_style("Title", "Title", None, 36),
        heading_style("Heading1", "heading 1", Some(0), 28),
        heading_style("Heading2", "heading 2", Some(1), 24),
        borders(),
    )
}

/// One bullet list (numbering id 1, the List Bullet style's).
fn numbering() -> String {
    format!(
        "{XML_DECL}<w:numbering xmlns:w=\"{NS_W}\"><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"•\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"360\" w:hanging=\"360\"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>"
    )
}

/// A run of text; `props` is its `w:rPr` content.
fn run(out: &mut String, props: &str, text: &str) {
    out.push_str("<w:r>");
    if !props.is_empty() {
        let _ = write!(out, "<w:rPr>{props}</w:rPr>");
    }
    let _ = write!(
        out,
        "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        xml_escape(text)
    );
}

/// A paragraph of one run, in a paragraph style or the default one.
fn para(out: &mut String, style: Option<&str>, text: &str) {
    out.push_str("<w:p>");
    if let Some(s) = style {
        let _ = write!(out, "<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>");
    }
    run(out, "", text);
    out.push_str("</w:p>");
}

/// The table's column widths: the first column (the group's name) gets room; the numbers share
/// the rest of the A4 text width, so no label breaks mid-word.
fn column_widths(n: usize) -> impl Iterator<Item = u32> {
    let n = n.max(1) as u32;
    let first = if n > 6 {
        TEXT_WIDTH * 22 / 100
    } else if n > 4 {
        TEXT_WIDTH / 4
    } else {
        TEXT_WIDTH * 2 / 5
    };
    let rest = (TEXT_WIDTH - first) / (n - 1).max(1);
    std::iter::once(first).chain(std::iter::repeat_n(rest, (n - 1) as usize))
}

/// One table cell: 8 pt, so nine columns of Danish headings fit the A4 width unbroken; numbers
/// right-aligned.
fn cell(out: &mut String, text: &str, bold: bool, right: bool) {
    out.push_str("<w:tc><w:tcPr><w:vAlign w:val=\"top\"/></w:tcPr><w:p>");
    if right {
        out.push_str("<w:pPr><w:jc w:val=\"right\"/></w:pPr>");
    }
    let props = if bold {
        "<w:b w:val=\"true\"/><w:sz w:val=\"16\"/>"
    } else {
        "<w:sz w:val=\"16\"/>"
    };
    run(out, props, text);
    out.push_str("</w:p></w:tc>");
}

/// A table whose header row repeats on every page it spans.
fn table(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>{}</w:tblPr><w:tblGrid>",
        borders()
    );
    for width in column_widths(head.len()) {
        let _ = write!(out, "<w:gridCol w:w=\"{width}\"/>");
    }
    out.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val=\"on\"/></w:trPr>");
    for (i, h) in head.iter().enumerate() {
        cell(out, h, true, i > 0);
    }
    out.push_str("</w:tr>");
    for r in rows {
        out.push_str("<w:tr><w:trPr/>");
        for (i, x) in r.iter().enumerate() {
            cell(out, x, false, i > 0);
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

fn document(blocks: &[Block]) -> String {
    let mut out =
        format!("{XML_DECL}<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{REL_TYPE}\"><w:body>");
    for b in blocks {
        match b {
            Block::Title(t) => para(&mut out, Some("Title"), t),
            Block::Heading(level, t) => {
                let style = if *level <= 1 { "Heading1" } else { "Heading2" };
                para(&mut out, Some(style), t);
            }
            Block::Para(t) => para(&mut out, None, t),
            Block::Lead(lead, t) => {
                out.push_str("<w:p>");
                run(&mut out, "<w:b w:val=\"true\"/>", &format!("{lead} "));
                run(&mut out, "", t);
                out.push_str("</w:p>");
            }
            Block::Bullet(t) => para(&mut out, Some("ListBullet"), t),
            Block::Table(head, rows) => {
                table(&mut out, head, rows);
                // Word needs a paragraph between two tables and after a table at the end.
                out.push_str("<w:p/>");
            }
        }
    }
    // The section (last in the body): A4 with 2 cm margins, whatever the reader's locale.
    let _ = write!(
        out,
        "<w:sectPr><w:pgSz w:w=\"{}\" w:h=\"{}\"/><w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
        A4.0, A4.1
    );
    out
}
