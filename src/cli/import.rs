//! `gloss import`: a session from an annotated dataset (our JSON or JSONL, doccano). The
//! format is told by the content unless `--format` says it, and is printed.

use std::path::Path;
use std::process::ExitCode;

use super::{refuse_overwrite, say, warn};
use crate::formats::{self, ImportFormat, ImportOptions};

pub(super) fn run(
    format: Option<ImportFormat>,
    options: ImportOptions,
    input: &Path,
    output: &Path,
    force: bool,
) -> anyhow::Result<ExitCode> {
    refuse_overwrite(output, force)?;
    let (format, imported) = formats::import_path(input, format, options)?;
    say(&format!("read {} as {}", input.display(), format.name()));
    for skipped in &imported.skipped {
        warn(&format!("skipped {skipped}: {}", input.display()));
    }
    for (article, id, how) in &imported.moved {
        warn(&format!(
            "article {article:?}, annotation {id}: text did not match its offsets; {how}"
        ));
    }
    formats::save_session(&imported.session, output)?;
    say(&format!(
        "{}; wrote {}",
        imported.summary(),
        output.display()
    ));
    Ok(ExitCode::SUCCESS)
}
