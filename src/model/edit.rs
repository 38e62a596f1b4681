//! Edits and history: every change to a session is an [`Edit`] with an inverse, and
//! [`History`] undoes and redoes them without limit. The history is never saved.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::annotation::{Annotation, AnnotationId, snap_span};
use super::article::ArticleInfo;
use super::label::Label;
use super::relation::{Relation, RelationError, RelationId, RelationType};
use super::session::{AnnotateError, Document, Session};
use super::suggestion::Pending;
use super::time::Timestamp;

/// One invertible change to a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// Add an annotation to an article.
    AddAnnotation {
        /// Article id.
        article: String,
        /// The annotation added.
        annotation: Annotation,
    },
    /// Remove an annotation from an article.
    RemoveAnnotation {
        /// Article id.
        article: String,
        /// The annotation removed (whole, so the inverse restores it).
        annotation: Annotation,
    },
    /// Replace an annotation by a changed copy with the same id (relabel, resize, note,
    /// attributes).
    ReplaceAnnotation {
        /// Article id.
        article: String,
        /// The annotation as it was.
        before: Annotation,
        /// The annotation as it becomes.
        after: Annotation,
    },
    /// Insert a label at a position of the label list.
    AddLabel {
        /// Position in the label list.
        index: usize,
        /// The label.
        label: Label,
    },
    /// Remove the label at a position (annotations using it are removed by separate edits
    /// in the same [`Edit::Batch`]).
    RemoveLabel {
        /// Position in the label list.
        index: usize,
        /// The label removed.
        label: Label,
    },
    /// Change a label's name, colour, hotkey, description or attributes (same id).
    ReplaceLabel {
        /// The label as it was.
        before: Label,
        /// The label as it becomes.
        after: Label,
    },
    /// Insert an article (with its annotations) at a position of the article list.
    AddArticle {
        /// Position in the article list.
        index: usize,
        /// The article and its annotations.
        document: Document,
    },
    /// Remove the article at a position, with its annotations.
    RemoveArticle {
        /// Position in the article list.
        index: usize,
        /// The article removed (whole, so the inverse restores it).
        document: Document,
    },
    /// Replace an article and its annotations by another version with the same id (its
    /// file changed on disk and the annotations were re-anchored to the new text).
    ReplaceArticle {
        /// The document as it was.
        before: Document,
        /// The document as it becomes.
        after: Document,
    },
    /// Add a relation between two annotations of the session.
    AddRelation {
        /// The relation added.
        relation: Relation,
    },
    /// Remove a relation.
    RemoveRelation {
        /// The relation removed (whole, so the inverse restores it).
        relation: Relation,
    },
    /// Replace a relation by a changed copy with the same id and ends (retype, note,
    /// attributes).
    ReplaceRelation {
        /// The relation as it was.
        before: Relation,
        /// The relation as it becomes.
        after: Relation,
    },
    /// Insert a relation type at a position of the type list.
    AddRelationType {
        /// Position in the type list.
        index: usize,
        /// The type.
        kind: RelationType,
    },
    /// Remove the relation type at a position (relations of that type are removed by
    /// separate edits in the same [`Edit::Batch`]).
    RemoveRelationType {
        /// Position in the type list.
        index: usize,
        /// The type removed.
        kind: RelationType,
    },
    /// Change a relation type's name, colour, hotkey, description, label constraints or
    /// attributes (same id).
    ReplaceRelationType {
        /// The type as it was.
        before: RelationType,
        /// The type as it becomes.
        after: RelationType,
    },
    /// Change an article's title or status.
    ReviseArticle {
        /// Article id.
        article: String,
        /// Title and status as they were.
        before: ArticleInfo,
        /// Title and status as they become.
        after: ArticleInfo,
    },
    /// Change an article's pending suggestions (offer, accept, reject).
    ReviseSuggestions {
        /// Article id.
        article: String,
        /// Pending suggestions as they were.
        before: Pending,
        /// As they become.
        after: Pending,
    },
    /// Several edits applied and undone as one.
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied; the session is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The article is not in the session.
    #[error("no article {0:?} in the session")]
    NoArticle(String),
    /// The annotation is not where the edit expects it.
    #[error("annotation {0} is not in the session as expected")]
    AnnotationMismatch(AnnotationId),
    /// An annotation with this id already exists.
    #[error("annotation {0} already exists")]
    DuplicateAnnotation(AnnotationId),
    /// The label is not where the edit expects it.
    #[error("label {0:?} is not in the session as expected")]
    LabelMismatch(String),
    /// A label cannot be inserted at this position (past the end of the list).
    #[error("label position {0} is past the end of the label list")]
    LabelPosition(usize),
    /// A label with this id already exists.
    #[error("a label with id {0:?} already exists")]
    DuplicateLabel(String),
    /// The annotation's label does not exist.
    #[error("no label {0:?} in the session")]
    NoLabel(String),
    /// The article is not where the edit expects it.
    #[error("article {0:?} is not in the session as expected")]
    ArticleMismatch(String),
    /// An article with this id already exists.
    #[error("an article with id {0:?} already exists")]
    DuplicateArticle(String),
    /// The id is already used by another annotation or relation of the session.
    #[error("id {0} is already used in the session")]
    DuplicateId(u64),
    /// The relation cannot be added or changed.
    #[error(transparent)]
    Relation(#[from] RelationError),
    /// The relation is not where the edit expects it.
    #[error("relation {0} is not in the session as expected")]
    RelationMismatch(RelationId),
    /// An annotation (or an article's annotation) cannot go while relations use it.
    #[error("annotation {0} still has relations; remove them first")]
    HasRelations(AnnotationId),
    /// The relation type is not where the edit expects it, or is still used.
    #[error("relation type {0:?} is not in the session as expected")]
    RelationTypeMismatch(String),
    /// A relation type with this id already exists.
    #[error("a relation type with id {0:?} already exists")]
    DuplicateRelationType(String),
}

