//! Label Studio both ways: the tasks and labeling config Gloss writes, tasks in the shape
//! Label Studio's own JSON export has, and what an import refuses or skips.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gloss::formats::export::{ExportFormat, export_string};
use gloss::formats::import::{ImportFormat, ImportOptions, import_str};
use gloss::formats::load_session;
use serde_json::{Value, json};

fn example() -> gloss::model::Session {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions/example.ron");
    load_session(&path).unwrap().session
}

fn import(data: &str, options: ImportOptions) -> Result<gloss::formats::Imported, String> {
    import_str(
        data,
        Path::new("/in/project-7.json"),
        ImportFormat::LabelStudio,
        options,
    )
    .map_err(|e| e.to_string())
}

fn gloss(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

/// Every `name="…"` and `value="…"` of one element kind in the config.
fn config_values(xml: &str, element: &str, attribute: &str) -> Vec<String> {
    xml.lines()
        .filter(|l| l.trim_start().starts_with(&format!("<{element} ")))
        .filter_map(|l| {
            let at = l.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
            let rest = &l[at..];
            Some(rest[..rest.find('"')?].to_owned())
        })
        .collect()
}

#[test]
fn tasks_have_ids_label_ids_attributes_notes_and_a_config_that_reads_them() {
    let session = example();
    let tasks: Value =
        serde_json::from_str(&export_string(&session, ExportFormat::LabelStudio).unwrap()).unwrap();
    let config = export_string(&session, ExportFormat::LabelStudioConfig).unwrap();
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), session.documents.len());
    let labels = config_values(&config, "Label", "value");
    let relations = config_values(&config, "Relation", "value");
    let controls: Vec<String> = ["Labels", "Choices", "TextArea", "Text"]
        .iter()
        .flat_map(|e| config_values(&config, e, "name"))
        .collect();
    let mut kinds = std::collections::BTreeSet::new();
    for (n, task) in tasks.iter().enumerate() {
        // The SDK converter needs task ids (it failed with KeyError: 'id').
        assert_eq!(task["id"], json!(n + 1));
        let doc = &session.documents[n];
        assert_eq!(task["data"]["text"], json!(doc.article.text.as_str()));
        assert_eq!(task["data"]["offset_unit"], json!("codepoint"));
        let result = task["annotations"][0]["result"].as_array().unwrap();
        for item in result {
            let kind = item["type"].as_str().unwrap();
            kinds.insert(kind.to_owned());
            if kind == "relation" {
                assert!(relations.contains(&item["labels"][0].as_str().unwrap().to_owned()));
                continue;
            }
            let control = item["from_name"].as_str().unwrap();
            assert!(
                controls.iter().any(|c| c == control),
                "{control} not in config"
            );
            assert_eq!(item["to_name"], json!("text"));
            if kind == "labels" {
                let label = item["value"]["labels"][0].as_str().unwrap();
                assert!(labels.iter().any(|l| l == label), "{label} not in config");
                assert!(session.label(label).is_some(), "{label} is not a label id");
            }
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["choices", "labels", "relation", "textarea"]
    );

    // Attributes and notes of one annotation, field by field.
    let (doc_n, a) = session
        .documents
        .iter()
        .enumerate()
        .flat_map(|(n, d)| d.annotations.iter().map(move |a| (n, a)))
        .find(|(_, a)| a.attributes.contains_key("status") && a.attributes.len() > 1)
        .unwrap();
    let result = tasks[doc_n]["annotations"][0]["result"].as_array().unwrap();
    let region: Vec<&Value> = result
        .iter()
        .filter(|r| r["id"] == json!(format!("a{}", a.id)))
        .collect();
    let status = region
        .iter()
        .find(|r| r["from_name"] == "attr_status")
        .unwrap();
    assert_eq!(status["type"], "choices");
    assert_eq!(status["value"]["choices"], json!([a.attributes["status"]]));
    assert_eq!(status["value"]["start"], json!(a.start));
    for (key, value) in &a.attributes {
        let item = region
            .iter()
            .find(|r| r["from_name"] == json!(format!("attr_{key}")))
            .unwrap();
        let got = item["value"]["choices"]
            .get(0)
            .or(item["value"]["text"].get(0))
            .unwrap();
        assert_eq!(got, &json!(value));
    }
}

