//! Exports: our JSON schema (and JSONL), doccano, Label Studio, W3C Web Annotation and
//! brat standoff. Offsets are Unicode code points (chars) unless a field says otherwise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::{Annotation, Document, Label, Session, Text, Timestamp};

/// Version of our JSON schema.
pub const JSON_SCHEMA: u32 = 1;

/// The unit of `start`/`end` in every export.
pub const OFFSET_UNIT: &str = "codepoint";

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// Our schema, one JSON document.
    Json,
    /// Our article objects, one per line.
    Jsonl,
    /// doccano sequence-labelling JSONL.
    Doccano,
    /// Label Studio task JSON.
    LabelStudio,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// A folder of brat `.txt` + `.ann` standoff files.
    Brat,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 6] = [
        Self::Json,
        Self::Jsonl,
        Self::Doccano,
        Self::LabelStudio,
        Self::W3c,
        Self::Brat,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Jsonl => "jsonl",
            Self::Doccano => "doccano",
            Self::LabelStudio => "label-studio",
            Self::W3c => "w3c",
            Self::Brat => "brat",
        }
    }

    /// A description for menus.
    pub fn title(self) -> &'static str {
        match self {
            Self::Json => "Gloss JSON",
            Self::Jsonl => "Gloss JSON Lines (one article per line)",
            Self::Doccano => "doccano sequence labelling (JSONL)",
            Self::LabelStudio => "Label Studio tasks (JSON)",
            Self::W3c => "W3C Web Annotation (JSON-LD)",
            Self::Brat => "brat standoff (folder of .txt + .ann)",
        }
    }

    /// File extension of the output (`None` for brat, which writes a folder).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Self::Json | Self::LabelStudio => Some("json"),
            Self::Jsonl | Self::Doccano => Some("jsonl"),
            Self::W3c => Some("jsonld"),
            Self::Brat => None,
        }
    }

    /// Parse a command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Why an export failed. Messages end with the path.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Could not write the output.
    #[error("cannot write export ({reason}): {}", .path.display())]
    Write {
        /// Where.
        path: PathBuf,
        /// Why (in the message, not a `source()`, so the path stays last).
        reason: std::io::Error,
    },
    /// brat writes a folder and needs `-o FOLDER`.
    #[error("the brat export writes a folder of files: give an output folder with -o")]
    NeedsFolder,
    /// The brat folder already has a file the export would replace.
    #[error("the folder already has {file}, which the brat export would replace; choose a new or empty folder, or pass --force: {}", .folder.display())]
    WouldReplace {
        /// The folder.
        folder: PathBuf,
        /// The first file that would be replaced.
        file: String,
    },
    /// The export could not be rendered (nothing was written).
    #[error("cannot render the {format} export: {}", .path.display())]
    Render {
        /// Where it was going.
        path: PathBuf,
        /// Format name.
        format: &'static str,
    },
}

/// An annotation in our JSON schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonAnnotation {
    /// Stable id (assigned on import when missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Label id.
    pub label: String,
    /// Start, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// `text[start:end]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Start in UTF-8 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_utf8: Option<usize>,
    /// End in UTF-8 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_utf8: Option<usize>,
    /// Start in UTF-16 code units (JavaScript string index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_utf16: Option<usize>,
    /// End in UTF-16 code units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_utf16: Option<usize>,
    /// Free-text note.
    #[serde(default)]
    pub note: String,
    /// Attributes, sorted by key.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// True when the quote could not be placed in the current text.
    #[serde(default)]
    pub orphan: bool,
    /// When it was made (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// When it last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Timestamp>,
}

/// An article in our JSON schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonArticle {
    /// Article id (made from the title or position on import when missing).
    #[serde(default)]
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Source path.
    #[serde(default)]
    pub source: String,
    /// SHA-256 of the text.
    #[serde(default)]
    pub sha256: String,
    /// The text, LF line endings.
    pub text: String,
    /// Annotations in text order.
    #[serde(default)]
    pub annotations: Vec<JsonAnnotation>,
}

