//! Search over article texts: plain text, whole words or a regular expression, matched
//! in one pass per article and reported in char offsets with a line of context, with an
//! optional filter by what is annotated there.
//!
//! The `regex` crate does the matching: it guarantees linear time in the text for any
//! pattern (no backtracking blow-up on a pattern someone typed), understands Unicode
//! word boundaries and case folding, and bounds the size of a compiled pattern.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use regex::{Regex, RegexBuilder};

use super::Document;
use super::text::Text;

/// Chars of context kept on each side of a match (cut at a line break).
pub const CONTEXT: usize = 48;

/// Most matches reported for one article (the rest are counted, not kept).
pub const MAX_HITS_PER_ARTICLE: usize = 5_000;

/// Largest compiled pattern, in bytes (a pattern like `x{1000}{1000}` is refused, not
/// compiled into gigabytes).
const PATTERN_SIZE_LIMIT: usize = 2 << 20;

/// How the query is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The exact characters.
    #[default]
    Plain,
    /// The exact characters as whole words (not inside a longer word).
    WholeWord,
    /// A regular expression (the `regex` crate's syntax).
    Regex,
}

/// Which matches count, by what is annotated where they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every match.
    #[default]
    Everywhere,
    /// Only matches lying inside an annotation with this label id.
    InsideLabel(String),
    /// Only matches that touch no annotation.
    NotAnnotated,
}

/// What to look for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Query {
    /// The text or pattern typed.
    pub pattern: String,
    /// How `pattern` is read.
    pub mode: Mode,
    /// Match case (off by default).
    pub case_sensitive: bool,
    /// Which matches count.
    pub scope: Scope,
}

/// A query that cannot be searched for.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SearchError {
    /// Nothing to look for.
    #[error("type something to search for")]
    Empty,
    /// The regular expression does not parse or is too large.
    #[error("not a usable regular expression: {0}")]
    Pattern(String),
}

/// A compiled query.
#[derive(Clone, Debug)]
pub struct Matcher {
    regex: Regex,
    scope: Scope,
}

/// One match with its context on the same line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Char range of the match in the article text.
    pub range: Range<usize>,
    /// Up to [`CONTEXT`] chars before it, on its line.
    pub before: String,
    /// The matched text (one line of it, shortened when very long).
    pub matched: String,
    /// Up to [`CONTEXT`] chars after it, on its line.
    pub after: String,
}

/// The matches in one article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleHits {
    /// The article's id.
    pub article: String,
    /// The matches kept, in text order (at most [`MAX_HITS_PER_ARTICLE`]).
    pub hits: Vec<Hit>,
    /// How many matches there are in all (more than `hits.len()` when cut).
    pub total: usize,
}

impl Matcher {
    /// Compile `query`.
    ///
    /// # Errors
    /// [`SearchError::Empty`] for an empty pattern, [`SearchError::Pattern`] for a
    /// regular expression that does not parse or would compile too large.
    pub fn new(query: &Query) -> Result<Self, SearchError> {
        if query.pattern.is_empty() {
            return Err(SearchError::Empty);
        }
        let source = match query.mode {
            Mode::Plain => regex::escape(&query.pattern),
            // Half boundaries: a query that starts or ends with a non-word char ("(AP)")
            // still matches where its word chars meet a non-word char.
            Mode::WholeWord => format!(
                r"\b{{start-half}}{}\b{{end-half}}",
                regex::escape(&query.pattern)
            ),
            Mode::Regex => query.pattern.clone(),
        };
        let regex = RegexBuilder::new(&source)
            .case_insensitive(!query.case_sensitive)
            .multi_line(true)
            .size_limit(PATTERN_SIZE_LIMIT)
            .dfa_size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| SearchError::Pattern(first_line(&e.to_string())))?;
        Ok(Self {
            regex,
            scope: query.scope.clone(),
        })
    }

    /// Every counted match in `doc`, in text order. Stops early (with what it has) when
    /// `cancel` is set.
    pub fn search(&self, doc: &Document, cancel: &AtomicBool) -> ArticleHits {
        let text = &doc.article.text;
        let allowed = Coverage::of(doc, &self.scope);
        let s = text.as_str();
        let mut hits = Vec::new();
        let mut total = 0usize;
        // Byte → char by walking forward from the last match: one pass over the text.
        let mut at_byte = 0usize;
        let mut at_char = 0usize;
        for m in self.regex.find_iter(s) {
            if m.is_empty() {
                continue;
            }
            if total % 1024 == 1023 && cancel.load(Ordering::Relaxed) {
                break;
            }
            at_char += s.get(at_byte..m.start()).map_or(0, |t| t.chars().count());
            at_byte = m.start();
            let start = at_char;
            let end = start + m.as_str().chars().count();
            if !allowed.admits(start..end) {
                continue;
            }
            total += 1;
            if hits.len() < MAX_HITS_PER_ARTICLE {
                hits.push(hit(text, m.range(), start..end));
            }
        }
        ArticleHits {
            article: doc.article.id.clone(),
            hits,
            total,
        }
    }
}

