//! Imports: our JSON schema (only `articles[].text` and `annotations[].label/start/end`
//! required) and doccano sequence-labelling JSONL.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{
    Anchoring, Annotation, AnnotationId, Article, ArticleIds, Document, Label, MAX_ANNOTATION_ID,
    Relation, RelationId, RelationType, Session, Text, Timestamp, article_id_from,
};

use super::export::{JsonAnnotation, JsonExport, JsonRelation};

/// An import format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// Our JSON schema.
    Json,
    /// doccano JSONL.
    Doccano,
}

impl ImportFormat {
    /// Every format.
    pub const ALL: [Self; 2] = [Self::Json, Self::Doccano];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Doccano => "doccano",
        }
    }

    /// Parse a command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Guess from the file: `.jsonl` is doccano, anything else our JSON.
    pub fn guess(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => Self::Doccano,
            _ => Self::Json,
        }
    }
}

/// Why an import failed. Messages end with the path.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Could not read the file.
    #[error("cannot read ({reason}): {}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (in the message, not a `source()`, so the path stays last).
        reason: std::io::Error,
    },
    /// Not valid JSON of the expected shape.
    #[error("malformed {format} at line {line}, column {column}: {message}: {}", .path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Format name.
        format: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Valid JSON, but an annotation does not fit its text.
    #[error("{message}: {}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the article and annotation.
        message: String,
    },
}

/// The result of an import: the session and what had to be re-anchored.
#[derive(Debug)]
pub struct Imported {
    /// The session.
    pub session: Session,
    /// Annotations whose `text` did not match their offsets and were moved or orphaned.
    pub moved: Vec<(String, AnnotationId, Anchoring)>,
}

/// Read and import a file.
pub fn import_file(path: &Path, format: ImportFormat) -> Result<Imported, ImportError> {
    use super::input::{MAX_IMPORT_BYTES, read_regular_text};
    let data = read_regular_text(path, MAX_IMPORT_BYTES).map_err(|e| ImportError::Read {
        path: path.to_owned(),
        reason: e.into_io(),
    })?;
    let mut imported = match format {
        ImportFormat::Json => import_json(&data, path)?,
        ImportFormat::Doccano => import_doccano(&data, path)?,
    };
    // Relative article sources are relative to the file that names them.
    let base = path.parent().filter(|p| !p.as_os_str().is_empty());
    for doc in &mut imported.session.documents {
        let source = Path::new(&doc.article.source);
        if let Some(base) = base
            && !doc.article.source.is_empty()
            && source.is_relative()
        {
            doc.article.source = base.join(source).to_string_lossy().into_owned();
        }
    }
    Ok(imported)
}

fn malformed(
    path: &Path,
    format: &'static str,
    line_offset: usize,
    e: &serde_json::Error,
) -> ImportError {
    ImportError::Malformed {
        path: path.to_owned(),
        format,
        line: e.line() + line_offset,
        column: e.column(),
        message: e.to_string(),
    }
}

