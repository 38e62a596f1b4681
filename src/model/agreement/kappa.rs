//! Chance-corrected agreement on categorical values: Cohen's kappa for two raters and
//! Fleiss' kappa for any number, plus the plain share of agreement.

use std::collections::BTreeMap;

/// Cohen's kappa of two raters' values for the same items; `None` when undefined (no
/// items, or agreement by chance is certain).
pub fn cohen<T: Ord>(pairs: &[(T, T)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let mut first: BTreeMap<&T, f64> = BTreeMap::new();
    let mut second: BTreeMap<&T, f64> = BTreeMap::new();
    for (a, b) in pairs {
        *first.entry(a).or_default() += 1.0;
        *second.entry(b).or_default() += 1.0;
    }
    let expected: f64 = first
        .iter()
        .map(|(value, count)| count / n * second.get(value).copied().unwrap_or(0.0) / n)
        .sum();
    if (1.0 - expected).abs() < f64::EPSILON {
        return None;
    }
    Some((observed - expected) / (1.0 - expected))
}

/// Fleiss' kappa: `items[i][c]` is how many raters gave item `i` category `c`; every
/// item must have the same number of ratings (at least two). `None` when undefined.
pub fn fleiss(items: &[Vec<u32>]) -> Option<f64> {
    let raters: u32 = items.first()?.iter().sum();
    if raters < 2 || items.iter().any(|row| row.iter().sum::<u32>() != raters) {
        return None;
    }
    let n = items.len() as f64;
    let r = f64::from(raters);
    let categories = items.iter().map(Vec::len).max().unwrap_or(0);
    let mut share = vec![0.0; categories];
    let mut p_bar = 0.0;
    for row in items {
        for (c, &count) in row.iter().enumerate() {
            share[c] += f64::from(count) / (n * r);
        }
        let agreeing: f64 = row
            .iter()
            .map(|&k| f64::from(k) * (f64::from(k) - 1.0))
            .sum();
        p_bar += agreeing / (r * (r - 1.0)) / n;
    }
    let p_e: f64 = share.iter().map(|p| p * p).sum();
    if (1.0 - p_e).abs() < f64::EPSILON {
        return None;
    }
    Some((p_bar - p_e) / (1.0 - p_e))
}

/// The share of items on which all raters gave the same value; `None` without items.
pub fn percent_agreement<T: PartialEq>(items: &[Vec<T>]) -> Option<f64> {
    if items.is_empty() {
        return None;
    }
    let same = items
        .iter()
        .filter(|values| values.windows(2).all(|w| w[0] == w[1]))
        .count();
    Some(same as f64 / items.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 0.001, "{a} is not {b}");
    }

    #[test]
    fn cohen_of_krippendorffs_1995_digitised_example() {
        // Bertha and Bill over 24 positions (1 = inside a unit), as DKPro's test has them.
        let bertha = "001111111100001111110000";
        let bill = "000011110000000110000000";
        let pairs: Vec<(char, char)> = bertha.chars().zip(bill.chars()).collect();
        close(cohen(&pairs).unwrap(), 0.385);
        assert_eq!(cohen::<char>(&[]), None);
        assert_eq!(
            cohen(&[('a', 'a'), ('a', 'a')]),
            None,
            "chance agreement is certain"
        );
    }

    #[test]
    fn fleiss_of_the_textbook_example() {
        // Fleiss (1971) as commonly reproduced: 10 subjects, 14 raters, 5 categories.
        let table = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let items: Vec<Vec<u32>> = table.iter().map(|r| r.to_vec()).collect();
        close(fleiss(&items).unwrap(), 0.210);
        assert_eq!(fleiss(&[vec![1, 1], vec![3]]), None, "unequal ratings");
    }

    #[test]
    fn percent_agreement_counts_unanimous_items() {
        let items = vec![
            vec!["a", "a"],
            vec!["a", "b"],
            vec!["b", "b"],
            vec!["c", "c"],
        ];
        close(percent_agreement(&items).unwrap(), 0.75);
    }
}
