//! Krippendorff's unitizing alpha (αU), as defined by Krippendorff (2004) and implemented
//! in DKPro Statistics' `KrippendorffAlphaUnitizingAgreement` (the measure INCEpTION
//! reports), so figures agree with theirs.
//!
//! A study is one continuum `[begin, begin + length)` that every rater segmented into
//! units with a category; the stretches between one rater's units of a category are its
//! gaps. Observed disagreement compares, for every pair of raters and category, the
//! segments (units and gaps) of the two raters that meet along the continuum; expected
//! disagreement compares every unit with every place it could have been put. Units of one
//! rater and category must not overlap (callers merge them first).
//!
//! Arithmetic is exact (`i128`) up to the last division, so long continua (a whole
//! dataset, tens of millions of characters) lose nothing.

use std::collections::BTreeSet;

/// A unit: `length` positions from `begin`, by rater `rater`, of category `category`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unit {
    /// First position.
    pub begin: u64,
    /// Number of positions.
    pub length: u64,
    /// Rater index, `0..raters`.
    pub rater: usize,
    /// Category index.
    pub category: usize,
}

/// A unitizing study.
#[derive(Clone, Debug)]
pub struct Study {
    raters: usize,
    begin: u64,
    length: u64,
    /// Sorted by begin, length, rater (then category); no duplicates.
    units: Vec<Unit>,
}

impl Study {
    /// A study of `raters` raters over `[begin, begin + length)`.
    pub fn new(
        raters: usize,
        begin: u64,
        length: u64,
        units: impl IntoIterator<Item = Unit>,
    ) -> Self {
        let units: BTreeSet<Unit> = units.into_iter().collect();
        Self {
            raters,
            begin,
            length,
            units: units.into_iter().collect(),
        }
    }

    /// The categories that have units.
    pub fn categories(&self) -> Vec<usize> {
        let set: BTreeSet<usize> = self.units.iter().map(|u| u.category).collect();
        set.into_iter().collect()
    }

