//! `gloss import`: a session from an annotated dataset (our JSON or JSONL, doccano). The
//! format is told by the content unless `--format` says it, and is printed.

use std::path::Path;
use std::process::ExitCode;

use super::{refuse_overwrite, say, warn};
use crate::formats::{self, ImportFormat};

pub(super) fn run(
    format: Option<ImportFormat>,
    input: &Path,
    output: &Path,
    force: bool,
) -> anyhow::Result<ExitCode> {
    refuse_overwrite(output, force)?;
    let (format, imported) = match format {
        Some(format) => (format, formats::import_file(input, format)?),
        None => formats::import_file_detecting(input)?,
    };
    say(&format!("reading {} as {}", input.display(), format.name()));
    for (article, id, how) in &imported.moved {
        warn(&format!(
            "article {article:?}, annotation {id}: text did not match its offsets; {how}"
        ));
    }
    formats::save_session(&imported.session, output)?;
    say(&format!(
        "wrote {} with {} article(s), {} annotation(s), {} relation(s)",
        output.display(),
        imported.session.documents.len(),
        imported.session.annotation_count(),
        imported.session.relations.len()
    ));
    Ok(ExitCode::SUCCESS)
}