#[test]
fn export_import_export_is_identical() {
    let session = example();
    let first = export_string(&session, ExportFormat::LabelStudio).unwrap();
    let imported = import(&first, ImportOptions::default()).unwrap();
    assert!(imported.moved.is_empty(), "{:?}", imported.moved);
    assert_eq!(
        imported.session.annotation_count(),
        session.annotation_count()
    );
    let again = export_string(&imported.session, ExportFormat::LabelStudio).unwrap();
    assert!(again == first, "export → import → export changed the tasks");
    let config = export_string(&session, ExportFormat::LabelStudioConfig).unwrap();
    let config_again = export_string(&imported.session, ExportFormat::LabelStudioConfig).unwrap();
    assert_eq!(config_again, config);
}

/// Tasks as Label Studio's own JSON export writes them: its region ids, per-region choices
/// and text areas, a relation drawn right to left, fractional times, an emoji before a
/// region whose offsets Label Studio's browser side counted in UTF-16 units, and a task
/// nobody annotated.
fn studio_tasks() -> Value {
    let text = "Rain \u{1F327} closed the ferry. Captain Oona Berg said \u{201C}we sail on Friday\u{201D}.";
    json!([
        {
            "id": 41,
            "data": {"text": text},
            "annotations": [{
                "id": 77,
                "completed_by": 3,
                "was_cancelled": false,
                "ground_truth": false,
                "created_at": "2026-03-02T10:15:20.512346Z",
                "updated_at": "2026-03-02T10:17:01.004511Z",
                "lead_time": 100.5,
                "result": [
                    {"id": "Xq3_tP0aZ", "from_name": "label", "to_name": "text", "type": "labels",
                     "origin": "manual",
                     // UTF-16: the rain emoji counts two.
                     "value": {"start": 50, "end": 67, "text": "we sail on Friday", "labels": ["Quote"]}},
                    {"id": "Xq3_tP0aZ", "from_name": "speaker", "to_name": "text", "type": "textarea",
                     "origin": "manual",
                     "value": {"start": 50, "end": 67, "text": ["Oona Berg"]}},
                    {"id": "bb81-Kk2", "from_name": "label", "to_name": "text", "type": "labels",
                     "origin": "manual",
                     "value": {"start": 25, "end": 42, "text": "Captain Oona Berg", "labels": ["Person"]}},
                    {"id": "c9", "from_name": "label", "to_name": "text", "type": "labels",
                     "origin": "manual",
                     "value": {"start": 7, "end": 23, "text": "closed the ferry", "labels": ["claim"]}},
                    {"id": "c9", "from_name": "verdict", "to_name": "text", "type": "choices",
                     "origin": "manual",
                     "value": {"start": 7, "end": 23, "choices": ["true"]}},
                    {"id": "c9", "from_name": "note", "to_name": "text", "type": "textarea",
                     "origin": "manual",
                     "value": {"start": 7, "end": 23, "text": ["Port notice", "of 2 March"]}},
                    {"from_id": "bb81-Kk2", "to_id": "Xq3_tP0aZ", "type": "relation",
                     "direction": "left", "labels": ["speaker"]}
                ]
            }],
            "predictions": [{
                "model_version": "ner-v2",
                "score": 0.8,
                "result": [
                    {"id": "p1", "from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": 0, "end": 4, "text": "Rain", "labels": ["claim"]}}
                ]
            }],
            "meta": {},
            "inner_id": 1
        },
        {"id": 42, "data": {"text": "Nobody has read this one yet."}, "annotations": [], "predictions": []}
    ])
}

