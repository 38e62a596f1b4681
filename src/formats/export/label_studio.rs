//! Label Studio: the tasks of its JSON export, and the labeling config that reads them.
//!
//! One task per article, `id` from the article order (1, 2, …), with one annotation (when
//! the article has any) whose `result` has, per span, a `labels` region (`id` `a<N>`
//! from our annotation id; the **label id** as its label) and, sharing the region's `id`,
//! a per-region result for each attribute (`choices` when the label declares choices for
//! it, else `textarea`; control `attr_<key>`) and for the note (`textarea`, control
//! `note`); then a `relation` result per relation inside the article. Label Studio has
//! no field for a relation's note or attributes: those are left out, and
//! `export_warnings` says so. `created_at`/`updated_at` are the first creation and the
//! last change among the article's annotations, and `lead_time` the seconds between them.
//!
//! Offsets are Unicode code points (`data.offset_unit`), what Label Studio's Python side
//! and its converters count.
//!
//! [`labeling_config`] is the XML config with every label, relation type and attribute
//! control used by the tasks, so a fresh project imports them without a hand-written
//! config.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Ends, OFFSET_UNIT, live};
use crate::model::{Annotation, Document, Session, Timestamp};

/// The control name of an attribute.
pub(crate) fn attribute_control(key: &str) -> String {
    format!("attr_{key}")
}

/// The control of the labels, of the text, and of notes.
pub(crate) const LABELS_CONTROL: &str = "label";
pub(crate) const TEXT_CONTROL: &str = "text";
pub(crate) const NOTE_CONTROL: &str = "note";

/// The attribute keys that are choices (declared with choices by a label), with every
/// value they take: the declared ones and any other used in the session.
fn choice_attributes(session: &Session) -> BTreeMap<String, Vec<String>> {
    let mut choices: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for label in &session.labels {
        for spec in label.attributes.iter().filter(|s| !s.choices.is_empty()) {
            let values = choices.entry(spec.key.clone()).or_default();
            for c in &spec.choices {
                if !values.contains(c) {
                    values.push(c.clone());
                }
            }
        }
    }
    for doc in &session.documents {
        for a in live(doc) {
            for (key, value) in &a.attributes {
                if let Some(values) = choices.get_mut(key)
                    && !value.is_empty()
                    && !values.contains(value)
                {
                    values.push(value.clone());
                }
            }
        }
    }
    choices
}

pub(super) fn label_studio(session: &Session) -> Value {
    let ends = Ends::of(session);
    let choices = choice_attributes(session);
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
        .enumerate()
        .map(|(n, (doc, links))| {
            let task_id = n + 1;
            let mut result: Vec<Value> = Vec::new();
            let mut first: Option<Timestamp> = None;
            let mut last: Option<Timestamp> = None;
            for a in live(doc) {
                first = Some(first.map_or(a.created, |t| t.min(a.created)));
                last = Some(last.map_or(a.modified, |t| t.max(a.modified)));
                region(&mut result, a, &choices);
            }
            result.extend(links);
            let mut task = json!({
                "id": task_id,
                "data": {
                    "text": doc.article.text.as_str(),
                    "title": doc.article.title,
                    "gloss_id": doc.article.id,
                    "offset_unit": OFFSET_UNIT,
                },
                "annotations": [],
            });
            if let Some(predictions) = predictions(doc, &choices) {
                task["predictions"] = predictions;
            }
            if !result.is_empty() {
                let (first, last) = (first.unwrap_or_default(), last.unwrap_or_default());
                task["annotations"] = json!([{
                    "id": task_id,
                    "result": result,
                    "was_cancelled": false,
                    "ground_truth": false,
                    "created_at": first.to_rfc3339(),
                    "updated_at": last.to_rfc3339(),
                    "lead_time": last.0.saturating_sub(first.0),
                }]);
            }
            task
        })
        .collect();
    Value::Array(tasks)
}

