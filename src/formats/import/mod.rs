//! Imports: our JSON schema (only `articles[].text` and `annotations[].label/start/end`
//! required; relations refer to annotation ids) in [`json`], and doccano JSONL (with its
//! relation mode) in [`doccano`]; what they share is here.

mod detect;
mod doccano;
mod json;

use std::path::{Path, PathBuf};

pub use detect::detect;
pub use doccano::import_doccano;
pub use json::{import_json, import_jsonl};

use crate::model::{Anchoring, AnnotationId, Label, Session};

/// An import format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// Our JSON schema.
    Json,
    /// Our JSON Lines (one article per line).
    Jsonl,
    /// doccano JSONL.
    Doccano,
}

impl ImportFormat {
    /// Every format.
    pub const ALL: [Self; 3] = [Self::Json, Self::Jsonl, Self::Doccano];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Jsonl => "jsonl",
            Self::Doccano => "doccano",
        }
    }

    /// Parse a command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
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
    import_data(&data, path, format)
}

/// Read a file and import it in the format its content shows ([`detect`]); returns the
/// format too, so the person can be told.
pub fn import_file_detecting(path: &Path) -> Result<(ImportFormat, Imported), ImportError> {
    use super::input::{MAX_IMPORT_BYTES, read_regular_text};
    let data = read_regular_text(path, MAX_IMPORT_BYTES).map_err(|e| ImportError::Read {
        path: path.to_owned(),
        reason: e.into_io(),
    })?;
    let format = detect(&data).map_err(|message| ImportError::Invalid {
        path: path.to_owned(),
        message,
    })?;
    Ok((format, import_data(&data, path, format)?))
}

fn import_data(data: &str, path: &Path, format: ImportFormat) -> Result<Imported, ImportError> {
    let mut imported = match format {
        ImportFormat::Json => import_json(data, path)?,
        ImportFormat::Jsonl => import_jsonl(data, path)?,
        ImportFormat::Doccano => import_doccano(data, path)?,
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

pub(super) fn malformed(
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

/// Add a label for an id that the label list does not have (imports from other tools).
pub(super) fn ensure_label(session: &mut Session, id: &str) {
    if session.label(id).is_none() {
        let color = Label::palette_color(session.labels.len());
        session.labels.push(Label::new(id, id, color));
    }
}
