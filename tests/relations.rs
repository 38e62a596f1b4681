//! Relations in the model: linking annotations within and across articles, every edit
//! kind with its undo and redo, and what is refused.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::ops::Range;

use gloss::model::{
    AnnotationId, Article, Edit, EditError, History, Label, RelationError, RelationId,
    RelationType, Session, Timestamp,
};

const PIER: &str = "Mayor Ilse Varga said \u{201C}the pier reopens in June\u{201D} at the meeting.\n\
                    The harbour board claims the repairs cost 2 million.\n";
const BOARD: &str = "In its report the harbour board claims the repairs cost 5 million.\n\
                     Varga repeated \u{201C}the pier reopens in June\u{201D} on radio.\n";

fn t(secs: u64) -> Timestamp {
    Timestamp(1_800_000_000 + secs)
}

fn find(text: &str, needle: &str) -> Range<usize> {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

struct Fixture {
    session: Session,
    history: History,
    quote: AnnotationId,
    speaker: AnnotationId,
    claim: AnnotationId,
    other_claim: AnnotationId,
    other_quote: AnnotationId,
}

/// Two articles: a quote and its speaker and a claim in `pier`, a claim and the same
/// quote again in `board`.
fn fixture() -> Fixture {
    let mut session = Session::new();
    session.add_article(Article::new("pier", "Pier", "", PIER));
    session.add_article(Article::new("board", "Board", "", BOARD));
    let mut history = History::new();
    let mut add = |session: &mut Session, article: &str, label: &str, quote: &str| {
        let text = if article == "pier" { PIER } else { BOARD };
        let edit = session
            .annotate(article, label, find(text, quote), t(0))
            .unwrap();
        let Edit::AddAnnotation { annotation, .. } = &edit else {
            panic!("annotate gives AddAnnotation");
        };
        let id = annotation.id;
        history.apply(session, edit).unwrap();
        id
    };
    let quote = add(&mut session, "pier", "quote", "the pier reopens in June");
    let speaker = add(&mut session, "pier", "source", "Mayor Ilse Varga");
    let claim = add(&mut session, "pier", "claim", "the repairs cost 2 million");
    let other_claim = add(&mut session, "board", "claim", "the repairs cost 5 million");
    let other_quote = add(&mut session, "board", "quote", "the pier reopens in June");
    history.clear();
    Fixture {
        session,
        history,
        quote,
        speaker,
        claim,
        other_claim,
        other_quote,
    }
}

/// Apply through the history; undo gives back exactly the session before, redo exactly
/// the session after. Returns the session after.
fn apply_undo_redo(session: &mut Session, history: &mut History, edit: &Edit) -> Session {
    let before = session.clone();
    history.apply(session, edit.clone()).unwrap();
    let after = session.clone();
    assert_ne!(before, after, "the edit changed nothing: {edit:?}");
    history.undo(session).unwrap().unwrap();
    assert_eq!(*session, before, "undo of {}", edit.describe());
    history.redo(session).unwrap().unwrap();
    assert_eq!(*session, after, "redo of {}", edit.describe());
    after
}

fn attribute(session: &Session, id: AnnotationId, key: &str) -> Option<String> {
    session
        .locate(id)
        .unwrap()
        .annotation
        .attributes
        .get(key)
        .cloned()
}

#[test]
fn defaults_add_a_source_label_and_four_relation_types() {
    let session = Session::new();
    let source = session.label("source").unwrap();
    assert_eq!(source.name, "Source");
    assert_eq!(source.hotkey, Some('O'));
    let hotkeys: Vec<char> = session.labels.iter().filter_map(|l| l.hotkey).collect();
    assert_eq!(
        hotkeys,
        ['S', 'Q', 'C', 'O'],
        "every label keeps its own key"
    );
    let types: Vec<&str> = session
        .relation_types
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(types, ["speaker", "evidence", "same_as", "contradicts"]);
}

#[test]
fn linking_a_quote_to_its_speaker_fills_the_speaker_attribute_in_one_step() {
    let Fixture {
        mut session,
        mut history,
        quote,
        speaker,
        ..
    } = fixture();
    assert_eq!(attribute(&session, quote, "speaker"), None);
    let edit = session.link("speaker", quote, speaker, t(5)).unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    let relation = after.relations.first().unwrap();
    assert_eq!(
        (relation.kind.as_str(), relation.from, relation.to),
        ("speaker", quote, speaker)
    );
    assert_eq!((relation.created, relation.modified), (t(5), t(5)));
    assert_eq!(
        attribute(&after, quote, "speaker").as_deref(),
        Some("Mayor Ilse Varga")
    );
    assert_eq!(edit.describe(), "link as speaker");
    // One undo takes both the link and the attribute away.
    history.undo(&mut session).unwrap().unwrap();
    assert!(session.relations.is_empty());
    assert_eq!(attribute(&session, quote, "speaker"), None);
}

#[test]
fn a_speaker_already_written_is_left_alone() {
    let mut f = fixture();
    let edit = f
        .session
        .update_annotation("pier", f.quote, t(1), |a| {
            a.attributes.insert("speaker".into(), "the mayor".into());
        })
        .unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let edit = f.session.link("speaker", f.quote, f.speaker, t(2)).unwrap();
    assert!(matches!(edit, Edit::AddRelation { .. }));
    f.history.apply(&mut f.session, edit).unwrap();
    assert_eq!(
        attribute(&f.session, f.quote, "speaker").as_deref(),
        Some("the mayor")
    );
}

#[test]
fn relation_ids_come_from_the_annotation_counter() {
    let mut f = fixture();
    let next = f.session.next_id;
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    assert_eq!(f.session.relations.first().unwrap().id, RelationId(next));
    let edit = f
        .session
        .annotate("pier", "claim", find(PIER, "at the meeting"), t(2))
        .unwrap();
    let Edit::AddAnnotation { annotation, .. } = &edit else {
        panic!()
    };
    assert_eq!(annotation.id, AnnotationId(next + 1));
}

#[test]
fn claims_link_across_articles() {
    let Fixture {
        mut session,
        mut history,
        claim,
        other_claim,
        quote,
        other_quote,
        ..
    } = fixture();
    let edit = session
        .link("contradicts", claim, other_claim, t(1))
        .unwrap();
    apply_undo_redo(&mut session, &mut history, &edit);
    let edit = session.link("same_as", quote, other_quote, t(2)).unwrap();
    let after = apply_undo_redo(&mut session, &mut history, &edit);
    assert_eq!(after.relations.len(), 2);
    assert_eq!(after.relations_of(claim).count(), 1);
    let located = after.locate(other_claim).unwrap();
    assert_eq!(located.document.article.id, "board");
    assert_eq!(located.index, 1);
}

#[test]
fn evidence_starts_with_its_default_stance() {
    let mut f = fixture();
    let edit = f.session.link("evidence", f.claim, f.quote, t(1)).unwrap();
    let after = apply_undo_redo(&mut f.session, &mut f.history, &edit);
    let relation = after.relations.first().unwrap();
    assert_eq!(
        relation.attributes.get("stance").map(String::as_str),
        Some("supports")
    );
}

#[test]
fn self_links_duplicates_and_wrong_labels_are_refused_and_change_nothing() {
    let mut f = fixture();
    let before = f.session.clone();
    assert_eq!(
        f.session.link("same_as", f.quote, f.quote, t(1)),
        Err(RelationError::SelfRelation(f.quote))
    );
    assert!(matches!(
        f.session.link("speaker", f.claim, f.speaker, t(1)),
        Err(RelationError::LabelsNotAllowed(why)) if why.contains("from quote to source")
    ));
    assert!(matches!(
        f.session.link("same_as", f.quote, f.claim, t(1)),
        Err(RelationError::LabelsNotAllowed(_))
    ));
    assert_eq!(
        f.session.link("nope", f.quote, f.speaker, t(1)),
        Err(RelationError::NoType("nope".into()))
    );
    assert_eq!(
        f.session.link("speaker", f.quote, AnnotationId(999), t(1)),
        Err(RelationError::NoAnnotation(AnnotationId(999)))
    );
    // Nothing changed but the ids the refused attempts did not take.
    assert_eq!(f.session.relations, before.relations);
    assert_eq!(f.session.documents, before.documents);

    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit.clone()).unwrap();
    let error = f
        .session
        .link("speaker", f.quote, f.speaker, t(2))
        .unwrap_err();
    assert!(matches!(error, RelationError::Duplicate { .. }));
    assert!(error.to_string().contains("already linked as speaker"));
    // The same edit applied twice (a replayed journal, a hand-made batch) is refused too.
    let Edit::Batch(parts) = &edit else { panic!() };
    let Edit::AddRelation { relation } = parts.first().unwrap() else {
        panic!()
    };
    let mut again = relation.clone();
    again.id = RelationId(500);
    let snapshot = f.session.clone();
    assert!(matches!(
        Edit::AddRelation { relation: again }.apply(&mut f.session),
        Err(EditError::Relation(RelationError::Duplicate { .. }))
    ));
    assert_eq!(f.session, snapshot);
}