/// Import our JSON schema from a string (`path` for messages).
pub fn import_json(data: &str, path: &Path) -> Result<Imported, ImportError> {
    let export: JsonExport =
        serde_json::from_str(data).map_err(|e| malformed(path, "JSON", 0, &e))?;
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
    };
    let unit = OffsetUnit::parse(&export.offset_unit).ok_or_else(|| ImportError::Invalid {
        path: path.to_owned(),
        message: format!(
            "unknown offset_unit {:?} (codepoint, utf16 or utf8)",
            export.offset_unit
        ),
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
        let doc = Document::new(Article::new(
            &id,
            &title,
            &article.source,
            Text::new(article.text),
        ));
        pending.push((doc, article.annotations));
    }
    // Explicit ids first, so generated ones never collide with them.
    let mut used: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    for (doc, annotations) in &pending {
        for (k, a) in annotations.iter().enumerate() {
            let Some(id) = a.id else { continue };
            if id > MAX_ANNOTATION_ID {
                return Err(ImportError::Invalid {
                    path: path.to_owned(),
                    message: format!(
                        "article {:?}, annotation #{}: id {id} is larger than {MAX_ANNOTATION_ID}, the largest id Gloss keeps",
                        doc.article.id,
                        k + 1
                    ),
                });
            }
            if !used.insert(id) {
                return Err(ImportError::Invalid {
                    path: path.to_owned(),
                    message: format!(
                        "article {:?}, annotation #{}: annotation id {id} appears twice",
                        doc.article.id,
                        k + 1
                    ),
                });
            }
        }
    }
    reserve_relation_ids(&export.relations, &mut used).map_err(|message| ImportError::Invalid {
        path: path.to_owned(),
        message,
    })?;
    let mut next = 1u64;
    let mut moved = Vec::new();
    for (mut doc, annotations) in pending {
        for (k, mut a) in annotations.into_iter().enumerate() {
            let id = match a.id {
                Some(id) => id,
                None => {
                    while used.contains(&next) {
                        next += 1;
                    }
                    used.insert(next);
                    next
                }
            };
            let invalid = |message: String| ImportError::Invalid {
                path: path.to_owned(),
                message: format!(
                    "article {:?}, annotation #{} (id {id}): {message}",
                    doc.article.id,
                    k + 1
                ),
            };
            unit.to_chars(&doc.article.text, &mut a).map_err(invalid)?;
            let annotation =
                annotation_from_json(&mut session, &doc, a, AnnotationId(id)).map_err(invalid)?;
            doc.annotations.push(annotation);
        }
        doc.sort();
        for (id, how) in doc.reanchor_all() {
            moved.push((doc.article.id.clone(), id, how));
        }
        session.documents.push(doc);
    }
    let relations = relations_from_json(&mut session, export.relations, &mut used, declared_types)
        .map_err(|message| ImportError::Invalid {
            path: path.to_owned(),
            message,
        })?;
    session.relations = relations.into();
    session.fix_next_id();
    Ok(Imported { session, moved })
}

