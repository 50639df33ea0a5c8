//! The national pages' view: every group's full ranking, the municipality index and, in model
//! mode, the model report.

use serde::Serialize;

use super::cells::{cells, national, Cells, NationalCells};
use super::common::{group_info, Common, GroupInfo};
use super::fmt::number;
use super::ViewBuilder;
use crate::config::Method;

/// One group's full ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub group: GroupInfo,
    /// Rows in rank order.
    pub rows: Vec<Cells>,
    /// Hele landet.
    pub national: NationalCells,
    /// Who can be among the 10 best, in Danish, or empty.
    pub top10_text: String,
    /// Who can be among the 10 worst, in Danish, or empty.
    pub bottom10_text: String,
    /// How many gaps are beyond chance, in Danish.
    pub evidence_text: String,
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
    /// Model mode: which year each rammevilkår variable came from, per period.
    pub model_years: Option<ModelYears>,
    /// Model mode with the ministry's figures: the comparison page, per group.
    pub versus: Option<Vec<super::versus::VersusGroupView>>,
    /// Model mode: how the ranks change under the other specifications, per group.
    pub sensitivity: Option<Vec<SensitivityGroup>>,
    /// The backtest of carrying the ministry's list forward (continued and supplied mode).
    pub backtest: Option<super::continued::BacktestView>,
    /// Every configured series break, also those after the data's periods.
    pub breaks: Vec<super::continued::BreakView>,
}

/// One group's alternative specifications (current period).
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityGroup {
    pub group: String,
    pub rows: Vec<SensitivityRow>,
    /// "Medianen af modelintervallets bredde er 14 pladser; 40 af 98 kommuner kan flytte mere end 10 pladser."
    pub summary: String,
}

/// One alternative specification.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityRow {
    pub specification: String,
    pub spearman: String,
    pub max_shift: String,
    pub moved_over_10: String,
}

/// A municipality that moves a fit much.
#[derive(Debug, Clone, Serialize)]
pub struct InfluenceView {
    pub kommune: String,
    pub cooks_distance: String,
    /// Above the usual 4/n flag.
    pub flagged: bool,
}

/// Which year (or quarter) each variable's values came from, by period.
#[derive(Debug, Clone, Serialize)]
pub struct ModelYears {
    /// Period labels in Danish, oldest first.
    pub periods: Vec<String>,
    pub rows: Vec<YearRow>,
    /// Each group's R² per period.
    pub fits: Vec<FitRow>,
}

/// R² of every group's fit in every period.
#[derive(Debug, Clone, Serialize)]
pub struct FitRow {
    pub group: String,
    /// R² per period, in the order of `ModelYears::periods`.
    pub r2: Vec<String>,
}

/// One variable's years, one per period.
#[derive(Debug, Clone, Serialize)]
pub struct YearRow {
    pub variable: String,
    pub times: Vec<String>,
}

/// A link to a municipality page.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub kommunekode: String,
    pub kommune: String,
    /// Relative link from the site root.
    pub href: String,
}

/// A formatted model fit.
#[derive(Debug, Clone, Serialize)]
pub struct ModelFitView {
    /// Group id.
    pub id: String,
    /// Group label.
    pub group: String,
    /// Method in Danish.
    pub method: String,
    pub n: String,
    pub r2: String,
    /// Adjusted R².
    pub adj_r2: String,
    /// LOO RMSE.
    pub loo_rmse: String,
    /// Which standard error the `std_error` column holds.
    pub se_label: String,
    /// Which one the `other_std_error` column holds.
    pub other_se_label: String,
    pub coefficients: Vec<CoefView>,
    /// The most influential municipalities (Cook's distance).
    pub influential: Vec<InfluenceView>,
    /// The Cook's distance flag 4/n, formatted.
    pub cooks_flag: String,
}

/// A formatted coefficient.
#[derive(Debug, Clone, Serialize)]
pub struct CoefView {
    pub name: String,
    pub estimate: String,
    /// The reported standard error.
    pub std_error: String,
    pub t: String,
    /// The other standard error (robust for WLS, conventional for fractional logit).
    pub other_std_error: String,
    /// The year (or quarter, or period) the variable's values came from; empty for the constant.
    pub time: String,
    /// Variance inflation factor; empty for the constant.
    pub vif: String,
    /// Standardized coefficient; empty for the constant.
    pub standardized: String,
}

