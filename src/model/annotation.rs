//! Annotations: a labelled span of an article in char offsets, with its quote and context.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation as _};

use super::label::Label;
use super::text::Text;
use super::time::Timestamp;

/// Chars of context kept before and after a quote, for re-anchoring.
pub const CONTEXT_CHARS: usize = 32;

/// Stable id of an annotation, unique in its session.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct AnnotationId(pub u64);

impl std::fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A labelled span of an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable id.
    pub id: AnnotationId,
    /// Id of the [`Label`].
    pub label: String,
    /// First char of the span (inclusive).
    pub start: usize,
    /// End of the span (exclusive), in chars.
    pub end: usize,
    /// The exact text of the span.
    pub text: String,
    /// Up to [`CONTEXT_CHARS`] chars before the span.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] chars after the span.
    pub suffix: String,
    /// Free-text note.
    pub note: String,
    /// Attributes such as `speaker` or `status`, sorted by key.
    pub attributes: BTreeMap<String, String>,
    /// When it was made.
    pub created: Timestamp,
    /// When it last changed.
    pub modified: Timestamp,
    /// Set when the article changed and the quote could not be placed again; the offsets
    /// are then the last known ones and do not point at the quote.
    pub orphan: bool,
}

impl Annotation {
    /// A new annotation over an already snapped span of `text`, with the label's default
    /// attributes. `None` when the span is out of bounds or empty.
    pub fn new(
        id: AnnotationId,
        label: &Label,
        text: &Text,
        span: Range<usize>,
        now: Timestamp,
    ) -> Option<Self> {
        if span.is_empty() {
            return None;
        }
        let quote = text.slice(span.clone())?.to_owned();
        let attributes = label
            .attributes
            .iter()
            .filter(|spec| !spec.default.is_empty())
            .map(|spec| (spec.key.clone(), spec.default.clone()))
            .collect();
        let mut annotation = Self {
            id,
            label: label.id.clone(),
            start: span.start,
            end: span.end,
            text: quote,
            prefix: String::new(),
            suffix: String::new(),
            note: String::new(),
            attributes,
            created: now,
            modified: now,
            orphan: false,
        };
        annotation.refresh_context(text);
        Some(annotation)
    }

    /// True when both are the same annotation as a session file stores it: every field
    /// but the context (prefix and suffix), which is derived from the text and may have
    /// been computed at another time.
    pub fn same_record(&self, other: &Self) -> bool {
        self.id == other.id
            && self.label == other.label
            && self.start == other.start
            && self.end == other.end
            && self.text == other.text
            && self.note == other.note
            && self.attributes == other.attributes
            && self.created == other.created
            && self.modified == other.modified
            && self.orphan == other.orphan
    }

    /// The span in chars.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The sort key that keeps annotations in text order.
    pub fn sort_key(&self) -> (usize, usize, AnnotationId) {
        (self.start, self.end, self.id)
    }

    /// True when the text at the offsets is the quote.
    pub fn is_anchored_in(&self, text: &Text) -> bool {
        !self.orphan && text.slice(self.span()).is_some_and(|s| s == self.text)
    }

    /// Move the span to `span` of `text`, refreshing quote and context.
    /// `false` (and nothing changed) when the span is empty or out of bounds.
    pub fn set_span(&mut self, text: &Text, span: Range<usize>) -> bool {
        let Some(quote) = text.slice(span.clone()).filter(|q| !q.is_empty()) else {
            return false;
        };
        self.text = quote.to_owned();
        self.start = span.start;
        self.end = span.end;
        self.orphan = false;
        self.refresh_context(text);
        true
    }

    /// Recompute prefix and suffix from `text` at the current offsets.
    pub fn refresh_context(&mut self, text: &Text) {
        if let Some(bytes) = text.byte_range(self.span()) {
            self.set_context_at(text.as_str(), bytes);
        } else {
            self.prefix.clear();
            self.suffix.clear();
        }
    }

    /// Verify the quote and refresh the context in one pass: true when the text at the
    /// offsets is the quote (the context is then refreshed), false otherwise (untouched).
    pub fn verify_and_refresh(&mut self, text: &Text) -> bool {
        if self.orphan {
            return false;
        }
        let Some(bytes) = text.byte_range(self.span()) else {
            return false;
        };
        if text.as_str().get(bytes.clone()) != Some(self.text.as_str()) {
            return false;
        }
        self.set_context_at(text.as_str(), bytes);
        true
    }

    /// Prefix and suffix around the span at `bytes` (already known to be valid).
    fn set_context_at(&mut self, s: &str, bytes: Range<usize>) {
        let (prefix, suffix) = context_at(s, bytes);
        self.prefix.clear();
        self.prefix.push_str(prefix);
        self.suffix.clear();
        self.suffix.push_str(suffix);
    }
}

/// The context of the span at `bytes` of `s`: up to [`CONTEXT_CHARS`] chars before and
/// after it (what an annotation's `prefix` and `suffix` hold).
pub fn context_at(s: &str, bytes: Range<usize>) -> (&str, &str) {
    let before = s.get(..bytes.start).unwrap_or_default();
    let prefix_start = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let after = s.get(bytes.end..).unwrap_or_default();
    let suffix_len = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(after.len(), |(i, _)| i);
    (
        before.get(prefix_start..).unwrap_or_default(),
        after.get(..suffix_len).unwrap_or_default(),
    )
}

