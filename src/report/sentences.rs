//! Committee sentences in Danish (METHOD.md §7, REPORT.md "Sentences"), generated from the
//! unrounded numbers and checkable in the tables: facts only, no sentence about a missing figure.

use super::fmt::{count, magnitude, number, round_to, signed};
use crate::compute::Row;

/// What a sentence may talk about for one municipality in one group.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// Municipality name.
    pub name: &'a str,
    /// The group's Danish label, e.g. "Kontanthjælp mv.".
    pub label: &'a str,
    /// Whether the group is the total ("samlet set").
    pub is_total: bool,
    /// Number of municipalities in the list.
    pub n: usize,
    pub row: &'a Row,
    /// Count rounding (1 or 10).
    pub rounding: u32,
    /// Decimals of shares and gaps.
    pub decimals: usize,
    /// Rank interval level, e.g. 0.9.
    pub level: f64,
    /// Small-municipality threshold (population 16–66).
    pub small_threshold: f64,
    /// "siden året før" or "siden 4. kvt. 2020".
    pub since: &'a str,
    /// Annual cost of one full-time person on benefits (DKK), when configured.
    pub cost_per_person: Option<f64>,
    /// A continued list: the ministry's list it is carried from, e.g. "4. kvt. 2021".
    pub expected_from: Option<&'a str>,
}

/// A group label as it reads inside a sentence: "kontanthjælp mv.", but "A-dagpenge" keeps
/// its capital letter only when the second letter is a hyphen ("a-dagpenge mv.").
pub fn label_in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Ends a sentence with a full stop, unless it already ends with one ("… mv.").
fn stop(s: String) -> String {
    if s.ends_with('.') {
        s
    } else {
        s + "."
    }
}

fn plural(v: f64, step: u32) -> &'static str {
    if round_to(v, step).abs() == 1.0 {
        "fuldtidsperson"
    } else {
        "fuldtidspersoner"
    }
}

impl Facts<'_> {
    fn scope(&self) -> String {
        if self.is_total {
            "samlet set".into()
        } else {
            format!("for {}", label_in_sentence(self.label))
        }
    }

    fn level_text(&self) -> String {
        let pct = self.level * 100.0;
        if (pct - pct.round()).abs() < 1e-9 {
            format!("{} %", number(pct, 0))
        } else {
            format!("{} %", number(pct, 1))
        }
    }

    /// "i top 10" only where the confidence set lies within the top 10; where the point rank
    /// is there but the set reaches beyond, the sentence says the figures cannot tell.
    fn top_bottom(&self) -> Option<&'static str> {
        let r = self.row.rank as usize;
        let n = self.n;
        let (lo, hi) = match (self.row.rank_low, self.row.rank_high) {
            (Some(l), Some(h)) => (l as usize, h as usize),
            _ => return None,
        };
        if n > 10 && hi <= 10 {
            Some("og dermed i top 10")
        } else if n > 10 && r <= 10 {
            Some("(om kommunen hører til de 10 bedste, kan tallene ikke afgøre)")
        } else if n >= 20 && lo > n - 10 {
            Some("og dermed blandt de 10 dårligst placerede")
        } else if n >= 20 && r > n - 10 {
            Some("(om kommunen hører til de 10 dårligste, kan tallene ikke afgøre)")
        } else {
            None
        }
    }
}

