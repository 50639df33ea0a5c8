//! `records generate`: a seeded synthetic register of benefit periods — SYNTHETIC, no real
//! person in it — for tests, benchmarks and the example config.
//!
//! 98 municipalities (or the ones asked for), each with the persons its real counts call for:
//! the 12-month fuldtidspersoner per municipality and group in one calibration year reproduce
//! the ministry's actual counts (jobindsats Y30R21, "Faktisk antal", rounded to tens as
//! published) by construction — persons' periods are drawn at random, then whole periods are
//! dropped or short filler periods added until each cell's grad-days in the year equal the
//! published count × the year's days. Around that: periods crossing month, quarter and year ends,
//! moves between municipalities, a second benefit overlapping the first, part-time grad (as
//! `grad` and as `timer`), periods still running at the extract date, 29 February.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::input::records::date::{self, Day};

mod write;
use write::write;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// About how many benefit periods.
    pub periods: u64,
    /// The seed.
    pub seed: u64,
    /// First and last year of the register.
    pub years: (i32, i32),
    /// The jobindsats Y30R21 file (JSON lines) whose actual counts are reproduced.
    pub calibrate: PathBuf,
    /// The Y30R21 period calibrated to (`2022QMAT04` = calendar 2022); must lie in `years`.
    pub period: String,
    /// Only these municipalities (empty = all 98).
    pub kommuner: Vec<u16>,
    /// Rows in random order rather than grouped by person.
    pub shuffle: bool,
    /// The output (`.csv` or `.parquet`).
    pub out: PathBuf,
}

/// The calibrated groups: (id, Y30R21 label, benefit codes and their shares).
/// A calibrated group: id, Y30R21 label, benefit codes with their shares.
pub type GroupSpec = (&'static str, &'static str, &'static [(&'static str, f64)]);

pub const GROUPS: [GroupSpec; 3] = [
    (
        "a-dagpenge",
        "A-dagpenge mv.",
        &[("a-dagpenge", 0.93), ("kontantydelse", 0.07)],
    ),
    (
        "sygedagpenge",
        "Sygedagpenge mv.",
        &[("sygedagpenge", 0.8), ("jobafklaringsforløb", 0.2)],
    ),
    (
        "kontanthjaelp",
        "Kontanthjælp mv.",
        &[
            ("kontanthjælp", 0.45),
            ("uddannelseshjælp", 0.2),
            ("selvforsørgelses- og hjemrejseydelse", 0.1),
            ("ressourceforløbsydelse", 0.15),
            ("ledighedsydelse", 0.1),
        ],
    ),
];

/// Uncalibrated extra benefits (Y30R21 has no such group): førtidspension and fleksjob, at this
/// share of the kontanthjælp count, so that the VIVE-style group has something to count.
const EXTRA: (&[(&str, f64)], f64) = (&[("førtidspension", 0.6), ("fleksjob", 0.4)], 0.5);

/// Shares of a period's grad: full time, half (as grad), half (as 18.5 hours), a quarter.
const GRADS: [(u8, f64); 4] = [(0, 0.84), (1, 0.08), (2, 0.04), (3, 0.04)];

/// The published actual counts of one period: municipality code → group index → count.
pub fn targets(path: &Path, period: &str) -> anyhow::Result<BTreeMap<u16, [i64; 3]>> {
    let bytes = crate::error::read_file(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let by_name: BTreeMap<String, u16> = crate::input::builtin_municipalities()
        .into_iter()
        .map(|m| (m.name, m.code.0))
        .collect();
    let mut out: BTreeMap<u16, [i64; 3]> = BTreeMap::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            crate::error::input_error(format!("{}:{}: not JSON ({e})", path.display(), i + 1))
        })?;
        if v["Periode"].as_str() != Some(period) {
            continue;
        }
        let Some(g) = GROUPS
            .iter()
            .position(|g| Some(g.1) == v["Ydelsesgrupper"].as_str())
        else {
            continue;
        };
        let area = v["Area"].as_str().unwrap_or("");
        let Some(&code) = by_name.get(area) else {
            crate::bail_input!(
                "{}:{}: Area {area:?} is not a municipality of the built-in list",
                path.display(),
                i + 1
            );
        };
        let n = v.as_object().and_then(|o| {
            o.iter()
                .find(|(k, _)| k.ends_with("Faktisk antal"))
                .and_then(|(_, x)| x.as_i64())
        });
        let Some(n) = n else {
            crate::bail_input!("{}:{}: no `Faktisk antal`", path.display(), i + 1);
        };
        out.entry(code).or_default()[g] = n;
    }
    if out.is_empty() {
        crate::bail_input!("{}: no rows of period {period:?}", path.display());
    }
    Ok(out)
}

/// One generated period.
#[derive(Debug, Clone, Copy)]
struct Gen {
    person: u32,
    kommune: u16,
    code: u8,
    grad: u8,
    fra: Day,
    til: Day,
    live: bool,
}

