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
    reanchor_among(annotation, text, &Occurrences::find(&annotation.text, text))
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
