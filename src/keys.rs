//! The typed keys every stage shares: [`Period`], [`GroupId`] and [`Kommunekode`].
//!
//! A period label is parsed once, where it enters (the config or an input row), so a malformed
//! label is reported there with its location and every later stage works with a checked value.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// Danish month names.
pub const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// The Danish name of month 1–12.
pub fn month_name(m: u32) -> &'static str {
    MONTHS[(m.clamp(1, 12) - 1) as usize]
}

/// What a period label covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// A calendar year, `2022`.
    Year,
    /// The four quarters ending with quarter q, `2022QMAT04`.
    FourQuarters(u8),
    /// One quarter, `2022Q4`.
    Quarter(u8),
    /// One month, `2022M06`.
    Month(u8),
}

/// A checked period label. Ordered by its end date, then by its label, so lists of periods read
/// chronologically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    year: i32,
    span: Span,
    label: String,
}

/// Why a label is not a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPeriod(pub String);

impl fmt::Display for BadPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a period label; expected a year (2022), four quarters (2022QMAT04), a quarter (2022Q4) or a month (2022M06)",
            crate::error::excerpt(&self.0, 40)
        )
    }
}

impl std::error::Error for BadPeriod {}

fn number_in(s: &str, digits: usize, range: std::ops::RangeInclusive<u8>) -> Option<u8> {
    if s.len() != digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u8>().ok().filter(|v| range.contains(v))
}

impl FromStr for Period {
    type Err = BadPeriod;

    fn from_str(label: &str) -> Result<Period, BadPeriod> {
        let bad = || BadPeriod(label.to_string());
        let year_part = label.get(..4).ok_or_else(bad)?;
        if !year_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year_part.parse().map_err(|_| bad())?;
        let rest = &label[4..];
        let span = if rest.is_empty() {
            Span::Year
        } else if let Some(q) = rest.strip_prefix("QMAT") {
            Span::FourQuarters(number_in(q, 2, 1..=4).ok_or_else(bad)?)
        } else if let Some(q) = rest.strip_prefix('Q') {
            Span::Quarter(number_in(q, 1, 1..=4).ok_or_else(bad)?)
        } else if let Some(m) = rest.strip_prefix('M') {
            Span::Month(number_in(m, 2, 1..=12).ok_or_else(bad)?)
        } else {
            return Err(bad());
        };
        Ok(Period {
            year,
            span,
            label: label.to_string(),
        })
    }
}

impl Period {
    /// A calendar year, `2022`.
    pub fn year_of(year: i32) -> Period {
        Period {
            year,
            span: Span::Year,
            label: format!("{year:04}"),
        }
    }

    /// One quarter, `2022Q4`.
    pub fn quarter_of(year: i32, q: u8) -> Period {
        Period {
            year,
            span: Span::Quarter(q),
            label: format!("{year:04}Q{q}"),
        }
    }

    /// One month, `2022M06`.
    pub fn month_of(year: i32, m: u8) -> Period {
        Period {
            year,
            span: Span::Month(m),
            label: format!("{year:04}M{m:02}"),
        }
    }

    /// A time label from a data file: a period label, or a quarter in Statistics Denmark's
    /// Danish notation (`2022K4`), which becomes `2022Q4`.
    pub fn parse_time(label: &str) -> Result<Period, BadPeriod> {
        let t = label.trim();
        if t.len() == 6 && t.is_char_boundary(4) && t.get(4..5) == Some("K") {
            return format!("{}Q{}", &t[..4], &t[5..])
                .parse()
                .map_err(|_| BadPeriod(label.to_string()));
        }
        t.parse()
    }

    /// The months the period covers, first to last, as (year, month).
    pub fn months(&self) -> Vec<(i32, u8)> {
        let count: i32 = match self.span {
            Span::Year | Span::FourQuarters(_) => 12,
            Span::Quarter(_) => 3,
            Span::Month(_) => 1,
        };
        let end = self.year * 12 + self.end_month() as i32 - 1;
        ((end - count + 1)..=end)
            .map(|i| (i.div_euclid(12), (i.rem_euclid(12) + 1) as u8))
            .collect()
    }