#[test]
fn label_studio_tasks_import_with_spans_attributes_notes_and_links() {
    let imported = import(&studio_tasks().to_string(), ImportOptions::default()).unwrap();
    let session = &imported.session;
    assert_eq!(session.documents.len(), 2);
    let doc = &session.documents[0];
    assert_eq!(doc.article.id, "task-41");
    let find = |quote: &str| doc.annotations.iter().find(|a| a.text == quote).unwrap();
    let quote = find("we sail on Friday");
    assert_eq!(quote.label, "quote", "matched to the Quote label by name");
    // Converted from UTF-16 units: the code points really hold the quote.
    assert_eq!(
        doc.article.text.slice(quote.start..quote.end),
        Some("we sail on Friday")
    );
    assert_eq!(quote.attributes["speaker"], "Oona Berg");
    let person = find("Captain Oona Berg");
    assert_eq!(
        person.label, "Person",
        "a label the session lacked is created"
    );
    assert!(session.label("Person").is_some());
    let claim = find("closed the ferry");
    assert_eq!(claim.attributes["verdict"], "true");
    assert_eq!(claim.note, "Port notice\nof 2 March");
    assert_eq!(claim.created.to_rfc3339(), "2026-03-02T10:15:20Z");
    assert_eq!(claim.modified.to_rfc3339(), "2026-03-02T10:17:01Z");
    // Drawn right to left: from the quote to its speaker.
    let link = session.relations.iter().next().unwrap();
    assert_eq!(
        (link.kind.as_str(), link.from, link.to),
        ("speaker", quote.id, person.id)
    );
    assert!(imported.moved.is_empty(), "{:?}", imported.moved);
    assert_eq!((imported.annotations_read, imported.relations_read), (3, 1));
    assert!(session.documents[1].annotations.is_empty());

    // The choice attribute is declared, so it goes back out as choices.
    let out: Value =
        serde_json::from_str(&export_string(session, ExportFormat::LabelStudio).unwrap()).unwrap();
    let verdict = out[0]["annotations"][0]["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from_name"] == "attr_verdict")
        .unwrap()
        .clone();
    assert_eq!(verdict["type"], "choices");

    // With --predictions, the model's suggestions instead.
    let options = ImportOptions {
        predictions: true,
        ..ImportOptions::default()
    };
    let predicted = import(&studio_tasks().to_string(), options).unwrap();
    let spans: Vec<&str> = predicted.session.documents[0]
        .annotations
        .iter()
        .map(|a| a.text.as_str())
        .collect();
    assert_eq!(spans, ["Rain"]);
}

#[test]
fn a_region_whose_offsets_are_wrong_is_found_by_its_text_and_reported() {
    let mut tasks = studio_tasks();
    tasks[0]["annotations"][0]["result"][3]["value"]["start"] = json!(1);
    tasks[0]["annotations"][0]["result"][3]["value"]["end"] = json!(17);
    let imported = import(&tasks.to_string(), ImportOptions::default()).unwrap();
    let claim = imported.session.documents[0]
        .annotations
        .iter()
        .find(|a| a.label == "claim")
        .unwrap();
    assert_eq!(claim.start, 7);
    assert_eq!(imported.moved.len(), 1);
}

#[test]
fn records_gloss_cannot_hold_stop_the_import_or_are_skipped_and_listed() {
    let cases: [(&str, Value, &str); 5] = [
        (
            "outside",
            json!({"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
                   "value": {"start": 5, "end": 900, "labels": ["claim"]}}),
            "task 41, result #8: span 5..900 is outside the text",
        ),
        (
            "dangling link",
            json!({"type": "relation", "from_id": "c9", "to_id": "gone", "labels": ["evidence"]}),
            "task 41, result #8: its to_id \"gone\" is not a span region of this task",
        ),
        (
            "image",
            json!({"id": "b1", "type": "rectanglelabels", "from_name": "box", "to_name": "img",
                   "value": {"x": 1, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["car"]}}),
            "task 41, result #8: a \"rectanglelabels\" result, which Gloss cannot hold",
        ),
        (
            "whole task",
            json!({"id": "t1", "type": "choices", "from_name": "sentiment", "to_name": "text",
                   "value": {"choices": ["positive"]}}),
            "task 41, result #8: a choices result for the whole task (\"sentiment\")",
        ),
        (
            "no labels",
            json!({"id": "r2", "type": "labels", "from_name": "label", "to_name": "text",
                   "value": {"start": 0, "end": 4, "text": "Rain", "labels": []}}),
            "task 41, result #8: its value has no \"labels\"",
        ),
    ];
    for (name, record, expected) in cases {
        let mut tasks = studio_tasks();
        tasks[0]["annotations"][0]["result"]
            .as_array_mut()
            .unwrap()
            .push(record);
        let error = import(&tasks.to_string(), ImportOptions::default()).unwrap_err();
        assert!(error.starts_with(expected), "{name}: {error}");
        assert!(error.ends_with("/in/project-7.json"), "{name}: {error}");
        assert!(!error.contains('\n'), "{name}: {error}");

        let options = ImportOptions {
            skip_invalid: true,
            ..ImportOptions::default()
        };
        let imported = import(&tasks.to_string(), options).unwrap();
        assert_eq!(imported.skipped.len(), 1, "{name}");
        assert!(imported.skipped[0].starts_with(expected), "{name}");
        assert_eq!(
            imported.session.documents[0].annotations.len(),
            3,
            "{name}: the valid spans are all there"
        );
    }
}

