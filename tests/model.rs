//! Behaviour of the pure model: offset maps, span snapping, edits with undo and redo.

// Helpers here are test code too; `allow-unwrap-in-tests` only covers `#[test]` fns.
#![allow(clippy::unwrap_used)]

use std::ops::Range;

use gloss::model::{
    AnnotateError, Annotation, AnnotationId, Article, Edit, EditError, History, Label, Rgb,
    Session, SpanError, Text, Timestamp, snap_span,
};

// ---------------------------------------------------------------------------------------
// Offsets

/// x, a ZWJ family (5 chars), y, space, e + combining acute, space, a flag (2 chars), z.
const MIXED: &str = "x\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}y e\u{301} \u{1F1EF}\u{1F1F5}z";
const FAMILY: &str = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";

#[test]
fn lengths_count_chars_bytes_and_utf16_units_separately() {
    let text = Text::new(MIXED);
    assert_eq!(text.char_len(), 14);
    assert_eq!(text.byte_len(), 34);
    assert_eq!(text.utf16_len(), 19);
    assert!(!text.is_empty());
    assert!(Text::new("").is_empty());
}

#[test]
fn char_offsets_map_to_bytes_and_utf16_across_zwj_combining_marks_and_flags() {
    let text = Text::new(MIXED);
    // (char, byte, utf16) at every char boundary, worked out by hand.
    let table = [
        (0, 0, 0),
        (1, 1, 1),   // family starts
        (2, 5, 3),   // first ZWJ
        (3, 8, 4),   // woman
        (5, 15, 7),  // girl
        (6, 19, 9),  // y
        (8, 21, 11), // e
        (9, 22, 12), // combining acute
        (10, 24, 13),
        (11, 25, 14), // first regional indicator
        (12, 29, 16), // second regional indicator
        (13, 33, 18), // z
        (14, 34, 19), // end
    ];
    for (char_idx, byte, utf16) in table {
        assert_eq!(
            text.byte_of_char(char_idx),
            Some(byte),
            "byte of char {char_idx}"
        );
        assert_eq!(
            text.utf16_of_char(char_idx),
            Some(utf16),
            "utf16 of char {char_idx}"
        );
        assert_eq!(
            text.char_of_byte(byte),
            Some(char_idx),
            "char of byte {byte}"
        );
        assert_eq!(
            text.char_of_utf16(utf16),
            Some(char_idx),
            "char of utf16 {utf16}"
        );
    }
}

#[test]
fn offsets_inside_a_char_or_past_the_end_are_refused() {
    let text = Text::new(MIXED);
    for byte in [2, 3, 4, 6, 7, 23, 26, 30, 35] {
        assert_eq!(
            text.char_of_byte(byte),
            None,
            "byte {byte} is not a char boundary"
        );
    }
    // Between the halves of a surrogate pair, or past the end.
    for utf16 in [2, 5, 8, 15, 17, 20] {
        assert_eq!(text.char_of_utf16(utf16), None, "utf16 {utf16}");
    }
    assert_eq!(text.byte_of_char(15), None);
    assert_eq!(text.utf16_of_char(15), None);
}

#[test]
fn slices_by_char_range_return_whole_clusters() {
    let text = Text::new(MIXED);
    assert_eq!(text.slice(1..6), Some(FAMILY));
    assert_eq!(text.slice(8..10), Some("e\u{301}"));
    assert_eq!(text.slice(11..13), Some("\u{1F1EF}\u{1F1F5}"));
    assert_eq!(text.slice(0..14), Some(MIXED));
    assert_eq!(text.slice(14..14), Some(""));
    assert_eq!(text.byte_range(11..13), Some(25..33));
    assert_eq!(text.slice(13..15), None, "end past the text");
    assert_eq!(text.slice(Range { start: 5, end: 3 }), None, "reversed");
}

