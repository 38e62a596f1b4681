//! Suggestions in the app: running the engine on a worker thread (results for an article
//! that changed meanwhile are dropped), the focused suggestion, and keyboard review —
//! accept, reject, accept every suggestion of a label — each an undoable edit.

use std::collections::HashSet;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::state::GlossApp;
use crate::model::suggestion::{Draft, SuggestionId};
use crate::model::{Edit, Timestamp};

/// A suggestion action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuggestionCommand {
    /// Focus this suggestion (and scroll to it).
    Focus(SuggestionId),
    /// Focus the next (or previous) suggestion in the order shown.
    Step(bool),
    /// Accept the focused suggestion, or this one.
    Accept(Option<SuggestionId>),
    /// Reject the focused suggestion, or this one.
    Reject(Option<SuggestionId>),
    /// Accept every pending suggestion with the focused one's label (or this label).
    AcceptAll(Option<String>),
    /// Order the list by position or by score.
    SortByScore(bool),
}

/// A suggestion run under way on the worker thread.
struct Running {
    article: String,
    sha256: String,
    receiver: Receiver<Vec<Draft>>,
}

/// Suggestion state that is not saved.
#[derive(Default)]
pub struct Suggestions {
    /// The suggestion the review keys act on.
    pub focused: Option<SuggestionId>,
    /// List order: by score (else by position).
    pub by_score: bool,
    /// Articles suggested for in this run of the app (suggest-on-open runs once each).
    asked: HashSet<String>,
    running: Option<Running>,
}

impl Suggestions {
    /// True while the engine runs.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
}

impl GlossApp {
    /// Run the engine over the current article on a worker thread.
    pub(super) fn suggest(&mut self) {
        let Some(doc) = self.current_document() else {
            return;
        };
        let article = doc.article.id.clone();
        let sha256 = doc.article.sha256.clone();
        let text = doc.article.text.clone();
        let (sender, receiver) = channel();
        let spawned = std::thread::Builder::new()
            .name("gloss-suggest".into())
            .spawn(move || {
                let all = crate::model::suggestion::Kinds {
                    quotes: true,
                    claims: true,
                    spoilers: true,
                };
                let drafts = crate::model::suggestion::drafts_for(&text, all);
                let _ = sender.send(crate::model::suggestion::above(
                    drafts,
                    crate::model::suggestion::REVIEW_MIN_SCORE,
                ));
            });
        match spawned {
            Ok(_) => {
                self.suggestions.asked.insert(article.clone());
                self.suggestions.running = Some(Running {
                    article,
                    sha256,
                    receiver,
                });
            }
            Err(e) => self.error(format!("Cannot start the suggestion engine: {e}")),
        }
    }

    /// Suggest for the current article if suggest-on-open is on and it was not done yet.
    pub(super) fn suggest_on_open(&mut self) {
        if !self.settings.suggest_on_open || self.suggestions.running.is_some() {
            return;
        }
        let Some(doc) = self.current_document() else {
            return;
        };
        if self.suggestions.asked.contains(&doc.article.id) || !doc.pending.suggestions.is_empty() {
            return;
        }
        self.suggest();
    }

    /// Take the engine's result when it is ready: stored as pending suggestions (one
    /// undoable edit) unless the article changed or went away meanwhile.
    pub fn poll_suggestions(&mut self) {
        // The suggestion under review may be gone (undo, another article).
        if let Some(id) = self.suggestions.focused
            && self
                .current_document()
                .is_none_or(|d| d.pending.get(id).is_none())
        {
            self.suggestions.focused = None;
        }
        let Some(running) = &self.suggestions.running else {
            return;
        };
        let drafts = match running.receiver.try_recv() {
            Ok(drafts) => drafts,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => {
                self.suggestions.running = None;
                self.error("The suggestion engine stopped without a result.");
                return;
            }
        };
        let Some(running) = self.suggestions.running.take() else {
            return;
        };
        let current = self
            .session
            .document(&running.article)
            .is_some_and(|d| d.article.sha256 == running.sha256);
        if !current {
            self.note("The article changed while suggesting: those suggestions were dropped.");
            return;
        }
        self.store_suggestions(&running.article, &drafts);
    }

    /// Store `drafts` as the pending suggestions of `article` (one undoable edit) and,
    /// when it is shown, put the first under review.
    pub fn store_suggestions(&mut self, article: &str, drafts: &[Draft]) {
        match self.session.offer_suggestions(article, drafts) {
            Ok(edit) => {
                let title = self
                    .session
                    .document(article)
                    .map(|d| d.article.title.clone())
                    .unwrap_or_default();
                if self.edit(edit) {
                    let n = self
                        .session
                        .document(article)
                        .map_or(0, |d| d.pending.suggestions.len());
                    self.note(format!(
                        "{n} suggestion(s) for \"{title}\": Enter or A accepts, X rejects, Shift+Enter accepts all of that label."
                    ));
                    if self.current.as_deref() == Some(article) {
                        self.suggestions.focused = None;
                        self.step_suggestion(true);
                    }
                }
            }
            Err(e) => self.error(format!("Cannot store the suggestions: {e}")),
        }
    }

