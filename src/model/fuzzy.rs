//! Approximate search: where a quote occurs in a text with a few edits.
//!
//! Myers' bit-parallel algorithm (as generalised to long patterns by Hyyrö): every text
//! char advances one 64-row block of the edit-distance column per 64 pattern chars, so a
//! search costs O(n · ⌈m / 64⌉) word operations whatever the number of errors allowed.
//! It reports where matches **end**; the start of each match is found by a small
//! dynamic programme over the few chars before that end. Everything counts chars.

use std::collections::HashMap;

/// One approximate occurrence of a pattern: chars `start..end` of the text, `errors`
/// edits (insertions, deletions, substitutions) away from the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// First char of the match.
    pub start: usize,
    /// One past its last char.
    pub end: usize,
    /// Edit distance between the pattern and `text[start..end]`.
    pub errors: usize,
}

/// The bit masks of one pattern: for each char, one bit per pattern position it is at.
/// Chars below 256 are looked up in a flat table (most news text), others in a map.
struct Peq {
    blocks: usize,
    latin: Vec<u64>,
    masks: HashMap<char, Vec<u64>>,
    none: Vec<u64>,
}

impl Peq {
    fn new(pattern: &[char]) -> Self {
        let blocks = pattern.len().div_ceil(64);
        let mut latin = vec![0; 256 * blocks];
        let mut masks: HashMap<char, Vec<u64>> = HashMap::new();
        for (i, &c) in pattern.iter().enumerate() {
            let bit = 1 << (i % 64);
            match usize::try_from(u32::from(c)) {
                Ok(code) if code < 256 => latin[code * blocks + i / 64] |= bit,
                _ => masks.entry(c).or_insert_with(|| vec![0; blocks])[i / 64] |= bit,
            }
        }
        Self {
            blocks,
            latin,
            masks,
            none: vec![0; blocks],
        }
    }

    fn of(&self, c: char) -> &[u64] {
        let code = u32::from(c) as usize;
        if code < 256 {
            &self.latin[code * self.blocks..(code + 1) * self.blocks]
        } else {
            self.masks.get(&c).map_or(&self.none, Vec::as_slice)
        }
    }
}

/// One column step of one block (Hyyrö's formulation): `hin` is the horizontal delta
/// entering the block's lowest row (−1, 0 or +1); returns the delta leaving its top row
/// (the row `top` bit) and updates the block's vertical deltas.
fn step(pv: &mut u64, mv: &mut u64, eq: u64, hin: i32, top: u64) -> (i32, u64, u64) {
    let hin_neg = u64::from(hin < 0);
    let xv = eq | *mv;
    let eq = eq | hin_neg;
    let xh = (((eq & *pv).wrapping_add(*pv)) ^ *pv) | eq;
    let mut ph = *mv | !(xh | *pv);
    let mut mh = *pv & xh;
    let hout = i32::from(ph & top != 0) - i32::from(mh & top != 0);
    let (ph_raw, mh_raw) = (ph, mh);
    ph <<= 1;
    mh <<= 1;
    mh |= hin_neg;
    ph |= u64::from(hin > 0);
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    (hout, ph_raw, mh_raw)
}

/// Every place where `pattern` occurs in `text` with at most `max_errors` edits, best
/// first (fewest errors, then earliest). Overlapping matches are reported once, at their
/// best end. At most `limit` matches are returned. An empty pattern matches nothing.
pub fn search(text: &[char], pattern: &[char], max_errors: usize, limit: usize) -> Vec<Match> {
    let m = pattern.len();
    if m == 0 || limit == 0 || max_errors >= m {
        return Vec::new();
    }
    let peq = Peq::new(pattern);
    let blocks = peq.blocks;
    let mut pv = vec![u64::MAX; blocks];
    let mut mv = vec![0u64; blocks];
    let last_bit = 1u64 << ((m - 1) % 64);
    let high = 1u64 << 63;
    let mut score = m;
    // Runs of consecutive ends within the error bound; the best end of each run.
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for (j, &c) in text.iter().enumerate() {
        let eq = peq.of(c);
        let mut hin = 0;
        for b in 0..blocks {
            let last = b + 1 == blocks;
            let (hout, ph, mh) = step(&mut pv[b], &mut mv[b], eq[b], hin, high);
            if last {
                // The pattern's last row may sit below the block's top bit.
                if ph & last_bit != 0 {
                    score += 1;
                } else if mh & last_bit != 0 {
                    score -= 1;
                }
            }
            hin = hout;
        }
        if score <= max_errors {
            run = match run {
                Some((best_end, best)) if best <= score => Some((best_end, best)),
                _ => Some((j + 1, score)),
            };
        } else if let Some(found) = run.take() {
            ends.push(found);
        }
    }
    ends.extend(run);
    ends.sort_by_key(|&(end, errors)| (errors, end));
    ends.truncate(limit);
    ends.into_iter()
        .map(|(end, errors)| {
            let start = start_of(text, pattern, end, max_errors);
            Match { start, end, errors }
        })
        .collect()
}