/// Every boundary of a long text (many index checkpoints) agrees with a plain walk.
#[test]
fn offsets_agree_with_a_plain_walk_over_a_long_mixed_text() {
    let pieces = [
        "ab ",
        "é",
        "e\u{301}",
        "\u{1F600}",
        FAMILY,
        "\n",
        "日本",
        "\u{1F1EB}\u{1F1F7}",
    ];
    let s: String = (0..400).map(|i| pieces[i * 7 % pieces.len()]).collect();
    let text = Text::new(s.as_str());
    let mut utf16 = 0;
    let mut count = 0;
    for (char_idx, (byte, ch)) in s.char_indices().enumerate() {
        assert_eq!(text.byte_of_char(char_idx), Some(byte));
        assert_eq!(text.char_of_byte(byte), Some(char_idx));
        assert_eq!(text.utf16_of_char(char_idx), Some(utf16));
        assert_eq!(text.char_of_utf16(utf16), Some(char_idx));
        utf16 += ch.len_utf16();
        count += 1;
    }
    assert_eq!(text.char_len(), count);
    assert_eq!(text.utf16_len(), utf16);
    assert_eq!(text.byte_of_char(count), Some(s.len()));
    assert_eq!(text.utf16_of_char(count), Some(utf16));
    assert_eq!(text.char_of_utf16(utf16), Some(count));
}

// ---------------------------------------------------------------------------------------
// Snapping

fn snapped(s: &str, span: Range<usize>) -> Result<String, SpanError> {
    let text = Text::new(s);
    snap_span(&text, span).map(|r| text.slice(r).unwrap().to_owned())
}

#[test]
fn snapping_never_splits_a_zwj_sequence() {
    // Any part of the family, even a lone joiner, selects the whole family.
    for span in [1..2, 2..3, 3..4, 4..5, 5..6, 2..4] {
        assert_eq!(snapped(MIXED, span.clone()).unwrap(), FAMILY, "{span:?}");
    }
    // Starting inside the family and ending at y takes the family and the y.
    assert_eq!(snapped(MIXED, 3..7).unwrap(), format!("{FAMILY}y"));
}

#[test]
fn snapping_never_splits_a_combining_mark_or_a_flag() {
    assert_eq!(snapped(MIXED, 8..9).unwrap(), "e\u{301}");
    assert_eq!(snapped(MIXED, 9..10).unwrap(), "e\u{301}", "the mark alone");
    assert_eq!(snapped(MIXED, 11..12).unwrap(), "\u{1F1EF}\u{1F1F5}");
    assert_eq!(snapped(MIXED, 12..13).unwrap(), "\u{1F1EF}\u{1F1F5}");
    assert_eq!(
        snapped(MIXED, 9..12).unwrap(),
        "e\u{301} \u{1F1EF}\u{1F1F5}"
    );
    // A waving hand with a skin tone modifier is one cluster.
    assert_eq!(
        snapped("hi \u{1F44B}\u{1F3FD}!", 4..5).unwrap(),
        "\u{1F44B}\u{1F3FD}"
    );
}

#[test]
fn snapping_trims_surrounding_whitespace() {
    assert_eq!(snapped("  the word \n\n", 0..13).unwrap(), "the word");
    assert_eq!(
        snapped("\t\u{a0}tab and nbsp\u{a0} ", 0..16).unwrap(),
        "tab and nbsp"
    );
    assert_eq!(snapped("one\n\ntwo", 3..8).unwrap(), "two");
    // A space carrying a combining mark is one visible cluster: it is kept whole, and
    // the plain space after it is not mistaken for the start of the selection.
    let s = "a \u{301} word ";
    for span in [1..8, 2..8, 1..9] {
        assert_eq!(
            snapped(s, span.clone()).unwrap(),
            " \u{301} word",
            "{span:?}"
        );
    }
    assert_eq!(snapped(s, 3..9).unwrap(), "word");
}

#[test]
fn snapping_refuses_empty_and_whitespace_only_spans() {
    assert_eq!(snapped("abc", 1..1), Err(SpanError::Empty));
    assert_eq!(snapped("a  \n\t b", 1..6), Err(SpanError::Empty));
    assert_eq!(snapped("", 0..0), Err(SpanError::Empty));
    assert_eq!(
        snapped("abc", 2..9),
        Err(SpanError::OutOfBounds {
            start: 2,
            end: 9,
            len: 3
        })
    );
    // A reversed drag is normalised.
    assert_eq!(
        snapped("abcdef", Range { start: 5, end: 1 }).unwrap(),
        "bcde"
    );
}

// ---------------------------------------------------------------------------------------
// Session fixture

