//! W3C Web Annotation both ways: our export read back identically, annotations in the
//! shapes other tools write (a page, a list, one annotation; quote and position
//! selectors; texts from files beside the import), and what is refused.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use gloss::formats::export::{ExportFormat, export_string};
use gloss::formats::import::{ImportFormat, ImportOptions, import_path, import_str};
use gloss::formats::load_session;
use serde_json::{Value, json};

const TEXT: &str = "Le café 🌊 ouvre à 7 h. 港口 reopens Monday, said the harbour master.\n";

fn import(
    dir: &Path,
    data: &Value,
    options: ImportOptions,
) -> Result<gloss::formats::Imported, String> {
    let path = dir.join("notes.jsonld");
    std::fs::write(&path, data.to_string()).unwrap();
    import_path(&path, None, options)
        .map(|(format, imported)| {
            assert_eq!(format, ImportFormat::W3c);
            imported
        })
        .map_err(|e| e.to_string())
}

fn span(needle: &str) -> (usize, usize) {
    let byte = TEXT.find(needle).unwrap();
    let start = TEXT[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// A text annotation on `article.txt` in the shape annotation tools write.
fn note(id: &str, exact: &str, position: Option<(usize, usize)>, tag: &str) -> Value {
    let mut selector =
        vec![json!({"type": "TextQuoteSelector", "exact": exact, "prefix": "", "suffix": ""})];
    if let Some((s, e)) = position {
        selector.push(json!({"type": "TextPositionSelector", "start": s, "end": e}));
    }
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": id,
        "type": "Annotation",
        "created": "2026-05-01T09:30:00Z",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": tag},
            {"type": "TextualBody", "purpose": "commenting", "value": "seen in print"},
            {"type": "TextualBody", "purpose": "describing", "value": "status: true"}
        ],
        "target": {"source": "article.txt", "selector": selector}
    })
}

#[test]
fn our_export_reads_back_identically() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions/example.ron");
    let session = load_session(&path).unwrap().session;
    let first = export_string(&session, ExportFormat::W3c).unwrap();
    let imported = import_str(
        &first,
        Path::new("export.jsonld"),
        ImportFormat::W3c,
        ImportOptions::default(),
    )
    .unwrap();
    assert!(imported.moved.is_empty());
    assert_eq!(imported.session.relations.len(), session.relations.len());
    let again = export_string(&imported.session, ExportFormat::W3c).unwrap();
    assert!(
        again == first,
        "export → import → export changed the collection"
    );
}

#[test]
fn annotations_from_other_tools_with_the_text_beside_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("article.txt"), TEXT).unwrap();
    let claim = span("港口 reopens Monday");
    // A page of two annotations (positions in code points, after an emoji and CJK) and a
    // link between them.
    let page = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [
            note("https://notes.example/a1", "港口 reopens Monday", Some(claim), "claim"),
            note("https://notes.example/a2", "the harbour master", Some(span("the harbour master")), "Source"),
            {
                "type": "Annotation",
                "id": "https://notes.example/l1",
                "motivation": "linking",
                "target": "https://notes.example/a1",
                "body": [
                    {"type": "SpecificResource", "source": "https://notes.example/a2"},
                    {"type": "TextualBody", "purpose": "tagging", "value": "evidence"}
                ]
            }
        ]
    });
    let imported = import(dir.path(), &page, ImportOptions::default()).unwrap();
    let s = &imported.session;
    assert_eq!(s.documents.len(), 1);
    let doc = &s.documents[0];
    let a = doc.annotations.iter().find(|a| a.label == "claim").unwrap();
    assert_eq!((a.start, a.end), claim);
    assert_eq!(a.text, "港口 reopens Monday");
    assert_eq!(a.note, "seen in print");
    assert_eq!(a.attributes["status"], "true");
    assert_eq!(a.created.to_rfc3339(), "2026-05-01T09:30:00Z");
    let source = doc
        .annotations
        .iter()
        .find(|a| a.label == "source")
        .unwrap();
    let link = s.relations.iter().next().unwrap();
    assert_eq!(
        (link.kind.as_str(), link.from, link.to),
        ("evidence", a.id, source.id)
    );
    assert_eq!((imported.annotations_read, imported.relations_read), (2, 1));

    // A position that disagrees with the quote: placed by the quote, and reported.
    let wrong = json!([note("x1", "the harbour master", Some((0, 18)), "source")]);
    let imported = import(dir.path(), &wrong, ImportOptions::default()).unwrap();
    let a = &imported.session.documents[0].annotations[0];
    assert_eq!((a.start, a.end), span("the harbour master"));
    assert_eq!(imported.moved.len(), 1);

    // Only a quote, and one bare annotation at the top level: placed by the quote.
    let bare = note("x2", "the harbour master", None, "source");
    let imported = import(dir.path(), &bare, ImportOptions::default()).unwrap();
    assert_eq!(
        imported.session.documents[0].annotations[0].text,
        "the harbour master"
    );
}

#[test]
fn what_cannot_be_imported_is_named_and_skipped_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("article.txt"), TEXT).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "not yours").unwrap();
    let secret = outside.path().join("secret.txt");
    let good = note(
        "ok",
        "the harbour master",
        Some(span("the harbour master")),
        "source",
    );
    let cases: [(&str, Value, &str); 4] = [
        (
            "no target",
            json!({"type": "Annotation", "id": "n1", "body": "x"}),
            "annotation n1: it has no target",
        ),
        (
            "range selector",
            json!({"type": "Annotation", "id": "n2", "target": {"source": "article.txt",
                   "selector": {"type": "RangeSelector", "startSelector": {}}}}),
            "annotation n2: its selector (RangeSelector) is not one Gloss reads",
        ),
        (
            "dangling link",
            json!({"type": "Annotation", "id": "n3", "motivation": "linking", "target": "ok",
                   "body": {"type": "SpecificResource", "source": "gone"}}),
            "annotation n3: its linked resource \"gone\" is not an annotation of the file",
        ),
        (
            "file elsewhere",
            json!({"type": "Annotation", "id": "n4", "target": {"source": format!("file://{}", secret.display()),
                   "selector": {"type": "TextQuoteSelector", "exact": "not yours"}}}),
            "annotation n4: its target source",
        ),
    ];
    for (name, bad, expected) in cases {
        let data = json!([good.clone(), bad]);
        let error = import(dir.path(), &data, ImportOptions::default()).unwrap_err();
        assert!(error.starts_with(expected), "{name}: {error}");
        assert!(error.ends_with("notes.jsonld"), "{name}: {error}");
        let options = ImportOptions {
            skip_invalid: true,
            ..ImportOptions::default()
        };
        let imported = import(dir.path(), &data, options).unwrap();
        assert_eq!(imported.skipped.len(), 1, "{name}");
        assert_eq!(imported.session.annotation_count(), 1, "{name}");
        assert!(
            imported.session.documents.iter().all(|d| !d
                .article
                .text
                .as_str()
                .contains("not yours")),
            "{name}: a file outside the folder is never read"
        );
    }
}
