//! W3C Web Annotation (JSON-LD): an `AnnotationCollection` with a quote and a position
//! selector per annotation, and each relation as an annotation with the `linking`
//! motivation: its target is the source annotation, its body a `SpecificResource` that is
//! the target annotation (plus a `tagging` body with the relation type and a
//! `commenting` one with its note). The model allows several bodies of mixed kinds, and
//! `linking` is its motivation for exactly this ("to link to a resource related to the
//! target"). Relations work across articles here: annotations are named by their ids.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Ends, live};
use crate::model::{Relation, Session};

pub(super) fn w3c(session: &Session) -> Value {
    let items: Vec<Value> = session
        .documents
        .iter()
        .flat_map(|doc| {
            live(doc).map(move |a| {
                let source = if doc.article.source.is_empty() {
                    format!("urn:gloss:article:{}", doc.article.id)
                } else {
                    file_uri(&doc.article.source)
                };
                let body = textual_bodies(&a.label, &a.note, &a.attributes);
                json!({
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": format!("urn:gloss:annotation:{}", a.id),
                    "type": "Annotation",
                    "created": a.created.to_rfc3339(),
                    "modified": a.modified.to_rfc3339(),
                    "body": body,
                    "target": {
                        "source": source,
                        "selector": [
                            {
                                "type": "TextQuoteSelector",
                                "exact": a.text,
                                "prefix": a.prefix,
                                "suffix": a.suffix,
                            },
                            {
                                "type": "TextPositionSelector",
                                "start": a.start,
                                "end": a.end,
                            }
                        ]
                    }
                })
            })
        })
        .collect();
    let ends = Ends::of(session);
    let mut items = items;
    items.extend(
        session
            .relations
            .iter()
            .filter(|r| {
                // Orphans are left out of this export, so links to them are too.
                [r.from, r.to]
                    .iter()
                    .all(|&id| ends.get(id).is_some_and(|(_, a)| !a.orphan))
            })
            .map(linking),
    );
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "label": "Gloss export (TextPositionSelector offsets in code points)",
        "total": items.len(),
        "first": { "type": "AnnotationPage", "items": items },
    })
}

/// The tag (label or relation type), the note (`commenting`) and each attribute
/// (`describing`) as textual bodies.
fn textual_bodies(
    tag: &str,
    note: &str,
    attributes: &std::collections::BTreeMap<String, String>,
) -> Vec<Value> {
    let text = |purpose: &str, value: &str| json!({"type": "TextualBody", "purpose": purpose, "value": value});
    let mut body = vec![text("tagging", tag)];
    if !note.is_empty() {
        body.push(text("commenting", note));
    }
    for (key, value) in attributes {
        body.push(text("describing", &format!("{key}: {value}")));
    }
    body
}

/// A relation as a Web Annotation.
fn linking(r: &Relation) -> Value {
    let mut body = vec![json!({
        "type": "SpecificResource",
        "source": format!("urn:gloss:annotation:{}", r.to),
    })];
    body.extend(textual_bodies(&r.kind, &r.note, &r.attributes));
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": format!("urn:gloss:relation:{}", r.id),
        "type": "Annotation",
        "motivation": "linking",
        "created": r.created.to_rfc3339(),
        "modified": r.modified.to_rfc3339(),
        "body": body,
        "target": format!("urn:gloss:annotation:{}", r.from),
    })
}

fn file_uri(path: &str) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut uri = String::from("file://");
    for byte in absolute.to_string_lossy().replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}
