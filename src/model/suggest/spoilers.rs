//! Spoilers: a spoiler warning ("Spoilers ahead", "*Spoiler alert*", "Warning: spoilers
//! for …") marks the passage after it, up to an end marker ("End of spoilers") or the end
//! of its section (the next heading, or the end of the text); in a text about a story
//! (a film, a series, a book), sentences that give away what happens — a character dies,
//! turns out to be someone, ends up with someone, the finale reveals, the twist — are
//! suggested with a score.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::lexicon::WordSet;

/// A spoiler found in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Spoiler {
    /// Bytes.
    pub span: Range<usize>,
    /// In [0, 1].
    pub score: f32,
    /// Why.
    pub reason: String,
}

/// The regex in `cell`, compiled from `pattern` on first use.
#[allow(clippy::expect_used)] // constant patterns, each used by the tests
fn compiled(cell: &'static OnceLock<Regex>, pattern: impl FnOnce() -> String) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&pattern()).expect("a constant pattern is valid"))
}

/// A spoiler warning. The patterns use ASCII word boundaries: a Unicode `\b` would
/// keep the regex crate from its fast engines on text with non-ASCII letters (a 10 MB
/// article went from ~1 s to ~10 ms).
fn warning() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        r"(?i)(?-u:\b)(?:spoilers?[ \t]+(?:ahead|alert|warning|below|follow|inside)|spoiler[ \t]*alert|(?:warning|caution|note)[ \t]*[:\-–—!]?[ \t]*(?:(?:major|minor|heavy|some|full)[ \t]+)?spoilers?|(?:major|minor|heavy|full|massive|mild)[ \t]+spoilers?|contains?[ \t]+(?:major[ \t]+)?spoilers?|spoilers?[ \t]+for(?-u:\b))".into()
    })
}

/// The end of a warned passage (`End of spoilers`).
fn end_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        r"(?i)(?:(?-u:\b)end[ \t]+(?:of[ \t]+)?spoilers?(?-u:\b)|(?-u:\b)spoilers?[ \t]+(?:end|over|ended)(?-u:\b)|\[/spoilers?\]|</spoilers?>|(?-u:\b)spoiler[- ]free[ \t]+from[ \t]+here(?-u:\b)|(?-u:\b)no[ \t]+more[ \t]+spoilers(?-u:\b))".into()
    })
}

/// Words saying the text is about a story.
static STORY: WordSet = WordSet::new(&[
    "film",
    "movie",
    "series",
    "season",
    "episode",
    "finale",
    "novel",
    "book",
    "show",
    "character",
    "characters",
    "plot",
    "sequel",
    "premiere",
    "chapter",
    "trailer",
    "protagonist",
    "villain",
    "hero",
    "heroine",
    "spoiler",
    "spoilers",
    "twist",
    "storyline",
    "screenplay",
    "cinema",
    "netflix",
    "hbo",
    "comic",
    "manga",
    "anime",
    "game",
    "saga",
    "trilogy",
    "ending",
    "cliffhanger",
]);

/// Plot outcomes: (phrase, weight).
const OUTCOMES: &[(&str, f32)] = &[
    (" dies", 0.5),
    (" died", 0.35),
    (" is killed", 0.55),
    (" was killed", 0.45),
    (" gets killed", 0.55),
    (" killed off", 0.6),
    (" kills ", 0.45),
    (" murders ", 0.45),
    (" is murdered", 0.55),
    (" turns out", 0.55),
    (" turned out", 0.4),
    (" is revealed", 0.55),
    (" was revealed", 0.4),
    (" reveals that", 0.5),
    (" finale reveals", 0.6),
    (" ends up with", 0.55),
    (" ended up with", 0.45),
    (" end up with", 0.45),
    (" ends up ", 0.35),
    (" returns", 0.2),
    (" comes back", 0.35),
    (" back from the dead", 0.6),
    (" is pregnant", 0.55),
    (" pregnant", 0.35),
    ("the twist", 0.55),
    ("plot twist", 0.6),
    ("twist ending", 0.6),
    ("the ending", 0.35),
    ("in the end", 0.35),
    ("at the end", 0.3),
    (" betrays", 0.5),
    (" betrayed", 0.35),
    (" secretly", 0.35),
    (" marries", 0.45),
    (" gets married", 0.45),
    (" survives", 0.4),
    (" the killer", 0.55),
    (" true identity", 0.6),
    (" real identity", 0.55),
    (" is actually", 0.45),
    (" was actually", 0.4),
    (" sacrifices", 0.45),
    (" commits suicide", 0.55),
    (" falls in love", 0.35),
    (" breaks up", 0.35),
    (" escapes", 0.3),
    (" death of", 0.45),
    (" cliffhanger", 0.45),
    (" resurrected", 0.55),
    (" is alive", 0.5),
    (" was alive", 0.45),
    (" the finale", 0.3),
    (" last episode", 0.3),
    (" final scene", 0.45),
    (" final episode", 0.35),
    (" wins the", 0.3),
];

