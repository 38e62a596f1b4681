//! Imports: our JSON schema (only `articles[].text` and `annotations[].label/start/end`
//! required) and doccano sequence-labelling JSONL.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{
    Anchoring, Annotation, AnnotationId, Article, ArticleIds, Document, Label, MAX_ANNOTATION_ID,
    Session, Text, Timestamp, article_id_from,
};

use super::export::{JsonAnnotation, JsonExport};

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
    let mut session = Session {
        relation_types: Vec::new(),
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
    session.fix_next_id();
    Ok(Imported { session, moved })
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
}

#[derive(Deserialize)]
struct DoccanoEntity {
    start_offset: usize,
    end_offset: usize,
    label: String,
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
        let spans = parsed.label.into_iter().chain(
            parsed
                .entities
                .into_iter()
                .map(|e| (e.start_offset, e.end_offset, e.label)),
        );
        let mut annotations = Vec::new();
        for (start, end, label) in spans {
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
            annotations.push(annotation);
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