impl Edit {
    /// The edit that undoes this one.
    #[must_use]
    pub fn inverse(&self) -> Self {
        match self {
            Self::AddAnnotation {
                article,
                annotation,
            } => Self::RemoveAnnotation {
                article: article.clone(),
                annotation: annotation.clone(),
            },
            Self::RemoveAnnotation {
                article,
                annotation,
            } => Self::AddAnnotation {
                article: article.clone(),
                annotation: annotation.clone(),
            },
            Self::ReplaceAnnotation {
                article,
                before,
                after,
            } => Self::ReplaceAnnotation {
                article: article.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Self::AddLabel { index, label } => Self::RemoveLabel {
                index: *index,
                label: label.clone(),
            },
            Self::RemoveLabel { index, label } => Self::AddLabel {
                index: *index,
                label: label.clone(),
            },
            Self::ReplaceLabel { before, after } => Self::ReplaceLabel {
                before: after.clone(),
                after: before.clone(),
            },
            Self::AddArticle { index, document } => Self::RemoveArticle {
                index: *index,
                document: document.clone(),
            },
            Self::RemoveArticle { index, document } => Self::AddArticle {
                index: *index,
                document: document.clone(),
            },
            Self::ReplaceArticle { before, after } => Self::ReplaceArticle {
                before: after.clone(),
                after: before.clone(),
            },
            Self::ReviseArticle {
                article,
                before,
                after,
            } => Self::ReviseArticle {
                article: article.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Self::ReviseSuggestions {
                article,
                before,
                after,
            } => Self::ReviseSuggestions {
                article: article.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Self::AddRelation { relation } => Self::RemoveRelation {
                relation: relation.clone(),
            },
            Self::RemoveRelation { relation } => Self::AddRelation {
                relation: relation.clone(),
            },
            Self::ReplaceRelation { before, after } => Self::ReplaceRelation {
                before: after.clone(),
                after: before.clone(),
            },
            Self::AddRelationType { index, kind } => Self::RemoveRelationType {
                index: *index,
                kind: kind.clone(),
            },
            Self::RemoveRelationType { index, kind } => Self::AddRelationType {
                index: *index,
                kind: kind.clone(),
            },
            Self::ReplaceRelationType { before, after } => Self::ReplaceRelationType {
                before: after.clone(),
                after: before.clone(),
            },
            Self::Batch(edits) => Self::Batch(edits.iter().rev().map(Self::inverse).collect()),
        }
    }

    /// Apply to `session`. On error nothing is changed.
    pub fn apply(&self, session: &mut Session) -> Result<(), EditError> {
        self.apply_in(session, &mut KnownIds::default())
    }

    /// Apply, with the session's annotation ids indexed once for a batch that adds many
    /// relations (each would otherwise look its ends up in every article).
    fn apply_in(&self, session: &mut Session, known: &mut KnownIds) -> Result<(), EditError> {
        match self {
            Self::AddAnnotation {
                article,
                annotation,
            } => {
                if session.label(&annotation.label).is_none() {
                    return Err(EditError::NoLabel(annotation.label.clone()));
                }
                if session.relation(RelationId(annotation.id.0)).is_some() {
                    return Err(EditError::DuplicateId(annotation.id.0));
                }
                let doc = session
                    .document_mut(article)
                    .ok_or_else(|| EditError::NoArticle(article.clone()))?;
                if !doc.insert(annotation.clone()) {
                    return Err(EditError::DuplicateAnnotation(annotation.id));
                }
                session.next_id = session.next_id.max(annotation.id.0 + 1);
                known.added(annotation.id);
                Ok(())
            }
            Self::RemoveAnnotation {
                article,
                annotation,
            } => {
                if session.relations.iter().any(|r| r.touches(annotation.id)) {
                    return Err(EditError::HasRelations(annotation.id));
                }
                let doc = session
                    .document_mut(article)
                    .ok_or_else(|| EditError::NoArticle(article.clone()))?;
                let at = doc
                    .position_of(annotation)
                    .filter(|&at| {
                        doc.annotations
                            .get(at)
                            .is_some_and(|a| a.same_record(annotation))
                    })
                    .ok_or(EditError::AnnotationMismatch(annotation.id))?;
                doc.annotations.remove(at);
                known.removed(annotation.id);
                Ok(())
            }
            Self::ReplaceAnnotation {
                article,
                before,
                after,
            } => {
                if before.id != after.id {
                    return Err(EditError::AnnotationMismatch(after.id));
                }
                if session.label(&after.label).is_none() {
                    return Err(EditError::NoLabel(after.label.clone()));
                }
                let doc = session
                    .document_mut(article)
                    .ok_or_else(|| EditError::NoArticle(article.clone()))?;
                let at = doc
                    .position_of(before)
                    .filter(|&at| {
                        doc.annotations
                            .get(at)
                            .is_some_and(|a| a.same_record(before))
                    })
                    .ok_or(EditError::AnnotationMismatch(before.id))?;
                if before.sort_key() == after.sort_key() {
                    // A note, label or attribute change keeps the place: no shifting of a
                    // long list.
                    if let Some(slot) = doc.annotations.get_mut(at) {
                        *slot = after.clone();
                    }
                } else {
                    doc.annotations.remove(at);
                    if !doc.insert(after.clone()) {
                        // Another annotation already has the new place and id: put the
                        // old one back so nothing changes.
                        doc.insert(before.clone());
                        return Err(EditError::DuplicateAnnotation(after.id));
                    }
                }
                Ok(())
            }
            Self::AddLabel { index, label } => {
                if session.label(&label.id).is_some() {
                    return Err(EditError::DuplicateLabel(label.id.clone()));
                }
                // A position past the end would make the inverse remove the wrong slot.
                if *index > session.labels.len() {
                    return Err(EditError::LabelPosition(*index));
                }
                session.labels.insert(*index, label.clone());
                Ok(())
            }
            Self::RemoveLabel { index, label } => {
                if session.labels.get(*index) != Some(label) {
                    return Err(EditError::LabelMismatch(label.id.clone()));
                }
                let in_use = session
                    .documents
                    .iter()
                    .any(|d| d.annotations.iter().any(|a| a.label == label.id));
                if in_use {
                    return Err(EditError::LabelMismatch(label.id.clone()));
                }
                session.labels.remove(*index);
                Ok(())
            }
            Self::ReplaceLabel { before, after } => {
                if before.id != after.id {
                    return Err(EditError::LabelMismatch(after.id.clone()));
                }
                let slot = session
                    .labels
                    .iter_mut()
                    .find(|l| *l == before)
                    .ok_or_else(|| EditError::LabelMismatch(before.id.clone()))?;
                *slot = after.clone();
                Ok(())
            }
            Self::AddArticle { index, document } => {
                if session.document(&document.article.id).is_some() {
                    return Err(EditError::DuplicateArticle(document.article.id.clone()));
                }
                if *index > session.documents.len() {
                    return Err(EditError::ArticleMismatch(document.article.id.clone()));
                }
                if let Some(label) = document
                    .annotations
                    .iter()
                    .find(|a| session.label(&a.label).is_none())
                {
                    return Err(EditError::NoLabel(label.label.clone()));
                }
                if let Some(id) = session.shared_annotation_id(document) {
                    return Err(EditError::DuplicateAnnotation(id));
                }
                if let Some(max) = document.annotations.iter().map(|a| a.id.0).max() {
                    session.next_id = session.next_id.max(max.saturating_add(1));
                }
                session.documents.insert(*index, document.clone());
                for a in document.annotations.iter() {
                    known.added(a.id);
                }
                Ok(())
            }
            Self::RemoveArticle { index, document } => {
                let same = session
                    .documents
                    .get(*index)
                    .is_some_and(|d| same_document(d, document));
                if !same {
                    return Err(EditError::ArticleMismatch(document.article.id.clone()));
                }
                if let Some(id) = linked_among(session, document.annotations.iter().map(|a| a.id)) {
                    return Err(EditError::HasRelations(id));
                }
                session.documents.remove(*index);
                for a in document.annotations.iter() {
                    known.removed(a.id);
                }
                Ok(())
            }
            Self::ReplaceArticle { before, after } => {
                if before.article.id != after.article.id {
                    return Err(EditError::ArticleMismatch(after.article.id.clone()));
                }
                if let Some(a) = after
                    .annotations
                    .iter()
                    .find(|a| session.label(&a.label).is_none())
                {
                    return Err(EditError::NoLabel(a.label.clone()));
                }
                let kept: HashSet<AnnotationId> = after.annotations.iter().map(|a| a.id).collect();
                let dropped = before
                    .annotations
                    .iter()
                    .map(|a| a.id)
                    .filter(|id| !kept.contains(id));
                if let Some(id) = linked_among(session, dropped) {
                    return Err(EditError::HasRelations(id));
                }
                let slot = session
                    .documents
                    .iter_mut()
                    .find(|d| d.article.id == before.article.id)
                    .filter(|d| same_document(d, before))
                    .ok_or_else(|| EditError::ArticleMismatch(before.article.id.clone()))?;
                *slot = after.clone();
                known.forget();
                Ok(())
            }
            Self::ReviseArticle {
                article,
                before,
                after,
            } => {
                let doc = document_mut(session, article)?;
                if doc.article.info() != *before {
                    return Err(EditError::ArticleMismatch(article.clone()));
                }
                doc.article.title.clone_from(&after.title);
                doc.article.status = after.status;
                Ok(())
            }
            Self::ReviseSuggestions {
                article,
                before,
                after,
            } => {
                let doc = document_mut(session, article)?;
                if doc.pending != *before {
                    return Err(EditError::ArticleMismatch(article.clone()));
                }
                let len = doc.article.text.char_len();
                if after
                    .suggestions
                    .iter()
                    .any(|s| s.start >= s.end || s.end > len)
                {
                    return Err(EditError::ArticleMismatch(article.clone()));
                }
                doc.pending = after.clone();
                Ok(())
            }
            Self::AddRelation { relation } => {
                check_relation(session, relation, None, known)?;
                // Relation and annotation ids share one counter: neither may take the
                // other's.
                let at = session
                    .relations
                    .binary_search_by_key(&relation.id, |r| r.id)
                    .err()
                    .ok_or(EditError::DuplicateId(relation.id.0))?;
                if known.contains(session, AnnotationId(relation.id.0)) {
                    return Err(EditError::DuplicateId(relation.id.0));
                }
                session.relations.insert(at, relation.clone());
                session.next_id = session.next_id.max(relation.id.0.saturating_add(1));
                Ok(())
            }
            Self::RemoveRelation { relation } => {
                let at = session
                    .relations
                    .binary_search_by_key(&relation.id, |r| r.id)
                    .ok()
                    .filter(|&at| session.relations.get(at) == Some(relation))
                    .ok_or(EditError::RelationMismatch(relation.id))?;
                session.relations.remove(at);
                Ok(())
            }
            Self::ReplaceRelation { before, after } => {
                if before.id != after.id || before.from != after.from || before.to != after.to {
                    return Err(EditError::RelationMismatch(after.id));
                }
                let at = session
                    .relations
                    .binary_search_by_key(&before.id, |r| r.id)
                    .ok()
                    .filter(|&at| session.relations.get(at) == Some(before))
                    .ok_or(EditError::RelationMismatch(before.id))?;
                check_relation(session, after, Some(before.id), known)?;
                if let Some(slot) = session.relations.get_mut(at) {
                    *slot = after.clone();
                }
                Ok(())
            }
            Self::AddRelationType { index, kind } => {
                if session.relation_type(&kind.id).is_some() {
                    return Err(EditError::DuplicateRelationType(kind.id.clone()));
                }
                if *index > session.relation_types.len() {
                    return Err(EditError::RelationTypeMismatch(kind.id.clone()));
                }
                session.relation_types.insert(*index, kind.clone());
                Ok(())
            }
            Self::RemoveRelationType { index, kind } => {
                let in_place = session.relation_types.get(*index) == Some(kind);
                if !in_place || session.relations.iter().any(|r| r.kind == kind.id) {
                    return Err(EditError::RelationTypeMismatch(kind.id.clone()));
                }
                session.relation_types.remove(*index);
                Ok(())
            }
            Self::ReplaceRelationType { before, after } => {
                if before.id != after.id {
                    return Err(EditError::RelationTypeMismatch(after.id.clone()));
                }
                let slot = session
                    .relation_types
                    .iter_mut()
                    .find(|t| *t == before)
                    .ok_or_else(|| EditError::RelationTypeMismatch(before.id.clone()))?;
                *slot = after.clone();
                Ok(())
            }
            Self::Batch(edits) => {
                // Adding annotations moves `next_id`, which their inverses leave alone.
                let next_id = session.next_id;
                let links = edits
                    .iter()
                    .filter(|e| matches!(e, Self::AddRelation { .. }))
                    .count();
                let mut batch_known = if links >= KnownIds::WORTH_INDEXING {
                    KnownIds::indexing()
                } else {
                    KnownIds::default()
                };
                for (done, edit) in edits.iter().enumerate() {
                    if let Err(error) = edit.apply_in(session, &mut batch_known) {
                        for applied in edits.iter().take(done).rev() {
                            // Undoing what was just applied cannot fail.
                            let _ = applied.inverse().apply(session);
                        }
                        session.next_id = next_id;
                        return Err(error);
                    }
                }
                known.forget();
                Ok(())
            }
        }
    }

    /// The same edit with annotation ids renumbered through `map` (ids not in it stay).
    /// Used when changes made on one copy of a session are replayed onto another copy
    /// that gave the same ids to other annotations meanwhile.
    #[must_use]
    pub fn renumbered(&self, map: &HashMap<AnnotationId, AnnotationId>) -> Self {
        let renumber = |a: &Annotation| {
            let mut a = a.clone();
            if let Some(id) = map.get(&a.id) {
                a.id = *id;
            }
            a
        };
        let renumber_doc = |d: &Document| {
            let mut d = d.clone();
            if d.annotations.iter().any(|a| map.contains_key(&a.id)) {
                d.annotations = d.annotations.iter().map(renumber).collect();
                d.sort();
            }
            d
        };
        match self {
            Self::AddAnnotation {
                article,
                annotation,
            } => Self::AddAnnotation {
                article: article.clone(),
                annotation: renumber(annotation),
            },
            Self::RemoveAnnotation {
                article,
                annotation,
            } => Self::RemoveAnnotation {
                article: article.clone(),
                annotation: renumber(annotation),
            },
            Self::ReplaceAnnotation {
                article,
                before,
                after,
            } => Self::ReplaceAnnotation {
                article: article.clone(),
                before: renumber(before),
                after: renumber(after),
            },
            Self::AddArticle { index, document } => Self::AddArticle {
                index: *index,
                document: renumber_doc(document),
            },
            Self::RemoveArticle { index, document } => Self::RemoveArticle {
                index: *index,
                document: renumber_doc(document),
            },
            Self::ReplaceArticle { before, after } => Self::ReplaceArticle {
                before: renumber_doc(before),
                after: renumber_doc(after),
            },
            Self::ReviseArticle { .. } | Self::ReviseSuggestions { .. } => self.clone(),
            Self::AddRelation { relation } => Self::AddRelation {
                relation: renumber_relation(relation, map),
            },
            Self::RemoveRelation { relation } => Self::RemoveRelation {
                relation: renumber_relation(relation, map),
            },
            Self::ReplaceRelation { before, after } => Self::ReplaceRelation {
                before: renumber_relation(before, map),
                after: renumber_relation(after, map),
            },
            Self::AddLabel { .. }
            | Self::RemoveLabel { .. }
            | Self::ReplaceLabel { .. }
            | Self::AddRelationType { .. }
            | Self::RemoveRelationType { .. }
            | Self::ReplaceRelationType { .. } => self.clone(),
            Self::Batch(edits) => Self::Batch(edits.iter().map(|e| e.renumbered(map)).collect()),
        }
    }

    /// A short description for menus and status lines ("Add quote", "Undo note").
    pub fn describe(&self) -> String {
        match self {
            Self::AddAnnotation { annotation, .. } => format!("add {}", annotation.label),
            Self::RemoveAnnotation { annotation, .. } => format!("delete {}", annotation.label),
            Self::ReplaceAnnotation { before, after, .. } => {
                if before.label != after.label {
                    format!("relabel as {}", after.label)
                } else if before.span() != after.span() {
                    "resize annotation".to_owned()
                } else if before.note != after.note {
                    "edit note".to_owned()
                } else {
                    "edit attributes".to_owned()
                }
            }
            Self::AddLabel { label, .. } => format!("add label {}", label.name),
            Self::RemoveLabel { label, .. } => format!("remove label {}", label.name),
            Self::ReplaceLabel { after, .. } => format!("edit label {}", after.name),
            Self::AddArticle { document, .. } => format!("add article {}", document.article.title),
            Self::RemoveArticle { document, .. } => {
                format!("remove article {}", document.article.title)
            }
            Self::ReplaceArticle { after, .. } => {
                format!("re-anchor article {}", after.article.title)
            }
            Self::ReviseArticle { before, after, .. } => {
                if before.title == after.title {
                    format!("mark {} as {}", after.title, after.status.title())
                } else {
                    format!("rename article to {}", after.title)
                }
            }
            Self::ReviseSuggestions { before, after, .. } => {
                if after.rejected.len() > before.rejected.len() {
                    "reject suggestion".to_owned()
                } else if after.suggestions.len() < before.suggestions.len() {
                    "accept suggestion".to_owned()
                } else {
                    "suggest".to_owned()
                }
            }
            Self::AddRelation { relation } => format!("link as {}", relation.kind),
            Self::RemoveRelation { relation } => format!("unlink {}", relation.kind),
            Self::ReplaceRelation { before, after } => {
                if before.kind != after.kind {
                    format!("retype link as {}", after.kind)
                } else if before.note != after.note {
                    "edit link note".to_owned()
                } else {
                    "edit link attributes".to_owned()
                }
            }
            Self::AddRelationType { kind, .. } => format!("add relation type {}", kind.name),
            Self::RemoveRelationType { kind, .. } => {
                format!("remove relation type {}", kind.name)
            }
            Self::ReplaceRelationType { after, .. } => {
                format!("edit relation type {}", after.name)
            }
            Self::Batch(edits) => match edits.as_slice() {
                [one] => one.describe(),
                [.., Self::ReviseSuggestions { .. }] => "accept suggestion".to_owned(),
                [
                    Self::AddRelation { relation },
                    Self::ReplaceAnnotation { .. },
                ] => {
                    format!("link as {}", relation.kind)
                }
                [links @ .., Self::RemoveAnnotation { annotation, .. }]
                    if links
                        .iter()
                        .all(|e| matches!(e, Self::RemoveRelation { .. })) =>
                {
                    format!("delete {} and its links", annotation.label)
                }
                _ => format!("{} changes", edits.len()),
            },
        }
    }
}

/// The session's annotation ids, indexed once for a batch that adds many relations and
/// kept up to date by the batch's own annotation edits.
#[derive(Default)]
struct KnownIds(Option<HashSet<AnnotationId>>, bool);

impl KnownIds {
    /// From how many added relations a batch indexes the ids first.
    const WORTH_INDEXING: usize = 8;

    /// Index on first use.
    fn indexing() -> Self {
        Self(None, true)
    }

    fn contains(&mut self, session: &Session, id: AnnotationId) -> bool {
        if !self.1 {
            return session.locate(id).is_some();
        }
        self.0
            .get_or_insert_with(|| {
                session
                    .documents
                    .iter()
                    .flat_map(|d| d.annotations.iter().map(|a| a.id))
                    .collect()
            })
            .contains(&id)
    }

    fn added(&mut self, id: AnnotationId) {
        if let Some(ids) = &mut self.0 {
            ids.insert(id);
        }
    }

    fn removed(&mut self, id: AnnotationId) {
        if let Some(ids) = &mut self.0 {
            ids.remove(&id);
        }
    }

    /// Drop the index (after an edit that changes ids wholesale).
    fn forget(&mut self) {
        self.0 = None;
    }
}

/// Whether `relation` may be in `session`: its type exists, its ends exist and differ, and
/// no other relation (than `replacing`) links the same ends with the same type. Label
/// constraints are checked when a link is made ([`Session::check_link`]), not here: a
/// relabelled end keeps its links.
fn check_relation(
    session: &Session,
    relation: &Relation,
    replacing: Option<RelationId>,
    known: &mut KnownIds,
) -> Result<(), RelationError> {
    if session.relation_type(&relation.kind).is_none() {
        return Err(RelationError::NoType(relation.kind.clone()));
    }
    if relation.from == relation.to {
        return Err(RelationError::SelfRelation(relation.from));
    }
    if replacing.is_none() {
        for end in [relation.from, relation.to] {
            if !known.contains(session, end) {
                return Err(RelationError::NoAnnotation(end));
            }
        }
    }
    if let Some(existing) = session
        .relations
        .iter()
        .find(|r| Some(r.id) != replacing && r.duplicates(relation))
    {
        return Err(RelationError::Duplicate {
            kind: relation.kind.clone(),
            from: relation.from,
            to: relation.to,
            existing: existing.id,
        });
    }
    Ok(())
}

/// The first of `ids` that a relation of `session` uses.
fn linked_among(
    session: &Session,
    ids: impl Iterator<Item = AnnotationId>,
) -> Option<AnnotationId> {
    if session.relations.is_empty() {
        return None;
    }
    let ids: HashSet<AnnotationId> = ids.collect();
    session.relations.iter().find_map(|r| {
        if ids.contains(&r.from) {
            Some(r.from)
        } else if ids.contains(&r.to) {
            Some(r.to)
        } else {
            None
        }
    })
}

/// `relation` with its id and ends renumbered through `map`.
fn renumber_relation(relation: &Relation, map: &HashMap<AnnotationId, AnnotationId>) -> Relation {
    let mut r = relation.clone();
    let id = |id: AnnotationId| map.get(&id).copied().unwrap_or(id);
    r.id = RelationId(id(AnnotationId(r.id.0)).0);
    r.from = id(r.from);
    r.to = id(r.to);
    r
}

/// The same article with the same annotations as a session file stores them (the
/// annotations' context is derived data and not compared).
fn same_document(a: &Document, b: &Document) -> bool {
    a.article == b.article
        && (a.annotations.shares_with(&b.annotations)
            || (a.annotations.len() == b.annotations.len()
                && a.annotations
                    .iter()
                    .zip(b.annotations.iter())
                    .all(|(x, y)| x.same_record(y))))
}

/// The document of `article`, to change.
fn document_mut<'a>(
    session: &'a mut Session,
    article: &str,
) -> Result<&'a mut Document, EditError> {
    session
        .documents
        .iter_mut()
        .find(|d| d.article.id == article)
        .ok_or_else(|| EditError::NoArticle(article.to_owned()))
}

/// Builders for the common edits; they read the session and change nothing.
impl Session {
    /// An edit adding a new annotation over `span` (snapped and trimmed).
    pub fn annotate(
        &mut self,
        article_id: &str,
        label_id: &str,
        span: Range<usize>,
        now: Timestamp,
    ) -> Result<Edit, AnnotateError> {
        let annotation = self.make_annotation(article_id, label_id, span, now)?;
        Ok(Edit::AddAnnotation {
            article: article_id.to_owned(),
            annotation,
        })
    }