/// Our whole JSON document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonExport {
    /// Schema version.
    #[serde(default = "default_schema")]
    pub schema: u32,
    /// Unit of `start`/`end`.
    #[serde(default = "default_unit")]
    pub offset_unit: String,
    /// The label set.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// The articles.
    pub articles: Vec<JsonArticle>,
}

fn default_schema() -> u32 {
    JSON_SCHEMA
}

fn default_unit() -> String {
    OFFSET_UNIT.to_owned()
}

/// One annotation in our schema, with its offsets in all three units.
pub fn json_annotation(text: &Text, a: &Annotation) -> JsonAnnotation {
    let bytes = text.byte_range(a.span());
    JsonAnnotation {
        id: Some(a.id.0),
        label: a.label.clone(),
        start: a.start,
        end: a.end,
        text: Some(a.text.clone()),
        start_utf8: bytes.as_ref().map(|r| r.start),
        end_utf8: bytes.as_ref().map(|r| r.end),
        start_utf16: text.utf16_of_char(a.start),
        end_utf16: text.utf16_of_char(a.end),
        note: a.note.clone(),
        attributes: a.attributes.clone(),
        orphan: a.orphan,
        created: Some(a.created),
        modified: Some(a.modified),
    }
}

/// One article in our schema.
pub fn json_article(doc: &Document) -> JsonArticle {
    let text = &doc.article.text;
    JsonArticle {
        id: doc.article.id.clone(),
        title: doc.article.title.clone(),
        source: doc.article.source.clone(),
        sha256: doc.article.sha256.clone(),
        text: text.as_str().to_owned(),
        annotations: doc
            .annotations
            .iter()
            .map(|a| json_annotation(text, a))
            .collect(),
    }
}

/// The session in our schema.
pub fn to_json_export(session: &Session) -> JsonExport {
    JsonExport {
        schema: JSON_SCHEMA,
        offset_unit: OFFSET_UNIT.to_owned(),
        labels: session.labels.clone(),
        articles: session.documents.iter().map(json_article).collect(),
    }
}

/// Render a single-file export to a string (brat is a folder: see [`write_brat`]).
pub fn export_string(session: &Session, format: ExportFormat) -> Option<String> {
    let mut out = match format {
        ExportFormat::Json => serde_json::to_string_pretty(&to_json_export(session)).ok()?,
        ExportFormat::Jsonl => jsonl(session.documents.iter().map(json_article)),
        ExportFormat::Doccano => jsonl(session.documents.iter().map(doccano_line)),
        ExportFormat::LabelStudio => serde_json::to_string_pretty(&label_studio(session)).ok()?,
        ExportFormat::W3c => serde_json::to_string_pretty(&w3c(session)).ok()?,
        ExportFormat::Brat => return None,
    };
    // JSON Lines of nothing is an empty file, not a blank line.
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
}

