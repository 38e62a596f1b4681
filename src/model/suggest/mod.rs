//! The suggestion engine: quotes with their speakers, check-worthy claims and spoilers,
//! found offline by rules over the text alone (nothing to download, no server). Pure:
//! text in, [`Draft`]s out, in chars like every span of the model.

mod claims;
mod lexicon;
mod quotes;
mod sentences;
mod spoilers;
mod tokens;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

pub use claims::{ClaimScore, score as claim_score};
pub use lexicon::{speech_lemma_count, speech_verb};
pub use quotes::{Quote, Speaker, quotes};
pub use sentences::sentences;
pub use spoilers::{Spoiler, spoilers};

use super::suggestion::{Draft, Kinds};

/// Claims scoring below this are not suggested at all (a sentence with no cue).
pub const CLAIM_FLOOR: f32 = 0.02;

/// Longest sentence taken as one claim, in bytes (a run-on "sentence" of a text with no
/// punctuation is not a claim).
const LONGEST_CLAIM: usize = 2000;

/// The engine's suggestions for `text`: quotes (with a `source` draft for each speaker's
/// name, linked by `speaker`), claims and spoilers, as asked by `kinds`.
pub fn suggest(text: &str, kinds: Kinds) -> Vec<Draft> {
    suggest_with(text, kinds, text.len() >= PARALLEL_FROM)
}

/// [`suggest`], on more than one thread when `parallel` (the result is the same).
fn suggest_with(text: &str, kinds: Kinds, parallel: bool) -> Vec<Draft> {
    if !(kinds.quotes || kinds.claims || kinds.spoilers) {
        return Vec::new();
    }
    let sentences = if parallel {
        sentences_in_parallel(text)
    } else {
        sentences(text)
    };
    // The three kinds only share the sentences: on a long text they run side by side.
    let (found_quotes, found_claims, found_spoilers) = if parallel {
        std::thread::scope(|scope| {
            let q = scope.spawn(|| kinds.quotes.then(|| quotes(text, &sentences)));
            let sp = scope.spawn(|| kinds.spoilers.then(|| spoilers(text, &sentences)));
            let c = kinds.claims.then(|| scored_claims(text, &sentences));
            (joined(q), c, joined(sp))
        })
    } else {
        (
            kinds.quotes.then(|| quotes(text, &sentences)),
            kinds.claims.then(|| scored_claims(text, &sentences)),
            kinds.spoilers.then(|| spoilers(text, &sentences)),
        )
    };
    // Drafts in bytes first; their spans become chars at the end.
    let draft = |label: &str, span: Range<usize>, score: f32, reason: String| Draft {
        label: label.to_owned(),
        span,
        score,
        reason,
        attributes: BTreeMap::new(),
        links: Vec::new(),
    };
    let mut drafts: Vec<Draft> = Vec::new();
    if let Some(found) = found_quotes {
        // One `source` draft per speaker mention, after all the quotes.
        let mut sources: Vec<Draft> = Vec::new();
        let mut source_at: HashMap<(usize, usize), usize> = HashMap::new();
        let quote_count = found.len();
        for q in found {
            let mut quote = draft("quote", q.span, q.score, q.reason);
            if let Some(speaker) = q.speaker {
                let key = (speaker.mention.start, speaker.mention.end);
                let at = *source_at.entry(key).or_insert_with(|| {
                    let reason = format!("speaker of a quote: {}", speaker.name);
                    sources.push(draft("source", speaker.mention.clone(), q.score, reason));
                    sources.len() - 1
                });
                quote.attributes.insert("speaker".to_owned(), speaker.name);
                quote.links.push(("speaker".to_owned(), quote_count + at));
            }
            drafts.push(quote);
        }
        drafts.extend(sources);
    }
    for (span, scored) in found_claims.unwrap_or_default() {
        let reason = if scored.cues.is_empty() {
            "a statement".to_owned()
        } else {
            scored.cues.join(", ")
        };
        drafts.push(draft("claim", span, scored.score, reason));
    }
    for s in found_spoilers.unwrap_or_default() {
        drafts.push(draft("spoiler", s.span, s.score, s.reason));
    }
    // Bytes to chars, in one pass over the text.
    let mut offsets: Vec<usize> = drafts
        .iter()
        .flat_map(|d| [d.span.start, d.span.end])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let chars = chars_at(text, &offsets);
    let char_of = |byte: usize| chars[offsets.binary_search(&byte).unwrap_or(0)];
    for d in &mut drafts {
        d.span = char_of(d.span.start)..char_of(d.span.end);
    }
    drafts
}