#[test]
fn several_annotators_on_one_task_are_not_merged_silently() {
    let mut tasks = studio_tasks();
    let second = tasks[0]["annotations"][0].clone();
    tasks[0]["annotations"].as_array_mut().unwrap().push(second);
    let error = import(&tasks.to_string(), ImportOptions::default()).unwrap_err();
    assert!(error.contains("task 41: it has 2 annotations"), "{error}");
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let imported = import(&tasks.to_string(), options).unwrap();
    assert_eq!(imported.skipped.len(), 1);
    assert_eq!(imported.session.documents[0].annotations.len(), 3);
}

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions/example.ron")
}

#[test]
fn the_command_line_writes_tasks_and_config_to_a_folder_and_reads_the_tasks_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("studio")).unwrap();
    let example = example_path();
    let out = gloss(
        dir.path(),
        &[
            "export",
            "--format",
            "label-studio",
            example.to_str().unwrap(),
            "-o",
            "studio",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("studio"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["labeling-config.xml", "tasks.json"]);
    // A second export would replace them: refused without --force.
    let again = gloss(
        dir.path(),
        &[
            "export",
            "--format",
            "label-studio",
            example.to_str().unwrap(),
            "-o",
            "studio",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("already has"), "{said}");

    let out = gloss(
        dir.path(),
        &["import", "studio/tasks.json", "-o", "back.ron"],
    );
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("tasks.json as label-studio"), "{said}");
    assert!(
        said.contains("imported 3 article(s), 40 annotation(s)"),
        "{said}"
    );
}

#[test]
fn pending_suggestions_are_written_as_predictions_with_scores_and_links() {
    use gloss::model::suggestion::Draft;
    let mut session = gloss::model::Session::new();
    session.add_article(gloss::model::Article::new(
        "a",
        "A",
        "",
        "\"Doors open at nine,\" Ana Ruiz said.",
    ));
    let draft = |label: &str, span: std::ops::Range<usize>, score: f32| Draft {
        label: label.to_owned(),
        span,
        score,
        reason: String::new(),
        attributes: std::collections::BTreeMap::new(),
        links: Vec::new(),
    };
    let mut quote = draft("quote", 0..21, 0.9);
    quote.attributes.insert("speaker".into(), "Ana Ruiz".into());
    quote.links.push(("speaker".into(), 1));
    let offer = session
        .offer_suggestions("a", &[quote, draft("source", 22..30, 0.8)])
        .unwrap();
    let mut history = gloss::model::History::default();
    history.apply(&mut session, offer).unwrap();
    let tasks: Value =
        serde_json::from_str(&export_string(&session, ExportFormat::LabelStudio).unwrap()).unwrap();
    let prediction = &tasks[0]["predictions"][0];
    assert_eq!(prediction["model_version"], "gloss-suggest");
    assert_eq!(prediction["score"], 0.85);
    let result = prediction["result"].as_array().unwrap();
    let region = &result[0];
    assert_eq!(region["score"], 0.9);
    assert_eq!(region["value"]["text"], "\"Doors open at nine,\"");
    assert_eq!(region["value"]["labels"], json!(["quote"]));
    assert!(
        result
            .iter()
            .any(|r| r["value"]["text"] == json!(["Ana Ruiz"]))
    );
    assert!(
        result
            .iter()
            .any(|r| r["type"] == "relation" && r["labels"] == json!(["speaker"]))
    );
    // Predictions are not annotations.
    assert_eq!(tasks[0]["annotations"], json!([]));
}
