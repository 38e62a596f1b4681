//! Label Studio tasks: one task per article with its span results.

use serde_json::{Value, json};

use super::{OFFSET_UNIT, live};
use crate::model::Session;

pub(super) fn label_studio(session: &Session) -> Value {
    let tasks: Vec<Value> = session
        .documents
        .iter()
        .map(|doc| {
            let result: Vec<Value> = live(doc)
                .map(|a| {
                    let mut item = json!({
                        "id": format!("a{}", a.id),
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "origin": "manual",
                        "value": {
                            "start": a.start,
                            "end": a.end,
                            "text": a.text,
                            "labels": [label_name(session, &a.label)],
                        },
                        "meta": { "text": [a.note] },
                    });
                    if a.note.is_empty()
                        && let Some(obj) = item.as_object_mut()
                    {
                        obj.remove("meta");
                    }
                    item
                })
                .collect();
            json!({
                "data": {
                    "text": doc.article.text.as_str(),
                    "title": doc.article.title,
                    "gloss_id": doc.article.id,
                    "offset_unit": OFFSET_UNIT,
                },
                "annotations": [{ "result": result }],
            })
        })
        .collect();
    Value::Array(tasks)
}

fn label_name<'a>(session: &'a Session, id: &'a str) -> &'a str {
    session.label(id).map_or(id, |l| l.name.as_str())
}
