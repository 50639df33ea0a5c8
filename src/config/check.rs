//! From the raw TOML structs to a checked [`Config`]: one pass that names the file, line and
//! column, and the key, for everything a later stage would otherwise trip over.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::raw::RawConfig;
use super::{
    Comparison, Config, Expected, Group, Input, InputFile, InputRole, Location, Method, Mode,
    ModelSpec, Origin, Report,
};
use crate::error::{input_error, line_col};
use crate::keys::{Kommunekode, Period};

/// Where messages point: the config file and its text.
pub(super) struct Src<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Src<'_> {
    pub(super) fn at(&self, span: Range<usize>) -> Location {
        if span.is_empty() && span.start == 0 {
            return Location(self.path.display().to_string());
        }
        let (l, c) = line_col(self.text, span.start);
        Location(format!("{}:{l}:{c}", self.path.display()))
    }

    pub(super) fn error_at(
        &self,
        span: Range<usize>,
        msg: impl std::fmt::Display,
    ) -> anyhow::Error {
        input_error(format!("{}: {msg}", self.at(span).0))
    }

    pub(super) fn error(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        input_error(format!("{}: {msg}", self.path.display()))
    }

    pub(super) fn base_dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    pub(super) fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir().join(p)
        }
    }

    pub(super) fn period(
        &self,
        key: &str,
        span: Range<usize>,
        label: &str,
    ) -> anyhow::Result<Period> {
        label
            .parse()
            .map_err(|e| self.error_at(span, format!("{key}: {e}")))
    }
}

/// Parses the TOML text and checks it.
pub(super) fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
    // Windows editors write a byte-order mark; it is not part of the TOML.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let at = match e.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                format!("{}:{l}:{c}", path.display())
            }
            None => path.display().to_string(),
        };
        input_error(format!("{at}: {}", e.message().trim_end()))
    })?;
    let src = Src { path, text };
    let report = report(&src, &raw)?;
    if raw.data.inputs.is_empty() {
        return Err(src.error("`data.inputs` is empty: at least one [[data.inputs]] is required"));
    }
    let inputs = raw
        .data
        .inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| super::inputs::input(&src, i, inp))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (municipalities, templates_dir) = files(&src, &raw)?;
    let all_groups = super::groups::groups(&src, &raw.groups)?;
    let mut groups = Vec::new();
    let mut unranked = Vec::new();
    for (g, r) in all_groups.into_iter().zip(&raw.groups) {
        if r.rank {
            groups.push(g);
        } else {
            unranked.push(g);
        }
    }
    numbers(&src, &raw)?;
    texts(&src, &raw)?;
    let expected = expected(&src, &raw, &groups, &inputs)?;
    let comparison = comparison(&src, &raw)?;
    let derived = super::inputs::derived(&src, &raw)?;
    let breaks = super::continued::check_breaks(&src, &raw, &groups)?;
    let every: Vec<&Group> = groups.iter().chain(&unranked).collect();
    let (status, targets) = follow_up(&src, &raw, &report, &every)?;
    let agenda = super::status::check_agenda(&raw);
    Ok(Config {
        unranked,
        status,
        targets,
        agenda,
        breaks,
        derived,
        origin: Origin {
            path: path.to_path_buf(),
            text: text.to_string(),
        },
        report,
        municipalities,
        inputs,
        groups,
        expected,
        ranking: raw.ranking,
        comparison,
        presentation: raw.presentation,
        templates_dir,
    })
}

/// The status report and the targets, over the status periods (or the report's period and
/// the one it is compared with).
fn follow_up(
    src: &Src,
    raw: &RawConfig,
    report: &Report,
    every: &[&Group],
) -> anyhow::Result<(Option<super::status::Status>, Vec<super::status::Target>)> {
    let comparison_period = match &report.comparison_period {
        Some((p, _)) => p.clone(),
        None => report.period.year_earlier(),
    };
    let status = super::status::check_status(
        src,
        raw,
        every,
        [comparison_period.clone(), report.period.clone()],
    )?;
    let target_periods = match &status {
        Some(s) => s.periods.clone(),
        None => vec![comparison_period, report.period.clone()],
    };
    let targets = super::status::check_targets(src, raw, every, &target_periods)?;
    Ok((status, targets))
}