/// Why a span cannot become an annotation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    /// Nothing but whitespace (or nothing at all) is selected.
    #[error("the selection is empty or only whitespace")]
    Empty,
    /// The span lies outside the text.
    #[error("the span {start}..{end} is outside the text ({len} chars)")]
    OutOfBounds {
        /// Start asked for.
        start: usize,
        /// End asked for.
        end: usize,
        /// Text length in chars.
        len: usize,
    },
}

/// Snap a char span to grapheme-cluster boundaries (growing it, so an emoji or a
/// combining mark is never split) and trim surrounding whitespace.
/// A reversed span is normalised first.
pub fn snap_span(text: &Text, span: Range<usize>) -> Result<Range<usize>, SpanError> {
    let (start, end) = if span.start <= span.end {
        (span.start, span.end)
    } else {
        (span.end, span.start)
    };
    let out_of_bounds = SpanError::OutOfBounds {
        start,
        end,
        len: text.char_len(),
    };
    let s = text.as_str();
    let (Some(mut byte_start), Some(mut byte_end)) =
        (text.byte_of_char(start), text.byte_of_char(end))
    else {
        return Err(out_of_bounds);
    };
    byte_start = grapheme_floor(s, byte_start);
    byte_end = grapheme_ceil(s, byte_end);
    // Trim whole graphemes made only of whitespace at both ends (a space carrying a
    // combining mark is visible, so it stays).
    let inner = s.get(byte_start..byte_end).ok_or(SpanError::Empty)?;
    let mut kept = inner
        .grapheme_indices(true)
        .filter(|(_, g)| !g.chars().all(char::is_whitespace));
    let Some((first, first_grapheme)) = kept.next() else {
        return Err(SpanError::Empty);
    };
    let (last, last_grapheme) = kept.next_back().unwrap_or((first, first_grapheme));
    byte_end = byte_start + last + last_grapheme.len();
    byte_start += first;
    match (text.char_of_byte(byte_start), text.char_of_byte(byte_end)) {
        (Some(a), Some(b)) if a < b => Ok(a..b),
        _ => Err(SpanError::Empty),
    }
}

/// The grapheme boundary at or before `byte`.
pub fn grapheme_floor(s: &str, byte: usize) -> usize {
    let mut cursor = GraphemeCursor::new(byte, s.len(), true);
    if cursor.is_boundary(s, 0).unwrap_or(true) {
        return byte;
    }
    cursor.prev_boundary(s, 0).ok().flatten().unwrap_or(0)
}

/// The grapheme boundary at or after `byte`.
pub fn grapheme_ceil(s: &str, byte: usize) -> usize {
    let mut cursor = GraphemeCursor::new(byte, s.len(), true);
    if cursor.is_boundary(s, 0).unwrap_or(true) {
        return byte;
    }
    cursor.next_boundary(s, 0).ok().flatten().unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapped(s: &str, span: Range<usize>) -> Result<String, SpanError> {
        let text = Text::new(s);
        snap_span(&text, span).map(|r| text.slice(r).unwrap_or_default().to_owned())
    }

    #[test]
    fn snapping_keeps_graphemes_whole() {
        // Family emoji: 👨‍👩‍👧 is 5 chars (3 people + 2 ZWJ).
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let s = format!("hi {family} there");
        assert_eq!(snapped(&s, 4..6).unwrap(), family);
        // e + combining acute: selecting just the e takes the mark too.
        assert_eq!(snapped("cafe\u{301} noir", 3..4).unwrap(), "e\u{301}");
        // Flag (two regional indicators).
        assert_eq!(
            snapped("go \u{1F1EB}\u{1F1F7}!", 4..5).unwrap(),
            "\u{1F1EB}\u{1F1F7}"
        );
    }

    #[test]
    fn snapping_trims_whitespace_and_refuses_empty() {
        assert_eq!(snapped("  word \n", 0..8).unwrap(), "word");
        assert_eq!(snapped("a   b", 1..4), Err(SpanError::Empty));
        assert_eq!(snapped("abc", 2..2), Err(SpanError::Empty));
        assert!(matches!(
            snapped("abc", 1..9),
            Err(SpanError::OutOfBounds { .. })
        ));
        assert_eq!(
            snapped("abcdef", Range { start: 4, end: 1 }).unwrap(),
            "bcd"
        );
    }

    #[test]
    fn context_is_32_chars_each_side() {
        let s = "x".repeat(40) + "QUOTE" + &"y".repeat(40);
        let text = Text::new(s.as_str());
        let label = Label::defaults().remove(1);
        let a = Annotation::new(AnnotationId(1), &label, &text, 40..45, Timestamp(0)).unwrap();
        assert_eq!(a.text, "QUOTE");
        assert_eq!(a.prefix, "x".repeat(32));
        assert_eq!(a.suffix, "y".repeat(32));
    }
}
