//! `gloss new`: a session from article files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{absolute_source, refuse_overwrite, say};
use crate::formats;
use crate::model::Session;

pub(super) fn run(output: &Path, force: bool, articles: &[PathBuf]) -> anyhow::Result<ExitCode> {
    refuse_overwrite(output, force)?;
    let mut session = Session::new();
    let mut ids = crate::model::ArticleIds::default();
    for path in articles {
        let mut article = absolute_source(formats::load_article(path)?);
        article.id = ids.claim(&article.id);
        session.documents.push(crate::model::Document::new(article));
    }
    formats::save_session(&session, output)?;
    say(&format!(
        "wrote {} with {} article(s)",
        output.display(),
        session.documents.len()
    ));
    Ok(ExitCode::SUCCESS)
}
