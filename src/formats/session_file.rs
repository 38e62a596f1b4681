//! The session file: pretty, versioned RON, saved atomically with a `.bak` of the
//! previous file, loaded with every annotation verified and re-anchored if needed.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::model::suggestion::Pending;
use crate::model::{
    Anchoring, Annotation, AnnotationId, Article, Document, Label, MAX_ANNOTATION_ID, Metadata,
    Relation, RelationId, RelationType, Relations, Session, Status, Text, Timestamp, sha256_hex,
};

/// The version this build writes. Version 3 added relation types and relations, version 4
/// article metadata (web pages' byline, site, date, language, URL, excerpt) and status,
/// version 5 pending and rejected suggestions.
pub const SESSION_VERSION: u32 = 5;

/// File extension of sessions.
pub const SESSION_EXTENSION: &str = "ron";

/// Why a session file could not be read or written. Messages end with the path.
#[derive(Debug, thiserror::Error)]
pub enum SessionFileError {
    /// Could not read the file.
    #[error("cannot read session ({reason}): {}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The reason (in the message, not a `source()`, so the path stays last).
        reason: std::io::Error,
    },
    /// Could not write the file (the old file, if any, is untouched).
    #[error("cannot save session ({reason}): {}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The reason (in the message, not a `source()`, so the path stays last).
        reason: std::io::Error,
    },
    /// Not valid RON, or not a session.
    #[error("malformed session at line {line}, column {column}: {message}: {}", .path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// Written by a newer Gloss.
    #[error("session version {found} is newer than this Gloss understands (up to {SESSION_VERSION}); update Gloss to open it: {}", .path.display())]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
    /// Parsed, but the content is inconsistent (e.g. an annotation with an unknown label).
    #[error("invalid session ({message}): {}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

/// The file layout (versions 1 to 3; version 3 added `relation_types` and `relations`).
#[derive(Serialize, Deserialize)]
struct SessionFileV1 {
    version: u32,
    /// Who annotated (for agreement figures); absent when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    annotator: Option<String>,
    #[serde(default)]
    next_id: u64,
    #[serde(default = "Label::defaults")]
    labels: Vec<Label>,
    /// `None` when the file has no such field (before version 3).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_types::serialize",
        deserialize_with = "bare_types::deserialize"
    )]
    relation_types: Option<Vec<RelationType>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    relations: Vec<RelationRecord>,
    #[serde(default)]
    articles: Vec<ArticleRecord>,
}

/// One relation per line in the file.
#[derive(Clone, Serialize, Deserialize)]
struct RelationRecord {
    id: u64,
    #[serde(rename = "type")]
    kind: String,
    from: u64,
    to: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    created: Timestamp,
    /// Left out when equal to `created`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_timestamp::serialize",
        deserialize_with = "bare_timestamp::deserialize"
    )]
    modified: Option<Timestamp>,
}

#[derive(Serialize, Deserialize)]
struct ArticleRecord {
    id: String,
    #[serde(default)]
    title: String,
    /// Relative to the session file's folder where possible.
    #[serde(default)]
    source: String,
    #[serde(default)]
    sha256: String,
    text: String,
    /// Since version 4: what a web page said about itself.
    #[serde(default, skip_serializing_if = "crate::model::article::no_metadata")]
    metadata: Box<Metadata>,
    /// Since version 4: `InProgress` or `Done` (absent: to do).
    #[serde(default, skip_serializing_if = "Status::is_todo")]
    status: Status,
    #[serde(default)]
    annotations: Vec<AnnotationRecord>,
    /// Since version 5: suggestions waiting for the person, and the rejected ones.
    #[serde(default, skip_serializing_if = "Pending::is_empty")]
    pending: Pending,
}

/// One annotation per line in the file; prefix and suffix are recomputed from the text.
#[derive(Serialize, Deserialize)]
struct AnnotationRecord {
    id: u64,
    label: String,
    start: usize,
    end: usize,
    text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    created: Timestamp,
    /// Left out when equal to `created` (most annotations), which keeps files smaller.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_timestamp::serialize",
        deserialize_with = "bare_timestamp::deserialize"
    )]
    modified: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    orphan: bool,
}

/// An optional timestamp written as a bare value (`modified: "…"`, not `Some("…")`).
mod bare_timestamp {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::model::Timestamp;

    #[allow(clippy::ref_option)] // serde's `serialize_with` passes `&Option<T>`.
    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => t.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        Timestamp::deserialize(deserializer).map(Some)
    }
}

/// Optional relation types written as a bare list (`relation_types: [ … ]`).
mod bare_types {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::model::RelationType;

