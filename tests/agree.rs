//! `gloss agree` over real session files: names, matching by text, JSON shape (null, never
//! NaN), the table, and the published αU example run through whole sessions.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use gloss::formats::save_session;
use gloss::model::{Article, Session, Timestamp};
use serde_json::Value;

fn gloss(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

const FERRY: &str = "The ferry resumes on Monday. Fares rise by a tenth. The mayor approved it.";
const BRIDGE: &str = "The old bridge closes in June. A new one opens next year.";

/// A session of `articles` with `(article, label, start, end)` spans.
fn session(articles: &[(&str, &str)], spans: &[(&str, &str, usize, usize)]) -> Session {
    let mut s = Session::new();
    for (id, text) in articles {
        s.add_article(Article::new(id, id, "", *text));
    }
    for &(article, label, start, end) in spans {
        let edit = s
            .annotate(article, label, start..end, Timestamp(1))
            .unwrap();
        edit.apply(&mut s).unwrap();
    }
    s
}

#[test]
fn agree_reports_alpha_f1_and_per_article_figures_as_json() {
    let dir = tempfile::tempdir().unwrap();
    // Ann and Bob agree on the ferry's first claim; Bob's second claim is shorter, and
    // only Ann marked the bridge. Bob's session lists the articles in another order with
    // other ids: they are matched by their text.
    let mut ann = session(
        &[("ferry", FERRY), ("bridge", BRIDGE)],
        &[
            ("ferry", "claim", 0, 27),
            ("ferry", "claim", 29, 50),
            ("bridge", "claim", 0, 29),
        ],
    );
    ann.annotator = Some("Ann Lee".to_owned());
    let bob = session(
        &[("b", BRIDGE), ("f", FERRY)],
        &[("f", "claim", 0, 27), ("f", "claim", 29, 40)],
    );
    // A third session lacking the bridge is not part of this comparison; a session with
    // an extra article lists it as left out.
    let mut extra = bob.clone();
    extra.add_article(Article::new("notes", "notes", "", "Only here."));
    save_session(&ann, &dir.path().join("ann.ron")).unwrap();
    save_session(&bob, &dir.path().join("bob.ron")).unwrap();
    save_session(&extra, &dir.path().join("bob2.ron")).unwrap();

    let out = gloss(
        dir.path(),
        &["agree", "--format", "json", "ann.ron", "bob.ron"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["annotators"], serde_json::json!(["Ann Lee", "bob"]));
    assert_eq!(report["articles"], 2);
    let pair = &report["labels"]["claim"]["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("Ann Lee"), Some("bob"))
    );
    assert_eq!(pair["matched"], 1);
    assert_eq!(pair["only_a"], 2);
    assert_eq!(pair["only_b"], 1);
    // 11 of 21 characters overlap: not an overlap match either.
    assert_eq!(pair["matched_overlap"], 1);
    let f1 = pair["f1_exact"].as_f64().unwrap();
    assert!((f1 - 2.0 / 5.0).abs() < 1e-9, "{f1}");
    let alpha = report["overall"]["alpha_u"].as_f64().unwrap();
    assert!(alpha < 1.0 && alpha > -1.0, "{alpha}");
    // Per article, in id order: the bridge (only Ann), then the ferry.
    let per: Vec<(&str, u64)> = report["per_article"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap(),
                a["disagreements"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per, [("bridge", 1), ("ferry", 2)]);

    // A label nobody used: figures are null, never NaN.
    let out = gloss(
        dir.path(),
        &[
            "agree", "--format", "json", "--label", "spoiler", "ann.ron", "bob.ron",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["overall"]["alpha_u"].is_null());
    assert!(report["labels"]["spoiler"]["pairs"][0]["f1_exact"].is_null());

    // The table names what was left out.
    let out = gloss(dir.path(), &["agree", "ann.ron", "bob2.ron"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("left out: article \"notes\" (missing in Ann Lee)"),
        "{table}"
    );
    assert!(table.contains("αU"), "{table}");

    // One session is a usage error.
    let out = gloss(dir.path(), &["agree", "ann.ron"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_published_example_through_whole_sessions() {
    // Krippendorff (2004)'s example as two annotators' sessions of one 450-character
    // article: categories c (claim) and k (quote), the continuum [0, 450) (the example's [150, 450) plus
    // 150 characters nobody annotated, which only lowers expected disagreement, so the
    // figure is checked against the study of the same continuum).
    let text: String = "x".repeat(450);
    let a = session(
        &[("t", &text)],
        &[
            ("t", "claim", 225, 295),
            ("t", "claim", 370, 400),
            ("t", "quote", 180, 240),
            ("t", "quote", 300, 350),
        ],
    );
    let b = session(
        &[("t", &text)],
        &[
            ("t", "claim", 220, 300),
            ("t", "claim", 355, 375),
            ("t", "claim", 400, 420),
            ("t", "quote", 180, 240),
            ("t", "quote", 300, 350),
        ],
    );
    use gloss::model::agreement::alpha::{Study, Unit};
    use gloss::model::agreement::{Annotator, agreement};
    let report = agreement(
        &[
            Annotator {
                name: "i",
                session: &a,
            },
            Annotator {
                name: "j",
                session: &b,
            },
        ],
        None,
    );
    let unit = |begin, length, rater, category| Unit {
        begin,
        length,
        rater,
        category,
    };
    let study = Study::new(
        2,
        0,
        450,
        [
            unit(225, 70, 0, 0),
            unit(370, 30, 0, 0),
            unit(220, 80, 1, 0),
            unit(355, 20, 1, 0),
            unit(400, 20, 1, 0),
            unit(180, 60, 0, 1),
            unit(300, 50, 0, 1),
            unit(180, 60, 1, 1),
            unit(300, 50, 1, 1),
        ],
    );
    let got = report.overall.alpha_u.unwrap();
    assert!((got - study.alpha().unwrap()).abs() < 1e-12, "{got}");
    assert!((report.labels["quote"].alpha_u.unwrap() - 1.0).abs() < 1e-12);
}

mod properties {
    use gloss::model::agreement::{Annotator, agreement};
    use gloss::model::{Article, Session, Timestamp};
    use proptest::prelude::*;

    const A: &str = "The ferry resumes on Monday after three weeks of storms along the coast.";
    const B: &str = "Council members voted nine to two for the new bridge over the river.";

    /// A session of both articles with spans `(article 0/1, label 0/1, start, len)`.
    fn session(spans: &[(usize, usize, usize, usize)]) -> Session {
        let mut s = Session::new();
        s.add_article(Article::new("a", "A", "", A));
        s.add_article(Article::new("b", "B", "", B));
        for &(doc, label, start, len) in spans {
            let (id, text) = if doc == 0 { ("a", A) } else { ("b", B) };
            let n = text.chars().count();
            let start = start % (n - 1);
            let end = (start + 1 + len).min(n);
            let label = ["claim", "quote"][label];
            if let Ok(edit) = s.annotate(id, label, start..end, Timestamp(1)) {
                let _ = edit.apply(&mut s);
            }
        }
        s
    }

    fn alpha(sessions: &[&Session]) -> Option<f64> {
        let names = ["p", "q", "r"];
        let annotators: Vec<Annotator<'_>> = sessions
            .iter()
            .zip(names)
            .map(|(session, name)| Annotator { name, session })
            .collect();
        agreement(&annotators, None).overall.alpha_u
    }

    fn spans() -> impl Strategy<Value = Vec<(usize, usize, usize, usize)>> {
        prop::collection::vec((0usize..2, 0usize..2, 0usize..80, 1usize..20), 1..8)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(64)
        })]

        #[test]
        fn identical_annotators_agree_perfectly(s in spans()) {
            let x = session(&s);
            prop_assume!(x.annotation_count() > 0);
            prop_assert_eq!(alpha(&[&x, &x.clone()]), Some(1.0));
        }

        #[test]
        fn alpha_is_symmetric_in_the_annotators(s1 in spans(), s2 in spans(), s3 in spans()) {
            let (x, y, z) = (session(&s1), session(&s2), session(&s3));
            let forward = alpha(&[&x, &y, &z]);
            let backward = alpha(&[&z, &y, &x]);
            match (forward, backward) {
                (Some(f), Some(b)) => prop_assert!((f - b).abs() < 1e-9, "{} vs {}", f, b),
                (f, b) => prop_assert_eq!(f, b),
            }
        }

        #[test]
        fn the_same_offsets_in_different_documents_never_agree(s in spans()) {
            // One annotator marks these offsets in article a, the other in article b.
            let in_a: Vec<_> = s.iter().map(|&(_, l, st, n)| (0, l, st, n)).collect();
            let in_b: Vec<_> = s.iter().map(|&(_, l, st, n)| (1, l, st, n)).collect();
            let (x, y) = (session(&in_a), session(&in_b));
            prop_assume!(x.annotation_count() > 0 && y.annotation_count() > 0);
            let a = alpha(&[&x, &y]).unwrap();
            prop_assert!(a < 1.0, "{}", a);
        }
    }
}
