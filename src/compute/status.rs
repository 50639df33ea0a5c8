//! The status report's numbers (METHOD.md, "Status report"): per target group and period the
//! full-time persons of a municipality, its comparison group and the whole country, and their
//! shares of the population 16–66; and every target followed up. No expected figure enters.
//!
//! A total group absent from the input is the sum of its members; a share of an area (the
//! comparison group, the country) is Σ full-time persons ÷ Σ population over its members, and
//! only when every member has both — a share over the members that happen to have data would
//! be a different area.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Results;
use crate::config::status::{Direction, Goal, Target, Versus};
use crate::config::{ComparisonKind, Config};
use crate::input::Dataset;
use crate::keys::{GroupId, Kommunekode, Period};

/// Everything the status report and the targets read, keyed by (group, period, municipality).
#[derive(Debug, Clone, Default)]
pub struct StatusFigures {
    /// The periods followed (status periods, else comparison and current period).
    pub periods: Vec<Period>,
    /// Every period with figures: the benchmark's and those followed, for the trend charts.
    pub trend: Vec<Period>,
    counts: BTreeMap<(GroupId, Period, Kommunekode), f64>,
    population: BTreeMap<(Period, Kommunekode), f64>,
    codes: Vec<Kommunekode>,
    /// Each municipality's comparison group (with itself for a klynge or region).
    comparison: BTreeMap<Kommunekode, Vec<Kommunekode>>,
}

/// The count and share of an area at one period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AreaFigure {
    /// Full-time persons.
    pub count: f64,
    /// Population 16–66.
    pub population: f64,
}

impl AreaFigure {
    /// Share of the population 16–66, pct.
    pub fn share(&self) -> f64 {
        self.count / self.population * 100.0
    }
}

/// Which area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The municipality itself.
    Own,
    /// Its comparison group.
    Comparison,
    /// The whole country.
    Country,
}

impl StatusFigures {
    /// The municipalities' full-time persons.
    pub fn count(&self, g: &GroupId, p: &Period, code: Kommunekode) -> Option<f64> {
        self.counts.get(&(g.clone(), p.clone(), code)).copied()
    }

    /// The comparison group used for a municipality.
    pub fn comparison_of(&self, code: Kommunekode) -> &[Kommunekode] {
        self.comparison.get(&code).map_or(&[], Vec::as_slice)
    }

    /// The area's figure, when every member has a count and a population.
    pub fn area(
        &self,
        g: &GroupId,
        p: &Period,
        code: Kommunekode,
        area: Area,
    ) -> Option<AreaFigure> {
        let members: &[Kommunekode] = match area {
            Area::Own => std::slice::from_ref(self.codes.iter().find(|&&c| c == code)?),
            Area::Comparison => self.comparison_of(code),
            Area::Country => &self.codes,
        };
        if members.is_empty() {
            return None;
        }
        let mut sum = AreaFigure {
            count: 0.0,
            population: 0.0,
        };
        for &m in members {
            sum.count += self.count(g, p, m)?;
            sum.population += *self.population.get(&(p.clone(), m))?;
        }
        (sum.population > 0.0).then_some(sum)
    }
}

/// Collects the counts and populations of every group of `groups` at every period followed.
pub fn figures(cfg: &Config, ds: &Dataset, res: &Results) -> StatusFigures {
    let periods = match &cfg.status {
        Some(s) => s.periods.clone(),
        None => {
            let mut p = vec![cfg.comparison_period(), cfg.report.period.clone()];
            p.dedup();
            p
        }
    };
    let codes: Vec<Kommunekode> = ds.municipalities.iter().map(|m| m.code).collect();
    let mut trend: Vec<Period> = res.periods.iter().chain(&periods).cloned().collect();
    trend.sort();
    trend.dedup();
    let mut out = StatusFigures {
        periods,
        trend: trend.clone(),
        codes: codes.clone(),
        ..StatusFigures::default()
    };
    for p in &trend {
        for &c in &codes {
            if let Some(pop) = population(ds, res, p, c) {
                out.population.insert((p.clone(), c), pop);
            }
        }
        for g in cfg.all_groups() {
            for &c in &codes {
                let pop = out.population.get(&(p.clone(), c)).copied();
                if let Some(n) = count(cfg, ds, &g.id, p, c, pop) {
                    out.counts.insert((g.id.clone(), p.clone(), c), n);
                }
            }
        }
    }
    for &c in &codes {
        out.comparison.insert(c, comparison_group(cfg, ds, res, c));
    }
    out
}

/// A group's count: as given, from its share, or (a total) the sum of its members.
fn count(
    cfg: &Config,
    ds: &Dataset,
    g: &GroupId,
    p: &Period,
    c: Kommunekode,
    population: Option<f64>,
) -> Option<f64> {
    if let Some(f) = ds.figures.get(&(p.clone(), g.clone(), c)) {
        if let Some(a) = f.actual {
            return Some(a);
        }
        if let (Some(s), Some(pop)) = (f.actual_share, population) {
            return Some(s / 100.0 * pop);
        }
    }
    let group = cfg.any_group(g)?;
    if group.total_of.is_empty() {
        return None;
    }
    group
        .total_of
        .iter()
        .map(|m| count(cfg, ds, m, p, c, population))
        .sum()
}

