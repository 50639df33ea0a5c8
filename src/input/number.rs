//! Strict number parsing for text cells: the decimal separator is stated, never guessed.

use crate::config::Decimal;

/// Parses a number written with the given decimal separator.
///
/// Accepts a leading `-`, `+` or `−` (U+2212). With [`Decimal::Comma`], `.` is allowed only as a
/// thousands separator in groups of three (`1.580,5`). Returns `None` for anything else.
pub fn parse_number(raw: &str, decimal: Decimal) -> Option<f64> {
    let s = raw.trim().replace('\u{a0}', "");
    let (neg, body) = match s.chars().next()? {
        '-' => (true, &s[1..]),
        '+' => (false, &s[1..]),
        '\u{2212}' => (true, &s['\u{2212}'.len_utf8()..]),
        _ => (false, s.as_str()),
    };
    let (dec, thousands) = match decimal {
        Decimal::Comma => (',', '.'),
        Decimal::Point => ('.', ','),
    };
    let (int_part, frac_part) = match body.split_once(dec) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let int_digits = if int_part.contains(thousands) {
        let groups: Vec<&str> = int_part.split(thousands).collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if int_digits.is_empty() && frac_part.is_none_or(|f| f.is_empty()) {
        return None;
    }
    if !int_digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let frac = frac_part.unwrap_or("");
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let text = format!(
        "{}{}.{}",
        if neg { "-" } else { "" },
        if int_digits.is_empty() {
            "0"
        } else {
            &int_digits
        },
        if frac.is_empty() { "0" } else { frac }
    );
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_and_point() {
        assert_eq!(parse_number("9,08", Decimal::Comma), Some(9.08));
        assert_eq!(parse_number("-0,59", Decimal::Comma), Some(-0.59));
        assert_eq!(parse_number("\u{2212}0,26", Decimal::Comma), Some(-0.26));
        assert_eq!(parse_number("1.580", Decimal::Comma), Some(1580.0));
        assert_eq!(parse_number("1.580,5", Decimal::Comma), Some(1580.5));
        assert_eq!(parse_number("9.08", Decimal::Point), Some(9.08));
        assert_eq!(parse_number("1,580.5", Decimal::Point), Some(1580.5));
        assert_eq!(parse_number("42", Decimal::Point), Some(42.0));
    }

    #[test]
    fn rejects_the_other_convention_and_junk() {
        assert_eq!(parse_number("9.08", Decimal::Comma), None);
        assert_eq!(parse_number("9,08", Decimal::Point), None);
        assert_eq!(parse_number("abc", Decimal::Point), None);
        assert_eq!(parse_number("", Decimal::Point), None);
        assert_eq!(parse_number("1e5", Decimal::Point), None);
        assert_eq!(parse_number("-", Decimal::Point), None);
    }
}
