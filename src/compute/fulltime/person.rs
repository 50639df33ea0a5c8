//! One person's periods counted: per municipality and group (and `i-alt` across groups) each
//! day's grads summed and capped at 1, split over the counting periods; a person counted once per
//! municipality, group and period with at least one day.

use std::collections::HashMap;

use super::calendar::Calendar;
use crate::input::records::{Day, Span, WEIGHT_ONE};

/// Sums per (municipality, group, period): the grad-days (in [`WEIGHT_ONE`] units) and the persons.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sums {
    /// Key: see [`key`].
    pub cells: HashMap<u64, (i128, u64), Fx>,
}

impl Sums {
    /// Adds another set of sums (integers: the order of adding does not matter).
    pub fn merge(mut self, other: Sums) -> Sums {
        if self.cells.len() < other.cells.len() {
            return other.merge(self);
        }
        for (k, (n, p)) in other.cells {
            let e = self.cells.entry(k).or_insert((0, 0));
            e.0 += n;
            e.1 += p;
        }
        self
    }
}

/// The cell key of a municipality, group and period.
pub fn key(kommune: u16, group: u16, period: u32) -> u64 {
    (u64::from(kommune) << 48) | (u64::from(group) << 32) | u64::from(period)
}

/// The parts of a cell key.
pub fn unkey(k: u64) -> (u16, u16, u32) {
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
/// `groups[code]` lists the groups a code counts in; `ialt` is the group id of `i-alt`.
pub fn count(
    spans: &[Span],
    groups: &[Vec<u16>],
    ialt: u16,
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
        s.entries
            .push((sp.kommune, ialt, sp.fra, sp.til, sp.weight));
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
        let cell = sums.cells.entry(key(k, g, p as u32)).or_insert((0, 0));
        cell.0 += days * i128::from(w);
        if *last != p as u32 {
            cell.1 += 1;
            *last = p as u32;
        }
        p += 1;
    }
}
