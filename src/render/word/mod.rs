//! Word files (`word/<kode>.docx`, and `word/status-<kode>.docx` with `[status]`): the agenda
//! item (dagsordenspunkt) a secretariat pastes into its agenda system — Resumé,
//! Sagsfremstilling, Forbehold, Indstilling, Bilag — from the same view as the page and the
//! appendix, so the three cannot disagree.
//!
//! A document is first a list of [`Block`]s (pure: what it says), then a .docx (how Word holds
//! it): real heading styles (Heading 1/2, outline levels, so an agenda system's template maps
//! them), tables with a repeated header row, bullet lists as Word numbering, Danish (`da-DK`)
//! as the document language. No macros, no dates: the same view gives the same bytes.

mod docx;

use rayon::prelude::*;

pub use docx::docx;

use super::{Files, RenderContext, Renderer};
use crate::report::municipality::{GroupDetail, SummaryRow};
use crate::report::status::StatusView;
use crate::report::{Common, MunicipalityView};

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
        group_section(&mut b, c, g, s);
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
    caveats(&mut b, c);
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

/// One group's figures as bullets, and its sentences.
fn group_section(b: &mut Vec<Block>, c: &Common, g: &GroupDetail, s: &SummaryRow) {
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

/// Forbehold: what the list includes and omits, sources and period, uncertainty, small
/// municipalities, breaks.
fn caveats(b: &mut Vec<Block>, c: &Common) {
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
    b.extend(s.missing_note.iter().map(|n| Block::Para(n.clone())));
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