    #[allow(clippy::ref_option)] // serde's `serialize_with` passes `&Option<T>`.
    pub fn serialize<S: Serializer>(
        value: &Option<Vec<RelationType>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.as_deref().unwrap_or_default().serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<RelationType>>, D::Error> {
        Vec::<RelationType>::deserialize(deserializer).map(Some)
    }
}

/// What happened to one article while a session loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleReport {
    /// Article id.
    pub article: String,
    /// The source file was not found or could not be read; the stored text is used.
    pub source_missing: Option<String>,
    /// The source file's text differs from the stored one. The stored text is kept; the
    /// file's version is in `source_update`, to apply only when the person asks
    /// ([`crate::model::Document::reanchored_to`]).
    pub source_changed: bool,
    /// The article as read from its changed source file.
    pub source_update: Option<Article>,
    /// The changed file's text was applied ([`LoadedSession::apply_source_updates`]).
    pub source_applied: bool,
    /// The stored SHA-256 did not match the stored text.
    pub hash_mismatch: bool,
    /// Annotations placed again at another position.
    pub moved: Vec<(AnnotationId, Anchoring)>,
    /// Annotations that could not be placed (kept, flagged orphan).
    pub orphans: Vec<AnnotationId>,
    /// Orphans that several places fitted equally, with the places (char spans).
    pub ambiguous: Vec<(AnnotationId, Vec<std::ops::Range<usize>>)>,
}

impl ArticleReport {
    /// True when something needs the person's attention.
    pub fn has_problems(&self) -> bool {
        self.hash_mismatch
            || self.source_changed
            || !self.moved.is_empty()
            || !self.orphans.is_empty()
    }
}

/// A loaded session and what loading it found.
#[derive(Debug)]
pub struct LoadedSession {
    /// The session.
    pub session: Session,
    /// One report per article, in session order.
    pub reports: Vec<ArticleReport>,
}

impl LoadedSession {
    /// True when any article has problems (moved or orphaned annotations, bad hashes,
    /// article files changed on disk).
    pub fn has_problems(&self) -> bool {
        self.reports.iter().any(ArticleReport::has_problems)
    }

    /// Move every article whose file changed on disk to the file's text, re-anchoring its
    /// annotations (the person asked for it: `--update-sources`, or the app's question).
    /// The reports then tell what moved and what was orphaned. Returns how many articles
    /// were updated.
    pub fn apply_source_updates(&mut self) -> usize {
        let mut updated = 0;
        for (doc, report) in self.session.documents.iter_mut().zip(&mut self.reports) {
            let Some(article) = report.source_update.take() else {
                continue;
            };
            let mut article = article;
            article.id.clone_from(&doc.article.id);
            article.title.clone_from(&doc.article.title);
            article.source.clone_from(&doc.article.source);
            let reanchored = doc.reanchored_to(article);
            *doc = reanchored.document;
            report.moved = reanchored.moved;
            report.orphans = reanchored.orphans;
            report.ambiguous = reanchored.ambiguous;
            report.source_changed = false;
            report.source_applied = true;
            updated += 1;
        }
        updated
    }
}

/// Serialise a session to pretty RON. Article sources are written relative to `dir`.
///
/// The file is written in three parts so that every relation takes one line, like an
/// annotation, while labels and relation types stay spread out: the head (version, ids,
/// labels, relation types), the relations, then the articles.
pub fn to_ron(session: &Session, dir: Option<&Path>) -> String {
    let head = SessionFileV1 {
        version: SESSION_VERSION,
        annotator: session.annotator.clone(),
        next_id: session.next_id,
        labels: session.labels.clone(),
        relation_types: Some(session.relation_types.clone()),
        relations: Vec::new(),
        articles: Vec::new(),
    };
    let mut out = pretty(&head);
    // `(\n  version: 3,\n  …\n  articles: [],\n)`: keep everything up to the articles.
    match out.rfind(EMPTY_ARTICLES) {
        Some(at) => out.truncate(at + 1),
        None => return compact_fallback(session, dir),
    }
    if !session.relations.is_empty() {
        out.push_str("  relations: [\n");
        let one_line = ron::ser::PrettyConfig::new()
            .depth_limit(0)
            .escape_strings(true);
        for r in session.relations.iter() {
            let Ok(line) = ron::ser::to_string_pretty(&relation_record(r), one_line.clone()) else {
                return compact_fallback(session, dir);
            };
            out.push_str("    ");
            out.push_str(&line);
            out.push_str(",\n");
        }
        out.push_str("  ],\n");
    }
    let articles = articles_file(session, dir);
    let body = pretty(&articles);
    // `(\n  version: 3,\n  next_id: …,\n  labels: [],\n  articles: [ … ],\n)`
    match body.find(ARTICLES_FIELD) {
        Some(at) => out.push_str(body.get(at + 1..).unwrap_or_default()),
        None => return compact_fallback(session, dir),
    }
    out.push('\n');
    out
}

const EMPTY_ARTICLES: &str = "\n  articles: [],\n";
const ARTICLES_FIELD: &str = "\n  articles: [";

fn pretty(file: &SessionFileV1) -> String {
    let config = ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("  ")
        .depth_limit(4)
        .escape_strings(false);
    ron::ser::to_string_pretty(file, config).unwrap_or_default()
}

