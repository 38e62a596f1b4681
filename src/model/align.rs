//! Where each character of an old text went in a new one: a character-level diff
//! (`similar`'s Myers diff, lines first and then characters inside the changed lines, so
//! two long texts with a few edits never cost a quadratic diff), kept as the runs of
//! characters both texts share.
//!
//! [`Alignment::map`] carries a span through it: all its characters survived together
//! (**moved**, maybe by zero), most of them survived (**changed**: the span is the
//! surviving stretch), or they are gone (**deleted**). A deleted span whose exact text
//! with its context was inserted elsewhere, once, was **moved** there (a paragraph moved
//! is a deletion plus an insertion to a diff).

use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, TextDiff};

/// How long one diff may search for the best alignment before settling for a good one.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

/// A changed region at most this long (chars, each side) is an edit in place: every
/// character the diff keeps counts.
const LOCAL_REGION: usize = 64;

/// At most this many characters replaced one for one at an edge of a span stay in it.
const MAX_SUBSTITUTION: usize = 3;

/// In a longer changed region, shared runs shorter than this are coincidence.
const MIN_RUN: usize = 4;

/// A run of characters the old and the new text share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    old: usize,
    new: usize,
    len: usize,
}

/// The alignment of an old text with a new one, in chars.
#[derive(Clone, Debug)]
pub struct Alignment {
    /// Shared runs in text order (old and new offsets both increase).
    runs: Vec<Run>,
    /// Stretches of the new text that are not in the old one (inserted), in order.
    inserted: Vec<Range<usize>>,
}

/// What became of a span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// Every character survived, together: the span's place in the new text.
    Moved(Range<usize>),
    /// Most characters survived (an edit inside or at an edge): the surviving stretch.
    Changed(Range<usize>),
    /// Too few characters survived.
    Deleted,
}

impl Alignment {
    /// Align `old` with `new`.
    pub fn new(old: &str, new: &str) -> Self {
        let deadline = Instant::now() + DIFF_DEADLINE;
        let lines = TextDiff::configure()
            .algorithm(Algorithm::Myers)
            .deadline(deadline)
            .diff_lines(old, new);
        let old_starts = char_starts(lines.old_slices());
        let new_starts = char_starts(lines.new_slices());
        let mut runs = Vec::new();
        // Changed lines are gathered into regions and diffed by character.
        let mut pending: Option<(Range<usize>, Range<usize>)> = None;
        let flush = |pending: &mut Option<(Range<usize>, Range<usize>)>, runs: &mut Vec<Run>| {
            if let Some((o, n)) = pending.take() {
                let (o, n) = (
                    old_starts[o.start]..old_starts[o.end],
                    new_starts[n.start]..new_starts[n.end],
                );
                if o.is_empty() || n.is_empty() {
                    return;
                }
                let a = slice_chars(old, o.clone());
                let b = slice_chars(new, n.clone());
                let chars = TextDiff::configure()
                    .algorithm(Algorithm::Myers)
                    .deadline(deadline)
                    .diff_chars(a, b);
                // In a large changed region a character diff also pairs up letters of
                // unrelated words; only runs long enough to be evidence count there.
                let local = o.len() <= LOCAL_REGION && n.len() <= LOCAL_REGION;
                for op in chars.ops() {
                    let (tag, x, y) = op.as_tag_tuple();
                    if tag == DiffTag::Equal && (local || x.len() >= MIN_RUN) {
                        runs.push(Run {
                            old: o.start + x.start,
                            new: n.start + y.start,
                            len: x.len(),
                        });
                    }
                }
            }
        };
        for op in lines.ops() {
            let (tag, x, y) = op.as_tag_tuple();
            if tag == DiffTag::Equal {
                flush(&mut pending, &mut runs);
                let (o, n) = (old_starts[x.start], new_starts[y.start]);
                let len = old_starts[x.end] - o;
                runs.push(Run {
                    old: o,
                    new: n,
                    len,
                });
            } else {
                pending = Some(match pending.take() {
                    Some((a, b)) => (a.start..x.end, b.start..y.end),
                    None => (x, y),
                });
            }
        }
        flush(&mut pending, &mut runs);
        // Merge runs that continue each other.
        let mut merged: Vec<Run> = Vec::with_capacity(runs.len());
        for run in runs.into_iter().filter(|r| r.len > 0) {
            match merged.last_mut() {
                Some(last) if last.old + last.len == run.old && last.new + last.len == run.new => {
                    last.len += run.len;
                }
                _ => merged.push(run),
            }
        }
        let new_len = new.chars().count();
        let mut inserted = Vec::new();
        let mut at = 0;
        for run in &merged {
            if run.new > at {
                inserted.push(at..run.new);
            }
            at = run.new + run.len;
        }
        if at < new_len {
            inserted.push(at..new_len);
        }
        Self {
            runs: merged,
            inserted,
        }
    }

