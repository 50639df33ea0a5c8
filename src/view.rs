//! The view model: every number formatted once, every sentence generated once, shared by the
//! HTML pages (minijinja) and the PDF appendices (Typst), so the two cannot disagree.

use serde::Serialize;

use crate::config::{Config, Mode};
use crate::data::Dataset;
use crate::fmt::{count, number, signed};
use crate::output::Manifest;
use crate::period;
use crate::results::{Results, Row};
use crate::sentences::{self, label_in_sentence, Facts};

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
    /// Whether rank intervals exist.
    pub has_intervals: bool,
    /// Whether improvement exists.
    pub has_improvement: bool,
    /// How counts are rounded, in Danish.
    pub rounding_text: String,
}

/// A benefit group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupInfo {
    /// Id.
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

/// One row of numbers, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct Cells {
    /// 3-digit code.
    pub kommunekode: String,
    /// Name.
    pub kommune: String,
    /// Link from the site root.
    pub href: String,
    /// Population 16–66.
    pub population: String,
    /// Expected count.
    pub expected: String,
    /// Actual count.
    pub actual: String,
    /// Gap in persons.
    pub gap: String,
    /// Expected share.
    pub expected_share: String,
    /// Actual share.
    pub actual_share: String,
    /// Gap in pp.
    pub gap_pp: String,
    /// Rank.
    pub rank: String,
    /// "15–33", or empty.
    pub interval: String,
    /// Improvement in pp, or empty.
    pub improvement: String,
    /// Improvement rank, or empty.
    pub improvement_rank: String,
    /// Rammevilkår rank.
    pub difficulty_rank: String,
    /// Small municipality.
    pub small: bool,
}

/// "Hele landet", formatted.
#[derive(Debug, Clone, Serialize)]
pub struct NationalCells {
    /// Σpopulation.
    pub population: String,
    /// Σexpected.
    pub expected: String,
    /// Σactual.
    pub actual: String,
    /// Σactual − Σexpected.
    pub gap: String,
    /// Expected share.
    pub expected_share: String,
    /// Actual share.
    pub actual_share: String,
    /// Gap in pp.
    pub gap_pp: String,
}

/// One group's full ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    /// The group.
    pub group: GroupInfo,
    /// Rows in rank order.
    pub rows: Vec<Cells>,
    /// Hele landet.
    pub national: NationalCells,
}

/// The national pages' view.
#[derive(Debug, Clone, Serialize)]
pub struct IndexView {
    /// Shared facts.
    pub common: Common,
    /// One ranking per group.
    pub rankings: Vec<Ranking>,
    /// All municipalities by name.
    pub municipalities: Vec<Link>,
    /// Model report, formatted, in model mode.
    pub model: Option<Vec<ModelFitView>>,
}

/// A link to a municipality page.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Code.
    pub kommunekode: String,
    /// Name.
    pub kommune: String,
    /// Relative link from the site root.
    pub href: String,
}

/// One period of a municipality's development.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    /// "4. kvt. 2022".
    pub period: String,
    /// The row.
    pub cells: Cells,
}

/// One group on a municipality's page.
#[derive(Debug, Clone, Serialize)]
pub struct GroupDetail {
    /// The group.
    pub group: GroupInfo,
    /// The municipality's row.
    pub row: Cells,
    /// Sentences about this group.
    pub sentences: Vec<String>,
    /// Peers (with the municipality itself, sorted by rank).
    pub peers: Vec<PeerCells>,
    /// How peers were chosen, in Danish.
    pub peers_text: String,
    /// Hele landet.
    pub national: NationalCells,
    /// Development over the periods in the data.
    pub trend: Vec<TrendRow>,
}

/// A row in the comparison table.
#[derive(Debug, Clone, Serialize)]
pub struct PeerCells {
    /// The numbers.
    pub cells: Cells,
    /// Whether it is the municipality itself.
    pub own: bool,
}

/// The municipality page's and appendix's view.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityView {
    /// Shared facts.
    pub common: Common,
    /// Code.
    pub kommunekode: String,
    /// Name.
    pub kommune: String,
    /// Region.
    pub region: String,
    /// The Resumé: most important first.
    pub resume: Vec<String>,
    /// The summary table: one row per group.
    pub summary: Vec<SummaryRow>,
    /// Per group.
    pub groups: Vec<GroupDetail>,
}

/// A row of the summary table.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    /// The group.
    pub group: GroupInfo,
    /// The numbers.
    pub cells: Cells,
}

