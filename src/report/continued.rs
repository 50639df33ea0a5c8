//! The continuation in words and tables: which list the expected figures come from, how well
//! carrying a list forward has worked (the backtest, beside the naive baseline), and the series
//! breaks. Shared by the pages, the appendices and the method page.

use serde::Serialize;

use super::fmt::number;
use crate::compute::continued::backtest::{Predictor, Score};
use crate::compute::continued::{ExpectedSource, Report};
use crate::compute::Results;
use crate::config::continued::ContinueMethod;
use crate::config::{Config, Mode};

/// What every page says about a continued list.
#[derive(Debug, Clone, Serialize)]
pub struct ContinuedFacts {
    /// The period label, `2021QMAT04`.
    pub from: String,
    /// "4 kvartaler t.o.m. 4. kvt. 2021".
    pub from_words: String,
    /// "4. kvt. 2021".
    pub from_short: String,
    /// "forventet (fremskrevet fra ministeriets liste for 4. kvt. 2021)".
    pub expected_label: String,
    /// "fremskrevet fra ministeriets liste for 4. kvt. 2021".
    pub expected_note: String,
    /// The title block's line: official list period and where the expected figures come from.
    pub title_note: String,
    /// "Fremskrivninger som denne har ramt ministeriets senere placeringer med en
    /// rangkorrelation på 0,86; 7 af 10 kommuner inden for ±10 pladser." — or that no backtest
    /// could be made.
    pub backtest_sentence: String,
    /// Per group, the method in Danish.
    pub methods: Vec<String>,
}

/// A series break, for the pages.
#[derive(Debug, Clone, Serialize)]
pub struct BreakView {
    /// "1. juli 2025".
    pub date: String,
    /// The groups it affects, in Danish ("alle ydelsesgrupper" when all).
    pub groups: String,
    /// What changed.
    pub text: String,
    /// What happens to an improvement across it.
    pub rule: String,
}

/// The method page's backtest.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestView {
    /// The introduction.
    pub intro: String,
    /// One table per group.
    pub groups: Vec<BacktestGroup>,
    /// The summary: where the goal (Spearman ≥ 0,85 one year ahead, better than naive) holds.
    pub verdict: String,
}

/// One group's backtest table.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestGroup {
    /// Group label.
    pub group: String,
    /// The method used and why.
    pub method: String,
    /// One row per (pair, predictor).
    pub rows: Vec<BacktestRow>,
}

/// One row of a backtest table.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestRow {
    pub pair: String,
    pub predictor: String,
    pub chosen: bool,
    pub spearman: String,
    pub rmse: String,
    pub within_5: String,
    pub within_10: String,
    pub top_10: String,
    pub bottom_10: String,
    pub improvement: String,
}

/// The municipalities' trend groups as the method's text names them.
fn trend(r: &Report) -> &str {
    &r.trend_groups
}

/// A predictor's name in Danish.
pub fn predictor_words(p: Predictor, r: &Report) -> String {
    match p {
        Predictor::Method(m) => first_upper(&m.danish(trend(r))),
        Predictor::Chosen => {
            "Den valgte metode pr. ydelsesgruppe med den tidligere listes forskel".into()
        }
        Predictor::Naive => "Naiv: sidste års liste uændret".into(),
    }
}

fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The facts of a continued build, for every page; `None` in the other modes.
pub fn facts(cfg: &Config, res: &Results) -> Option<ContinuedFacts> {
    if cfg.expected.mode != Mode::Continued {
        return None;
    }
    let r = res.continuation.as_ref()?;
    let from = r.from.as_ref()?;
    let headline = super::headline_group(cfg);
    let sentence = match r.mean(&headline.id, 12, Predictor::Chosen) {
        Some(s) => format!(
            "Fremskrivninger som denne har ramt ministeriets senere placeringer med en rangkorrelation på {}; {} af 10 kommuner inden for ±10 pladser ({}, ét år frem, {}).",
            number(s.spearman, 2),
            number(s.within_10_share * 10.0, 0),
            super::sentences::label_in_sentence(&headline.label),
            if s.pairs == 1 {
                "én tilbagetest".to_string()
            } else {
                format!("gennemsnit af {} tilbagetest", s.pairs)
            },
        ),
        None => "Der er ikke to af ministeriets lister med et eller to års mellemrum i data, så fremskrivningen kan ikke testes bagud; dens usikkerhed kendes ikke og indgår ikke i intervallerne.".into(),
    };
    let cur = &res.current;
    let source = res
        .list(cur, &headline.id)
        .map(|l| l.expected_source.clone());
    let title_note = match source {
        Some(ExpectedSource::Continued { .. }) => format!(
            "Forventede tal fremskrevet fra ministeriets liste for {}; ministeriet har ikke offentliggjort forventede tal for {}.",
            from.short(),
            cur.short()
        ),
        _ => format!("Ministeriets liste for {}.", cur.describe()),
    };
    let methods = r
        .choices
        .iter()
        .filter_map(|c| {
            let g = cfg.group(&c.group)?;
            Some(format!(
                "{}: {} ({}); {}",
                g.label,
                c.method.danish(trend(r)),
                by_words(c.by),
                persistence_words(c.persistence, c.persistence_by, &from.short()),
            ))
        })
        .collect();
    Some(ContinuedFacts {
        from: from.label().to_string(),
        from_words: from.describe(),
        from_short: from.short(),
        expected_label: format!(
            "forventet (fremskrevet fra ministeriets liste for {})",
            from.short()
        ),
        expected_note: format!("fremskrevet fra ministeriets liste for {}", from.short()),
        title_note,
        backtest_sentence: sentence,
        methods,
    })
}

