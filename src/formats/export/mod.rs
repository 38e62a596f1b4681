//! Exports: our JSON schema (and JSONL), doccano, Label Studio, W3C Web Annotation and
//! brat standoff. Offsets are Unicode code points (chars) unless a field says otherwise.
//!
//! One file per format: [`json`] (our schema, also JSONL), [`doccano`], [`label_studio`],
//! [`w3c`] and [`brat`]; this module has what they share and the entry points.

mod brat;
mod conll;
mod doccano;
mod json;
pub(crate) mod label_studio;
pub(crate) mod w3c;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{Annotation, AnnotationId, Document, Relation, Session};

pub use brat::{brat_ann, brat_conf, write_brat};
pub use json::{
    JsonAnnotation, JsonArticle, JsonExport, JsonMetadata, JsonRelation, json_annotation,
    json_article, to_json_export,
};
pub use label_studio::labeling_config;

/// Version of our JSON schema. Version 2 added `relations` and `relation_types`.
pub const JSON_SCHEMA: u32 = 2;

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
    /// Label Studio labeling config (XML) for the tasks.
    LabelStudioConfig,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// A folder of brat `.txt` + `.ann` standoff files.
    Brat,
    /// CoNLL IOB2 tags, one token per line.
    Conll,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 8] = [
        Self::Json,
        Self::Jsonl,
        Self::Doccano,
        Self::LabelStudio,
        Self::LabelStudioConfig,
        Self::W3c,
        Self::Brat,
        Self::Conll,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Jsonl => "jsonl",
            Self::Doccano => "doccano",
            Self::LabelStudio => "label-studio",
            Self::LabelStudioConfig => "label-studio-config",
            Self::W3c => "w3c",
            Self::Brat => "brat",
            Self::Conll => "conll",
        }
    }

    /// A description for menus.
    pub fn title(self) -> &'static str {
        match self {
            Self::Json => "Gloss JSON",
            Self::Jsonl => "Gloss JSON Lines (one article per line)",
            Self::Doccano => "doccano sequence labelling (JSONL)",
            Self::LabelStudio => {
                "Label Studio tasks (JSON; to a folder: tasks.json + labeling-config.xml)"
            }
            Self::LabelStudioConfig => "Label Studio labeling config (XML) for those tasks",
            Self::W3c => "W3C Web Annotation (JSON-LD)",
            Self::Brat => "brat standoff (folder of .txt + .ann)",
            Self::Conll => "CoNLL IOB2 (one token per line; outer spans only)",
        }
    }

    /// File extension of the output (`None` for brat, which writes a folder).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Self::Json | Self::LabelStudio => Some("json"),
            Self::Jsonl | Self::Doccano => Some("jsonl"),
            Self::LabelStudioConfig => Some("xml"),
            Self::W3c => Some("jsonld"),
            Self::Conll => Some("conll"),
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
    /// The output folder already has a file the export would replace.
    #[error("the folder already has {file}, which the export would replace; choose a new or empty folder, or pass --force: {}", .folder.display())]
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

/// Render a single-file export to a string (brat is a folder: see [`write_brat`]).
pub fn export_string(session: &Session, format: ExportFormat) -> Option<String> {
    let mut out = match format {
        ExportFormat::Json => serde_json::to_string_pretty(&to_json_export(session)).ok()?,
        ExportFormat::Jsonl => jsonl(json::jsonl_articles(session)),
        ExportFormat::Doccano => doccano::doccano(session),
        ExportFormat::LabelStudio => {
            serde_json::to_string_pretty(&label_studio::label_studio(session)).ok()?
        }
        ExportFormat::LabelStudioConfig => label_studio::labeling_config(session),
        ExportFormat::W3c => serde_json::to_string_pretty(&w3c::w3c(session)).ok()?,
        ExportFormat::Conll => conll::conll(session),
        ExportFormat::Brat => return None,
    };
    // JSON Lines of nothing is an empty file, not a blank line.
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
}