/// The configured municipality list and templates folder, which must exist.
fn files(src: &Src, raw: &RawConfig) -> anyhow::Result<(Option<InputFile>, Option<PathBuf>)> {
    let municipalities = match &raw.data.municipalities {
        Some(m) => {
            let file = src.resolve(m.get_ref());
            if !file.is_file() {
                return Err(src.error_at(
                    m.span(),
                    format!(
                        "data.municipalities: file {} does not exist",
                        file.display()
                    ),
                ));
            }
            Some(InputFile {
                written: m.get_ref().clone(),
                path: file,
            })
        }
        None => None,
    };
    let templates_dir = match &raw.output.templates_dir {
        Some(t) => {
            let dir = src.resolve(t.get_ref());
            if !dir.is_dir() {
                return Err(src.error_at(
                    t.span(),
                    format!(
                        "output.templates-dir: folder {} does not exist",
                        dir.display()
                    ),
                ));
            }
            Some(dir)
        }
        None => None,
    };
    Ok((municipalities, templates_dir))
}

fn report(src: &Src, raw: &RawConfig) -> anyhow::Result<Report> {
    let r = &raw.report;
    if r.period.get_ref().trim().is_empty() {
        return Err(src.error_at(r.period.span(), "`report.period` must not be empty"));
    }
    let period = src.period("report.period", r.period.span(), r.period.get_ref())?;
    let comparison_period = match &r.comparison_period {
        Some(c) => Some((
            src.period("report.comparison-period", c.span(), c.get_ref())?,
            src.at(c.span()),
        )),
        None => None,
    };
    let accessibility_statement = match &r.accessibility_statement {
        Some(a) => {
            let url = a.get_ref().trim();
            let ok =
                (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
                    && url.len() > 1
                    && !url.chars().any(|c| {
                        c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>')
                    });
            if !ok {
                return Err(src.error_at(
                    a.span(),
                    format!(
                        "report.accessibility-statement: expected an https:// or http:// address or a path starting with /, found {:?}",
                        crate::error::excerpt(url, 60)
                    ),
                ));
            }
            Some(url.to_string())
        }
        None => None,
    };
    Ok(Report {
        period,
        period_at: src.at(r.period.span()),
        comparison_period,
        title: r.title.clone(),
        sources: r.sources.clone(),
        accessibility_statement,
    })
}

/// The most resampling draws a config may ask for: 10,000 already pins a 90 % interval's ends
/// to well under one place, and more would only cost memory (draws × municipalities × lists).
pub const MAX_DRAWS: u32 = 10_000;

fn numbers(src: &Src, raw: &RawConfig) -> anyhow::Result<()> {
    let r = &raw.ranking;
    if r.draws > MAX_DRAWS {
        return Err(src.error(format!(
            "ranking.draws: expected at most {MAX_DRAWS} (0 switches intervals off), found {}",
            r.draws
        )));
    }
    if raw.comparison.size > 10_000 {
        return Err(src.error(format!(
            "comparison.size: expected at most 10000, found {}",
            raw.comparison.size
        )));
    }
    if let Some(c) = raw.presentation.cost_per_person {
        if !(c.is_finite() && c > 0.0 && c < 1e9) {
            return Err(src.error(format!(
                "presentation.cost-per-person: expected an annual cost in DKK above 0 and below 1,000,000,000, found {c}"
            )));
        }
    }
    if !(r.interval_level > 0.0 && r.interval_level < 1.0) {
        return Err(src.error(format!(
            "ranking.interval-level: expected a number between 0 and 1, found {}",
            r.interval_level
        )));
    }
    if !r.small_population.is_finite() || r.small_population < 0.0 {
        return Err(src.error("ranking.small-population: expected a number ≥ 0"));
    }
    let p = &raw.presentation;
    if p.count_rounding != 1 && p.count_rounding != 10 {
        return Err(src.error(format!(
            "presentation.count-rounding: expected 1 or 10, found {}",
            p.count_rounding
        )));
    }
    if p.decimals > 6 {
        return Err(src.error(format!(
            "presentation.decimals: expected 0 to 6, found {}",
            p.decimals
        )));
    }
    if raw.comparison.size == 0 {
        return Err(src.error("comparison.size: expected at least 1"));
    }
    Ok(())
}

/// Every text that reaches a report must be printable with the bundled fonts.
fn texts(src: &Src, raw: &RawConfig) -> anyhow::Result<()> {
    let check = |key: &str, text: &str| match crate::fonts::unprintable(text) {
        Some(why) => Err(src.error(format!(
            "{key}: {:?} cannot be used in a report: {why}",
            crate::error::excerpt(text, 40)
        ))),
        None => Ok(()),
    };
    check("report.title", &raw.report.title)?;
    for s in &raw.report.sources {
        check("report.sources", s)?;
    }
    for g in &raw.groups {
        check(&format!("groups {:?}: label", g.id.get_ref()), &g.label)?;
    }
    for name in raw.comparison.klynger.keys() {
        check("comparison.klynger", name)?;
    }
    Ok(())
}

fn comparison(src: &Src, raw: &RawConfig) -> anyhow::Result<Comparison> {
    let mut klynger = BTreeMap::new();
    let mut klynge_at = BTreeMap::new();
    for (name, members) in &raw.comparison.klynger {
        let mut codes = Vec::new();
        for &c in members.get_ref() {
            if !(1..=999).contains(&c) {
                return Err(src.error_at(
                    members.span(),
                    format!("comparison.klynger.{name}: {c} is not a 3-digit kommunekode"),
                ));
            }
            codes.push(Kommunekode(c));
        }
        klynger.insert(name.clone(), codes);
        klynge_at.insert(name.clone(), src.at(members.span()));
    }
    Ok(Comparison {
        kind: raw.comparison.kind,
        size: raw.comparison.size,
        klynger,
        klynge_at,
    })
}

fn expected(
    src: &Src,
    raw: &RawConfig,
    groups: &[Group],
    inputs: &[Input],
) -> anyhow::Result<Expected> {
    let e = &raw.expected;
    for id in e.groups.keys() {
        if !groups.iter().any(|g| g.id.as_str() == id) {
            return Err(src.error(format!(
                "expected.groups.{id}: {id:?} is not a configured group"
            )));
        }
    }
    let mut specs = BTreeMap::new();
    if e.mode == Mode::Model {
        if !inputs.iter().any(|i| i.role == InputRole::Rammevilkaar) {
            return Err(
                src.error("expected.mode = \"model\" needs an input with role = \"rammevilkaar\"")
            );
        }
        for g in groups.iter().filter(|g| !g.is_total()) {
            let over = e.groups.get(g.id.as_str());
            let variables = over
                .and_then(|o| o.variables.clone())
                .unwrap_or_else(|| e.variables.clone());
            let method: Method = over.and_then(|o| o.method).unwrap_or(e.method);
            if variables.is_empty() {
                return Err(src.error(format!(
                    "expected.variables: model mode needs rammevilkår variables for group {:?}",
                    g.id.as_str()
                )));
            }
            specs.insert(g.id.clone(), ModelSpec { variables, method });
        }
    }
    if e.mode == Mode::Continued && !e.variables.is_empty() {
        // Continued mode's `model` methods use the open model's change of the rammevilkår.
        if !inputs.iter().any(|i| i.role == InputRole::Rammevilkaar) {
            return Err(src.error(
                "expected.variables: the open model needs an input with role = \"rammevilkaar\"",
            ));
        }
        for g in groups.iter().filter(|g| !g.is_total()) {
            let over = e.groups.get(g.id.as_str());
            let variables = over
                .and_then(|o| o.variables.clone())
                .unwrap_or_else(|| e.variables.clone());
            let method: Method = over.and_then(|o| o.method).unwrap_or(e.method);
            specs.insert(g.id.clone(), ModelSpec { variables, method });
        }
    }
    let continued = super::continued::check(src, raw, groups, !specs.is_empty())?;
    Ok(Expected {
        continued,
        mode: e.mode,
        calibrate: e.calibrate,
        specs,
        lag_years: e.lag_years,
        labels: e.labels.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = parse_str("[report]\nperiod = \"2022\"\ncolour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("test.toml:3:1: unknown field `colour`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse_str("[report]\nperiod = 2022\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("test.toml:2:10: invalid type: integer `2022`, expected a string"),
            "{err}"
        );
    }

    #[test]
    fn malformed_period_names_line_and_column() {
        let err = parse_str(
            "[report]\nperiod = \"2022X\"\n[[data.inputs]]\nformat = \"csv\"\npath = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("test.toml:2:10: report.period: \"2022X\" is not a period label"),
            "{err}"
        );
    }
}
