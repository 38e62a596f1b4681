//! Import of our JSON schema (1 and 2): articles, annotations with their ids, relations.

use super::{ImportError, Imported, Tally, ensure_label, malformed};
use crate::formats::export::{JsonAnnotation, JsonArticle, JsonExport, JsonRelation};
use crate::model::{
    Annotation, AnnotationId, Article, ArticleIds, Document, Label, MAX_ANNOTATION_ID, Relation,
    RelationId, RelationType, Session, Status, Text,
};

/// Import our JSON schema from a string.
pub(super) fn import_json(data: &str, tally: Tally<'_>) -> Result<Imported, ImportError> {
    let export: JsonExport =
        serde_json::from_str(data).map_err(|e| malformed(tally.path(), "JSON", 0, &e))?;
    from_export(export, tally)
}

/// Import our JSON Lines: one article object per line, each with the relations whose
/// source is in it (what `--format jsonl` exports).
pub(super) fn import_jsonl(data: &str, mut tally: Tally<'_>) -> Result<Imported, ImportError> {
    let mut articles = Vec::new();
    let mut relations = Vec::new();
    for (line_no, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut article: JsonArticle = match serde_json::from_str(line) {
            Ok(article) => article,
            Err(e) => {
                tally.invalid(format!(
                    "line {}: not a Gloss JSONL article: {e}",
                    line_no + 1
                ))?;
                continue;
            }
        };
        relations.append(&mut article.relations);
        articles.push(article);
    }
    if articles.is_empty() {
        return Err(tally.fatal("no articles in the file".to_owned()));
    }
    from_export(
        JsonExport {
            schema: crate::formats::export::JSON_SCHEMA,
            offset_unit: crate::formats::export::OFFSET_UNIT.to_owned(),
            labels: Vec::new(),
            relation_types: None,
            articles,
            relations,
        },
        tally,
    )
}

/// A session from our schema, parsed.
fn from_export(mut export: JsonExport, mut tally: Tally<'_>) -> Result<Imported, ImportError> {
    tally.annotations_read = export.articles.iter().map(|a| a.annotations.len()).sum();
    tally.relations_read = export.relations.len();
    // Schema 1 had no relation types: such a file gets the default ones.
    let declared_types = export.relation_types.is_some();
    let mut session = Session {
        relation_types: export.relation_types.unwrap_or_else(RelationType::defaults),
        relations: crate::model::Relations::default(),
        labels: if export.labels.is_empty() {
            Label::defaults()
        } else {
            export.labels
        },
        documents: Vec::new(),
        next_id: 1,
        annotator: None,
    };
    let unit = OffsetUnit::parse(&export.offset_unit).ok_or_else(|| {
        tally.fatal(format!(
            "unknown offset_unit {:?} (codepoint, utf16 or utf8)",
            export.offset_unit
        ))
    })?;
    let mut article_ids = ArticleIds::default();
    let mut pending = Vec::new();
    for (n, article) in export.articles.into_iter().enumerate() {
        let wanted = if article.id.is_empty() {
            format!("article-{}", n + 1)
        } else {
            article.id.clone()
        };
        // Ids repeated in the file are made unique, so the session always loads.
        let id = article_ids.claim(&wanted);
        let title = if article.title.is_empty() {
            id.clone()
        } else {
            article.title.clone()
        };
        let mut doc = Document::new(Article::new(
            &id,
            &title,
            &article.source,
            Text::new(article.text),
        ));
        // "in progress" is what annotations already say; only a status they do not
        // imply is stored.
        doc.article.status = match article.status {
            Status::InProgress if !article.annotations.is_empty() => Status::Todo,
            status => status,
        };
        if let Some(metadata) = article.metadata {
            doc.article.metadata = Box::new(metadata.fields);
        }
        pending.push((doc, article.annotations));
    }
    // Explicit ids first, so generated ones never collide with them.
    let mut used: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    for (doc, annotations) in &mut pending {
        let mut k = 0;
        let mut failed = None;
        annotations.retain(|a| {
            k += 1;
            let Some(id) = a.id else { return true };
            let problem = if id > MAX_ANNOTATION_ID {
                format!("id {id} is larger than {MAX_ANNOTATION_ID}, the largest id Gloss keeps")
            } else if !used.insert(id) {
                format!("annotation id {id} appears twice")
            } else {
                return true;
            };
            if failed.is_none() {
                failed = tally
                    .invalid(format!(
                        "article {:?}, annotation #{k}: {problem}",
                        doc.article.id
                    ))
                    .err();
            }
            false
        });
        if let Some(error) = failed {
            return Err(error);
        }
    }
    reserve_relation_ids(&mut export.relations, &mut used).map_err(|m| tally.fatal(m))?;
    let mut next = 1u64;
    let mut moved = Vec::new();
    for (mut doc, annotations) in pending {
        for (k, mut a) in annotations.into_iter().enumerate() {
            let id = a.id.unwrap_or_else(|| fresh_id(&mut used, &mut next));
            let converted = unit.to_chars(&doc.article.text, &mut a).and_then(|()| {
                annotation_from_json(&mut session, &doc, a, AnnotationId(id), tally.now)
            });
            match converted {
                Ok(annotation) => doc.annotations.push(annotation),
                Err(message) => tally.invalid(format!(
                    "article {:?}, annotation #{} (id {id}): {message}",
                    doc.article.id,
                    k + 1
                ))?,
            }
        }
        doc.sort();
        for (id, how) in doc.reanchor_all() {
            moved.push((doc.article.id.clone(), id, how));
        }
        session.documents.push(doc);
    }
    let relations = relations_from_json(
        &mut session,
        export.relations,
        &mut used,
        declared_types,
        &mut tally,
    )?;
    session.relations = relations.into();
    session.fix_next_id();
    Ok(tally.finish(session, moved))
}