    /// The period as whole units of `span` (months, quarters or one year), or `None` when it is
    /// not made of them (a year is not made of `2022QMAT02`'s months).
    pub fn units(&self, span: Span) -> Option<Vec<Period>> {
        let months = self.months();
        match span {
            Span::Month(_) => Some(
                months
                    .iter()
                    .map(|&(y, m)| Period::month_of(y, m))
                    .collect(),
            ),
            Span::Quarter(_) => {
                if !(months[0].1 - 1).is_multiple_of(3) || !months.len().is_multiple_of(3) {
                    return None;
                }
                Some(
                    months
                        .chunks(3)
                        .map(|c| Period::quarter_of(c[0].0, (c[0].1 - 1) / 3 + 1))
                        .collect(),
                )
            }
            Span::Year => {
                (months.len() == 12 && months[0].1 == 1).then(|| vec![Period::year_of(months[0].0)])
            }
            Span::FourQuarters(_) => None,
        }
    }

    /// Weeks in the period, for benefit weeks → full-time persons (52 a year).
    pub fn weeks(&self) -> f64 {
        52.0 * self.months().len() as f64 / 12.0
    }

    /// Whether the period ends no later than `years` years before `other` ends.
    pub fn ends_by(&self, other: &Period, years: u8) -> bool {
        (self.year, self.end_month()) <= (other.year - i32::from(years), other.end_month())
    }

    /// The label as written, e.g. `2022QMAT04`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The calendar year the period ends in.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// What the label covers.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The same period one year earlier.
    pub fn year_earlier(&self) -> Period {
        Period {
            year: self.year - 1,
            span: self.span,
            label: format!("{:04}{}", self.year - 1, &self.label[4..]),
        }
    }

    /// The month (1–12) the period ends with.
    pub fn end_month(&self) -> u32 {
        match self.span {
            Span::Year => 12,
            Span::FourQuarters(q) | Span::Quarter(q) => u32::from(q) * 3,
            Span::Month(m) => u32::from(m),
        }
    }

    /// The period in Danish words, e.g. "4 kvartaler t.o.m. 4. kvt. 2022".
    pub fn describe(&self) -> String {
        let y = self.year;
        match self.span {
            Span::Year => format!("året {y}"),
            Span::FourQuarters(q) => format!("4 kvartaler t.o.m. {q}. kvt. {y}"),
            Span::Quarter(q) => format!("{q}. kvt. {y}"),
            Span::Month(m) => format!("{} {y}", MONTHS[usize::from(m) - 1]),
        }
    }

    /// A short Danish label for charts and tables, e.g. "4. kvt. 2022".
    pub fn short(&self) -> String {
        match self.span {
            Span::FourQuarters(q) => format!("{q}. kvt. {}", self.year),
            _ => self.describe(),
        }
    }

