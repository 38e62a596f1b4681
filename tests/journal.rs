//! The edit journal below the app: article edits and their inverses, history steps that
//! replay into the same session and the same undo/redo stacks, journal files that
//! survive a torn last line, and sessions that snapshot cheaply for background saves.

// Test helpers outside #[test] fns may panic on broken fixtures.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use gloss::formats::journal::{
    Base, FileStamp, JOURNAL_VERSION, JournalHeader, header_line, parse_journal, step_line,
};
use gloss::formats::session_file::{from_ron, to_ron};
use gloss::model::{Article, Document, Edit, EditError, History, Session, Step, Timestamp};

const TEXT: &str = "The mayor said the bridge opens in May. Critics doubt it.\n\n\
The bridge opens in May, the mayor said again.";

fn session_with_article() -> Session {
    let mut session = Session::new();
    session.add_article(Article::new("bridge", "Bridge", "", TEXT));
    session
}

fn span_of(needle: &str) -> std::ops::Range<usize> {
    let byte = TEXT.find(needle).unwrap();
    let start = TEXT[..byte].chars().count();
    start..start + needle.chars().count()
}

/// A history of every kind of step, recorded as the app journals it.
fn scripted_steps(session: &mut Session, history: &mut History) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut apply = |session: &mut Session, history: &mut History, edit: Edit, merge: bool| {
        if merge {
            history.apply_merging(session, edit.clone()).unwrap();
            steps.push(Step::Merge(edit));
        } else {
            history.apply(session, edit.clone()).unwrap();
            steps.push(Step::Apply(edit));
        }
    };
    let quote = session
        .annotate(
            "bridge",
            "quote",
            span_of("the bridge opens in May"),
            Timestamp(1),
        )
        .unwrap();
    let id = match &quote {
        Edit::AddAnnotation { annotation, .. } => annotation.id,
        _ => unreachable!(),
    };
    apply(session, history, quote, false);
    for (n, note) in ["d", "do", "dou", "doubt"].iter().enumerate() {
        let edit = session
            .update_annotation("bridge", id, Timestamp(2 + n as u64), |a| {
                a.note = (*note).to_owned();
            })
            .unwrap();
        apply(session, history, edit, true);
    }
    let claim = session
        .annotate(
            "bridge",
            "claim",
            span_of("Critics doubt it."),
            Timestamp(9),
        )
        .unwrap();
    apply(session, history, claim, false);
    let second = Document::new(Article::new("second", "Second", "", "Another text here."));
    apply(
        session,
        history,
        Edit::AddArticle {
            index: 1,
            document: second,
        },
        false,
    );
    // Undo the article and the claim, redo the claim.
    for _ in 0..2 {
        let edit = history.undo(session).unwrap().unwrap();
        steps.push(Step::Undo(edit));
    }
    let edit = history.redo(session).unwrap().unwrap();
    steps.push(Step::Redo(edit));
    steps
}

#[test]
fn replaying_the_steps_gives_the_same_session_and_the_same_undo_stack() {
    let start = session_with_article();
    let mut live = start.clone();
    let mut live_history = History::new();
    let steps = scripted_steps(&mut live, &mut live_history);

    let mut replayed = start.clone();
    let mut history = History::new();
    for step in &steps {
        history.replay(&mut replayed, step).unwrap();
    }
    assert_eq!(replayed, live);
    assert_eq!(replayed.documents.len(), 1, "the added article was undone");
    assert_eq!(replayed.annotation_count(), 2);
    assert_eq!(
        replayed.documents[0].annotations[0].note, "doubt",
        "typing a note replays letter by letter"
    );
    assert_eq!(history.next_undo(), live_history.next_undo());
    assert_eq!(history.next_redo(), live_history.next_redo());
    // The restored history undoes like the live one: claim, then the whole note at once.
    for _ in 0..3 {
        let a = history.undo(&mut replayed).unwrap().unwrap();
        let b = live_history.undo(&mut live).unwrap().unwrap();
        assert_eq!(a, b);
        assert_eq!(replayed, live);
    }
    assert_eq!(replayed.documents, start.documents, "everything undone");
}

#[test]
fn steps_replay_onto_the_session_as_saved_and_loaded_again() {
    // The journal's base is the session file; annotations read back from it have their
    // context recomputed, and the steps must still apply to them.
    let mut live = session_with_article();
    let mut history = History::new();
    let first = scripted_steps(&mut live, &mut history);
    let saved = to_ron(&live, None);
    let mut loaded = from_ron(&saved, Path::new("s.ron"), false).unwrap().session;
    assert_eq!(loaded.annotation_count(), live.annotation_count());

    // Steps made after the save: delete and relabel the annotations that were loaded.
    let mut steps = Vec::new();
    let ids: Vec<_> = live.documents[0].annotations.iter().map(|a| a.id).collect();
    let delete = live.delete_annotation("bridge", ids[0]).unwrap();
    history.apply(&mut live, delete.clone()).unwrap();
    steps.push(Step::Apply(delete));
    let relabel = live
        .update_annotation("bridge", ids[1], Timestamp(50), |a| {
            a.label = "spoiler".into()
        })
        .unwrap();
    history.apply_merging(&mut live, relabel.clone()).unwrap();
    steps.push(Step::Merge(relabel));
    let undo = history.undo(&mut live).unwrap().unwrap();
    steps.push(Step::Undo(undo));

    let mut replay_history = History::new();
    for step in &steps {
        replay_history.replay(&mut loaded, step).unwrap();
    }
    assert_eq!(to_ron(&loaded, None), to_ron(&live, None));
    assert!(first.len() > steps.len());
}