/// The headline: rank, expected, actual and the difference.
///
/// "Ishøj ligger nr. 24 ud af 98 kommuner samlet set. Ud fra rammevilkårene kan man forvente
/// 1.580 fuldtidspersoner på offentlig forsørgelse. Det faktiske tal er 1.540, dvs. 40 færre end
/// forventet (−0,26 procentpoint)."
pub fn overall(f: &Facts) -> String {
    let r = f.row;
    let what = if f.is_total {
        "på offentlig forsørgelse".to_string()
    } else {
        format!("på {}", label_in_sentence(f.label))
    };
    let diff = difference(r.gap, f.rounding);
    let first = stop(format!(
        "{} ligger nr. {} ud af {} kommuner {}",
        f.name,
        r.rank,
        f.n,
        f.scope()
    ));
    if !counts_known(r) {
        return format!(
            "{first} Forskellen mellem faktisk og forventet andel er {} procentpoint.",
            signed(r.gap_pp, f.decimals)
        );
    }
    let basis = match f.expected_from {
        Some(from) => format!("Fremskrevet fra ministeriets liste for {from} kan man forvente"),
        None => "Ud fra rammevilkårene kan man forvente".to_string(),
    };
    let second = stop(format!(
        "{basis} {} {} {what}",
        count(r.expected, f.rounding),
        plural(r.expected, f.rounding)
    ));
    format!(
        "{first} {second} Det faktiske tal er {act}, {diff} ({pp} procentpoint).",
        act = count(r.actual, f.rounding),
        pp = signed(r.gap_pp, f.decimals),
    )
}

/// "dvs. 40 færre end forventet", or "svarende til det forventede" when the rounded gap is 0.
fn difference(gap: f64, rounding: u32) -> String {
    let gap = round_to(gap, rounding);
    if gap == 0.0 {
        "svarende til det forventede".to_string()
    } else {
        format!(
            "dvs. {} {} end forventet",
            count(gap.abs(), rounding),
            if gap < 0.0 { "færre" } else { "flere" }
        )
    }
}

/// One group: "For kontanthjælp mv. ligger Ishøj nr. 5: forventet 820, faktisk 720
/// fuldtidspersoner, dvs. 100 færre end forventet."
pub fn group(f: &Facts) -> String {
    let r = f.row;
    let where_ = match f.top_bottom() {
        Some(t) => format!("nr. {} {t}", r.rank),
        None => format!("nr. {}", r.rank),
    };
    let scope = f.scope();
    let mut s = scope.chars();
    let scope_cap: String = s
        .next()
        .map(|c| c.to_uppercase().chain(s).collect())
        .unwrap_or_default();
    if !counts_known(r) {
        return format!(
            "{scope_cap} ligger {name} {where_} (forskel {} procentpoint).",
            signed(r.gap_pp, f.decimals),
            name = f.name
        );
    }
    let forventet = match f.expected_from {
        Some(from) => format!("forventet (fremskrevet fra ministeriets liste for {from})"),
        None => "forventet".to_string(),
    };
    format!(
        "{scope_cap} ligger {name} {where_}: {forventet} {exp}, faktisk {act} {persons}, {diff}.",
        name = f.name,
        exp = count(r.expected, f.rounding),
        act = count(r.actual, f.rounding),
        persons = plural(r.actual, f.rounding),
        diff = difference(r.gap, f.rounding),
    )
}

/// Improvement since the comparison period, when both periods are in the data.
pub fn improvement(f: &Facts) -> Option<String> {
    let d = f.row.improvement_pp?;
    let rank = f.row.improvement_rank?;
    // The improvement rank's confidence set, as "nr. 60–98": a rank that noise alone could move.
    let set = match (f.row.improvement_rank_low, f.row.improvement_rank_high) {
        (Some(l), Some(h)) if l != h => {
            Some(format!("{}-konfidensinterval: nr. {l}–{h}", f.level_text()))
        }
        _ => None,
    };
    let paren = set.as_ref().map(|t| format!(" ({t})")).unwrap_or_default();
    let semi = set.as_ref().map(|t| format!("; {t}")).unwrap_or_default();
    let shown = magnitude(d, f.decimals);
    let rounded_zero = !shown.chars().any(|c| c.is_ascii_digit() && c != '0');
    Some(if rounded_zero {
        let who = if f.is_total {
            format!("{} er", f.name)
        } else {
            format!("For {} er {}", label_in_sentence(f.label), f.name)
        };
        format!(
            "{who} uændret {} ({} procentpoint) og er nr. {rank} af {} målt på forbedring{paren}.",
            f.since,
            number(0.0, f.decimals),
            f.n
        )
    } else if d < 0.0 {
        let who = if f.is_total {
            format!("{} er", f.name)
        } else {
            format!("For {} er {}", label_in_sentence(f.label), f.name)
        };
        format!("{who} nr. {rank} blandt de kommuner, der har forbedret sig mest {} ({shown} procentpoint{semi}).", f.since)
    } else {
        let who = if f.is_total {
            f.name.to_string()
        } else {
            format!("For {} har {}", label_in_sentence(f.label), f.name)
        };
        let verb = if f.is_total { " har" } else { "" };
        format!(
            "{who}{verb} forværret sig med {shown} procentpoint {} og er nr. {rank} af {} målt på forbedring{paren}.",
            f.since, f.n
        )
    })
}

