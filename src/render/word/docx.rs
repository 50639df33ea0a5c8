//! A list of [`Block`]s as .docx bytes: styles (Heading 1/2 with outline levels, List Bullet on
//! Word numbering, a bordered table style, `da-DK` as the default language), an A4 section, and
//! the document properties — no dates, so the same blocks give the same bytes.

use std::borrow::Cow;
use std::io::Cursor;

use docx_rust::document::{
    AbstractNum, AbstractNumId, Level, LevelJustification, LevelStart, LevelText, Num, NumFmt,
    Numbering, PPr, Paragraph, Run, Table, TableCell, TableRow, TextSpace,
};
use docx_rust::formatting::{
    BorderStyle, BottomBorder, CharacterProperty, Indent, InsideHorizonBorder,
    InsideVerticalBorder, JustificationVal, Lang, LeftBorder, NumberingProperty, OnOffOnlyType,
    OutlineLvl, ParagraphProperty, RightBorder, Spacing, TableBorders, TableHeader, TableProperty,
    TableRowProperty, TopBorder,
};
use docx_rust::styles::{DefaultStyle, Style, StyleType};
use docx_rust::Docx;

use super::Block;

/// Twips (1/20 pt).
const TWIPS_PER_PT: isize = 20;
/// A4 in twips, with 2 cm margins: the text width.
const A4: (isize, isize) = (11906, 16838);
const MARGIN: isize = 1134;
const TEXT_WIDTH: isize = A4.0 - 2 * MARGIN;

fn heading_style(
    id: &'static str,
    name: &'static str,
    level: Option<isize>,
    half_points: isize,
) -> Style<'static> {
    // The Title is no outline level, so it stays out of the navigation pane's outline.
    let p = ParagraphProperty {
        outline_lvl: level.map(|value| OutlineLvl { value }),
        keep_next: Some(Default::default()),
        spacing: Some(Spacing {
            before: Some(12 * TWIPS_PER_PT),
            after: Some(4 * TWIPS_PER_PT),
            ..Default::default()
        }),
        ..Default::default()
    };
    Style::new(StyleType::Paragraph, id)
        .name(name)
        .paragraph(p)
        .character(CharacterProperty::default().bold(true).size(half_points))
}

fn styles(docx: &mut Docx<'_>) {
    let mut character = CharacterProperty::default().size(22isize);
    character.lang = Some(Lang {
        val: Some("da-DK".into()),
        east_asia: None,
        bidi: None,
    });
    let para = ParagraphProperty {
        spacing: Some(Spacing {
            after: Some(6 * TWIPS_PER_PT),
            ..Default::default()
        }),
        ..Default::default()
    };
    docx.styles.default(
        DefaultStyle::default()
            .character(docx_rust::styles::DefaultCharacterProperty {
                inner: Some(character),
            })
            .paragraph(docx_rust::styles::DefaultParagraphProperty { inner: Some(para) }),
    );
    let mut normal = Style::new(StyleType::Paragraph, "Normal").name("Normal");
    normal.default = Some(true);
    docx.styles.push(normal);
    docx.styles.push(heading_style("Title", "Title", None, 36));
    docx.styles
        .push(heading_style("Heading1", "heading 1", Some(0), 28));
    docx.styles
        .push(heading_style("Heading2", "heading 2", Some(1), 24));
    let list = ParagraphProperty {
        // (numbering id, level): the bullet list defined in `bullets`.
        numbering: Some(NumberingProperty::from((1isize, 0isize))),
        ..Default::default()
    };
    docx.styles.push(
        Style::new(StyleType::Paragraph, "ListBullet")
            .name("List Bullet")
            .paragraph(list),
    );
    let mut table = Style::new(StyleType::Table, "TableGrid").name("Table Grid");
    table.table = Some(TableProperty::default().borders(borders()));
    docx.styles.push(table);
}

fn borders() -> TableBorders<'static> {
    let (style, color, size) = (BorderStyle::Single, Some(Cow::Borrowed("808080")), Some(4));
    TableBorders {
        top: Some(TopBorder {
            style: style.clone(),
            color: color.clone(),
            size,
            ..Default::default()
        }),
        left: Some(LeftBorder {
            style: style.clone(),
            color: color.clone(),
            size,
            ..Default::default()
        }),
        bottom: Some(BottomBorder {
            style: style.clone(),
            color: color.clone(),
            size,
            ..Default::default()
        }),
        right: Some(RightBorder {
            style: style.clone(),
            color: color.clone(),
            size,
            ..Default::default()
        }),
        inside_horizon: Some(InsideHorizonBorder {
            style: style.clone(),
            color: color.clone(),
            size,
            ..Default::default()
        }),
        inside_vertical: Some(InsideVerticalBorder {
            style,
            color,
            size,
            ..Default::default()
        }),
    }
}

fn bullets() -> Numbering<'static> {
    Numbering {
        abstract_numberings: vec![AbstractNum {
            abstract_num_id: Some(0),
            levels: vec![Level {
                i_level: Some(0),
                start: Some(LevelStart { value: Some(1) }),
                number_format: Some(NumFmt {
                    value: "bullet".into(),
                }),
                level_text: Some(LevelText {
                    value: Some("•".into()),
                }),
                justification: Some(LevelJustification {
                    value: JustificationVal::Left,
                }),
                p_pr: Some(PPr {
                    indent: Some(Indent {
                        left: Some(360),
                        hanging: Some(360),
                        ..Default::default()
                    }),
                }),
                ..Default::default()
            }],
            ..Default::default()
        }],
        numberings: vec![Num {
            num_id: Some(1),
            abstract_num_id: Some(AbstractNumId { value: Some(0) }),
            level_overrides: Vec::new(),
        }],
    }
}