    fn of(&self, rater: usize, category: usize) -> impl Iterator<Item = &Unit> + '_ {
        self.units
            .iter()
            .filter(move |u| u.rater == rater && u.category == category)
    }

    /// Observed disagreement for one category.
    pub fn observed(&self, category: usize) -> f64 {
        let (b, l, r) = (self.begin, self.length, self.raters);
        if r < 2 || l == 0 {
            return 0.0;
        }
        let mut total: i128 = 0;
        for r1 in 0..r {
            for r2 in r1 + 1..r {
                total += self.observed_pair(category, r1, r2);
            }
        }
        let r = r as f64;
        let l = l as f64;
        let _ = b;
        (total as f64) * 2.0 / (r * (r - 1.0) * l * l)
    }

    /// The sum of distances between the segments of two raters along the continuum.
    fn observed_pair(&self, category: usize, r1: usize, r2: usize) -> i128 {
        let (b, l) = (self.begin, self.length);
        let end = b + l;
        let mut units1 = self.of(r1, category).peekable();
        let mut units2 = self.of(r2, category).peekable();
        // The current segment of each rater: (offset, length, is a unit).
        let (mut seg1, mut seg2) = ((b, 0u64, false), (b, 0u64, false));
        let mut pos = b;
        let mut total = 0i128;
        while pos < end && (units1.peek().is_some() || units2.peek().is_some()) {
            for (seg, units) in [(&mut seg1, &mut units1), (&mut seg2, &mut units2)] {
                if pos == seg.0 + seg.1 {
                    match units.peek() {
                        Some(u) if u.begin == pos => {
                            *seg = (pos, u.length, true);
                            units.next();
                        }
                        next => {
                            let to = next.map_or(end, |u| u.begin);
                            *seg = (pos, to.saturating_sub(pos), false);
                        }
                    }
                }
            }
            total += distance(seg1, seg2);
            let next = (seg1.0 + seg1.1).min(seg2.0 + seg2.1);
            if next <= pos {
                // Only overlapping units (which callers merge) could stall the walk.
                break;
            }
            pos = next;
        }
        total
    }

    /// Expected disagreement for one category.
    pub fn expected(&self, category: usize) -> f64 {
        let (b, l, r) = (self.begin, self.length, self.raters as u64);
        if l == 0 || r == 0 {
            return 0.0;
        }
        let end = b + l;
        let lengths: Vec<u64> = self
            .units
            .iter()
            .filter(|u| u.category == category)
            .map(|u| u.length)
            .collect();
        let n_c = lengths.len() as i128;
        let squared: i128 = lengths
            .iter()
            .map(|&x| i128::from(x) * (i128::from(x) - 1))
            .sum();
        // Every rater's gaps in this category, ascending, with suffix sums of gap + 1.
        let mut gaps: Vec<u64> = Vec::new();
        for rater in 0..self.raters {
            let mut pos = b;
            for u in self.of(rater, category) {
                if u.begin > pos {
                    gaps.push(u.begin - pos);
                }
                pos = pos.max(u.begin + u.length);
            }
            if pos < end {
                gaps.push(end - pos);
            }
        }
        gaps.sort_unstable();
        let mut suffix = vec![0i128; gaps.len() + 1];
        for (i, &g) in gaps.iter().enumerate().rev() {
            suffix[i] = suffix[i + 1] + i128::from(g) + 1;
        }
        let mut sum: i128 = 0;
        for &len in &lengths {
            let x = i128::from(len);
            // (N_c − 1)(2x³ − 3x² + x)/3: exact, x(x − 1)(2x − 1) is a multiple of 6.
            let first = (n_c - 1) * (x * (x - 1) * (2 * x - 1)) / 3;
            // Σ over gaps g ≥ x of (g − x + 1), times x².
            let from = gaps.partition_point(|&g| g < len);
            let count = (gaps.len() - from) as i128;
            let second = (suffix[from] - count * x) * x * x;
            sum += first + second;
        }
        let rl = i128::from(r) * i128::from(l);
        let denominator = rl * (rl - 1) - squared;
        if denominator == 0 {
            return 0.0;
        }
        (sum as f64) * 2.0 / (l as f64) / (denominator as f64)
    }

    /// αU of one category (0 when observed and expected disagreement are equal).
    pub fn category_alpha(&self, category: usize) -> f64 {
        let (observed, expected) = (self.observed(category), self.expected(category));
        if observed == expected {
            0.0
        } else {
            1.0 - observed / expected
        }
    }

    /// αU across categories (their disagreements averaged); `None` when there is
    /// nothing to agree on (no units).
    pub fn alpha(&self) -> Option<f64> {
        let categories = self.categories();
        if categories.is_empty() {
            return None;
        }
        let n = categories.len() as f64;
        let observed: f64 = categories.iter().map(|&c| self.observed(c)).sum::<f64>() / n;
        let expected: f64 = categories.iter().map(|&c| self.expected(c)).sum::<f64>() / n;
        if observed == expected {
            let informative = self.units.iter().any(|u| u.length > 0);
            return Some(if observed == 0.0 && informative {
                1.0
            } else {
                0.0
            });
        }
        Some(1.0 - observed / expected)
    }
}

