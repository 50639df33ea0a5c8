//! A municipality's view, shared by its page and its appendix: the Resumé, the summary table,
//! and per group the sentences, comparison group, "hele landet" and development.

use serde::Serialize;

use super::cells::{cells, national, Cells, NationalCells};
use super::common::{group_info, Common, GroupInfo};
use super::sentences::{self, Facts};
use super::{headline_group, ViewBuilder};
use crate::compute::peers::klynge_of;
use crate::compute::{RankedList, Row};
use crate::config::{ComparisonKind, Group};
use crate::keys::Kommunekode;

/// One period of a municipality's development.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    /// "4. kvt. 2022".
    pub period: String,
    pub cells: Cells,
}

/// One group on a municipality's page.
#[derive(Debug, Clone, Serialize)]
pub struct GroupDetail {
    pub group: GroupInfo,
    /// The municipality's row.
    pub row: Cells,
    /// Sentences about this group.
    pub sentences: Vec<String>,
    /// Whether the gap is beyond chance, in a sentence (the page and Word show it; the
    /// appendix has it in its table, to keep to four pages).
    pub evidence: Option<String>,
    /// Peers (with the municipality itself, sorted by rank).
    pub peers: Vec<PeerCells>,
    /// How peers were chosen, in Danish.
    pub peers_text: String,
    /// Hele landet.
    pub national: NationalCells,
    /// Development over the periods in the data.
    pub trend: Vec<TrendRow>,
    /// Whether the page shows the expected-vs-actual scatter for this group (totals only).
    pub show_scatter: bool,
    /// Every municipality's gap in rank order: the numbers behind the bar chart, as a table.
    pub all: Vec<BarRow>,
}

/// One bar of the chart, as a table row.
#[derive(Debug, Clone, Serialize)]
pub struct BarRow {
    pub rank: String,
    pub kommune: String,
    pub gap_pp: String,
    /// Whether it is the page's municipality.
    pub own: bool,
}

/// A row in the comparison table.
#[derive(Debug, Clone, Serialize)]
pub struct PeerCells {
    pub cells: Cells,
    /// Whether it is the municipality itself.
    pub own: bool,
}

/// The municipality page's and appendix's view.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityView {
    /// Shared facts.
    pub common: Common,
    pub kommunekode: String,
    pub kommune: String,
    pub region: String,
    /// The Resumé: most important first.
    pub resume: Vec<String>,
    /// The headline group's gap against chance (pages and Word add it to the Resumé; the
    /// appendix carries it in its table, to keep to four pages).
    pub resume_evidence: Option<String>,
    /// The summary table: one row per group.
    pub summary: Vec<SummaryRow>,
    /// Per group.
    pub groups: Vec<GroupDetail>,
    /// Position in `groups` of the headline group (the appendix's comparison and development).
    pub headline: usize,
    /// Model mode with the ministry's figures in the data: the two placings and why they differ.
    pub versus: Vec<String>,
    /// `[[targets]]` followed up.
    pub targets: Vec<super::targets::TargetView>,
    /// `[status]`: the status report.
    pub status: Option<super::status::StatusView>,
    /// The agenda item's texts (Word).
    pub agenda: Agenda,
}

/// The agenda item's own texts.
#[derive(Debug, Clone, Serialize)]
pub struct Agenda {
    pub committee: String,
    pub indstilling: Vec<String>,
}

/// A row of the summary table.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub group: GroupInfo,
    pub cells: Cells,
}

