//! Fuldtidspersoner from benefit periods: per municipality, group and period, the sum over
//! persons of their days on the group's benefits, weighted by grad (a day's grads within a group
//! summed and capped at 1), divided by the period's calendar days; `i-alt` counts each person-day
//! once across all groups; `personer` are distinct persons with at least one day.
//!
//! Register scale: the periods are partitioned by person ([`spill`]), then the buckets are counted
//! on all cores with exact integer sums, so the result is the same bytes whatever the input's
//! order, the number of threads or whether the buckets went to disk.

pub mod calendar;
pub mod person;
mod spill;
mod stream;

use std::path::Path;

use rayon::prelude::*;

pub use calendar::{Calendar, Per};
use person::{Overlap, Scratch, Sums};

use crate::input::records::{date, Batch, CodeRule, Reader, WEIGHT_ONE};

/// The group that counts each person-day once across all groups.
pub const I_ALT: &str = crate::input::records::I_ALT_GROUP;

/// One output cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Municipality code.
    pub kommune: u16,
    /// Group id (a code itself without a codes file; `i-alt` across all).
    pub gruppe: String,
    /// Period label.
    pub periode: String,
    /// Full-time persons, unrounded.
    pub fuldtidspersoner: f64,
    /// Distinct persons with at least one day.
    pub personer: u64,
}

/// The count.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Cells with at least one person, by municipality, group (codes-file order, else by name,
    /// `i-alt` last) and period.
    pub cells: Vec<Cell>,
    /// The groups in output order (`i-alt` last).
    pub groups: Vec<String>,
    /// Periods read (rows of ignored codes not included).
    pub periods_read: u64,
    /// True when the partition went to disk.
    pub spilled: bool,
}

/// Reads every file of `reader` and counts. With a codes file, an input grouped by person is
/// counted while it is read ([`stream`]); otherwise (or when it turns out not to be grouped)
/// the periods are partitioned by person, in memory up to `spill_at` bytes (default 192 MiB),
/// then in `tmp`. A `spill_at` given forces the partition (the tests' way to reach the disk).
pub fn count(
    reader: &Reader,
    cal: &Calendar,
    tmp: &Path,
    spill_at: Option<usize>,
    progress: &dyn Fn(u64),
) -> anyhow::Result<Table> {
    if spill_at.is_none() && reader.codes().is_some() {
        let names = reader.code_names();
        let (groups, code_groups) = grouping(reader, &names)?;
        let dims = dims(reader, groups.len(), cal);
        if let Some((sums, overlap, read)) =
            stream::count(reader, cal, &dims, &code_groups, progress)?
        {
            if let Some(o) = overlap {
                return Err(overlap_error(reader, &names, o));
            }
            return Ok(table(sums, &groups, false, cal, read, false));
        }
    }
    partitioned(reader, cal, tmp, spill_at, progress)
}

/// The sums' shape: the valid municipality codes, the groups and `i-alt`, the periods.
fn dims(reader: &Reader, groups: usize, cal: &Calendar) -> person::Dims {
    let kommuner: Vec<u16> = (0..1000u16)
        .filter(|&k| reader.valid_kommune[usize::from(k)])
        .collect();
    person::Dims::new(&kommuner, groups + 1, cal.len())
}

/// The count through the partition by person: any input order.
fn partitioned(
    reader: &Reader,
    cal: &Calendar,
    tmp: &Path,
    spill_at: Option<usize>,
    progress: &dyn Fn(u64),
) -> anyhow::Result<Table> {
    let mut buckets = spill::Buckets::new(tmp, spill_at.unwrap_or(spill::SPILL_AT));
    let mut read = 0u64;
    let route = |b: Batch| Ok((b.spans.len() as u64, spill::route(&b)));
    reader.read(progress, &route, &mut |(n, routed): (
        u64,
        spill::Routed,
    )| {
        read += n;
        buckets.add(&routed)
    })?;
    let t_read = std::time::Instant::now();
    let spilled = buckets.spilled();
    let finished = buckets.finish()?;
    let names = reader.code_names();
    let (groups, code_groups) = grouping(reader, &names)?;
    let dims = dims(reader, groups.len(), cal);
    let folded = (0..spill::BUCKETS)
        .into_par_iter()
        .try_fold(
            || (Sums::new(&dims), None::<Overlap>, Scratch::default()),
            |(mut sums, mut worst, mut scratch), i| -> anyhow::Result<_> {
                let batch = finished.take(i)?;
                if let Err(o) = bucket(batch, &code_groups, cal, &mut sums, &mut scratch) {
                    worst = Some(worst.map_or(o, |w: Overlap| w.min(o)));
                }
                Ok((sums, worst, scratch))
            },
        )
        .map(|r| r.map(|(s, w, _)| (s, w)))
        .try_reduce(
            || (Sums::new(&dims), None),
            |(a, wa), (b, wb)| {
                let w = match (wa, wb) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                };
                Ok((a.merge(b), w))
            },
        )?;
    let (sums, overlap) = folded;
    if std::env::var_os("KOMMUNEBENCH_TIMING").is_some() {
        eprintln!(
            "records: counted the buckets in {:.2} s",
            t_read.elapsed().as_secs_f64()
        );
    }
    if let Some(o) = overlap {
        return Err(overlap_error(reader, &names, o));
    }
    Ok(table(
        sums,
        &groups,
        reader.codes().is_none(),
        cal,
        read,
        spilled,
    ))
}

