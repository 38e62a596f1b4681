//! Editing the session: every change goes through [`GlossApp::edit`] (history, revision,
//! journal); annotating, relabelling, resizing and stepping through annotations and
//! find matches.

use std::collections::HashSet;

use super::command::Command;
use super::state::GlossApp;
use crate::model::{AnnotationId, Edit, Step, Timestamp, words};

impl GlossApp {
    /// Apply `edit` through the history and journal it. False (and an error shown) when
    /// it does not apply.
    pub(super) fn edit(&mut self, edit: Edit) -> bool {
        let merging = matches!(
            edit,
            Edit::ReplaceAnnotation { .. }
                | Edit::ReplaceLabel { .. }
                | Edit::ReplaceRelation { .. }
        );
        let step = if merging {
            Step::Merge(edit.clone())
        } else {
            Step::Apply(edit.clone())
        };
        let result = if merging {
            self.history.apply_merging(&mut self.session, edit)
        } else {
            self.history.apply(&mut self.session, edit)
        };
        match result {
            Ok(()) => {
                self.revision += 1;
                self.journal(step);
                true
            }
            Err(e) => {
                self.error(format!("Could not change the session: {e}"));
                false
            }
        }
    }

    /// Record a history step that was just applied: in the edit journal, and in the
    /// panels' counts.
    pub(super) fn journal(&mut self, step: Step) {
        let revision = self.revision;
        match &step {
            Step::Apply(edit) | Step::Merge(edit) | Step::Redo(edit) => {
                self.counts.follow(edit, &self.session);
            }
            Step::Undo(edit) => self.counts.follow(&edit.inverse(), &self.session),
        }
        if log::log_enabled!(target: "gloss::journal", log::Level::Debug) {
            // Ground truth for crash tests: what was applied, and when (Unix ms).
            let quote = match step.edit() {
                Edit::AddAnnotation { annotation, .. } => {
                    annotation.text.chars().take(40).collect()
                }
                _ => String::new(),
            };
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis());
            log::debug!(target: "gloss::journal", "step at {ms} ms: {} {quote:?}", step.edit().describe());
        }
        if let Some(recovery) = self.recovery.as_mut() {
            recovery.record(step, revision);
        }
    }

    pub(super) fn after_history(&mut self, edit: &Edit, undone: bool) {
        let verb = if undone { "Undid" } else { "Redid" };
        self.note(format!("{verb} {}", edit.describe()));
        // Keep the selection on the annotation the edit touched, if it still exists.
        let touched = match edit {
            Edit::AddAnnotation { annotation, .. } | Edit::RemoveAnnotation { annotation, .. } => {
                Some(annotation.id)
            }
            Edit::ReplaceAnnotation { after, .. } => Some(after.id),
            _ => None,
        };
        if let Some(id) = touched {
            let exists = self
                .current_document()
                .is_some_and(|d| d.annotation(id).is_some());
            self.selected = exists.then_some(id);
        }
    }

    pub(super) fn update(
        &mut self,
        id: AnnotationId,
        change: impl FnOnce(&mut crate::model::Annotation),
    ) {
        let Some(article) = self.current.clone() else {
            return;
        };
        match self
            .session
            .update_annotation(&article, id, Timestamp::now(), change)
        {
            Ok(edit) => {
                if let Edit::ReplaceAnnotation { before, after, .. } = &edit
                    && before == after
                {
                    return;
                }
                self.edit(edit);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Resolve a merge conflict: `keep` loses its conflict marks and `drop` (the other
    /// version, if there is one) goes, in one undoable step.
    pub(super) fn resolve_conflict(&mut self, keep: AnnotationId, drop: Option<AnnotationId>) {
        use crate::model::merge::{CONFLICT, CONFLICT_WITH};
        let Some(article) = self.current.clone() else {
            return;
        };
        let mut edits = Vec::new();
        let mut scratch = self.session.clone();
        if let Some(drop) = drop
            && let Ok(edit) = scratch.delete_annotation(&article, drop)
            && edit.apply(&mut scratch).is_ok()
        {
            edits.push(edit);
        }
        match scratch.update_annotation(&article, keep, Timestamp::now(), |a| {
            a.attributes.remove(CONFLICT);
            a.attributes.remove(CONFLICT_WITH);
        }) {
            Ok(edit) => edits.push(edit),
            Err(e) => return self.error(e.to_string()),
        }
        if self.edit(Edit::Batch(edits)) {
            self.note("Conflict resolved.");
        }
    }

    /// Re-attach orphan `id` to the reader's selection (snapped like a new annotation):
    /// its quote becomes the selected text, and it is an orphan no more.
    pub(super) fn reattach(&mut self, id: AnnotationId) {
        let Some(range) = self
            .current_reader()
            .and_then(|r| r.selection())
            .map(|s| s.range())
        else {
            self.note("Select the annotation's text in the reader first, then press Enter.");
            return;
        };
        let Some(text) = self.current_document().map(|d| d.article.text.clone()) else {
            return;
        };
        let Ok(span) = crate::model::snap_span(&text, range) else {
            self.note("The selection is only whitespace.");
            return;
        };
        self.update(id, |a| {
            a.set_span(&text, span);
            a.attributes.remove(crate::model::session::PREVIOUS_TEXT);
        });
        if let Some(reader) = self.current_reader() {
            reader.set_selection(None);
        }
    }

    /// Annotate the reader's selection with `label`.
    pub fn annotate_selection(&mut self, label: &str) {
        let Some(article) = self.current.clone() else {
            self.error("Open an article first.");
            return;
        };
        let Some(range) = self
            .current_reader()
            .and_then(|r| r.selection())
            .map(|s| s.range())
        else {
            self.note("Select some text first, then press the label's key.");
            return;
        };
        match self
            .session
            .annotate(&article, label, range, Timestamp::now())
        {
            Ok(edit) => {
                let id = match &edit {
                    Edit::AddAnnotation { annotation, .. } => Some(annotation.id),
                    _ => None,
                };
                if self.edit(edit) {
                    self.selected = id;
                    self.focus_note = true;
                    if let Some(reader) = self.current_reader() {
                        reader.set_selection(None);
                    }
                }
            }
            Err(e) => self.error(format!("Cannot annotate: {e}")),
        }
    }

    pub(super) fn annotate_matches(&mut self, label: &str) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let existing: HashSet<(usize, usize)> = self
            .current_document()
            .map(|d| {
                d.annotations
                    .iter()
                    .filter(|a| a.label == label)
                    .map(|a| (a.start, a.end))
                    .collect()
            })
            .unwrap_or_default();
        let mut edits = Vec::new();
        let now = Timestamp::now();
        for m in self.find.matches.clone() {
            let Ok(edit) = self.session.annotate(&article, label, m, now) else {
                continue;
            };
            if let Edit::AddAnnotation { annotation, .. } = &edit
                && existing.contains(&(annotation.start, annotation.end))
            {
                continue;
            }
            edits.push(edit);
        }
        let n = edits.len();
        if n == 0 {
            self.note("No new annotations: every match is already annotated with that label.");
            return;
        }
        if self.edit(Edit::Batch(edits)) {
            self.note(format!("Annotated {n} match(es) as {label}."));
        }
    }

    pub(super) fn step_match(&mut self, forward: bool) {
        // The query may have changed in this very frame (typed, then Enter).
        if let Some(doc) = self
            .current
            .as_ref()
            .and_then(|id| self.session.document(id))
        {
            self.find.refresh(&doc.article.id, &doc.article.text);
        }
        let n = self.find.matches.len();
        if n == 0 {
            return;
        }
        let next = super::step_index(self.find.current, n, forward);
        self.find.current = Some(next);
        if let Some(range) = self.find.matches.get(next).cloned()
            && let Some(reader) = self.current_reader()
        {
            reader.set_selection(Some(range.clone()));
            reader.scroll_to(range, false);
        }
    }

    pub(super) fn step_annotation(&mut self, forward: bool) {
        let Some(doc) = self.current_document() else {
            return;
        };
        let live: Vec<AnnotationId> = doc
            .annotations
            .iter()
            .filter(|a| !a.orphan)
            .map(|a| a.id)
            .collect();
        let position = self
            .selected
            .and_then(|s| live.iter().position(|&id| id == s));
        let next = match (position, forward) {
            (None, true) => live.first(),
            (None, false) => live.last(),
            (Some(i), true) => live.get(i + 1).or(live.first()),
            (Some(i), false) => i.checked_sub(1).and_then(|j| live.get(j)).or(live.last()),
        };
        if let Some(&id) = next {
            self.push(Command::JumpTo(id));
        }
    }

    pub(super) fn step_article(&mut self, forward: bool) {
        let ids: Vec<String> = self
            .session
            .documents
            .iter()
            .map(|d| d.article.id.clone())
            .collect();
        if ids.is_empty() {
            return;
        }
        let at = self
            .current
            .as_ref()
            .and_then(|c| ids.iter().position(|id| id == c))
            .unwrap_or(0);
        let next = if forward {
            (at + 1) % ids.len()
        } else {
            (at + ids.len() - 1) % ids.len()
        };
        if let Some(id) = ids.get(next) {
            self.push(Command::SelectArticle(id.clone()));
        }
    }

    pub(super) fn move_edge(&mut self, edge: Edge, grow: bool) {
        if self.selected.is_none()
            && let Some(id) = self.suggestions.focused
            && let Some((text, span)) = self.current_document().and_then(|d| {
                d.pending
                    .get(id)
                    .map(|s| (d.article.text.clone(), s.span()))
            })
        {
            let new_span = moved_edge(&text, span.clone(), edge, grow);
            if !new_span.is_empty() && new_span != span {
                self.resize_focused_suggestion(new_span);
            }
            return;
        }
        let (Some(article), Some(id)) = (self.current.clone(), self.selected) else {
            return;
        };
        let Some((text, span)) = self
            .current_document()
            .and_then(|d| d.annotation(id).map(|a| (d.article.text.clone(), a.span())))
        else {
            return;
        };
        let new_span = moved_edge(&text, span.clone(), edge, grow);
        if new_span.is_empty() || new_span == span {
            return;
        }
        match self
            .session
            .resize_annotation(&article, id, new_span, Timestamp::now())
        {
            Ok(edit) => {
                self.edit(edit);
            }
            Err(e) => self.error(format!("Cannot resize: {e}")),
        }
    }
}

/// `span` with one edge moved by a word.
fn moved_edge(
    text: &crate::model::Text,
    span: std::ops::Range<usize>,
    edge: Edge,
    grow: bool,
) -> std::ops::Range<usize> {
    match (edge, grow) {
        (Edge::Start, true) => words::word_start_before(text, span.start)..span.end,
        (Edge::Start, false) => words::word_start_after(text, span.start).min(span.end)..span.end,
        (Edge::End, true) => span.start..words::word_end_after(text, span.end),
        (Edge::End, false) => span.start..words::word_end_before(text, span.end).max(span.start),
    }
}

/// Which edge of an annotation a command moves.
#[derive(Clone, Copy)]
pub(super) enum Edge {
    /// The first char.
    Start,
    /// The end.
    End,
}
