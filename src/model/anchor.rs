//! Re-anchoring: placing an annotation again after its article's text changed.
//!
//! Order of attempts: the exact old position; the quote where its prefix and suffix
//! context match; the quote alone if it occurs once; otherwise the annotation is an
//! orphan — kept and reported, never moved to a guessed place.

use std::ops::Range;

use super::annotation::Annotation;
use super::text::Text;

/// Where an annotation ended up in a new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchoring {
    /// The quote is still at its offsets.
    Exact,
    /// Found again through its context (prefix and/or suffix).
    ByContext(Range<usize>),
    /// Found again as the only occurrence of the quote.
    ByUniqueQuote(Range<usize>),
    /// Could not be placed.
    Orphan,
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
            Self::Orphan => write!(f, "orphaned (the quote is no longer in the text)"),
        }
    }
}

/// Minimum number of context chars that must agree to place an ambiguous quote.
const MIN_CONTEXT_AGREEMENT: usize = 8;

/// Find where `annotation` belongs in `text`.
pub fn reanchor(annotation: &Annotation, text: &Text) -> Anchoring {
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
    let occurrences: Vec<usize> = s
        .match_indices(annotation.text.as_str())
        .map(|(byte, _)| byte)
        .collect();
    if occurrences.is_empty() {
        return Anchoring::Orphan;
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
    let quote_chars = annotation.text.chars().count();
    let to_span = |byte: usize| {
        text.char_of_byte(byte)
            .map(|start| start..start + quote_chars)
    };
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
    if let [only] = occurrences.as_slice() {
        return to_span(*only).map_or(Anchoring::Orphan, Anchoring::ByUniqueQuote);
    }
    if best >= MIN_CONTEXT_AGREEMENT
        && best_places.len() == 1
        && let Some(span) = best_places.first().and_then(|&b| to_span(b))
    {
        return Anchoring::ByContext(span);
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