/// The whole file in one ordinary serialisation (never expected: serialising plain
/// structs, strings and maps cannot fail, and the layout above is RON's own).
fn compact_fallback(session: &Session, dir: Option<&Path>) -> String {
    let mut file = articles_file(session, dir);
    file.relation_types = Some(session.relation_types.clone());
    file.relations = session.relations.iter().map(relation_record).collect();
    ron::ser::to_string(&file).unwrap_or_default() + "\n"
}

fn relation_record(r: &Relation) -> RelationRecord {
    RelationRecord {
        id: r.id.0,
        kind: r.kind.clone(),
        from: r.from.0,
        to: r.to.0,
        note: r.note.clone(),
        attributes: r.attributes.clone(),
        created: r.created,
        modified: (r.modified != r.created).then_some(r.modified),
    }
}

/// The file's articles (and nothing else but the version and ids).
fn articles_file(session: &Session, dir: Option<&Path>) -> SessionFileV1 {
    SessionFileV1 {
        version: SESSION_VERSION,
        annotator: None,
        next_id: session.next_id,
        labels: Vec::new(),
        relation_types: None,
        relations: Vec::new(),
        articles: session
            .documents
            .iter()
            .map(|doc| ArticleRecord {
                id: doc.article.id.clone(),
                title: doc.article.title.clone(),
                source: relative_source(&doc.article.source, dir),
                sha256: doc.article.sha256.clone(),
                text: doc.article.text.as_str().to_owned(),
                metadata: doc.article.metadata.clone(),
                status: doc.article.status,
                annotations: doc.annotations.iter().map(record_of).collect(),
                pending: doc.pending.clone(),
            })
            .collect(),
    }
}

/// Pending suggestions as read from a file someone else may have written: spans inside
/// the text, sorted, ids unique and below the counter.
fn checked_pending(mut pending: Pending, char_len: usize) -> Pending {
    pending
        .suggestions
        .retain(|s| s.start < s.end && s.end <= char_len && !s.label.is_empty());
    pending.suggestions.sort_by_key(|s| (s.start, s.end, s.id));
    let mut seen = std::collections::HashSet::new();
    pending.suggestions.retain(|s| seen.insert(s.id));
    let top = pending
        .suggestions
        .iter()
        .map(|s| s.id.0.saturating_add(1))
        .max();
    pending.next_id = pending.next_id.max(top.unwrap_or(0));
    pending.rejected.sort();
    pending.rejected.dedup();
    pending
}

fn record_of(a: &Annotation) -> AnnotationRecord {
    AnnotationRecord {
        id: a.id.0,
        label: a.label.clone(),
        start: a.start,
        end: a.end,
        text: a.text.clone(),
        note: a.note.clone(),
        attributes: a.attributes.clone(),
        created: a.created,
        modified: (a.modified != a.created).then_some(a.modified),
        orphan: a.orphan,
    }
}

