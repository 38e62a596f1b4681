//! `gloss merge`: three-way merges (clean, conflicting, colliding ids) and unions through
//! the command line, and as git's merge driver in a real repository.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use gloss::formats::{load_session, save_session};
use gloss::model::{AnnotationId, Article, Edit, Session, Timestamp};

const TEXT: &str = "The pier reopens in June. Fares stay the same. The mayor said so.\n";

fn gloss(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args([
            "-c",
            "user.name=Gloss Test",
            "-c",
            "user.email=test@example.org",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

fn annotate(s: &mut Session, label: &str, start: usize, end: usize) -> AnnotationId {
    let edit = s.annotate("pier", label, start..end, Timestamp(2)).unwrap();
    let Edit::AddAnnotation { annotation, .. } = &edit else {
        panic!("not an addition")
    };
    let id = annotation.id;
    edit.apply(s).unwrap();
    id
}

fn note(s: &mut Session, id: AnnotationId, text: &str) {
    let edit = s
        .update_annotation("pier", id, Timestamp(3), |a| a.note = text.to_owned())
        .unwrap();
    edit.apply(s).unwrap();
}

fn base() -> Session {
    let mut s = Session::new();
    s.add_article(Article::new("pier", "Pier", "pier.txt", TEXT));
    s
}

fn load(path: &Path) -> Session {
    load_session(path).unwrap().session
}

#[test]
fn a_clean_merge_takes_both_sides_and_renumbers_colliding_ids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pier.txt"), TEXT).unwrap();
    let base = base();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let a = annotate(&mut ours, "claim", 0, 24);
    let b = annotate(&mut theirs, "source", 47, 56);
    assert_eq!(a, b);
    for (name, s) in [("base", &base), ("ours", &ours), ("theirs", &theirs)] {
        save_session(s, &dir.path().join(format!("{name}.ron"))).unwrap();
    }
    let out = gloss(
        dir.path(),
        &[
            "merge",
            "base.ron",
            "ours.ron",
            "theirs.ron",
            "-o",
            "out.ron",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("1 id(s) of theirs renumbered; 0 conflict(s)"),
        "{said}"
    );
    let merged = load(&dir.path().join("out.ron"));
    let labels: Vec<&str> = merged.documents[0]
        .annotations
        .iter()
        .map(|x| x.label.as_str())
        .collect();
    assert_eq!(labels, ["claim", "source"]);

    // Another existing file is not replaced without --force.
    let out = gloss(
        dir.path(),
        &[
            "merge",
            "base.ron",
            "ours.ron",
            "theirs.ron",
            "-o",
            "out.ron",
        ],
    );
    assert_eq!(out.status.code(), Some(2));

    // The union marks whose annotation is whose.
    let out = gloss(
        dir.path(),
        &[
            "merge",
            "--union",
            "ours.ron",
            "theirs.ron",
            "-o",
            "all.ron",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let all = load(&dir.path().join("all.ron"));
    let who: Vec<&str> = all.documents[0]
        .annotations
        .iter()
        .map(|x| x.attributes["annotator"].as_str())
        .collect();
    assert_eq!(who, ["ours", "theirs"]);
}

#[test]
fn git_merges_two_branches_that_annotated_the_same_session() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    assert!(git(repo, &["init", "-q"]).status.success());
    std::fs::write(repo.join("pier.txt"), TEXT).unwrap();
    std::fs::write(repo.join(".gitattributes"), "*.ron merge=gloss\n").unwrap();
    // What the README tells a team to run.
    let driver = format!("{} merge %O %A %B -o %A", env!("CARGO_BIN_EXE_gloss"));
    assert!(
        git(repo, &["config", "merge.gloss.driver", &driver])
            .status
            .success()
    );
    let mut base = base();
    let claim = annotate(&mut base, "claim", 0, 24);
    save_session(&base, &repo.join("team.ron")).unwrap();
    std::fs::remove_file(repo.join("team.ron.bak")).ok();
    assert!(git(repo, &["add", "."]).status.success());
    assert!(git(repo, &["commit", "-qm", "base"]).status.success());

    // Ann, on a branch: a note on the claim and a new source span.
    assert!(git(repo, &["checkout", "-qb", "ann"]).status.success());
    let mut ann = load(&repo.join("team.ron"));
    note(&mut ann, claim, "port notice of 2 March");
    annotate(&mut ann, "source", 47, 56);
    save_session(&ann, &repo.join("team.ron")).unwrap();
    assert!(git(repo, &["commit", "-qam", "ann"]).status.success());

    // Bob, on main: another span (the same new id as Ann's).
    assert!(git(repo, &["checkout", "-q", "main"]).status.success());
    let mut bob = load(&repo.join("team.ron"));
    annotate(&mut bob, "claim", 26, 45);
    save_session(&bob, &repo.join("team.ron")).unwrap();
    assert!(git(repo, &["commit", "-qam", "bob"]).status.success());

    let merge = git(repo, &["merge", "-q", "--no-edit", "ann"]);
    assert!(merge.status.success(), "{merge:?}");
    let merged = load(&repo.join("team.ron"));
    let doc = &merged.documents[0];
    assert_eq!(doc.annotations.len(), 3);
    assert_eq!(
        doc.annotation(claim).unwrap().note,
        "port notice of 2 March"
    );

    // Both change the same note: git stops with a conflict; both versions are in the file.
    assert!(git(repo, &["checkout", "-qb", "cy"]).status.success());
    let mut cy = load(&repo.join("team.ron"));
    note(&mut cy, claim, "confirmed");
    save_session(&cy, &repo.join("team.ron")).unwrap();
    assert!(git(repo, &["commit", "-qam", "cy"]).status.success());
    assert!(git(repo, &["checkout", "-q", "main"]).status.success());
    let mut dee = load(&repo.join("team.ron"));
    note(&mut dee, claim, "disputed");
    save_session(&dee, &repo.join("team.ron")).unwrap();
    assert!(git(repo, &["commit", "-qam", "dee"]).status.success());
    let merge = git(repo, &["merge", "-q", "--no-edit", "cy"]);
    assert!(!merge.status.success(), "a conflict stops the merge");
    let merged = load(&repo.join("team.ron"));
    let notes: Vec<(&str, &str)> = merged.documents[0]
        .annotations
        .iter()
        .filter(|a| a.attributes.contains_key("conflict"))
        .map(|a| (a.attributes["conflict"].as_str(), a.note.as_str()))
        .collect();
    assert_eq!(notes, [("ours", "disputed"), ("theirs", "confirmed")]);
}
