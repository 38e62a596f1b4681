//! Property tests: offset maps against a plain reference walk, span snapping invariants,
//! and the JSON export → import → export round trip, over random texts and spans.

// Helpers here are test code too; `allow-unwrap-in-tests` only covers `#[test]` fns.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use gloss::formats::ExportFormat;
use gloss::formats::export::export_string;
use gloss::formats::import::import_json;
use gloss::model::{Article, Edit, Session, SpanError, Text, Timestamp, snap_span};
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation as _;

/// Pieces that stress the offset units and grapheme rules.
const PIECES: &[&str] = &[
    "a",
    "Q",
    "7",
    " ",
    " ",
    "\n",
    "\n\n",
    "\t",
    "\u{a0}",                 // no-break space
    "é",                      // precomposed, 2 bytes
    "e\u{301}",               // e + combining acute
    "\u{301}",                // a lone combining mark
    "\u{20DD}",               // combining enclosing circle
    "日本",                   // 3 bytes each, 1 UTF-16 unit
    "€",                      // 3 bytes
    "😀",                     // astral: 4 bytes, 2 UTF-16 units
    "🦊",                     // astral
    "👋🏽",                     // emoji + skin tone modifier
    "👨\u{200D}👩\u{200D}👧", // ZWJ sequence
    "\u{200D}",               // a stray joiner
    "🇯🇵",                     // flag: two regional indicators
    "🇫",                      // a lone regional indicator
    "“",
    "”",
    "\"",
    "\\",
];

fn text_strategy(max_pieces: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ],
        0..max_pieces,
    )
    .prop_map(|pieces| pieces.concat())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    }
}

/// Reference: (byte, utf16) of every char boundary, the end included.
fn boundaries(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut utf16 = 0;
    for (byte, ch) in s.char_indices() {
        out.push((byte, utf16));
        utf16 += ch.len_utf16();
    }
    out.push((s.len(), utf16));
    out
}