/// Parse a session from RON text. `path` is used in messages and to resolve relative
/// article sources. When `read_sources` is set, article files that still exist are read
/// and, if their text changed, the annotations are re-anchored in the new text.
pub fn from_ron(
    text: &str,
    path: &Path,
    read_sources: bool,
) -> Result<LoadedSession, SessionFileError> {
    let malformed = |e: ron::error::SpannedError| SessionFileError::Malformed {
        path: path.to_owned(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: match e.code {
            // ron's own text names crates and options, which mean nothing to a person.
            ron::Error::ExceededRecursionLimit => "nested too deeply".to_owned(),
            other => other.to_string(),
        },
    };
    // One full parse when all is well (a session can be tens of MB); the version alone is
    // probed only when that parse fails, so a newer file is refused as newer, not malformed.
    let parsed = parse_v1(text);
    let version = match &parsed {
        Ok(file) => file.version,
        Err(_) => {
            ron::from_str::<VersionProbe>(text)
                .map_err(malformed)?
                .version
        }
    };
    let file = match version {
        0 | 1 => migrate_v2(migrate_v1(parsed.map_err(malformed)?)),
        2 => migrate_v2(parsed.map_err(malformed)?),
        // Version 4 added article metadata, which version-3 files simply lack.
        // Version 5 added pending suggestions, which older files simply lack.
        3..=5 => parsed.map_err(malformed)?,
        found => {
            return Err(SessionFileError::TooNew {
                path: path.to_owned(),
                found,
            });
        }
    };
    let invalid = |message| SessionFileError::Invalid {
        path: path.to_owned(),
        message,
    };
    validate(&file).map_err(invalid)?;
    let relation_types = file.relation_types.unwrap_or_else(RelationType::defaults);
    let relations = relations_of(&file.relations, &file.articles, &relation_types).map_err(
        |(index, message)| {
            invalid(match locate_list_item(text, "relations", index) {
                Some((line, column)) => format!("{message}, at line {line}, column {column}"),
                None => message,
            })
        },
    )?;
    let dir = path.parent();
    let built = parallel_map(file.articles, |record| {
        build_document(record, dir, read_sources)
    });
    let (documents, reports) = built.into_iter().unzip();
    let mut session = Session {
        relation_types,
        relations,
        labels: file.labels,
        documents,
        next_id: file.next_id.clamp(1, MAX_ANNOTATION_ID + 1),
        annotator: file.annotator.filter(|a| !a.trim().is_empty()),
    };
    session.fix_next_id();
    Ok(LoadedSession { session, reports })
}

/// Version 1 always wrote `modified`; where a (hand-written) v1 file left it out it
/// meant the zero time. Version 2 leaves it out when it equals `created`, so a missing
/// value now means "same as created": give v1 files their old meaning explicitly.
fn migrate_v1(mut file: SessionFileV1) -> SessionFileV1 {
    for record in &mut file.articles {
        for a in &mut record.annotations {
            a.modified.get_or_insert_with(Timestamp::default);
        }
    }
    file.version = SESSION_VERSION;
    file
}

/// Versions 1 and 2 had no relations. A file that used the default labels gets the
/// Source label and the default relation types; any other label set is left as it was
/// and gets no relation types (the person adds their own).
fn migrate_v2(mut file: SessionFileV1) -> SessionFileV1 {
    let defaults = Label::defaults();
    let old_defaults = defaults.get(..3).unwrap_or_default();
    if file.labels == old_defaults || file.labels == defaults {
        file.labels = defaults;
        file.relation_types = Some(RelationType::defaults());
    } else {
        file.relation_types = Some(Vec::new());
    }
    file.relations.clear();
    file.version = SESSION_VERSION;
    file
}

/// The file's relations, checked: unique ids no annotation has, a known type, two
/// different ends that exist, no duplicate link. An error carries the index of the
/// relation in the file's list, to say where it is.
fn relations_of(
    records: &[RelationRecord],
    articles: &[ArticleRecord],
    types: &[RelationType],
) -> Result<Relations, (usize, String)> {
    if records.is_empty() {
        return Ok(Relations::default());
    }
    let annotations: std::collections::HashSet<u64> = articles
        .iter()
        .flat_map(|a| a.annotations.iter().map(|x| x.id))
        .collect();
    let mut ids = std::collections::HashSet::with_capacity(records.len());
    let mut links = std::collections::HashMap::with_capacity(records.len());
    let mut relations = Vec::with_capacity(records.len());
    for (index, r) in records.iter().enumerate() {
        let fail = |message: String| Err((index, format!("relation {}: {message}", r.id)));
        if r.id > MAX_ANNOTATION_ID {
            return fail(format!(
                "its id is larger than {MAX_ANNOTATION_ID}, the largest id Gloss keeps"
            ));
        }
        if annotations.contains(&r.id) || !ids.insert(r.id) {
            return fail("its id is used twice in the session".to_owned());
        }
        if !types.iter().any(|t| t.id == r.kind) {
            return fail(format!(
                "its type {:?} is not in the relation types",
                r.kind
            ));
        }
        for (end, id) in [("source", r.from), ("target", r.to)] {
            if !annotations.contains(&id) {
                return fail(format!("its {end}, annotation {id}, is not in the session"));
            }
        }
        if r.from == r.to {
            return fail(format!("it links annotation {} to itself", r.from));
        }
        if let Some(first) = links.insert((r.kind.as_str(), r.from, r.to), r.id) {
            return fail(format!(
                "it repeats relation {first} ({} from {} to {})",
                r.kind, r.from, r.to
            ));
        }
        relations.push(Relation {
            id: RelationId(r.id),
            kind: r.kind.clone(),
            from: AnnotationId(r.from),
            to: AnnotationId(r.to),
            note: r.note.clone(),
            attributes: r.attributes.clone(),
            created: r.created,
            modified: r.modified.unwrap_or(r.created),
        });
    }
    relations.sort_by_key(|r| r.id);
    Ok(relations.into())
}

/// Line and column (1-based, in chars) where item `index` of the top-level list `field`
/// starts in RON `text`. A small scanner that knows strings, raw strings, char literals
/// and comments, so a bracket inside a note never counts.
fn locate_list_item(text: &str, field: &str, index: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0usize;
    // The list's depth once its field name was seen at depth 1 and its `[` opened.
    let mut list_depth: Option<usize> = None;
    let mut seen_field = false;
    let mut item = 0usize;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => at = skip_string(bytes, at + 1)?,
            b'r' if matches!(bytes.get(at + 1), Some(b'"' | b'#'))
                && !bytes
                    .get(at.wrapping_sub(1))
                    .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_') =>
            {
                let hashes = bytes
                    .get(at + 1..)?
                    .iter()
                    .take_while(|&&c| c == b'#')
                    .count();
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let body = at + 2 + hashes;
                let end = bytes
                    .get(body..)?
                    .windows(close.len())
                    .position(|w| w == close.as_slice())?;
                at = body + end + close.len();
            }
            b'\'' => {
                // A char literal: 'x', '\'', '\u{…}'.
                let mut i = at + 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'\'' {
                        break;
                    }
                }
                at = i;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = bytes
                    .get(at..)?
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |p| at + p);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = bytes
                    .get(at + 2..)?
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(bytes.len(), |p| at + 2 + p + 2);
            }
            b'(' | b'[' | b'{' => {
                if list_depth == Some(depth) && b == b'(' {
                    if item == index {
                        let before = text.get(..at)?;
                        let line = before.matches('\n').count() + 1;
                        let column = before
                            .rsplit('\n')
                            .next()
                            .unwrap_or_default()
                            .chars()
                            .count()
                            + 1;
                        return Some((line, column));
                    }
                    item += 1;
                }
                if seen_field && depth == 1 && b == b'[' {
                    list_depth = Some(depth + 1);
                    seen_field = false;
                }
                depth += 1;
                at += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if list_depth.is_some_and(|d| depth < d) {
                    return None;
                }
                at += 1;
            }
            b',' if depth == 1 => {
                seen_field = false;
                at += 1;
            }
            _ if depth == 1 && bytes.get(at..)?.starts_with(field.as_bytes()) => {
                let prev_ok = !bytes
                    .get(at.wrapping_sub(1))
                    .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_');
                let next_ok = !bytes
                    .get(at + field.len())
                    .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_');
                seen_field = prev_ok && next_ok;
                at += field.len();
            }
            _ => at += 1,
        }
    }
    None
}

