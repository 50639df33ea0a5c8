//! A register grouped by person (each person's rows together, as case systems and the register
//! export them) counted while it is read: no partition. Each block's persons are counted on the
//! reading thread that parsed it; the first and last person of a block, who may go on in the
//! next or previous block, are joined in file order. The grouping is checked, not assumed: a
//! person met again in another place of one block stops the reading at once, and the persons'
//! hashes are compared once all is read; either way the count falls back to the partition
//! ([`super::spill`]), which takes any order. Sums are exact integers, so both give the same
//! bytes.

use super::person::{self, Dims, Overlap, Scratch, Sums};
use super::{spill, Calendar};
use crate::input::records::{Batch, Reader, Span};

/// Why a grouped count gave up: the input is not grouped by person.
#[derive(Debug)]
pub struct NotGrouped;

impl std::fmt::Display for NotGrouped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the input is not grouped by person")
    }
}

impl std::error::Error for NotGrouped {}

/// The grouped count: sums, the first overlap met (if any) and the periods read; `None` when the
/// input turned out not to be grouped by person.
pub fn count(
    reader: &Reader,
    cal: &Calendar,
    dims: &Dims,
    groups: &[Vec<u16>],
    progress: &dyn Fn(u64),
) -> anyhow::Result<Option<(Sums, Option<Overlap>, u64)>> {
    let map = |b: Batch| -> anyhow::Result<Part> { Ok(part(b, groups, cal, dims)) };
    let mut join = Join {
        dims: dims.clone(),
        sums: Sums::new(dims),
        worst: None,
        hashes: Vec::new(),
        pending: None,
        read: 0,
        scratch: Scratch::default(),
    };
    let sink = &mut |p: Part| join.add(p, groups, cal);
    match reader.read(progress, &map, sink) {
        Ok(()) => {}
        Err(e) if e.downcast_ref::<NotGrouped>().is_some() => return Ok(None),
        Err(e) => return Err(e),
    }
    if let Some(last) = join.pending.take() {
        join.person(last, groups, cal);
    }
    join.hashes.sort_unstable();
    // A hash twice: a person in two places (or, once in ~10⁵ national registers, two persons
    // with one 64-bit hash) — the partition sorts it out.
    if join.hashes.windows(2).any(|w| w[0] == w[1]) {
        return Ok(None);
    }
    Ok(Some((join.sums, join.worst, join.read)))
}

/// What one block gives: its inner persons counted, its first and last person as read.
struct Part {
    sums: Sums,
    worst: Option<Overlap>,
    /// Hashes of the persons counted here.
    hashes: Vec<u64>,
    first: Option<Batch>,
    last: Option<Batch>,
    read: u64,
    grouped: bool,
}

/// The persons' runs of a block: (start, end) of consecutive rows of one person.
fn runs(b: &Batch) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.spans.len() {
        let p = b.person(&b.spans[i]);
        let mut j = i + 1;
        while j < b.spans.len() && b.person(&b.spans[j]) == p {
            j += 1;
        }
        out.push((i, j));
        i = j;
    }
    out
}

/// A run of one person as a batch of its own.
fn single(b: &Batch, (i, j): (usize, usize)) -> Batch {
    let person = b.person(&b.spans[i]).to_vec();
    let spans = b.spans[i..j]
        .iter()
        .map(|s| Span { person_at: 0, ..*s })
        .collect();
    Batch {
        arena: person,
        spans,
    }
}

fn part(b: Batch, groups: &[Vec<u16>], cal: &Calendar, dims: &Dims) -> Part {
    let runs = runs(&b);
    let mut hashes: Vec<u64> = runs
        .iter()
        .map(|&(i, _)| spill::person_hash(b.person(&b.spans[i])))
        .collect();
    let mut out = Part {
        sums: Sums::new(dims),
        worst: None,
        hashes: Vec::new(),
        first: runs.first().map(|&r| single(&b, r)),
        last: (runs.len() > 1).then(|| single(&b, runs[runs.len() - 1])),
        read: b.spans.len() as u64,
        grouped: true,
    };
    let mut sorted = hashes.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        out.grouped = false;
        return out;
    }
    let mut scratch = Scratch::default();
    let mut spans: Vec<Span> = Vec::new();
    let inner = runs.len().saturating_sub(1);
    for &(i, j) in runs.iter().take(inner).skip(1) {
        spans.clear();
        spans.extend_from_slice(&b.spans[i..j]);
        sort_person(&mut spans);
        if let Err(o) = person::count(&spans, groups, cal, &mut out.sums, &mut scratch) {
            out.worst = Some(out.worst.map_or(o, |w: Overlap| w.min(o)));
        }
    }
    // The first and last person are counted (and their hashes kept) when joined.
    hashes.truncate(inner);
    if !hashes.is_empty() {
        hashes.remove(0);
    }
    out.hashes = hashes;
    out
}

/// One person's periods in the order the count takes them: by code, first day, then place.
fn sort_person(spans: &mut [Span]) {
    spans.sort_unstable_by(|a, b| {
        a.code
            .cmp(&b.code)
            .then(a.fra.cmp(&b.fra))
            .then((a.file, a.row).cmp(&(b.file, b.row)))
    });
}

/// The blocks joined in file order.
struct Join {
    dims: Dims,
    sums: Sums,
    worst: Option<Overlap>,
    hashes: Vec<u64>,
    /// The last person of the blocks so far, who may go on in the next block.
    pending: Option<Batch>,
    read: u64,
    scratch: Scratch,
}

impl Join {
    fn add(&mut self, p: Part, groups: &[Vec<u16>], cal: &Calendar) -> anyhow::Result<()> {
        if !p.grouped {
            return Err(anyhow::Error::new(NotGrouped));
        }
        self.read += p.read;
        self.sums = std::mem::replace(&mut self.sums, Sums::new(&self.dims)).merge(p.sums);
        if let Some(o) = p.worst {
            self.worst = Some(self.worst.map_or(o, |w| w.min(o)));
        }
        self.hashes.extend(p.hashes);
        let Some(first) = p.first else {
            return Ok(());
        };
        // The block's first person goes on from the pending one, or the pending one is done.
        let first = match self.pending.take() {
            Some(mut pend) if pend.arena == first.arena => {
                pend.spans.extend(first.spans);
                pend
            }
            Some(pend) => {
                self.person(pend, groups, cal);
                first
            }
            None => first,
        };
        match p.last {
            // One person only in the block: they may go on still.
            None => self.pending = Some(first),
            Some(last) => {
                self.person(first, groups, cal);
                self.pending = Some(last);
            }
        }
        Ok(())
    }

    /// Counts one whole person.
    fn person(&mut self, mut b: Batch, groups: &[Vec<u16>], cal: &Calendar) {
        self.hashes.push(spill::person_hash(&b.arena));
        sort_person(&mut b.spans);
        if let Err(o) = person::count(&b.spans, groups, cal, &mut self.sums, &mut self.scratch) {
            self.worst = Some(self.worst.map_or(o, |w| w.min(o)));
        }
    }
}
