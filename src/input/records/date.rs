//! ISO dates as day numbers: a benefit period's first and last day, parsed without allocating
//! (a register has tens of millions of them) and checked as real calendar dates.

/// Days since 1970-01-01 (negative before).
pub type Day = i32;

/// Day number of a civil date (proleptic Gregorian; Hinnant's `days_from_civil`).
pub fn from_civil(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn to_civil(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

/// Days in a month.
pub fn month_days(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DD` (surrounding spaces allowed); `None` unless it is a real date between the
/// years 1900 and 2199.
pub fn parse(s: &[u8]) -> Option<Day> {
    let s = s.trim_ascii();
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let num = |b: &[u8]| -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(&s[0..4])? as i32, num(&s[5..7])?, num(&s[8..10])?);
    if !(1900..2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > month_days(y, m) {
        return None;
    }
    Some(from_civil(y, m, d))
}

/// `YYYY-MM-DD` of a day number.
pub fn format(day: Day) -> String {
    let (y, m, d) = to_civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        assert_eq!(parse(b"1970-01-01"), Some(0));
        assert_eq!(
            parse(b"2024-02-29").map(format).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse(b"2023-02-29"), None);
        assert_eq!(parse(b"2100-02-29"), None);
        assert_eq!(
            parse(b"2000-02-29").map(format).as_deref(),
            Some("2000-02-29")
        );
        assert_eq!(parse(b"2024-13-01"), None);
        assert_eq!(parse(b"2024-1-01"), None);
        assert_eq!(parse(b"24-01-2024"), None);
        for z in -30_000..80_000 {
            let (y, m, d) = to_civil(z);
            assert_eq!(from_civil(y, m, d), z);
        }
    }
}