/// The groups in output order and, per code id, the group ids it counts in — `i-alt` (the id
/// after the last group) among them for every counted code.
fn grouping(reader: &Reader, names: &[String]) -> anyhow::Result<(Vec<String>, Vec<Vec<u16>>)> {
    if let Some(codes) = reader.codes() {
        let ialt = codes.groups.len() as u16;
        let per_code = names
            .iter()
            .map(|n| match codes.rule(n) {
                Some(CodeRule::Groups(gs)) => {
                    let mut ids: Vec<u16> = gs.iter().map(|&g| g as u16).collect();
                    if !ids.is_empty() {
                        ids.push(ialt);
                    }
                    ids
                }
                _ => Vec::new(),
            })
            .collect();
        return Ok((codes.groups.clone(), per_code));
    }
    if names.len() >= usize::from(u16::MAX) {
        crate::bail_input!(
            "more than 65,534 distinct benefit codes: give a codes file (--codes) that groups them"
        );
    }
    let ialt = names.len() as u16;
    Ok((
        names.to_vec(),
        (0..names.len()).map(|c| vec![c as u16, ialt]).collect(),
    ))
}

/// Sorts a bucket by person and counts each person.
fn bucket(
    batch: Batch,
    groups: &[Vec<u16>],
    cal: &Calendar,
    sums: &mut Sums,
    scratch: &mut Scratch,
) -> Result<(), Overlap> {
    let Batch { arena, spans } = batch;
    let person = |s: &crate::input::records::Span| {
        &arena[s.person_at as usize..s.person_at as usize + s.person_len as usize]
    };
    // Sorted by a hash of the person first (an integer compare), the person's bytes only to
    // part persons whose hashes collide: every person's periods together, in a fixed order.
    let mut keyed: Vec<(u64, crate::input::records::Span)> = spans
        .into_iter()
        .map(|s| (spill::person_hash(person(&s)), s))
        .collect();
    keyed.sort_unstable_by(|(ha, a), (hb, b)| {
        ha.cmp(hb)
            .then_with(|| person(a).cmp(person(b)))
            .then(a.code.cmp(&b.code))
            .then(a.fra.cmp(&b.fra))
            .then((a.file, a.row).cmp(&(b.file, b.row)))
    });
    let same = |x: &(u64, crate::input::records::Span), y: &(u64, crate::input::records::Span)| {
        x.0 == y.0 && person(&x.1) == person(&y.1)
    };
    let spans: Vec<crate::input::records::Span> = keyed.iter().map(|k| k.1).collect();
    let mut worst: Option<Overlap> = None;
    let mut i = 0;
    while i < spans.len() {
        let mut j = i + 1;
        while j < spans.len() && same(&keyed[j], &keyed[i]) {
            j += 1;
        }
        if let Err(o) = person::count(&spans[i..j], groups, cal, sums, scratch) {
            worst = Some(worst.map_or(o, |w| w.min(o)));
        }
        i = j;
    }
    worst.map_or(Ok(()), Err)
}

fn overlap_error(reader: &Reader, names: &[String], o: Overlap) -> anyhow::Error {
    let at = |(f, r): (u16, u64)| format!("{} row {r}", reader.files[usize::from(f)].display());
    let code = names.get(o.code as usize).map_or("?", String::as_str);
    crate::error::input_error(format!(
        "{} and {}: two periods of the same person and benefit code {code:?} overlap (column `{}` of the later one is on or before column `{}` of the earlier one), so their common days would be counted twice",
        at(o.first),
        at(o.second),
        reader.columns.fra,
        reader.columns.til,
    ))
}

fn table(
    sums: Sums,
    groups: &[String],
    by_name: bool,
    cal: &Calendar,
    read: u64,
    spilled: bool,
) -> Table {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    // Without a codes file the groups are the codes as met; name order makes the output
    // independent of which code came first.
    if by_name {
        order.sort_by(|&a, &b| groups[a].cmp(&groups[b]));
    }
    let mut rank = vec![0usize; groups.len() + 1];
    for (r, &g) in order.iter().enumerate() {
        rank[g] = r;
    }
    rank[groups.len()] = groups.len();
    let label = |g: u16| {
        groups
            .get(usize::from(g))
            .map_or(I_ALT.to_string(), Clone::clone)
    };
    let mut cells: Vec<(u16, usize, u32, Cell)> = sums
        .cells()
        .into_iter()
        .map(|(kommune, g, p, num, persons)| {
            let days = cal.days(p as usize) as f64;
            let cell = Cell {
                kommune,
                gruppe: label(g),
                periode: cal.labels[p as usize].clone(),
                fuldtidspersoner: num as f64 / (WEIGHT_ONE as f64 * days),
                personer: persons,
            };
            (kommune, rank[usize::from(g)], p, cell)
        })
        .collect();
    cells.sort_by_key(|c| (c.0, c.1, c.2));
    let mut out_groups: Vec<String> = order.iter().map(|&g| groups[g].clone()).collect();
    out_groups.push(I_ALT.into());
    Table {
        cells: cells.into_iter().map(|c| c.3).collect(),
        groups: out_groups,
        periods_read: read,
        spilled,
    }
}

/// Parses a `--from`/`--to` date.
pub fn parse_day(flag: &str, s: &str) -> anyhow::Result<date::Day> {
    date::parse(s.as_bytes()).ok_or_else(|| {
        crate::error::input_error(format!("{flag} {s:?}: not a date (expected YYYY-MM-DD)"))
    })
}