const HARBOUR: &str = "The keeper said \u{201C}the lamp never failed\u{201D} 🌊 twice.\n\
                       Years later the keeper turned out to be the ghost.\n";
const LETTERS: &str = "Dear Ana, the orchard is flooded again.\nWe will replant in May.\n";

fn t(secs: u64) -> Timestamp {
    Timestamp(1_800_000_000 + secs)
}

fn find(text: &str, needle: &str) -> Range<usize> {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

/// A session with two articles and three annotations, plus its empty history.
fn fixture() -> (Session, History) {
    let mut session = Session::new();
    session.add_article(Article::new("harbour", "Harbour", "", HARBOUR));
    session.add_article(Article::new("letters", "Letters", "", LETTERS));
    let mut history = History::new();
    for (article, label, quote) in [
        ("harbour", "quote", "the lamp never failed"),
        (
            "harbour",
            "spoiler",
            "the keeper turned out to be the ghost",
        ),
        ("letters", "claim", "the orchard is flooded again"),
    ] {
        let text = if article == "harbour" {
            HARBOUR
        } else {
            LETTERS
        };
        let edit = session
            .annotate(article, label, find(text, quote), t(0))
            .unwrap();
        history.apply(&mut session, edit).unwrap();
    }
    history.clear();
    (session, history)
}

fn annotation<'a>(session: &'a Session, article: &str, quote: &str) -> &'a Annotation {
    session
        .document(article)
        .unwrap()
        .annotations
        .iter()
        .find(|a| a.text == quote)
        .unwrap()
}

/// Apply `edit` through the history, then check undo restores the session exactly and
/// redo gives back exactly the edited session. Returns the edited session.
fn apply_undo_redo(session: &mut Session, history: &mut History, edit: &Edit) -> Session {
    let before = session.clone();
    history.apply(session, edit.clone()).unwrap();
    let after = session.clone();
    assert_ne!(before, after, "the edit changed nothing: {edit:?}");
    assert_eq!(history.next_undo(), Some(edit));

    assert_eq!(history.undo(session).unwrap().unwrap(), *edit);
    assert_eq!(*session, before, "undo of {}", edit.describe());
    assert!(history.can_redo());

    assert_eq!(history.redo(session).unwrap().unwrap(), *edit);
    assert_eq!(*session, after, "redo of {}", edit.describe());
    assert!(!history.can_redo());
    after
}

// ---------------------------------------------------------------------------------------
// Annotations

#[test]
fn fixture_annotations_hold_their_quote_and_context() {
    let (session, _) = fixture();
    let quote = annotation(&session, "harbour", "the lamp never failed");
    assert_eq!(quote.span(), find(HARBOUR, "the lamp never failed"));
    assert_eq!(quote.prefix, "The keeper said \u{201C}");
    assert!(quote.suffix.starts_with("\u{201D} 🌊 twice.\nYears"));
    assert_eq!(quote.suffix.chars().count(), 32);
    assert_eq!(quote.attributes.len(), 0, "speaker has no default value");
    let claim = annotation(&session, "letters", "the orchard is flooded again");
    assert_eq!(
        claim.attributes.get("status").map(String::as_str),
        Some("unverified")
    );
    assert_eq!(session.annotation_count(), 3);
}

#[test]
fn adding_an_annotation_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let span = find(HARBOUR, "🌊");
    // The selection is padded with the spaces around the emoji; they are trimmed.
    let edit = session
        .annotate("harbour", "spoiler", span.start - 1..span.end + 1, t(5))
        .unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert_eq!(after.annotation_count(), 4);
    let added = annotation(&after, "harbour", "🌊");
    assert_eq!(added.span(), span);
    assert_eq!(added.created, t(5));
}

#[test]
fn an_empty_selection_is_refused_and_changes_nothing() {
    let (mut session, _) = fixture();
    let before = session.clone();
    let blank = find(HARBOUR, " 🌊").start;
    assert_eq!(
        session.annotate("harbour", "quote", blank..blank + 1, t(1)),
        Err(AnnotateError::Span(SpanError::Empty))
    );
    assert_eq!(
        session.annotate("harbour", "quote", 4..4, t(1)),
        Err(AnnotateError::Span(SpanError::Empty))
    );
    assert_eq!(
        session.annotate("harbour", "nonsense", 0..3, t(1)),
        Err(AnnotateError::NoLabel("nonsense".to_owned()))
    );
    assert_eq!(
        session.annotate("nowhere", "quote", 0..3, t(1)),
        Err(AnnotateError::NoArticle("nowhere".to_owned()))
    );
    assert_eq!(
        session, before,
        "a refused annotation must not use up an id"
    );
}

