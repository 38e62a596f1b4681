//! `gloss new`: a session from article files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{absolute_source, refuse_overwrite, say, warn};
use crate::formats::{self, HtmlMode};
use crate::model::Session;

pub(super) fn run(
    output: &Path,
    force: bool,
    html: HtmlMode,
    articles: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    refuse_overwrite(output, force)?;
    let mut session = Session::new();
    let mut ids = crate::model::ArticleIds::default();
    for path in articles {
        let mut article = absolute_source(formats::load_article_with(path, html)?);
        if article.metadata.extraction.as_deref() == Some(formats::html::EXTRACTED_FALLBACK) {
            warn(&format!(
                "no article found in the page, took all its readable text: {}",
                path.display()
            ));
        }
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
