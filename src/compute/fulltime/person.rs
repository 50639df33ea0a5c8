//! One person's periods counted: per municipality and group (and `i-alt` across groups) each
//! day's grads summed and capped at 1, split over the counting periods; a person counted once per
//! municipality, group and period with at least one day.

use std::collections::HashMap;
use std::sync::Arc;

use super::calendar::Calendar;
use crate::input::records::{Day, Span, WEIGHT_ONE};

/// The shape of the sums: municipality codes by dense index, groups (with `i-alt`), periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dims {
    /// Dense index of each code 0..1000 (`u16::MAX` = not a municipality).
    pub index: Arc<Vec<u16>>,
    /// Codes by dense index.
    pub codes: Arc<Vec<u16>>,
    /// Groups including `i-alt`.
    pub groups: usize,
    /// Periods.
    pub periods: usize,
}

impl Dims {
    /// The dims of these municipality codes, groups and periods.
    pub fn new(codes: &[u16], groups: usize, periods: usize) -> Dims {
        let mut index = vec![u16::MAX; 1000];
        let mut sorted: Vec<u16> = codes.iter().copied().filter(|&c| c < 1000).collect();
        sorted.sort_unstable();
        sorted.dedup();
        for (i, &c) in sorted.iter().enumerate() {
            index[usize::from(c)] = i as u16;
        }
        Dims {
            index: Arc::new(index),
            codes: Arc::new(sorted),
            groups,
            periods,
        }
    }

    fn cells(&self) -> usize {
        self.codes.len() * self.groups * self.periods
    }
}

/// Below this many cells the sums are a dense array (a national count per month: ~30,000),
/// above it (thousands of ungrouped codes over decades) a hash map.
const DENSE_MAX: usize = 4 << 20;

/// Sums per (municipality, group, period): the grad-days (in [`WEIGHT_ONE`] units) and the
/// persons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sums {
    dims: Dims,
    dense: Vec<(i128, u64)>,
    sparse: HashMap<u64, (i128, u64), Fx>,
}

impl Sums {
    /// Zero sums.
    pub fn new(dims: &Dims) -> Sums {
        Sums {
            dims: dims.clone(),
            dense: Vec::new(),
            sparse: HashMap::default(),
        }
    }

    fn slot(&mut self, k: u16, g: u16, p: usize) -> &mut (i128, u64) {
        let d = &self.dims;
        if d.cells() <= DENSE_MAX {
            if self.dense.is_empty() {
                self.dense = vec![(0, 0); d.cells()];
            }
            let ki = usize::from(d.index[usize::from(k) % 1000]);
            let i = (ki * d.groups + usize::from(g)) * d.periods + p;
            &mut self.dense[i]
        } else {
            self.sparse.entry(key(k, g, p as u32)).or_insert((0, 0))
        }
    }

    /// Adds another set of sums (integers: the order of adding does not matter).
    pub fn merge(mut self, mut other: Sums) -> Sums {
        if self.dense.len() < other.dense.len() || self.sparse.len() < other.sparse.len() {
            std::mem::swap(&mut self, &mut other);
        }
        for (a, b) in self.dense.iter_mut().zip(&other.dense) {
            a.0 += b.0;
            a.1 += b.1;
        }
        for (k, (n, p)) in other.sparse {
            let e = self.sparse.entry(k).or_insert((0, 0));
            e.0 += n;
            e.1 += p;
        }
        self
    }

    /// The cells with at least one person: (municipality, group, period, grad-days, persons).
    pub fn cells(&self) -> Vec<(u16, u16, u32, i128, u64)> {
        let d = &self.dims;
        let mut out = Vec::new();
        for (i, &(n, p)) in self.dense.iter().enumerate().filter(|(_, c)| c.1 > 0) {
            let (kg, per) = (i / d.periods, i % d.periods);
            let (ki, g) = (kg / d.groups, kg % d.groups);
            out.push((d.codes[ki], g as u16, per as u32, n, p));
        }
        for (&k, &(n, p)) in self.sparse.iter().filter(|(_, c)| c.1 > 0) {
            let (kk, g, per) = unkey(k);
            out.push((kk, g, per, n, p));
        }
        out
    }
}

/// The cell key of a municipality, group and period.
fn key(kommune: u16, group: u16, period: u32) -> u64 {
    (u64::from(kommune) << 48) | (u64::from(group) << 32) | u64::from(period)
}