/// The match `bytes` (chars `range`) with its context.
fn hit(text: &Text, bytes: Range<usize>, range: Range<usize>) -> Hit {
    let s = text.as_str();
    let before_all = s.get(..bytes.start).unwrap_or_default();
    let line_before = before_all.rsplit('\n').next().unwrap_or_default();
    let skip = line_before.chars().count().saturating_sub(CONTEXT);
    let mut before: String = line_before.chars().skip(skip).collect();
    if skip > 0 {
        // Cut at a word, not inside one.
        if let Some(space) = before.find(char::is_whitespace) {
            before.replace_range(..space, "…");
        }
    }
    let matched_all = s.get(bytes.clone()).unwrap_or_default();
    let matched_line = matched_all.split('\n').next().unwrap_or_default();
    let mut matched: String = matched_line.chars().take(2 * CONTEXT).collect();
    if matched.len() < matched_all.len() {
        matched.push('…');
    }
    let after_all = s.get(bytes.end..).unwrap_or_default();
    let line_after = after_all.split('\n').next().unwrap_or_default();
    let mut after: String = line_after.chars().take(CONTEXT).collect();
    if after.len() < line_after.len()
        && let Some(space) = after.rfind(char::is_whitespace)
    {
        after.truncate(space);
        after.push('…');
    }
    Hit {
        range,
        before,
        matched,
        after,
    }
}

fn first_line(s: &str) -> String {
    // The regex crate's messages draw the pattern with a caret on later lines; the last
    // non-empty line says what is wrong.
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .trim_start_matches("error: ")
        .to_owned()
}

/// The char ranges a scope admits matches in, merged and sorted.
enum Coverage {
    All,
    /// Matches must lie inside one of these (merged) ranges.
    Inside(Vec<Range<usize>>),
    /// Matches must touch none of these (merged) ranges.
    Outside(Vec<Range<usize>>),
}

impl Coverage {
    fn of(doc: &Document, scope: &Scope) -> Self {
        let spans = |keep: &dyn Fn(&str) -> bool| {
            let mut spans: Vec<Range<usize>> = doc
                .annotations
                .iter()
                .filter(|a| !a.orphan && a.start < a.end && keep(&a.label))
                .map(|a| a.start..a.end)
                .collect();
            spans.sort_by_key(|r| (r.start, r.end));
            merge(spans)
        };
        match scope {
            Scope::Everywhere => Self::All,
            Scope::InsideLabel(label) => Self::Inside(spans(&|l| l == label)),
            Scope::NotAnnotated => Self::Outside(spans(&|_| true)),
        }
    }

    fn admits(&self, range: Range<usize>) -> bool {
        // The last merged range starting at or before the match's start.
        let covering = |spans: &[Range<usize>], at: usize| {
            let i = spans.partition_point(|s| s.start <= at);
            i.checked_sub(1).and_then(|i| spans.get(i)).cloned()
        };
        match self {
            Self::All => true,
            Self::Inside(spans) => covering(spans, range.start).is_some_and(|s| range.end <= s.end),
            Self::Outside(spans) => {
                let before = covering(spans, range.start).is_some_and(|s| s.end > range.start);
                let i = spans.partition_point(|s| s.start <= range.start);
                let after = spans.get(i).is_some_and(|s| s.start < range.end);
                !before && !after
            }
        }
    }
}

