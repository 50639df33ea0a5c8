//! From the raw TOML structs to a checked [`Config`]: one pass that names the file, line and
//! column, and the key, for everything a later stage would otherwise trip over.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::raw::{GroupConfig, InputConfig, RawConfig};
use super::{
    Comparison, Config, Decimal, Derived, Expected, Group, Input, InputFile, InputFormat,
    InputKind, InputRole, Location, Method, Mode, ModelSpec, Origin, Report, Unit,
};
use crate::error::{input_error, line_col};
use crate::keys::{GroupId, Kommunekode, Period};

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
        .map(|(i, inp)| input(&src, i, inp))
        .collect::<anyhow::Result<Vec<_>>>()?;
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
    let all_groups = groups(&src, &raw.groups)?;
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
    let derived = derived(&src, &raw)?;
    let breaks = super::continued::check_breaks(&src, &raw, &groups)?;
    let every: Vec<&Group> = groups.iter().chain(&unranked).collect();
    let comparison_period = match &report.comparison_period {
        Some((p, _)) => p.clone(),
        None => report.period.year_earlier(),
    };
    let status = super::status::check_status(
        &src,
        &raw,
        &every,
        [comparison_period.clone(), report.period.clone()],
    )?;
    let target_periods = match &status {
        Some(s) => s.periods.clone(),
        None => vec![comparison_period, report.period.clone()],
    };
    let targets = super::status::check_targets(&src, &raw, &every, &target_periods)?;
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

