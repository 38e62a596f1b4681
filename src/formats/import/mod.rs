//! Imports: our JSON schema (only `articles[].text` and `annotations[].label/start/end`
//! required; relations refer to annotation ids) in [`json`], and doccano JSONL (with its
//! relation mode) in [`doccano`]; what they share is here.

mod brat;
mod detect;
mod doccano;
mod json;
mod label_studio;
mod w3c;

use std::path::{Path, PathBuf};

pub use detect::detect;

use crate::model::{Anchoring, AnnotationId, Label, RelationType, Session};

/// An import format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// Our JSON schema.
    Json,
    /// Our JSON Lines (one article per line).
    Jsonl,
    /// doccano JSONL.
    Doccano,
    /// Label Studio's JSON export (a list of tasks).
    LabelStudio,
    /// W3C Web Annotation (a collection, a page, an annotation or a list of them).
    W3c,
    /// brat standoff: a folder of `.ann` + `.txt` files, or one `.ann` file.
    Brat,
}

impl ImportFormat {
    /// Every format.
    pub const ALL: [Self; 6] = [
        Self::Json,
        Self::Jsonl,
        Self::Doccano,
        Self::LabelStudio,
        Self::W3c,
        Self::Brat,
    ];

    /// The command-line name.
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
    /// How many annotations (spans) the file has, imported or skipped.
    pub annotations_read: usize,
    /// How many relations the file has, imported or skipped.
    pub relations_read: usize,
    /// Every record left out under `skip_invalid`, with where it is and why.
    pub skipped: Vec<String>,
}

impl Imported {
    /// The summary line: what was read and what was written.
    pub fn summary(&self) -> String {
        format!(
            "read {} annotation(s) and {} relation(s); imported {} article(s), {} annotation(s), {} relation(s){}",
            self.annotations_read,
            self.relations_read,
            self.session.documents.len(),
            self.session.annotation_count(),
            self.session.relations.len(),
            if self.skipped.is_empty() {
                String::new()
            } else {
                format!("; skipped {} invalid record(s)", self.skipped.len())
            }
        )
    }
}

/// How to import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Leave out records that cannot be imported (each listed in [`Imported::skipped`])
    /// instead of failing.
    pub skip_invalid: bool,
    /// Label Studio: take each task's `predictions` instead of its `annotations`.
    pub predictions: bool,
}

/// What an importer has read so far, and the rule for invalid records: fail, or skip and
/// list them.
pub(super) struct Tally<'a> {
    path: &'a Path,
    skip_invalid: bool,
    pub(super) annotations_read: usize,
    pub(super) relations_read: usize,
    pub(super) skipped: Vec<String>,
    /// Time stamp for records that have none (the import's time, never 1970).
    pub(super) now: crate::model::Timestamp,
}

impl<'a> Tally<'a> {
    pub(super) fn new(path: &'a Path, options: ImportOptions) -> Self {
        Self {
            path,
            skip_invalid: options.skip_invalid,
            annotations_read: 0,
            relations_read: 0,
            skipped: Vec::new(),
            now: crate::model::Timestamp::now(),
        }
    }

    /// A record that cannot be imported: an error, or (skipping) noted; `Ok` means go on
    /// without it.
    pub(super) fn invalid(&mut self, message: String) -> Result<(), ImportError> {
        if self.skip_invalid {
            self.skipped.push(message);
            Ok(())
        } else {
            Err(ImportError::Invalid {
                path: self.path.to_owned(),
                message,
            })
        }
    }

    /// An error about the whole file (never skipped).
    pub(super) fn fatal(&self, message: String) -> ImportError {
        ImportError::Invalid {
            path: self.path.to_owned(),
            message,
        }
    }

    pub(super) fn path(&self) -> &'a Path {
        self.path
    }

    pub(super) fn finish(
        self,
        session: Session,
        moved: Vec<(String, AnnotationId, Anchoring)>,
    ) -> Imported {
        Imported {
            session,
            moved,
            annotations_read: self.annotations_read,
            relations_read: self.relations_read,
            skipped: self.skipped,
        }
    }
}