#[test]
fn deleting_an_annotation_deletes_its_relations_and_undo_brings_all_back() {
    let mut f = fixture();
    for edit in [
        f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap(),
        f.session
            .link("same_as", f.quote, f.other_quote, t(2))
            .unwrap(),
        f.session.link("evidence", f.claim, f.quote, t(3)).unwrap(),
        f.session
            .link("contradicts", f.claim, f.other_claim, t(4))
            .unwrap(),
    ] {
        f.history.apply(&mut f.session, edit).unwrap();
    }
    let edit = f.session.delete_annotation("pier", f.quote).unwrap();
    assert_eq!(edit.describe(), "delete quote and its links");
    let after = apply_undo_redo(&mut f.session, &mut f.history, &edit);
    assert!(after.locate(f.quote).is_none());
    assert_eq!(
        after.relations.len(),
        1,
        "only the claim's contradiction stays"
    );
    assert_eq!(after.relations.first().unwrap().kind, "contradicts");
    f.history.undo(&mut f.session).unwrap().unwrap();
    assert_eq!(f.session.relations.len(), 4);

    // Removing the annotation alone, with links still pointing at it, is refused.
    let bare = Edit::RemoveAnnotation {
        article: "pier".into(),
        annotation: f.session.locate(f.quote).unwrap().annotation.clone(),
    };
    let snapshot = f.session.clone();
    assert_eq!(
        bare.apply(&mut f.session),
        Err(EditError::HasRelations(f.quote))
    );
    assert_eq!(f.session, snapshot);
}

