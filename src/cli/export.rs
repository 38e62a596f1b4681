//! `gloss export`: a session's annotations and relations in one of the export formats.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::{warn, write_stdout};
use crate::formats::{self, ExportFormat};

pub(super) fn run(
    format: ExportFormat,
    session: &Path,
    output: Option<&Path>,
    force: bool,
    update_sources: bool,
) -> anyhow::Result<ExitCode> {
    let mut loaded = formats::load_session(session)?;
    if update_sources {
        loaded.apply_source_updates();
    } else {
        for (doc, report) in loaded.session.documents.iter().zip(&loaded.reports) {
            if report.source_changed {
                warn(&format!(
                    "article {:?}: its file changed on disk; exporting the text stored in the session (--update-sources uses the file): {}",
                    doc.article.id, doc.article.source
                ));
            }
        }
    }
    for warning in formats::export::export_warnings(&loaded.session, format) {
        warn(&warning);
    }
    match (format, output) {
        (ExportFormat::Brat, None) => bail!(formats::ExportError::NeedsFolder),
        (_, Some(out)) => {
            formats::export::export_session_with(&loaded.session, format, out, force)?;
        }
        (_, None) => {
            let text = formats::export::export_string(&loaded.session, format)
                .with_context(|| format!("cannot render the {} export", format.name()))?;
            write_stdout(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
