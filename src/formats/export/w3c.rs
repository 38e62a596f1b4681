//! W3C Web Annotation (JSON-LD): an `AnnotationCollection` with a quote and a position
//! selector per annotation, and each relation as an annotation with the `linking`
//! motivation: its target is the source annotation, its body a `SpecificResource` that is
//! the target annotation (plus a `tagging` body with the relation type and a
//! `commenting` one with its note). The model allows several bodies of mixed kinds, and
//! `linking` is its motivation for exactly this ("to link to a resource related to the
//! target"). Relations work across articles here: annotations are named by their ids.
//!
//! The collection and its page have stable `urn:uuid:` ids derived from the articles
//! (same session, same ids). `target.source` is the article's `http(s)` URL when its
//! source is one, else `urn:gloss:article:<id>` — never a path of this machine. Web
//! Annotations do not carry the annotated text, so the collection carries the articles in
//! an extension property, `gloss:articles` (`id`, `title`, `text`), which is how the
//! import reads an export back; other tools ignore it. Times of 0 (unknown) are left out.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Ends, live};
use crate::model::{Document, Relation, Session, Timestamp};

/// The extension property with the articles' texts.
pub(crate) const ARTICLES_PROPERTY: &str = "gloss:articles";

/// A stable RFC 4122 (version 5 style, SHA-256 based) `urn:uuid:` for `name`.
fn uuid_urn(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Where an article is, as a target source.
pub(crate) fn article_source(doc: &Document) -> String {
    let source = doc.article.source.trim();
    if source.starts_with("http://") || source.starts_with("https://") {
        source.to_owned()
    } else {
        format!("urn:gloss:article:{}", percent(&doc.article.id))
    }
}

fn percent(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn time(t: Timestamp) -> Option<String> {
    (t.0 > 0).then(|| t.to_rfc3339())
}

pub(super) fn w3c(session: &Session) -> Value {
    let items: Vec<Value> = session
        .documents
        .iter()
        .flat_map(|doc| {
            live(doc).map(move |a| {
                let source = article_source(doc);
                let body = textual_bodies(&a.label, &a.note, &a.attributes);
                let mut item = json!({
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": format!("urn:gloss:annotation:{}", a.id),
                    "type": "Annotation",
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
                });
                stamp(&mut item, a.created, a.modified);
                item
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
    let name: String = session
        .documents
        .iter()
        .map(|d| format!("{}\u{0}{}\u{0}", d.article.id, d.article.sha256))
        .collect();
    let collection = uuid_urn(&format!("gloss collection\u{0}{name}"));
    let page = uuid_urn(&format!("gloss page\u{0}{name}"));
    let articles: Vec<Value> = session
        .documents
        .iter()
        .map(|d| {
            json!({
                "id": d.article.id,
                "title": d.article.title,
                "source": article_source(d),
                "text": d.article.text.as_str(),
            })
        })
        .collect();
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection,
        "type": "AnnotationCollection",
        "label": "Gloss export (TextPositionSelector offsets in code points)",
        "total": items.len(),
        "first": {
            "id": page,
            "type": "AnnotationPage",
            "partOf": collection,
            "startIndex": 0,
            "items": items,
        },
        ARTICLES_PROPERTY: articles,
    })
}

fn stamp(item: &mut Value, created: Timestamp, modified: Timestamp) {
    if let Some(obj) = item.as_object_mut() {
        if let Some(t) = time(created) {
            obj.insert("created".into(), t.into());
        }
        if let Some(t) = time(modified) {
            obj.insert("modified".into(), t.into());
        }
    }
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
    let mut item = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": format!("urn:gloss:relation:{}", r.id),
        "type": "Annotation",
        "motivation": "linking",
        "body": body,
        "target": format!("urn:gloss:annotation:{}", r.from),
    });
    stamp(&mut item, r.created, r.modified);
    item
}
