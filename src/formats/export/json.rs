//! Our JSON schema: the whole session as one document, or one article per line (JSONL).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{JSON_SCHEMA, OFFSET_UNIT};
use crate::model::{Annotation, Document, Label, Session, Text, Timestamp};

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
