//! The session file: pretty, versioned RON, saved atomically with a `.bak` of the
//! previous file, loaded with every annotation verified and re-anchored if needed.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{
    Anchoring, Annotation, AnnotationId, Article, Document, Label, Session, Text, Timestamp,
    sha256_hex,
};

/// The version this build writes.
pub const SESSION_VERSION: u32 = 1;

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

/// The file layout of version 1.
#[derive(Serialize, Deserialize)]
struct SessionFileV1 {
    version: u32,
    #[serde(default)]
    next_id: u64,
    #[serde(default = "Label::defaults")]
    labels: Vec<Label>,
    #[serde(default)]
    articles: Vec<ArticleRecord>,
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
    #[serde(default)]
    annotations: Vec<AnnotationRecord>,
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
    #[serde(default)]
    modified: Timestamp,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    orphan: bool,
}

/// What happened to one article while a session loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleReport {
    /// Article id.
    pub article: String,
    /// The source file was not found or could not be read; the stored text is used.
    pub source_missing: Option<String>,
    /// The source file's text differs from the stored one; the file's text is used.
    pub source_changed: bool,
    /// The stored SHA-256 did not match the stored text.
    pub hash_mismatch: bool,
    /// Annotations placed again at another position.
    pub moved: Vec<(AnnotationId, Anchoring)>,
    /// Annotations that could not be placed (kept, flagged orphan).
    pub orphans: Vec<AnnotationId>,
}

impl ArticleReport {
    /// True when something needs the person's attention.
    pub fn has_problems(&self) -> bool {
        self.hash_mismatch || !self.moved.is_empty() || !self.orphans.is_empty()
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
    /// True when any article has problems (moved or orphaned annotations, bad hashes).
    pub fn has_problems(&self) -> bool {
        self.reports.iter().any(ArticleReport::has_problems)
    }
}

/// Serialise a session to pretty RON. Article sources are written relative to `dir`.
pub fn to_ron(session: &Session, dir: Option<&Path>) -> String {
    let file = SessionFileV1 {
        version: SESSION_VERSION,
        next_id: session.next_id,
        labels: session.labels.clone(),
        articles: session
            .documents
            .iter()
            .map(|doc| ArticleRecord {
                id: doc.article.id.clone(),
                title: doc.article.title.clone(),
                source: relative_source(&doc.article.source, dir),
                sha256: doc.article.sha256.clone(),
                text: doc.article.text.as_str().to_owned(),
                annotations: doc.annotations.iter().map(record_of).collect(),
            })
            .collect(),
    };
    let config = ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("  ")
        .depth_limit(4)
        .escape_strings(false);
    // Serialising plain structs, strings and maps cannot fail; fall back to compact RON.
    ron::ser::to_string_pretty(&file, config)
        .or_else(|_| ron::ser::to_string(&file))
        .unwrap_or_default()
        + "\n"
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
        modified: a.modified,
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
        message: e.code.to_string(),
    };
    // One full parse when all is well (a session can be tens of MB); the version alone is
    // probed only when that parse fails, so a newer file is refused as newer, not malformed.
    let parsed: Result<SessionFileV1, _> = ron::from_str(text);
    let version = match &parsed {
        Ok(file) => file.version,
        Err(_) => {
            ron::from_str::<VersionProbe>(text)
                .map_err(malformed)?
                .version
        }
    };
    let file = match version {
        0 | 1 => parsed.map_err(malformed)?,
        found => {
            return Err(SessionFileError::TooNew {
                path: path.to_owned(),
                found,
            });
        }
    };
    let dir = path.parent();
    let mut session = Session {
        labels: file.labels,
        documents: Vec::new(),
        next_id: file.next_id.max(1),
    };
    let invalid = |message: String| SessionFileError::Invalid {
        path: path.to_owned(),
        message,
    };
    let mut reports = Vec::new();
    let mut seen_ids = std::collections::BTreeSet::new();
    for record in file.articles {
        if session.document(&record.id).is_some() {
            return Err(invalid(format!("article id {:?} appears twice", record.id)));
        }
        let mut report = ArticleReport {
            article: record.id.clone(),
            ..ArticleReport::default()
        };
        let source = resolve_source(&record.source, dir);
        let stored_hash = sha256_hex(&record.text);
        report.hash_mismatch = !record.sha256.is_empty() && record.sha256 != stored_hash;
        let stored_text = Text::new(record.text);
        let mut text = stored_text.clone();
        if read_sources && !source.is_empty() {
            match super::article::load_article(Path::new(&source)) {
                Ok(on_disk) if on_disk.sha256 != stored_hash => {
                    report.source_changed = true;
                    text = on_disk.text;
                }
                Ok(_) => {}
                Err(error) => report.source_missing = Some(error.to_string()),
            }
        }
        let mut article = Article::new(&record.id, &record.title, &source, text);
        if record.title.is_empty() {
            article.title.clone_from(&article.id);
        }
        let mut doc = Document::new(article);
        for a in record.annotations {
            if !seen_ids.insert(a.id) {
                return Err(invalid(format!("annotation id {} appears twice", a.id)));
            }
            if session.label(&a.label).is_none() {
                return Err(invalid(format!(
                    "annotation {} uses label {:?}, which is not in the label list",
                    a.id, a.label
                )));
            }
            let mut annotation = Annotation {
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
                modified: a.modified,
                orphan: a.orphan,
            };
            // Context comes from the text the annotation was made on, so that
            // re-anchoring in a changed file can tell repeated quotes apart.
            if annotation.is_anchored_in(&stored_text) {
                annotation.refresh_context(&stored_text);
            }
            doc.annotations.push(annotation);
        }
        for (id, result) in doc.reanchor_all() {
            match result {
                Anchoring::Orphan => report.orphans.push(id),
                moved => report.moved.push((id, moved)),
            }
        }
        // Orphans from earlier loads are still orphans: report them too.
        for a in doc.annotations.iter().filter(|a| a.orphan) {
            if !report.orphans.contains(&a.id) {
                report.orphans.push(a.id);
            }
        }
        report.orphans.sort();
        session.documents.push(doc);
        reports.push(report);
    }
    session.fix_next_id();
    Ok(LoadedSession { session, reports })
}

/// Read a session file (reading article sources to detect changed articles).
pub fn load_session(path: &Path) -> Result<LoadedSession, SessionFileError> {
    let text = std::fs::read_to_string(path).map_err(|reason| SessionFileError::Read {
        path: path.to_owned(),
        reason,
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
