//! W3C Web Annotation (JSON-LD): an `AnnotationCollection` with a quote and a position
//! selector per annotation.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::live;
use crate::model::Session;

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
                let mut body = vec![json!({
                    "type": "TextualBody",
                    "purpose": "tagging",
                    "value": a.label,
                })];
                if !a.note.is_empty() {
                    body.push(json!({
                        "type": "TextualBody",
                        "purpose": "commenting",
                        "value": a.note,
                    }));
                }
                for (key, value) in &a.attributes {
                    body.push(json!({
                        "type": "TextualBody",
                        "purpose": "describing",
                        "value": format!("{key}: {value}"),
                    }));
                }
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
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "label": "Gloss export (TextPositionSelector offsets in code points)",
        "total": items.len(),
        "first": { "type": "AnnotationPage", "items": items },
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