#[test]
fn removing_an_annotation_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "harbour", "the lamp never failed").id;
    let edit = session.delete_annotation("harbour", id).unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert!(after.document("harbour").unwrap().annotation(id).is_none());
    assert_eq!(after.annotation_count(), 2);
}

#[test]
fn relabelling_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "harbour", "the lamp never failed").id;
    let edit = session
        .update_annotation("harbour", id, t(9), |a| a.label = "claim".to_owned())
        .unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    let relabelled = after.document("harbour").unwrap().annotation(id).unwrap();
    assert_eq!(relabelled.label, "claim");
    assert_eq!(relabelled.modified, t(9));
    assert_eq!(relabelled.created, t(0));
}

#[test]
fn resizing_undoes_and_redoes_and_keeps_text_order() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "harbour", "the lamp never failed").id;
    // Grow the quote to take in "The keeper said" before it: it now sorts first.
    let span = find(HARBOUR, "The keeper said \u{201C}the lamp never failed");
    let edit = session
        .resize_annotation("harbour", id, span.clone(), t(3))
        .unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    let doc = after.document("harbour").unwrap();
    let resized = doc.annotation(id).unwrap();
    assert_eq!(resized.span(), span);
    assert_eq!(
        resized.text,
        "The keeper said \u{201C}the lamp never failed"
    );
    assert_eq!(resized.prefix, "");
    let starts: Vec<usize> = doc.annotations.iter().map(|a| a.start).collect();
    assert!(starts.is_sorted(), "{starts:?}");
}

#[test]
fn resizing_to_an_empty_span_is_refused() {
    let (session, _) = fixture();
    let id = annotation(&session, "harbour", "the lamp never failed").id;
    let blank = find(HARBOUR, " 🌊").start;
    assert_eq!(
        session.resize_annotation("harbour", id, blank..blank + 1, t(3)),
        Err(AnnotateError::Span(SpanError::Empty))
    );
}

#[test]
fn editing_a_note_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "letters", "the orchard is flooded again").id;
    let edit = session
        .update_annotation("letters", id, t(4), |a| {
            a.note = "Check the parish records 📜".to_owned();
        })
        .unwrap();
    assert_eq!(edit.describe(), "edit note");
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    let noted = after.document("letters").unwrap().annotation(id).unwrap();
    assert_eq!(noted.note, "Check the parish records 📜");
}

#[test]
fn editing_an_attribute_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "letters", "the orchard is flooded again").id;
    let edit = session
        .update_annotation("letters", id, t(4), |a| {
            a.attributes
                .insert("status".to_owned(), "misleading".to_owned());
            a.attributes
                .insert("source".to_owned(), "county report".to_owned());
        })
        .unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    let edited = after.document("letters").unwrap().annotation(id).unwrap();
    let attributes: Vec<(&str, &str)> = edited
        .attributes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        attributes,
        [("source", "county report"), ("status", "misleading")]
    );
}

// ---------------------------------------------------------------------------------------
// Labels

#[test]
fn adding_a_label_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let label = Label::new("rumour", "Rumour", Rgb([10, 20, 30]));
    let edit = Edit::AddLabel {
        index: session.labels.len(),
        label: label.clone(),
    };
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert_eq!(after.labels.last(), Some(&label));
    assert_eq!(after.labels.len(), 5);
}

#[test]
fn adding_a_label_in_the_middle_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let label = Label::new("rumour", "Rumour", Rgb([10, 20, 30]));
    let edit = Edit::AddLabel { index: 1, label };
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    let ids: Vec<&str> = after.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["spoiler", "rumour", "quote", "claim", "source"]);
}

/// A position past the end is refused: its inverse would remove the wrong slot.
#[test]
fn adding_a_label_past_the_end_is_refused() {
    let (mut session, mut history) = fixture();
    let edit = Edit::AddLabel {
        index: 99,
        label: Label::new("rumour", "Rumour", Rgb([10, 20, 30])),
    };
    assert_refused(
        &mut session,
        &mut history,
        edit,
        &EditError::LabelPosition(99),
    );
}

