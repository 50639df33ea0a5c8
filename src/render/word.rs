//! Word files (`word/<kode>.docx`, and `word/status-<kode>.docx` with `[status]`): the agenda
//! item (dagsordenspunkt) a secretariat pastes into its agenda system — Resumé,
//! Sagsfremstilling, Forbehold, Indstilling, Bilag — from the same view as the page and the
//! appendix, so the three cannot disagree.
//!
//! A document is first a list of [`Block`]s (pure: what it says), then a .docx (how Word holds
//! it): real heading styles (Heading 1/2, outline levels, so an agenda system's template maps
//! them), tables with a repeated header row, bullet lists as Word numbering, Danish (`da-DK`)
//! as the document language. No macros, no dates: the same view gives the same bytes.

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
use rayon::prelude::*;

use super::{Files, RenderContext, Renderer};
use crate::report::status::StatusView;
use crate::report::MunicipalityView;

/// One piece of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document's title (Title style).
    Title(String),
    /// A heading, level 1 or 2.
    Heading(u8, String),
    /// A paragraph.
    Para(String),
    /// A paragraph in bold lead-in + text.
    Lead(String, String),
    /// A bulleted item.
    Bullet(String),
    /// A table: header row, body rows (first column text, the rest numbers).
    Table(Vec<String>, Vec<Vec<String>>),
}

/// The Word files.
pub struct WordFiles;

impl Renderer for WordFiles {
    fn name(&self) -> &'static str {
        "word"
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<Files> {
        let mut files: Files = ctx
            .municipalities
            .par_iter()
            .map(|(code, v)| -> anyhow::Result<Files> {
                let mut out = vec![(
                    format!("word/{code}.docx"),
                    docx(
                        &format!("{} — {} Kommune", v.common.title, v.kommune),
                        &sagsfremstilling(v),
                    )?,
                )];
                if let Some(s) = &v.status {
                    out.push((
                        format!("word/status-{code}.docx"),
                        docx(
                            &format!("{} — {} Kommune", s.title, v.kommune),
                            &status_report(v, s),
                        )?,
                    ));
                }
                Ok(out)
            })
            .collect::<anyhow::Result<Vec<Files>>>()?
            .into_iter()
            .flatten()
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files)
    }

    fn beside(&self) -> bool {
        true
    }
}