/// A name in the genitive: "Ishøjs", "Vesthimmerlands'".
pub fn genitive(name: &str) -> String {
    match name.chars().last() {
        Some('s' | 'x' | 'z' | 'S' | 'X' | 'Z') => format!("{name}'"),
        _ => format!("{name}s"),
    }
}

/// The rank's confidence set, when there is one, said as a confidence interval — never as a
/// probability that the rank lies in it.
pub fn interval(f: &Facts) -> Option<String> {
    let (lo, hi) = (f.row.rank_low?, f.row.rank_high?);
    let scope = if f.is_total {
        String::new()
    } else {
        format!(" {}", f.scope())
    };
    let level = format!("{}-konfidensinterval", f.level_text());
    let who = genitive(f.name);
    Some(if lo == hi {
        format!(
            "Tager man højde for tilfældige udsving, ligger {who} placering{scope} fast på nr. {lo} ({level})."
        )
    } else {
        format!(
            "Tager man højde for tilfældige udsving, kan {who} placering{scope} ligge mellem nr. {lo} og nr. {hi} ({level})."
        )
    })
}

/// Whether the gap is larger than random variation explains (METHOD.md §6): against 2 and 3
/// standard errors and, across all municipalities, the Benjamini–Hochberg false discovery rate.
/// Where the expected figure is the ministry's, its own error is not in the standard error, and
/// the sentence says so.
pub fn evidence(f: &Facts) -> Option<String> {
    use crate::compute::evidence::{Evidence, FDR};
    let z = f.row.gap_z;
    let class = Evidence::of(z);
    if class == Evidence::Unknown {
        return None;
    }
    let se = format!("{} standardfejl", number(z.abs(), 1));
    let scope = if f.is_total {
        String::new()
    } else {
        format!(" {}", f.scope())
    };
    let mut s = if f.row.gap_q <= FDR {
        format!(
            "Forskellen{scope} er større, end tilfældige udsving kan forklare ({se}), også når der tages højde for, at {} kommuner sammenlignes.",
            f.n
        )
    } else if class != Evidence::Within {
        format!(
            "Forskellen{scope} er på {se} – mere end tilfældige udsving som regel giver, men blandt {} kommuner når nogle så langt alene ved et tilfælde, så det kan ikke afgøres, at forskellen er reel.",
            f.n
        )
    } else {
        format!("Forskellen{scope} er inden for, hvad tilfældige udsving kan forklare ({se}).")
    };
    if f.row.expected_source == "ministry" {
        s.push_str(" Usikkerheden i det forventede tal selv er ikke medregnet.");
    }
    Some(s)
}