/// Any outcome phrase, case-insensitive, as one regex.
fn outcome_finder() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        let phrases: Vec<String> = OUTCOMES
            .iter()
            .map(|(p, _)| regex::escape(p.trim()))
            .collect();
        format!("(?i)(?:{})", phrases.join("|"))
    })
}

/// Spoilers in `text`, given its sentences (byte ranges, in order).
pub fn spoilers(text: &str, sentences: &[Range<usize>]) -> Vec<Spoiler> {
    let mut out = Vec::new();
    let mut covered_until = 0usize;
    // Every end marker once (each warning looks up the next one: linear in all).
    let ends: Vec<usize> = end_marker().find_iter(text).map(|e| e.start()).collect();
    for m in warning().find_iter(text) {
        if m.start() < covered_until {
            continue;
        }
        // The passage starts after the sentence (or heading) holding the warning.
        let i = sentences.partition_point(|s| s.end <= m.start());
        let Some(warning_sentence) = sentences.get(i) else {
            continue;
        };
        let start = sentences
            .get(i + 1)
            .map_or(text.len(), |s| s.start)
            .max(warning_sentence.end);
        if start >= text.len() {
            continue;
        }
        let next_end = ends.get(ends.partition_point(|&e| e < start)).copied();
        let section_end = section_end(text, start, next_end.unwrap_or(text.len()));
        let end = next_end
            .filter(|&e| e < section_end)
            .map_or(section_end, |e| {
                let j = sentences.partition_point(|s| s.end <= e);
                sentences.get(j).map_or(e, |s| s.start.max(start))
            });
        let span = start..trim_end(text, start, end);
        if span.is_empty() {
            continue;
        }
        covered_until = span.end;
        out.push(Spoiler {
            span,
            score: 0.95,
            reason: format!("after the spoiler warning \"{}\"", m.as_str().trim()),
        });
    }
    let warned: Vec<Range<usize>> = out.iter().map(|s| s.span.clone()).collect();
    if !about_a_story(text) {
        return out;
    }
    // Only sentences holding an outcome phrase are looked at (one pass of one regex over
    // the text finds them).
    let mut candidates: Vec<&Range<usize>> = Vec::new();
    for m in outcome_finder().find_iter(text) {
        let i = sentences.partition_point(|s| s.end <= m.start());
        if let Some(sentence) = sentences.get(i)
            && sentence.start <= m.start()
            && candidates.last().is_none_or(|last| *last != sentence)
        {
            candidates.push(sentence);
        }
    }
    for sentence in candidates {
        // Inside a warned passage (sorted, apart): found by binary search.
        let i = warned.partition_point(|w| w.start <= sentence.start);
        if i > 0 && sentence.end <= warned[i - 1].end {
            continue;
        }
        let piece = &text[sentence.clone()];
        if piece.len() > 1000 {
            continue;
        }
        let lowered = format!(" {}", piece.to_lowercase());
        let mut best: Option<(&str, f32)> = None;
        let mut total = 0.0f32;
        for &(phrase, weight) in OUTCOMES {
            if lowered.contains(phrase) {
                total += weight;
                if best.is_none_or(|(_, w)| weight > w) {
                    best = Some((phrase, weight));
                }
            }
        }
        let Some((phrase, _)) = best else { continue };
        let names = piece
            .split_whitespace()
            .skip(1)
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        let story_words = lowered
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| STORY.contains(w))
            .count();
        let score = (0.25
            + total.min(0.7)
            + if names > 0 { 0.1 } else { 0.0 }
            + 0.1 * story_words.min(2) as f32)
            .min(0.9);
        out.push(Spoiler {
            span: sentence.clone(),
            score,
            reason: format!("plot outcome \"{}\"", phrase.trim()),
        });
    }
    out.sort_by_key(|s| (s.span.start, s.span.end));
    out
}