/// Byte offsets where a grapheme cluster starts, and the end.
fn grapheme_boundaries(s: &str) -> BTreeSet<usize> {
    s.grapheme_indices(true)
        .map(|(b, _)| b)
        .chain([s.len()])
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn offset_maps_agree_with_a_plain_walk(s in text_strategy(200)) {
        let text = Text::new(s.as_str());
        let reference = boundaries(&s);
        let char_len = reference.len() - 1;
        prop_assert_eq!(text.char_len(), char_len);
        prop_assert_eq!(text.byte_len(), s.len());
        prop_assert_eq!(text.utf16_len(), s.encode_utf16().count());

        // char → byte and char → UTF-16, and back.
        for (char_idx, &(byte, utf16)) in reference.iter().enumerate() {
            prop_assert_eq!(text.byte_of_char(char_idx), Some(byte));
            prop_assert_eq!(text.utf16_of_char(char_idx), Some(utf16));
            prop_assert_eq!(text.char_of_byte(byte), Some(char_idx));
            prop_assert_eq!(text.char_of_utf16(utf16), Some(char_idx));
        }
        prop_assert_eq!(text.byte_of_char(char_len + 1), None);
        prop_assert_eq!(text.utf16_of_char(char_len + 1), None);

        // Every byte and UTF-16 offset: a char index exactly at boundaries, else None.
        let by_byte: std::collections::BTreeMap<usize, usize> =
            reference.iter().enumerate().map(|(c, &(b, _))| (b, c)).collect();
        for byte in 0..=s.len() + 1 {
            prop_assert_eq!(text.char_of_byte(byte), by_byte.get(&byte).copied(), "byte {}", byte);
        }
        let by_utf16: std::collections::BTreeMap<usize, usize> =
            reference.iter().enumerate().map(|(c, &(_, u))| (u, c)).collect();
        for utf16 in 0..=text.utf16_len() + 1 {
            prop_assert_eq!(
                text.char_of_utf16(utf16),
                by_utf16.get(&utf16).copied(),
                "utf16 {}",
                utf16
            );
        }
    }

    #[test]
    fn slices_agree_with_a_plain_walk(
        s in text_strategy(150),
        a in 0usize..200,
        b in 0usize..200,
    ) {
        let text = Text::new(s.as_str());
        let char_len = s.chars().count();
        let expected: Option<String> = (a <= b && b <= char_len)
            .then(|| s.chars().skip(a).take(b - a).collect());
        prop_assert_eq!(text.slice(a..b).map(str::to_owned), expected);
        if a <= b && b <= char_len {
            let bytes = text.byte_range(a..b).unwrap();
            let reference = boundaries(&s);
            prop_assert_eq!(bytes, reference[a].0..reference[b].0);
        }
    }

    #[test]
    fn snapped_spans_are_in_bounds_non_empty_and_on_grapheme_boundaries(
        s in text_strategy(120),
        a in 0usize..160,
        b in 0usize..160,
    ) {
        let text = Text::new(s.as_str());
        let chars: Vec<char> = s.chars().collect();
        let (lo, hi) = (a.min(b), a.max(b));
        match snap_span(&text, a..b) {
            Ok(span) => {
                prop_assert!(span.start < span.end, "{:?}", span);
                prop_assert!(span.end <= chars.len(), "{:?}", span);
                let graphemes = grapheme_boundaries(&s);
                let start = text.byte_of_char(span.start).unwrap();
                let end = text.byte_of_char(span.end).unwrap();
                prop_assert!(graphemes.contains(&start), "start {} splits a grapheme", start);
                prop_assert!(graphemes.contains(&end), "end {} splits a grapheme", end);
                // No whitespace-only cluster at either edge.
                let quote = text.slice(span.clone()).unwrap();
                let clusters: Vec<&str> = quote.graphemes(true).collect();
                let blank = |g: &&str| g.chars().all(char::is_whitespace);
                prop_assert!(!clusters.first().is_some_and(blank), "{:?}", quote);
                prop_assert!(!clusters.last().is_some_and(blank), "{:?}", quote);
                // Nothing that was selected and visible is lost.
                for (i, ch) in chars.iter().enumerate().take(hi).skip(lo) {
                    if !ch.is_whitespace() {
                        prop_assert!(span.contains(&i), "char {} ({:?}) dropped from {:?}", i, ch, span);
                    }
                }
            }
            Err(SpanError::Empty) => {
                prop_assert!(hi <= chars.len());
                prop_assert!(
                    chars[lo..hi].iter().all(|c| c.is_whitespace()),
                    "refused a span with visible text: {:?}",
                    &chars[lo..hi]
                );
            }
            Err(SpanError::OutOfBounds { .. }) => prop_assert!(hi > chars.len()),
        }
    }

    #[test]
    fn json_export_import_export_round_trips(
        texts in prop::collection::vec(text_strategy(80), 1..4),
        spans in prop::collection::vec(span_strategy(), 0..12),
    ) {
        let session = annotated_session(&texts, spans);
        let first = export_string(&session, ExportFormat::Json).unwrap();
        check_exported_offsets(&first)?;

        let imported = import_json(&first, Path::new("round-trip.json")).unwrap();
        prop_assert!(imported.moved.is_empty(), "{:?}", imported.moved);
        let second = export_string(&imported.session, ExportFormat::Json).unwrap();
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(&imported.session.documents, &session.documents);
        prop_assert_eq!(&imported.session.labels, &session.labels);
    }
}

/// (article, start, end, label, with a note and attribute)
type SpanSpec = (usize, usize, usize, usize, bool);

fn span_strategy() -> impl Strategy<Value = SpanSpec> {
    (
        0usize..3,
        0usize..100,
        0usize..100,
        0usize..3,
        any::<bool>(),
    )
}

/// A session over `texts` with an annotation for every span that snaps to something.
fn annotated_session(texts: &[String], spans: Vec<SpanSpec>) -> Session {
    let mut session = Session::new();
    for (n, text) in texts.iter().enumerate() {
        let article = Article::new(&format!("a{n}"), &format!("Article {n}"), "", text.as_str());
        session.add_article(article);
    }
    let labels = ["spoiler", "quote", "claim"];
    for (k, (doc, a, b, label, with_note)) in spans.into_iter().enumerate() {
        let article = format!("a{}", doc % texts.len());
        let created = Timestamp(1_800_000_000 + k as u64);
        let Ok(edit) = session.annotate(&article, labels[label], a..b, created) else {
            continue;
        };
        let Edit::AddAnnotation { annotation, .. } = &edit else {
            panic!("annotate builds an AddAnnotation");
        };
        let id = annotation.id;
        edit.apply(&mut session).unwrap();
        if with_note {
            let edit = session
                .update_annotation(&article, id, Timestamp(1_900_000_000), |x| {
                    x.note = format!("note {k} 🦊 \"quoted\" \\ end");
                    x.attributes
                        .insert("speaker".to_owned(), "Ana \u{301}".to_owned());
                })
                .unwrap();
            edit.apply(&mut session).unwrap();
        }
    }
    session
}