/// The article's pending suggestions as one Label Studio prediction (regions with their
/// `score`, attributes, and speaker links between suggested regions), or `None`.
fn predictions(doc: &Document, choices: &BTreeMap<String, Vec<String>>) -> Option<Value> {
    let pending = &doc.pending.suggestions;
    if pending.is_empty() {
        return None;
    }
    let mut result = Vec::new();
    for s in pending {
        let id = format!("s{}", s.id.0);
        let text = doc.article.text.slice(s.span()).unwrap_or_default();
        let score = s.score.as_f64();
        result.push(json!({
            "id": id,
            "from_name": LABELS_CONTROL,
            "to_name": TEXT_CONTROL,
            "type": "labels",
            "origin": "prediction",
            "score": score,
            "value": { "start": s.start, "end": s.end, "text": text, "labels": [s.label] },
        }));
        for (key, value) in s.attributes.iter().filter(|(_, v)| !v.is_empty()) {
            let (kind, field, value) = if choices.contains_key(key) {
                ("choices", "choices", json!([value]))
            } else {
                ("textarea", "text", json!([value]))
            };
            result.push(json!({
                "id": id,
                "from_name": attribute_control(key),
                "to_name": TEXT_CONTROL,
                "type": kind,
                "origin": "prediction",
                "value": { "start": s.start, "end": s.end, field: value },
            }));
        }
        for link in &s.links {
            if let Some(target) = pending
                .iter()
                .find(|t| t.label == link.label && t.start == link.start && t.end == link.end)
            {
                result.push(json!({
                    "type": "relation",
                    "from_id": id,
                    "to_id": format!("s{}", target.id.0),
                    "direction": "right",
                    "labels": [link.kind],
                }));
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let mean = pending.iter().map(|s| s.score.as_f64()).sum::<f64>() / pending.len() as f64;
    Some(json!([{
        "model_version": "gloss-suggest",
        "score": (mean * 1000.0).round() / 1000.0,
        "result": result,
    }]))
}

/// A span's region and its per-region attribute and note results.
fn region(result: &mut Vec<Value>, a: &Annotation, choices: &BTreeMap<String, Vec<String>>) {
    let id = format!("a{}", a.id);
    result.push(json!({
        "id": id,
        "from_name": LABELS_CONTROL,
        "to_name": TEXT_CONTROL,
        "type": "labels",
        "origin": "manual",
        "value": {
            "start": a.start,
            "end": a.end,
            "text": a.text,
            "labels": [a.label],
        },
    }));
    let per_region = |control: String, kind: &str, key: &str, value: Value| {
        json!({
            "id": id,
            "from_name": control,
            "to_name": TEXT_CONTROL,
            "type": kind,
            "origin": "manual",
            "value": { "start": a.start, "end": a.end, key: value },
        })
    };
    for (key, value) in a.attributes.iter().filter(|(_, v)| !v.is_empty()) {
        result.push(if choices.contains_key(key) {
            per_region(attribute_control(key), "choices", "choices", json!([value]))
        } else {
            per_region(attribute_control(key), "textarea", "text", json!([value]))
        });
    }
    if !a.note.is_empty() {
        result.push(per_region(
            NOTE_CONTROL.to_owned(),
            "textarea",
            "text",
            json!([a.note]),
        ));
    }
}

/// The labeling config (XML) for the session's tasks: the text, its labels (value = label
/// id, with its colour), the relation types, and per-region controls for every attribute
/// and the note, shown when a region is selected.
pub fn labeling_config(session: &Session) -> String {
    let choices = choice_attributes(session);
    let mut free: BTreeSet<String> = BTreeSet::new();
    for label in &session.labels {
        for spec in label.attributes.iter().filter(|s| s.choices.is_empty()) {
            free.insert(spec.key.clone());
        }
    }
    for doc in &session.documents {
        for a in live(doc) {
            free.extend(
                a.attributes
                    .keys()
                    .filter(|k| !choices.contains_key(*k))
                    .cloned(),
            );
        }
    }
    let mut labels: Vec<(String, String)> = session
        .labels
        .iter()
        .map(|l| (l.id.clone(), l.color.to_hex()))
        .collect();
    // Labels used by annotations but missing from the list still need a control.
    for doc in &session.documents {
        for a in live(doc) {
            if !labels.iter().any(|(id, _)| *id == a.label) {
                labels.push((a.label.clone(), "#cccccc".to_owned()));
            }
        }
    }
    let mut xml = String::from("<View>\n");
    xml.push_str(&format!(
        "  <Labels name=\"{LABELS_CONTROL}\" toName=\"{TEXT_CONTROL}\">\n"
    ));
    for (id, color) in &labels {
        xml.push_str(&format!(
            "    <Label value=\"{}\" background=\"{}\"/>\n",
            escape(id),
            escape(color)
        ));
    }
    xml.push_str("  </Labels>\n");
    xml.push_str(&format!(
        "  <Text name=\"{TEXT_CONTROL}\" value=\"${TEXT_CONTROL}\" granularity=\"symbol\"/>\n"
    ));
    let mut kinds: Vec<&str> = session
        .relation_types
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    for r in session.relations.iter() {
        if !kinds.contains(&r.kind.as_str()) {
            kinds.push(&r.kind);
        }
    }
    if !kinds.is_empty() {
        xml.push_str("  <Relations>\n");
        for kind in kinds {
            xml.push_str(&format!("    <Relation value=\"{}\"/>\n", escape(kind)));
        }
        xml.push_str("  </Relations>\n");
    }
    xml.push_str("  <View visibleWhen=\"region-selected\">\n");
    for (key, values) in &choices {
        xml.push_str(&format!("    <Header value=\"{}\"/>\n", escape(key)));
        xml.push_str(&format!(
            "    <Choices name=\"{}\" toName=\"{TEXT_CONTROL}\" perRegion=\"true\" choice=\"single\">\n",
            escape(&attribute_control(key))
        ));
        for value in values {
            xml.push_str(&format!("      <Choice value=\"{}\"/>\n", escape(value)));
        }
        xml.push_str("    </Choices>\n");
    }
    for key in &free {
        xml.push_str(&format!("    <Header value=\"{}\"/>\n", escape(key)));
        xml.push_str(&format!(
            "    <TextArea name=\"{}\" toName=\"{TEXT_CONTROL}\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\"/>\n",
            escape(&attribute_control(key))
        ));
    }
    xml.push_str("    <Header value=\"Note\"/>\n");
    xml.push_str(&format!(
        "    <TextArea name=\"{NOTE_CONTROL}\" toName=\"{TEXT_CONTROL}\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\"/>\n"
    ));
    xml.push_str("  </View>\n</View>\n");
    xml
}

/// Text for an XML attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