fn by_words(by: &str) -> &'static str {
    match by {
        "backtest" => "valgt efter tilbagetesten",
        "config" => "fastsat i konfigurationen",
        _ => "standard; ingen tilbagetest",
    }
}

/// "forskellen i ministeriets liste for 4. kvt. 2021 vægter 40 % (valgt efter tilbagetesten)".
fn persistence_words(w: f64, by: &str, from: &str) -> String {
    if w <= 0.0 {
        return format!(
            "forskellen i ministeriets liste for {from} indgår ikke ({})",
            by_words(by)
        );
    }
    format!(
        "forskellen i ministeriets liste for {from} vægter {} % ({})",
        number(w * 100.0, 0),
        by_words(by)
    )
}

/// The breaks, for the pages: those within `periods` (after the first one begins, by the last
/// one's end), or all.
pub fn breaks(cfg: &Config, periods: Option<&[crate::keys::Period]>) -> Vec<BreakView> {
    let within = |b: &crate::config::continued::Break| match periods {
        Some(p) => match (p.first(), p.last()) {
            (Some(first), Some(last)) => b.between(first, last),
            _ => false,
        },
        None => true,
    };
    cfg.breaks
        .iter()
        .filter(|b| within(b))
        .map(|b| {
            let groups: Vec<String> = cfg
                .groups
                .iter()
                .filter(|g| b.groups.contains(&g.id))
                .map(|g| g.label.clone())
                .collect();
            BreakView {
                date: b.date_words(),
                groups: if groups.is_empty() {
                    "alle ydelsesgrupper".into()
                } else {
                    groups.join(", ")
                },
                text: b.text.clone(),
                rule: match b.improvement {
                    crate::config::continued::BreakImprovement::Omit => {
                        "En forbedring, der sammenligner perioder på hver sin side af bruddet, udelades.".into()
                    }
                    crate::config::continued::BreakImprovement::Label => {
                        "En forbedring, der sammenligner perioder på hver sin side af bruddet, vises med en note om bruddet.".into()
                    }
                },
            }
        })
        .collect()
}