/// Every exported annotation addresses its quote in code points (Python's
/// `text[start:end]`), UTF-8 bytes and UTF-16 units.
fn check_exported_offsets(json: &str) -> Result<(), TestCaseError> {
    let json: serde_json::Value = serde_json::from_str(json).unwrap();
    for article in json["articles"].as_array().unwrap() {
        let text = article["text"].as_str().unwrap();
        let utf16: Vec<u16> = text.encode_utf16().collect();
        for a in article["annotations"].as_array().unwrap() {
            let quote = a["text"].as_str().unwrap();
            let field = |k: &str| usize::try_from(a[k].as_u64().unwrap()).unwrap();
            let (start, end) = (field("start"), field("end"));
            let by_chars: String = text.chars().skip(start).take(end - start).collect();
            prop_assert_eq!(by_chars.as_str(), quote);
            let bytes = &text.as_bytes()[field("start_utf8")..field("end_utf8")];
            prop_assert_eq!(bytes, quote.as_bytes());
            let units = &utf16[field("start_utf16")..field("end_utf16")];
            prop_assert_eq!(String::from_utf16(units).unwrap(), quote);
        }
    }
    Ok(())
}

/// A reference check of the helper itself, so a broken reference cannot hide a bug.
#[test]
fn reference_walk_counts_units_by_hand() {
    assert_eq!(
        boundaries("a😀é"),
        [(0, 0), (1, 1), (5, 3), (7, 4)] as [(usize, usize); 4]
    );
    let family = "👨\u{200D}👩";
    assert_eq!(
        grapheme_boundaries(&format!("x{family}")),
        BTreeSet::from([0, 1, 1 + family.len()])
    );
}

/// The round-trip session really holds annotations (the property is not vacuous).
#[test]
fn annotated_session_builds_annotations_with_notes() {
    let texts = ["hello 🦊 world".to_owned(), "  \n ".to_owned()];
    let session = annotated_session(&texts, vec![(0, 4, 9, 1, true), (1, 0, 4, 0, false)]);
    let doc = session.document("a0").unwrap();
    assert_eq!(doc.annotations.len(), 1);
    assert_eq!(doc.annotations[0].text, "o 🦊 w");
    assert!(doc.annotations[0].note.starts_with("note 0"));
    assert!(session.document("a1").unwrap().annotations.is_empty());
}

/// A JSON import document with arbitrary (often bad) ids, units, spans and labels.
fn import_document() -> impl Strategy<Value = String> {
    let article = (
        prop::sample::select(vec!["", "a", "a", "a-2", "b", "../x", "with space"]),
        "[a-z🌊é \\n]{0,24}",
        prop::collection::vec(
            (
                prop::option::of(prop::sample::select(vec![
                    0u64,
                    1,
                    2,
                    3,
                    (1 << 53) - 1,
                    1 << 53,
                    u64::MAX,
                ])),
                prop::sample::select(vec!["quote", "claim", "new label", ""]),
                0usize..30,
                0usize..30,
                any::<bool>(),
            ),
            0..5,
        ),
    );
    (
        prop::sample::select(vec!["codepoint", "utf16", "utf8", "bytes", "lines"]),
        prop::collection::vec(article, 0..4),
    )
        .prop_map(|(unit, articles)| {
            let articles: Vec<serde_json::Value> = articles
                .into_iter()
                .map(|(id, text, annotations)| {
                    let annotations: Vec<serde_json::Value> = annotations
                        .into_iter()
                        .map(|(id, label, start, end, orphan)| {
                            let mut a = serde_json::json!({
                                "label": label, "start": start, "end": end, "orphan": orphan
                            });
                            if let Some(id) = id {
                                a["id"] = serde_json::json!(id);
                            }
                            a
                        })
                        .collect();
                    serde_json::json!({"id": id, "text": text, "annotations": annotations})
                })
                .collect();
            serde_json::json!({"offset_unit": unit, "articles": articles}).to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A successful import always writes a session that Gloss loads again, with every
    /// annotation; anything else is refused with a message, never a panic.
    #[test]
    fn a_successful_import_always_writes_a_session_that_loads(data in import_document()) {
        if let Ok(imported) = import_json(&data, Path::new("in.json")) {
            let ron = gloss::formats::session_file::to_ron(&imported.session, None);
            let loaded = gloss::formats::session_file::from_ron(&ron, Path::new("s.ron"), false);
            prop_assert!(loaded.is_ok(), "{data}\n{:?}", loaded.err());
            let loaded = loaded.unwrap();
            prop_assert_eq!(
                loaded.session.annotation_count(),
                imported.session.annotation_count()
            );
            prop_assert_eq!(&loaded.session.documents, &imported.session.documents);
        }
    }
}