    /// An edit changing annotation `id` through `change` (stamping `modified`).
    pub fn update_annotation(
        &self,
        article_id: &str,
        id: AnnotationId,
        now: Timestamp,
        change: impl FnOnce(&mut Annotation),
    ) -> Result<Edit, AnnotateError> {
        let before = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?
            .annotation(id)
            .ok_or_else(|| AnnotateError::NoAnnotation(id, article_id.to_owned()))?
            .clone();
        let mut after = before.clone();
        change(&mut after);
        after.id = before.id;
        after.modified = now;
        Ok(Edit::ReplaceAnnotation {
            article: article_id.to_owned(),
            before,
            after,
        })
    }

    /// An edit moving annotation `id` to `span` (snapped and trimmed).
    pub fn resize_annotation(
        &self,
        article_id: &str,
        id: AnnotationId,
        span: Range<usize>,
        now: Timestamp,
    ) -> Result<Edit, AnnotateError> {
        let text = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?
            .article
            .text
            .clone();
        let span = snap_span(&text, span)?;
        self.update_annotation(article_id, id, now, |a| {
            a.set_span(&text, span);
        })
    }

    /// An edit removing annotation `id`, with its relations (one undo step brings all
    /// of them back).
    pub fn delete_annotation(
        &self,
        article_id: &str,
        id: AnnotationId,
    ) -> Result<Edit, AnnotateError> {
        let annotation = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?
            .annotation(id)
            .ok_or_else(|| AnnotateError::NoAnnotation(id, article_id.to_owned()))?
            .clone();
        let remove = Edit::RemoveAnnotation {
            article: article_id.to_owned(),
            annotation,
        };
        let mut edits = self.unlink_all(&HashSet::from([id]));
        if edits.is_empty() {
            return Ok(remove);
        }
        edits.push(remove);
        Ok(Edit::Batch(edits))
    }