/// Index just past the string whose body starts at `at` (after the opening quote).
fn skip_string(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// Ids unique, every annotation's label in the label list.
fn validate(file: &SessionFileV1) -> Result<(), String> {
    // A handful of labels: a scan beats hashing 100k label names.
    let labels: Vec<&str> = file.labels.iter().map(|l| l.id.as_str()).collect();
    let mut articles = std::collections::HashSet::new();
    let mut ids: Vec<u64> = file
        .articles
        .iter()
        .flat_map(|a| a.annotations.iter().map(|x| x.id))
        .collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|pair| pair.first() == pair.get(1)) {
        return Err(format!(
            "annotation id {} appears twice",
            pair.first().copied().unwrap_or_default()
        ));
    }
    for record in &file.articles {
        if !articles.insert(record.id.as_str()) {
            return Err(format!("article id {:?} appears twice", record.id));
        }
        for a in &record.annotations {
            if a.id > MAX_ANNOTATION_ID {
                return Err(format!(
                    "annotation id {} is larger than {MAX_ANNOTATION_ID}, the largest id Gloss keeps",
                    a.id
                ));
            }
            if a.text.trim().is_empty() {
                return Err(format!(
                    "annotation {} is empty or only whitespace (chars {}..{})",
                    a.id, a.start, a.end
                ));
            }
            if a.start > a.end {
                return Err(format!(
                    "annotation {} ends (char {}) before it starts (char {})",
                    a.id, a.end, a.start
                ));
            }
            if !labels.contains(&a.label.as_str()) {
                return Err(format!(
                    "annotation {} uses label {:?}, which is not in the label list",
                    a.id, a.label
                ));
            }
        }
    }
    Ok(())
}

/// One article of the file as a document: the text (from the article file when it
/// changed on disk), every annotation verified and re-anchored where needed.
fn build_document(
    record: ArticleRecord,
    dir: Option<&Path>,
    read_sources: bool,
) -> (Document, ArticleReport) {
    let mut report = ArticleReport {
        article: record.id.clone(),
        ..ArticleReport::default()
    };
    let source = resolve_source(&record.source, dir);
    let stored_hash = sha256_hex(&record.text);
    report.hash_mismatch = !record.sha256.is_empty() && record.sha256 != stored_hash;
    let text = Text::new(record.text);
    if read_sources && is_article_path(&source) {
        // Only regular article files, never a device, FIFO or folder a session from
        // someone else may name; and never silently in place of the stored text.
        match super::article::load_article(Path::new(&source)) {
            Ok(on_disk) if on_disk.sha256 != stored_hash => {
                report.source_changed = true;
                report.source_update = Some(on_disk);
            }
            Ok(_) => {}
            Err(error) => report.source_missing = Some(error.to_string()),
        }
    } else if read_sources && !source.is_empty() {
        report.source_missing = Some(format!(
            "not read: only .txt, .md and .html article files are: {source}"
        ));
    }
    let title = if record.title.is_empty() {
        record.id.clone()
    } else {
        record.title
    };
    let article = Article {
        id: record.id,
        title,
        source,
        sha256: stored_hash,
        text,
        metadata: record.metadata,
        status: record.status,
    };
    let mut doc = Document::new(article);
    doc.pending = checked_pending(record.pending, doc.article.text.char_len());
    doc.annotations.reserve(record.annotations.len());
    for a in record.annotations {
        let annotation = Annotation {
            id: AnnotationId(a.id),
            label: a.label,
            start: a.start,
            end: a.end,
            text: a.text,
            prefix: String::new(),
            suffix: String::new(),
            note: a.note,
            attributes: a.attributes,
            created: a.created,
            modified: a.modified.unwrap_or(a.created),
            orphan: a.orphan,
        };
        doc.annotations.push(annotation);
    }
    report.moved = doc
        .reanchor_all()
        .into_iter()
        .filter(|(_, how)| !how.is_orphan())
        .collect();
    // Every orphan carries the flag, whether it was orphaned now or in an earlier load.
    report.orphans = doc
        .annotations
        .iter()
        .filter(|a| a.orphan)
        .map(|a| a.id)
        .collect();
    report.orphans.sort();
    (doc, report)
}

