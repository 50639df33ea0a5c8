//! The facts every page and appendix shows: title, period, sources, mode, groups, caveats.

use serde::Serialize;

use super::fmt::number;
use super::sentences::label_in_sentence;
use crate::compute::Results;
use crate::config::{Config, Mode};
use crate::input::Manifest;
use crate::keys::GroupId;

/// About the whole report: shown on every page and in every appendix.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    /// Report title.
    pub title: String,
    /// Period label, e.g. `2022QMAT04`.
    pub period: String,
    /// "4 kvartaler t.o.m. 4. kvt. 2022".
    pub period_words: String,
    /// "4. kvt. 2022".
    pub period_short: String,
    /// The comparison period in words, when improvement exists.
    pub comparison_words: Option<String>,
    /// Date derived from the period end ("31. december 2022"), never the wall clock.
    pub period_end: String,
    /// Source lines.
    pub sources: Vec<String>,
    /// "Kilde: …" in one line.
    pub source_line: String,
    /// The inputs' provenance sentences ("beregnet fra sagsdata", cells not published).
    pub notes: Vec<String>,
    /// `supplied` or `model`.
    pub mode: String,
    /// The mode in Danish.
    pub mode_text: String,
    /// Tool version.
    pub version: String,
    /// Full input hash.
    pub input_hash: String,
    /// First 12 hex digits.
    pub input_hash_short: String,
    /// Number of municipalities.
    pub n: usize,
    /// Benefit groups.
    pub groups: Vec<GroupInfo>,
    /// "Indgår: …" in Danish.
    pub included_text: String,
    /// What the list does not cover.
    pub excluded_text: String,
    /// Caveats in Danish.
    pub caveats: Vec<String>,
    /// "90 %".
    pub level_text: String,
    /// Whether rank confidence sets exist.
    pub has_intervals: bool,
    /// What the confidence interval of a placing is, in Danish.
    pub interval_text: String,
    /// What the noise model leaves out, in Danish.
    pub interval_caveat: String,
    /// Whether improvement exists.
    pub has_improvement: bool,
    /// Continued mode: the list carried from, the method and its backtest in one sentence.
    pub continued: Option<super::continued::ContinuedFacts>,
    /// The series breaks that fall within the data's periods (the method page lists all).
    pub breaks: Vec<super::continued::BreakView>,
    /// The tables' "Forventet" column head: "Forventet (fremskrevet)" for a continued list.
    pub expected_head: String,
    /// How counts are rounded, in Danish.
    pub rounding_text: String,
    /// Whether a cost per person is configured, so tables show the potential.
    pub has_potential: bool,
    /// What the potential means, in Danish, or empty.
    pub potential_text: String,
    /// Whether the build compares the open model with the ministry's figures (`model.html`).
    pub has_versus: bool,
    /// The accessibility statement's address, when configured.
    pub accessibility_statement: Option<String>,
}

/// A benefit group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupInfo {
    pub id: String,
    /// Danish label.
    pub label: String,
    /// Label inside a sentence.
    pub label_lower: String,
    /// Whether it is a total.
    pub is_total: bool,
    /// Labels of the member groups (totals).
    pub members: Vec<String>,
    /// Benefits included.
    pub benefits: Vec<String>,
}

/// A group's facts for the view.
pub fn group_info(cfg: &Config, id: &GroupId) -> GroupInfo {
    let g = cfg.group(id).expect("result groups come from the config");
    GroupInfo {
        id: id.to_string(),
        label: g.label.clone(),
        label_lower: label_in_sentence(&g.label),
        is_total: g.is_total(),
        members: g
            .total_of
            .iter()
            .filter_map(|m| cfg.group(m))
            .map(|m| m.label.clone())
            .collect(),
        benefits: g.benefits.clone(),
    }
}

/// The confidence interval of a placing explained: method, level, noise model and φ.
fn interval_text(cfg: &Config, res: &Results) -> String {
    let level = number(cfg.ranking.interval_level * 100.0, 0);
    let phis: Vec<String> = res
        .noise
        .iter()
        .filter_map(|o| {
            let g = cfg.group(&o.group)?;
            Some(format!(
                "{} {}",
                label_in_sentence(&g.label),
                number(o.phi, 2)
            ))
        })
        .collect();
    let kind = match cfg.ranking.confidence_sets {
        crate::config::ConfidenceSets::Marginal => format!(
            "Hvert interval indeholder kommunens sande placering i mindst {level} % af tilfældene"
        ),
        crate::config::ConfidenceSets::Simultaneous => format!(
            "Alle intervallerne indeholder tilsammen alle kommuners sande placeringer i mindst {level} % af tilfældene"
        ),
    };
    format!(
        "Konfidensintervallet for en placering ({level} %) rummer de placeringer, der er forenelige med tallene, når man tager højde for tilfældige udsving i det faktiske antal (metoden fra Mogstad, Romano, Shaikh og Wilhelm, 2024). {kind}; det er ikke en sandsynlighed for den enkelte placering. Udsvingene regnes som binomiale gange en overdispersion φ, skønnet for hver ydelsesgruppe ud fra ændringerne fra år til år (et skøn, der snarere er for stort end for lille; φ = 1 er ren binomial variation): {}.",
        phis.join(", ")
    )
}

