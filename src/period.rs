//! Period labels: `2022QMAT04` (four quarters ending Q4 2022), `2022Q4`, `2022M06`, `2022`.

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

/// The same period one year earlier, when the label starts with a four-digit year.
pub fn year_earlier(label: &str) -> Option<String> {
    let year: i32 = label.get(..4)?.parse().ok()?;
    Some(format!("{:04}{}", year - 1, &label[4..]))
}

/// The year of a period label, when it starts with one.
pub fn year(label: &str) -> Option<i32> {
    label.get(..4)?.parse().ok()
}

/// The period in Danish words, e.g. "4 kvartaler t.o.m. 4. kvt. 2022".
pub fn describe(label: &str) -> String {
    let Some(y) = year(label) else {
        return label.to_string();
    };
    let rest = &label[4..];
    if rest.is_empty() {
        return format!("året {y}");
    }
    if let Some(q) = rest.strip_prefix("QMAT").and_then(|q| q.parse::<u8>().ok()) {
        if (1..=4).contains(&q) {
            return format!("4 kvartaler t.o.m. {q}. kvt. {y}");
        }
    }
    if let Some(q) = rest.strip_prefix('Q').and_then(|q| q.parse::<u8>().ok()) {
        if (1..=4).contains(&q) {
            return format!("{q}. kvt. {y}");
        }
    }
    if let Some(m) = rest.strip_prefix('M').and_then(|m| m.parse::<usize>().ok()) {
        if (1..=12).contains(&m) {
            return format!("{} {y}", MONTHS[m - 1]);
        }
    }
    label.to_string()
}

/// A short Danish label for charts and tables, e.g. "4. kvt. 2022".
pub fn short(label: &str) -> String {
    let d = describe(label);
    d.strip_prefix("4 kvartaler t.o.m. ")
        .map(str::to_string)
        .unwrap_or(d)
}

/// The last day of the period as (year, month, day), for a document date derived from data.
pub fn end_date(label: &str) -> Option<(i32, u32, u32)> {
    let y = year(label)?;
    let rest = &label[4..];
    let month = if rest.is_empty() {
        12
    } else if let Some(q) = rest.strip_prefix("QMAT").or_else(|| rest.strip_prefix('Q')) {
        q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))? * 3
    } else if let Some(m) = rest.strip_prefix('M') {
        m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?
    } else {
        return None;
    };
    let day = match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some((y, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_year_earlier() {
        assert_eq!(year_earlier("2022QMAT04").as_deref(), Some("2021QMAT04"));
        assert_eq!(year_earlier("2022").as_deref(), Some("2021"));
        assert_eq!(year_earlier("x"), None);
    }

    #[test]
    fn danish_words() {
        assert_eq!(describe("2022QMAT04"), "4 kvartaler t.o.m. 4. kvt. 2022");
        assert_eq!(describe("2021QMAT02"), "4 kvartaler t.o.m. 2. kvt. 2021");
        assert_eq!(describe("2022"), "året 2022");
        assert_eq!(describe("2022M06"), "juni 2022");
        assert_eq!(short("2022QMAT04"), "4. kvt. 2022");
        assert_eq!(end_date("2022QMAT02"), Some((2022, 6, 30)));
    }
}