/// Model mode: "Placeringen afhænger også af modellen: med andre rammevilkår eller den anden
/// metode ligger Ishøj mellem nr. 12 og nr. 40."
pub fn model_range(f: &Facts) -> Option<String> {
    let (lo, hi) = (f.row.model_rank_low?, f.row.model_rank_high?);
    let scope = if f.is_total {
        String::new()
    } else {
        format!(" {}", f.scope())
    };
    Some(if lo == hi {
        format!(
            "Placeringen{scope} afhænger ikke af modellen: med hver af rammevilkårene udeladt og med den anden metode er {} stadig nr. {lo}.",
            f.name
        )
    } else {
        format!(
            "Placeringen{scope} afhænger også af modellen: mellem nr. {lo} og nr. {hi}, alt efter hvilke rammevilkår der indgår, og hvilken metode der bruges."
        )
    })
}

/// Whether the row has counts: a list ranked from supplied gaps and standard errors alone has
/// neither expected nor actual persons, and its sentences speak of percentage points only.
fn counts_known(r: &Row) -> bool {
    r.expected.is_finite() && r.actual.is_finite()
}

/// The rammevilkår rank: "Målt på rammevilkår er Ishøj nr. 3 af 98 (1 = vanskeligste rammevilkår) for kontanthjælp mv."
/// None when the expected shares are not known (supplied gaps only).
pub fn difficulty(f: &Facts) -> Option<String> {
    if !f.row.expected_share.is_finite() {
        return None;
    }
    Some(stop(format!(
        "Målt på rammevilkår er {} nr. {} af {} (1 = vanskeligste rammevilkår) {}",
        f.name,
        f.row.difficulty_rank,
        f.n,
        f.scope()
    )))
}

/// The potential in money, when a cost per person is configured: "Havde Ishøj haft det
/// forventede antal …, ville det svare til ca. 24,0 mio. kr. mindre i udgifter om året (ved
/// 400.000 kr. pr. fuldtidsperson)."
pub fn potential(f: &Facts) -> Option<String> {
    let cost = f.cost_per_person?;
    // The amount from the unrounded gap, as in the tables; the wording from the shown one.
    let mkr = number(
        crate::compute::list::potential_mkr(f.row.gap.abs(), cost),
        1,
    );
    let gap = round_to(f.row.gap, f.rounding);
    let at = format!("ved {} kr. pr. fuldtidsperson", number(cost, 0));
    let what = if f.is_total {
        "på offentlig forsørgelse".to_string()
    } else {
        format!("på {}", label_in_sentence(f.label))
    };
    Some(if gap > 0.0 {
        format!(
            "Havde {} haft det forventede antal fuldtidspersoner {what}, ville det svare til ca. {mkr} mio. kr. mindre i udgifter om året ({at}).",
            f.name
        )
    } else if gap < 0.0 {
        format!(
            "{} har {} færre fuldtidspersoner {what} end forventet; det svarer til ca. {mkr} mio. kr. mindre i udgifter om året ({at}).",
            f.name,
            count(gap.abs(), f.rounding)
        )
    } else {
        format!(
            "{} har det forventede antal fuldtidspersoner {what}, så der er intet potentiale at hente ({at}).",
            f.name
        )
    })
}