/// Sorted ranges merged where they overlap or touch.
fn merge(spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, AnnotationId, Article, Label, Rgb, Timestamp};

    fn doc(text: &str, spans: &[(&str, Range<usize>)]) -> Document {
        let mut doc = Document::new(Article::new("a", "A", "a.txt", text));
        for (n, (label, span)) in spans.iter().enumerate() {
            let annotation = Annotation::new(
                AnnotationId(n as u64 + 1),
                &Label::new(label, label, Rgb([0; 3])),
                &doc.article.text,
                span.clone(),
                Timestamp::default(),
            );
            doc.insert(annotation.expect("annotation"));
        }
        doc
    }

    fn find(doc: &Document, query: &Query) -> Vec<Range<usize>> {
        let matcher = Matcher::new(query).expect("query");
        matcher
            .search(doc, &AtomicBool::new(false))
            .hits
            .into_iter()
            .map(|h| h.range)
            .collect()
    }

    fn plain(p: &str) -> Query {
        Query {
            pattern: p.to_owned(),
            ..Query::default()
        }
    }

    #[test]
    fn offsets_are_chars_after_emoji_and_accents() {
        let d = doc("😀 Zoë met zoë. ZOË!", &[]);
        assert_eq!(find(&d, &plain("zoë")), vec![2..5, 10..13, 15..18]);
        let hits = Matcher::new(&plain("met"))
            .expect("query")
            .search(&d, &AtomicBool::new(false));
        assert_eq!(hits.hits[0].before, "😀 Zoë ");
        assert_eq!(hits.hits[0].matched, "met");
        assert_eq!(hits.hits[0].after, " zoë. ZOË!");
    }

    #[test]
    fn case_whole_word_and_regex() {
        let d = doc("Art and the artist; art.", &[]);
        assert_eq!(find(&d, &plain("art")).len(), 3);
        let case = Query {
            case_sensitive: true,
            ..plain("art")
        };
        assert_eq!(find(&d, &case), vec![12..15, 20..23]);
        let word = Query {
            mode: Mode::WholeWord,
            ..plain("art")
        };
        assert_eq!(find(&d, &word), vec![0..3, 20..23]);
        let re = Query {
            mode: Mode::Regex,
            ..plain(r"\bart\w+")
        };
        assert_eq!(find(&d, &re), vec![12..18]);
        // Plain text is not a pattern.
        assert!(find(&d, &plain("a.t")).is_empty());
    }

    #[test]
    fn whole_word_with_punctuation_at_the_edges() {
        // Whole word: no word char right before or after the match.
        let d = doc("(AP) and x(AP) and (AP)s, (AP).", &[]);
        let q = Query {
            mode: Mode::WholeWord,
            ..plain("(AP)")
        };
        assert_eq!(find(&d, &q), vec![0..4, 26..30]);
    }

    #[test]
    fn bad_patterns_are_errors_not_panics() {
        let bad = Query {
            mode: Mode::Regex,
            ..plain("(unclosed")
        };
        assert!(matches!(Matcher::new(&bad), Err(SearchError::Pattern(_))));
        let huge = Query {
            mode: Mode::Regex,
            ..plain("(?:a{1000}){1000}")
        };
        assert!(matches!(Matcher::new(&huge), Err(SearchError::Pattern(_))));
        assert_eq!(Matcher::new(&plain("")).err(), Some(SearchError::Empty));
        // A pattern that matches the empty string reports only real matches.
        let empty = Query {
            mode: Mode::Regex,
            ..plain("x*")
        };
        assert_eq!(find(&doc("axxb", &[]), &empty), vec![1..3]);
    }

    #[test]
    fn filter_by_label_and_by_not_annotated() {
        // "Kim" three times: inside a quote, inside a claim, bare.
        let text = "\"Kim left,\" she said. Kim won 5 races. Kim smiled.";
        let d = doc(text, &[("quote", 0..11), ("claim", 22..38)]);
        let inside = Query {
            scope: Scope::InsideLabel("quote".into()),
            ..plain("kim")
        };
        assert_eq!(find(&d, &inside), vec![1..4]);
        let bare = Query {
            scope: Scope::NotAnnotated,
            ..plain("kim")
        };
        assert_eq!(find(&d, &bare), vec![39..42]);
        // A match that straddles an annotation's edge is neither inside nor free.
        let straddle = Query {
            scope: Scope::NotAnnotated,
            ..plain("said. kim")
        };
        assert!(find(&d, &straddle).is_empty());
        let straddle_inside = Query {
            scope: Scope::InsideLabel("claim".into()),
            ..straddle
        };
        assert!(find(&d, &straddle_inside).is_empty());
    }

    #[test]
    fn many_matches_are_counted_past_the_cap() {
        let text = "ab ".repeat(MAX_HITS_PER_ARTICLE + 10);
        let hits = Matcher::new(&plain("ab"))
            .expect("query")
            .search(&doc(&text, &[]), &AtomicBool::new(false));
        assert_eq!(hits.hits.len(), MAX_HITS_PER_ARTICLE);
        assert_eq!(hits.total, MAX_HITS_PER_ARTICLE + 10);
    }
}