    /// Edits removing every relation with an end among `ids`.
    fn unlink_all(&self, ids: &HashSet<AnnotationId>) -> Vec<Edit> {
        self.relations
            .iter()
            .filter(|r| ids.contains(&r.from) || ids.contains(&r.to))
            .map(|r| Edit::RemoveRelation {
                relation: r.clone(),
            })
            .collect()
    }

    /// An edit linking annotation `from` to `to` with a relation of type `kind`, after
    /// [`Session::check_link`]. When the source's label has an attribute named like the
    /// type (a quote's `speaker`) and it is empty, the same edit fills it with the
    /// target's text.
    pub fn link(
        &mut self,
        kind: &str,
        from: AnnotationId,
        to: AnnotationId,
        now: Timestamp,
    ) -> Result<Edit, RelationError> {
        self.check_link(kind, from, to)?;
        let attributes = self
            .relation_type(kind)
            .map(RelationType::default_attributes)
            .unwrap_or_default();
        let fill = self.locate(from).zip(self.locate(to)).and_then(|(a, b)| {
            let suggested = self
                .label(&a.annotation.label)
                .is_some_and(|l| l.attributes.iter().any(|spec| spec.key == kind));
            let empty = a
                .annotation
                .attributes
                .get(kind)
                .is_none_or(String::is_empty);
            (suggested && empty).then(|| {
                let mut after = a.annotation.clone();
                after
                    .attributes
                    .insert(kind.to_owned(), b.annotation.text.clone());
                after.modified = now;
                Edit::ReplaceAnnotation {
                    article: a.document.article.id.clone(),
                    before: a.annotation.clone(),
                    after,
                }
            })
        });
        let relation = Relation {
            id: self.allocate_relation_id(),
            kind: kind.to_owned(),
            from,
            to,
            note: String::new(),
            attributes,
            created: now,
            modified: now,
        };
        let add = Edit::AddRelation { relation };
        Ok(match fill {
            Some(fill) => Edit::Batch(vec![add, fill]),
            None => add,
        })
    }