/// True when the text talks about a story: story words at least three times, or a
/// spoiler warning.
fn about_a_story(text: &str) -> bool {
    let mut count = 0;
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if (3..=12).contains(&word.len()) && STORY.contains(word) {
            count += 1;
            if count >= 3 {
                return true;
            }
        }
    }
    false
}

/// Where the section holding `from` ends: at the next heading (a short line without a
/// full stop between blank lines) or at the end of the text; never looked for past
/// `limit`.
fn section_end(text: &str, from: usize, limit: usize) -> usize {
    let mut at = from;
    while let Some(n) = text[at..limit.max(at)].find("\n\n") {
        let line_start = at + n + 2;
        let rest = &text[line_start..];
        let line_end = rest.find('\n').map_or(text.len(), |e| line_start + e);
        let line = text[line_start..line_end].trim();
        let followed_by_blank = text[line_end..].starts_with("\n\n") || line_end == text.len();
        let heading = !line.is_empty()
            && line.chars().count() <= 60
            && !line.ends_with(['.', '!', '?', ':', ',', ';', '"', '”'])
            && followed_by_blank;
        if heading || line.starts_with('#') {
            return line_start;
        }
        at = line_start;
        if at >= text.len() {
            break;
        }
    }
    text.len()
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::suggest::sentences::sentences;

    fn found(text: &str) -> Vec<(String, f32)> {
        spoilers(text, &sentences(text))
            .into_iter()
            .map(|s| (text[s.span].to_owned(), s.score))
            .collect()
    }

    #[test]
    fn a_warning_marks_the_passage_up_to_the_end_marker() {
        let text = "Our review of the new season.\n\n*Spoiler alert*\n\n\
                    Mara leaves the lighthouse. Her brother stays behind.\n\n\
                    End of spoilers.\n\nThe music is lovely.";
        let all = found(text);
        assert_eq!(
            all[0].0,
            "Mara leaves the lighthouse. Her brother stays behind."
        );
        assert!(all.iter().all(|(s, _)| !s.contains("music")), "{all:?}");
    }

    #[test]
    fn a_warning_runs_to_the_end_of_its_section() {
        let text = "Warning: spoilers for the whole first season below. The keeper sails away \
                    and never returns.\n\nThe cast\n\nThe actors are all new.";
        let all = found(text);
        assert_eq!(
            all[0].0, "The keeper sails away and never returns.",
            "{all:?}"
        );
        let text = "Spoilers ahead.\n\nThe ferry sinks in the last minute.";
        assert_eq!(found(text)[0].0, "The ferry sinks in the last minute.");
    }

    #[test]
    fn plot_outcomes_in_a_text_about_a_story_are_scored() {
        let text = "The series returns for a third season on Friday. The first episode is slow.\n\n\
                    In the finale, Mara turns out to be the keeper's daughter.\n\n\
                    The show was filmed on a small island.";
        let all = found(text);
        assert!(
            all.iter()
                .any(|(s, score)| s.contains("turns out") && *score > 0.7),
            "{all:?}"
        );
        assert!(!all.iter().any(|(s, _)| s.contains("filmed")), "{all:?}");
    }

    #[test]
    fn news_about_real_deaths_is_not_a_spoiler() {
        let text = "A fisherman died when his boat sank off the coast on Monday. \
                    The coastguard said the storm turned out to be stronger than forecast.";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }
}
