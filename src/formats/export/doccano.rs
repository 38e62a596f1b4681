//! doccano sequence-labelling JSONL: `{"text", "label": [[start, end, label]]}` per line.

use serde_json::{Value, json};

use super::{Ends, OFFSET_UNIT, jsonl, live};
use crate::model::{Document, Session};

/// The whole export: the plain format, or doccano's relation mode (`entities` with ids
/// and `relations`) when the session has relations. Relations across articles cannot be
/// written there ([`super::export_warnings`] counts them).
pub(super) fn doccano(session: &Session) -> String {
    if session.relations.is_empty() {
        return jsonl(session.documents.iter().map(doccano_line));
    }
    let ends = Ends::of(session);
    let mut per_article: Vec<Vec<Value>> = vec![Vec::new(); session.documents.len()];
    for r in session.relations.iter() {
        if let Some(n) = ends.same_article(r)
            && let Some(list) = per_article.get_mut(n)
        {
            list.push(json!({
                "id": r.id.0,
                "from_id": r.from.0,
                "to_id": r.to.0,
                "type": r.kind,
            }));
        }
    }
    jsonl(
        session
            .documents
            .iter()
            .zip(per_article)
            .map(|(doc, relations)| {
                let entities: Vec<Value> = live(doc)
                    .map(|a| {
                        json!({
                            "id": a.id.0,
                            "label": a.label,
                            "start_offset": a.start,
                            "end_offset": a.end,
                        })
                    })
                    .collect();
                json!({
                    "id": doc.article.id,
                    "text": doc.article.text.as_str(),
                    "entities": entities,
                    "relations": relations,
                    "offset_unit": OFFSET_UNIT,
                })
            }),
    )
}

fn doccano_line(doc: &Document) -> Value {
    let labels: Vec<Value> = live(doc)
        .map(|a| json!([a.start, a.end, a.label]))
        .collect();
    json!({
        "id": doc.article.id,
        "text": doc.article.text.as_str(),
        "label": labels,
        "offset_unit": OFFSET_UNIT,
    })
}