    /// An edit changing relation `id` through `change` (stamping `modified`). Changing
    /// its type is checked against the type's label constraints.
    pub fn update_relation(
        &self,
        id: RelationId,
        now: Timestamp,
        change: impl FnOnce(&mut Relation),
    ) -> Result<Edit, RelationError> {
        let before = self
            .relation(id)
            .ok_or(RelationError::NoRelation(id))?
            .clone();
        let mut after = before.clone();
        change(&mut after);
        after.id = before.id;
        after.from = before.from;
        after.to = before.to;
        after.modified = now;
        if after.kind != before.kind {
            let kind = self
                .relation_type(&after.kind)
                .ok_or_else(|| RelationError::NoType(after.kind.clone()))?;
            if let (Some(a), Some(b)) = (self.locate(after.from), self.locate(after.to))
                && let Some(why) = kind.refusal(&a.annotation.label, &b.annotation.label)
            {
                return Err(RelationError::LabelsNotAllowed(why));
            }
        }
        Ok(Edit::ReplaceRelation { before, after })
    }

    /// An edit removing relation `id`.
    pub fn delete_relation(&self, id: RelationId) -> Result<Edit, RelationError> {
        let relation = self
            .relation(id)
            .ok_or(RelationError::NoRelation(id))?
            .clone();
        Ok(Edit::RemoveRelation { relation })
    }

