//! Re-anchoring: placing an annotation again after its article's text changed.
//!
//! When the old text is known (a session holds it), annotations are carried through a
//! character diff ([`super::align`], used by [`super::Document::reanchored_to`]): that is
//! what tells a moved sentence from its duplicate. This module is the **fallback** when
//! there is no old text (an import whose offsets do not fit its text, a hand-edited file):
//! the exact old position; the quote where its prefix and suffix context match (or agree
//! on at least 8 chars, at one place only); a quote of at least 16 chars that occurs
//! exactly once; otherwise the annotation is an orphan — kept and reported, never moved
//! to a guessed place. A short quote (a name) is never moved just because it occurs once:
//! it may be another mention.

use std::ops::Range;

use super::annotation::{Annotation, context_at};
use super::text::Text;

/// Where an annotation ended up in a new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchoring {
    /// The quote is still at its offsets.
    Exact,
    /// Found again through its context (prefix and/or suffix).
    ByContext(Range<usize>),
    /// Found again as the only occurrence of a long quote.
    ByUniqueQuote(Range<usize>),
    /// Carried through the diff of the old and new text: every character survived.
    Moved(Range<usize>),
    /// Carried through the diff, partly edited: the span is what survived, and its
    /// quote was updated (the old one is in the `previous_text` attribute).
    Changed {
        /// The new span.
        span: Range<usize>,
        /// The quote before the edit.
        old: String,
    },
    /// Several places fit equally well: not placed (an orphan), candidates listed.
    Ambiguous(Vec<Range<usize>>),
    /// Could not be placed.
    Orphan,
}

impl Anchoring {
    /// Not placed (orphaned or ambiguous).
    pub fn is_orphan(&self) -> bool {
        matches!(self, Self::Orphan | Self::Ambiguous(_))
    }
}

impl std::fmt::Display for Anchoring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact => write!(f, "in place"),
            Self::ByContext(span) => {
                write!(
                    f,
                    "moved to chars {}–{} (found by its context)",
                    span.start, span.end
                )
            }
            Self::ByUniqueQuote(span) => write!(
                f,
                "moved to chars {}–{} (the only place the quote occurs)",
                span.start, span.end
            ),
            Self::Moved(span) => write!(f, "moved to chars {}–{}", span.start, span.end),
            Self::Changed { span, old } => write!(
                f,
                "changed: now chars {}–{} (was {old:?})",
                span.start, span.end
            ),
            Self::Ambiguous(places) => write!(
                f,
                "orphaned: {} places fit equally ({})",
                places.len(),
                places
                    .iter()
                    .take(5)
                    .map(|r| format!("{}–{}", r.start, r.end))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::Orphan => write!(f, "orphaned (the quote is no longer in the text)"),
        }
    }
}

/// Minimum number of context chars that must agree to place an ambiguous quote.
const MIN_CONTEXT_AGREEMENT: usize = 8;

/// A quote this long (in chars) that occurs exactly once is placed there without context.
pub const MIN_UNIQUE_QUOTE_CHARS: usize = 16;

/// Occurrences of one quote scored one by one up to this many; past it only an exact
/// match of the whole context (found through an index) places the annotation, so a quote
/// that occurs hundreds of thousands of times costs O(occurrences), not O(occurrences ×
/// annotations).
pub const MAX_SCORED_OCCURRENCES: usize = 2_000;

/// Where one quote occurs in a text, shared by every annotation with that quote.
pub struct Occurrences {
    /// Byte offsets of every occurrence.
    bytes: Vec<usize>,
    /// For many occurrences: (prefix, suffix) context → the occurrences with it.
    by_context: Option<std::collections::HashMap<(String, String), Vec<usize>>>,
}

impl Occurrences {
    /// Find every occurrence of `quote` in `text`.
    pub fn find(quote: &str, text: &Text) -> Self {
        let s = text.as_str();
        let bytes: Vec<usize> = if quote.is_empty() {
            Vec::new()
        } else {
            s.match_indices(quote).map(|(byte, _)| byte).collect()
        };
        let by_context = (bytes.len() > MAX_SCORED_OCCURRENCES).then(|| {
            let mut index: std::collections::HashMap<(String, String), Vec<usize>> =
                std::collections::HashMap::new();
            for &byte in &bytes {
                let (prefix, suffix) = context_at(s, byte..byte + quote.len());
                index
                    .entry((prefix.to_owned(), suffix.to_owned()))
                    .or_default()
                    .push(byte);
            }
            index
        });
        Self { bytes, by_context }
    }
}

