//! Re-anchoring after an article was edited, through the diff of the old and new text:
//! each kind of edit news gets, with the expected place of every annotation, and a
//! property test that no annotation is ever placed where its characters did not go.

#![allow(clippy::unwrap_used)]

use std::ops::Range;

use gloss::model::session::PREVIOUS_TEXT;
use gloss::model::{Anchoring, AnnotationId, Article, Document, Edit, Session, Timestamp};
use proptest::prelude::*;

fn span_of(text: &str, needle: &str, nth: usize) -> Range<usize> {
    let byte = text.match_indices(needle).nth(nth).unwrap().0;
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

/// A document of `text` with annotations on `(needle, nth occurrence)`.
fn annotated(text: &str, spans: &[(&str, usize)]) -> (Document, Vec<AnnotationId>) {
    let mut s = Session::new();
    s.add_article(Article::new("a", "A", "", text));
    let mut ids = Vec::new();
    for &(needle, nth) in spans {
        let edit = s
            .annotate("a", "claim", span_of(text, needle, nth), Timestamp(1))
            .unwrap();
        let Edit::AddAnnotation { annotation, .. } = &edit else {
            panic!()
        };
        ids.push(annotation.id);
        edit.apply(&mut s).unwrap();
    }
    (s.documents.remove(0), ids)
}

fn reanchor(doc: &Document, new: &str) -> gloss::model::session::Reanchored {
    doc.reanchored_to(Article::new("a", "A", "", new))
}

fn at(r: &gloss::model::session::Reanchored, id: AnnotationId) -> (Range<usize>, bool) {
    let a = r.document.annotation(id).unwrap();
    (a.start..a.end, a.orphan)
}

const P1: &str = "Darren Holt opened the café in 2009.";
const P2: &str = "The council said the pier would close in March.";
const P3: &str = "Darren Holt said he would stay until the end.";

fn text(paragraphs: &[&str]) -> String {
    paragraphs.join("\n\n") + "\n"
}

#[test]
fn an_inserted_sentence_moves_what_follows() {
    let old = text(&[P1, P2, P3]);
    let (doc, ids) = annotated(&old, &[("the pier would close", 0), ("Darren Holt", 1)]);
    let new = text(&[P1, "A storm is coming.", P2, P3]);
    let r = reanchor(&doc, &new);
    assert_eq!(
        at(&r, ids[0]),
        (span_of(&new, "the pier would close", 0), false)
    );
    assert_eq!(at(&r, ids[1]), (span_of(&new, "Darren Holt", 1), false));
    assert!(r.orphans.is_empty());
}

#[test]
fn a_name_whose_sentence_was_deleted_never_jumps_to_another_mention() {
    let old = text(&[P1, P2, P3]);
    let (doc, ids) = annotated(&old, &[("Darren Holt", 1), ("the pier", 0)]);
    let new = text(&[P1, P2]);
    let r = reanchor(&doc, &new);
    assert!(
        at(&r, ids[0]).1,
        "orphaned, not moved to the first Darren Holt"
    );
    assert_eq!(r.orphans, [ids[0]]);
    assert_eq!(at(&r, ids[1]), (span_of(&new, "the pier", 0), false));
}

#[test]
fn a_moved_paragraph_takes_its_annotations_along() {
    let old = text(&[P1, P2, P3]);
    let (doc, ids) = annotated(&old, &[("the pier would close in March", 0)]);
    let new = text(&[P1, P3, P2]);
    let r = reanchor(&doc, &new);
    assert_eq!(
        at(&r, ids[0]),
        (span_of(&new, "the pier would close in March", 0), false)
    );
}

#[test]
fn a_duplicated_paragraph_keeps_the_annotation_on_the_original() {
    let old = text(&[P1, P2, P3]);
    let (doc, ids) = annotated(&old, &[("Darren Holt opened the café", 0)]);
    // The copy is put before the original: the original is the second occurrence.
    let new = text(&[P2, P1, P1, P3]);
    let r = reanchor(&doc, &new);
    let (span, orphan) = at(&r, ids[0]);
    assert!(!orphan);
    assert!(
        span == span_of(&new, "Darren Holt opened the café", 0)
            || span == span_of(&new, "Darren Holt opened the café", 1)
    );
    // Whichever the diff keeps as the original, the annotation is on unchanged text.
    assert_eq!(
        r.document.annotation(ids[0]).unwrap().text,
        "Darren Holt opened the café"
    );
}

#[test]
fn a_word_fixed_inside_a_quote_changes_it_and_keeps_the_old_quote() {
    let old = text(&["She said the ferry wil run on Sunday.", P2]);
    let (doc, ids) = annotated(&old, &[("the ferry wil run on Sunday", 0)]);
    let new = text(&["She said the ferry will run on Sunday.", P2]);
    let r = reanchor(&doc, &new);
    let a = r.document.annotation(ids[0]).unwrap();
    assert_eq!(a.text, "the ferry will run on Sunday");
    assert!(!a.orphan);
    assert_eq!(a.attributes[PREVIOUS_TEXT], "the ferry wil run on Sunday");
    assert!(
        r.moved
            .iter()
            .any(|(id, how)| *id == ids[0] && matches!(how, Anchoring::Changed { .. }))
    );
}

#[test]
fn retyped_punctuation_and_reflowed_whitespace_keep_the_span() {
    let old = text(&["He called it \"a fine day\" and left.", P2]);
    let (doc, ids) = annotated(&old, &[("\"a fine day\"", 0)]);
    let new = text(&["He called it “a fine day” and left.", P2]);
    let r = reanchor(&doc, &new);
    let a = r.document.annotation(ids[0]).unwrap();
    assert_eq!(a.text, "“a fine day”");

    let old = "The council said the pier\nwould close in March.\n";
    let (doc, ids) = annotated(old, &[("the pier\nwould close", 0)]);
    let new = "The council said the pier would close in March.\n";
    let r = reanchor(&doc, new);
    let a = r.document.annotation(ids[0]).unwrap();
    assert_eq!(a.text, "the pier would close");
    assert!(!a.orphan);
}

#[test]
fn a_text_deleted_and_retyped_elsewhere_twice_is_ambiguous_not_guessed() {
    // The paragraph goes from the middle to the top, twice: the diff keeps the rest in
    // place and sees two insertions of it, equally good.
    const P0: &str = "Tides were high all week.";
    let old = text(&[P0, P1, "The bridge reopens.", P2, P3]);
    let (doc, ids) = annotated(&old, &[("The bridge reopens.", 0)]);
    let new = text(&["The bridge reopens.", "The bridge reopens.", P0, P1, P2, P3]);
    let r = reanchor(&doc, &new);
    assert!(at(&r, ids[0]).1, "two equal candidates: an orphan");
}

// ---------------------------------------------------------------- property

/// An edit of a list of chars that keeps, for every char, where it came from.
#[derive(Clone, Debug)]
enum Op {
    Insert(usize, usize),
    Delete(usize, usize),
    Move(usize, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..1000, 0usize..6).prop_map(|(a, w)| Op::Insert(a, w)),
        (0usize..1000, 1usize..40).prop_map(|(a, n)| Op::Delete(a, n)),
        (0usize..1000, 1usize..80, 0usize..1000).prop_map(|(a, n, to)| Op::Move(a, n, to)),
    ]
}