#[test]
fn renaming_a_label_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let before = session.label("claim").unwrap().clone();
    let after_label = Label {
        name: "Checkable claim".to_owned(),
        ..before.clone()
    };
    let edit = Edit::ReplaceLabel {
        before,
        after: after_label,
    };
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert_eq!(after.label("claim").unwrap().name, "Checkable claim");
    // Annotations keep pointing at the label by id.
    assert_eq!(after.document("letters").unwrap().count_label("claim"), 1);
}

#[test]
fn recolouring_a_label_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let before = session.label("spoiler").unwrap().clone();
    let edit = Edit::ReplaceLabel {
        after: Label {
            color: Rgb([1, 2, 3]),
            ..before.clone()
        },
        before,
    };
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert_eq!(after.label("spoiler").unwrap().color, Rgb([1, 2, 3]));
}

#[test]
fn removing_an_unused_label_undoes_and_redoes() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "letters", "the orchard is flooded again").id;
    let edit = session.delete_annotation("letters", id).unwrap();
    history.apply(&mut session, edit).unwrap();
    let edit = session.remove_label("claim").unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert!(after.label("claim").is_none());
    assert_eq!(after.labels.len(), 3);
}

#[test]
fn removing_a_label_in_use_removes_its_annotations_and_undo_brings_them_back() {
    let (mut session, mut history) = fixture();
    // A second quote, in the other article, so the batch spans articles.
    let edit = session
        .annotate("letters", "quote", find(LETTERS, "Dear Ana"), t(2))
        .unwrap();
    history.apply(&mut session, edit).unwrap();
    let with_quotes = session.clone();

    let edit = session.remove_label("quote").unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert!(after.label("quote").is_none());
    assert_eq!(after.annotation_count(), 2);
    assert!(
        after
            .documents
            .iter()
            .all(|d| d.annotations.iter().all(|a| a.label != "quote"))
    );
    // Undo once more: back to the session with both quotes, labels in the same order.
    history.undo(&mut session).unwrap().unwrap();
    assert_eq!(session, with_quotes);
    assert_eq!(session.labels[1].id, "quote");
}

#[test]
fn removing_an_unknown_label_is_refused() {
    let (session, _) = fixture();
    assert_eq!(
        session.remove_label("gossip"),
        Err(AnnotateError::NoLabel("gossip".to_owned()))
    );
}

// ---------------------------------------------------------------------------------------
// History

#[test]
fn a_run_of_edits_undoes_to_the_start_and_redoes_to_the_end() {
    let (mut session, mut history) = fixture();
    let quote = annotation(&session, "harbour", "the lamp never failed").id;
    let claim = annotation(&session, "letters", "the orchard is flooded again").id;
    // (session before, session after) each edit. "Before" is taken once the edit is
    // built, because building an annotation hands out an id, which undo never takes back.
    let mut states = Vec::new();
    let mut run = |session: &mut Session, edit: Edit| {
        let before = session.clone();
        history.apply(session, edit).unwrap();
        states.push((before, session.clone()));
    };

    let edit = session
        .update_annotation("harbour", quote, t(1), |a| {
            a.attributes
                .insert("speaker".to_owned(), "the keeper".to_owned());
        })
        .unwrap();
    run(&mut session, edit);
    let edit = session
        .annotate("letters", "spoiler", find(LETTERS, "May"), t(2))
        .unwrap();
    run(&mut session, edit);
    let edit = session.delete_annotation("letters", claim).unwrap();
    run(&mut session, edit);
    let edit = session.remove_label("spoiler").unwrap();
    run(&mut session, edit);
    // Only the quote is left: both spoilers went with their label.
    assert_eq!(session.annotation_count(), 1);

    // Undo walks back through every state. The id counter is the one thing that stays
    // ahead: an id handed out once is never handed out again.
    let next_id = session.next_id;
    for (before, _) in states.iter().rev() {
        history.undo(&mut session).unwrap().unwrap();
        assert_eq!(session.labels, before.labels);
        assert_eq!(session.documents, before.documents);
        assert_eq!(session.next_id, next_id);
    }
    assert_eq!(session.annotation_count(), 3);
    assert!(history.undo(&mut session).is_none(), "nothing left to undo");
    for (_, after) in &states {
        history.redo(&mut session).unwrap().unwrap();
        assert_eq!(session.labels, after.labels);
        assert_eq!(session.documents, after.documents);
    }
    assert_eq!(session.next_id, next_id);
    assert!(history.redo(&mut session).is_none());
}

