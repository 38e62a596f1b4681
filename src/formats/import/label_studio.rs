//! Import of Label Studio's JSON export: a list of tasks, each with `data` (the text) and
//! `annotations[].result` (or, with `predictions`, `predictions[].result`).
//!
//! Per result: a `labels` region is a span (one annotation per label when a region has
//! several); `choices` and `textarea` results sharing a region's `id` are its attributes
//! (control `attr_<key>` or any other control name as the key) and its note (control
//! `note`); `relation` results are relations. Document-level results (no region) and
//! other result types (images, audio…) cannot be held by Gloss and are invalid records.
//!
//! Offsets: Label Studio is meant to count code points, but its browser side has counted
//! UTF-16 code units after an emoji (label-studio#1347). A region whose `text` matches
//! the text at its offsets read as code points is taken as is; one that matches only when
//! read as UTF-16 units is converted; any other is re-anchored by its quote and reported.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use super::{ImportError, Imported, Tally, add_document, match_label, match_relation_type};
use crate::formats::export::label_studio::{LABELS_CONTROL, NOTE_CONTROL};
use crate::model::{
    Annotation, AnnotationId, Article, ArticleIds, AttributeSpec, Document, MAX_ANNOTATION_ID,
    Relation, RelationId, Session, Text, Timestamp, article_id_from,
};

#[derive(Deserialize)]
struct Task {
    #[serde(default)]
    id: Option<Value>,
    data: serde_json::Map<String, Value>,
    #[serde(default)]
    annotations: Vec<Completion>,
    #[serde(default)]
    predictions: Vec<Completion>,
}

#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    result: Vec<Value>,
    #[serde(default)]
    was_cancelled: bool,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

/// One span region being built: its annotation(s) and what is attached to it.
struct Region {
    /// One annotation per label of the region; relations attach to the first.
    annotations: Vec<Annotation>,
}

pub(super) fn import_label_studio(
    data: &str,
    mut tally: Tally<'_>,
    predictions: bool,
) -> Result<Imported, ImportError> {
    let body = data.trim_start_matches('\u{feff}');
    let tasks: Vec<Value> = match serde_json::from_str::<Value>(body) {
        Ok(Value::Array(tasks)) => tasks,
        Ok(task @ Value::Object(_)) => vec![task],
        Ok(_) => {
            return Err(tally
                .fatal("Label Studio tasks are a JSON list of objects with \"data\"".to_owned()));
        }
        Err(e) => return Err(super::malformed(tally.path(), "Label Studio JSON", 0, &e)),
    };
    let mut session = Session::new();
    let mut article_ids = ArticleIds::default();
    // Region ids `a<N>` (ours) keep N when no other region has it: reserve them first.
    let mut used: HashSet<u64> = HashSet::new();
    let mut moved = Vec::new();
    let mut parsed = Vec::new();
    for (n, task) in tasks.into_iter().enumerate() {
        let what = |task: &Option<Value>| match task {
            Some(id) => format!("task {id}"),
            None => format!("task #{}", n + 1),
        };
        let task: Task = match serde_json::from_value(task) {
            Ok(task) => task,
            Err(e) => {
                tally.invalid(format!("task #{}: not a Label Studio task: {e}", n + 1))?;
                continue;
            }
        };
        let name = what(&task.id);
        for completion in completions(&task, predictions) {
            for item in &completion.result {
                if let Some(own) = item.get("id").and_then(Value::as_str).and_then(our_number)
                    && item.get("type").and_then(Value::as_str) == Some("labels")
                {
                    used.insert(own);
                }
            }
        }
        parsed.push((name, task));
    }
    let mut fresh = 1u64;
    let mut claimed: HashSet<u64> = HashSet::new();
    for (name, task) in parsed {
        let Some(text) = task_text(&task.data) else {
            tally.invalid(format!(
                "{name}: its data has no \"text\" (nor a single text field) to annotate"
            ))?;
            continue;
        };
        let wanted = match task.data.get("gloss_id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => article_id_from(id),
            _ => match &task.id {
                Some(Value::Number(n)) => format!("task-{n}"),
                Some(Value::String(s)) => article_id_from(s),
                _ => format!("task-{}", session.documents.len() + 1),
            },
        };
        let id = article_ids.claim(&wanted);
        let title = match task.data.get("title").and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() => t.to_owned(),
            _ => text
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim().chars().take(80).collect())
                .unwrap_or_else(|| id.clone()),
        };
        let mut doc = Document::new(Article::new(&id, &title, "", Text::new(text)));
        let mut chosen = completions(&task, predictions);
        let which = if predictions {
            "predictions"
        } else {
            "annotations"
        };
        if chosen.len() > 1 {
            // Several annotators: a session holds one person's work. Keep the first.
            for extra in 2..=chosen.len() {
                tally.invalid(format!(
                    "{name}: it has {} {which} (several annotators); Gloss keeps one per session, the first, and leaves out #{extra}",
                    chosen.len()
                ))?;
            }
            chosen.truncate(1);
        }
        if let Some(completion) = chosen.first() {
            let times = (
                completion.created_at.as_deref().and_then(Timestamp::parse),
                completion.updated_at.as_deref().and_then(Timestamp::parse),
            );
            let mut ctx = TaskImport {
                name: &name,
                doc: &doc,
                used: &used,
                claimed: &mut claimed,
                fresh: &mut fresh,
                created: times.0.unwrap_or(tally.now),
                modified: times.1.or(times.0).unwrap_or(tally.now),
            };
            let annotations = ctx.results(&mut session, &completion.result, &mut tally)?;
            doc.annotations = annotations.into();
        }
        add_document(&mut session, doc, &mut moved);
    }
    if session.documents.is_empty() {
        return Err(tally.fatal("no tasks in the file".to_owned()));
    }
    session.fix_next_id();
    Ok(tally.finish(session, moved))
}