/// The small-municipality caveat, when it applies.
pub fn small(f: &Facts) -> Option<String> {
    f.row.small.then(|| {
        format!(
            "{} har under {} indbyggere i alderen 16–66 år, så få personer kan flytte placeringen mange pladser.",
            f.name,
            number(f.small_threshold, 0)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(expected: f64, actual: f64, gap_pp: f64, rank: u32) -> Row {
        Row {
            period: "2022QMAT04".parse().unwrap(),
            group: "i-alt".into(),
            kommunekode: crate::keys::Kommunekode(183),
            kommune: "Ishøj".into(),
            population: 16_000.0,
            actual,
            expected,
            gap: actual - expected,
            actual_share: 0.0,
            expected_share: 0.0,
            gap_pp,
            rank,
            rank_low: None,
            rank_high: None,
            improvement_pp: None,
            improvement_rank: None,
            difficulty_rank: 3,
            small: false,
            improvement_rank_low: None,
            improvement_rank_high: None,
            gap_pp_se: 0.1,
            gap_z: gap_pp / 0.1,
            gap_q: f64::NAN,
            potential_mkr: None,
            model_rank_low: None,
            model_rank_high: None,
            expected_source: "ministry".into(),
        }
    }

    fn facts<'a>(r: &'a Row, label: &'a str, is_total: bool) -> Facts<'a> {
        Facts {
            name: "Ishøj",
            label,
            is_total,
            n: 98,
            row: r,
            rounding: 10,
            decimals: 2,
            level: 0.9,
            small_threshold: 5000.0,
            since: "siden året før",
            cost_per_person: None,
            expected_from: None,
        }
    }

    #[test]
    fn continued_rows_say_where_the_expected_figure_comes_from() {
        let r = row(1580.0, 1540.0, -0.26, 24);
        let mut f = facts(&r, "Ydelsesgrupper i alt", true);
        f.expected_from = Some("4. kvt. 2021");
        assert!(overall(&f).contains(
            "Fremskrevet fra ministeriets liste for 4. kvt. 2021 kan man forvente 1.580 fuldtidspersoner"
        ));
        let mut g = facts(&r, "Kontanthjælp mv.", false);
        g.expected_from = Some("4. kvt. 2021");
        assert!(group(&g).contains(
            "forventet (fremskrevet fra ministeriets liste for 4. kvt. 2021) 1.580, faktisk 1.540"
        ));
    }

    #[test]
    fn the_seed_example() {
        let r = row(1580.0, 1540.0, -0.26, 24);
        assert_eq!(
            overall(&facts(&r, "Ydelsesgrupper i alt", true)),
            "Ishøj ligger nr. 24 ud af 98 kommuner samlet set. Ud fra rammevilkårene kan man forvente 1.580 fuldtidspersoner på offentlig forsørgelse. Det faktiske tal er 1.540, dvs. 40 færre end forventet (\u{2212}0,26 procentpoint)."
        );
    }

    #[test]
    fn more_than_expected_and_exactly_as_expected() {
        let r = row(1470.0, 1530.0, 0.39, 80);
        assert!(overall(&facts(&r, "x", true)).ends_with(
            "Det faktiske tal er 1.530, dvs. 60 flere end forventet (+0,39 procentpoint)."
        ));
        let r = row(1470.0, 1472.0, 0.01, 50);
        assert!(overall(&facts(&r, "x", true)).ends_with(
            "Det faktiske tal er 1.470, svarende til det forventede (+0,01 procentpoint)."
        ));
    }

    #[test]
    fn singular_person() {
        let mut r = row(1.0, 1.0, 0.0, 1);
        (r.rank_low, r.rank_high) = (Some(1), Some(3));
        let mut f = facts(&r, "Kontanthjælp mv.", false);
        f.rounding = 1;
        assert_eq!(group(&f), "For kontanthjælp mv. ligger Ishøj nr. 1 og dermed i top 10: forventet 1, faktisk 1 fuldtidsperson, svarende til det forventede.");
    }

    #[test]
    fn group_sentences_with_top_and_bottom() {
        let mut r = row(820.0, 720.0, -0.6, 5);
        (r.rank_low, r.rank_high) = (Some(2), Some(8));
        assert_eq!(
            group(&facts(&r, "Kontanthjælp mv.", false)),
            "For kontanthjælp mv. ligger Ishøj nr. 5 og dermed i top 10: forventet 820, faktisk 720 fuldtidspersoner, dvs. 100 færre end forventet."
        );
        // The point rank is in the top 10, the confidence set is not: the figures cannot tell.
        r.rank_high = Some(30);
        assert_eq!(
            group(&facts(&r, "Kontanthjælp mv.", false)),
            "For kontanthjælp mv. ligger Ishøj nr. 5 (om kommunen hører til de 10 bedste, kan tallene ikke afgøre): forventet 820, faktisk 720 fuldtidspersoner, dvs. 100 færre end forventet."
        );
        r.rank_high = None;
        assert_eq!(
            group(&facts(&r, "Kontanthjælp mv.", false)),
            "For kontanthjælp mv. ligger Ishøj nr. 5: forventet 820, faktisk 720 fuldtidspersoner, dvs. 100 færre end forventet."
        );
        let mut r = row(350.0, 460.0, 0.67, 97);
        (r.rank_low, r.rank_high) = (Some(90), Some(98));
        assert_eq!(
            group(&facts(&r, "A-dagpenge mv.", false)),
            "For a-dagpenge mv. ligger Ishøj nr. 97 og dermed blandt de 10 dårligst placerede: forventet 350, faktisk 460 fuldtidspersoner, dvs. 110 flere end forventet."
        );
        r.rank_low = Some(60);
        assert_eq!(
            group(&facts(&r, "A-dagpenge mv.", false)),
            "For a-dagpenge mv. ligger Ishøj nr. 97 (om kommunen hører til de 10 dårligste, kan tallene ikke afgøre): forventet 350, faktisk 460 fuldtidspersoner, dvs. 110 flere end forventet."
        );
        let r = row(500.0, 550.0, 0.31, 50);
        assert_eq!(
            group(&facts(&r, "Sygedagpenge mv.", false)),
            "For sygedagpenge mv. ligger Ishøj nr. 50: forventet 500, faktisk 550 fuldtidspersoner, dvs. 50 flere end forventet."
        );
    }

    #[test]
    fn improvement_both_ways_and_missing() {
        let mut r = row(1580.0, 1540.0, -0.26, 24);
        assert_eq!(improvement(&facts(&r, "x", true)), None);
        r.improvement_pp = Some(-0.2);
        r.improvement_rank = Some(8);
        assert_eq!(
            improvement(&facts(&r, "x", true)).unwrap(),
            "Ishøj er nr. 8 blandt de kommuner, der har forbedret sig mest siden året før (0,20 procentpoint)."
        );
        r.improvement_pp = Some(0.3);
        r.improvement_rank = Some(70);
        assert_eq!(
            improvement(&facts(&r, "x", true)).unwrap(),
            "Ishøj har forværret sig med 0,30 procentpoint siden året før og er nr. 70 af 98 målt på forbedring."
        );
        assert_eq!(
            improvement(&facts(&r, "Kontanthjælp mv.", false)).unwrap(),
            "For kontanthjælp mv. har Ishøj forværret sig med 0,30 procentpoint siden året før og er nr. 70 af 98 målt på forbedring."
        );
        r.improvement_pp = Some(0.001);
        assert_eq!(
            improvement(&facts(&r, "x", true)).unwrap(),
            "Ishøj er uændret siden året før (0,00 procentpoint) og er nr. 70 af 98 målt på forbedring."
        );
    }

    #[test]
    fn interval_difficulty_small() {
        let mut r = row(1580.0, 1540.0, -0.26, 24);
        assert_eq!(interval(&facts(&r, "x", true)), None);
        r.rank_low = Some(15);
        r.rank_high = Some(33);
        assert_eq!(
            interval(&facts(&r, "x", true)).unwrap(),
            "Tager man højde for tilfældige udsving, kan Ishøjs placering ligge mellem nr. 15 og nr. 33 (90 %-konfidensinterval)."
        );
        assert_eq!(genitive("Vesthimmerlands"), "Vesthimmerlands'");
        assert_eq!(
            difficulty(&facts(&r, "Kontanthjælp mv.", false)).unwrap(),
            "Målt på rammevilkår er Ishøj nr. 3 af 98 (1 = vanskeligste rammevilkår) for kontanthjælp mv."
        );
        assert_eq!(small(&facts(&r, "x", true)), None);
        r.small = true;
        assert_eq!(
            small(&facts(&r, "x", true)).unwrap(),
            "Ishøj har under 5.000 indbyggere i alderen 16–66 år, så få personer kan flytte placeringen mange pladser."
        );
    }
}