#[test]
fn a_new_edit_clears_redo() {
    let (mut session, mut history) = fixture();
    let id = annotation(&session, "harbour", "the lamp never failed").id;
    let edit = session.delete_annotation("harbour", id).unwrap();
    history.apply(&mut session, edit).unwrap();
    history.undo(&mut session).unwrap().unwrap();
    assert!(history.can_redo());

    let edit = session
        .update_annotation("harbour", id, t(7), |a| a.note = "kept".to_owned())
        .unwrap();
    history.apply(&mut session, edit).unwrap();
    assert!(!history.can_redo());
    assert!(history.redo(&mut session).is_none());
    // The annotation is still there, with its note.
    let kept = session.document("harbour").unwrap().annotation(id).unwrap();
    assert_eq!(kept.note, "kept");
}

#[test]
fn ids_are_never_reused_after_undo() {
    let (mut session, mut history) = fixture();
    let edit = session
        .annotate("letters", "quote", find(LETTERS, "Dear Ana"), t(2))
        .unwrap();
    let Edit::AddAnnotation { annotation, .. } = &edit else {
        panic!("annotate builds an AddAnnotation: {edit:?}");
    };
    let first = annotation.id;
    history.apply(&mut session, edit).unwrap();
    history.undo(&mut session).unwrap().unwrap();
    let edit = session
        .annotate("letters", "quote", find(LETTERS, "Dear Ana"), t(2))
        .unwrap();
    let Edit::AddAnnotation { annotation, .. } = &edit else {
        panic!("annotate builds an AddAnnotation: {edit:?}");
    };
    assert!(annotation.id > first);
}

// ---------------------------------------------------------------------------------------
// Failed edits

/// Apply an edit that must fail; the session and the history are unchanged.
fn assert_refused(session: &mut Session, history: &mut History, edit: Edit, expected: &EditError) {
    let before = session.clone();
    let could_undo = history.can_undo();
    assert_eq!(history.apply(session, edit).as_ref(), Err(expected));
    assert_eq!(*session, before);
    assert_eq!(
        history.can_undo(),
        could_undo,
        "a refused edit is not recorded"
    );
}

#[test]
fn failed_annotation_edits_leave_the_session_unchanged() {
    let (mut session, mut history) = fixture();
    let existing = annotation(&session, "harbour", "the lamp never failed").clone();

    let mut unknown_label = existing.clone();
    unknown_label.id = AnnotationId(500);
    unknown_label.label = "gossip".to_owned();
    assert_refused(
        &mut session,
        &mut history,
        Edit::AddAnnotation {
            article: "harbour".to_owned(),
            annotation: unknown_label,
        },
        &EditError::NoLabel("gossip".to_owned()),
    );

    assert_refused(
        &mut session,
        &mut history,
        Edit::AddAnnotation {
            article: "harbour".to_owned(),
            annotation: existing.clone(),
        },
        &EditError::DuplicateAnnotation(existing.id),
    );

    assert_refused(
        &mut session,
        &mut history,
        Edit::AddAnnotation {
            article: "nowhere".to_owned(),
            annotation: Annotation {
                id: AnnotationId(501),
                ..existing.clone()
            },
        },
        &EditError::NoArticle("nowhere".to_owned()),
    );

    // A stale copy (the note differs from what the session holds) is not removed.
    let stale = Annotation {
        note: "stale".to_owned(),
        ..existing.clone()
    };
    assert_refused(
        &mut session,
        &mut history,
        Edit::RemoveAnnotation {
            article: "harbour".to_owned(),
            annotation: stale.clone(),
        },
        &EditError::AnnotationMismatch(existing.id),
    );
    assert_refused(
        &mut session,
        &mut history,
        Edit::ReplaceAnnotation {
            article: "harbour".to_owned(),
            before: stale,
            after: existing.clone(),
        },
        &EditError::AnnotationMismatch(existing.id),
    );

    // Relabelling to a label that does not exist.
    let edit = session
        .update_annotation("harbour", existing.id, t(1), |a| {
            a.label = "gossip".to_owned();
        })
        .unwrap();
    assert_refused(
        &mut session,
        &mut history,
        edit,
        &EditError::NoLabel("gossip".to_owned()),
    );
}