/// Read and import a file in `format`, or (`None`) in the format its content shows
/// ([`detect`]); returns the format too, so the person can be told.
pub fn import_path(
    path: &Path,
    format: Option<ImportFormat>,
    options: ImportOptions,
) -> Result<(ImportFormat, Imported), ImportError> {
    // brat is a folder (or an .ann file beside its .txt), not one file's content.
    let is_ann = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ann"));
    if format == Some(ImportFormat::Brat) || (format.is_none() && (path.is_dir() || is_ann)) {
        let imported = brat::import_brat(path, Tally::new(path, options))?;
        return Ok((ImportFormat::Brat, imported));
    }
    let data = read_import(path)?;
    let format = match format {
        Some(format) => format,
        None => detect(&data).map_err(|message| ImportError::Invalid {
            path: path.to_owned(),
            message,
        })?,
    };
    Ok((format, import_str(&data, path, format, options)?))
}

/// Read and import a file.
pub fn import_file(path: &Path, format: ImportFormat) -> Result<Imported, ImportError> {
    import_path(path, Some(format), ImportOptions::default()).map(|(_, imported)| imported)
}

/// Read a file and import it in the format its content shows ([`detect`]).
pub fn import_file_detecting(path: &Path) -> Result<(ImportFormat, Imported), ImportError> {
    import_path(path, None, ImportOptions::default())
}

fn read_import(path: &Path) -> Result<String, ImportError> {
    use super::input::{MAX_IMPORT_BYTES, read_regular_text};
    read_regular_text(path, MAX_IMPORT_BYTES).map_err(|e| ImportError::Read {
        path: path.to_owned(),
        reason: e.into_io(),
    })
}

/// Import our JSON schema from a string (`path` for messages).
pub fn import_json(data: &str, path: &Path) -> Result<Imported, ImportError> {
    import_str(data, path, ImportFormat::Json, ImportOptions::default())
}

/// Import our JSON Lines from a string (`path` for messages).
pub fn import_jsonl(data: &str, path: &Path) -> Result<Imported, ImportError> {
    import_str(data, path, ImportFormat::Jsonl, ImportOptions::default())
}

/// Import doccano JSONL from a string (`path` for messages).
pub fn import_doccano(data: &str, path: &Path) -> Result<Imported, ImportError> {
    import_str(data, path, ImportFormat::Doccano, ImportOptions::default())
}

/// Import `data`, read from `path` (for messages and relative article sources).
pub fn import_str(
    data: &str,
    path: &Path,
    format: ImportFormat,
    options: ImportOptions,
) -> Result<Imported, ImportError> {
    let tally = Tally::new(path, options);
    let mut imported = match format {
        ImportFormat::Json => json::import_json(data, tally)?,
        ImportFormat::Jsonl => json::import_jsonl(data, tally)?,
        ImportFormat::Doccano => doccano::import_doccano(data, tally)?,
        ImportFormat::LabelStudio => {
            label_studio::import_label_studio(data, tally, options.predictions)?
        }
        ImportFormat::W3c => w3c::import_w3c(data, tally)?,
        ImportFormat::Brat => {
            return Err(ImportError::Invalid {
                path: path.to_owned(),
                message:
                    "brat is a folder of .ann and .txt files: import the folder or an .ann file"
                        .to_owned(),
            });
        }
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

/// The relation type with this id or name (case-insensitively), created when missing.
pub(super) fn match_relation_type(session: &mut Session, name: &str) -> String {
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

/// The label with this id or name (case-insensitively), created when missing.
pub(super) fn match_label(session: &mut Session, name: &str) -> String {
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

/// Add an imported document: sorted, every annotation checked against its text (and
/// re-anchored by its quote where its offsets do not fit, reported in `moved`).
pub(super) fn add_document(
    session: &mut Session,
    mut doc: crate::model::Document,
    moved: &mut Vec<(String, AnnotationId, Anchoring)>,
) {
    doc.sort();
    for (id, how) in doc.reanchor_all() {
        moved.push((doc.article.id.clone(), id, how));
    }
    session.documents.push(doc);
}