/// The first id from `next` on that is not used yet (then used). Amortised O(1): `next`
/// only grows.
fn fresh_id(used: &mut std::collections::BTreeSet<u64>, next: &mut u64) -> u64 {
    while used.contains(next) {
        *next += 1;
    }
    used.insert(*next);
    *next
}

/// Reserve the relations' explicit ids (before any id is generated, so none is taken).
/// Nothing in a file refers to a relation's id, so an id that an annotation or an earlier
/// relation already has is not an error: that relation gets a fresh id instead.
fn reserve_relation_ids(
    relations: &mut [JsonRelation],
    used: &mut std::collections::BTreeSet<u64>,
) -> Result<(), String> {
    for (k, r) in relations.iter_mut().enumerate() {
        let Some(id) = r.id else { continue };
        if id > MAX_ANNOTATION_ID {
            return Err(format!(
                "relation #{} (id {id}): the id is larger than {MAX_ANNOTATION_ID}, the largest id Gloss keeps",
                k + 1
            ));
        }
        if !used.insert(id) {
            r.id = None;
        }
    }
    Ok(())
}

/// The file's relations, checked against the imported annotations: ids unique (and no
/// annotation's), a known type (types the file does not declare are created when it
/// declares none), two different ends that exist, no repeated link. `used` holds every
/// annotation id and the relations' explicit ids; generated relation ids are added.
fn relations_from_json(
    session: &mut Session,
    relations: Vec<JsonRelation>,
    used: &mut std::collections::BTreeSet<u64>,
    declared_types: bool,
    tally: &mut Tally<'_>,
) -> Result<Vec<Relation>, ImportError> {
    if relations.is_empty() {
        return Ok(Vec::new());
    }
    let annotations: std::collections::HashSet<u64> = session
        .documents
        .iter()
        .flat_map(|d| d.annotations.iter().map(|a| a.id.0))
        .collect();
    let mut next = 1u64;
    let mut links = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(relations.len());
    for (k, r) in relations.into_iter().enumerate() {
        let id = r.id.unwrap_or_else(|| fresh_id(used, &mut next));
        if let Err(message) = check_relation(session, &annotations, &links, &r, declared_types) {
            tally.invalid(format!("relation #{} (id {id}): {message}", k + 1))?;
            continue;
        }
        if session.relation_type(&r.kind).is_none() {
            let color = Label::palette_color(session.relation_types.len() + 1);
            session
                .relation_types
                .push(RelationType::new(&r.kind, &r.kind, color));
        }
        links.insert((r.kind.clone(), r.from, r.to), id);
        let created = r.created.unwrap_or(tally.now);
        out.push(Relation {
            id: RelationId(id),
            kind: r.kind,
            from: AnnotationId(r.from),
            to: AnnotationId(r.to),
            note: r.note,
            attributes: r.attributes,
            created,
            modified: r.modified.unwrap_or(created),
        });
    }
    out.sort_by_key(|r| r.id);
    Ok(out)
}