/// The parts of a cell key.
fn unkey(k: u64) -> (u16, u16, u32) {
    ((k >> 48) as u16, (k >> 32) as u16, k as u32)
}

/// A fast, deterministic hasher for the integer cell keys (SipHash would dominate the count).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fx;

impl std::hash::BuildHasher for Fx {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

/// See [`Fx`].
#[derive(Debug, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Two periods of one person and code that overlap (the rows, never the person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Overlap {
    /// File and row of the earlier period.
    pub first: (u16, u64),
    /// File and row of the later one.
    pub second: (u16, u64),
    /// The benefit code.
    pub code: u32,
}

/// Reused buffers.
#[derive(Default)]
pub struct Scratch {
    entries: Vec<(u16, u16, Day, Day, i64)>,
    events: Vec<(Day, i64)>,
}

/// Counts one person. `spans` are all of the person's periods, sorted by code and first day;
/// `groups[code]` lists the groups a code counts in, `i-alt` among them.
pub fn count(
    spans: &[Span],
    groups: &[Vec<u16>],
    cal: &Calendar,
    sums: &mut Sums,
    s: &mut Scratch,
) -> Result<(), Overlap> {
    for w in spans.windows(2) {
        if w[0].code == w[1].code && w[1].fra <= w[0].til {
            return Err(Overlap {
                first: (w[0].file, w[0].row),
                second: (w[1].file, w[1].row),
                code: w[0].code,
            });
        }
    }
    s.entries.clear();
    for sp in spans {
        if sp.til < cal.from() || sp.fra > cal.to() {
            continue;
        }
        for &g in &groups[sp.code as usize] {
            s.entries.push((sp.kommune, g, sp.fra, sp.til, sp.weight));
        }
    }
    s.entries.sort_unstable();
    let mut i = 0;
    while i < s.entries.len() {
        let (k, g) = (s.entries[i].0, s.entries[i].1);
        let mut j = i + 1;
        while j < s.entries.len() && s.entries[j].0 == k && s.entries[j].1 == g {
            j += 1;
        }
        run(&s.entries[i..j], &mut s.events, cal, sums);
        i = j;
    }
    Ok(())
}

/// One municipality and group of the person: intervals sorted by first day.
fn run(
    entries: &[(u16, u16, Day, Day, i64)],
    events: &mut Vec<(Day, i64)>,
    cal: &Calendar,
    sums: &mut Sums,
) {
    let (k, g) = (entries[0].0, entries[0].1);
    let mut last = u32::MAX;
    let disjoint = entries.windows(2).all(|w| w[1].2 > w[0].3);
    if disjoint {
        for e in entries {
            add(k, g, e.2, e.3, e.4.min(WEIGHT_ONE), cal, sums, &mut last);
        }
        return;
    }
    events.clear();
    for e in entries {
        events.push((e.2, e.4));
        events.push((e.3 + 1, -e.4));
    }
    events.sort_unstable();
    let mut level = 0i64;
    let mut i = 0;
    while i < events.len() {
        let day = events[i].0;
        while i < events.len() && events[i].0 == day {
            level += events[i].1;
            i += 1;
        }
        if level > 0 && i < events.len() {
            add(
                k,
                g,
                day,
                events[i].0 - 1,
                level.min(WEIGHT_ONE),
                cal,
                sums,
                &mut last,
            );
        }
    }
}

/// Adds the days `a..=b` at weight `w`, split over the periods; `last` is the last period this
/// person was counted in for this municipality and group (segments come in time order).
#[allow(clippy::too_many_arguments)]
fn add(k: u16, g: u16, a: Day, b: Day, w: i64, cal: &Calendar, sums: &mut Sums, last: &mut u32) {
    let (a, b) = (a.max(cal.from()), b.min(cal.to()));
    if a > b {
        return;
    }
    let mut p = cal.index(a);
    while p < cal.len() {
        let (start, end) = cal.bounds(p);
        if start > b {
            break;
        }
        let days = i128::from(b.min(end) - a.max(start) + 1);
        let cell = sums.slot(k, g, p);
        cell.0 += days * i128::from(w);
        if *last != p as u32 {
            cell.1 += 1;
            *last = p as u32;
        }
        p += 1;
    }
}