pub(super) fn jsonl<T: Serialize>(items: impl Iterator<Item = T>) -> String {
    let mut out = String::new();
    for item in items {
        if let Ok(line) = serde_json::to_string(&item) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Where every annotation of a session is (the article's index), for exports that
/// place relations. Built only when the session has relations.
pub(super) struct Ends<'a>(std::collections::HashMap<AnnotationId, (usize, &'a Annotation)>);

impl<'a> Ends<'a> {
    pub(super) fn of(session: &'a Session) -> Self {
        if session.relations.is_empty() {
            return Self(std::collections::HashMap::new());
        }
        Self(
            session
                .documents
                .iter()
                .enumerate()
                .flat_map(|(n, d)| d.annotations.iter().map(move |a| (a.id, (n, a))))
                .collect(),
        )
    }

    /// The article index and annotation of `id`.
    pub(super) fn get(&self, id: AnnotationId) -> Option<(usize, &'a Annotation)> {
        self.0.get(&id).copied()
    }

    /// The article index of a relation both of whose ends are placed (not orphans) in
    /// that one article: what formats without cross-document links can write.
    pub(super) fn same_article(&self, relation: &Relation) -> Option<usize> {
        match (self.get(relation.from), self.get(relation.to)) {
            (Some((a, x)), Some((b, y))) if a == b && !x.orphan && !y.orphan => Some(a),
            _ => None,
        }
    }
}

/// What an export leaves out, in words, for the person to see (`gloss export` prints it
/// on stderr; the app shows it). Empty when nothing is lost.
pub fn export_warnings(session: &Session, format: ExportFormat) -> Vec<String> {
    if format == ExportFormat::Conll {
        let mut warnings = Vec::new();
        let nested = conll::left_out(session);
        if nested > 0 {
            warnings.push(format!(
                "{nested} annotation(s) inside or overlapping another cannot be written in conll (one flat layer; the outer span wins) and were left out"
            ));
        }
        if !session.relations.is_empty() {
            warnings.push(format!(
                "{} relation(s) cannot be written in conll and were left out",
                session.relations.len()
            ));
        }
        return warnings;
    }
    if session.relations.is_empty()
        || matches!(
            format,
            ExportFormat::Json | ExportFormat::Jsonl | ExportFormat::LabelStudioConfig
        )
    {
        return Vec::new();
    }
    let ends = Ends::of(session);
    let mut across = 0;
    let mut orphaned = 0;
    for r in session.relations.iter() {
        match (ends.get(r.from), ends.get(r.to)) {
            (Some((_, x)), Some((_, y))) if x.orphan || y.orphan => orphaned += 1,
            (Some((a, _)), Some((b, _))) if a != b && format != ExportFormat::W3c => {
                across += 1;
            }
            _ => {}
        }
    }
    let mut warnings = Vec::new();
    if format == ExportFormat::LabelStudio {
        let described = session
            .relations
            .iter()
            .filter(|r| ends.same_article(r).is_some())
            .filter(|r| !r.note.is_empty() || r.attributes.values().any(|v| !v.is_empty()))
            .count();
        if described > 0 {
            warnings.push(format!(
                "{described} relation(s) have a note or attributes, which Label Studio relations cannot hold; the links are written without them"
            ));
        }
    }
    if across > 0 {
        warnings.push(format!(
            "{across} cross-article relation(s) cannot be written in {} and were left out",
            format.name()
        ));
    }
    if orphaned > 0 {
        warnings.push(format!(
            "{orphaned} relation(s) with an orphaned end were left out of {}, like the orphans",
            format.name()
        ));
    }
    warnings
}

pub(super) fn live(doc: &Document) -> impl Iterator<Item = &Annotation> {
    doc.annotations.iter().filter(|a| !a.orphan)
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
    // Label Studio into a folder: the tasks and the config that reads them.
    if format == ExportFormat::LabelStudio && out.is_dir() {
        let render = |format: ExportFormat| {
            export_string(session, format).ok_or_else(|| ExportError::Render {
                path: out.to_owned(),
                format: format.name(),
            })
        };
        let files = [
            ("tasks.json".to_owned(), render(ExportFormat::LabelStudio)?),
            (
                "labeling-config.xml".to_owned(),
                render(ExportFormat::LabelStudioConfig)?,
            ),
        ];
        return write_folder(&files, out, replace);
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

/// Write `files` (name, content) into `folder`, all or nothing: every file is written into
/// a temporary folder beside `folder` first. A new folder is then renamed into place; into
/// an existing one the files are moved, which must not replace any file unless `replace`
/// (never a person's `article.txt` by surprise).
pub(super) fn write_folder(
    files: &[(String, String)],
    folder: &Path,
    replace: bool,
) -> Result<(), ExportError> {
    let write_err = |path: &Path| {
        let path = path.to_owned();
        move |reason| ExportError::Write { path, reason }
    };
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
    for (name, content) in files {
        let path = staging.path().join(name);
        std::fs::write(&path, content).map_err(write_err(&path))?;
    }
    if exists {
        for (name, _) in files {
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
