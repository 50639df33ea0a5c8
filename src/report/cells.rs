//! One row of numbers formatted for a table: counts rounded, shares and gaps with the
//! configured decimals, Danish formats. The only place result numbers become text.

use serde::Serialize;

use super::fmt::{count, number, signed};
use crate::compute::{National, Row};
use crate::config::PresentationConfig;

/// One row of numbers, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct Cells {
    /// 3-digit code.
    pub kommunekode: String,
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
    pub rank: String,
    /// "15–33", or empty.
    pub interval: String,
    /// Improvement in pp, or empty.
    pub improvement: String,
    /// Improvement rank, or empty.
    pub improvement_rank: String,
    /// Rammevilkår rank.
    pub difficulty_rank: String,
    /// Is the gap beyond random variation? "Ja (3,4 SE)", "Måske (2,1 SE)", "Nej (0,8 SE)", or
    /// empty without a standard error (see [`evidence_cell`]).
    pub evidence: String,
    /// The same without the number: "Ja", "Måske", "Nej" (narrow tables).
    pub evidence_word: String,
    /// Small municipality.
    pub small: bool,
    /// Potential in DKK million, or empty.
    pub potential: String,
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
    /// Σ potential in DKK million, or empty.
    pub potential: String,
}

/// A row's cells; `href_prefix` leads from the page to the site root.
pub fn cells(p: &PresentationConfig, r: &Row, href_prefix: &str) -> Cells {
    Cells {
        kommunekode: r.kommunekode.to_string(),
        kommune: r.kommune.clone(),
        href: format!("{href_prefix}kommune/{}.html", r.kommunekode),
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
        evidence: evidence_cell(r),
        evidence_word: evidence_cell(r)
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_string(),
        small: r.small,
        potential: r.potential_mkr.map(|v| signed(v, 1)).unwrap_or_default(),
    }
}

/// The gap against its standard error, for a table cell: "Ja" where it is beyond chance at the
/// false discovery rate, "Måske" where it passes 2 standard errors but not that, else "Nej".
pub fn evidence_cell(r: &Row) -> String {
    use crate::compute::evidence::{Evidence, FDR};
    let z = r.gap_z;
    if Evidence::of(z) == Evidence::Unknown {
        return String::new();
    }
    let word = if r.gap_q <= FDR {
        "Ja"
    } else if Evidence::of(z) != Evidence::Within {
        "Måske"
    } else {
        "Nej"
    };
    format!("{word} ({} SE)", number(z.abs(), 1))
}

/// "Hele landet" formatted.
pub fn national(p: &PresentationConfig, n: &National) -> NationalCells {
    NationalCells {
        population: count(n.population, p.count_rounding),
        expected: count(n.expected, p.count_rounding),
        actual: count(n.actual, p.count_rounding),
        gap: count(n.gap, p.count_rounding),
        expected_share: number(n.expected_share, p.decimals),
        actual_share: number(n.actual_share, p.decimals),
        gap_pp: signed(n.gap_pp, p.decimals),
        potential: n.potential_mkr.map(|v| signed(v, 1)).unwrap_or_default(),
    }
}
