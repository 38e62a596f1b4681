//! `gloss import`: a session from an annotated dataset (our JSON, doccano).

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
    let format = format.unwrap_or_else(|| ImportFormat::guess(input));
    let imported = formats::import_file(input, format)?;
    for (article, id, how) in &imported.moved {
        warn(&format!(
            "article {article:?}, annotation {id}: text did not match its offsets; {how}"
        ));
    }
    formats::save_session(&imported.session, output)?;
    say(&format!(
        "wrote {} with {} article(s), {} annotation(s)",
        output.display(),
        imported.session.documents.len(),
        imported.session.annotation_count()
    ));
    Ok(ExitCode::SUCCESS)
}