#[test]
fn failed_label_edits_leave_the_session_unchanged() {
    let (mut session, mut history) = fixture();
    let quote = session.label("quote").unwrap().clone();

    assert_refused(
        &mut session,
        &mut history,
        Edit::AddLabel {
            index: 0,
            label: Label::new("quote", "Another quote", Rgb([0, 0, 0])),
        },
        &EditError::DuplicateLabel("quote".to_owned()),
    );
    // A label still used by an annotation cannot be removed on its own.
    assert_refused(
        &mut session,
        &mut history,
        Edit::RemoveLabel {
            index: 1,
            label: quote.clone(),
        },
        &EditError::LabelMismatch("quote".to_owned()),
    );
    // Wrong position.
    assert_refused(
        &mut session,
        &mut history,
        Edit::RemoveLabel {
            index: 0,
            label: quote.clone(),
        },
        &EditError::LabelMismatch("quote".to_owned()),
    );
    // A label edit may not change the id.
    assert_refused(
        &mut session,
        &mut history,
        Edit::ReplaceLabel {
            before: quote.clone(),
            after: Label {
                id: "citation".to_owned(),
                ..quote.clone()
            },
        },
        &EditError::LabelMismatch("citation".to_owned()),
    );
    // Replacing a label that is not as the edit remembers it.
    assert_refused(
        &mut session,
        &mut history,
        Edit::ReplaceLabel {
            before: Label {
                name: "Old name".to_owned(),
                ..quote.clone()
            },
            after: quote,
        },
        &EditError::LabelMismatch("quote".to_owned()),
    );
}

#[test]
fn a_batch_that_fails_halfway_is_rolled_back_completely() {
    let (mut session, mut history) = fixture();
    let keep = annotation(&session, "harbour", "the lamp never failed").clone();
    // Build a new annotation (using an id) before taking the snapshot: handing out an
    // id is not an edit.
    let Edit::AddAnnotation {
        annotation: added, ..
    } = session
        .annotate("letters", "spoiler", find(LETTERS, "May"), t(1))
        .unwrap()
    else {
        panic!("annotate builds an AddAnnotation");
    };
    // An explicit, far higher id: the failed batch must not move the id counter either.
    let added = Annotation {
        id: AnnotationId(1_000),
        ..added
    };
    let batch = Edit::Batch(vec![
        Edit::AddAnnotation {
            article: "letters".to_owned(),
            annotation: added,
        },
        Edit::RemoveAnnotation {
            article: "harbour".to_owned(),
            annotation: keep.clone(),
        },
        Edit::AddLabel {
            index: 0,
            label: Label::new("spoiler", "Duplicate", Rgb([0, 0, 0])),
        },
    ]);
    assert_refused(
        &mut session,
        &mut history,
        batch,
        &EditError::DuplicateLabel("spoiler".to_owned()),
    );
    assert!(
        session
            .document("harbour")
            .unwrap()
            .annotation(keep.id)
            .is_some()
    );
}

#[test]
fn typing_a_label_name_is_one_undo_step() {
    let mut session = gloss::model::Session::new();
    let mut history = gloss::model::History::new();
    let original = session.label("claim").unwrap().clone();
    for name in ["C", "Ch", "Che", "Chec", "Check"] {
        let before = session.label("claim").unwrap().clone();
        let mut after = before.clone();
        after.name = name.to_owned();
        history
            .apply_merging(
                &mut session,
                gloss::model::Edit::ReplaceLabel { before, after },
            )
            .unwrap();
    }
    assert_eq!(session.label("claim").unwrap().name, "Check");
    history.undo(&mut session).unwrap().unwrap();
    assert_eq!(
        session.label("claim").unwrap(),
        &original,
        "one undo restores the name"
    );
    assert!(!history.can_undo());
}
