//! Article commands: progress (mark done, next unfinished), rename, remove, reload from
//! its file — each an undoable edit.

use super::state::GlossApp;
use crate::formats;
use crate::model::{ArticleInfo, Edit, Status};

impl GlossApp {
    /// Mark the current article done, or back to not done (Ctrl+D).
    pub(super) fn toggle_done(&mut self) {
        let Some(doc) = self.current_document() else {
            return;
        };
        let before = doc.article.info();
        let status = if before.status == Status::Done {
            Status::Todo
        } else {
            Status::Done
        };
        self.set_status(&doc.article.id.clone(), before, status);
    }

    /// Give article `id` this status.
    pub(super) fn set_status(&mut self, id: &str, before: ArticleInfo, status: Status) {
        let after = ArticleInfo {
            status,
            ..before.clone()
        };
        if before != after {
            self.edit(Edit::ReviseArticle {
                article: id.to_owned(),
                before,
                after,
            });
        }
    }

    /// Show the next article that is not done.
    pub(super) fn next_unfinished(&mut self) {
        let next = self
            .session
            .next_unfinished(self.current.as_deref())
            .map(|d| d.article.id.clone());
        match next {
            Some(id) => {
                self.current = Some(id);
                self.selected = None;
                self.find.invalidate();
            }
            None => self.note("Every other article is done.".to_owned()),
        }
    }

    /// Rename article `id`.
    pub(super) fn rename_article(&mut self, id: &str, title: &str) {
        let title = title.trim();
        let Some(doc) = self.session.document(id) else {
            return;
        };
        if title.is_empty() || title == doc.article.title {
            return;
        }
        let before = doc.article.info();
        let after = ArticleInfo {
            title: title.to_owned(),
            ..before.clone()
        };
        self.edit(Edit::ReviseArticle {
            article: id.to_owned(),
            before,
            after,
        });
    }

    /// Read article `id`'s file again. When its text changed, the question the session
    /// loader asks comes up (what would move, what would be orphaned); applying it is
    /// one undoable edit. Only article files (.txt, .md, .html) are read, so a source
    /// recorded by someone else cannot make Gloss open anything else.
    pub(super) fn reload_article(&mut self, id: &str) {
        let Some(doc) = self.session.document(id) else {
            return;
        };
        let title = doc.article.title.clone();
        let source = doc.article.source.clone();
        if source.is_empty() {
            self.error(format!(
                "Cannot reload \"{title}\": it was not opened from a file."
            ));
            return;
        }
        if !formats::is_article_path(&source) {
            self.error(format!(
                "Cannot reload \"{title}\": only .txt, .md and .html article files are read: {source}"
            ));
            return;
        }
        match formats::load_article(std::path::Path::new(&source)) {
            Ok(article) if article.sha256 == doc.article.sha256 => {
                self.note(format!("\"{title}\" is the same as its file: {source}"));
            }
            Ok(article) => {
                self.changed_sources.retain(|(changed, _)| changed != id);
                self.changed_sources.push((id.to_owned(), article));
            }
            Err(e) => self.error(format!("Cannot reload \"{title}\": {e}")),
        }
    }

    /// Remove article `id` with its annotations and the links that touch them, as one
    /// undoable step. One with annotations is only removed once the person confirmed.
    pub(super) fn remove_article(&mut self, id: &str, confirmed: bool) {
        let Some(index) = self
            .session
            .documents
            .iter()
            .position(|d| d.article.id == id)
        else {
            return;
        };
        let document = self.session.documents[index].clone();
        if !document.annotations.is_empty() && !confirmed {
            self.confirm_remove = Some(id.to_owned());
            return;
        }
        self.confirm_remove = None;
        let ids: std::collections::HashSet<_> = document.annotations.iter().map(|a| a.id).collect();
        let mut edits: Vec<Edit> = self
            .session
            .relations
            .iter()
            .filter(|r| ids.contains(&r.from) || ids.contains(&r.to))
            .map(|r| Edit::RemoveRelation {
                relation: r.clone(),
            })
            .collect();
        edits.push(Edit::RemoveArticle { index, document });
        if self.edit(Edit::Batch(edits)) && self.current.as_deref() == Some(id) {
            self.current = self
                .session
                .documents
                .get(index.min(self.session.documents.len().saturating_sub(1)))
                .map(|d| d.article.id.clone());
            self.selected = None;
            self.find.invalidate();
        }
    }
}