/// A formatted model fit.
#[derive(Debug, Clone, Serialize)]
pub struct ModelFitView {
    /// Group label.
    pub group: String,
    /// Method in Danish.
    pub method: String,
    /// n.
    pub n: String,
    /// R².
    pub r2: String,
    /// Adjusted R².
    pub adj_r2: String,
    /// LOO RMSE.
    pub loo_rmse: String,
    /// Coefficients.
    pub coefficients: Vec<CoefView>,
}

/// A formatted coefficient.
#[derive(Debug, Clone, Serialize)]
pub struct CoefView {
    /// Variable.
    pub name: String,
    /// Estimate.
    pub estimate: String,
    /// Standard error.
    pub std_error: String,
    /// t.
    pub t: String,
}

/// Builds views from results.
pub struct ViewBuilder<'a> {
    cfg: &'a Config,
    ds: &'a Dataset,
    res: &'a Results,
    common: Common,
}

fn group_info(cfg: &Config, id: &str) -> GroupInfo {
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

fn danish_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{d}. {} {y}", period::MONTHS[(m as usize).clamp(1, 12) - 1])
}

impl<'a> ViewBuilder<'a> {
    /// Prepares the shared facts.
    pub fn new(
        cfg: &'a Config,
        ds: &'a Dataset,
        res: &'a Results,
        manifest: &Manifest,
    ) -> ViewBuilder<'a> {
        let groups: Vec<GroupInfo> = res.groups.iter().map(|g| group_info(cfg, g)).collect();
        let n = res.list(&res.current, &res.groups[0]).len();
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
        let level_text = format!("{} %", number(cfg.ranking.interval_level * 100.0, 0));
        let mut caveats = vec![
            format!(
                "Små kommuner (under {} indbyggere i alderen 16–66 år) rangeres som de øvrige, men få personer kan flytte dem mange pladser.",
                number(cfg.ranking.small_population, 0)
            ),
            "Små forskelle i placering betyder lidt: se placeringens usikkerhed (interval), før en placering tillægges vægt.".to_string(),
            "Rammevilkårene forklarer ikke alt: forskellen mellem faktisk og forventet kan også skyldes forhold, modellen ikke måler.".to_string(),
        ];
        if cfg.expected.mode == Mode::Supplied {
            caveats.push("De forventede tal er Beskæftigelsesministeriets egne; de kan ikke genberegnes her.".to_string());
        }
        let common = Common {
            title: cfg.report.title.clone(),
            period: res.current.clone(),
            period_words: period::describe(&res.current),
            period_short: period::short(&res.current),
            comparison_words: res.comparison.as_deref().map(period::describe),
            period_end: period::end_date(&res.current).map(danish_date).unwrap_or_else(|| res.current.clone()),
            sources: cfg.report.sources.clone(),
            source_line: format!("Kilde: {}", cfg.report.sources.join("; ")),
            mode: manifest.mode.clone(),
            mode_text: match cfg.expected.mode {
                Mode::Supplied => "Forventede tal fra Beskæftigelsesministeriet (jobindsats.dk)".into(),
                Mode::Model => "Forventede tal beregnet af kommunebench ud fra rammevilkår (åben regressionsmodel)".into(),
            },
            version: manifest.version.clone(),
            input_hash: manifest.input_hash.clone(),
            input_hash_short: manifest.short_hash().to_string(),
            n,
            groups,
            included_text: format!("Indgår: {}.", included.join(", ")),
            excluded_text,
            caveats,
            level_text,
            has_intervals: cfg.ranking.draws > 0,
            has_improvement: res.comparison.is_some(),
            rounding_text: if cfg.presentation.count_rounding == 10 {
                "Antal er afrundet til nærmeste 10; placeringer er beregnet på de uafrundede tal.".into()
            } else {
                "Placeringer er beregnet på de uafrundede tal.".into()
            },
        };
        ViewBuilder {
            cfg,
            ds,
            res,
            common,
        }
    }

    /// The shared facts.
    pub fn common(&self) -> &Common {
        &self.common
    }

    fn cells(&self, r: &Row, href_prefix: &str) -> Cells {
        let p = &self.cfg.presentation;
        Cells {
            kommunekode: format!("{:03}", r.kommunekode),
            kommune: r.kommune.clone(),
            href: format!("{href_prefix}kommune/{:03}.html", r.kommunekode),
            population: count(r.population, p.count_rounding),
            expected: count(r.expected, p.count_rounding),
            actual: count(r.actual, p.count_rounding),
            gap: count(r.gap, p.count_rounding),
            expected_share: number(r.expected_share, p.decimals),
            actual_share: number(r.actual_share, p.decimals),
            gap_pp: signed(r.gap_pp, p.decimals),
            rank: r.rank.to_string(),
            interval: match (r.rank_low, r.rank_high) {
                (Some(l), Some(h)) => format!("{l}–{h}"),
                _ => String::new(),
            },
            improvement: r
                .improvement_pp
                .map(|v| signed(v, p.decimals))
                .unwrap_or_default(),
            improvement_rank: r
                .improvement_rank
                .map(|v| v.to_string())
                .unwrap_or_default(),
            difficulty_rank: r.difficulty_rank.to_string(),
            small: r.small,
        }
    }

    fn national(&self, period: &str, group: &str) -> NationalCells {
        let p = &self.cfg.presentation;
        let n = self
            .res
            .national(period, group)
            .expect("every list has a national row");
        NationalCells {
            population: count(n.population, p.count_rounding),
            expected: count(n.expected, p.count_rounding),
            actual: count(n.actual, p.count_rounding),
            gap: count(n.gap, p.count_rounding),
            expected_share: number(n.expected_share, p.decimals),
            actual_share: number(n.actual_share, p.decimals),
            gap_pp: signed(n.gap_pp, p.decimals),
        }
    }

    /// Rows of a list in rank order (ties by name), as the ranking tables and charts show them.
    pub fn ranked<'r>(&self, period: &str, group: &str) -> Vec<&'r Row>
    where
        'a: 'r,
    {
        let mut rows: Vec<&Row> = self.res.list(period, group).iter().collect();
        rows.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then(a.gap_pp.total_cmp(&b.gap_pp))
                .then(a.kommune.cmp(&b.kommune))
        });
        rows
    }

    /// The national view (index, rangliste).
    pub fn index(&self) -> IndexView {
        let cur = &self.res.current;
        let rankings = self
            .res
            .groups
            .iter()
            .map(|g| Ranking {
                group: group_info(self.cfg, g),
                rows: self
                    .ranked(cur, g)
                    .into_iter()
                    .map(|r| self.cells(r, ""))
                    .collect(),
                national: self.national(cur, g),
            })
            .collect();
        let mut municipalities: Vec<Link> = self
            .res
            .list(cur, &self.res.groups[0])
            .iter()
            .map(|r| Link {
                kommunekode: format!("{:03}", r.kommunekode),
                kommune: r.kommune.clone(),
                href: format!("kommune/{:03}.html", r.kommunekode),
            })
            .collect();
        municipalities.sort_by(|a, b| {
            a.kommune
                .cmp(&b.kommune)
                .then(a.kommunekode.cmp(&b.kommunekode))
        });
        IndexView {
            common: self.common.clone(),
            rankings,
            municipalities,
            model: self.model_view(),
        }
    }

    fn model_view(&self) -> Option<Vec<ModelFitView>> {
        let report = self.res.model.as_ref()?;
        Some(
            report
                .fits
                .iter()
                .filter(|f| f.period == self.res.current)
                .map(|f| ModelFitView {
                    group: self
                        .cfg
                        .group(&f.group)
                        .map(|g| g.label.clone())
                        .unwrap_or_else(|| f.group.clone()),
                    method: match f.method {
                        crate::config::Method::Wls => {
                            "Vægtet mindste kvadraters metode (WLS)".into()
                        }
                        crate::config::Method::FractionalLogit => {
                            "Fraktionel logit (binomial GLM)".into()
                        }
                    },
                    n: f.n.to_string(),
                    r2: number(f.r2, 3),
                    adj_r2: number(f.adj_r2, 3),
                    loo_rmse: number(f.loo_rmse, 3),
                    coefficients: f
                        .coefficients
                        .iter()
                        .map(|c| CoefView {
                            name: if c.name == "const" {
                                "Konstant".into()
                            } else {
                                c.name.clone()
                            },
                            estimate: number(c.estimate, 4),
                            std_error: number(c.std_error, 4),
                            t: number(c.t, 2),
                        })
                        .collect(),
                })
                .collect(),
        )
    }

    fn facts<'r>(
        &'r self,
        r: &'r Row,
        label: &'r str,
        is_total: bool,
        since: &'r str,
    ) -> Facts<'r> {
        Facts {
            name: &r.kommune,
            label,
            is_total,
            n: self.res.list(&r.period, &r.group).len(),
            row: r,
            rounding: self.cfg.presentation.count_rounding,
            decimals: self.cfg.presentation.decimals,
            level: self.cfg.ranking.interval_level,
            small_threshold: self.cfg.ranking.small_population,
            since,
        }
    }

    fn since(&self) -> String {
        match &self.res.comparison {
            Some(c) if Some(c.clone()) == period::year_earlier(&self.res.current) => {
                "siden året før".into()
            }
            Some(c) => format!("siden {}", period::short(c)),
            None => String::new(),
        }
    }

    /// A municipality's view (page and appendix).
    pub fn municipality(&self, code: u16) -> Option<MunicipalityView> {
        let cur = &self.res.current;
        let since = self.since();
        let headline_group = self.cfg.headline_group().id.get_ref().clone();
        let head_row = self.res.row(cur, &headline_group, code)?;
        let head_cfg = self.cfg.group(&headline_group).expect("configured");
        let head = self.facts(head_row, &head_cfg.label, head_cfg.is_total(), &since);

        let mut resume = vec![sentences::overall(&head)];
        // The group that stands out most: furthest from the middle of the list.
        let n = head.n as f64;
        let standout = self
            .res
            .groups
            .iter()
            .filter(|g| **g != headline_group)
            .filter_map(|g| self.res.row(cur, g, code))
            .max_by(|a, b| {
                let da = (a.rank as f64 - (n + 1.0) / 2.0).abs();
                let db = (b.rank as f64 - (n + 1.0) / 2.0).abs();
                da.total_cmp(&db).then(b.group.cmp(&a.group))
            });
        if let Some(s) = standout {
            let g = self.cfg.group(&s.group).expect("configured");
            resume.push(sentences::group(&self.facts(
                s,
                &g.label,
                g.is_total(),
                &since,
            )));
        }
        resume.extend(sentences::improvement(&head));
        resume.extend(sentences::interval(&head));
        resume.push(sentences::difficulty(&head));
        resume.extend(sentences::small(&head));

        let mut summary = Vec::new();
        let mut groups = Vec::new();
        for gid in &self.res.groups {
            let Some(row) = self.res.row(cur, gid, code) else {
                continue;
            };
            let g = self.cfg.group(gid).expect("configured");
            let facts = self.facts(row, &g.label, g.is_total(), &since);
            let info = group_info(self.cfg, gid);
            let cells = self.cells(row, "../");
            summary.push(SummaryRow {
                group: info.clone(),
                cells: cells.clone(),
            });
            let mut sents = vec![if g.is_total() {
                sentences::overall(&facts)
            } else {
                sentences::group(&facts)
            }];
            sents.extend(sentences::improvement(&facts));
            if !g.is_total() {
                sents.extend(sentences::interval(&facts));
            }
            sents.push(sentences::difficulty(&facts));

            let peer_codes: Vec<u16> = self
                .res
                .peers_of(cur, gid, code)
                .iter()
                .map(|p| p.peer_kommunekode)
                .collect();
            let mut peers: Vec<PeerCells> = self
                .res
                .list(cur, gid)
                .iter()
                .filter(|r| r.kommunekode == code || peer_codes.contains(&r.kommunekode))
                .map(|r| PeerCells {
                    cells: self.cells(r, "../"),
                    own: r.kommunekode == code,
                })
                .collect();
            peers.sort_by_key(|p| {
                (
                    p.cells.rank.parse::<u32>().unwrap_or(u32::MAX),
                    p.cells.kommune.clone(),
                )
            });
            let peers_text = match self.cfg.comparison.kind {
                crate::config::ComparisonKind::Nearest => format!(
                    "De {} kommuner med den forventede andel, der ligger tættest på {}s (sammenlignelige rammevilkår).",
                    peer_codes.len(),
                    row.kommune
                ),
                crate::config::ComparisonKind::Region => {
                    format!("Kommunerne i samme region ({}).", self.region_of(code))
                }
                crate::config::ComparisonKind::Klynge => match crate::peers::klynge_of(self.cfg, code) {
                    Some(k) => format!("Kommunerne i klyngen {k}."),
                    None => format!(
                        "{} indgår ikke i en klynge; her vises de {} kommuner med den nærmeste forventede andel.",
                        row.kommune,
                        peer_codes.len()
                    ),
                },
            };
            let trend = self
                .res
                .periods
                .iter()
                .filter_map(|p| {
                    self.res.row(p, gid, code).map(|r| TrendRow {
                        period: period::short(p),
                        cells: self.cells(r, "../"),
                    })
                })
                .collect();
            groups.push(GroupDetail {
                group: info,
                row: cells,
                sentences: sents,
                peers,
                peers_text,
                national: self.national(cur, gid),
                trend,
            });
        }
        Some(MunicipalityView {
            common: self.common.clone(),
            kommunekode: format!("{code:03}"),
            kommune: head_row.kommune.clone(),
            region: self.region_of(code),
            resume,
            summary,
            groups,
        })
    }

    fn region_of(&self, code: u16) -> String {
        self.ds
            .municipality(code)
            .map(|m| m.region.clone())
            .unwrap_or_default()
    }
}