const ARTICLES_OPEN: &str = "\n  articles: [\n";
const ARTICLES_CLOSE: &str = "\n  ],\n)";
const ARTICLE_END_LINE: &str = "    ),";
const RELATIONS_OPEN: &str = "\n  relations: [\n";
const RELATIONS_CLOSE: &str = "\n  ],\n  articles: [";

/// Parse a version-1 file. Files in the layout Gloss writes are split at their article
/// records and the records parsed on all cores; anything else (hand-edited layout,
/// comments, CRLF, a malformed file) takes one ordinary parse, which also gives the
/// error its line and column.
fn parse_v1(text: &str) -> Result<SessionFileV1, ron::error::SpannedError> {
    match parse_v1_split(text) {
        Some(file) => Ok(file),
        None => ron::from_str(text),
    }
}

/// The split parse; `None` when the file does not split cleanly. A split inside a
/// string leaves that string unterminated in its piece, so the piece fails to parse and
/// the whole file falls back to the ordinary parse: the split never changes a result.
fn parse_v1_split(text: &str) -> Option<SessionFileV1> {
    let open = text.find(ARTICLES_OPEN)? + ARTICLES_OPEN.len() - 1;
    let close = text.rfind(ARTICLES_CLOSE)?;
    if close < open || !text.get(close + ARTICLES_CLOSE.len()..)?.trim().is_empty() {
        return None;
    }
    // The relations (one per line, right before the articles) are cut out of the head
    // and parsed in chunks on all cores with the articles.
    let before = text.get(..open)?;
    let (head, relation_lines) = match before.rfind(RELATIONS_OPEN) {
        Some(at) if before.ends_with(RELATIONS_CLOSE) => {
            let body =
                before.get(at + RELATIONS_OPEN.len()..before.len() - RELATIONS_CLOSE.len())?;
            let head = format!("{}\n  articles: []\n)", before.get(..at)?);
            (head, body.split('\n').collect::<Vec<&str>>())
        }
        _ => (format!("{before}]\n)"), Vec::new()),
    };
    let mut file: SessionFileV1 = ron::from_str(&head).ok()?;
    if !file.articles.is_empty() || (!relation_lines.is_empty() && !file.relations.is_empty()) {
        return None;
    }
    let body = text.get(open..close)?;
    let mut pieces = Vec::new();
    let mut from = 0;
    let mut line_start = 0;
    // Line by line (memchr-fast): a record ends at a line that is exactly `    ),`.
    for line in body.split('\n') {
        let line_end = line_start + line.len();
        if line == ARTICLE_END_LINE {
            // The record without its trailing comma.
            pieces.push(body.get(from..line_end - 1)?);
            from = line_end;
        }
        line_start = line_end + 1;
    }
    if !body.get(from..)?.trim().is_empty() {
        return None;
    }
    let chunk = relation_lines.len().div_ceil(8).max(1);
    let mut work: Vec<Piece<'_>> = relation_lines
        .chunks(chunk)
        .map(|lines| Piece::Relations(lines.join("\n")))
        .collect();
    work.extend(pieces.into_iter().map(Piece::Article));
    let parsed = parallel_map(work, |piece| match piece {
        Piece::Article(text) => ron::from_str::<ArticleRecord>(text)
            .ok()
            .map(Parsed::Article),
        Piece::Relations(lines) => ron::from_str::<Vec<RelationRecord>>(&format!("[{lines}]"))
            .ok()
            .map(Parsed::Relations),
    });
    for result in parsed {
        match result? {
            Parsed::Article(record) => file.articles.push(record),
            Parsed::Relations(records) => file.relations.extend(records),
        }
    }
    Some(file)
}

/// A piece of a session file parsed on its own.
enum Piece<'a> {
    Article(&'a str),
    Relations(String),
}

enum Parsed {
    Article(ArticleRecord),
    Relations(Vec<RelationRecord>),
}