/// The benchmark's agenda item.
pub fn sagsfremstilling(v: &MunicipalityView) -> Vec<Block> {
    let c = &v.common;
    let mut b = vec![
        Block::Title(format!("{} — {} Kommune", c.title, v.kommune)),
        Block::Para(format!(
            "{}. {}",
            capitalise(&c.period_words),
            c.source_line
        )),
        Block::Heading(1, "Resumé".into()),
    ];
    b.extend(v.resume.iter().take(3).cloned().map(Block::Para));
    b.extend(v.resume_evidence.clone().map(Block::Para));
    b.push(Block::Heading(1, "Sagsfremstilling".into()));
    if let Some(cont) = &c.continued {
        b.push(Block::Para(format!(
            "{} {}",
            cont.title_note, cont.backtest_sentence
        )));
    }
    b.push(Block::Para(format!(
        "{}. Placeringen går efter forskellen mellem faktisk og forventet andel af de 16–66-årige (procentpoint), beregnet på uafrundede tal; nr. 1 er bedst, ud af {} kommuner.",
        c.mode_text, c.n
    )));
    b.push(summary_table(v));
    b.push(Block::Para(format!(
        "Forventet, faktisk og forskel i antal fuldtidspersoner; forskel og forbedring i procentpoint. Negativ forskel = færre på offentlig forsørgelse end forventet = bedre. Rammevilkår 1 = vanskeligst. {}",
        c.rounding_text
    )));
    for (g, s) in v.groups.iter().zip(&v.summary) {
        b.push(Block::Heading(2, g.group.label.clone()));
        let cells = &s.cells;
        b.push(Block::Bullet(format!(
            "Placering: nr. {} af {}",
            cells.rank, c.n
        )));
        b.push(Block::Bullet(format!(
            "{}: {} fuldtidspersoner",
            c.expected_head, cells.expected
        )));
        b.push(Block::Bullet(format!(
            "Faktisk: {} fuldtidspersoner",
            cells.actual
        )));
        b.push(Block::Bullet(format!(
            "Forskel: {} fuldtidspersoner ({} procentpoint)",
            cells.gap, cells.gap_pp
        )));
        if c.has_improvement && !cells.improvement.is_empty() {
            b.push(Block::Bullet(format!(
                "Ændring i forskellen siden året før: {} procentpoint (minus = forbedring)",
                cells.improvement
            )));
        }
        if c.has_intervals && !cells.interval.is_empty() {
            b.push(Block::Bullet(format!(
                "Mulige placeringer ({}): nr. {}",
                c.level_text, cells.interval
            )));
        }
        b.push(Block::Bullet(format!(
            "Rammevilkår: nr. {} af {} (1 = vanskeligst)",
            cells.difficulty_rank, c.n
        )));
        let mut text = g.sentences.clone();
        text.extend(g.evidence.clone());
        b.push(Block::Para(text.join(" ")));
    }
    if !v.versus.is_empty() {
        b.push(Block::Lead(
            "Model og ministeriets tal.".into(),
            v.versus.join(" "),
        ));
    }
    if !v.targets.is_empty() {
        b.push(Block::Heading(2, "Opfølgning på mål".into()));
        b.extend(v.targets.iter().map(|t| Block::Bullet(t.sentence.clone())));
    }
    b.push(Block::Heading(1, "Forbehold".into()));
    b.push(Block::Bullet(format!(
        "{} {}",
        c.included_text, c.excluded_text
    )));
    b.push(Block::Bullet(format!(
        "Kilder: {}. Periode: {} ({}).",
        c.sources.join("; "),
        c.period_words,
        c.period
    )));
    if c.has_intervals {
        b.push(Block::Bullet(format!(
            "{} {}",
            c.interval_text, c.interval_caveat
        )));
    }
    b.extend(c.caveats.iter().cloned().map(Block::Bullet));
    for br in &c.breaks {
        b.push(Block::Bullet(format!(
            "Databrud {} ({}): {}. {}",
            br.date, br.groups, br.text, br.rule
        )));
    }
    b.push(Block::Heading(1, "Indstilling".into()));
    b.extend(v.agenda.indstilling.iter().cloned().map(Block::Para));
    b.push(Block::Heading(1, "Bilag".into()));
    b.push(Block::Bullet(format!(
        "Bilag 1: {} — {} Kommune, {} ({}.pdf)",
        c.title, v.kommune, c.period_words, v.kommunekode
    )));
    b.push(Block::Para(format!(
        "Lavet med kommunebench {}. Inddata-hash (SHA-256): {}.",
        c.version, c.input_hash
    )));
    b
}