/// Where the best match of `pattern` ending at `end` starts: the start `s` minimising the
/// edit distance of `pattern` and `text[s..end]` (the longest such match on ties).
fn start_of(text: &[char], pattern: &[char], end: usize, max_errors: usize) -> usize {
    let from = end.saturating_sub(pattern.len() + max_errors);
    let window: Vec<char> = text[from..end].iter().rev().copied().collect();
    let reversed: Vec<char> = pattern.iter().rev().copied().collect();
    // Global at the match's end (reversed: its beginning), free at its start.
    let n = window.len();
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur = vec![0; n + 1];
    for (i, &p) in reversed.iter().enumerate() {
        cur[0] = i + 1;
        for j in 1..=n {
            let cost = usize::from(window[j - 1] != p);
            cur[j] = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let best = prev.iter().copied().min().unwrap_or(0);
    let length = prev.iter().rposition(|&d| d == best).unwrap_or(0);
    end - length
}

/// `found` widened to whole words where the pattern has whole words: when the pattern
/// starts (ends) with a letter or digit and the match starts (ends) inside a word, its
/// edge moves out to the word's edge — at most `max_extend` chars — and its errors are
/// counted again. Edit distance alone prefers "Marc" to "March" for the quote "Marhc".
pub fn widen_to_words(text: &[char], pattern: &[char], found: &Match, max_extend: usize) -> Match {
    let word = |c: char| c.is_alphanumeric();
    let mut start = found.start;
    let mut end = found.end;
    if pattern.first().is_some_and(|&c| word(c)) {
        let floor = start.saturating_sub(max_extend);
        while start > floor && start < text.len() && word(text[start]) && word(text[start - 1]) {
            start -= 1;
        }
    }
    if pattern.last().is_some_and(|&c| word(c)) {
        let ceiling = (end + max_extend).min(text.len());
        while end < ceiling && end > 0 && word(text[end - 1]) && word(text[end]) {
            end += 1;
        }
    }
    if (start, end) == (found.start, found.end) {
        return found.clone();
    }
    Match {
        start,
        end,
        errors: distance(pattern, &text[start..end]),
    }
}

/// Levenshtein distance of two short char sequences (context strings).
pub fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Similarity of two strings in [0, 1]: 1 − distance / longer length (1 for two empties).
pub fn similarity(a: &[char], b: &[char]) -> f64 {
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    1.0 - distance(a, b) as f64 / longer as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// The slow reference: every substring's distance, best per non-overlapping place.
    fn best_errors(text: &[char], pattern: &[char]) -> usize {
        let mut best = usize::MAX;
        for s in 0..=text.len() {
            for e in s..=text.len() {
                best = best.min(distance(pattern, &text[s..e]));
            }
        }
        best
    }

    #[test]
    fn an_exact_occurrence_has_no_errors() {
        let text = chars("the cat sat on the mat");
        let found = search(&text, &chars("sat on"), 1, 10);
        assert_eq!(
            found[0],
            Match {
                start: 8,
                end: 14,
                errors: 0
            }
        );
    }

    #[test]
    fn a_fixed_typo_is_found_with_its_span() {
        let text = chars("He said the goverment would act. Later the government did.");
        let found = search(&text, &chars("the government would act"), 3, 10);
        assert_eq!(found[0].errors, 1);
        assert_eq!(
            text[found[0].start..found[0].end]
                .iter()
                .collect::<String>(),
            "the goverment would act"
        );
    }

    #[test]
    fn long_patterns_span_several_blocks() {
        let sentence = "Ministers agreed on Tuesday that the budget for the coming year \
                        would rise by four per cent, the first rise in a decade, officials said.";
        let edited = sentence.replace("four", "five").replace("decade", "dekade");
        let text = chars(&format!("Intro text here. {edited} Outro text."));
        let pattern = chars(sentence);
        assert!(pattern.len() > 128);
        let found = search(&text, &pattern, 10, 5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].errors, 4, "four/five: 3, decade/dekade: 1");
        assert_eq!(
            text[found[0].start..found[0].end]
                .iter()
                .collect::<String>(),
            edited
        );
    }

    #[test]
    fn a_match_cut_inside_a_word_is_widened_to_it() {
        let text = chars("It will close in March.");
        let pattern = chars("close in Marhc");
        let found = search(&text, &pattern, 3, 1);
        assert_eq!(
            text[found[0].start..found[0].end]
                .iter()
                .collect::<String>(),
            "close in Marc"
        );
        let wide = widen_to_words(&text, &pattern, &found[0], 3);
        assert_eq!(
            text[wide.start..wide.end].iter().collect::<String>(),
            "close in March"
        );
        assert_eq!(wide.errors, 2);
        // A pattern with punctuation at its edges is left as it is.
        let found = Match {
            start: 9,
            end: 14,
            errors: 1,
        };
        assert_eq!(widen_to_words(&text, &chars("«se in»"), &found, 3), found);
    }

    #[test]
    fn nothing_is_found_beyond_the_error_bound() {
        let text = chars("completely different words");
        assert!(search(&text, &chars("annotated quote"), 3, 10).is_empty());
    }

    #[test]
    fn multibyte_chars_count_as_one() {
        let text = chars("Zoë said «ça va» — über alles");
        let found = search(&text, &chars("«ca va»"), 1, 10);
        assert_eq!(found[0].start, 9);
        assert_eq!(found[0].end, 16);
        assert_eq!(found[0].errors, 1);
    }

    #[test]
    fn agrees_with_the_slow_reference_on_small_random_texts() {
        // A fixed-seed generator over a small alphabet, so matches and near-matches abound.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let text: Vec<char> = (0..(next() % 40))
                .map(|_| ['a', 'b', 'c', 'é'][(next() % 4) as usize])
                .collect();
            let pattern: Vec<char> = (0..(1 + next() % 70))
                .map(|_| ['a', 'b', 'c', 'é'][(next() % 4) as usize])
                .collect();
            let k = (next() % 5) as usize;
            let reference = best_errors(&text, &pattern);
            let found = search(&text, &pattern, k, 100);
            match found.first() {
                Some(best) => {
                    assert_eq!(best.errors, reference, "{text:?} {pattern:?}");
                    assert_eq!(distance(&pattern, &text[best.start..best.end]), best.errors);
                }
                None => assert!(reference > k || k >= pattern.len(), "{text:?} {pattern:?}"),
            }
        }
    }
}