    /// True when the texts are the same.
    pub fn is_identity(&self) -> bool {
        self.inserted.is_empty()
            && self.runs.len() <= 1
            && self.runs.first().is_none_or(|r| r.old == 0 && r.new == 0)
    }

    /// Where the old char `at` is in the new text, if it survived.
    pub fn map_char(&self, at: usize) -> Option<usize> {
        let k = self.runs.partition_point(|r| r.old + r.len <= at);
        let run = self.runs.get(k)?;
        (run.old <= at).then(|| run.new + (at - run.old))
    }

    /// Carry the old span `span` over: moved when every char survived in one stretch,
    /// changed when more than half survived, else deleted.
    pub fn map(&self, span: Range<usize>) -> Mapped {
        self.map_in(span, &[], &[])
    }

    /// [`Alignment::map`], with the texts (as chars) so that punctuation retyped at an
    /// edge of the span (a straight quote become a curly one) stays in it.
    pub fn map_in(&self, span: Range<usize>, old: &[char], new: &[char]) -> Mapped {
        if span.is_empty() {
            return Mapped::Deleted;
        }
        let first = self.runs.partition_point(|r| r.old + r.len <= span.start);
        // The pieces of the span that survived: (new start, new end).
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        for run in self.runs[first..].iter().take_while(|r| r.old < span.end) {
            let s = run.old.max(span.start);
            let e = (run.old + run.len).min(span.end);
            if s < e {
                pieces.push((run.new + (s - run.old), run.new + (e - run.old)));
            }
        }
        let len = span.len();
        let contiguous = pieces.windows(2).all(|w| w[0].1 == w[1].0);
        let survived: usize = pieces.iter().map(|(s, e)| e - s).sum();
        if survived == len && contiguous {
            return pieces
                .first()
                .zip(pieces.last())
                .map_or(Mapped::Deleted, |(f, l)| Mapped::Moved(f.0..l.1));
        }
        // A letter or two that the diff matched apart from the rest, at either edge, is a
        // coincidence, not the span.
        let stray = |piece: &(usize, usize), neighbour: &(usize, usize)| {
            piece.1 - piece.0 < MIN_RUN && piece.1 != neighbour.0 && neighbour.1 != piece.0
        };
        while pieces.len() > 1 && stray(&pieces[0], &pieces[1]) {
            pieces.remove(0);
        }
        while pieces.len() > 1 && stray(&pieces[pieces.len() - 1], &pieces[pieces.len() - 2]) {
            pieces.pop();
        }
        let survived: usize = pieces.iter().map(|(s, e)| e - s).sum();
        let Some((lo, hi)) = pieces.first().zip(pieces.last()).map(|(f, l)| (f.0, l.1)) else {
            return Mapped::Deleted;
        };
        // More than half must survive, with a margin for a letter or two the diff pairs
        // up by chance beside a real run.
        // And most of the new span must be its own characters: text moved into its
        // middle does not make it longer than what survived of it.
        if survived * 2 <= len.max(hi - lo) + 4 {
            return Mapped::Deleted;
        }
        // Characters replaced at an edge (a straight quote retyped as a curly one) stay
        // in the span: as many new characters as old ones were lost there, taken from
        // the stretch the diff inserted at that very place.
        let (first_old, last_old) = (self.old_of(lo), self.old_of(hi - 1));
        let mut lo = lo;
        let mut hi = hi;
        let punct =
            |c: Option<&char>| c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
        if let Some(first_old) = first_old {
            let lost = first_old.saturating_sub(span.start);
            let room = lo - self.new_end_before(lo);
            // A few letters replaced one for one (1893 → 1894) are the span's own too.
            let take = if lost == room && lost <= MAX_SUBSTITUTION {
                lost
            } else {
                (0..lost.min(room))
                    .take_while(|k| punct(old.get(first_old - 1 - k)) && punct(new.get(lo - 1 - k)))
                    .count()
            };
            lo -= take;
        }
        if let Some(last_old) = last_old {
            let lost = span.end.saturating_sub(last_old + 1);
            let room = self.new_start_after(hi) - hi;
            let take = if lost == room && lost <= MAX_SUBSTITUTION {
                lost
            } else {
                (0..lost.min(room))
                    .take_while(|k| punct(old.get(last_old + 1 + k)) && punct(new.get(hi + k)))
                    .count()
            };
            hi += take;
        }
        Mapped::Changed(lo..hi)
    }