#[test]
fn removing_a_label_removes_the_relations_of_its_annotations() {
    let mut f = fixture();
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let edit = f
        .session
        .link("same_as", f.quote, f.other_quote, t(2))
        .unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let edit = f.session.remove_label("quote").unwrap();
    let after = apply_undo_redo(&mut f.session, &mut f.history, &edit);
    assert!(after.relations.is_empty());
    assert!(after.label("quote").is_none());
}

#[test]
fn retyping_notes_and_attributes_undo_and_redo() {
    let mut f = fixture();
    let edit = f
        .session
        .link("evidence", f.claim, f.other_claim, t(1))
        .unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let id = f.session.relations.first().unwrap().id;

    let retype = f
        .session
        .update_relation(id, t(2), |r| r.kind = "contradicts".into())
        .unwrap();
    assert_eq!(retype.describe(), "retype link as contradicts");
    let after = apply_undo_redo(&mut f.session, &mut f.history, &retype);
    assert_eq!(after.relation(id).unwrap().kind, "contradicts");
    assert_eq!(after.relation(id).unwrap().modified, t(2));

    let stance = f
        .session
        .update_relation(id, t(3), |r| {
            r.attributes.insert("stance".into(), "refutes".into());
        })
        .unwrap();
    apply_undo_redo(&mut f.session, &mut f.history, &stance);

    // A type whose labels do not fit is refused.
    let quote_id = f.quote;
    let edit = f.session.link("evidence", f.claim, quote_id, t(4)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let to_quote = f.session.relations.last().unwrap().id;
    assert!(matches!(
        f.session
            .update_relation(to_quote, t(5), |r| r.kind = "contradicts".into()),
        Err(RelationError::LabelsNotAllowed(_))
    ));
}

#[test]
fn typing_a_relation_note_is_one_undo_step() {
    let mut f = fixture();
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let id = f.session.relations.first().unwrap().id;
    let linked = f.session.clone();
    for (n, typed) in ["o", "on", "on a"].iter().enumerate() {
        let edit = f
            .session
            .update_relation(id, t(10 + n as u64), |r| r.note = (*typed).into())
            .unwrap();
        f.history.apply_merging(&mut f.session, edit).unwrap();
    }
    assert_eq!(f.session.relation(id).unwrap().note, "on a");
    f.history.undo(&mut f.session).unwrap().unwrap();
    assert_eq!(f.session, linked);
}

#[test]
fn relation_types_are_added_edited_and_removed_like_labels() {
    let mut f = fixture();
    let kind = f.session.new_relation_type("Paraphrase of");
    assert_eq!(kind.id, "paraphrase_of");
    let add = Edit::AddRelationType {
        index: f.session.relation_types.len(),
        kind: kind.clone(),
    };
    apply_undo_redo(&mut f.session, &mut f.history, &add);

    let mut renamed = kind.clone();
    renamed.name = "Paraphrases".into();
    renamed.hotkey = Some('5');
    let edit = Edit::ReplaceRelationType {
        before: kind.clone(),
        after: renamed,
    };
    apply_undo_redo(&mut f.session, &mut f.history, &edit);

    // In use: the direct removal is refused, the builder takes its relations along.
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let index = 0;
    let speaker = f.session.relation_types.first().unwrap().clone();
    let snapshot = f.session.clone();
    assert_eq!(
        Edit::RemoveRelationType {
            index,
            kind: speaker.clone()
        }
        .apply(&mut f.session),
        Err(EditError::RelationTypeMismatch("speaker".into()))
    );
    assert_eq!(f.session, snapshot);
    assert_eq!(f.session.count_relation_type("speaker"), 1);
    let edit = f.session.remove_relation_type("speaker").unwrap();
    let after = apply_undo_redo(&mut f.session, &mut f.history, &edit);
    assert!(after.relation_type("speaker").is_none());
    assert!(after.relations.is_empty());
    // Adding a type whose id exists is refused.
    assert_eq!(
        Edit::AddRelationType {
            index: 0,
            kind: RelationType::new("evidence", "Again", Label::palette_color(0)),
        }
        .apply(&mut f.session),
        Err(EditError::DuplicateRelationType("evidence".into()))
    );
}

#[test]
fn orphaned_annotations_keep_their_relations() {
    let mut f = fixture();
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let before = f.session.document("pier").unwrap().clone();
    let changed = PIER.replace("the pier reopens in June", "work goes on");
    let reanchored = before.reanchored_to(Article::new("pier", "Pier", "", changed.as_str()));
    assert_eq!(reanchored.orphans, vec![f.quote]);
    let edit = Edit::ReplaceArticle {
        before,
        after: reanchored.document,
    };
    let after = apply_undo_redo(&mut f.session, &mut f.history, &edit);
    assert!(after.locate(f.quote).unwrap().annotation.orphan);
    assert_eq!(after.relations_of(f.quote).count(), 1);
}

#[test]
fn a_batch_of_many_links_applies_and_undoes_as_one() {
    let mut session = Session::new();
    let text: String = (0..200)
        .map(|i| format!("Speaker {i} said quote {i}. "))
        .collect();
    session.add_article(Article::new("many", "Many", "", text.as_str()));
    let mut history = History::new();
    let mut quotes = Vec::new();
    let mut speakers = Vec::new();
    for i in 0..200 {
        for (label, needle, into) in [
            ("quote", format!("quote {i}."), &mut quotes),
            ("source", format!("Speaker {i} "), &mut speakers),
        ] {
            let edit = session
                .annotate("many", label, find(&text, &needle), t(0))
                .unwrap();
            let Edit::AddAnnotation { annotation, .. } = &edit else {
                panic!()
            };
            into.push(annotation.id);
            history.apply(&mut session, edit).unwrap();
        }
    }
    let links: Vec<Edit> = quotes
        .iter()
        .zip(&speakers)
        .map(|(q, s)| {
            let Edit::Batch(parts) = session.link("speaker", *q, *s, t(1)).unwrap() else {
                panic!("the speaker attribute is filled too")
            };
            parts.into_iter().next().unwrap()
        })
        .collect();
    let batch = Edit::Batch(links);
    let after = apply_undo_redo(&mut session, &mut history, &batch);
    assert_eq!(after.relations.len(), 200);
    assert!(after.relations.is_sorted_by_key(|r| r.id));
    // One link to an annotation that is not there fails the whole batch.
    let Edit::Batch(mut parts) = batch.clone() else {
        panic!()
    };
    history.undo(&mut session).unwrap().unwrap();
    if let Some(Edit::AddRelation { relation }) = parts.last_mut() {
        relation.to = AnnotationId(9_999_999);
    }
    let snapshot = session.clone();
    assert_eq!(
        Edit::Batch(parts).apply(&mut session),
        Err(EditError::Relation(RelationError::NoAnnotation(
            AnnotationId(9_999_999)
        )))
    );
    assert_eq!(session, snapshot);
}

#[test]
fn renumbering_moves_relation_ids_and_ends() {
    let mut f = fixture();
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    let map = HashMap::from([
        (f.quote, AnnotationId(100)),
        (f.speaker, AnnotationId(101)),
        (AnnotationId(f.session.next_id - 1), AnnotationId(102)),
    ]);
    let Edit::Batch(parts) = edit.renumbered(&map) else {
        panic!()
    };
    let Some(Edit::AddRelation { relation }) = parts.first() else {
        panic!()
    };
    assert_eq!(
        (relation.id, relation.from, relation.to),
        (RelationId(102), AnnotationId(100), AnnotationId(101))
    );
}

// ---------------------------------------------------------------------------------------
// The session file (version 3)

use gloss::formats::session_file::{from_ron, to_ron};
use std::path::Path;

/// The fixture with a link of every default type, one of them across the articles, and
/// a note that looks like RON.
fn linked() -> Session {
    let mut f = fixture();
    for edit in [
        f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap(),
        f.session.link("evidence", f.claim, f.quote, t(2)).unwrap(),
        f.session
            .link("same_as", f.quote, f.other_quote, t(3))
            .unwrap(),
        f.session
            .link("contradicts", f.claim, f.other_claim, t(4))
            .unwrap(),
    ] {
        f.history.apply(&mut f.session, edit).unwrap();
    }
    let id = f.session.relations.last().unwrap().id;
    let edit = f
        .session
        .update_relation(id, t(9), |r| {
            r.note = "2 vs 5 million ), ] \"quoted\"\nsecond line".into();
        })
        .unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    f.session
}

#[test]
fn relations_survive_a_save_and_load_with_one_line_each() {
    let session = linked();
    let ron = to_ron(&session, None);
    assert!(ron.contains(&format!("version: {},", gloss::formats::SESSION_VERSION)));
    let lines: Vec<&str> = ron
        .lines()
        .filter(|l| l.trim_start().starts_with("(id:") && l.contains("type:"))
        .collect();
    assert_eq!(lines.len(), 4, "{ron}");
    assert!(
        lines[0].contains("type: \"speaker\"") && lines[0].contains("from: 1, to: 2"),
        "{}",
        lines[0]
    );
    assert!(ron.find("relation_types: [").unwrap() < ron.find("relations: [").unwrap());
    assert!(ron.find("relations: [").unwrap() < ron.find("articles: [").unwrap());
    let loaded = from_ron(&ron, Path::new("linked.ron"), false).unwrap();
    assert_eq!(loaded.session, session);
    assert_eq!(
        to_ron(&loaded.session, None),
        ron,
        "saving again changes nothing"
    );
}

#[test]
fn a_relation_to_a_missing_annotation_is_an_error_with_its_id_line_and_column() {
    let session = linked();
    let ron = to_ron(&session, None);
    // Point the second relation at an annotation that does not exist.
    let second = ron
        .lines()
        .find(|l| l.contains("type: \"evidence\""))
        .unwrap()
        .to_owned();
    let broken_line = second.replace("to: 1,", "to: 77,");
    assert_ne!(broken_line, second);
    let broken = ron.replace(&second, &broken_line);
    let line = broken.lines().position(|l| l == broken_line).unwrap() + 1;
    let error = from_ron(&broken, Path::new("/work/broken.ron"), false)
        .unwrap_err()
        .to_string();
    let id = session.relations[1].id;
    assert_eq!(
        error,
        format!(
            "invalid session (relation {id}: its target, annotation 77, is not in the session, at line {line}, column 5): /work/broken.ron"
        )
    );

    // A self-link and a repeated link are refused the same way.
    let selfish = ron.replace(&second, &second.replace("to: 1,", "to: 3,"));
    let error = from_ron(&selfish, Path::new("s.ron"), false)
        .unwrap_err()
        .to_string();
    assert!(error.contains("links annotation 3 to itself"), "{error}");
    let first = ron
        .lines()
        .find(|l| l.contains("type: \"speaker\""))
        .unwrap();
    let twice = ron.replace(
        first,
        &format!("{first}\n{}", first.replace("(id: 6,", "(id: 60,")),
    );
    let error = from_ron(&twice, Path::new("s.ron"), false)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("relation 60: it repeats relation 6"),
        "{error}"
    );
    let unknown = ron.replace("type: \"speaker\", from", "type: \"spoken\", from");
    let error = from_ron(&unknown, Path::new("s.ron"), false)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("its type \"spoken\" is not in the relation types"),
        "{error}"
    );
}