#[test]
fn a_journal_file_round_trips_and_a_torn_tail_loses_only_the_last_step() {
    let start = session_with_article();
    let mut live = start.clone();
    let steps = scripted_steps(&mut live, &mut History::new());
    let header = JournalHeader {
        journal: JOURNAL_VERSION,
        session: Some("/data/bridge.ron".into()),
        base: Some(Base {
            path: "/data/bridge.ron".into(),
            stamp: FileStamp {
                len: 1,
                secs: 2,
                nanos: 3,
            },
        }),
        started: Timestamp(0),
    };
    let mut text = header_line(&header);
    for step in &steps {
        text.push_str(&step_line(step));
    }
    let journal = parse_journal(&text, Path::new("j.journal")).unwrap();
    assert_eq!(journal.header, header);
    assert_eq!(journal.steps, steps);

    // Cut the file anywhere inside the last line: every earlier step is kept.
    let last_start = text[..text.len() - 1].rfind('\n').unwrap() + 1;
    for cut in last_start..text.len() - 1 {
        let torn = parse_journal(&text[..cut], Path::new("j.journal")).unwrap();
        assert_eq!(torn.steps.len(), steps.len() - 1, "cut at byte {cut}");
    }
    // Replaying the torn journal gives the session before the last step.
    let mut replayed = start;
    let mut history = History::new();
    let torn = parse_journal(&text[..last_start + 3], Path::new("j.journal")).unwrap();
    for step in &torn.steps {
        history.replay(&mut replayed, step).unwrap();
    }
    let mut expected = live;
    let undone = steps.last().unwrap().edit().inverse();
    undone.apply(&mut expected).unwrap();
    assert_eq!(replayed.documents, expected.documents);
}

#[test]
fn article_edits_apply_and_undo_and_refuse_what_does_not_fit() {
    let mut session = session_with_article();
    let before = session.clone();
    let mut doc = Document::new(Article::new(
        "other",
        "Other",
        "",
        "Text of another article.",
    ));
    let annotation = session
        .annotate(
            "bridge",
            "quote",
            span_of("Critics doubt it."),
            Timestamp(3),
        )
        .unwrap();
    if let Edit::AddAnnotation { annotation, .. } = annotation {
        let mut moved = annotation;
        moved.id = gloss::model::AnnotationId(40);
        moved.start = 0;
        moved.end = 4;
        moved.text = "Text".into();
        doc.annotations.push(moved);
    }
    let add = Edit::AddArticle {
        index: 1,
        document: doc.clone(),
    };
    add.apply(&mut session).unwrap();
    assert_eq!(session.documents[1].article.id, "other");
    assert!(
        session.next_id > 40,
        "ids stay unique after an added article"
    );
    assert_eq!(
        add.apply(&mut session),
        Err(EditError::DuplicateArticle("other".into()))
    );
    add.inverse().apply(&mut session).unwrap();
    assert_eq!(session.documents, before.documents);

    // Re-anchoring an article to a new text is one edit, undone as one.
    let old = session.documents[0].clone();
    let mut new = old.clone();
    new.article = Article::new("bridge", "Bridge", "", format!("Update: {TEXT}"));
    let replace = Edit::ReplaceArticle {
        before: old.clone(),
        after: new.clone(),
    };
    replace.apply(&mut session).unwrap();
    assert_eq!(session.documents[0], new);
    assert!(
        replace.apply(&mut session).is_err(),
        "the article is no longer as the edit expects"
    );
    replace.inverse().apply(&mut session).unwrap();
    assert_eq!(session.documents[0], old);
    let wrong = Edit::RemoveArticle {
        index: 0,
        document: new,
    };
    assert!(wrong.apply(&mut session).is_err());
    assert_eq!(session.documents, before.documents, "nothing changed");
}

#[test]
fn a_snapshot_is_shared_until_the_session_is_edited() {
    let mut session = session_with_article();
    let edit = session
        .annotate(
            "bridge",
            "quote",
            span_of("the bridge opens in May"),
            Timestamp(1),
        )
        .unwrap();
    edit.apply(&mut session).unwrap();
    let snapshot = session.clone();
    assert!(
        snapshot.documents[0]
            .annotations
            .shares_with(&session.documents[0].annotations),
        "a clone copies no annotation"
    );
    let claim = session
        .annotate(
            "bridge",
            "claim",
            span_of("Critics doubt it."),
            Timestamp(2),
        )
        .unwrap();
    claim.apply(&mut session).unwrap();
    assert_eq!(
        snapshot.annotation_count(),
        1,
        "the snapshot keeps its state"
    );
    assert_eq!(session.annotation_count(), 2);
    assert!(
        !snapshot.documents[0]
            .annotations
            .shares_with(&session.documents[0].annotations)
    );
}