/// The codes in generator order: the calibrated groups', then the extra ones.
fn code_table() -> Vec<(&'static str, Option<usize>)> {
    let mut v: Vec<(&str, Option<usize>)> = Vec::new();
    for (g, (_, _, codes)) in GROUPS.iter().enumerate() {
        v.extend(codes.iter().map(|c| (c.0, Some(g))));
    }
    v.extend(EXTRA.0.iter().map(|c| (c.0, None)));
    v
}

fn weight4(grad: u8) -> i64 {
    // Grad in quarters: 1 → 4, ½ → 2, ¼ → 1.
    match grad {
        0 => 4,
        1 | 2 => 2,
        _ => 1,
    }
}

/// Generates and writes; returns the number of periods and persons written.
pub fn generate(o: &GenerateOptions) -> anyhow::Result<(u64, u32)> {
    let mut t = targets(&o.calibrate, &o.period)?;
    if !o.kommuner.is_empty() {
        t.retain(|k, _| o.kommuner.contains(k));
        if t.is_empty() {
            crate::bail_input!(
                "records generate: none of the municipalities asked for is in {}",
                o.calibrate.display()
            );
        }
    }
    let year = calibration_year(&o.period)?;
    if year < o.years.0 || year > o.years.1 || o.years.0 > o.years.1 {
        crate::bail_input!(
            "records generate: the calibration year {year} is not within --years {}-{}",
            o.years.0,
            o.years.1
        );
    }
    let (y0, y1) = (date::from_civil(year, 1, 1), date::from_civil(year, 12, 31));
    let (start, end) = (
        date::from_civil(o.years.0, 1, 1),
        date::from_civil(o.years.1, 12, 31),
    );
    let codes = code_table();
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let kommuner: Vec<u16> = t.keys().copied().collect();
    let total: i64 = t.values().map(|v| v.iter().sum::<i64>()).sum();
    // Mean period length so that about `periods` periods cover the register's years.
    let person_days = total as f64 * (1.0 + EXTRA.1 / 3.0) * f64::from(end - start + 1) * 1.21;
    let mean_len = (person_days / o.periods.max(1) as f64).clamp(3.0, 3000.0);
    let mut gens: Vec<Gen> = Vec::new();
    let mut next_person = 0u32;
    for &k in &kommuner {
        for g in 0..GROUPS.len() + 1 {
            let target = if g < GROUPS.len() {
                t[&k][g]
            } else {
                (t[&k][2] as f64 * EXTRA.1) as i64
            };
            let budget = target * i64::from(y1 - y0 + 1) * 4;
            let mut used = 0i64;
            while used < budget * 95 / 100 {
                used += person(
                    &mut rng,
                    &mut gens,
                    &mut next_person,
                    k,
                    g,
                    &kommuners(&kommuner, &t),
                    mean_len,
                    (start, end),
                    (y0, y1),
                    &codes,
                );
            }
        }
    }
    calibrate(&mut rng, &mut gens, &mut next_person, &t, (y0, y1), &codes);
    let n = gens.iter().filter(|g| g.live).count() as u64;
    write(o, &gens, &codes, end, &mut rng)?;
    Ok((n, next_person))
}

fn kommuners(k: &[u16], t: &BTreeMap<u16, [i64; 3]>) -> Vec<(u16, i64)> {
    k.iter().map(|&c| (c, t[&c].iter().sum())).collect()
}

fn calibration_year(period: &str) -> anyhow::Result<i32> {
    match period.split_once("QMAT04") {
        Some((y, "")) if y.len() == 4 => y.parse().map_err(|_| {
            crate::error::input_error(format!("--period {period:?}: expected YYYYQMAT04"))
        }),
        _ => crate::bail_input!("--period {period:?}: expected a calendar-year period YYYYQMAT04"),
    }
}

