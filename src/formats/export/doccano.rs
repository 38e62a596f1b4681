//! doccano sequence-labelling JSONL: `{"text", "label": [[start, end, label]]}` per line.

use serde_json::{Value, json};

use super::{OFFSET_UNIT, live};
use crate::model::Document;

pub(super) fn doccano_line(doc: &Document) -> Value {
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