const V2_DEFAULT_LABELS: &str = r##"(
  version: 2,
  next_id: 2,
  labels: [
    (id: "spoiler", name: "Spoiler", color: "#e06c75", hotkey: Some('S'), description: "Reveals a plot point; hidden by the spoiler shield.", attributes: []),
    (id: "quote", name: "Quote", color: "#61afef", hotkey: Some('Q'), description: "Words attributed to someone.", attributes: [(key: "speaker", choices: [], default: "")]),
    (id: "claim", name: "Claim", color: "#e5c07b", hotkey: Some('C'), description: "A statement of fact that can be checked.", attributes: [(key: "status", choices: ["unverified", "true", "false", "misleading"], default: "unverified"), (key: "source", choices: [], default: "")]),
  ],
  articles: [
    (
      id: "note",
      title: "Note",
      source: "",
      sha256: "",
      text: "She said: hello there.",
      annotations: [
        (id: 1, label: "quote", start: 10, end: 21, text: "hello there", created: "2026-01-02T03:04:05Z"),
      ],
    ),
  ],
)
"##;

#[test]
fn version_2_files_with_the_default_labels_gain_source_and_the_relation_types() {
    let loaded = from_ron(V2_DEFAULT_LABELS, Path::new("v2.ron"), false).unwrap();
    let fresh = Session::new();
    assert_eq!(loaded.session.labels, fresh.labels);
    assert_eq!(loaded.session.relation_types, fresh.relation_types);
    assert!(loaded.session.relations.is_empty());
    assert_eq!(loaded.session.annotation_count(), 1);
    // Written back as version 3 and read again unchanged.
    let again = from_ron(&to_ron(&loaded.session, None), Path::new("v3.ron"), false).unwrap();
    assert_eq!(again.session, loaded.session);
}