fn summary_table(v: &MunicipalityView) -> Block {
    let c = &v.common;
    let mut head: Vec<String> = [
        "Ydelsesgruppe",
        &c.expected_head,
        "Faktisk",
        "Forskel",
        "Pct.-point",
        "Placering",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if c.has_intervals {
        head.push("Interval".into());
    }
    head.push("Over ud\u{ad}sving".into());
    if c.has_improvement {
        head.push("For\u{ad}bedring".into());
    }
    // Soft hyphens: a narrow column breaks these at the joint, not mid-syllable.
    head.push("Ramme\u{ad}vilkår".into());
    let rows = v
        .summary
        .iter()
        .map(|s| {
            let x = &s.cells;
            let mut r = vec![
                s.group.label.clone(),
                x.expected.clone(),
                x.actual.clone(),
                x.gap.clone(),
                x.gap_pp.clone(),
                x.rank.clone(),
            ];
            if c.has_intervals {
                r.push(x.interval.clone());
            }
            r.push(x.evidence_word.clone());
            if c.has_improvement {
                r.push(x.improvement.clone());
            }
            r.push(x.difficulty_rank.clone());
            r
        })
        .collect();
    Block::Table(head, rows)
}

/// The status report's agenda item.
pub fn status_report(v: &MunicipalityView, s: &StatusView) -> Vec<Block> {
    let c = &v.common;
    let mut b = vec![
        Block::Title(format!("{} — {} Kommune", s.title, v.kommune)),
        Block::Para(format!(
            "Fuldtidspersoner {}. {}",
            s.span_words, c.source_line
        )),
        Block::Heading(1, "Resumé".into()),
    ];
    b.extend(
        s.rows
            .iter()
            .filter(|r| !r.heraf)
            .take(2)
            .map(|r| Block::Para(r.sentence.clone())),
    );
    b.push(Block::Heading(1, "Sagsfremstilling".into()));
    b.push(Block::Heading(2, "Fuldtidspersoner pr. målgruppe".into()));
    let mut head = vec!["Målgruppe".to_string()];
    head.extend(s.periods.iter().cloned());
    head.push("Ændring".into());
    head.push("Ændring, pct.".into());
    let rows = s
        .rows
        .iter()
        .map(|r| {
            let mut x = vec![r.label.clone()];
            x.extend(r.counts.iter().cloned());
            x.push(r.change.clone());
            x.push(r.change_pct.clone());
            x
        })
        .collect();
    b.push(Block::Table(head, rows));
    b.push(Block::Heading(2, "Andel af de 16–66-årige".into()));
    b.push(Block::Para(format!(
        "I pct. af befolkningen 16–66 år: {} Kommune, {} og hele landet.",
        v.kommune, s.comparison_label
    )));
    let mut head = vec!["Målgruppe".to_string()];
    for p in &s.periods {
        head.push(format!("{}, {p}", v.kommune));
        head.push(format!("{}, {p}", s.comparison_head));
        head.push(format!("Hele landet, {p}"));
    }
    let rows = s
        .rows
        .iter()
        .map(|r| {
            let mut x = vec![r.label.clone()];
            for sh in &r.shares {
                x.extend([sh.own.clone(), sh.comparison.clone(), sh.country.clone()]);
            }
            x
        })
        .collect();
    b.push(Block::Table(head, rows));
    b.extend(s.rows.iter().map(|r| Block::Para(r.sentence.clone())));
    if !s.targets.is_empty() {
        b.push(Block::Heading(2, "Opfølgning på mål".into()));
        b.extend(s.targets.iter().map(|t| Block::Bullet(t.sentence.clone())));
    }
    b.push(Block::Heading(1, "Forbehold".into()));
    b.push(Block::Bullet(format!("Kilder: {}.", c.sources.join("; "))));
    b.push(Block::Bullet(
        "En andel for sammenligningsgruppen og hele landet er summen af fuldtidspersoner divideret med summen af de 16–66-årige i alle dens kommuner; mangler én kommunes tal, vises ingen andel.".into(),
    ));
    b.push(Block::Heading(1, "Indstilling".into()));
    b.push(Block::Para(format!(
        "Forvaltningen indstiller, at {} tager orienteringen om status på målgrupperne til efterretning.",
        v.agenda.committee
    )));
    b.push(Block::Para(format!(
        "Lavet med kommunebench {}. Inddata-hash (SHA-256): {}.",
        c.version, c.input_hash
    )));
    b
}

fn capitalise(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().chain(ch).collect(),
        None => String::new(),
    }
}

/// Twips (1/20 pt).
const TWIPS_PER_PT: isize = 20;
/// A4 in twips, with 2 cm margins: the text width.
const A4: (isize, isize) = (11906, 16838);
const MARGIN: isize = 1134;
const TEXT_WIDTH: isize = A4.0 - 2 * MARGIN;

fn heading_style(
    id: &'static str,
    name: &'static str,
    level: isize,
    half_points: isize,
) -> Style<'static> {
    let p = ParagraphProperty {
        outline_lvl: Some(OutlineLvl { value: level }),
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
    docx.styles
        .push(heading_style("Title", "Title", 0, 36).pipe_outline_none());
    docx.styles
        .push(heading_style("Heading1", "heading 1", 0, 28));
    docx.styles
        .push(heading_style("Heading2", "heading 2", 1, 24));
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

/// The Title style is not a heading level (so it stays out of the navigation's outline).
trait NoOutline {
    fn pipe_outline_none(self) -> Self;
}

impl NoOutline for Style<'static> {
    fn pipe_outline_none(mut self) -> Self {
        if let Some(p) = self.paragraph.as_mut() {
            p.outline_lvl = None;
        }
        self
    }
}

fn borders() -> TableBorders<'static> {
    let line = |_: ()| {
        (
            BorderStyle::Single,
            Some(Cow::Borrowed("808080")),
            Some(4isize),
        )
    };
    let (style, color, size) = line(());
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
        super::xml_escape(title)
    )
}