/// The population 16–66: the benchmark list's (which settled it from every input), else a
/// population input, else any row's own population.
fn population(ds: &Dataset, res: &Results, p: &Period, c: Kommunekode) -> Option<f64> {
    if let Some(r) = res.groups.first().and_then(|g| res.row(p, g, c)) {
        return Some(r.population);
    }
    if let Some(&v) = ds.population.get(&(p.clone(), c)) {
        return Some(v);
    }
    ds.figures
        .range((p.clone(), GroupId::new(""), Kommunekode(0))..)
        .take_while(|(k, _)| &k.0 == p)
        .filter(|(k, _)| k.2 == c)
        .find_map(|(_, f)| {
            f.population.or_else(|| match (f.actual, f.actual_share) {
                (Some(a), Some(s)) if s > 0.0 => Some(a / s * 100.0),
                _ => None,
            })
        })
}

/// The comparison group as the benchmark pages have it: the klynge or the region with the
/// municipality itself (an area's share), or the headline list's nearest peers.
fn comparison_group(cfg: &Config, ds: &Dataset, res: &Results, c: Kommunekode) -> Vec<Kommunekode> {
    match cfg.comparison.kind {
        ComparisonKind::Klynge => super::peers::klynge_of(&cfg.comparison, c)
            .map(|(_, m)| m.to_vec())
            .unwrap_or_default(),
        ComparisonKind::Region => {
            let region = ds.municipality(c).map(|m| m.region.as_str());
            ds.municipalities
                .iter()
                .filter(|m| Some(m.region.as_str()) == region)
                .map(|m| m.code)
                .collect()
        }
        ComparisonKind::Nearest => {
            let head = &cfg.headline_group().id;
            res.list(&res.current, head)
                .map(|l| l.peers_of(c).iter().map(|p| p.kommunekode).collect())
                .unwrap_or_default()
        }
    }
}

/// Whether a target is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Met,
    NotMet,
    /// A period or a figure it needs is missing.
    NotMeasurable,
}

/// A target followed up for one municipality: the state and the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub state: State,
    /// The municipality's number (percent change, share, count or change in persons).
    pub own: Option<f64>,
    /// The reference (the country's percent change, the reference share, the limit, 0).
    pub reference: Option<f64>,
    /// The periods a missing figure was looked for in, for "not measurable".
    pub missing: Vec<Period>,
}

/// Percent change of an area from → to.
fn pct_change(
    f: &StatusFigures,
    g: &GroupId,
    from: &Period,
    to: &Period,
    c: Kommunekode,
    area: Area,
) -> Option<f64> {
    let a = f.area(g, from, c, area)?;
    let b = f.area(g, to, c, area)?;
    (a.count > 0.0).then(|| (b.count - a.count) / a.count * 100.0)
}