impl Occurrences {
    /// The quote occurs nowhere.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The occurrences as char spans of `quote_chars` chars.
    pub fn spans(&self, text: &Text, quote_chars: usize) -> Vec<Range<usize>> {
        self.bytes
            .iter()
            .filter_map(|&b| text.char_of_byte(b).map(|s| s..s + quote_chars))
            .collect()
    }
}

/// Find where `annotation` belongs in `text`.
pub fn reanchor(annotation: &Annotation, text: &Text) -> Anchoring {
    if text
        .slice(annotation.span())
        .is_some_and(|s| s == annotation.text)
        && !annotation.text.is_empty()
    {
        return Anchoring::Exact;
    }
    let found = Occurrences::find(&annotation.text, text);
    match reanchor_among(annotation, text, &found) {
        Anchoring::Orphan if found.is_empty() => {
            reanchor_fuzzy(annotation, &mut FuzzyText::new(text))
        }
        other => other,
    }
}

/// [`reanchor`] with the quote's occurrences already found.
pub fn reanchor_among(annotation: &Annotation, text: &Text, found: &Occurrences) -> Anchoring {
    if annotation.text.is_empty() {
        return Anchoring::Orphan;
    }
    if text
        .slice(annotation.span())
        .is_some_and(|s| s == annotation.text)
    {
        return Anchoring::Exact;
    }
    let s = text.as_str();
    let occurrences = &found.bytes;
    if occurrences.is_empty() {
        return Anchoring::Orphan;
    }
    let quote_chars = annotation.text.chars().count();
    let to_span = |byte: usize| {
        text.char_of_byte(byte)
            .map(|start| start..start + quote_chars)
    };
    if let Some(index) = &found.by_context {
        // Too many to score: only the whole context, matching exactly once, places it.
        let key = (annotation.prefix.clone(), annotation.suffix.clone());
        return match index.get(&key).map(Vec::as_slice) {
            Some([only]) => to_span(*only).map_or(Anchoring::Orphan, Anchoring::ByContext),
            _ => Anchoring::Orphan,
        };
    }
    // Score every occurrence by how much context agrees on either side.
    let scored: Vec<(usize, usize)> = occurrences
        .iter()
        .map(|&byte| {
            let before = s.get(..byte).unwrap_or_default();
            let after = s.get(byte + annotation.text.len()..).unwrap_or_default();
            let prefix = common_suffix_chars(before, &annotation.prefix);
            let suffix = common_prefix_chars(after, &annotation.suffix);
            (byte, prefix + suffix)
        })
        .collect();
    let full = annotation.prefix.chars().count() + annotation.suffix.chars().count();
    let best = scored.iter().map(|&(_, score)| score).max().unwrap_or(0);
    let best_places: Vec<usize> = scored
        .iter()
        .filter(|&&(_, score)| score == best)
        .map(|&(byte, _)| byte)
        .collect();
    if full > 0
        && best == full
        && best_places.len() == 1
        && let Some(span) = best_places.first().and_then(|&b| to_span(b))
    {
        return Anchoring::ByContext(span);
    }
    if let [only] = occurrences.as_slice()
        && quote_chars >= MIN_UNIQUE_QUOTE_CHARS
    {
        return to_span(*only).map_or(Anchoring::Orphan, Anchoring::ByUniqueQuote);
    }
    if best >= MIN_CONTEXT_AGREEMENT
        && best_places.len() == 1
        && let Some(span) = best_places.first().and_then(|&b| to_span(b))
    {
        return Anchoring::ByContext(span);
    }
    if best >= MIN_CONTEXT_AGREEMENT && best_places.len() > 1 {
        return Anchoring::Ambiguous(best_places.iter().filter_map(|&b| to_span(b)).collect());
    }
    Anchoring::Orphan
}

/// Quotes shorter than this (in chars) are never searched approximately: a short name
/// with an edit in it is another word more often than the same one.
pub const MIN_FUZZY_QUOTE_CHARS: usize = 8;

/// An approximate match may differ from the quote in up to this share of its chars.
pub const MAX_FUZZY_ERROR_SHARE: f64 = 0.25;

/// Two approximate candidates whose scores (in [0, 1]) are closer than this are near-equal:
/// neither is chosen.
pub const FUZZY_AMBIGUITY_MARGIN: f64 = 0.05;