impl ViewBuilder<'_> {
    /// "Tager man højde for tilfældige udsving, kan disse 14 kommuner høre til de 10 bedste
    /// (90 %-konfidenssæt): …" — the τ-best set, names in rank order.
    fn extremes_text(&self, l: &crate::compute::RankedList, top: bool) -> String {
        let Some(e) = &l.extremes else {
            return String::new();
        };
        let flags = if top { &e.top } else { &e.bottom };
        let mut names: Vec<(u32, &str)> = l
            .rows
            .iter()
            .zip(flags)
            .filter(|(_, f)| **f)
            .map(|(r, _)| (r.rank, r.kommune.as_str()))
            .collect();
        names.sort();
        if !top {
            names.reverse();
        }
        let list: Vec<&str> = names.iter().map(|(_, n)| *n).collect();
        let which = if top { "bedste" } else { "dårligste" };
        let level = &self.common.level_text;
        // A long list helps no committee: past 20 names, say what the set means instead.
        if list.len() <= 20 {
            format!(
                "Tager man højde for tilfældige udsving, kan disse {} kommuner høre til de 10 {which} ({level}-konfidenssæt): {}.",
                list.len(),
                list.join(", ")
            )
        } else {
            format!(
                "Tager man højde for tilfældige udsving, kan {} af {} kommuner høre til de 10 {which} ({level}-konfidenssæt); tallene kan altså ikke udpege de 10 {which}.",
                list.len(),
                l.rows.len()
            )
        }
    }

    /// The national view (index, rangliste).
    pub fn index(&self) -> IndexView {
        let cur = &self.res.current;
        let p = &self.cfg.presentation;
        let lists: Vec<_> = self
            .res
            .groups
            .iter()
            .filter_map(|g| self.res.list(cur, g))
            .collect();
        let rankings = lists
            .iter()
            .map(|l| Ranking {
                group: group_info(self.cfg, &l.group),
                rows: l.ranked().into_iter().map(|r| cells(p, r, "")).collect(),
                national: national(p, &l.national),
                top10_text: self.extremes_text(l, true),
                bottom10_text: self.extremes_text(l, false),
                evidence_text: evidence_text(l),
            })
            .collect();
        let mut municipalities: Vec<Link> = lists
            .first()
            .map(|l| l.rows.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|r| Link {
                kommunekode: r.kommunekode.to_string(),
                kommune: r.kommune.clone(),
                href: format!("kommune/{}.html", r.kommunekode),
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
            model_years: self.model_years(),
            versus: self.versus_page(),
            sensitivity: self.sensitivity(),
            backtest: super::continued::backtest(self.cfg, self.res),
            breaks: super::continued::breaks(self.cfg, None),
        }
    }

    fn sensitivity(&self) -> Option<Vec<SensitivityGroup>> {
        let report = self.res.model.as_ref()?;
        let cur = &self.res.current;
        let out: Vec<SensitivityGroup> = self
            .res
            .groups
            .iter()
            .filter_map(|g| {
                let list = self.res.list(cur, g)?;
                let rows: Vec<SensitivityRow> = report
                    .specifications
                    .iter()
                    .filter(|s| &s.group == g)
                    .map(|s| SensitivityRow {
                        specification: s.specification.clone(),
                        spearman: number(s.spearman, 2),
                        max_shift: s.max_shift.to_string(),
                        moved_over_10: s.moved_over_10.to_string(),
                    })
                    .collect();
                let mut widths: Vec<u32> = list
                    .rows
                    .iter()
                    .filter_map(|r| Some(r.model_rank_high? - r.model_rank_low?))
                    .collect();
                widths.sort_unstable();
                let median = widths.get(widths.len() / 2).copied().unwrap_or(0);
                let wide = widths.iter().filter(|w| **w > 10).count();
                Some(SensitivityGroup {
                    group: self.cfg.group(g).map_or(String::new(), |x| x.label.clone()),
                    rows,
                    summary: format!(
                        "Mellem højeste og laveste placering på tværs af specifikationerne er der for den typiske kommune {median} pladser (median); for {wide} af {} kommuner mere end 10.",
                        widths.len()
                    ),
                })
            })
            .collect();
        Some(out)
    }

    fn model_years(&self) -> Option<ModelYears> {
        let report = self.res.model.as_ref()?;
        let periods = self.res.periods.clone();
        let mut rows: Vec<YearRow> = Vec::new();
        for f in &report.fits {
            let col = periods.iter().position(|p| *p == f.period)?;
            for s in &f.sources {
                let row = match rows.iter().position(|r| r.variable == s.variable) {
                    Some(i) => &mut rows[i],
                    None => {
                        rows.push(YearRow {
                            variable: s.variable.clone(),
                            times: vec![String::new(); periods.len()],
                        });
                        rows.last_mut().expect("pushed")
                    }
                };
                row.times[col] = s.time.clone();
            }
        }
        let mut fits: Vec<FitRow> = Vec::new();
        for f in &report.fits {
            let col = periods.iter().position(|p| *p == f.period)?;
            let label = self
                .cfg
                .group(&f.group)
                .map_or_else(|| f.group.to_string(), |g| g.label.clone());
            let row = match fits.iter().position(|r| r.group == label) {
                Some(i) => &mut fits[i],
                None => {
                    fits.push(FitRow {
                        group: label,
                        r2: vec![String::new(); periods.len()],
                    });
                    fits.last_mut().expect("pushed")
                }
            };
            row.r2[col] = number(f.r2, 3);
        }
        Some(ModelYears {
            periods: periods.iter().map(|p| p.short()).collect(),
            rows,
            fits,
        })
    }

    fn model_view(&self) -> Option<Vec<ModelFitView>> {
        let report = self.res.model.as_ref()?;
        Some(
            report
                .fits
                .iter()
                .filter(|f| f.period == self.res.current)
                .map(|f| ModelFitView {
                    id: f.group.to_string(),
                    group: self
                        .cfg
                        .group(&f.group)
                        .map(|g| g.label.clone())
                        .unwrap_or_else(|| f.group.to_string()),
                    method: match f.method {
                        Method::Wls => "Vægtet mindste kvadraters metode (WLS)".into(),
                        Method::FractionalLogit => "Fraktionel logit (binomial GLM)".into(),
                    },
                    n: f.n.to_string(),
                    r2: number(f.r2, 3),
                    adj_r2: number(f.adj_r2, 3),
                    loo_rmse: number(f.loo_rmse, 3),
                    se_label: match f.method {
                        Method::Wls => "Standardfejl".into(),
                        Method::FractionalLogit => "Standardfejl (robust, HC0)".into(),
                    },
                    other_se_label: match f.method {
                        Method::Wls => "Robust standardfejl (HC3)".into(),
                        Method::FractionalLogit => "Konventionel standardfejl (skala 1)".into(),
                    },
                    influential: f
                        .influential
                        .iter()
                        .map(|i| InfluenceView {
                            kommune: self.ds.name(i.kommunekode).to_string(),
                            cooks_distance: number(i.cooks_distance, 3),
                            flagged: i.cooks_distance > 4.0 / f.n as f64,
                        })
                        .collect(),
                    cooks_flag: number(4.0 / f.n as f64, 3),
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
                            vif: c.vif.map_or(String::new(), |v| number(v, 1)),
                            standardized: c.standardized.map_or(String::new(), |v| number(v, 2)),
                            time: f
                                .sources
                                .iter()
                                .find(|s| s.variable == c.name)
                                .map_or(String::new(), |s| s.time.clone()),
                            other_std_error: number(
                                match f.method {
                                    Method::Wls => c.robust_std_error,
                                    Method::FractionalLogit => c.conventional_std_error,
                                },
                                4,
                            ),
                        })
                        .collect(),
                })
                .collect(),
        )
    }
}

