//! `gloss suggest`: run the suggestion engine over a session's articles or article files;
//! print the suggestions as JSON (offsets in code points), or store them in a session as
//! pending suggestions for review in the app (rejected ones are never offered again).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use super::{absolute_source, refuse_overwrite, say, write_stdout};
use crate::formats;
use crate::formats::export::OFFSET_UNIT;
use crate::model::suggestion::{Draft, Kinds, above};
use crate::model::{Document, History, Session};

/// What `suggest` was asked for.
pub(super) struct Options<'a> {
    /// Which kinds of suggestion.
    pub kinds: Kinds,
    /// Leave out suggestions scoring below this (`None`: the default for the output).
    pub min_score: Option<f32>,
    /// A session, or article files.
    pub inputs: &'a [PathBuf],
    /// Where to write; standard output when `None`. A `.ron` output is a session.
    pub output: Option<&'a Path>,
    /// Replace an existing output.
    pub force: bool,
}

pub(super) fn run(options: &Options<'_>) -> anyhow::Result<ExitCode> {
    if let Some(min) = options.min_score
        && !(0.0..=1.0).contains(&min)
    {
        bail!("--min-score must be between 0 and 1, not {min}");
    }
    let to_session = options
        .output
        .is_some_and(|o| o.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron")));
    let min_score = options.min_score.unwrap_or(if to_session {
        crate::model::suggestion::REVIEW_MIN_SCORE
    } else {
        0.0
    });
    let is_session = |p: &PathBuf| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(formats::SESSION_EXTENSION))
    };
    let mut session = match options.inputs {
        [one] if is_session(one) => formats::load_session(one)?.session,
        inputs if inputs.iter().any(is_session) => {
            bail!("give one session, or article files, not both")
        }
        inputs => {
            let mut session = Session::new();
            let mut ids = crate::model::ArticleIds::default();
            for path in inputs {
                let mut article = absolute_source(formats::load_article(path)?);
                article.id = ids.claim(&article.id);
                session.documents.push(Document::new(article));
            }
            session
        }
    };
    let per_article: Vec<(String, Vec<Draft>)> = session
        .documents
        .iter()
        .map(|d| {
            let drafts = crate::model::suggestion::drafts_for(&d.article.text, options.kinds);
            (d.article.id.clone(), above(drafts, min_score))
        })
        .collect();
    if let (true, Some(output)) = (to_session, options.output) {
        refuse_overwrite(output, options.force)?;
        let mut history = History::default();
        let mut offered = 0usize;
        for (id, drafts) in &per_article {
            let edit = session.offer_suggestions(id, drafts)?;
            history
                .apply(&mut session, edit)
                .with_context(|| format!("cannot store the suggestions for article {id}"))?;
            offered += session
                .document(id)
                .map_or(0, |d| d.pending.suggestions.len());
        }
        formats::save_session(&session, output)?;
        say(&format!(
            "wrote {} with {offered} pending suggestion(s) in {} article(s)",
            output.display(),
            session.documents.len()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let articles: Vec<Value> = session
        .documents
        .iter()
        .zip(&per_article)
        .map(|(doc, (_, drafts))| article_json(doc, drafts))
        .collect();
    let out = json!({ "offset_unit": OFFSET_UNIT, "articles": articles });
    let text = serde_json::to_string_pretty(&out).context("cannot write JSON")? + "\n";
    match options.output {
        Some(path) => {
            refuse_overwrite(path, options.force)?;
            formats::write_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            say(&format!("wrote {}", path.display()));
        }
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn article_json(doc: &Document, drafts: &[Draft]) -> Value {
    let suggestions: Vec<Value> = drafts
        .iter()
        .map(|d| {
            let relations: Vec<Value> = d
                .links
                .iter()
                .map(|(kind, to)| json!({ "type": kind, "to": to }))
                .collect();
            json!({
                "label": d.label,
                "start": d.span.start,
                "end": d.span.end,
                "text": doc.article.text.slice(d.span.clone()).unwrap_or_default(),
                "score": (f64::from(d.score) * 1000.0).round() / 1000.0,
                "reason": d.reason,
                "attributes": d.attributes,
                "relations": relations,
            })
        })
        .collect();
    json!({
        "id": doc.article.id,
        "source": doc.article.source,
        "text_sha256": doc.article.sha256,
        "suggestions": suggestions,
    })
}
