//! Our JSON schema: the whole session as one document, or one article per line (JSONL).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Ends, JSON_SCHEMA, OFFSET_UNIT};
use crate::model::{
    Annotation, Document, Label, Metadata, Relation, RelationType, Session, Status, Text, Timestamp,
};

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
    /// Progress: `todo`, `in_progress` (it has annotations, or was marked so) or `done`.
    #[serde(default)]
    pub status: Status,
    /// What the web page said about itself; absent for text files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonMetadata>,
    /// Annotations in text order.
    #[serde(default)]
    pub annotations: Vec<JsonAnnotation>,
    /// In JSONL only: the relations whose source is in this article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<JsonRelation>,
}

/// An article's metadata in our JSON schema: its title with what the page said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonMetadata {
    /// The article's title (also the article's `title`).
    #[serde(default)]
    pub title: String,
    /// Byline, site name, published date, language, URL, excerpt, extraction.
    #[serde(flatten)]
    pub fields: Metadata,
}

/// A relation in our JSON schema (version 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonRelation {
    /// Stable id, from the same counter as annotation ids (assigned on import when
    /// missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Relation type id.
    #[serde(rename = "type")]
    pub kind: String,
    /// The source annotation's id.
    pub from: u64,
    /// The target annotation's id.
    pub to: u64,
    /// The source's article id (written for readers; not needed on import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_article: Option<String>,
    /// The target's article id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_article: Option<String>,
    /// Free-text note.
    #[serde(default)]
    pub note: String,
    /// Attributes, sorted by key.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// When it was made (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// When it last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Timestamp>,
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
    /// The relation types (`None` in a schema-1 file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_types: Option<Vec<RelationType>>,
    /// The articles.
    pub articles: Vec<JsonArticle>,
    /// Links between annotations, in id order.
    #[serde(default)]
    pub relations: Vec<JsonRelation>,
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
        status: doc.status(),
        metadata: (!doc.article.metadata.is_empty()).then(|| JsonMetadata {
            title: doc.article.title.clone(),
            fields: (*doc.article.metadata).clone(),
        }),
        annotations: doc
            .annotations
            .iter()
            .map(|a| json_annotation(text, a))
            .collect(),
        relations: Vec::new(),
    }
}

/// One relation in our schema, with the articles of its ends.
pub fn json_relation(session: &Session, ends: &Ends<'_>, r: &Relation) -> JsonRelation {
    let article = |id| {
        ends.get(id)
            .and_then(|(n, _)| session.documents.get(n))
            .map(|d| d.article.id.clone())
    };
    JsonRelation {
        id: Some(r.id.0),
        kind: r.kind.clone(),
        from: r.from.0,
        to: r.to.0,
        from_article: article(r.from),
        to_article: article(r.to),
        note: r.note.clone(),
        attributes: r.attributes.clone(),
        created: Some(r.created),
        modified: Some(r.modified),
    }
}

/// The JSONL lines: each article with the relations whose source is in it.
pub(super) fn jsonl_articles(session: &Session) -> impl Iterator<Item = JsonArticle> + '_ {
    let ends = Ends::of(session);
    let mut per_article: Vec<Vec<JsonRelation>> = vec![Vec::new(); session.documents.len()];
    for r in session.relations.iter() {
        if let Some((n, _)) = ends.get(r.from)
            && let Some(list) = per_article.get_mut(n)
        {
            list.push(json_relation(session, &ends, r));
        }
    }
    session
        .documents
        .iter()
        .zip(per_article)
        .map(|(doc, relations)| JsonArticle {
            relations,
            ..json_article(doc)
        })
}

/// The session in our schema.
pub fn to_json_export(session: &Session) -> JsonExport {
    JsonExport {
        schema: JSON_SCHEMA,
        offset_unit: OFFSET_UNIT.to_owned(),
        labels: session.labels.clone(),
        relation_types: Some(session.relation_types.clone()),
        articles: session.documents.iter().map(json_article).collect(),
        relations: {
            let ends = Ends::of(session);
            session
                .relations
                .iter()
                .map(|r| json_relation(session, &ends, r))
                .collect()
        },
    }
}