/// Texts at least this long (bytes) are worked on by more than one thread.
const PARALLEL_FROM: usize = 256 * 1024;

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Every sentence scoring at least [`CLAIM_FLOOR`] as a claim.
fn scored_claims(text: &str, sentences: &[Range<usize>]) -> Vec<(Range<usize>, ClaimScore)> {
    sentences
        .iter()
        .filter(|s| s.len() <= LONGEST_CLAIM)
        .filter_map(|s| {
            let scored = claim_score(&text[s.clone()]);
            (scored.score >= CLAIM_FLOOR).then(|| (s.clone(), scored))
        })
        .collect()
}

/// [`sentences`] of a long text in two halves at once, cut at a blank line (where a
/// sentence always ends, so the result is the same).
fn sentences_in_parallel(text: &str) -> Vec<Range<usize>> {
    let middle = text.len() / 2;
    let cut = (text.len() >= PARALLEL_FROM)
        .then(|| {
            let from = tokens::ceil_boundary(text, middle);
            text[from..].find("\n\n").map(|n| from + n + 1)
        })
        .flatten();
    let Some(cut) = cut else {
        return sentences(text);
    };
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| sentences(&text[cut..]));
        (sentences(&text[..cut]), joined(second))
    });
    let mut all = first;
    all.extend(second.into_iter().map(|r| r.start + cut..r.end + cut));
    all
}