    /// An edit removing relation type `kind` together with every relation of that type.
    pub fn remove_relation_type(&self, kind: &str) -> Result<Edit, RelationError> {
        let index = self
            .relation_types
            .iter()
            .position(|t| t.id == kind)
            .ok_or_else(|| RelationError::NoType(kind.to_owned()))?;
        let mut edits: Vec<Edit> = self
            .relations
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| Edit::RemoveRelation {
                relation: r.clone(),
            })
            .collect();
        if let Some(removed) = self.relation_types.get(index) {
            edits.push(Edit::RemoveRelationType {
                index,
                kind: removed.clone(),
            });
        }
        Ok(Edit::Batch(edits))
    }

    /// An edit removing label `label_id` together with every annotation that uses it.
    pub fn remove_label(&self, label_id: &str) -> Result<Edit, AnnotateError> {
        let index = self
            .labels
            .iter()
            .position(|l| l.id == label_id)
            .ok_or_else(|| AnnotateError::NoLabel(label_id.to_owned()))?;
        let removed: Vec<Edit> = self
            .documents
            .iter()
            .flat_map(|d| {
                d.annotations
                    .iter()
                    .filter(|a| a.label == label_id)
                    .map(|a| Edit::RemoveAnnotation {
                        article: d.article.id.clone(),
                        annotation: a.clone(),
                    })
            })
            .collect();
        let ids: HashSet<AnnotationId> = removed
            .iter()
            .filter_map(|e| match e {
                Edit::RemoveAnnotation { annotation, .. } => Some(annotation.id),
                _ => None,
            })
            .collect();
        let mut edits = self.unlink_all(&ids);
        edits.extend(removed);
        if let Some(label) = self.labels.get(index) {
            edits.push(Edit::RemoveLabel {
                index,
                label: label.clone(),
            });
        }
        Ok(Edit::Batch(edits))
    }
}