/// Why a relation of the file cannot be imported, if it cannot.
fn check_relation(
    session: &Session,
    annotations: &std::collections::HashSet<u64>,
    links: &std::collections::HashMap<(String, u64, u64), u64>,
    r: &JsonRelation,
    declared_types: bool,
) -> Result<(), String> {
    for (end, at) in [("source", r.from), ("target", r.to)] {
        if !annotations.contains(&at) {
            return Err(format!("its {end}, annotation {at}, is not in the file"));
        }
    }
    if r.from == r.to {
        return Err(format!("it links annotation {} to itself", r.from));
    }
    if declared_types && session.relation_type(&r.kind).is_none() {
        return Err(format!(
            "its type {:?} is not among the file's relation_types",
            r.kind
        ));
    }
    if let Some(first) = links.get(&(r.kind.clone(), r.from, r.to)) {
        return Err(format!(
            "it repeats relation {first} ({} from {} to {})",
            r.kind, r.from, r.to
        ));
    }
    Ok(())
}

/// The unit of `start`/`end` in an imported JSON file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OffsetUnit {
    Codepoint,
    Utf16,
    Utf8,
}

impl OffsetUnit {
    fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "codepoint" | "codepoints" | "char" | "chars" => Some(Self::Codepoint),
            "utf16" | "utf16codeunit" | "utf16codeunits" => Some(Self::Utf16),
            "utf8" | "byte" | "bytes" | "utf8byte" | "utf8bytes" => Some(Self::Utf8),
            _ => None,
        }
    }

    /// Convert the annotation's `start`/`end` to code points.
    fn to_chars(self, text: &Text, a: &mut JsonAnnotation) -> Result<(), String> {
        let convert = |offset: usize| match self {
            Self::Codepoint => Some(offset),
            Self::Utf16 => text.char_of_utf16(offset),
            Self::Utf8 => text.char_of_byte(offset),
        };
        if self == Self::Codepoint {
            return Ok(());
        }
        let name = if self == Self::Utf16 {
            "UTF-16"
        } else {
            "UTF-8"
        };
        match (convert(a.start), convert(a.end)) {
            (Some(start), Some(end)) => {
                a.start = start;
                a.end = end;
                Ok(())
            }
            _ if a.orphan => Ok(()),
            _ => Err(format!(
                "span {}..{} in {name} units is outside the text or splits a character",
                a.start, a.end
            )),
        }
    }
}

fn annotation_from_json(
    session: &mut Session,
    doc: &Document,
    a: JsonAnnotation,
    id: AnnotationId,
    now: crate::model::Timestamp,
) -> Result<Annotation, String> {
    let text = &doc.article.text;
    if a.start > a.end {
        return Err(format!("start {} is after end {}", a.start, a.end));
    }
    let at_offsets = text.slice(a.start..a.end);
    if at_offsets.is_none() && !a.orphan {
        return Err(format!(
            "span {}..{} is outside the text ({} code points)",
            a.start,
            a.end,
            text.char_len()
        ));
    }
    ensure_label(session, &a.label);
    let quote = a
        .text
        .unwrap_or_else(|| at_offsets.unwrap_or_default().to_owned());
    if quote.trim().is_empty() {
        return Err(format!(
            "span {}..{} is empty or only whitespace: nothing to annotate",
            a.start, a.end
        ));
    }
    let created = a.created.unwrap_or(now);
    let mut annotation = Annotation {
        id,
        label: a.label,
        start: a.start,
        end: a.end,
        text: quote,
        prefix: String::new(),
        suffix: String::new(),
        note: a.note,
        attributes: a.attributes,
        created,
        modified: a.modified.unwrap_or(created),
        orphan: a.orphan,
    };
    annotation.refresh_context(text);
    Ok(annotation)
}