/// `items.map(f)` in order, spread over the available cores. A share whose thread
/// cannot be started runs on this thread; nothing is ever dropped.
fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let mut items = items.into_iter();
    let mut shares: Vec<Mutex<Option<Vec<T>>>> = Vec::with_capacity(threads);
    loop {
        let share: Vec<T> = items.by_ref().take(per_thread).collect();
        if share.is_empty() {
            break;
        }
        shares.push(Mutex::new(Some(share)));
    }
    let take = |slot: &Mutex<Option<Vec<T>>>| {
        slot.lock()
            .ok()
            .and_then(|mut share| share.take())
            .unwrap_or_default()
    };
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .iter()
            .map(|slot| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || {
                        take(slot).into_iter().map(f).collect::<Vec<R>>()
                    })
                    .ok()
            })
            .collect();
        let mut out = Vec::new();
        for (slot, handle) in shares.iter().zip(handles) {
            match handle.map(std::thread::ScopedJoinHandle::join) {
                Some(Ok(part)) => out.extend(part),
                // A panic in `f` is a bug: pass it on rather than lose the share.
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => out.extend(take(slot).into_iter().map(f)),
            }
        }
        out
    })
}

/// Read a session file (at most [`super::input::MAX_SESSION_BYTES`]), and look at the
/// article files it names to report the ones that changed on disk (never replacing the
/// stored text: see [`ArticleReport::source_update`]).
pub fn load_session(path: &Path) -> Result<LoadedSession, SessionFileError> {
    use super::input::{MAX_SESSION_BYTES, read_regular_text};
    let text = read_regular_text(path, MAX_SESSION_BYTES).map_err(|e| SessionFileError::Read {
        path: path.to_owned(),
        reason: e.into_io(),
    })?;
    from_ron(&text, path, true)
}

/// Save atomically: write a temporary file in the same folder, flush and sync it, keep
/// the previous file as `NAME.ron.bak`, then rename the new file over the old one.
pub fn save_session(session: &Session, path: &Path) -> Result<(), SessionFileError> {
    let dir = absolute_dir(path);
    let text = to_ron(session, Some(&dir));
    write_atomic_keeping_backup(path, text.as_bytes()).map_err(|reason| SessionFileError::Write {
        path: path.to_owned(),
        reason,
    })
}

/// [`save_session`] without keeping a `.bak` (a merge driver writing over the working
/// copy git gave it: the previous version is in git).
pub fn save_session_without_backup(session: &Session, path: &Path) -> Result<(), SessionFileError> {
    let dir = absolute_dir(path);
    let text = to_ron(session, Some(&dir));
    write_atomic(path, text.as_bytes()).map_err(|reason| SessionFileError::Write {
        path: path.to_owned(),
        reason,
    })
}

/// Write `bytes` to `path` atomically (temporary file + fsync + rename).
/// A crash leaves the old or the new file, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_inner(path, bytes, false)
}

/// [`write_atomic`], keeping the previous file as `path.bak`.
pub fn write_atomic_keeping_backup(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_inner(path, bytes, true)
}