#[test]
fn version_1_and_2_files_with_their_own_labels_keep_them_and_get_no_relation_types() {
    let own = V2_DEFAULT_LABELS.replace("name: \"Quote\"", "name: \"Citation\"");
    for version in ["version: 1,", "version: 2,"] {
        let file = own.replace("version: 2,", version);
        let loaded = from_ron(&file, Path::new("own.ron"), false).unwrap();
        assert_eq!(loaded.session.labels.len(), 3, "{version}");
        assert!(loaded.session.label("source").is_none());
        assert_eq!(loaded.session.label("quote").unwrap().name, "Citation");
        assert!(loaded.session.relation_types.is_empty(), "{version}");
    }
}

#[test]
fn relation_and_annotation_ids_never_collide() {
    let mut f = fixture();
    let edit = f.session.link("speaker", f.quote, f.speaker, t(1)).unwrap();
    f.history.apply(&mut f.session, edit).unwrap();
    let relation = f.session.relations[0].clone();
    let snapshot = f.session.clone();
    // A relation with an annotation's id.
    let mut clash = relation.clone();
    clash.id = RelationId(f.claim.0);
    clash.kind = "same_as".into();
    clash.to = f.other_quote;
    assert_eq!(
        Edit::AddRelation { relation: clash }.apply(&mut f.session),
        Err(EditError::DuplicateId(f.claim.0))
    );
    // An annotation with a relation's id.
    let mut annotation = f.session.locate(f.claim).unwrap().annotation.clone();
    annotation.id = AnnotationId(relation.id.0);
    assert_eq!(
        Edit::AddAnnotation {
            article: "pier".into(),
            annotation
        }
        .apply(&mut f.session),
        Err(EditError::DuplicateId(relation.id.0))
    );
    assert_eq!(f.session, snapshot);
}