/// "Ydelsesgrupper i alt: 2,0 standardfejl eller mere i 40 af 98 kommuner, 3 eller mere i 25;
/// større, end tilfældige udsving kan forklare, når alle sammenlignes: 38 (20 flere og 18 færre
/// end forventet)."
fn evidence_text(l: &crate::compute::RankedList) -> String {
    use crate::compute::evidence::{Evidence, FDR};
    let n = l.rows.len();
    let known: Vec<_> = l.rows.iter().filter(|r| r.gap_z.is_finite()).collect();
    if known.is_empty() {
        return String::new();
    }
    let beyond2 = known
        .iter()
        .filter(|r| Evidence::of(r.gap_z) != Evidence::Within)
        .count();
    let beyond3 = known
        .iter()
        .filter(|r| Evidence::of(r.gap_z) == Evidence::Beyond3)
        .count();
    let flagged: Vec<_> = known.iter().filter(|r| r.gap_q <= FDR).collect();
    let more = flagged.iter().filter(|r| r.gap_pp > 0.0).count();
    format!(
        "Over 2 standardfejl i {beyond2} af {n} kommuner, over 3 i {beyond3}; større, end tilfældige udsving kan forklare, når alle sammenlignes: {} ({more} med flere og {} med færre end forventet).",
        flagged.len(),
        flagged.len() - more
    )
}
