//! Ranking rules (METHOD.md §6), pure functions on unrounded values.

/// Ranks values ascending (1 = smallest); exact ties share the lowest rank (1, 2, 2, 4).
pub fn competition_rank(values: &[f64]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut ranks = vec![0u32; values.len()];
    for (pos, &i) in order.iter().enumerate() {
        ranks[i] = if pos > 0 && values[order[pos - 1]] == values[i] {
            ranks[order[pos - 1]]
        } else {
            pos as u32 + 1
        };
    }
    ranks
}

/// Ranks values descending (1 = largest), ties sharing the lowest rank.
pub fn competition_rank_desc(values: &[f64]) -> Vec<u32> {
    let neg: Vec<f64> = values.iter().map(|v| -v).collect();
    competition_rank(&neg)
}

/// The ranks of a list: supplied ranks when every municipality has one (kept as given, as the
/// ministry published them), computed ranks when none has; a partial set is an error, and the
/// `Err` holds the position of the first municipality without one.
pub fn list_ranks(given: &[Option<u32>], gaps: &[f64], supplied: bool) -> Result<Vec<u32>, usize> {
    if supplied && !given.is_empty() && given.iter().all(Option::is_some) {
        Ok(given.iter().map(|r| r.expect("all some")).collect())
    } else if supplied && given.iter().any(Option::is_some) {
        Err(given
            .iter()
            .position(Option::is_none)
            .expect("some missing"))
    } else {
        Ok(competition_rank(gaps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_the_lowest_rank() {
        assert_eq!(competition_rank(&[0.5, -1.0, 0.5, 2.0]), vec![2, 1, 2, 4]);
        assert_eq!(competition_rank(&[1.0, 1.0, 1.0]), vec![1, 1, 1]);
        assert_eq!(competition_rank(&[]), Vec::<u32>::new());
        assert_eq!(
            competition_rank_desc(&[3.0, 5.0, 3.0, 1.0]),
            vec![2, 1, 2, 4]
        );
    }

    #[test]
    fn supplied_ranks_are_kept_as_given() {
        let gaps = [0.3, 0.1, 0.2];
        assert_eq!(
            list_ranks(&[Some(1), Some(2), Some(3)], &gaps, true),
            Ok(vec![1, 2, 3])
        );
        assert_eq!(
            list_ranks(&[None, None, None], &gaps, true),
            Ok(vec![3, 1, 2])
        );
        // Model mode ranks on its own gaps whatever the input says.
        assert_eq!(
            list_ranks(&[Some(1), Some(2), Some(3)], &gaps, false),
            Ok(vec![3, 1, 2])
        );
    }

    #[test]
    fn partial_ranks_name_the_first_gap() {
        assert_eq!(
            list_ranks(&[Some(1), None, Some(3)], &[0.0; 3], true),
            Err(1)
        );
    }
}