/// The task's annotations (or predictions) that hold work: not cancelled, or with results.
fn completions(task: &Task, predictions: bool) -> Vec<&Completion> {
    let list = if predictions {
        &task.predictions
    } else {
        &task.annotations
    };
    list.iter()
        .filter(|c| !c.was_cancelled || !c.result.is_empty())
        .collect()
}

/// The text to annotate: `data.text`, or the only string field of `data`.
fn task_text(data: &serde_json::Map<String, Value>) -> Option<String> {
    if let Some(text) = data.get("text").and_then(Value::as_str) {
        return Some(text.to_owned());
    }
    let mut strings = data
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "title" | "gloss_id" | "offset_unit"))
        .filter_map(|(_, v)| v.as_str());
    match (strings.next(), strings.next()) {
        (Some(text), None) => Some(text.to_owned()),
        _ => None,
    }
}

/// `a<N>` (a region id Gloss wrote) → N.
fn our_number(id: &str) -> Option<u64> {
    let n: u64 = id.strip_prefix('a')?.parse().ok()?;
    (n > 0 && n <= MAX_ANNOTATION_ID && id == format!("a{n}")).then_some(n)
}

struct TaskImport<'a> {
    name: &'a str,
    doc: &'a Document,
    used: &'a HashSet<u64>,
    claimed: &'a mut HashSet<u64>,
    fresh: &'a mut u64,
    created: Timestamp,
    modified: Timestamp,
}