fn write_atomic_inner(path: &Path, bytes: &[u8], keep_backup: bool) -> std::io::Result<()> {
    // Only a regular file or a new path: renaming over a device, FIFO or symlink would
    // replace it with a regular file (as root, `-o /dev/null` would replace /dev/null).
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.file_type().is_file()
    {
        let what = if meta.file_type().is_symlink() {
            "a symbolic link"
        } else if meta.is_dir() {
            "a folder"
        } else {
            "a device, FIFO or socket"
        };
        return Err(std::io::Error::other(format!(
            "it is {what}, not a regular file; refusing to replace it"
        )));
    }
    let dir = absolute_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".gloss-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    temp.write_all(bytes)?;
    temp.flush()?;
    // Temporary files are private (0600); give the result the old file's permissions,
    // or ordinary ones for a new file.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(temp.as_file())?,
    };
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    if keep_backup && path.is_file() {
        let mut backup = path.as_os_str().to_owned();
        backup.push(".bak");
        let backup = PathBuf::from(backup);
        // Link or copy (never rename) so the session file exists at every moment. A hard
        // link costs nothing however large the session: the new file then replaces `path`
        // by rename, leaving the linked old file untouched as the backup. Copy where the
        // file system has no hard links.
        let mut builder = tempfile::Builder::new();
        builder.prefix(".gloss-bak-");
        match builder.make_in(&dir, |link| std::fs::hard_link(path, link)) {
            Ok(link) => link.persist(&backup).map_err(|e| e.error)?,
            Err(_) => {
                let mut backup_temp = builder.tempfile_in(&dir)?;
                std::io::copy(&mut std::fs::File::open(path)?, &mut backup_temp)?;
                backup_temp.as_file().sync_all()?;
                backup_temp.persist(&backup).map_err(|e| e.error)?;
            }
        }
    }
    temp.persist(path).map_err(|e| e.error)?;
    if let Ok(dir) = std::fs::File::open(&dir) {
        // Make the rename durable; not every platform can sync a folder.
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn default_permissions(_file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

fn absolute_dir(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::path::absolute(&dir).unwrap_or(dir)
}

/// `source` relative to `dir` when it lies below it (or up a few folders), else as is.
fn relative_source(source: &str, dir: Option<&Path>) -> String {
    let (Some(dir), false) = (dir, source.is_empty()) else {
        return source.to_owned();
    };
    let Ok(source_abs) = std::path::absolute(source) else {
        return source.to_owned();
    };
    let Ok(dir_abs) = std::path::absolute(dir) else {
        return source.to_owned();
    };
    relative_path(&source_abs, &dir_abs).map_or_else(
        || source.to_owned(),
        |p| p.to_string_lossy().replace('\\', "/"),
    )
}

fn relative_path(target: &Path, base: &Path) -> Option<PathBuf> {
    let target: Vec<Component<'_>> = target.components().collect();
    let base: Vec<Component<'_>> = base.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    // Different roots (or drives): keep the absolute path.
    if common == 0 {
        return None;
    }
    let ups = base.len() - common;
    if ups > 3 {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in 0..ups {
        rel.push("..");
    }
    for part in target.iter().skip(common) {
        rel.push(part.as_os_str());
    }
    Some(rel)
}

/// True for a path with an article file's extension.
/// True when `source` names an article file Gloss reads (`.txt`, `.md`, `.html`): the
/// only files a session's or an article's recorded source may make it open.
pub fn is_article_path(source: &str) -> bool {
    Path::new(source)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| {
            super::article::ARTICLE_EXTENSIONS
                .iter()
                .any(|x| x.eq_ignore_ascii_case(e))
        })
}

fn resolve_source(source: &str, dir: Option<&Path>) -> String {
    let path = Path::new(source);
    if source.is_empty() || path.is_absolute() {
        return source.to_owned();
    }
    match dir {
        Some(dir) if !dir.as_os_str().is_empty() => {
            let joined = dir.join(path);
            let cleaned = std::path::absolute(&joined).unwrap_or(joined);
            normalize(&cleaned).to_string_lossy().into_owned()
        }
        _ => source.to_owned(),
    }
}

/// Remove `.` and resolve `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod split_tests {
    use super::*;
    use crate::model::{Label, Timestamp};

    fn session_with(texts: &[&str]) -> Session {
        let mut session = Session::new();
        let label = Label::defaults().remove(1);
        for (n, body) in texts.iter().enumerate() {
            let id = session.add_article(Article::new(&format!("a{n}"), "T", "", *body));
            let text = session.document(&id).unwrap().article.text.clone();
            let aid = session.allocate_id();
            let a = Annotation::new(aid, &label, &text, 0..3, Timestamp(5)).unwrap();
            session.document_mut(&id).unwrap().annotations.push(a);
        }
        session
    }

    #[test]
    fn split_parse_is_used_and_agrees_with_the_plain_parse() {
        let ron = to_ron(&session_with(&["one text", "two text", "three"]), None);
        let split = parse_v1_split(&ron).expect("our own layout splits");
        let plain: SessionFileV1 = ron::from_str(&ron).unwrap();
        assert_eq!(split.articles.len(), 3);
        assert_eq!(to_ron_file(&split), to_ron_file(&plain));
    }

    #[test]
    fn relations_are_split_out_and_parsed_in_chunks_with_the_same_result() {
        let mut session = session_with(&["one text", "two text", "three", "four"]);
        let ids: Vec<AnnotationId> = session
            .documents
            .iter()
            .map(|d| d.annotations[0].id)
            .collect();
        let mut relations = Vec::new();
        for (n, pair) in ids.windows(2).cycle().take(30).enumerate() {
            let id = session.allocate_relation_id();
            relations.push(Relation {
                id,
                kind: ["same_as", "evidence", "contradicts"][n % 3].to_owned(),
                from: pair[0],
                to: pair[1],
                // A note that looks like the layout the split looks for.
                note: format!("n{n}\n  ],\n  articles: [\n    ),"),
                attributes: BTreeMap::new(),
                created: Timestamp(n as u64),
                modified: Timestamp(n as u64),
            });
        }
        session.relations = relations.into();
        let ron = to_ron(&session, None);
        let split = parse_v1_split(&ron).expect("relations split too");
        let plain: SessionFileV1 = ron::from_str(&ron).unwrap();
        assert_eq!(split.relations.len(), 30);
        assert_eq!(to_ron_file(&split), to_ron_file(&plain));
    }

    #[test]
    fn texts_that_contain_the_markers_fall_back_and_load_the_same() {
        let tricky = "abc\n    ),\n    (\n  articles: [\n  ],\n)\n";
        let session = session_with(&[tricky, "plain", tricky]);
        let ron = to_ron(&session, None);
        let loaded = from_ron(&ron, Path::new("x.ron"), false).unwrap();
        assert_eq!(loaded.session.documents.len(), 3);
        for (a, b) in loaded.session.documents.iter().zip(&session.documents) {
            assert_eq!(a.article.text, b.article.text);
            assert_eq!(a.annotations, b.annotations);
        }
    }

    fn to_ron_file(file: &SessionFileV1) -> String {
        ron::ser::to_string(file).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b/c.txt"), Path::new("/a/s")),
            Some(PathBuf::from("../b/c.txt"))
        );
        assert_eq!(
            relative_path(Path::new("/a/s/c.txt"), Path::new("/a/s")),
            Some(PathBuf::from("c.txt"))
        );
    }
}
