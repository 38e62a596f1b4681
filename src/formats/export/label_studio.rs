//! Label Studio tasks: one task per article with its span results, and a relation
//! result (`{"type": "relation", "from_id", "to_id", "direction", "labels"}`) after them
//! for each relation inside the article.

use serde_json::{Value, json};

use super::{Ends, OFFSET_UNIT, live};
use crate::model::Session;

pub(super) fn label_studio(session: &Session) -> Value {
    let ends = Ends::of(session);
    let mut relations: Vec<Vec<Value>> = vec![Vec::new(); session.documents.len()];
    for r in session.relations.iter() {
        if let Some(n) = ends.same_article(r)
            && let Some(list) = relations.get_mut(n)
        {
            list.push(json!({
                "type": "relation",
                "from_id": format!("a{}", r.from),
                "to_id": format!("a{}", r.to),
                "direction": "right",
                "labels": [r.kind],
            }));
        }
    }
    let tasks: Vec<Value> = session
        .documents
        .iter()
        .zip(relations)
        .map(|(doc, links)| {
            let mut result: Vec<Value> = live(doc)
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
            result.extend(links);
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