/// What the list includes ("Indgår: …") and what it leaves out, as the ministry's does.
fn coverage(cfg: &Config, groups: &[GroupInfo]) -> (String, String) {
    let included: Vec<String> = groups
        .iter()
        .filter(|g| !g.is_total)
        .map(|g| g.label.clone())
        .collect();
    let all_benefits: Vec<String> = cfg
        .groups
        .iter()
        .flat_map(|g| g.benefits.iter().cloned())
        .collect();
    let excluded: Vec<&str> = ["førtidspension", "fleksjob"]
        .into_iter()
        .filter(|b| !all_benefits.iter().any(|x| x == b))
        .collect();
    let excluded_text = if excluded.is_empty() {
        "Listen omfatter også førtidspension og fleksjob.".to_string()
    } else {
        format!(
            "Listen omfatter ikke {}, ligesom ministeriets liste. Kommuner, der tilkender mange førtidspensioner, kan derfor se bedre ud, end de er.",
            excluded.join(" og ")
        )
    };
    (format!("Indgår: {}.", included.join(", ")), excluded_text)
}

/// The caveats every page and appendix repeats.
fn caveats(cfg: &Config) -> Vec<String> {
    let mut caveats = vec![
        format!(
            "Små kommuner (under {} indbyggere i alderen 16–66 år) rangeres som de øvrige, men få personer kan flytte dem mange pladser.",
            number(cfg.ranking.small_population, 0)
        ),
        "Små forskelle i placering betyder lidt: se placeringens usikkerhed (interval), før en placering tillægges vægt.".to_string(),
        "Rammevilkårene forklarer ikke alt: forskellen mellem faktisk og forventet kan også skyldes forhold, modellen ikke måler.".to_string(),
    ];
    if cfg.expected.mode == Mode::Supplied {
        caveats.push(
            "De forventede tal er Beskæftigelsesministeriets egne; de kan ikke genberegnes her."
                .to_string(),
        );
    }
    caveats
}

/// The inputs' short provenance notes, each once.
fn short_notes(manifest: &Manifest) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in &manifest.notes {
        if !out.contains(&n.short) {
            out.push(n.short.clone());
        }
    }
    out
}

/// The shared facts of a build.
pub fn common(cfg: &Config, res: &Results, manifest: &Manifest) -> Common {
    let groups: Vec<GroupInfo> = res.groups.iter().map(|g| group_info(cfg, g)).collect();
    let n = res.codes().len();
    let (included_text, excluded_text) = coverage(cfg, &groups);
    let level_text = format!("{} %", number(cfg.ranking.interval_level * 100.0, 0));
    let continued = super::continued::facts(cfg, res);
    Common {
        title: cfg.report.title.clone(),
        period: res.current.to_string(),
        period_words: res.current.describe(),
        period_short: res.current.short(),
        comparison_words: res.comparison.as_ref().map(|p| p.describe()),
        period_end: res.current.end_words(),
        sources: cfg
            .report
            .sources
            .iter()
            .cloned()
            .chain(manifest.notes.iter().map(|n| n.text.clone()))
            .collect(),
        source_line: format!(
            "Kilde: {}",
            cfg.report
                .sources
                .iter()
                .chain(short_notes(manifest).iter())
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ),
        notes: manifest.notes.iter().map(|n| n.text.clone()).collect(),
        mode: manifest.mode.clone(),
        mode_text: match cfg.expected.mode {
            Mode::Supplied => "Forventede tal fra Beskæftigelsesministeriet (jobindsats.dk)".into(),
            Mode::Model => {
                "Forventede tal beregnet af kommunebench ud fra rammevilkår (åben regressionsmodel)"
                    .into()
            }
            Mode::Continued => format!(
                "Forventede tal fremskrevet af kommunebench fra Beskæftigelsesministeriets liste for {}",
                continued.as_ref().map_or(String::new(), |c| c.from_words.clone())
            ),
        },
        version: manifest.version.clone(),
        input_hash: manifest.input_hash.clone(),
        input_hash_short: manifest.short_hash().to_string(),
        n,
        groups,
        included_text,
        excluded_text,
        caveats: caveats(cfg),
        level_text,
        has_intervals: cfg.ranking.draws > 0,
        interval_text: interval_text(cfg, res),
        interval_caveat: match cfg.expected.mode {
            Mode::Supplied => "Usikkerheden i ministeriets forventede tal kendes ikke og indgår ikke; placeringerne kan derfor være mere usikre, end intervallerne viser.".into(),
            Mode::Model => "Usikkerheden i den forventede andel fra modellen indgår; valget af rammevilkår i modellen gør ikke — hvor meget det betyder, viser placeringerne med hver variabel udeladt og med den anden metode.".into(),
            Mode::Continued => "Usikkerheden i den fremskrevne forventede andel indgår med den størrelse, tilbagetesten viser; usikkerheden i ministeriets egne tal indgår ikke.".into(),
        },
        has_improvement: res.comparison.is_some(),
        expected_head: if continued.is_some() {
            "Forventet (fremskrevet)".into()
        } else {
            "Forventet".into()
        },
        continued,
        breaks: super::continued::breaks(cfg, Some(&res.periods)),
        rounding_text: if cfg.presentation.count_rounding == 10 {
            "Antal er afrundet til nærmeste 10; placeringer er beregnet på de uafrundede tal."
                .into()
        } else {
            "Placeringer er beregnet på de uafrundede tal.".into()
        },
        has_potential: cfg.presentation.cost_per_person.is_some(),
        potential_text: cfg
            .presentation
            .cost_per_person
            .map(|c| {
                format!(
                    "Potentiale (mio. kr.) = forskel i antal fuldtidspersoner × {} kr. pr. fuldtidsperson om året; positivt = udgiften ville falde, hvis kommunen havde det forventede antal.",
                    number(c, 0)
                )
            })
            .unwrap_or_default(),
        has_versus: !res.versus.is_empty(),
        accessibility_statement: cfg.report.accessibility_statement.clone(),
    }
}