/// One person's timeline in group `g` (the extra group when `g` = 3) starting in `k`: returns
/// the grad-quarter-days it adds to the calibration year wherever the person lives then.
#[allow(clippy::too_many_arguments)]
fn person(
    rng: &mut ChaCha8Rng,
    gens: &mut Vec<Gen>,
    next: &mut u32,
    k: u16,
    g: usize,
    sizes: &[(u16, i64)],
    mean: f64,
    (start, end): (Day, Day),
    (y0, y1): (Day, Day),
    codes: &[(&str, Option<usize>)],
) -> i64 {
    let id = *next;
    *next += 1;
    let pool: Vec<(usize, f64)> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            if g < GROUPS.len() {
                c.1 == Some(g)
            } else {
                c.1.is_none()
            }
        })
        .map(|(i, c)| (i, share(c.0)))
        .collect();
    let spells = 1 + (rng.random::<f64>().ln() / (0.7f64).ln()) as usize;
    let mut day = start + (rng.random::<f64>() * f64::from(end - start + 1)) as Day;
    let mut kommune = k;
    let mut used = 0;
    for _ in 0..spells.min(40) {
        if day > end {
            break;
        }
        let len = 1 + (-rng.random::<f64>().ln() * mean) as Day;
        let code = pick(rng, &pool) as u8;
        let grad = pick(rng, &GRADS.map(|(g, s)| (g as usize, s))) as u8;
        let (fra, til) = (day, day + len - 1);
        gens.push(Gen {
            person: id,
            kommune,
            code,
            grad,
            fra,
            til,
            live: true,
        });
        used += overlap(fra, til, y0, y1) * weight4(grad);
        // A second benefit of another calibrated group inside this one (sygedagpenge during
        // kontanthjælp, say): each group counts it, `i-alt` once.
        if g < GROUPS.len() && len > 10 && rng.random::<f64>() < 0.05 {
            let other = (g + 1 + rng.random_range(0..GROUPS.len() - 1)) % GROUPS.len();
            let opool: Vec<(usize, f64)> = codes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.1 == Some(other))
                .map(|(i, c)| (i, share(c.0)))
                .collect();
            let a = fra + rng.random_range(0..len / 2);
            let b = (a + rng.random_range(1..=len / 2)).min(til);
            gens.push(Gen {
                person: id,
                kommune,
                code: pick(rng, &opool) as u8,
                grad: 0,
                fra: a,
                til: b,
                live: true,
            });
        }
        // A move between municipalities, weighted by size, at a period's end.
        if rng.random::<f64>() < 0.04 && sizes.len() > 1 {
            kommune = weighted(rng, sizes);
        }
        day = til + 1 + (-rng.random::<f64>().ln() * mean * 0.6) as Day;
    }
    used
}

fn share(code: &str) -> f64 {
    GROUPS
        .iter()
        .flat_map(|g| g.2.iter())
        .chain(EXTRA.0.iter())
        .find(|c| c.0 == code)
        .map_or(1.0, |c| c.1)
}

fn pick(rng: &mut ChaCha8Rng, pool: &[(usize, f64)]) -> usize {
    let total: f64 = pool.iter().map(|p| p.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(i, s) in pool {
        if x < s {
            return i;
        }
        x -= s;
    }
    pool.last().map_or(0, |p| p.0)
}

fn weighted(rng: &mut ChaCha8Rng, sizes: &[(u16, i64)]) -> u16 {
    let pool: Vec<(usize, f64)> = sizes
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.1 as f64))
        .collect();
    sizes[pick(rng, &pool)].0
}

fn overlap(a: Day, b: Day, y0: Day, y1: Day) -> i64 {
    i64::from((b.min(y1) - a.max(y0) + 1).max(0))
}

/// Drops periods, then adds short full-time filler periods of new persons, until every
/// calibrated municipality and group has exactly its published count in the calibration year.
fn calibrate(
    rng: &mut ChaCha8Rng,
    gens: &mut Vec<Gen>,
    next: &mut u32,
    t: &BTreeMap<u16, [i64; 3]>,
    (y0, y1): (Day, Day),
    codes: &[(&str, Option<usize>)],
) {
    let year = i64::from(y1 - y0 + 1);
    let mut used: BTreeMap<(u16, usize), i64> = BTreeMap::new();
    for g in gens.iter() {
        if let Some(grp) = codes[g.code as usize].1 {
            *used.entry((g.kommune, grp)).or_default() +=
                overlap(g.fra, g.til, y0, y1) * weight4(g.grad);
        }
    }
    // Over budget (moves in): drop the latest periods in the year until within it.
    for i in (0..gens.len()).rev() {
        let g = gens[i];
        let Some(grp) = codes[g.code as usize].1 else {
            continue;
        };
        let Some(target) = t.get(&g.kommune).map(|v| v[grp] * year * 4) else {
            gens[i].live = false;
            continue;
        };
        let w = overlap(g.fra, g.til, y0, y1) * weight4(g.grad);
        let u = used.entry((g.kommune, grp)).or_default();
        if w > 0 && *u > target {
            gens[i].live = false;
            *u -= w;
        }
    }
    for (&k, v) in t {
        for (grp, &n) in v.iter().enumerate() {
            let mut missing = n * year * 4 - used.get(&(k, grp)).copied().unwrap_or(0);
            let code = codes.iter().position(|c| c.1 == Some(grp)).unwrap_or(0) as u8;
            while missing > 0 {
                let id = *next;
                *next += 1;
                // Whole days at full time, the last quarter-days at grad ¼, ½ or ¾ (as ¼ + ½).
                let days = (missing / 4).min(year - 1).max(0) as Day;
                if days > 0 {
                    let fra = y0 + rng.random_range(0..=(year as Day - days));
                    gens.push(Gen {
                        person: id,
                        kommune: k,
                        code,
                        grad: 0,
                        fra,
                        til: fra + days - 1,
                        live: true,
                    });
                    missing -= i64::from(days) * 4;
                    continue;
                }
                let day = y0 + rng.random_range(0..year as Day);
                let grad = if missing >= 2 { 1 } else { 3 };
                gens.push(Gen {
                    person: id,
                    kommune: k,
                    code,
                    grad,
                    fra: day,
                    til: day,
                    live: true,
                });
                missing -= weight4(grad);
            }
        }
    }
}