/// Follows a target up for one municipality.
pub fn evaluate(f: &StatusFigures, t: &Target, c: Kommunekode) -> Outcome {
    let g = &t.group;
    let better = |own: f64, reference: f64, d: Direction| match d {
        Direction::Down => own < reference,
        Direction::Up => own > reference,
    };
    let missing = |periods: &[&Period]| -> Vec<Period> {
        periods
            .iter()
            .filter(|p| {
                !f.periods.contains(p)
                    || f.area(g, p, c, Area::Own).is_none() && f.count(g, p, c).is_none()
            })
            .map(|p| (*p).clone())
            .collect()
    };
    let outcome = |own: Option<f64>,
                   reference: Option<f64>,
                   met: &dyn Fn(f64, f64) -> bool,
                   periods: &[&Period]| match (own, reference) {
        (Some(o), Some(r)) => Outcome {
            state: if met(o, r) { State::Met } else { State::NotMet },
            own: Some(o),
            reference: Some(r),
            missing: Vec::new(),
        },
        _ => Outcome {
            state: State::NotMeasurable,
            own,
            reference,
            missing: missing(periods),
        },
    };
    match &t.goal {
        Goal::AsCountry {
            from,
            to,
            direction,
        } => {
            let own = pct_change(f, g, from, to, c, Area::Own);
            let country = pct_change(f, g, from, to, c, Area::Country);
            // "At least as good as": equal is met.
            outcome(
                own,
                country,
                &|o, r| o == r || better(o, r, *direction),
                &[from, to],
            )
        }
        Goal::ShareBelow { period, versus } => {
            let own = f.area(g, period, c, Area::Own).map(|a| a.share());
            let area = match versus {
                Versus::Country => Area::Country,
                Versus::Comparison => Area::Comparison,
            };
            let reference = f.area(g, period, c, area).map(|a| a.share());
            outcome(own, reference, &|o, r| o < r, &[period])
        }
        Goal::Count {
            period,
            limit,
            direction,
        } => {
            let own = f.count(g, period, c);
            outcome(
                own,
                Some(*limit),
                &|o, r| better(o, r, *direction),
                &[period],
            )
        }
        Goal::Change {
            from,
            to,
            direction,
        } => {
            let own = match (f.count(g, from, c), f.count(g, to, c)) {
                (Some(a), Some(b)) => Some(b - a),
                _ => None,
            };
            outcome(
                own,
                Some(0.0),
                &|o, r| better(o, r, *direction),
                &[from, to],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Location;

    fn figures() -> StatusFigures {
        let p1: Period = "2021Q4".parse().unwrap();
        let p2: Period = "2022Q4".parse().unwrap();
        let g = GroupId::new("g");
        let mut f = StatusFigures {
            periods: vec![p1.clone(), p2.clone()],
            codes: vec![Kommunekode(101), Kommunekode(147)],
            ..StatusFigures::default()
        };
        // 101: 100 → 90 (−10 %), 147: 200 → 190 (−5 %); country 300 → 280 (−6,7 %).
        for (c, a, b) in [(101, 100.0, 90.0), (147, 200.0, 190.0)] {
            f.counts.insert((g.clone(), p1.clone(), Kommunekode(c)), a);
            f.counts.insert((g.clone(), p2.clone(), Kommunekode(c)), b);
            f.population.insert((p1.clone(), Kommunekode(c)), 1000.0);
            f.population.insert((p2.clone(), Kommunekode(c)), 1000.0);
        }
        f.comparison
            .insert(Kommunekode(101), vec![Kommunekode(101), Kommunekode(147)]);
        f
    }

    fn target(goal: Goal) -> Target {
        Target {
            text: None,
            group: GroupId::new("g"),
            goal,
            at: Location(String::new()),
        }
    }

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn every_kind_met_not_met_and_not_measurable() {
        let f = figures();
        let down = Direction::Down;
        let cases = [
            (
                Goal::AsCountry {
                    from: p("2021Q4"),
                    to: p("2022Q4"),
                    direction: down,
                },
                101,
                State::Met,
            ),
            (
                Goal::AsCountry {
                    from: p("2021Q4"),
                    to: p("2022Q4"),
                    direction: down,
                },
                147,
                State::NotMet,
            ),
            (
                Goal::AsCountry {
                    from: p("2020Q4"),
                    to: p("2022Q4"),
                    direction: down,
                },
                101,
                State::NotMeasurable,
            ),
            (
                Goal::ShareBelow {
                    period: p("2022Q4"),
                    versus: Versus::Country,
                },
                101,
                State::Met,
            ),
            (
                Goal::ShareBelow {
                    period: p("2022Q4"),
                    versus: Versus::Comparison,
                },
                101,
                State::Met,
            ),
            (
                Goal::ShareBelow {
                    period: p("2022Q4"),
                    versus: Versus::Country,
                },
                147,
                State::NotMet,
            ),
            (
                Goal::ShareBelow {
                    period: p("2022Q4"),
                    versus: Versus::Comparison,
                },
                147,
                State::NotMeasurable,
            ),
            (
                Goal::Count {
                    period: p("2022Q4"),
                    limit: 95.0,
                    direction: down,
                },
                101,
                State::Met,
            ),
            (
                Goal::Count {
                    period: p("2022Q4"),
                    limit: 95.0,
                    direction: Direction::Up,
                },
                101,
                State::NotMet,
            ),
            (
                Goal::Count {
                    period: p("2023Q4"),
                    limit: 95.0,
                    direction: down,
                },
                101,
                State::NotMeasurable,
            ),
            (
                Goal::Change {
                    from: p("2021Q4"),
                    to: p("2022Q4"),
                    direction: down,
                },
                101,
                State::Met,
            ),
            (
                Goal::Change {
                    from: p("2021Q4"),
                    to: p("2022Q4"),
                    direction: Direction::Up,
                },
                147,
                State::NotMet,
            ),
            (
                Goal::Change {
                    from: p("2021Q4"),
                    to: p("2023Q4"),
                    direction: down,
                },
                147,
                State::NotMeasurable,
            ),
        ];
        for (goal, code, want) in cases.clone() {
            let o = evaluate(&f, &target(goal.clone()), Kommunekode(code));
            assert_eq!(o.state, want, "{goal:?} for {code}: {o:?}");
        }
        let o = evaluate(&f, &target(cases[0].0.clone()), Kommunekode(101));
        assert!((o.own.unwrap() + 10.0).abs() < 1e-12);
        assert!((o.reference.unwrap() + 20.0 / 3.0).abs() < 1e-12);
        let o = evaluate(&f, &target(cases[2].0.clone()), Kommunekode(101));
        assert_eq!(o.missing, vec![p("2020Q4")]);
    }
}