/// Reserve the relations' explicit ids (before any id is generated, so none is taken).
fn reserve_relation_ids(
    relations: &[JsonRelation],
    used: &mut std::collections::BTreeSet<u64>,
) -> Result<(), String> {
    for (k, r) in relations.iter().enumerate() {
        let Some(id) = r.id else { continue };
        if id > MAX_ANNOTATION_ID {
            return Err(format!(
                "relation #{} (id {id}): the id is larger than {MAX_ANNOTATION_ID}, the largest id Gloss keeps",
                k + 1
            ));
        }
        if !used.insert(id) {
            return Err(format!(
                "relation #{} (id {id}): the id is already used by an annotation or relation",
                k + 1
            ));
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
) -> Result<Vec<Relation>, String> {
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
        let id = match r.id {
            Some(id) => id,
            None => {
                while used.contains(&next) {
                    next += 1;
                }
                used.insert(next);
                next
            }
        };
        let fail = |message: String| Err(format!("relation #{} (id {id}): {message}", k + 1));
        for (end, at) in [("source", r.from), ("target", r.to)] {
            if !annotations.contains(&at) {
                return fail(format!("its {end}, annotation {at}, is not in the file"));
            }
        }
        if r.from == r.to {
            return fail(format!("it links annotation {} to itself", r.from));
        }
        if session.relation_type(&r.kind).is_none() {
            if declared_types {
                return fail(format!(
                    "its type {:?} is not among the file's relation_types",
                    r.kind
                ));
            }
            let color = Label::palette_color(session.relation_types.len() + 1);
            session
                .relation_types
                .push(RelationType::new(&r.kind, &r.kind, color));
        }
        if let Some(first) = links.insert((r.kind.clone(), r.from, r.to), id) {
            return fail(format!(
                "it repeats relation {first} ({} from {} to {})",
                r.kind, r.from, r.to
            ));
        }
        let created = r.created.unwrap_or_default();
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
    let created = a.created.unwrap_or_default();
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

/// Add a label for an id that the label list does not have (imports from other tools).
fn ensure_label(session: &mut Session, id: &str) {
    if session.label(id).is_none() {
        let color = Label::palette_color(session.labels.len());
        session.labels.push(Label::new(id, id, color));
    }
}

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
    from_id: serde_json::Value,
    to_id: serde_json::Value,
    #[serde(rename = "type")]
    kind: String,
}

/// Import doccano JSONL (`label: [[start, end, "LABEL"]]`, or `entities`), one article
/// per line. Labels are matched to session labels by id, then by name, case-insensitively.
pub fn import_doccano(data: &str, path: &Path) -> Result<Imported, ImportError> {
    let mut session = Session::new();
    let mut article_ids = ArticleIds::default();
    let mut moved = Vec::new();
    for (line_no, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: DoccanoLine = serde_json::from_str(line)
            .map_err(|e| malformed(path, "doccano JSONL", line_no, &e))?;
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
            let quote = text
                .slice(start.min(end)..end.max(start))
                .filter(|q| start < end && !q.trim().is_empty())
                .ok_or_else(|| ImportError::Invalid {
                    path: path.to_owned(),
                    message: format!(
                        "line {}: span [{start}, {end}, {label:?}] is outside the text ({} code points), empty or only whitespace",
                        line_no + 1,
                        text.char_len()
                    ),
                })?
                .to_owned();
            let label_id = match_label(&mut session, &label);
            let mut annotation = Annotation {
                id: session.allocate_id(),
                label: label_id,
                start,
                end,
                text: quote,
                prefix: String::new(),
                suffix: String::new(),
                note: String::new(),
                attributes: std::collections::BTreeMap::new(),
                created: Timestamp::default(),
                modified: Timestamp::default(),
                orphan: false,
            };
            annotation.refresh_context(text);
            if let Some(entity) = entity
                && entity_ids
                    .insert(entity.to_string(), annotation.id)
                    .is_some()
            {
                return Err(ImportError::Invalid {
                    path: path.to_owned(),
                    message: format!("line {}: entity id {entity} appears twice", line_no + 1),
                });
            }
            annotations.push(annotation);
        }
        let mut line_links = std::collections::HashSet::new();
        for (k, r) in parsed.relations.into_iter().enumerate() {
            let invalid = |message: String| ImportError::Invalid {
                path: path.to_owned(),
                message: format!("line {}, relation #{}: {message}", line_no + 1, k + 1),
            };
            let end = |value: &serde_json::Value, which: &str| {
                entity_ids.get(&value.to_string()).copied().ok_or_else(|| {
                    invalid(format!("its {which} entity {value} is not on this line"))
                })
            };
            if r.kind.trim().is_empty() {
                return Err(invalid("its type is empty".to_owned()));
            }
            let (from, to) = (end(&r.from_id, "source")?, end(&r.to_id, "target")?);
            if from == to {
                return Err(invalid(format!("it links entity {} to itself", r.from_id)));
            }
            let kind = match_relation_type(&mut session, &r.kind);
            if !line_links.insert((kind.clone(), from, to)) {
                return Err(invalid(format!(
                    "it repeats a {} link from entity {} to entity {}",
                    r.kind, r.from_id, r.to_id
                )));
            }
            let id = crate::model::RelationId(session.allocate_id().0);
            session.relations.push(Relation {
                id,
                kind,
                from,
                to,
                note: String::new(),
                attributes: std::collections::BTreeMap::new(),
                created: Timestamp::default(),
                modified: Timestamp::default(),
            });
        }
        doc.annotations = annotations.into();
        doc.sort();
        for (aid, how) in doc.reanchor_all() {
            moved.push((id.clone(), aid, how));
        }
        session.documents.push(doc);
    }
    if session.documents.is_empty() {
        return Err(ImportError::Invalid {
            path: path.to_owned(),
            message: "no documents in the file".to_owned(),
        });
    }
    Ok(Imported { session, moved })
}

/// The relation type with this id or name (case-insensitively), created when missing.
fn match_relation_type(session: &mut Session, name: &str) -> String {
    if let Some(kind) = session
        .relation_types
        .iter()
        .find(|t| t.id.eq_ignore_ascii_case(name) || t.name.eq_ignore_ascii_case(name))
    {
        return kind.id.clone();
    }
    let color = Label::palette_color(session.relation_types.len() + 1);
    session
        .relation_types
        .push(RelationType::new(name, name, color));
    name.to_owned()
}

fn match_label(session: &mut Session, name: &str) -> String {
    if let Some(label) = session
        .labels
        .iter()
        .find(|l| l.id.eq_ignore_ascii_case(name) || l.name.eq_ignore_ascii_case(name))
    {
        return label.id.clone();
    }
    ensure_label(session, name);
    name.to_owned()
}
