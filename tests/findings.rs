//! Regression tests for what a fuzzer found in the loaders and importers: wrong output,
//! sessions written that Gloss itself refuses, and inputs that made a step quadratic.
//! The large cases finish in well under a second now; with the old algorithms they took
//! tens of seconds (the benches measure the speed; these check the results).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use gloss::formats::import::{import_doccano, import_json};
use gloss::formats::session_file::{from_ron, to_ron};
use gloss::model::{Annotation, AnnotationId, Article, Label, MAX_ANNOTATION_ID, Session, Text};

fn json_with(annotations: &str, text: &str, extra: &str) -> String {
    format!(
        r#"{{{extra} "articles": [{{"id": "a", "text": {}, "annotations": [{annotations}]}}]}}"#,
        serde_json::to_string(text).unwrap()
    )
}

/// A successful import must give a session that Gloss loads again, unchanged.
fn assert_loads_again(session: &Session) {
    let ron = to_ron(session, None);
    let loaded = from_ron(&ron, Path::new("imported.ron"), false)
        .unwrap_or_else(|e| panic!("an import wrote a session Gloss refuses: {e}"));
    assert_eq!(
        loaded.session.annotation_count(),
        session.annotation_count()
    );
}

#[test]
fn offsets_in_utf16_or_utf8_are_converted_and_unknown_units_refused() {
    // "🌊 wave": the wave is 1 code point, 2 UTF-16 units, 4 UTF-8 bytes.
    let text = "🌊 wave here";
    for (unit, start, end) in [("codepoint", 2, 6), ("utf16", 3, 7), ("utf8", 5, 9)] {
        let data = json_with(
            &format!(r#"{{"label": "claim", "start": {start}, "end": {end}}}"#),
            text,
            &format!(r#""offset_unit": "{unit}","#),
        );
        let imported = import_json(&data, Path::new("in.json")).unwrap();
        let a = &imported.session.documents[0].annotations[0];
        assert_eq!((a.start, a.end, a.text.as_str()), (2, 6, "wave"), "{unit}");
    }
    let data = json_with(
        r#"{"label": "claim", "start": 0, "end": 1}"#,
        text,
        r#""offset_unit": "graphemes","#,
    );
    let err = import_json(&data, Path::new("in.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown offset_unit \"graphemes\""), "{err}");
    // A UTF-16 offset inside a surrogate pair is refused, naming the record.
    let data = json_with(
        r#"{"label": "claim", "start": 1, "end": 7}"#,
        text,
        r#""offset_unit": "utf16","#,
    );
    let err = import_json(&data, Path::new("in.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("annotation #1") && err.contains("splits a character"),
        "{err}"
    );
}

#[test]
fn ids_that_leave_no_room_are_refused() {
    for id in [u64::MAX, MAX_ANNOTATION_ID + 1] {
        let data = json_with(
            &format!(r#"{{"id": {id}, "label": "claim", "start": 0, "end": 4}}"#),
            "Some text",
            "",
        );
        let err = import_json(&data, Path::new("in.json"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is larger than"), "{err}");
    }
    // The largest allowed id still leaves room: the next id does not wrap.
    let data = json_with(
        &format!(r#"{{"id": {MAX_ANNOTATION_ID}, "label": "claim", "start": 0, "end": 4}}"#),
        "Some text",
        "",
    );
    let mut session = import_json(&data, Path::new("in.json")).unwrap().session;
    let next = session.allocate_id();
    assert!(next.0 > MAX_ANNOTATION_ID);
    // A session file naming such an id is refused too.
    let mut bad = Session::new();
    bad.add_article(Article::new("a", "A", "", "Some text"));
    let text = Text::new("Some text");
    let label = Label::defaults().remove(0);
    let a = Annotation::new(
        AnnotationId(u64::MAX),
        &label,
        &text,
        0..4,
        Default::default(),
    )
    .unwrap();
    bad.documents[0].annotations.push(a);
    let err = from_ron(&to_ron(&bad, None), Path::new("s.ron"), false).unwrap_err();
    assert!(err.to_string().contains("is larger than"), "{err}");
}

#[test]
fn repeated_article_ids_are_made_unique_so_the_session_loads() {
    let data = r#"{"articles": [
        {"id": "x", "text": "First text"}, {"id": "x", "text": "Second text"},
        {"id": "x-2", "text": "Third text"}, {"id": "x", "text": "Fourth text"}]}"#;
    let session = import_json(data, Path::new("in.json")).unwrap().session;
    let ids: Vec<&str> = session
        .documents
        .iter()
        .map(|d| d.article.id.as_str())
        .collect();
    assert_eq!(ids, ["x", "x-2", "x-2-2", "x-3"]);
    assert_loads_again(&session);
}

#[test]
fn empty_and_whitespace_spans_are_refused_with_the_record_named() {
    for (start, end) in [(4, 4), (4, 5)] {
        let data = json_with(
            &format!(
                r#"{{"label": "claim", "start": 0, "end": 4}}, {{"label": "quote", "start": {start}, "end": {end}}}"#
            ),
            "Some text",
            "",
        );
        let err = import_json(&data, Path::new("in.json"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("annotation #2") && err.contains("empty or only whitespace"),
            "{err}"
        );
    }
    let err = import_doccano(
        "{\"text\": \"Some text\", \"label\": [[4, 5, \"quote\"]]}\n",
        Path::new("in.jsonl"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("line 1") && err.contains("only whitespace"),
        "{err}"
    );
}

#[test]
fn many_doccano_lines_sharing_one_id_import_with_unique_ids() {
    let line = "{\"id\": 7, \"text\": \"A short line of text.\", \"label\": [[2, 7, \"claim\"]]}\n";
    let data = line.repeat(4_000);
    let session = import_doccano(&data, Path::new("in.jsonl"))
        .unwrap()
        .session;
    assert_eq!(session.documents.len(), 4_000);
    assert_eq!(session.documents[0].article.id, "doc-7");
    assert_eq!(session.documents[3_999].article.id, "doc-7-4000");
    let mut ids: Vec<&str> = session
        .documents
        .iter()
        .map(|d| d.article.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4_000);
    assert_loads_again(&session);
}

#[test]
fn one_article_with_150k_annotations_imports() {
    let text = "word ".repeat(150_000);
    let annotations: Vec<String> = (0..150_000)
        .map(|k| {
            format!(
                r#"{{"id": {}, "label": "claim", "start": {}, "end": {}}}"#,
                k + 1,
                k * 5,
                k * 5 + 4
            )
        })
        .collect();
    let data = json_with(&annotations.join(","), &text, "");
    let session = import_json(&data, Path::new("in.json")).unwrap().session;
    assert_eq!(session.annotation_count(), 150_000);
    // A duplicate id at the very end is still found.
    let data = json_with(
        &format!(
            r#"{}, {{"id": 1, "label": "claim", "start": 0, "end": 4}}"#,
            annotations.join(",")
        ),
        &text,
        "",
    );
    let err = import_json(&data, Path::new("in.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("annotation id 1 appears twice"), "{err}");
}

#[test]
fn re_anchoring_a_quote_that_occurs_half_a_million_times() {
    // 1,000 annotations of "word", each in a text where "word" occurs 500,000 times.
    let old = "word ".repeat(500_000);
    let mut session = Session::new();
    session.add_article(Article::new("a", "A", "", old.as_str()));
    let text = session.documents[0].article.text.clone();
    let label = Label::defaults().remove(0);
    for k in 0..1_000u64 {
        let start = (k as usize) * 500;
        let a = Annotation::new(
            AnnotationId(k + 1),
            &label,
            &text,
            start..start + 4,
            gloss::model::Timestamp(1),
        )
        .unwrap();
        session.documents[0].annotations.push(a);
    }
    // The same text with one word inserted in front: every annotation moves by 5 chars,
    // but its context matches in 500,000 places minus a few — ambiguous, never guessed.
    let new = format!("more {old}");
    let reanchored = session.documents[0].reanchored_to(Article::new("a", "A", "", new));
    let placed_wrong = reanchored
        .document
        .annotations
        .iter()
        .filter(|a| !a.orphan)
        .filter(|a| a.start % 5 != 0)
        .count();
    assert_eq!(placed_wrong, 0, "no annotation lands inside a word");
    assert_eq!(
        reanchored.document.annotations.len(),
        1_000,
        "every annotation is kept"
    );
}

#[test]
fn check_lists_200k_orphans() {
    // A session whose 200,000 annotations all lost their quote.
    let mut session = Session::new();
    session.add_article(Article::new("a", "A", "", "word ".repeat(1_000)));
    let text = session.documents[0].article.text.clone();
    let label = Label::defaults().remove(0);
    for k in 0..200_000u64 {
        let mut a = Annotation::new(
            AnnotationId(k + 1),
            &label,
            &text,
            0..4,
            gloss::model::Timestamp(1),
        )
        .unwrap();
        a.text = format!("gone {k}");
        session.documents[0].annotations.push(a);
    }
    session.documents[0].sort();
    let loaded = from_ron(&to_ron(&session, None), Path::new("s.ron"), false).unwrap();
    assert_eq!(loaded.reports[0].orphans.len(), 200_000);
    let report = gloss::cli::check_report(&loaded);
    assert_eq!(report.matches(" is an orphan: ").count(), 200_000);
    assert!(report.contains("annotation 199999 is an orphan: \"gone 199998\""));
    assert!(report.ends_with(
        "1 article(s), 200000 annotation(s), 200000 orphan(s), 0 relation(s), 0 with an orphaned end\n"
    ));
}

#[test]
fn a_page_of_fifteen_thousand_titles_and_unclosed_tags_keeps_its_text() {
    // Raw-text elements (`<title>`, `<style>`) skipped by the nesting scan were each
    // searched for their end tag in a lowercased copy of the rest of the page: quadratic
    // (34 s for this shape at 1.7 MB). The text must still all be there, in order.
    let unit = "<title>T | Site</title><style>p{}</style><nav>Home</nav><article><p>para \
                <b>bold</b><table><tr><td>a</td></tr><ul><li>one";
    let page = format!(
        "<!doctype html><html><body>{}<p>the end</p>",
        unit.repeat(15_000)
    );
    let extracted = gloss::formats::html::extract(&page);
    assert!(extracted.body.contains("para bold"));
    assert!(
        extracted.body.contains("the end"),
        "text after the deep part is kept"
    );
}