impl ViewBuilder<'_> {
    fn facts<'r>(&'r self, r: &'r Row, g: &'r Group, since: &'r str) -> Facts<'r> {
        Facts {
            name: &r.kommune,
            label: &g.label,
            is_total: g.is_total(),
            n: self
                .res
                .list(&r.period, &r.group)
                .map_or(0, |l| l.rows.len()),
            row: r,
            rounding: self.cfg.presentation.count_rounding,
            decimals: self.cfg.presentation.decimals,
            level: self.cfg.ranking.interval_level,
            small_threshold: self.cfg.ranking.small_population,
            since,
            cost_per_person: self.cfg.presentation.cost_per_person,
            expected_from: self.expected_from(r),
        }
    }

    /// The ministry's list a continued row's expected figure is carried from ("4. kvt. 2021").
    fn expected_from(&self, r: &Row) -> Option<&str> {
        let l = self.res.list(&r.period, &r.group)?;
        match l.expected_source {
            crate::compute::continued::ExpectedSource::Continued { .. } => self
                .common
                .continued
                .as_ref()
                .map(|c| c.from_short.as_str()),
            _ => None,
        }
    }

    /// A series break between the row's period and the one its improvement is measured against:
    /// the improvement is left out, or shown with this warning.
    fn break_sentence(&self, r: &Row) -> Option<String> {
        let l = self.res.list(&r.period, &r.group)?;
        let texts: Vec<String> = l
            .breaks_crossed
            .iter()
            .filter_map(|&i| self.cfg.breaks.get(i))
            .map(|b| format!("{}: {}", b.date_words(), b.text))
            .collect();
        if texts.is_empty() {
            return None;
        }
        let what = texts.join("; ");
        Some(if r.improvement_pp.is_some() {
            format!("Forbedringen sammenligner perioder på hver sin side af et databrud ({what}) og skal læses med forbehold.")
        } else {
            format!(
                "Forbedringen er udeladt, fordi der er et databrud mellem de to perioder ({what})."
            )
        })
    }

    fn since(&self) -> String {
        match &self.res.comparison {
            Some(c) if *c == self.res.current.year_earlier() => "siden året før".into(),
            Some(c) => format!("siden {}", c.short()),
            None => String::new(),
        }
    }

    fn group_of(&self, row: &Row) -> &Group {
        self.cfg
            .group(&row.group)
            .expect("result groups come from the config")
    }

    /// A municipality's view (page and appendix), or `None` for a code not in the results.
    pub fn municipality(&self, code: Kommunekode) -> Option<MunicipalityView> {
        let cur = &self.res.current;
        let since = self.since();
        let headline = headline_group(self.cfg);
        let head_row = self.res.row(cur, &headline.id, code)?;
        let resume = self.resume(head_row, &since);
        let mut summary = Vec::new();
        let mut groups = Vec::new();
        for list in self.res.groups.iter().filter_map(|g| self.res.list(cur, g)) {
            let Some(row) = list.row(code) else {
                continue;
            };
            let detail = self.group_detail(list, row, &since);
            summary.push(SummaryRow {
                group: detail.group.clone(),
                cells: detail.row.clone(),
            });
            groups.push(detail);
        }
        Some(MunicipalityView {
            common: self.common.clone(),
            kommunekode: code.to_string(),
            kommune: head_row.kommune.clone(),
            region: self.region_of(code),
            resume,
            resume_evidence: sentences::evidence(&self.facts(
                head_row,
                self.group_of(head_row),
                &since,
            )),
            summary,
            headline: groups
                .iter()
                .position(|g| g.group.id == headline.id.as_str())
                .unwrap_or(0),
            groups,
            versus: self.versus_sentences(head_row),
            targets: self
                .res
                .status
                .as_ref()
                .map(|f| super::targets::targets(self.cfg, self.ds, f, code))
                .unwrap_or_default(),
            status: self
                .res
                .status
                .as_ref()
                .and_then(|f| super::status::status_view(self.cfg, self.ds, f, code)),
            agenda: Agenda {
                committee: self.cfg.agenda.committee.clone(),
                indstilling: self.cfg.agenda.indstilling.clone(),
            },
        })
    }

    /// The Resumé: the headline, the group that stands out most, improvement, interval,
    /// rammevilkår and the small-municipality caveat.
    fn resume(&self, head_row: &Row, since: &str) -> Vec<String> {
        let head = self.facts(head_row, self.group_of(head_row), since);
        let mut resume = vec![sentences::overall(&head)];
        // The group that stands out most: furthest from the middle of the list.
        let n = head.n as f64;
        let standout = self
            .res
            .groups
            .iter()
            .filter(|g| **g != head_row.group)
            .filter_map(|g| self.res.row(&head_row.period, g, head_row.kommunekode))
            .max_by(|a, b| {
                let da = (a.rank as f64 - (n + 1.0) / 2.0).abs();
                let db = (b.rank as f64 - (n + 1.0) / 2.0).abs();
                da.total_cmp(&db).then(b.group.cmp(&a.group))
            });
        if let Some(s) = standout {
            resume.push(sentences::group(&self.facts(s, self.group_of(s), since)));
        }
        resume.extend(sentences::improvement(&head));
        resume.extend(self.break_sentence(head_row));
        resume.extend(sentences::interval(&head));
        resume.extend(sentences::model_range(&head));
        resume.extend(sentences::difficulty(&head));
        resume.extend(sentences::potential(&head));
        resume.extend(sentences::small(&head));
        resume
    }

    fn group_detail(&self, list: &RankedList, row: &Row, since: &str) -> GroupDetail {
        let p = &self.cfg.presentation;
        let g = self.group_of(row);
        let facts = self.facts(row, g, since);
        let mut sents = vec![if g.is_total() {
            sentences::overall(&facts)
        } else {
            sentences::group(&facts)
        }];
        sents.extend(sentences::improvement(&facts));
        sents.extend(self.break_sentence(row));
        if !g.is_total() {
            sents.extend(sentences::interval(&facts));
            sents.extend(sentences::model_range(&facts));
        }
        sents.extend(sentences::difficulty(&facts));
        let peer_count = list.peers_of(row.kommunekode).len();
        GroupDetail {
            group: group_info(self.cfg, &g.id),
            row: cells(p, row, "../"),
            sentences: sents,
            evidence: sentences::evidence(&facts),
            peers: self.peer_rows(list, row.kommunekode),
            peers_text: self.peers_text(row, peer_count),
            national: national(p, &list.national),
            trend: self.trend(row),
            show_scatter: g.is_total(),
            all: list
                .ranked()
                .iter()
                .map(|r| BarRow {
                    rank: r.rank.to_string(),
                    kommune: r.kommune.clone(),
                    gap_pp: super::fmt::signed(r.gap_pp, p.decimals),
                    own: r.kommunekode == row.kommunekode,
                })
                .collect(),
        }
    }

    /// The municipality and its comparison group, by rank then name.
    fn peer_rows(&self, list: &RankedList, code: Kommunekode) -> Vec<PeerCells> {
        let peers = list.peers_of(code);
        let mut rows: Vec<&Row> = list
            .rows
            .iter()
            .filter(|r| {
                r.kommunekode == code || peers.iter().any(|p| p.kommunekode == r.kommunekode)
            })
            .collect();
        rows.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.kommune.cmp(&b.kommune)));
        rows.into_iter()
            .map(|r| PeerCells {
                cells: cells(&self.cfg.presentation, r, "../"),
                own: r.kommunekode == code,
            })
            .collect()
    }

    /// How the comparison group was chosen, in Danish.
    fn peers_text(&self, row: &Row, peer_count: usize) -> String {
        match self.cfg.comparison.kind {
            ComparisonKind::Nearest => format!(
                "De {peer_count} kommuner med den forventede andel, der ligger tættest på {}s (sammenlignelige rammevilkår).",
                row.kommune
            ),
            ComparisonKind::Region => {
                format!("Kommunerne i samme region ({}).", self.region_of(row.kommunekode))
            }
            ComparisonKind::Klynge => match klynge_of(&self.cfg.comparison, row.kommunekode) {
                Some((k, _)) => format!("Kommunerne i klyngen {k}."),
                None => format!(
                    "{} indgår ikke i en klynge; her vises de {peer_count} kommuner med den nærmeste forventede andel.",
                    row.kommune
                ),
            },
        }
    }

    /// The group's figures in every period of the data.
    fn trend(&self, row: &Row) -> Vec<TrendRow> {
        self.res
            .periods
            .iter()
            .filter_map(|p| {
                self.res
                    .row(p, &row.group, row.kommunekode)
                    .map(|r| TrendRow {
                        period: match self.expected_from(r) {
                            Some(_) => format!("{} (fremskrevet)", p.short()),
                            None => p.short(),
                        },
                        cells: cells(&self.cfg.presentation, r, "../"),
                    })
            })
            .collect()
    }

    fn region_of(&self, code: Kommunekode) -> String {
        self.ds
            .municipality(code)
            .map(|m| m.region.clone())
            .unwrap_or_default()
    }
}