fn input(src: &Src, i: usize, inp: &InputConfig) -> anyhow::Result<Input> {
    let key = format!("data.inputs[{}]", i + 1);
    let kind = match inp.format {
        InputFormat::Csv => {
            let delimiter = match &inp.delimiter {
                None => {
                    return Err(src.error_at(
                        inp.path.span(),
                        format!(
                            "{key}: `delimiter` is required for format \"csv\" (\";\" or \",\")"
                        ),
                    ))
                }
                Some(d) if d.get_ref() != ";" && d.get_ref() != "," => {
                    return Err(src.error_at(
                        d.span(),
                        format!(
                            "{key}.delimiter: expected \";\" or \",\", found {:?}",
                            d.get_ref()
                        ),
                    ))
                }
                Some(d) => d.get_ref().as_bytes()[0],
            };
            let Some(decimal) = inp.decimal else {
                return Err(src.error_at(
                    inp.path.span(),
                    format!(
                        "{key}: `decimal` is required for format \"csv\" (\"comma\" or \"point\")"
                    ),
                ));
            };
            InputKind::Csv { delimiter, decimal }
        }
        InputFormat::Long => {
            let delimiter = match &inp.delimiter {
                None => b',',
                Some(d) if d.get_ref() == ";" || d.get_ref() == "," => d.get_ref().as_bytes()[0],
                Some(d) => {
                    return Err(src.error_at(
                        d.span(),
                        format!(
                            "{key}.delimiter: expected \";\" or \",\", found {:?}",
                            d.get_ref()
                        ),
                    ))
                }
            };
            InputKind::Long {
                delimiter,
                decimal: inp.decimal.unwrap_or(Decimal::Point),
            }
        }
        InputFormat::Statbank | InputFormat::Jobindsats => {
            if let Some(d) = &inp.delimiter {
                return Err(src.error_at(
                    d.span(),
                    format!(
                        "{key}.delimiter: the {} format has its own delimiter",
                        inp.format.name()
                    ),
                ));
            }
            if inp.format == InputFormat::Statbank {
                InputKind::Statbank
            } else {
                InputKind::Jobindsats
            }
        }
        InputFormat::Xlsx | InputFormat::JobindsatsJson => {
            if let Some(d) = &inp.delimiter {
                return Err(src.error_at(
                    d.span(),
                    format!("{key}.delimiter: only csv inputs have a delimiter"),
                ));
            }
            if inp.format == InputFormat::Xlsx {
                InputKind::Xlsx {
                    sheet: inp.sheet.clone(),
                    decimal: inp.decimal,
                }
            } else {
                InputKind::JobindsatsJson
            }
        }
    };
    if inp.format == InputFormat::JobindsatsJson && inp.role != InputRole::Benchmark {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}: a jobindsats-json input has role \"benchmark\""),
        ));
    }
    let dimensional = kind.is_dimensional();
    dimensional_keys(src, &key, inp, dimensional)?;
    if inp.format != InputFormat::JobindsatsJson
        && !dimensional
        && inp.columns.kommunekode.is_none()
        && inp.columns.kommune.is_none()
    {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}.columns: name the `kommunekode` or the `kommune` column"),
        ));
    }
    let file = src.resolve(inp.path.get_ref());
    if !file.is_file() {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}.path: input file {} does not exist", file.display()),
        ));
    }
    let period = match &inp.period {
        Some(p) => Some(src.period(&format!("{key}.period"), p.span(), p.get_ref())?),
        None => None,
    };
    let periods = inp
        .periods
        .iter()
        .map(|p| src.period(&format!("{key}.periods"), p.span(), p.get_ref()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let hours_per_week = inp.hours_per_week.unwrap_or(37.0);
    if !(hours_per_week.is_finite() && hours_per_week > 0.0 && hours_per_week <= 168.0) {
        return Err(src.error_at(
            inp.path.span(),
            format!("{key}.hours-per-week: expected a number of hours from 0 to 168, found {hours_per_week}"),
        ));
    }
    Ok(Input {
        file: InputFile {
            written: inp.path.get_ref().clone(),
            path: file,
        },
        kind,
        role: inp.role,
        period,
        columns: inp.columns.clone(),
        variables: inp.variables.clone(),
        select: inp
            .select
            .iter()
            .map(|(k, v)| (k.clone(), v.values()))
            .collect(),
        variable: inp.variable.as_ref().map(|v| v.get_ref().clone()),
        benefit: inp.benefit.clone(),
        value: inp.value.clone(),
        unit: inp.unit,
        hours_per_week,
        periods,
        at: src.at(inp.path.span()),
    })
}

/// The keys only dimensional inputs (StatBank, long, jobindsats tables) have, and what they
/// need: a rammevilkår input names its variable; a benchmark input a benefit column or value.
fn dimensional_keys(
    src: &Src,
    key: &str,
    inp: &InputConfig,
    dimensional: bool,
) -> anyhow::Result<()> {
    let at = inp.path.span();
    if !dimensional {
        let stray = [
            ("select", !inp.select.is_empty()),
            ("variable", inp.variable.is_some()),
            ("benefit", inp.benefit.is_some()),
            ("value", inp.value.is_some()),
            (
                "unit",
                inp.unit != Unit::Persons && inp.format == InputFormat::JobindsatsJson,
            ),
            ("periods", !inp.periods.is_empty()),
        ];
        if let Some((k, _)) = stray.iter().find(|(_, set)| *set) {
            return Err(src.error_at(
                at,
                format!("{key}.{k}: only statbank, long and jobindsats inputs take `{k}`"),
            ));
        }
        return Ok(());
    }
    if let Some((k, _)) = inp.select.iter().find(|(_, v)| v.values().is_empty()) {
        return Err(src.error_at(at, format!("{key}.select.{k}: select at least one value")));
    }
    match inp.role {
        InputRole::Rammevilkaar => match &inp.variable {
            None => Err(src.error_at(
                at,
                format!(
                    "{key}: a {} rammevilkår input needs `variable`, the variable's name",
                    inp.format.name()
                ),
            )),
            Some(v) if v.get_ref().trim().is_empty() => {
                Err(src.error_at(v.span(), format!("{key}.variable: the name is empty")))
            }
            Some(_) => Ok(()),
        },
        InputRole::Benchmark => {
            if inp.benefit.is_none() && inp.columns.benefit.is_none() && inp.columns.group.is_none()
            {
                Err(src.error_at(
                    at,
                    format!("{key}: name the benefit every row counts (`benefit = \"…\"`) or the column that holds it (`columns.benefit`)"),
                ))
            } else if inp.format == InputFormat::Long {
                Err(src.error_at(
                    at,
                    format!("{key}: a long input holds one rammevilkår variable (role = \"rammevilkaar\") or the population"),
                ))
            } else {
                Ok(())
            }
        }
        InputRole::Population => Ok(()),
    }
}

/// `[[data.derived]]`: names new and non-empty, parts given, a finite non-zero scale.
fn derived(src: &Src, raw: &RawConfig) -> anyhow::Result<Vec<Derived>> {
    let mut out: Vec<Derived> = Vec::new();
    for (i, d) in raw.data.derived.iter().enumerate() {
        let key = format!("data.derived[{}]", i + 1);
        let name = d.name.get_ref().trim().to_string();
        let at = d.name.span();
        if name.is_empty() {
            return Err(src.error_at(at, format!("{key}.name: the name is empty")));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(src.error_at(at, format!("{key}.name: {name:?} is derived twice")));
        }
        if d.numerator.is_empty() || d.denominator.is_empty() {
            return Err(src.error_at(
                at,
                format!("{key}: `numerator` and `denominator` each name at least one variable"),
            ));
        }
        if d.numerator.iter().chain(&d.denominator).any(|v| *v == name) {
            return Err(src.error_at(at, format!("{key}: {name:?} cannot be derived from itself")));
        }
        if !d.scale.is_finite() || d.scale == 0.0 {
            return Err(src.error_at(
                at,
                format!(
                    "{key}.scale: expected a finite number other than 0, found {}",
                    d.scale
                ),
            ));
        }
        let nearby = match &d.nearby {
            Some(n) => {
                let path = src.resolve(n.boundaries.get_ref());
                if !path.is_file() {
                    return Err(src.error_at(
                        n.boundaries.span(),
                        format!(
                            "{key}.nearby.boundaries: file {} does not exist",
                            path.display()
                        ),
                    ));
                }
                if !(n.bandwidth_km.is_finite() && n.bandwidth_km > 0.0 && n.bandwidth_km <= 1000.0)
                {
                    return Err(src.error_at(
                        at.clone(),
                        format!(
                            "{key}.nearby.bandwidth-km: expected a distance above 0 and at most 1000 km, found {}",
                            n.bandwidth_km
                        ),
                    ));
                }
                Some((
                    InputFile {
                        written: n.boundaries.get_ref().clone(),
                        path,
                    },
                    n.bandwidth_km,
                ))
            }
            None => None,
        };
        out.push(Derived {
            name,
            numerator: d.numerator.clone(),
            denominator: d.denominator.clone(),
            scale: d.scale,
            nearby,
            at: src.at(at),
        });
    }
    Ok(out)
}

fn groups(src: &Src, raw: &[GroupConfig]) -> anyhow::Result<Vec<Group>> {
    if raw.is_empty() {
        return Err(src.error("`groups` is empty: at least one benefit group is required"));
    }
    let mut ids = BTreeSet::new();
    for g in raw {
        let id = g.id.get_ref();
        if !GroupId::is_valid(id) {
            return Err(src.error_at(
                g.id.span(),
                format!("groups.id: {id:?} must be lowercase ASCII letters, digits and '-'"),
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(src.error_at(g.id.span(), format!("groups.id: {id:?} is defined twice")));
        }
    }
    let find = |id: &str| raw.iter().find(|g| g.id.get_ref() == id);
    for g in raw.iter().filter(|g| !g.total_of.is_empty()) {
        let gid = g.id.get_ref();
        let mut seen_benefits: BTreeMap<&str, &str> = BTreeMap::new();
        for m in &g.total_of {
            let Some(member) = find(m) else {
                return Err(src.error_at(
                    g.id.span(),
                    format!(
                        "groups {gid:?}: total-of names {m:?}, which is not a configured group"
                    ),
                ));
            };
            if !member.total_of.is_empty() {
                return Err(src.error_at(
                    g.id.span(),
                    format!("groups {gid:?}: total-of names {m:?}, which is itself a total"),
                ));
            }
            if g.total_of.iter().filter(|x| *x == m).count() > 1 {
                return Err(src.error_at(
                    g.id.span(),
                    format!(
                        "groups {gid:?}: total-of names {m:?} twice, so it would be counted twice"
                    ),
                ));
            }
            for b in &member.benefits {
                if let Some(other) = seen_benefits.insert(b, m) {
                    return Err(src.error_at(
                        g.id.span(),
                        format!(
                            "groups {gid:?}: the benefit {b:?} is in both {other:?} and {m:?}, so the total would count it twice"
                        ),
                    ));
                }
            }
        }
    }
    hierarchy(src, raw)?;
    Ok(raw
        .iter()
        .map(|g| Group {
            id: GroupId::new(g.id.get_ref().clone()),
            label: g.label.clone(),
            source_labels: g.source_labels.clone(),
            benefits: g.benefits.clone(),
            total_of: g.total_of.iter().map(|m| GroupId::new(m.clone())).collect(),
            part_of: g
                .part_of
                .as_ref()
                .map(|p| GroupId::new(p.get_ref().clone())),
        })
        .collect())
}

/// `part-of` and `rank`: a parent that exists, no cycle, no total counting a row beside the
/// row it is part of, no ranked total of unranked members, at least one ranked group.
fn hierarchy(src: &Src, raw: &[GroupConfig]) -> anyhow::Result<()> {
    let find = |id: &str| raw.iter().find(|g| g.id.get_ref() == id);
    for g in raw {
        let Some(p) = &g.part_of else { continue };
        let gid = g.id.get_ref();
        if find(p.get_ref()).is_none() {
            return Err(src.error_at(
                p.span(),
                format!(
                    "groups {gid:?}: part-of names {:?}, which is not a configured group",
                    crate::error::excerpt(p.get_ref(), 40)
                ),
            ));
        }
        // Walk up: a chain longer than the number of groups has returned to a group seen.
        let mut chain = vec![gid.as_str()];
        let mut at = p.get_ref().as_str();
        loop {
            if chain.contains(&at) {
                chain.push(at);
                return Err(src.error_at(
                    p.span(),
                    format!(
                        "groups {gid:?}: part-of makes a cycle ({})",
                        chain.join(" → ")
                    ),
                ));
            }
            chain.push(at);
            match find(at).and_then(|x| x.part_of.as_ref()) {
                Some(next) => at = next.get_ref(),
                None => break,
            }
        }
    }
    let ancestors = |id: &str| {
        let mut out = Vec::new();
        let mut at = find(id).and_then(|g| g.part_of.as_ref());
        while let Some(p) = at {
            out.push(p.get_ref().as_str());
            at = find(p.get_ref()).and_then(|g| g.part_of.as_ref());
        }
        out
    };
    for g in raw.iter().filter(|g| !g.total_of.is_empty()) {
        let gid = g.id.get_ref();
        for m in &g.total_of {
            if let Some(a) = ancestors(m)
                .into_iter()
                .find(|a| g.total_of.iter().any(|x| x == a))
            {
                return Err(src.error_at(
                    g.id.span(),
                    format!("groups {gid:?}: total-of names both {a:?} and {m:?}, which is part of it, so the total would count {m:?} twice"),
                ));
            }
            if g.rank && find(m).is_some_and(|x| !x.rank) {
                return Err(src.error_at(
                    g.id.span(),
                    format!(
                        "groups {gid:?}: a ranked total cannot sum {m:?}, which has rank = false"
                    ),
                ));
            }
        }
    }
    if !raw.iter().any(|g| g.rank) {
        return Err(
            src.error("groups: every group has rank = false; at least one group must be ranked")
        );
    }
    Ok(())
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