    /// The old char the new char `at` came from, if it survived.
    fn old_of(&self, at: usize) -> Option<usize> {
        let k = self.runs.partition_point(|r| r.new + r.len <= at);
        let run = self.runs.get(k)?;
        (run.new <= at).then(|| run.old + (at - run.new))
    }

    /// Where the shared run before new offset `at` ends (0 when none).
    fn new_end_before(&self, at: usize) -> usize {
        let k = self.runs.partition_point(|r| r.new + r.len <= at);
        k.checked_sub(1)
            .and_then(|k| self.runs.get(k))
            .map_or(0, |r| r.new + r.len)
            .min(at)
    }

    /// Where the shared run at or after new offset `at` starts (the text's end when none).
    fn new_start_after(&self, at: usize) -> usize {
        let k = self.runs.partition_point(|r| r.new < at);
        self.runs
            .get(k)
            .map_or_else(
                || self.inserted.last().map_or(at, |r| r.end.max(at)),
                |r| r.new,
            )
            .max(at)
    }

    /// Whether the new stretch `span` lies wholly in text the old one did not have.
    pub fn is_inserted(&self, span: &Range<usize>) -> bool {
        let k = self.inserted.partition_point(|r| r.end <= span.start);
        self.inserted
            .get(k)
            .is_some_and(|r| r.start <= span.start && span.end <= r.end)
    }
}

fn char_starts(slices: &[&str]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(slices.len() + 1);
    let mut at = 0;
    starts.push(0);
    for s in slices {
        at += s.chars().count();
        starts.push(at);
    }
    starts
}

fn slice_chars(s: &str, range: Range<usize>) -> &str {
    let mut indices = s
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.len()));
    let start = indices.nth(range.start).unwrap_or(s.len());
    let end = if range.is_empty() {
        start
    } else {
        s[start..]
            .char_indices()
            .map(|(b, _)| start + b)
            .chain(std::iter::once(s.len()))
            .nth(range.len())
            .unwrap_or(s.len())
    };
    &s[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, needle: &str) -> Range<usize> {
        let byte = text.find(needle).unwrap();
        let start = text[..byte].chars().count();
        start..start + needle.chars().count()
    }

    #[test]
    fn spans_move_with_insertions_and_deletions_before_them() {
        let old = "Alpha one.\nBravo two.\nCharlie three.\n";
        let new = "New line first.\nAlpha one.\nCharlie three, café.\n";
        let al = Alignment::new(old, new);
        assert_eq!(
            al.map(span_of(old, "Alpha one")),
            Mapped::Moved(span_of(new, "Alpha one"))
        );
        assert_eq!(al.map(span_of(old, "Bravo two")), Mapped::Deleted);
        assert_eq!(
            al.map(span_of(old, "Charlie three")),
            Mapped::Moved(span_of(new, "Charlie three"))
        );
    }

    #[test]
    fn a_word_fixed_inside_a_span_changes_it() {
        let old = "He said the ferry wil run on Sunday.";
        let new = "He said the ferry will run on Sunday.";
        let al = Alignment::new(old, new);
        assert_eq!(
            al.map(span_of(old, "the ferry wil run")),
            Mapped::Changed(span_of(new, "the ferry will run"))
        );
        assert!(al.is_inserted(&(21..22)));
        assert!(!al.is_inserted(&(0..2)));
    }

    #[test]
    fn multibyte_text_is_counted_in_chars() {
        let old = "🌊 Zoë sagte: „Wir fahren.“\n";
        let new = "Heute: 🌊 Zoë sagte: „Wir fahren.“\n";
        let al = Alignment::new(old, new);
        assert_eq!(
            al.map(span_of(old, "Zoë")),
            Mapped::Moved(span_of(new, "Zoë"))
        );
        assert!(Alignment::new(old, old).is_identity());
    }
}