    /// The last day of the period as (year, month, day), for a document date derived from data.
    pub fn end_date(&self) -> (i32, u32, u32) {
        let month = self.end_month();
        let day = match month {
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (self.year, month, day)
    }

    /// The last day in Danish, e.g. "31. december 2022".
    pub fn end_words(&self) -> String {
        let (y, m, d) = self.end_date();
        format!("{d}. {} {y}", MONTHS[m as usize - 1])
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year, self.end_month(), &self.label).cmp(&(
            other.year,
            other.end_month(),
            &other.label,
        ))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

/// A benefit group's id, e.g. `kontanthjaelp`: lowercase ASCII letters, digits and `-`
/// (checked when the config is validated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct GroupId(String);

impl GroupId {
    /// Wraps an id; [`GroupId::is_valid`] tells whether it may appear in a config.
    pub fn new(id: impl Into<String>) -> GroupId {
        GroupId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lowercase ASCII letters, digits and `-`, not empty: safe in file names and HTML ids.
    pub fn is_valid(id: &str) -> bool {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for GroupId {
    fn from(s: &str) -> GroupId {
        GroupId(s.to_string())
    }
}

/// A municipality's official code, 101 (København) … 860 (Hjørring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Kommunekode(pub u16);

impl Kommunekode {
    /// Parses one to three digits, not zero.
    pub fn parse(s: &str) -> Option<Kommunekode> {
        let s = s.trim();
        if s.is_empty() || s.len() > 3 || !s.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().filter(|&c| c > 0).map(Kommunekode)
    }

    /// The code as a number.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Kommunekode {
    /// Always three digits, as the code is written officially.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn periods_as_units_of_time() {
        let labels = |v: Option<Vec<Period>>| -> Vec<String> {
            v.unwrap().iter().map(|p| p.label().to_string()).collect()
        };
        assert_eq!(
            labels(p("2022QMAT02").units(Span::Quarter(1))),
            ["2021Q3", "2021Q4", "2022Q1", "2022Q2"]
        );
        assert_eq!(labels(p("2022QMAT04").units(Span::Year)), ["2022"]);
        assert!(p("2022QMAT02").units(Span::Year).is_none());
        assert_eq!(p("2022Q1").units(Span::Month(1)).unwrap().len(), 3);
        assert_eq!(Period::parse_time("2022K4").unwrap().label(), "2022Q4");
        assert_eq!(p("2022Q4").weeks(), 13.0);
        assert!(p("2022").ends_by(&p("2022QMAT04"), 0));
        assert!(!p("2022").ends_by(&p("2022QMAT02"), 0));
        assert!(p("2021").ends_by(&p("2022QMAT04"), 1));
        assert!(!p("2022").ends_by(&p("2022QMAT04"), 1));
    }

    #[test]
    fn one_year_earlier() {
        assert_eq!(p("2022QMAT04").year_earlier(), p("2021QMAT04"));
        assert_eq!(p("2022").year_earlier().label(), "2021");
    }

    #[test]
    fn malformed_labels_are_rejected() {
        for bad in [
            "2022X",
            "x",
            "",
            "2022QMAT4",
            "2022QMAT05",
            "2022Q0",
            "2022M13",
            "2022M6",
            "20a2",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn danish_words() {
        assert_eq!(
            p("2022QMAT04").describe(),
            "4 kvartaler t.o.m. 4. kvt. 2022"
        );
        assert_eq!(
            p("2021QMAT02").describe(),
            "4 kvartaler t.o.m. 2. kvt. 2021"
        );
        assert_eq!(p("2022").describe(), "året 2022");
        assert_eq!(p("2022M06").describe(), "juni 2022");
        assert_eq!(p("2022Q3").describe(), "3. kvt. 2022");
        assert_eq!(p("2022QMAT04").short(), "4. kvt. 2022");
        assert_eq!(p("2022QMAT02").end_date(), (2022, 6, 30));
        assert_eq!(p("2022QMAT04").end_words(), "31. december 2022");
    }

    #[test]
    fn ordered_chronologically() {
        let mut v = [p("2022QMAT02"), p("2021QMAT04"), p("2022QMAT04"), p("2021")];
        v.sort();
        let labels: Vec<&str> = v.iter().map(Period::label).collect();
        assert_eq!(labels, ["2021", "2021QMAT04", "2022QMAT02", "2022QMAT04"]);
    }

    #[test]
    fn codes() {
        assert_eq!(Kommunekode::parse("183"), Some(Kommunekode(183)));
        assert_eq!(Kommunekode::parse("0"), None);
        assert_eq!(Kommunekode::parse("1234"), None);
        assert_eq!(Kommunekode(101).to_string(), "101");
    }
}