/// Work allowed for approximate search in one re-anchoring pass, in text chars × 64-char
/// pattern blocks (about a second on a laptop); past it, annotations stay orphans.
pub const FUZZY_BUDGET: u64 = 400_000_000;

/// What approximate search needs of the text, built once per re-anchoring pass.
pub struct FuzzyText {
    chars: Vec<char>,
    budget: u64,
}

impl FuzzyText {
    /// The text's chars and a fresh [`FUZZY_BUDGET`].
    pub fn new(text: &Text) -> Self {
        Self {
            chars: text.as_str().chars().collect(),
            budget: FUZZY_BUDGET,
        }
    }
}

/// The last fallback, for an annotation whose exact quote is nowhere in the text and whose
/// old text is unknown: an approximate search (at most a quarter of the quote's chars
/// edited), each candidate scored on the similarity of its quote (weight 50), prefix (20)
/// and suffix (20) and its closeness to the old position (2), as Hypothesis does. The best
/// candidate is placed, as **changed**, only when no other comes within
/// [`FUZZY_AMBIGUITY_MARGIN`] of it (else **ambiguous**), and a quote under
/// [`MIN_UNIQUE_QUOTE_CHARS`] needs its context to agree at least half.
pub fn reanchor_fuzzy(annotation: &Annotation, text: &mut FuzzyText) -> Anchoring {
    let quote: Vec<char> = annotation.text.chars().collect();
    let m = quote.len();
    if m < MIN_FUZZY_QUOTE_CHARS {
        return Anchoring::Orphan;
    }
    let max_errors = (m as f64 * MAX_FUZZY_ERROR_SHARE) as usize;
    // The scan costs a word step per text char and 64 quote chars; finding where each
    // candidate starts costs a table of the quote against the chars before its end.
    // At least two candidates must be affordable, or near-equal ones would go unseen.
    let scan = text.chars.len() as u64 * m.div_ceil(64) as u64;
    let per_candidate = (m as u64) * (m + max_errors) as u64;
    if scan + 2 * per_candidate > text.budget {
        return Anchoring::Orphan;
    }
    text.budget -= scan;
    let limit = (text.budget / per_candidate).min(32);
    let chars = &text.chars;
    let found = super::fuzzy::search(chars, &quote, max_errors, limit as usize);
    text.budget -= found.len() as u64 * per_candidate;
    let prefix: Vec<char> = annotation.prefix.chars().collect();
    let suffix: Vec<char> = annotation.suffix.chars().collect();
    let n = chars.len().max(1) as f64;
    let old_start = annotation.start as f64;
    let mut scored: Vec<(f64, f64, std::ops::Range<usize>)> = found
        .into_iter()
        .map(|hit| super::fuzzy::widen_to_words(chars, &quote, &hit, max_errors))
        .filter(|hit| hit.errors <= max_errors)
        .map(|hit| {
            let quote_sim = 1.0 - hit.errors as f64 / m as f64;
            let mut total = 50.0 * quote_sim;
            let mut weights = 50.0;
            let mut context = Vec::new();
            if !prefix.is_empty() {
                let before = &chars[hit.start.saturating_sub(prefix.len())..hit.start];
                context.push(super::fuzzy::similarity(&prefix, before));
            }
            if !suffix.is_empty() {
                let after = &chars[hit.end..(hit.end + suffix.len()).min(chars.len())];
                context.push(super::fuzzy::similarity(&suffix, after));
            }
            for sim in &context {
                total += 20.0 * sim;
                weights += 20.0;
            }
            total += 2.0 * (1.0 - (hit.start as f64 - old_start).abs() / n);
            weights += 2.0;
            let context_sim = if context.is_empty() {
                0.0
            } else {
                context.iter().sum::<f64>() / context.len() as f64
            };
            (total / weights, context_sim, hit.start..hit.end)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.start.cmp(&b.2.start)));
    let Some((best, context_sim, span)) = scored.first().cloned() else {
        return Anchoring::Orphan;
    };
    let near: Vec<Range<usize>> = scored
        .iter()
        .take_while(|(score, ..)| best - score < FUZZY_AMBIGUITY_MARGIN)
        .map(|(.., span)| span.clone())
        .collect();
    if near.len() > 1 {
        return Anchoring::Ambiguous(near);
    }
    if m < MIN_UNIQUE_QUOTE_CHARS && context_sim < 0.5 {
        return Anchoring::Orphan;
    }
    Anchoring::Changed {
        span,
        old: annotation.text.clone(),
    }
}

fn common_suffix_chars(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}