impl TaskImport<'_> {
    /// An id for a region: its own number when it is ours and not taken, else a fresh one.
    fn id_for(&mut self, region: Option<&str>) -> AnnotationId {
        if let Some(n) = region.and_then(our_number)
            && self.claimed.insert(n)
        {
            return AnnotationId(n);
        }
        while self.used.contains(self.fresh) || self.claimed.contains(self.fresh) {
            *self.fresh += 1;
        }
        self.claimed.insert(*self.fresh);
        AnnotationId(*self.fresh)
    }

    fn results(
        &mut self,
        session: &mut Session,
        results: &[Value],
        tally: &mut Tally<'_>,
    ) -> Result<Vec<Annotation>, ImportError> {
        let mut regions: HashMap<String, Region> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        // Spans first: attributes and relations refer to them.
        for (k, item) in results.iter().enumerate() {
            if kind(item) != "labels" {
                continue;
            }
            tally.annotations_read += 1;
            let at = format!("{}, result #{}", self.name, k + 1);
            match self.span(session, item) {
                Ok(annotations) => {
                    let key = region_key(item, k);
                    if regions.contains_key(&key) {
                        tally.invalid(format!("{at}: region id {key:?} appears twice"))?;
                        continue;
                    }
                    order.push(key.clone());
                    regions.insert(key, Region { annotations });
                }
                Err(message) => tally.invalid(format!("{at}: {message}"))?,
            }
        }
        let mut relations = Vec::new();
        for (k, item) in results.iter().enumerate() {
            let at = format!("{}, result #{}", self.name, k + 1);
            match kind(item) {
                "labels" => {}
                "relation" => {
                    tally.relations_read += 1;
                    match relation(item, &regions) {
                        Ok(link) => relations.push((at, link)),
                        Err(message) => tally.invalid(format!("{at}: {message}"))?,
                    }
                }
                "choices" | "textarea" => {
                    if let Err(message) = attach(session, item, &mut regions) {
                        tally.invalid(format!("{at}: {message}"))?;
                    }
                }
                other => tally.invalid(format!(
                    "{at}: a {other:?} result, which Gloss cannot hold (it annotates text spans)"
                ))?,
            }
        }
        let mut seen = HashSet::new();
        for (at, (kind, from, to)) in relations {
            if !seen.insert((kind.clone(), from, to)) {
                tally.invalid(format!("{at}: it repeats a {kind} link"))?;
                continue;
            }
            let kind = match_relation_type(session, &kind);
            let id = self.id_for(None);
            session.relations.push(Relation {
                id: RelationId(id.0),
                kind,
                from,
                to,
                note: String::new(),
                attributes: BTreeMap::new(),
                created: self.created,
                modified: self.modified,
            });
        }
        Ok(order
            .into_iter()
            .filter_map(|key| regions.remove(&key))
            .flat_map(|r| r.annotations)
            .collect())
    }

    /// The annotation(s) of a `labels` region.
    fn span(&mut self, session: &mut Session, item: &Value) -> Result<Vec<Annotation>, String> {
        let value = item.get("value").ok_or("it has no \"value\"")?;
        let offset = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("its value has no whole-number \"{key}\""))
        };
        let (start, end) = (offset("start")?, offset("end")?);
        let labels: Vec<&str> = value
            .get("labels")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if labels.is_empty() {
            return Err("its value has no \"labels\"".to_owned());
        }
        let quote = value.get("text").and_then(Value::as_str);
        let text = &self.doc.article.text;
        let (start, end, quote) = place(text, start, end, quote)?;
        let mut out = Vec::new();
        for (n, label) in labels.into_iter().enumerate() {
            let region = if n == 0 {
                item.get("id").and_then(Value::as_str)
            } else {
                None
            };
            let mut annotation = Annotation {
                id: self.id_for(region),
                label: match_label(session, label),
                start,
                end,
                text: quote.clone(),
                prefix: String::new(),
                suffix: String::new(),
                note: String::new(),
                attributes: BTreeMap::new(),
                created: self.created,
                modified: self.modified,
                orphan: false,
            };
            annotation.refresh_context(text);
            out.push(annotation);
        }
        Ok(out)
    }
}

fn kind(item: &Value) -> &str {
    item.get("type").and_then(Value::as_str).unwrap_or("")
}

fn region_key(item: &Value, k: usize) -> String {
    match item.get("id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => format!("#{k}"),
    }
}

