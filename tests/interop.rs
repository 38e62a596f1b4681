//! Relations in every export, field by field, inside one article and across two; the
//! JSON round trip; the imports and what they refuse; `gloss check`.

#![allow(clippy::unwrap_used)]

use std::ops::Range;
use std::path::Path;

use gloss::formats::export::{ExportFormat, brat_ann, brat_conf, export_string, export_warnings};
use gloss::formats::import::{import_doccano, import_json};
use gloss::model::{AnnotationId, Article, Edit, Session, Timestamp};
use serde_json::{Value, json};

const PIER: &str = "Mayor Ilse Varga said \u{201C}the pier reopens in June\u{201D} at the meeting.\n\
                    The harbour board claims the repairs cost 2 million.\n";
const BOARD: &str = "In its report the harbour board claims the repairs cost 5 million.\n";

fn t(secs: u64) -> Timestamp {
    Timestamp(1_800_000_000 + secs)
}

fn find(text: &str, needle: &str) -> Range<usize> {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

struct Ids {
    quote: AnnotationId,
    speaker: AnnotationId,
    claim: AnnotationId,
    other_claim: AnnotationId,
}

/// Two articles; a speaker link and an evidence link (with a note) inside `pier`, and a
/// contradiction from `pier` to `board`.
fn linked() -> (Session, Ids) {
    let mut session = Session::new();
    session.add_article(Article::new("pier", "Pier", "", PIER));
    session.add_article(Article::new("board", "Board", "", BOARD));
    let add = |session: &mut Session, article: &str, label: &str, quote: &str| {
        let text = if article == "pier" { PIER } else { BOARD };
        let edit = session
            .annotate(article, label, find(text, quote), t(0))
            .unwrap();
        let Edit::AddAnnotation { annotation, .. } = &edit else {
            panic!()
        };
        let id = annotation.id;
        edit.apply(session).unwrap();
        id
    };
    let ids = Ids {
        quote: add(&mut session, "pier", "quote", "the pier reopens in June"),
        speaker: add(&mut session, "pier", "source", "Mayor Ilse Varga"),
        claim: add(&mut session, "pier", "claim", "the repairs cost 2 million"),
        other_claim: add(&mut session, "board", "claim", "the repairs cost 5 million"),
    };
    for (kind, from, to) in [
        ("speaker", ids.quote, ids.speaker),
        ("evidence", ids.claim, ids.quote),
        ("contradicts", ids.claim, ids.other_claim),
    ] {
        session
            .link(kind, from, to, t(5))
            .unwrap()
            .apply(&mut session)
            .unwrap();
    }
    let evidence = session.relations[1].id;
    session
        .update_relation(evidence, t(6), |r| {
            r.note = "weak: a plan, not a cost".into()
        })
        .unwrap()
        .apply(&mut session)
        .unwrap();
    (session, ids)
}

fn parse(format: ExportFormat, session: &Session) -> Value {
    serde_json::from_str(&export_string(session, format).unwrap()).unwrap()
}

fn lines(format: ExportFormat, session: &Session) -> Vec<Value> {
    export_string(session, format)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn json_schema_2_lists_relations_with_their_articles() {
    let (session, ids) = linked();
    let json = parse(ExportFormat::Json, &session);
    assert_eq!(json["schema"], 2);
    let types: Vec<&str> = json["relation_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["speaker", "evidence", "same_as", "contradicts"]);
    assert_eq!(json["relation_types"][0]["from_labels"], json!(["quote"]));
    let relations = json["relations"].as_array().unwrap();
    assert_eq!(relations.len(), 3);
    let r = &session.relations;
    assert_eq!(
        relations[0],
        json!({
            "id": r[0].id.0, "type": "speaker", "from": ids.quote.0, "to": ids.speaker.0,
            "from_article": "pier", "to_article": "pier", "note": "", "attributes": {},
            "created": "2027-01-15T08:00:05Z", "modified": "2027-01-15T08:00:05Z",
        })
    );
    assert_eq!(relations[1]["note"], "weak: a plan, not a cost");
    assert_eq!(relations[1]["attributes"], json!({"stance": "supports"}));
    assert_eq!(relations[1]["modified"], "2027-01-15T08:00:06Z");
    assert_eq!(
        (
            &relations[2]["type"],
            &relations[2]["from_article"],
            &relations[2]["to_article"]
        ),
        (&json!("contradicts"), &json!("pier"), &json!("board"))
    );
    // Every annotation carries the id the relations use.
    let quote = &json["articles"][0]["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["label"] == "quote")
        .unwrap()
        .clone();
    assert_eq!(quote["id"], ids.quote.0);
    assert!(export_warnings(&session, ExportFormat::Json).is_empty());
}

#[test]
fn jsonl_lines_carry_the_relations_whose_source_is_in_them() {
    let (session, _) = linked();
    let lines = lines(ExportFormat::Jsonl, &session);
    assert_eq!(lines.len(), 2);
    let kinds = |line: &Value| -> Vec<String> {
        line["relations"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r["type"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(kinds(&lines[0]), ["speaker", "evidence", "contradicts"]);
    assert_eq!(lines[0]["relations"][2]["to_article"], "board");
    assert!(kinds(&lines[1]).is_empty(), "board is only a target");
}

#[test]
fn json_round_trip_with_relations_is_byte_identical() {
    let (session, _) = linked();
    let first = export_string(&session, ExportFormat::Json).unwrap();
    let imported = import_json(&first, Path::new("linked.json")).unwrap();
    assert!(imported.moved.is_empty());
    assert_eq!(imported.session.relations, session.relations);
    let second = export_string(&imported.session, ExportFormat::Json).unwrap();
    assert_eq!(first, second);
}

#[test]
fn doccano_relation_mode_keeps_links_inside_an_article_and_counts_the_rest() {
    let (session, ids) = linked();
    let lines = lines(ExportFormat::Doccano, &session);
    let pier = &lines[0];
    assert_eq!(pier["offset_unit"], "codepoint");
    let entities = pier["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 3);
    let quote = entities.iter().find(|e| e["id"] == ids.quote.0).unwrap();
    let span = find(PIER, "the pier reopens in June");
    assert_eq!(
        *quote,
        json!({"id": ids.quote.0, "label": "quote", "start_offset": span.start, "end_offset": span.end})
    );
    assert_eq!(
        pier["relations"],
        json!([
            {"id": session.relations[0].id.0, "from_id": ids.quote.0, "to_id": ids.speaker.0, "type": "speaker"},
            {"id": session.relations[1].id.0, "from_id": ids.claim.0, "to_id": ids.quote.0, "type": "evidence"},
        ])
    );
    assert_eq!(lines[1]["relations"], json!([]));
    assert_eq!(
        export_warnings(&session, ExportFormat::Doccano),
        ["1 cross-article relation(s) cannot be written in doccano and were left out"]
    );
    // Read back: the two links inside pier come back between the same spans.
    let data = export_string(&session, ExportFormat::Doccano).unwrap();
    let imported = import_doccano(&data, Path::new("spans.jsonl"))
        .unwrap()
        .session;
    assert_eq!(imported.relations.len(), 2);
    let speaker = &imported.relations[0];
    assert_eq!(speaker.kind, "speaker");
    let from = imported.locate(speaker.from).unwrap().annotation;
    let to = imported.locate(speaker.to).unwrap().annotation;
    assert_eq!(
        (from.text.as_str(), to.text.as_str()),
        ("the pier reopens in June", "Mayor Ilse Varga")
    );
    // The file's entity and relation ids are kept, so export → import → export is
    // identical.
    assert_eq!(
        export_string(&imported, ExportFormat::Doccano).unwrap(),
        data
    );
    // A second line reusing entity id 1 gets a fresh id, never one the file uses.
    let reused = format!(
        "{}{}",
        data,
        r#"{"text": "Ships wait.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 5, "label": "claim"}], "relations": []}"#
    );
    let imported = import_doccano(&reused, Path::new("spans.jsonl"))
        .unwrap()
        .session;
    let mut all: Vec<u64> = imported
        .documents
        .iter()
        .flat_map(|d| d.annotations.iter().map(|a| a.id.0))
        .chain(imported.relations.iter().map(|r| r.id.0))
        .collect();
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n, "no id twice");
}

#[test]
fn label_studio_relation_results_follow_the_spans_they_join() {
    let (session, ids) = linked();
    let tasks = parse(ExportFormat::LabelStudio, &session);
    let result = tasks[0]["annotations"][0]["result"].as_array().unwrap();
    let spans: Vec<&Value> = result.iter().filter(|r| r["type"] == "labels").collect();
    let links: Vec<&Value> = result.iter().filter(|r| r["type"] == "relation").collect();
    assert_eq!((spans.len(), links.len()), (3, 2));
    assert!(
        result.iter().position(|r| r["type"] == "relation").unwrap() > 2,
        "relations come after the spans"
    );
    assert_eq!(
        *links[0],
        json!({"type": "relation", "from_id": format!("a{}", ids.quote), "to_id": format!("a{}", ids.speaker), "direction": "right", "labels": ["speaker"]})
    );
    // The ids name span results of the same task.
    for link in &links {
        for end in ["from_id", "to_id"] {
            assert!(spans.iter().any(|s| s["id"] == link[end]), "{link}");
        }
    }
    assert!(
        tasks[1]["annotations"][0]["result"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["type"] != "relation"),
        "no link is written into the other article"
    );
    // The contradiction crosses articles; the evidence link's note has no place.
    let warnings = export_warnings(&session, ExportFormat::LabelStudio);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("1 relation(s) have a note"),
        "{warnings:?}"
    );
    assert!(warnings[1].starts_with("1 cross-article"), "{warnings:?}");
}

#[test]
fn brat_writes_r_lines_and_relation_rules() {
    let (session, _) = linked();
    let pier = session.document("pier").unwrap();
    let ann = brat_ann(&session, pier);
    // T numbers follow text order: source (T1), quote (T2), claim (T3).
    let lines: Vec<&str> = ann
        .lines()
        .filter(|l| l.starts_with('R') || l.contains(" R"))
        .collect();
    assert_eq!(
        lines,
        [
            "R1\tspeaker Arg1:T2 Arg2:T1",
            "R2\tevidence Arg1:T3 Arg2:T2",
            "A2\tstance R2 supports",
            "#2\tAnnotatorNotes R2\tweak: a plan, not a cost",
        ]
    );
    assert!(ann.contains("T1\tsource 0 16\tMayor Ilse Varga\n"), "{ann}");
    let board = brat_ann(&session, session.document("board").unwrap());
    assert!(!board.contains("\nR"), "{board}");
    let conf = brat_conf(&session);
    let relations = conf
        .split("[relations]\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    assert_eq!(
        relations,
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
         speaker\tArg1:quote, Arg2:source\n\
         evidence\tArg1:claim, Arg2:<ENTITY>\n\
         same_as\tArg1:<ENTITY>, Arg2:<ENTITY>\n\
         contradicts\tArg1:claim, Arg2:claim"
    );
}

#[test]
fn w3c_relations_are_linking_annotations_across_articles_too() {
    let (session, ids) = linked();
    let w3c = parse(ExportFormat::W3c, &session);
    let items = w3c["first"]["items"].as_array().unwrap();
    assert_eq!(w3c["total"], 7, "4 annotations and 3 relations");
    let links: Vec<&Value> = items
        .iter()
        .filter(|i| i["motivation"] == "linking")
        .collect();
    assert_eq!(links.len(), 3);
    let contradiction = links
        .iter()
        .find(|l| l["body"][1]["value"] == "contradicts")
        .unwrap();
    assert_eq!(
        contradiction["target"],
        format!("urn:gloss:annotation:{}", ids.claim)
    );
    assert_eq!(
        contradiction["body"][0],
        json!({"type": "SpecificResource", "source": format!("urn:gloss:annotation:{}", ids.other_claim)})
    );
    assert_eq!(
        contradiction["id"],
        format!("urn:gloss:relation:{}", session.relations[2].id)
    );
    let evidence = links
        .iter()
        .find(|l| l["body"][1]["value"] == "evidence")
        .unwrap();
    assert_eq!(
        evidence["body"][2],
        json!({"type": "TextualBody", "purpose": "commenting", "value": "weak: a plan, not a cost"})
    );
    assert_eq!(
        evidence["body"][3],
        json!({"type": "TextualBody", "purpose": "describing", "value": "stance: supports"})
    );
    // Every linked id is an annotation of the collection.
    for link in &links {
        let target = link["target"].as_str().unwrap();
        assert!(items.iter().any(|i| i["id"] == target));
    }
    assert!(export_warnings(&session, ExportFormat::W3c).is_empty());
}

fn json_with(relations: &Value) -> String {
    json!({
        "schema": 2,
        "articles": [
            {"id": "a", "text": "Ann said hello there.", "annotations": [
                {"id": 1, "label": "source", "start": 0, "end": 3},
                {"id": 2, "label": "quote", "start": 9, "end": 20},
            ]},
        ],
        "relations": relations,
    })
    .to_string()
}

#[test]
fn json_import_refuses_broken_relations_naming_them() {
    let cases = [
        (
            json!([{"id": 5, "type": "speaker", "from": 2, "to": 9}]),
            "relation #1 (id 5): its target, annotation 9, is not in the file",
        ),
        (
            json!([{"type": "same_as", "from": 2, "to": 2}]),
            "it links annotation 2 to itself",
        ),
        (
            json!([{"type": "speaker", "from": 2, "to": 1}, {"type": "speaker", "from": 2, "to": 1}]),
            "relation #2 (id 4): it repeats relation 3 (speaker from 2 to 1)",
        ),
        (
            json!([{"id": 9_007_199_254_740_992_u64, "type": "speaker", "from": 2, "to": 1}]),
            "the id is larger than 9007199254740991",
        ),
    ];
    for (relations, expected) in cases {
        let error = import_json(&json_with(&relations), Path::new("/in/links.json"))
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{error}");
        assert!(error.ends_with("/in/links.json"), "{error}");
        assert_eq!(error.lines().count(), 1);
    }
    // A relation id an annotation (or an earlier relation) already has is given a fresh
    // one: nothing in a file refers to relation ids.
    let imported = import_json(
        &json_with(&json!([
            {"id": 1, "type": "speaker", "from": 2, "to": 1},
            {"id": 1, "type": "same_as", "from": 1, "to": 2, "note": "odd"},
        ])),
        Path::new("x.json"),
    )
    .unwrap()
    .session;
    let ids: Vec<u64> = imported.relations.iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [3, 4]);
    assert_eq!(imported.relations[1].note, "odd");
    assert_eq!(imported.next_id, 5);
    // Types the file does not declare are created (schema 1 style) …
    let imported = import_json(
        &json_with(&json!([{"type": "paraphrases", "from": 2, "to": 1}])),
        Path::new("x.json"),
    )
    .unwrap()
    .session;
    assert!(imported.relation_type("paraphrases").is_some());
    assert!(imported.relation_type("speaker").is_some(), "defaults stay");
    // … but a file that declares its types must use them.
    let mut declared: Value = serde_json::from_str(&json_with(
        &json!([{"type": "paraphrases", "from": 2, "to": 1}]),
    ))
    .unwrap();
    declared["relation_types"] = json!([{"id": "speaker", "name": "Speaker"}]);
    let error = import_json(&declared.to_string(), Path::new("x.json"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("not among the file's relation_types"),
        "{error}"
    );
}

#[test]
fn schema_1_files_still_import() {
    let v1 = r#"{"schema": 1, "articles": [{"id": "a", "text": "Ann said hello there.",
        "annotations": [{"id": 7, "label": "quote", "start": 9, "end": 20}]}]}"#;
    let session = import_json(v1, Path::new("old.json")).unwrap().session;
    assert_eq!(session.annotation_count(), 1);
    assert!(session.relations.is_empty());
    assert_eq!(session.relation_types.len(), 4);
    assert_eq!(session.next_id, 8);
}

#[test]
fn doccano_relation_mode_import_checks_its_links() {
    let good = r#"{"text": "Ann said hello there.", "entities": [{"id": 10, "label": "source", "start_offset": 0, "end_offset": 3}, {"id": 11, "label": "quote", "start_offset": 9, "end_offset": 20}], "relations": [{"id": 1, "from_id": 11, "to_id": 10, "type": "attributed_to"}]}"#;
    let session = import_doccano(good, Path::new("in.jsonl")).unwrap().session;
    assert_eq!(session.relations.len(), 1);
    assert!(session.relation_type("attributed_to").is_some());
    let r = &session.relations[0];
    assert_eq!(
        session.locate(r.from).unwrap().annotation.text,
        "hello there"
    );
    for (bad, expected) in [
        (
            good.replace("\"to_id\": 10", "\"to_id\": 12"),
            "line 1, relation #1: its target entity 12 is not on this line",
        ),
        (
            good.replace("\"to_id\": 10", "\"to_id\": 11"),
            "it links entity 11 to itself",
        ),
        (
            good.replace("\"id\": 11,", "\"id\": 10,"),
            "line 1: entity id 10 appears twice",
        ),
    ] {
        let error = import_doccano(&bad, Path::new("/in/bad.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{error}");
        assert!(error.ends_with("/in/bad.jsonl"), "{error}");
    }
}

#[test]
fn links_to_orphans_are_left_out_where_orphans_are_and_reported_by_check() {
    let (mut session, ids) = linked();
    // The quote is orphaned: the article changed and the words are gone.
    let before = session.document("pier").unwrap().clone();
    let changed = PIER.replace("the pier reopens in June", "work goes on");
    let after = before
        .reanchored_to(Article::new("pier", "Pier", "", changed.as_str()))
        .document;
    Edit::ReplaceArticle { before, after }
        .apply(&mut session)
        .unwrap();
    assert!(session.locate(ids.quote).unwrap().annotation.orphan);
    assert_eq!(session.relations.len(), 3, "the orphan keeps its links");
    // JSON keeps everything; the span formats leave out links to the orphan.
    assert_eq!(
        parse(ExportFormat::Json, &session)["relations"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let pier = &lines(ExportFormat::Doccano, &session)[0];
    assert_eq!(pier["relations"], json!([]));
    assert_eq!(
        export_warnings(&session, ExportFormat::Doccano),
        [
            "1 cross-article relation(s) cannot be written in doccano and were left out",
            "2 relation(s) with an orphaned end were left out of doccano, like the orphans",
        ]
    );
    let w3c = parse(ExportFormat::W3c, &session);
    let links = w3c["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["motivation"] == "linking")
        .count();
    assert_eq!(links, 1, "only the contradiction between placed claims");

    // gloss check names them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.ron");
    gloss::formats::save_session(&session, &path).unwrap();
    let loaded = gloss::formats::load_session(&path).unwrap();
    let report = gloss::cli::check_report(&loaded);
    for r in &session.relations[..2] {
        let end = if r.from == ids.quote {
            "source"
        } else {
            "target"
        };
        assert!(
            report.contains(&format!(
                "  relation {} ({}): its {end}, annotation {}, is an orphan\n",
                r.id, r.kind, ids.quote
            )),
            "{report}"
        );
    }
    assert!(
        report.ends_with("3 relation(s), 2 with an orphaned end\n"),
        "{report}"
    );
}
