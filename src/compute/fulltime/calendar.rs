//! The counting periods: months, quarters or years from `--from` to `--to`, with the project's
//! labels (`2024M03`, `2024Q1`, `2024`) and their calendar days (leap years included).

use crate::bail_input;
use crate::input::records::date::{self, Day};

/// The length of a counting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    Year,
}

/// The periods counted: in time order, not overlapping; contiguous when made from `--per`,
/// with gaps allowed when made from a config's periods ([`Calendar::of_spans`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// First and last day of each period.
    bounds: Vec<(Day, Day)>,
    /// Labels, one per period.
    pub labels: Vec<String>,
}

impl Calendar {
    /// The periods from `from` (a period's first day) to `to` (a period's last day).
    pub fn new(per: Per, from: Day, to: Day) -> anyhow::Result<Calendar> {
        let months = match per {
            Per::Month => 1,
            Per::Quarter => 3,
            Per::Year => 12,
        };
        let (y, m, d) = date::to_civil(from);
        if d != 1 || (m - 1) % months != 0 {
            bail_input!(
                "--from {}: not the first day of a {}",
                date::format(from),
                name(per)
            );
        }
        if to < from {
            bail_input!(
                "--to {} is before --from {}",
                date::format(to),
                date::format(from)
            );
        }
        let (mut y, mut m) = (y, m);
        let mut cal = Calendar {
            bounds: Vec::new(),
            labels: Vec::new(),
        };
        let mut start = from;
        loop {
            cal.labels.push(match per {
                Per::Month => format!("{y}M{m:02}"),
                Per::Quarter => format!("{y}Q{}", (m - 1) / 3 + 1),
                Per::Year => format!("{y}"),
            });
            m += months;
            if m > 12 {
                m -= 12;
                y += 1;
            }
            let next = date::from_civil(y, m, 1);
            cal.bounds.push((start, next - 1));
            start = next;
            if next > to {
                if next - 1 != to {
                    bail_input!(
                        "--to {}: not the last day of a {}",
                        date::format(to),
                        name(per)
                    );
                }
                return Ok(cal);
            }
            if cal.labels.len() > 100_000 {
                bail_input!("--from/--to span more than 100,000 periods");
            }
        }
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no periods (never, for a checked calendar).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Periods given by label, first and last day: sorted by first day, none overlapping the
    /// next (gaps allowed). `None` when they are empty, unsorted or overlap.
    pub fn of_spans(spans: Vec<(String, Day, Day)>) -> Option<Calendar> {
        let ok = !spans.is_empty()
            && spans.iter().all(|s| s.1 <= s.2)
            && spans.windows(2).all(|w| w[0].2 < w[1].1);
        ok.then(|| Calendar {
            bounds: spans.iter().map(|s| (s.1, s.2)).collect(),
            labels: spans.into_iter().map(|s| s.0).collect(),
        })
    }

    /// The first day counted.
    pub fn from(&self) -> Day {
        self.bounds[0].0
    }

    /// The last day counted.
    pub fn to(&self) -> Day {
        self.bounds[self.bounds.len() - 1].1
    }

    /// First and last day of period `p`.
    pub fn bounds(&self, p: usize) -> (Day, Day) {
        self.bounds[p]
    }

    /// Calendar days of period `p`.
    pub fn days(&self, p: usize) -> i64 {
        let (a, b) = self.bounds[p];
        i64::from(b - a + 1)
    }

    /// The first period ending on or after `day` (the one holding it, unless `day` falls in a
    /// gap); `day` must not be after [`Calendar::to`].
    pub fn index(&self, day: Day) -> usize {
        self.bounds.partition_point(|&(_, end)| end < day)
    }
}

fn name(per: Per) -> &'static str {
    match per {
        Per::Month => "month",
        Per::Quarter => "quarter",
        Per::Year => "year",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        date::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn labels_days_and_alignment() {
        let c = Calendar::new(Per::Month, d("2024-01-01"), d("2024-03-31")).unwrap();
        assert_eq!(c.labels, ["2024M01", "2024M02", "2024M03"]);
        assert_eq!(c.days(1), 29);
        let q = Calendar::new(Per::Quarter, d("2023-10-01"), d("2024-03-31")).unwrap();
        assert_eq!(q.labels, ["2023Q4", "2024Q1"]);
        assert_eq!(q.days(1), 91);
        let y = Calendar::new(Per::Year, d("2024-01-01"), d("2024-12-31")).unwrap();
        assert_eq!((y.days(0), y.index(d("2024-07-01"))), (366, 0));
        assert!(Calendar::new(Per::Quarter, d("2024-02-01"), d("2024-03-31")).is_err());
        assert!(Calendar::new(Per::Month, d("2024-01-01"), d("2024-03-30")).is_err());
    }
}