    /// The current article's suggestions in the order the list shows them.
    pub fn ordered_suggestions(&self) -> Vec<SuggestionId> {
        let Some(doc) = self.current_document() else {
            return Vec::new();
        };
        let mut list: Vec<_> = doc.pending.suggestions.iter().collect();
        if self.suggestions.by_score {
            list.sort_by_key(|s| (std::cmp::Reverse(s.score), s.start, s.id));
        }
        list.into_iter().map(|s| s.id).collect()
    }

    /// Apply a suggestion command.
    pub(super) fn apply_suggestion(&mut self, command: SuggestionCommand) {
        match command {
            SuggestionCommand::Focus(id) => self.focus_suggestion(Some(id)),
            SuggestionCommand::Step(forward) => self.step_suggestion(forward),
            SuggestionCommand::Accept(id) => {
                if let Some(id) = id.or(self.suggestions.focused) {
                    self.accept(&[id]);
                }
            }
            SuggestionCommand::Reject(id) => {
                if let Some(id) = id.or(self.suggestions.focused) {
                    self.reject(id);
                }
            }
            SuggestionCommand::AcceptAll(label) => {
                let label = label.or_else(|| {
                    let doc = self.current_document()?;
                    let id = self.suggestions.focused?;
                    doc.pending.get(id).map(|s| s.label.clone())
                });
                let Some(label) = label else { return };
                let ids: Vec<SuggestionId> = self
                    .current_document()
                    .map(|d| {
                        d.pending
                            .suggestions
                            .iter()
                            .filter(|s| s.label == label)
                            .map(|s| s.id)
                            .collect()
                    })
                    .unwrap_or_default();
                self.accept(&ids);
            }
            SuggestionCommand::SortByScore(by_score) => self.suggestions.by_score = by_score,
        }
    }

    fn focus_suggestion(&mut self, id: Option<SuggestionId>) {
        self.suggestions.focused = id;
        let span = id.and_then(|id| {
            self.current_document()
                .and_then(|d| d.pending.get(id))
                .map(crate::model::suggestion::Suggestion::span)
        });
        if let Some(span) = span {
            self.selected = None;
            if let Some(reader) = self.current_reader() {
                reader.set_selection(None);
                reader.scroll_to(span, false);
            }
        }
    }

    fn step_suggestion(&mut self, forward: bool) {
        let order = self.ordered_suggestions();
        if order.is_empty() {
            self.suggestions.focused = None;
            return;
        }
        let at = self
            .suggestions
            .focused
            .and_then(|f| order.iter().position(|&id| id == f));
        let n = order.len();
        let next = super::step_index(at, n, forward);
        self.focus_suggestion(order.get(next).copied());
    }

    /// The order before an accept or reject and where the focused one was in it.
    fn review_position(&self) -> (Vec<SuggestionId>, usize) {
        let order = self.ordered_suggestions();
        let at = self
            .suggestions
            .focused
            .and_then(|f| order.iter().position(|&id| id == f))
            .unwrap_or(0);
        (order, at)
    }

    /// After an accept or reject: the first suggestion still pending from where the
    /// focused one was, wrapping around.
    fn focus_successor(&mut self, (order, at): (Vec<SuggestionId>, usize)) {
        let pending = |id: &SuggestionId| {
            self.current_document()
                .is_some_and(|d| d.pending.get(*id).is_some())
        };
        let next = order
            .iter()
            .skip(at)
            .chain(order.iter().take(at))
            .copied()
            .find(|id| pending(id));
        self.focus_suggestion(next);
    }

    fn accept(&mut self, ids: &[SuggestionId]) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let position = self.review_position();
        match self
            .session
            .accept_suggestions(&article, ids, Timestamp::now())
        {
            Ok(edit) => {
                let added = count_added(&edit);
                if added == 0 {
                    self.note("Nothing to accept: the suggestion's label no longer exists.");
                    return;
                }
                if self.edit(edit) {
                    self.note(format!(
                        "Accepted: {added} annotation(s) added. Ctrl+Z undoes it."
                    ));
                    self.focus_successor(position);
                }
            }
            Err(e) => self.error(format!("Cannot accept: {e}")),
        }
    }

    fn reject(&mut self, id: SuggestionId) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let position = self.review_position();
        match self.session.reject_suggestions(&article, &[id]) {
            Ok(edit) => {
                if self.edit(edit) {
                    self.focus_successor(position);
                }
            }
            Err(e) => self.error(format!("Cannot reject: {e}")),
        }
    }

    /// Move an edge of the focused suggestion by a word (before accepting it).
    pub(super) fn resize_focused_suggestion(&mut self, span: std::ops::Range<usize>) {
        let (Some(article), Some(id)) = (self.current.clone(), self.suggestions.focused) else {
            return;
        };
        match self.session.resize_suggestion(&article, id, span) {
            Ok(edit) => {
                self.edit(edit);
            }
            Err(e) => self.error(format!("Cannot resize: {e}")),
        }
    }
}

fn count_added(edit: &Edit) -> usize {
    match edit {
        Edit::AddAnnotation { .. } => 1,
        Edit::Batch(edits) => edits.iter().map(count_added).sum(),
        _ => 0,
    }
}