/// Krippendorff's distance between two segments `(offset, length, is a unit)` that meet.
pub fn distance(a: (u64, u64, bool), b: (u64, u64, bool)) -> i128 {
    let (o1, l1, c1) = (i128::from(a.0), i128::from(a.1), a.2);
    let (o2, l2, c2) = (i128::from(b.0), i128::from(b.1), b.2);
    let begin_diff = o1 - o2;
    let length_diff = l1 - l2;
    if c1 && c2 && -l1 < begin_diff && begin_diff < l2 {
        return begin_diff * begin_diff + (begin_diff + length_diff) * (begin_diff + length_diff);
    }
    if c1 && !c2 && -length_diff >= begin_diff && begin_diff >= 0 {
        return l1 * l1;
    }
    if !c1 && c2 && -length_diff <= begin_diff && begin_diff <= 0 {
        return l2 * l2;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) {
        assert!((a - b).abs() <= tolerance, "{a} is not {b} ± {tolerance}");
    }

    fn unit(begin: u64, length: u64, rater: usize, category: usize) -> Unit {
        Unit {
            begin,
            length,
            rater,
            category,
        }
    }

    const C: usize = 0;
    const K: usize = 1;

    /// Krippendorff (2004)'s example, as DKPro's tests set it up: 2 raters over
    /// [150, 450), categories c and k.
    fn krippendorff_2004() -> Study {
        Study::new(
            2,
            150,
            300,
            [
                unit(225, 70, 0, C),
                unit(370, 30, 0, C),
                unit(220, 80, 1, C),
                unit(355, 20, 1, C),
                unit(400, 20, 1, C),
                unit(180, 60, 0, K),
                unit(300, 50, 0, K),
                unit(180, 60, 1, K),
                unit(300, 50, 1, K),
            ],
        )
    }

    #[test]
    fn distances_of_the_published_cases() {
        let d = |o1, l1, c1, o2, l2, c2| distance((o1, l1, c1), (o2, l2, c2));
        assert_eq!(d(2, 3, false, 2, 2, true) + d(5, 6, true, 4, 7, false), 40);
        assert_eq!(d(3, 2, false, 3, 2, true) + d(5, 6, true, 5, 6, false), 40);
        assert_eq!(d(5, 6, true, 4, 2, true), 26);
        assert_eq!(d(5, 6, true, 5, 2, true), 16);
        assert_eq!(d(5, 6, true, 6, 2, true), 10);
        assert_eq!(d(5, 6, true, 7, 2, true), 8);
        assert_eq!(d(5, 6, true, 6, 4, true), 2);
        assert_eq!(d(5, 6, true, 5, 6, true), 0);
        assert_eq!(d(225, 70, true, 220, 80, true), 50);
        assert_eq!(d(370, 30, true, 355, 20, true), 850);
        assert_eq!(d(400, 50, false, 400, 20, true), 400);
        assert_eq!(d(0, 1, false, 0, 2, false), 0);
        assert_eq!(d(1, 8, true, 0, 2, false), 0);
        assert_eq!(d(1, 8, true, 2, 1, true), 37);
        assert_eq!(d(1, 8, true, 4, 1, true), 25);
        assert_eq!(d(1, 8, true, 6, 1, true), 29);
        assert_eq!(d(1, 8, true, 7, 4, false), 0);
    }

    #[test]
    fn krippendorff_2004_example() {
        let study = krippendorff_2004();
        // The paper's 0.8591 comes from rounded intermediate figures; DKPro's test allows
        // ± 0.0005 for it. Exactly: 1 − (0.01444 + 0) / (0.05321 + 0.04904) = 0.85867.
        close(study.alpha().unwrap(), 0.8591, 0.0005);
        close(study.alpha().unwrap(), 0.85867, 0.00001);
        close(study.observed(C), 0.0144, 0.0001);
        close(study.expected(C), 0.0532, 0.0001);
        close(study.category_alpha(C), 0.7286, 0.0001);
        close(study.observed(K), 0.0, 0.0001);
        close(study.expected(K), 0.0490, 0.0001);
        close(study.category_alpha(K), 1.0, 0.0001);
    }

    #[test]
    fn a_long_unit_against_three_short_ones() {
        // r0: -11111111-   r1: --1-1-1---
        let study = Study::new(
            2,
            0,
            10,
            [
                unit(1, 8, 0, 0),
                unit(2, 1, 1, 0),
                unit(4, 1, 1, 0),
                unit(6, 1, 1, 0),
            ],
        );
        close(study.observed(0), 0.9100, 0.0001);
        close(study.expected(0), 0.5351, 0.0001);
        close(study.category_alpha(0), -0.7003, 0.0001);
    }

    #[test]
    fn edge_cases() {
        let single = Study::new(3, 0, 20, [unit(0, 1, 0, 0)]);
        assert_eq!(single.alpha(), Some(0.0));
        let empty = Study::new(3, 0, 20, []);
        assert_eq!(empty.alpha(), None);
        let same = Study::new(2, 0, 15, [unit(2, 5, 0, 0), unit(2, 5, 1, 0)]);
        close(same.observed(0), 0.0, 0.001);
        assert!(same.expected(0) > 0.0);
        close(same.alpha().unwrap(), 1.0, 0.001);
    }
}