/// Which single field an annotation edit changes.
#[derive(PartialEq, Eq)]
enum Field<'a> {
    Note,
    Attribute(&'a str),
}

fn changed_field<'a>(before: &'a Annotation, after: &'a Annotation) -> Option<Field<'a>> {
    let same_rest = before.id == after.id
        && before.label == after.label
        && before.span() == after.span()
        && before.orphan == after.orphan;
    if !same_rest {
        return None;
    }
    if before.note != after.note {
        return (before.attributes == after.attributes).then_some(Field::Note);
    }
    let mut changed = before
        .attributes
        .keys()
        .chain(after.attributes.keys())
        .filter(|k| before.attributes.get(*k) != after.attributes.get(*k));
    let key = changed.next()?;
    changed
        .all(|k| k == key)
        .then_some(Field::Attribute(key.as_str()))
}

/// `first` followed by `second` as one edit, when they change the same field.
fn merge(first: &Edit, second: &Edit) -> Option<Edit> {
    // Typing a label's name (or description) is one step too.
    if let (
        Edit::ReplaceLabel {
            before: b1,
            after: x1,
        },
        Edit::ReplaceLabel {
            before: b2,
            after: x2,
        },
    ) = (first, second)
    {
        let text_only = |b: &Label, x: &Label| {
            b.id == x.id
                && b.color == x.color
                && b.hotkey == x.hotkey
                && b.attributes == x.attributes
                && (b.name != x.name) != (b.description != x.description)
        };
        let same_field = (b1.name != x1.name) == (b2.name != x2.name);
        return (x1 == b2 && text_only(b1, x1) && text_only(b2, x2) && same_field).then(|| {
            Edit::ReplaceLabel {
                before: b1.clone(),
                after: x2.clone(),
            }
        });
    }
    if let (
        Edit::ReplaceRelation {
            before: b1,
            after: x1,
        },
        Edit::ReplaceRelation {
            before: b2,
            after: x2,
        },
    ) = (first, second)
    {
        let note_only = |b: &Relation, x: &Relation| {
            b.kind == x.kind && b.attributes == x.attributes && b.note != x.note
        };
        return (x1 == b2 && note_only(b1, x1) && note_only(b2, x2)).then(|| {
            Edit::ReplaceRelation {
                before: b1.clone(),
                after: x2.clone(),
            }
        });
    }
    let (
        Edit::ReplaceAnnotation {
            article: a1,
            before: b1,
            after: x1,
        },
        Edit::ReplaceAnnotation {
            article: a2,
            before: b2,
            after: x2,
        },
    ) = (first, second)
    else {
        return None;
    };
    let field = changed_field(b1, x1)?;
    (a1 == a2 && x1 == b2 && changed_field(b2, x2) == Some(field)).then(|| {
        Edit::ReplaceAnnotation {
            article: a1.clone(),
            before: b1.clone(),
            after: x2.clone(),
        }
    })
}