/// Where a region goes, in code points, and its quote: as given when the text there is
/// its quote, converted from UTF-16 units when that is what matches, else left for
/// re-anchoring by its quote (the import reports it).
fn place(
    text: &Text,
    start: usize,
    end: usize,
    quote: Option<&str>,
) -> Result<(usize, usize, String), String> {
    if start >= end {
        return Err(format!("span {start}..{end} is empty"));
    }
    let at_chars = text.slice(start..end);
    let Some(quote) = quote else {
        let found = at_chars.ok_or_else(|| {
            format!(
                "span {start}..{end} is outside the text ({} code points) and has no text to find it by",
                text.char_len()
            )
        })?;
        if found.trim().is_empty() {
            return Err(format!("span {start}..{end} is only whitespace"));
        }
        return Ok((start, end, found.to_owned()));
    };
    if quote.trim().is_empty() {
        return Err(format!("span {start}..{end} has an empty text"));
    }
    if at_chars == Some(quote) {
        return Ok((start, end, quote.to_owned()));
    }
    if let (Some(s), Some(e)) = (text.char_of_utf16(start), text.char_of_utf16(end))
        && text.slice(s..e) == Some(quote)
    {
        return Ok((s, e, quote.to_owned()));
    }
    // Neither: keep the offsets as a hint; re-anchoring finds the quote or orphans it.
    let len = text.char_len();
    Ok((start.min(len), end.min(len), quote.to_owned()))
}

/// A relation result's (type, from, to).
fn relation(
    item: &Value,
    regions: &HashMap<String, Region>,
) -> Result<(String, AnnotationId, AnnotationId), String> {
    let end = |key: &str| {
        let id = item
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("it has no \"{key}\""))?;
        regions
            .get(id)
            .and_then(|r| r.annotations.first())
            .map(|a| a.id)
            .ok_or_else(|| format!("its {key} {id:?} is not a span region of this task"))
    };
    let (mut from, mut to) = (end("from_id")?, end("to_id")?);
    if item.get("direction").and_then(Value::as_str) == Some("left") {
        std::mem::swap(&mut from, &mut to);
    }
    if from == to {
        return Err("it links a region to itself".to_owned());
    }
    let labels: Vec<&str> = item
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let kind = match labels.as_slice() {
        [] => "related".to_owned(),
        [one] => (*one).to_owned(),
        _ => {
            return Err(format!(
                "it has {} labels; a Gloss relation has one type",
                labels.len()
            ));
        }
    };
    if kind.trim().is_empty() {
        return Err("its label is empty".to_owned());
    }
    Ok((kind, from, to))
}

/// A per-region `choices` or `textarea` result onto its region's annotations.
fn attach(
    session: &mut Session,
    item: &Value,
    regions: &mut HashMap<String, Region>,
) -> Result<(), String> {
    let control = item
        .get("from_name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let region = item
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| regions.get_mut(id))
        .ok_or_else(|| {
            format!(
                "a {} result for the whole task ({control:?}), which Gloss cannot hold: it annotates text spans",
                kind(item)
            )
        })?;
    let value = item.get("value").ok_or("it has no \"value\"")?;
    let is_choices = kind(item) == "choices";
    let field = if is_choices { "choices" } else { "text" };
    let values: Vec<String> = match value.get(field) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => return Err(format!("its value has no \"{field}\"")),
    };
    let joined = values.join(if is_choices { ", " } else { "\n" });
    if control == NOTE_CONTROL && !is_choices {
        for a in &mut region.annotations {
            if !a.note.is_empty() {
                a.note.push('\n');
            }
            a.note.push_str(&joined);
        }
        return Ok(());
    }
    let key = control.strip_prefix("attr_").unwrap_or(control);
    if key.is_empty() || key == LABELS_CONTROL && control == LABELS_CONTROL {
        return Err(format!("a {} result without a control name", kind(item)));
    }
    for a in &mut region.annotations {
        if is_choices {
            declare_choices(session, &a.label, key, &values);
        }
        a.attributes.insert(key.to_owned(), joined.clone());
    }
    Ok(())
}

/// Make the label declare `key` as a choice attribute with `values` among its choices,
/// so the session (and a later export) knows the attribute is a choice.
fn declare_choices(session: &mut Session, label: &str, key: &str, values: &[String]) {
    let Some(label) = session.labels.iter_mut().find(|l| l.id == label) else {
        return;
    };
    let spec = match label.attributes.iter_mut().position(|s| s.key == key) {
        Some(n) => &mut label.attributes[n],
        None => {
            label.attributes.push(AttributeSpec::free(key));
            let last = label.attributes.len() - 1;
            &mut label.attributes[last]
        }
    };
    for v in values {
        if !spec.choices.contains(v) {
            spec.choices.push(v.clone());
        }
    }
}