fn jsonl<T: Serialize>(items: impl Iterator<Item = T>) -> String {
    let mut out = String::new();
    for item in items {
        if let Ok(line) = serde_json::to_string(&item) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn live(doc: &Document) -> impl Iterator<Item = &Annotation> {
    doc.annotations.iter().filter(|a| !a.orphan)
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

fn label_studio(session: &Session) -> Value {
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

fn w3c(session: &Session) -> Value {
    let items: Vec<Value> = session
        .documents
        .iter()
        .flat_map(|doc| {
            live(doc).map(move |a| {
                let source = if doc.article.source.is_empty() {
                    format!("urn:gloss:article:{}", doc.article.id)
                } else {
                    file_uri(&doc.article.source)
                };
                let mut body = vec![json!({
                    "type": "TextualBody",
                    "purpose": "tagging",
                    "value": a.label,
                })];
                if !a.note.is_empty() {
                    body.push(json!({
                        "type": "TextualBody",
                        "purpose": "commenting",
                        "value": a.note,
                    }));
                }
                for (key, value) in &a.attributes {
                    body.push(json!({
                        "type": "TextualBody",
                        "purpose": "describing",
                        "value": format!("{key}: {value}"),
                    }));
                }
                json!({
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": format!("urn:gloss:annotation:{}", a.id),
                    "type": "Annotation",
                    "created": a.created.to_rfc3339(),
                    "modified": a.modified.to_rfc3339(),
                    "body": body,
                    "target": {
                        "source": source,
                        "selector": [
                            {
                                "type": "TextQuoteSelector",
                                "exact": a.text,
                                "prefix": a.prefix,
                                "suffix": a.suffix,
                            },
                            {
                                "type": "TextPositionSelector",
                                "start": a.start,
                                "end": a.end,
                            }
                        ]
                    }
                })
            })
        })
        .collect();
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "label": "Gloss export (TextPositionSelector offsets in code points)",
        "total": items.len(),
        "first": { "type": "AnnotationPage", "items": items },
    })
}

fn file_uri(path: &str) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut uri = String::from("file://");
    for byte in absolute.to_string_lossy().replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// The `.ann` standoff text of one document. Spans that cross line breaks become
/// discontinuous fragments, as brat requires.
pub fn brat_ann(session: &Session, doc: &Document) -> String {
    let mut out = String::new();
    let mut note_n = 0;
    let mut attr_n = 0;
    for (n, a) in live(doc).enumerate() {
        let t = n + 1;
        let fragments = brat_fragments(&doc.article.text, a.start, a.end);
        let ranges: Vec<String> = fragments.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let text: Vec<&str> = fragments
            .iter()
            .filter_map(|&(s, e)| doc.article.text.slice(s..e))
            .collect();
        out.push_str(&format!(
            "T{t}\t{} {}\t{}\n",
            brat_type(&a.label),
            ranges.join(";"),
            text.join(" ")
        ));
        for (key, value) in &a.attributes {
            if value.is_empty() {
                continue;
            }
            if value.split_whitespace().count() == 1
                && session.label(&a.label).is_some_and(|l| {
                    l.attributes
                        .iter()
                        .any(|s| s.key == *key && !s.choices.is_empty())
                })
            {
                attr_n += 1;
                out.push_str(&format!(
                    "A{attr_n}\t{} T{t} {}\n",
                    brat_type(key),
                    brat_type(value)
                ));
            } else {
                note_n += 1;
                out.push_str(&format!(
                    "#{note_n}\tAnnotatorNotes T{t}\t{}: {}\n",
                    one_line(key),
                    one_line(value)
                ));
            }
        }
        if !a.note.is_empty() {
            note_n += 1;
            out.push_str(&format!(
                "#{note_n}\tAnnotatorNotes T{t}\t{}\n",
                one_line(&a.note)
            ));
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A brat type, attribute or value name: brat's files are tab- and line-separated and
/// use `:`, `,`, `|` and `=` as syntax, so anything but a letter, digit, `-`, `_` or `.`
/// becomes `_`.
fn brat_type(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "_".to_owned()
    } else {
        safe
    }
}

fn brat_fragments(text: &Text, start: usize, end: usize) -> Vec<(usize, usize)> {
    let Some(span) = text.slice(start..end) else {
        return Vec::new();
    };
    let mut fragments = Vec::new();
    let mut at = start;
    for line in span.split('\n') {
        let len = line.chars().count();
        let trimmed_start = line.chars().take_while(|c| c.is_whitespace()).count();
        let trimmed_end = line.chars().rev().take_while(|c| c.is_whitespace()).count();
        if trimmed_start < len {
            fragments.push((at + trimmed_start, at + len - trimmed_end));
        }
        at += len + 1;
    }
    fragments
}

/// brat's `annotation.conf` for the session's labels.
pub fn brat_conf(session: &Session) -> String {
    let mut out = String::from("[entities]\n");
    for label in &session.labels {
        out.push_str(&brat_type(&label.id));
        out.push('\n');
    }
    out.push_str("\n[relations]\n\n[events]\n\n[attributes]\n");
    for label in &session.labels {
        for spec in label.attributes.iter().filter(|s| !s.choices.is_empty()) {
            out.push_str(&format!(
                "{}\tArg:{}, Value:{}\n",
                brat_type(&spec.key),
                brat_type(&label.id),
                spec.choices
                    .iter()
                    .map(|c| brat_type(c))
                    .collect::<Vec<_>>()
                    .join("|")
            ));
        }
    }
    out
}

/// A file name for an article id: ids come from files, so anything that is not a
/// letter, digit, `-` or `_` becomes `_` (no `..`, no separators), and a name already
/// used gets a number.
fn brat_file_stem(id: &str, used: &mut std::collections::BTreeSet<String>) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = if safe.is_empty() {
        "article".to_owned()
    } else {
        safe
    };
    let stem = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|name| !used.contains(name))
        .unwrap_or(base);
    used.insert(stem.clone());
    stem
}

/// Write the brat folder: `ID.txt` + `ID.ann` per article and `annotation.conf`.
/// All or nothing: every file is written into a temporary folder beside `folder` first.
/// A new folder is then renamed into place; into an existing one the files are moved,
/// which must not replace any file unless `replace` (never a person's `article.txt` by
/// surprise).
pub fn write_brat(session: &Session, folder: &Path, replace: bool) -> Result<(), ExportError> {
    let write_err = |path: &Path| {
        let path = path.to_owned();
        move |reason| ExportError::Write { path, reason }
    };
    let mut used = std::collections::BTreeSet::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for doc in &session.documents {
        let stem = brat_file_stem(&doc.article.id, &mut used);
        files.push((format!("{stem}.txt"), doc.article.text.as_str().to_owned()));
        files.push((format!("{stem}.ann"), brat_ann(session, doc)));
    }
    files.push(("annotation.conf".to_owned(), brat_conf(session)));
    let exists = match std::fs::symlink_metadata(folder) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            return Err(ExportError::Write {
                path: folder.to_owned(),
                reason: std::io::Error::other("not a folder"),
            });
        }
        Err(_) => false,
    };
    if exists
        && !replace
        && let Some((name, _)) = files.iter().find(|(name, _)| folder.join(name).exists())
    {
        return Err(ExportError::WouldReplace {
            folder: folder.to_owned(),
            file: name.clone(),
        });
    }
    let parent = match folder.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".gloss-brat-")
        .tempdir_in(&parent)
        .map_err(write_err(&parent))?;
    for (name, content) in &files {
        let path = staging.path().join(name);
        std::fs::write(&path, content).map_err(write_err(&path))?;
    }
    if exists {
        for (name, _) in &files {
            let target = folder.join(name);
            std::fs::rename(staging.path().join(name), &target).map_err(write_err(&target))?;
        }
    } else {
        let staged = staging.keep();
        if let Err(reason) = std::fs::rename(&staged, folder) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(ExportError::Write {
                path: folder.to_owned(),
                reason,
            });
        }
    }
    Ok(())
}

/// Export to `out` (a file, or a folder for brat). The file is written atomically; a brat
/// folder never replaces existing files.
pub fn export_session(
    session: &Session,
    format: ExportFormat,
    out: &Path,
) -> Result<(), ExportError> {
    export_session_with(session, format, out, false)
}

/// [`export_session`]; with `replace`, a brat export may replace files in its folder.
pub fn export_session_with(
    session: &Session,
    format: ExportFormat,
    out: &Path,
    replace: bool,
) -> Result<(), ExportError> {
    if format == ExportFormat::Brat {
        return write_brat(session, out, replace);
    }
    let text = export_string(session, format).ok_or_else(|| ExportError::Render {
        path: out.to_owned(),
        format: format.name(),
    })?;
    super::write_atomic(out, text.as_bytes()).map_err(|reason| ExportError::Write {
        path: out.to_owned(),
        reason,
    })
}