/// One change to the history, as the edit journal records it: replaying the steps in
/// order onto the session they started from gives the same session and the same undo
/// and redo stacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// An edit applied and recorded ([`History::apply`]).
    Apply(Edit),
    /// An edit applied and merged into the previous one when it continues it
    /// ([`History::apply_merging`]).
    Merge(Edit),
    /// This edit undone.
    Undo(Edit),
    /// This edit redone.
    Redo(Edit),
}

impl Step {
    /// The same step with its edit renumbered ([`Edit::renumbered`]).
    #[must_use]
    pub fn renumbered(&self, map: &HashMap<AnnotationId, AnnotationId>) -> Self {
        match self {
            Self::Apply(edit) => Self::Apply(edit.renumbered(map)),
            Self::Merge(edit) => Self::Merge(edit.renumbered(map)),
            Self::Undo(edit) => Self::Undo(edit.renumbered(map)),
            Self::Redo(edit) => Self::Redo(edit.renumbered(map)),
        }
    }

    /// The edit the step is about.
    pub fn edit(&self) -> &Edit {
        match self {
            Self::Apply(edit) | Self::Merge(edit) | Self::Undo(edit) | Self::Redo(edit) => edit,
        }
    }
}

/// Unlimited undo and redo over applied edits.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Apply `edit` and record it; clears the redo stack.
    pub fn apply(&mut self, session: &mut Session, edit: Edit) -> Result<(), EditError> {
        edit.apply(session)?;
        self.undo.push(edit);
        self.redo.clear();
        Ok(())
    }

    /// Apply `edit`, merging it into the last recorded edit when both change the same
    /// field of the same annotation one after the other (typing a note is one undo step).
    pub fn apply_merging(&mut self, session: &mut Session, edit: Edit) -> Result<(), EditError> {
        edit.apply(session)?;
        self.redo.clear();
        if let Some(last) = self.undo.last_mut()
            && let Some(merged) = merge(last, &edit)
        {
            *last = merged;
            return Ok(());
        }
        self.undo.push(edit);
        Ok(())
    }

    /// Undo the last edit; returns it, or `None` when there is nothing to undo.
    pub fn undo(&mut self, session: &mut Session) -> Option<Result<Edit, EditError>> {
        let edit = self.undo.pop()?;
        Some(match edit.inverse().apply(session) {
            Ok(()) => {
                self.redo.push(edit.clone());
                Ok(edit)
            }
            Err(error) => Err(error),
        })
    }

    /// Redo the last undone edit.
    pub fn redo(&mut self, session: &mut Session) -> Option<Result<Edit, EditError>> {
        let edit = self.redo.pop()?;
        Some(match edit.apply(session) {
            Ok(()) => {
                self.undo.push(edit.clone());
                Ok(edit)
            }
            Err(error) => Err(error),
        })
    }

    /// Replay a journalled step: apply its edit (or the inverse, for an undo) and put the
    /// history in the state it was in after the step. Steps recorded after an earlier
    /// part of the history was dropped (a save truncates the journal) still apply: an
    /// undo of an edit this history does not hold is applied and pushed to redo.
    pub fn replay(&mut self, session: &mut Session, step: &Step) -> Result<(), EditError> {
        match step {
            Step::Apply(edit) => self.apply(session, edit.clone()),
            Step::Merge(edit) => self.apply_merging(session, edit.clone()),
            Step::Undo(edit) => {
                edit.inverse().apply(session)?;
                if self.undo.last() == Some(edit) {
                    self.undo.pop();
                }
                self.redo.push(edit.clone());
                Ok(())
            }
            Step::Redo(edit) => {
                edit.apply(session)?;
                if self.redo.last() == Some(edit) {
                    self.redo.pop();
                }
                self.undo.push(edit.clone());
                Ok(())
            }
        }
    }

    /// True when there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True when there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The edit that undo would revert.
    pub fn next_undo(&self) -> Option<&Edit> {
        self.undo.last()
    }

    /// The edit that redo would apply.
    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last()
    }

    /// Forget everything (after opening another session).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
