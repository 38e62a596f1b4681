//! Import of doccano JSONL: sequence labelling (`label`), `entities`, and relation mode
//! (`entities` with ids + `relations`).

use serde::Deserialize;

use super::{ImportError, Imported, Tally, add_document, match_label, match_relation_type};
use crate::model::{
    Annotation, AnnotationId, Article, ArticleIds, Document, Relation, Session, Text,
    article_id_from,
};

#[derive(Deserialize)]
struct DoccanoLine {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    label: Vec<(usize, usize, String)>,
    #[serde(default)]
    entities: Vec<DoccanoEntity>,
    /// Relation mode: links between this line's entities.
    #[serde(default)]
    relations: Vec<DoccanoRelation>,
    /// Not doccano: a Gloss JSONL line has it (refused, never read as zero spans).
    #[serde(default)]
    annotations: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct DoccanoEntity {
    #[serde(default)]
    id: Option<serde_json::Value>,
    start_offset: usize,
    end_offset: usize,
    label: String,
}

#[derive(Deserialize)]
struct DoccanoRelation {
    #[serde(default)]
    id: Option<serde_json::Value>,
    from_id: serde_json::Value,
    to_id: serde_json::Value,
    #[serde(rename = "type")]
    kind: String,
}

/// Import doccano JSONL (`label: [[start, end, "LABEL"]]`, or `entities`), one article
/// per line. Labels are matched to session labels by id, then by name, case-insensitively.
pub(super) fn import_doccano(data: &str, mut tally: Tally<'_>) -> Result<Imported, ImportError> {
    let mut session = Session::new();
    let mut article_ids = ArticleIds::default();
    let mut moved = Vec::new();
    let mut lines = Vec::new();
    // Numeric entity and relation ids (what doccano and our export write) are kept when
    // free: reserve them all before any fresh id is handed out.
    let mut ids = Ids::default();
    for (line_no, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let gloss_line = |tally: &Tally<'_>| {
            tally.fatal(format!(
                "line {}: this is a Gloss JSONL line (it has \"annotations\"), not doccano: import it with --format jsonl, or without --format",
                line_no + 1
            ))
        };
        let parsed: DoccanoLine = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            Err(_) if has_key(line, "annotations") => return Err(gloss_line(&tally)),
            Err(e) => {
                tally.invalid(format!("line {}: not a doccano line: {e}", line_no + 1))?;
                continue;
            }
        };
        if parsed.annotations.is_some() && parsed.label.is_empty() && parsed.entities.is_empty() {
            return Err(gloss_line(&tally));
        }
        tally.annotations_read += parsed.label.len() + parsed.entities.len();
        tally.relations_read += parsed.relations.len();
        for id in parsed
            .entities
            .iter()
            .filter_map(|e| e.id.as_ref())
            .chain(parsed.relations.iter().filter_map(|r| r.id.as_ref()))
        {
            if let Some(n) = wanted_id(id) {
                ids.reserved.insert(n);
            }
        }
        lines.push((line_no, parsed));
    }
    for (line_no, parsed) in lines {
        let wanted = match &parsed.id {
            Some(serde_json::Value::String(s)) => article_id_from(s),
            Some(serde_json::Value::Number(n)) => format!("doc-{n}"),
            _ => format!("doc-{}", line_no + 1),
        };
        let title = parsed
            .text
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().chars().take(80).collect())
            .unwrap_or_else(|| wanted.clone());
        let id = article_ids.claim(&wanted);
        let mut doc = Document::new(Article::new(&id, &title, "", Text::new(parsed.text)));
        let spans = parsed
            .label
            .into_iter()
            .map(|(start, end, label)| (None, start, end, label))
            .chain(
                parsed
                    .entities
                    .into_iter()
                    .map(|e| (e.id, e.start_offset, e.end_offset, e.label)),
            );
        let mut annotations = Vec::new();
        // The line's entity ids (their JSON text) → the annotations made for them.
        let mut entity_ids: std::collections::HashMap<String, AnnotationId> =
            std::collections::HashMap::new();
        for (entity, start, end, label) in spans {
            let text = &doc.article.text;
            let Some(quote) = text
                .slice(start.min(end)..end.max(start))
                .filter(|q| start < end && !q.trim().is_empty())
            else {
                tally.invalid(format!(
                    "line {}: span [{start}, {end}, {label:?}] is outside the text ({} code points), empty or only whitespace",
                    line_no + 1,
                    text.char_len()
                ))?;
                continue;
            };
            let quote = quote.to_owned();
            let label_id = match_label(&mut session, &label);
            let mut annotation = Annotation {
                id: AnnotationId(ids.take(entity.as_ref())),
                label: label_id,
                start,
                end,
                text: quote,
                prefix: String::new(),
                suffix: String::new(),
                note: String::new(),
                attributes: std::collections::BTreeMap::new(),
                created: tally.now,
                modified: tally.now,
                orphan: false,
            };
            annotation.refresh_context(text);
            if let Some(entity) = &entity
                && entity_ids.contains_key(&entity.to_string())
            {
                tally.invalid(format!(
                    "line {}: entity id {entity} appears twice",
                    line_no + 1
                ))?;
                continue;
            }
            if let Some(entity) = entity {
                entity_ids.insert(entity.to_string(), annotation.id);
            }
            annotations.push(annotation);
        }
        let mut line_links = std::collections::HashSet::new();
        for (k, r) in parsed.relations.into_iter().enumerate() {
            let checked = (|| {
                let end = |value: &serde_json::Value, which: &str| {
                    entity_ids
                        .get(&value.to_string())
                        .copied()
                        .ok_or_else(|| format!("its {which} entity {value} is not on this line"))
                };
                if r.kind.trim().is_empty() {
                    return Err("its type is empty".to_owned());
                }
                let (from, to) = (end(&r.from_id, "source")?, end(&r.to_id, "target")?);
                if from == to {
                    return Err(format!("it links entity {} to itself", r.from_id));
                }
                Ok((from, to))
            })();
            let (from, to) = match checked {
                Ok(ends) => ends,
                Err(message) => {
                    tally.invalid(format!(
                        "line {}, relation #{}: {message}",
                        line_no + 1,
                        k + 1
                    ))?;
                    continue;
                }
            };
            let kind = match_relation_type(&mut session, &r.kind);
            if !line_links.insert((kind.clone(), from, to)) {
                tally.invalid(format!(
                    "line {}, relation #{}: it repeats a {} link from entity {} to entity {}",
                    line_no + 1,
                    k + 1,
                    r.kind,
                    r.from_id,
                    r.to_id
                ))?;
                continue;
            }
            let id = crate::model::RelationId(ids.take(r.id.as_ref()));
            session.relations.push(Relation {
                id,
                kind,
                from,
                to,
                note: String::new(),
                attributes: std::collections::BTreeMap::new(),
                created: tally.now,
                modified: tally.now,
            });
        }
        doc.annotations = annotations.into();
        add_document(&mut session, doc, &mut moved);
    }
    if session.documents.is_empty() {
        return Err(tally.fatal("no documents in the file".to_owned()));
    }
    session.fix_next_id();
    Ok(tally.finish(session, moved))
}

/// True when `line` is a JSON object with the top-level key `key`.
fn has_key(line: &str, key: &str) -> bool {
    serde_json::from_str::<std::collections::HashMap<String, serde::de::IgnoredAny>>(line)
        .is_ok_and(|keys| keys.contains_key(key))
}

/// A numeric id Gloss can keep.
fn wanted_id(id: &serde_json::Value) -> Option<u64> {
    id.as_u64()
        .filter(|&n| n > 0 && n <= crate::model::MAX_ANNOTATION_ID)
}

/// Ids handed out: a file's own numeric ids first come, first kept; fresh ones skip
/// every id the file has.
#[derive(Default)]
struct Ids {
    reserved: std::collections::HashSet<u64>,
    taken: std::collections::HashSet<u64>,
    next: u64,
}

impl Ids {
    fn take(&mut self, wanted: Option<&serde_json::Value>) -> u64 {
        if let Some(n) = wanted.and_then(wanted_id)
            && self.taken.insert(n)
        {
            return n;
        }
        loop {
            self.next += 1;
            if !self.reserved.contains(&self.next) && self.taken.insert(self.next) {
                return self.next;
            }
        }
    }
}