/// The char index of each byte offset in `sorted` (sorted, on char boundaries).
fn chars_at(text: &str, sorted: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(sorted.len());
    let mut chars = 0usize;
    let mut byte = 0usize;
    for &target in sorted {
        chars += text[byte..target].chars().count();
        byte = target;
        out.push(chars);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Kinds = Kinds {
        quotes: true,
        claims: true,
        spoilers: true,
    };

    fn slice(text: &str, span: &Range<usize>) -> String {
        text.chars()
            .skip(span.start)
            .take(span.end - span.start)
            .collect()
    }

    #[test]
    fn a_quote_links_to_its_speakers_name_in_chars() {
        let text = "Ça va. “Nous sommes prêts,” a dit la maire. “We are ready,” said Ana Ruiz.";
        let drafts = suggest(text, ALL);
        let quote = drafts
            .iter()
            .find(|d| d.label == "quote" && slice(text, &d.span).contains("ready"))
            .unwrap();
        assert_eq!(slice(text, &quote.span), "“We are ready,”");
        assert_eq!(quote.attributes["speaker"], "Ana Ruiz");
        let (kind, to) = &quote.links[0];
        assert_eq!(kind, "speaker");
        assert_eq!(drafts[*to].label, "source");
        assert_eq!(slice(text, &drafts[*to].span), "Ana Ruiz");
    }

    #[test]
    fn a_news_article_gets_every_quote_with_its_speaker() {
        let text = include_str!("../../../tests/fixtures/harbour-news.txt");
        let speakers: Vec<(String, String)> = suggest(text, ALL)
            .into_iter()
            .filter(|d| d.label == "quote")
            .map(|d| {
                let start: String = slice(text, &d.span).chars().take(12).collect();
                (
                    start,
                    d.attributes.get("speaker").cloned().unwrap_or_default(),
                )
            })
            .collect();
        let expected = [
            ("“We are read", "Ana Ruiz"),
            ("“This is the", "Tom Lee"),
            ("“A new ferry", "Tom Lee"),
            ("“The ferry b", "Marta Quell"),
            ("that the bri", "Ivo Brandt"),
            ("“Nobody like", "Ana Ruiz"),
            ("“Cut the ser", "Tom Lee"),
            ("“In the twel", "Sela Moor"),
            ("“I have run ", "Marta Quell"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(speakers, expected);
    }

    #[test]
    fn a_review_gets_its_spoiler_passage_and_quotes() {
        let text = include_str!("../../../tests/fixtures/lighthouse-review.txt");
        let drafts = suggest(text, ALL);
        let spoiler = drafts
            .iter()
            .find(|d| d.label == "spoiler" && d.score > 0.9)
            .expect("the warned passage");
        let passage = slice(text, &spoiler.span);
        assert!(passage.starts_with("In the finale") && passage.ends_with("real father."));
        // The pronoun after the warning takes the director named earlier.
        let last = drafts.iter().rfind(|d| d.label == "quote").unwrap();
        assert_eq!(last.attributes["speaker"], "Ines Marlow");
        // The premise is not offered as a spoiler for review.
        assert!(!drafts.iter().any(|d| d.label == "spoiler"
            && d.score >= 0.5
            && slice(text, &d.span).contains("returns to")));
    }

    #[test]
    fn only_the_kinds_asked_for() {
        let text = "“We are ready,” said Ana Ruiz. The bridge cost 4 million euros, 30% more.";
        let claims = suggest(
            text,
            Kinds {
                quotes: false,
                claims: true,
                spoilers: false,
            },
        );
        assert!(!claims.is_empty() && claims.iter().all(|d| d.label == "claim"));
        let none = suggest(
            text,
            Kinds {
                quotes: false,
                claims: false,
                spoilers: false,
            },
        );
        assert!(none.is_empty());
    }

    /// Random texts from the characters and words the rules look at.
    fn random_texts(count: usize, len: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "\"",
            "“",
            "”",
            "„",
            "«",
            "»",
            "‘",
            "’",
            "'",
            "''",
            "「",
            "」",
            " ",
            " ",
            " ",
            "\n",
            "\n\n",
            ".",
            ",",
            ":",
            "?",
            "…",
            "said",
            "he",
            "she",
            "Ana",
            "Ruiz",
            "Mr.",
            "the",
            "according to",
            "Spoilers ahead",
            "End of spoilers",
            "dies",
            "film",
            "season",
            "42%",
            "$3 million",
            "who",
            "saying",
            "é",
            "🙂",
            "\u{200f}",
            "ا",
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..count)
            .map(|_| {
                let mut out = String::new();
                for _ in 0..len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    out.push_str(PIECES[(x % PIECES.len() as u64) as usize]);
                }
                out
            })
            .collect()
    }

    #[test]
    fn random_text_never_panics_and_every_span_and_link_is_valid() {
        for text in random_texts(1500, 60) {
            let len = text.chars().count();
            let drafts = suggest(&text, ALL);
            for d in &drafts {
                assert!(
                    d.span.start < d.span.end && d.span.end <= len,
                    "{text:?}: {d:?}"
                );
                assert!((0.0..=1.0).contains(&d.score), "{text:?}: {d:?}");
                for (_, to) in &d.links {
                    assert!(*to < drafts.len(), "{text:?}: {d:?}");
                }
            }
        }
    }

    #[test]
    fn long_clauses_of_multi_byte_chars_are_cut_on_char_boundaries() {
        // Attribution and context windows are cut at byte counts: never inside a char.
        for filler in ["—", "é", "🙂", "ا", "\u{200f}"] {
            let long = filler.repeat(400);
            let text = format!(
                "“We are ready,” {long} said Ana Ruiz {long}. {long} “Yes,” she said {long}."
            );
            for d in suggest(&text, ALL) {
                assert!(d.span.end <= text.chars().count());
            }
            let text = format!("{long}“{long}” {long}");
            let _ = suggest(&text, ALL);
        }
    }

    #[test]
    fn a_long_text_without_punctuation_and_many_marks_finishes() {
        // One "sentence" of 200 kB with a quote mark every few words, warnings and end
        // markers: every rule stays linear (a quadratic one would not finish here).
        let piece = "\"we are ready\" he said Spoilers ahead the film ends End of spoilers ";
        let text = piece.repeat(200_000 / piece.len());
        let drafts = suggest(&text, ALL);
        assert!(drafts.iter().any(|d| d.label == "quote"));
    }

    #[test]
    fn long_texts_get_the_same_sentences_and_suggestions_in_parallel() {
        let piece = "“We are ready,” said Ana Ruiz. It cost 4 million euros, 30% more.\n\
                     Spoilers ahead. Mara dies in the film.\n\n";
        let text = piece.repeat(PARALLEL_FROM / piece.len() + 10);
        assert!(text.len() >= PARALLEL_FROM);
        assert_eq!(sentences_in_parallel(&text), sentences(&text));
        let parallel = suggest_with(&text, ALL, true);
        assert!(parallel.len() > 100);
        assert_eq!(parallel, suggest_with(&text, ALL, false));
    }

    #[test]
    fn any_text_gives_spans_inside_it() {
        for text in [
            "",
            "\"",
            "“",
            "«»",
            "\"\n\n\"",
            "'",
            "“a” said",
            "said “",
            "Spoilers ahead",
            "...\n\n...",
            "“x,” he said",
            "„“‚‘«»",
        ] {
            let len = text.chars().count();
            let drafts = suggest(text, ALL);
            for d in &drafts {
                assert!(
                    d.span.start < d.span.end && d.span.end <= len,
                    "{text:?}: {d:?}"
                );
                assert!((0.0..=1.0).contains(&d.score));
                for (_, to) in &d.links {
                    assert!(*to < drafts.len(), "{text:?}: {d:?}");
                }
            }
        }
    }
}
