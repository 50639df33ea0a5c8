//! Danish number formats: thousands point, decimal comma, a true minus sign (U+2212).
//! Values are rounded here and nowhere else.

/// The true minus sign.
pub const MINUS: char = '\u{2212}';

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A number with `decimals` decimals: `1.580`, `9,08`, `−0,26`. Negative zero shows as `0`.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let is_zero = int
        .chars()
        .chain(frac.iter().flat_map(|f| f.chars()))
        .all(|c| c == '0');
    let mut out = String::new();
    if v < 0.0 && !is_zero {
        out.push(MINUS);
    }
    out.push_str(&group_thousands(&int));
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

/// A count rounded to the nearest `step` (1 or 10): `1.580`.
pub fn count(v: f64, step: u32) -> String {
    number(round_to(v, step), 0)
}

/// Rounds to the nearest `step`, half away from zero.
pub fn round_to(v: f64, step: u32) -> f64 {
    let s = f64::from(step.max(1));
    (v / s).round() * s
}

/// The magnitude of a number (no sign), for sentences that say "færre"/"flere".
pub fn magnitude(v: f64, decimals: usize) -> String {
    number(v.abs(), decimals)
}

/// A signed number with an explicit plus for positive values: `+0,39`, `−0,59`, `0,00`.
pub fn signed(v: f64, decimals: usize) -> String {
    let s = number(v, decimals);
    if v > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_numbers() {
        assert_eq!(number(1580.0, 0), "1.580");
        assert_eq!(number(43070.0, 0), "43.070");
        assert_eq!(number(1234567.891, 2), "1.234.567,89");
        assert_eq!(number(9.08, 2), "9,08");
        assert_eq!(number(-0.26, 2), "\u{2212}0,26");
        assert_eq!(number(-0.001, 2), "0,00");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(-40.0, 0), "\u{2212}40");
    }

    #[test]
    fn counts_round_to_ten() {
        assert_eq!(count(1576.0, 10), "1.580");
        assert_eq!(count(1574.9, 10), "1.570");
        assert_eq!(count(1574.9, 1), "1.575");
        assert_eq!(count(-45.0, 10), "\u{2212}50");
        assert_eq!(signed(0.39, 2), "+0,39");
        assert_eq!(signed(-0.59, 2), "\u{2212}0,59");
        assert_eq!(signed(0.001, 2), "0,00");
    }
}