/// A word of 3–8 letters (é and ö included) from a seed: texts of them repeat no phrase,
/// as prose rarely does, so where a character went is a fact the test can check.
fn word(seed: usize) -> String {
    const LETTERS: [char; 28] = [
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
        's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'é', 'ö',
    ];
    let mut x = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let len = 3 + (x % 6) as usize;
    (0..len)
        .map(|_| {
            x ^= x >> 13;
            x ^= x << 7;
            x ^= x >> 17;
            LETTERS[(x % 28) as usize]
        })
        .collect()
}

/// Inserted words are upper case: never in the original, so a quote cannot be retyped
/// by chance.
const NEW_WORDS: [&str; 6] = ["QUAY", "STORM", "GULL", "TIDE", "ROPE", "SAIL"];

proptest! {
    // A fixed seed (PROPTEST_RNG_SEED picks another) so CI runs the same 256 cases;
    // 30,000 cases over six seeds passed when this was written.
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_122),
        ),
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    })]

    #[test]
    fn no_annotation_lands_where_its_characters_did_not_go(
        words in prop::collection::vec(0usize..100_000, 30..120),
        spans in prop::collection::vec((0usize..120, 1usize..6), 1..12),
        ops in prop::collection::vec(op(), 1..6),
    ) {
        // The position is part of the seed: no two words of a text are the same.
        let words: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(n, &w)| word(w + n * 100_003))
            .collect();
        let old: String = words.join(" ");
        let word_starts: Vec<usize> = {
            let mut at = 0;
            words.iter().map(|w| { let s = at; at += w.chars().count() + 1; s }).collect()
        };
        let mut session = Session::new();
        session.add_article(Article::new("a", "A", "", old.as_str()));
        for &(w, n) in &spans {
            let first = w % words.len();
            let last = (first + n).min(words.len()) - 1;
            let start = word_starts[first];
            let end = word_starts[last] + words[last].chars().count();
            if let Ok(edit) = session.annotate("a", "claim", start..end, Timestamp(1)) {
                let _ = edit.apply(&mut session);
            }
        }
        // Apply the edits to chars tagged with their origin.
        let mut chars: Vec<(char, Option<usize>)> =
            old.chars().enumerate().map(|(i, c)| (c, Some(i))).collect();
        for op in &ops {
            let len = chars.len();
            match *op {
                Op::Insert(at, w) => {
                    let at = at % (len + 1);
                    let word = format!(" {} ", NEW_WORDS[w]);
                    for (k, c) in word.chars().enumerate() {
                        chars.insert(at + k, (c, None));
                    }
                }
                Op::Delete(at, n) if len > 0 => {
                    let at = at % len;
                    chars.drain(at..(at + n).min(len));
                }
                Op::Move(at, n, to) if len > 0 => {
                    let at = at % len;
                    let block: Vec<_> = chars.drain(at..(at + n).min(len)).collect();
                    let to = to % (chars.len() + 1);
                    for (k, c) in block.into_iter().enumerate() {
                        chars.insert(to + k, c);
                    }
                }
                _ => {}
            }
        }
        let new: String = chars.iter().map(|(c, _)| *c).collect();
        let origin: Vec<Option<usize>> = chars.iter().map(|(_, o)| *o).collect();
        let doc = &session.documents[0];
        let r = doc.reanchored_to(Article::new("a", "A", "", new.as_str()));
        for a in doc.annotations.iter() {
            let placed = r.document.annotation(a.id).unwrap();
            if placed.orphan {
                continue;
            }
            let how = r.moved.iter().find(|(id, _)| *id == a.id).map(|(_, h)| h.clone());
            // At least half of the placed characters are really its own (a diff cannot
            // tell "yv deleted before an equal yv" from "the text after it deleted", so
            // an edge may be an equal letter from next door — never another passage).
            let own = (placed.start..placed.end)
                .filter(|&i| origin[i].is_some_and(|o| a.start <= o && o < a.end))
                .count();
            prop_assert!(
                own * 2 >= (a.end - a.start).max(placed.end - placed.start),
                "{:?} at {} placed on {:?} at {}: {} own chars, in {:?} after {:?}, now {:?}",
                a.text, a.start, placed.text, placed.start, own, old, ops, new
            );
            match how {
                None | Some(Anchoring::Moved(_)) => {
                    prop_assert_eq!(&placed.text, &a.text);
                }
                Some(Anchoring::Changed { .. }) => {}
                Some(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}

#[test]
fn check_reports_each_outcome_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let old = text(&[P1, "She said the ferry wil run on Sunday.", P3]);
    std::fs::write(dir.path().join("a.txt"), &old).unwrap();
    let mut article = gloss::formats::load_article(&dir.path().join("a.txt")).unwrap();
    article.id = "a".into();
    let mut s = Session::new();
    s.add_article(article);
    for (needle, label) in [
        ("the ferry wil run", "quote"),
        ("Darren Holt said", "claim"),
        ("opened the café", "claim"),
    ] {
        let edit = s
            .annotate("a", label, span_of(&old, needle, 0), Timestamp(1))
            .unwrap();
        edit.apply(&mut s).unwrap();
    }
    gloss::formats::save_session(&s, &dir.path().join("s.ron")).unwrap();
    let new = text(&[
        "A new first line.",
        P1,
        "She said the ferry will run on Sunday.",
    ]);
    std::fs::write(dir.path().join("a.txt"), &new).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["check", "--update-sources", "--format", "json", "s.ron"])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an orphan is a problem");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let article = &report["articles"][0];
    assert_eq!(
        (
            article["moved"].as_u64(),
            article["changed"].as_u64(),
            article["orphaned"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let outcome = |text: &str| {
        article["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["text"].as_str().unwrap().contains(text))
            .unwrap()
            .clone()
    };
    assert_eq!(outcome("opened the café")["outcome"], "moved");
    let changed = outcome("the ferry will run");
    assert_eq!(changed["outcome"], "changed");
    assert_eq!(changed["previous_text"], "the ferry wil run");
    assert_eq!(outcome("Darren Holt said")["outcome"], "orphan");
}

#[test]
fn a_figure_corrected_at_the_end_of_a_span_stays_in_it() {
    let old = text(&["The bridge was built in 1893 and still stands.", P2]);
    let (doc, ids) = annotated(&old, &[("was built in 1893", 0)]);
    let new = text(&["The bridge was built in 1894 and still stands.", P2]);
    let r = reanchor(&doc, &new);
    let a = r.document.annotation(ids[0]).unwrap();
    assert_eq!(a.text, "was built in 1894");
    assert_eq!(a.attributes[PREVIOUS_TEXT], "was built in 1893");
}

/// The fallback without the old text (an import whose text was edited since, a hand-edited
/// session): `doc`'s annotations are searched for in `new`.
fn reanchor_without_old_text(
    doc: &Document,
    new: &str,
) -> (Document, Vec<(AnnotationId, Anchoring)>) {
    let mut doc = doc.clone();
    doc.article = Article::new("a", "A", "", new);
    let changes = doc.reanchor_all();
    (doc, changes)
}

#[test]
fn without_the_old_text_a_quote_with_a_typo_fixed_is_found_approximately() {
    let old = text(&[P1, "The council said the peir would close in Marhc.", P3]);
    let (doc, ids) = annotated(&old, &[("the peir would close in Marhc", 0)]);
    let new = text(&[P1, "A storm is coming.", P2, P3]);
    let (doc, changes) = reanchor_without_old_text(&doc, &new);
    let a = doc.annotation(ids[0]).unwrap();
    assert_eq!(
        (a.start..a.end, a.orphan),
        (span_of(&new, "the pier would close in March", 0), false)
    );
    assert_eq!(a.text, "the pier would close in March");
    assert_eq!(
        a.attributes.get(PREVIOUS_TEXT).map(String::as_str),
        Some("the peir would close in Marhc")
    );
    assert!(matches!(changes[0].1, Anchoring::Changed { .. }));
}

#[test]
fn without_the_old_text_two_equal_approximate_places_are_ambiguous() {
    let old = text(&[P1, "The council said the peir would close in Marhc.", P3]);
    let (doc, ids) = annotated(&old, &[("the peir would close in Marhc", 0)]);
    // The corrected article twice over, with the same context: nothing tells them apart.
    let new = text(&[P1, P2, P3, P1, P2, P3]);
    let (doc, changes) = reanchor_without_old_text(&doc, &new);
    assert!(doc.annotation(ids[0]).unwrap().orphan);
    let Anchoring::Ambiguous(places) = &changes[0].1 else {
        panic!("{:?}", changes[0].1)
    };
    assert_eq!(
        places,
        &[
            span_of(&new, "the pier would close in March", 0),
            span_of(&new, "the pier would close in March", 1)
        ]
    );
}

#[test]
fn without_the_old_text_context_picks_between_approximate_places() {
    let old = text(&[P1, "The council said the peir would close in Marhc.", P3]);
    let (doc, ids) = annotated(&old, &[("the peir would close in Marhc", 0)]);
    // The same corrected words elsewhere, but only one has the quote's context.
    let new = text(&[
        "Nobody expected the pier would close in March, wrote one reader.",
        P1,
        P2,
        P3,
    ]);
    let (doc, _) = reanchor_without_old_text(&doc, &new);
    let a = doc.annotation(ids[0]).unwrap();
    assert_eq!(
        (a.start..a.end, a.orphan),
        (span_of(&new, "the pier would close in March", 1), false)
    );
}

#[test]
fn without_the_old_text_a_rewritten_quote_or_a_short_name_elsewhere_stays_an_orphan() {
    let old = text(&[P1, P2, "Darrin Holt said he would stay."]);
    let (doc, ids) = annotated(
        &old,
        &[("the pier would close in March", 0), ("Darrin Holt", 0)],
    );
    // The sentence rewritten beyond a quarter of its chars; the name only in other words.
    let new = text(&[
        "Darren Holt opened the shop.",
        "The council said the jetty shuts next spring.",
    ]);
    let (doc, changes) = reanchor_without_old_text(&doc, &new);
    assert!(doc.annotation(ids[0]).unwrap().orphan);
    assert!(
        doc.annotation(ids[1]).unwrap().orphan,
        "a short name is not moved to a similar name in another sentence"
    );
    assert_eq!(changes.len(), 2);
}

#[test]
fn without_the_old_text_a_very_long_edited_quote_is_left_an_orphan_not_searched_for_minutes() {
    // A 20,000-char annotation: finding where each approximate match starts would take
    // a 20,000 × 25,000 table per candidate; over the search's work budget, so it stays
    // an orphan (and is reported) instead of stalling the load.
    let sentence = "The pier was rebuilt in the spring after the storm had broken it. ";
    let old: String = sentence.repeat(20_000 / sentence.len() + 1);
    let (doc, ids) = annotated(&old, &[(old.trim_end(), 0)]);
    let new = old.replacen("spring", "summer", 3);
    let (doc, changes) = reanchor_without_old_text(&doc, &new);
    assert!(doc.annotation(ids[0]).unwrap().orphan);
    assert_eq!(changes.len(), 1);
}