/// The method page's backtest; `None` when no backtest could be made.
pub fn backtest(cfg: &Config, res: &Results) -> Option<BacktestView> {
    let r = res.continuation.as_ref()?;
    if r.backtest.is_empty() {
        return None;
    }
    let d = cfg.presentation.decimals;
    let groups: Vec<BacktestGroup> = cfg
        .groups
        .iter()
        .map(|g| {
            let method = if g.is_total() {
                "summen af ydelsesgruppernes fremskrevne antal".to_string()
            } else {
                let m = r.method_of(&g.id);
                match r.choices.iter().find(|c| c.group == g.id) {
                    Some(c) => format!(
                        "{} ({}); den tidligere listes forskel vægter {} %",
                        m.danish(trend(r)),
                        by_words(c.by),
                        number(c.persistence * 100.0, 0)
                    ),
                    None => m.danish(trend(r)),
                }
            };
            let mut scores: Vec<&Score> = r.backtest.iter().filter(|s| s.group == g.id).collect();
            scores.sort_by(|a, b| {
                (a.horizon_months, &a.from, predictor_order(a.predictor)).cmp(&(
                    b.horizon_months,
                    &b.from,
                    predictor_order(b.predictor),
                ))
            });
            let rows = scores
                .iter()
                .map(|s| BacktestRow {
                    pair: format!("{} → {}", s.from.short(), s.to.short()),
                    predictor: predictor_words(s.predictor, r),
                    chosen: s.predictor == Predictor::Chosen,
                    spearman: number(s.spearman, 2),
                    rmse: number(s.rmse_pp, d),
                    within_5: format!("{} af {}", s.within_5, s.n),
                    within_10: format!("{} af {}", s.within_10, s.n),
                    top_10: format!("{} af 10", s.top_10),
                    bottom_10: format!("{} af 10", s.bottom_10),
                    improvement: s.improvement_spearman.map_or("–".into(), |v| number(v, 2)),
                })
                .collect();
            BacktestGroup {
                group: g.label.clone(),
                method,
                rows,
            }
        })
        .collect();
    let published: Vec<String> = r.published.iter().map(|p| p.short()).collect();
    let intro = format!(
        "Tilbagetesten forudsiger hver af ministeriets lister ud fra en liste ét eller to år tidligere — de forventede andele fremskrevet med kun det, der ville have været kendt: de faktiske tal og rammevilkårene — og sammenligner med det, ministeriet offentliggjorde. Ministeriets lister i data: {}. Metoderne alene står i rækkerne med deres navn; den valgte fremskrivning lægger desuden den tidligere listes forskel ind med den vægt, tilbagetesten har valgt — og når en liste forudsiges, er vægten valgt uden den liste. Til sammenligning den naive fremskrivning: den tidligere liste uændret. Spearman er rangkorrelationen med ministeriets placeringer (1 = samme rækkefølge); RMSE er den gennemsnitlige afvigelse fra ministeriets forventede andel i procentpoint; top/bund 10 tæller, hvor mange af ministeriets 10 bedste (dårligste), fremskrivningen også har blandt de 10 bedste (dårligste).",
        published.join(", ")
    );
    Some(BacktestView {
        intro,
        groups,
        verdict: verdict(cfg, r),
    })
}

fn predictor_order(p: Predictor) -> u8 {
    match p {
        Predictor::Chosen => 0,
        Predictor::Naive => 1,
        Predictor::Method(m) => {
            2 + ContinueMethod::CONCRETE
                .iter()
                .position(|c| *c == m)
                .unwrap_or(0) as u8
        }
    }
}

/// Where the goal holds: the chosen methods at Spearman ≥ 0,85 one year ahead and above the
/// naive baseline, in every group and pair — said plainly where not.
fn verdict(cfg: &Config, r: &Report) -> String {
    let mut short = Vec::new();
    let mut below_naive = Vec::new();
    let mut pairs = 0;
    for s in r
        .backtest
        .iter()
        .filter(|s| s.horizon_months == 12 && s.predictor == Predictor::Chosen)
    {
        pairs += 1;
        let label = cfg
            .group(&s.group)
            .map_or(s.group.to_string(), |g| g.label.clone());
        let what = format!(
            "{} {} → {} ({})",
            label,
            s.from.short(),
            s.to.short(),
            number(s.spearman, 2)
        );
        if s.spearman < 0.85 {
            short.push(what.clone());
        }
        let naive = r.backtest.iter().find(|n| {
            n.predictor == Predictor::Naive
                && n.group == s.group
                && n.from == s.from
                && n.to == s.to
        });
        if let Some(n) = naive {
            if s.spearman <= n.spearman {
                below_naive.push(format!("{what}; naiv {}", number(n.spearman, 2)));
            }
        }
    }
    if pairs == 0 {
        return "Der er ingen par af lister med ét års mellemrum at teste på.".into();
    }
    let mut out = Vec::new();
    if short.is_empty() {
        out.push(format!("Ét år frem har den valgte fremskrivning en rangkorrelation på mindst 0,85 i alle {pairs} kombinationer af ydelsesgruppe og periodepar."));
    } else {
        out.push(format!(
            "Målet om en rangkorrelation på mindst 0,85 ét år frem nås ikke i {} af {pairs} kombinationer: {}.",
            short.len(),
            short.join("; ")
        ));
    }
    if below_naive.is_empty() {
        out.push("Den er i alle kombinationer bedre end den naive fremskrivning.".into());
    } else {
        out.push(format!(
            "Den er ikke bedre end den naive fremskrivning (sidste års liste uændret) i {} kombinationer: {}.",
            below_naive.len(),
            below_naive.join("; ")
        ));
    }
    out.join(" ")
}