fn styled(style: &'static str) -> ParagraphProperty<'static> {
    ParagraphProperty::default().style_id(style)
}

fn text_para(style: Option<&'static str>, text: String, bold: bool) -> Paragraph<'static> {
    let mut p = Paragraph::default();
    if let Some(s) = style {
        p = p.property(styled(s));
    }
    let mut run = Run::default();
    if bold {
        run = run.property(CharacterProperty::default().bold(true));
    }
    p.push(run.push_text((text, TextSpace::Preserve)))
}

fn table(head: &[String], rows: &[Vec<String>]) -> Table<'static> {
    let cell = |text: &str, bold: bool, right: bool| {
        // 8 pt in tables: nine columns of Danish headings fit the A4 width unbroken.
        let mut props = CharacterProperty::default().size(16isize);
        if bold {
            props = props.bold(true);
        }
        let mut p = Paragraph::default().push(
            Run::default()
                .property(props)
                .push_text((text.to_string(), TextSpace::Preserve)),
        );
        if right {
            p = p.property(ParagraphProperty::default().justification(JustificationVal::Right));
        }
        TableCell::paragraph(p)
    };
    let mut t = Table::default().property(
        TableProperty::default()
            .style_id("TableGrid")
            .borders(borders()),
    );
    // The first column (the group's name) gets room; the numbers share the rest of the A4 text
    // width, so no label breaks mid-word.
    let n = head.len().max(1) as isize;
    let first = if n > 6 {
        TEXT_WIDTH * 22 / 100
    } else if n > 4 {
        TEXT_WIDTH / 4
    } else {
        TEXT_WIDTH * 2 / 5
    };
    let rest = (TEXT_WIDTH - first) / (n - 1).max(1);
    t.grids = docx_rust::document::TableGrid {
        columns: std::iter::once(first)
            .chain(std::iter::repeat_n(rest, (n - 1) as usize))
            .map(|width| docx_rust::document::GridColumn { width })
            .collect(),
    };
    let mut header = TableRow::default()
        .property(TableRowProperty::default().table_header(TableHeader::from(OnOffOnlyType::On)));
    for (i, h) in head.iter().enumerate() {
        header = header.push_cell(cell(h, true, i > 0));
    }
    t = t.push_row(header);
    for r in rows {
        let mut row = TableRow::default();
        for (i, x) in r.iter().enumerate() {
            row = row.push_cell(cell(x, false, i > 0));
        }
        t = t.push_row(row);
    }
    t
}

/// The .docx bytes of a document.
pub fn docx(title: &str, blocks: &[Block]) -> anyhow::Result<Vec<u8>> {
    let mut d = Docx::default();
    styles(&mut d);
    d.numbering = Some(bullets());
    d.content_types
        .overrides
        .push(docx_rust::content_type::OverrideContentType {
            part: "/word/numbering.xml".into(),
            ty: "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
                .into(),
        });
    // The document properties are written here: the crate's relationship type for them is
    // misspelt (`officedocument/…/metadata`), so readers would not find the title and language,
    // and it declares an app.xml it does not write. One custom part keeps the zip order fixed.
    d.content_types
        .overrides
        .retain(|o| o.part != "/docProps/app.xml");
    d.rels.add_rel(
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        "docProps/core.xml",
    );
    d.custom_xml.insert(
        "docProps/core.xml".into(),
        Cow::Owned(core_xml(title).into_bytes()),
    );
    for b in blocks {
        match b {
            Block::Title(t) => {
                d.document.push(text_para(Some("Title"), t.clone(), false));
            }
            Block::Heading(level, t) => {
                let style = if *level <= 1 { "Heading1" } else { "Heading2" };
                d.document.push(text_para(Some(style), t.clone(), false));
            }
            Block::Para(t) => {
                d.document.push(text_para(None, t.clone(), false));
            }
            Block::Lead(lead, t) => {
                let p = Paragraph::default()
                    .push(
                        Run::default()
                            .property(CharacterProperty::default().bold(true))
                            .push_text((format!("{lead} "), TextSpace::Preserve)),
                    )
                    .push(Run::default().push_text((t.clone(), TextSpace::Preserve)));
                d.document.push(p);
            }
            Block::Bullet(t) => {
                d.document
                    .push(text_para(Some("ListBullet"), t.clone(), false));
            }
            Block::Table(head, rows) => {
                d.document.push(table(head, rows));
                // Word needs a paragraph between two tables and after a table at the end.
                d.document.push(Paragraph::default());
            }
        }
    }
    // The section (last in the body): A4 with 2 cm margins, whatever the reader's locale.
    let section = docx_rust::formatting::SectionProperty {
        page_size: Some(docx_rust::formatting::PageSize {
            weight: A4.0,
            height: A4.1,
        }),
        page_margin: Some(docx_rust::formatting::PageMargin {
            top: Some(MARGIN),
            right: Some(MARGIN),
            bottom: Some(MARGIN),
            left: Some(MARGIN),
            header: Some(708),
            footer: Some(708),
            gutter: Some(0),
        }),
        ..Default::default()
    };
    d.document
        .push(docx_rust::document::BodyContent::SectionProperty(section));
    let mut buf = Cursor::new(Vec::new());
    d.write(&mut buf)
        .map_err(|e| anyhow::anyhow!("writing a Word file: {e}"))?;
    Ok(buf.into_inner())
}

/// `docProps/core.xml`: title, creator and language; no dates (the bytes stay the same).
fn core_xml(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\"><dc:title>{}</dc:title><dc:creator>kommunebench</dc:creator><dc:language>da-DK</dc:language></cp:coreProperties>",
        crate::render::xml_escape(title)
    )
}
