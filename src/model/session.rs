//! The session: labels, articles and the annotations of each article, in a fixed order.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::align::{Alignment, Mapped};
use super::anchor::{Anchoring, FuzzyText, Occurrences, reanchor_among, reanchor_fuzzy};
use super::annotation::{Annotation, AnnotationId, SpanError, snap_span};
use super::article::{Article, Status};
use super::label::Label;
use super::relation::{Relation, RelationError, RelationId, RelationType};
use super::shared::Shared;
use super::suggestion::Pending;
use super::text::Text;
use super::time::Timestamp;

/// A document's annotations, shared until written ([`Shared`]).
pub type Annotations = Shared<Annotation>;

/// A session's relations, sorted by id, shared until written ([`Shared`]).
pub type Relations = Shared<Relation>;

/// An article with its annotations, kept sorted by (start, end, id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The article.
    pub article: Article,
    /// Its annotations in text order.
    pub annotations: Annotations,
    /// Suggestions waiting for the person, and the rejected ones.
    #[serde(default)]
    pub pending: Pending,
}

impl Document {
    /// Its progress as the person sees it: done when marked done, in progress once it
    /// has an annotation (or was marked so), else to do.
    pub fn status(&self) -> Status {
        match self.article.status {
            Status::Todo if !self.annotations.is_empty() => Status::InProgress,
            status => status,
        }
    }

    /// A document with no annotations.
    pub fn new(article: Article) -> Self {
        Self {
            article,
            annotations: Annotations::default(),
            pending: Pending::default(),
        }
    }

    /// The annotation with `id`.
    pub fn annotation(&self, id: AnnotationId) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.id == id)
    }

    /// Index of the annotation with `id`.
    pub fn position(&self, id: AnnotationId) -> Option<usize> {
        self.annotations.iter().position(|a| a.id == id)
    }

    /// Insert keeping text order. Returns `false` if the id is already present.
    pub fn insert(&mut self, annotation: Annotation) -> bool {
        let key = annotation.sort_key();
        match self
            .annotations
            .binary_search_by(|a| a.sort_key().cmp(&key))
        {
            Ok(_) => false,
            Err(at) => {
                if self.annotations.iter().any(|a| a.id == annotation.id) {
                    return false;
                }
                self.annotations.insert(at, annotation);
                true
            }
        }
    }

    /// Remove the annotation with `id`.
    pub fn remove(&mut self, id: AnnotationId) -> Option<Annotation> {
        let at = self.position(id)?;
        Some(self.annotations.remove(at))
    }

    /// How many annotations each of `labels` has (in their order), and the orphans, in
    /// one pass.
    pub fn label_counts(&self, labels: &[Label]) -> LabelCounts {
        let mut counts = LabelCounts {
            per_label: vec![0; labels.len()],
            orphans: 0,
        };
        let mut last: Option<(&str, usize)> = None;
        for a in self.annotations.iter() {
            // Neighbours often share a label: try the last one before searching.
            let index = match last {
                Some((id, i)) if id == a.label => Some(i),
                _ => labels.iter().position(|l| l.id == a.label),
            };
            if let Some(i) = index {
                last = Some((a.label.as_str(), i));
                if let Some(n) = counts.per_label.get_mut(i) {
                    *n += 1;
                }
            }
            counts.orphans += usize::from(a.orphan);
        }
        counts
    }

    /// Index of `annotation` (found by its sort key, so O(log n) while the list is in text
    /// order; by id otherwise).
    pub fn position_of(&self, annotation: &Annotation) -> Option<usize> {
        let key = annotation.sort_key();
        match self
            .annotations
            .binary_search_by(|a| a.sort_key().cmp(&key))
        {
            Ok(at) => Some(at),
            Err(_) => self.position(annotation.id),
        }
    }

    /// Number of annotations with the label `label_id`.
    pub fn count_label(&self, label_id: &str) -> usize {
        self.annotations
            .iter()
            .filter(|a| a.label == label_id)
            .count()
    }

    /// Number of orphaned annotations.
    pub fn orphan_count(&self) -> usize {
        self.annotations.iter().filter(|a| a.orphan).count()
    }

    /// Sort annotations into text order (after bulk changes).
    pub fn sort(&mut self) {
        self.annotations.sort_by_key(Annotation::sort_key);
    }

    /// This document moved to another version of its article (the file changed on
    /// disk): every annotation re-anchored in the new text, its context taken from the
    /// old text so repeated quotes are told apart. `self` is unchanged; returns the new
    /// document, the annotations that moved (and how) and the ones orphaned.
    pub fn reanchored_to(&self, article: Article) -> Reanchored {
        let old_text = self.article.text.clone();
        let new_text = article.text.clone();
        let alignment = Alignment::new(old_text.as_str(), new_text.as_str());
        let old_chars: Vec<char> = old_text.as_str().chars().collect();
        let new_chars: Vec<char> = new_text.as_str().chars().collect();
        // Pending suggestions and rejections were for the old text: a new run makes new
        // ones (ids keep counting).
        let mut doc = Document {
            article,
            annotations: self.annotations.clone(),
            pending: Pending {
                next_id: self.pending.next_id,
                ..Pending::default()
            },
        };
        let mut moved: Vec<(AnnotationId, Anchoring)> = Vec::new();
        let mut unplaced = false;
        for a in &mut doc.annotations {
            // Only what matches the old text can be carried through the diff.
            if !a.verify_and_refresh(&old_text) {
                unplaced = true;
                continue;
            }
            let how = carry(a, &alignment, (&old_chars, &new_chars), &new_text);
            match &how {
                Anchoring::Exact => {}
                Anchoring::Moved(span) | Anchoring::ByContext(span) => {
                    a.set_span(&new_text, span.clone());
                }
                Anchoring::Changed { span, old } => {
                    a.set_span(&new_text, span.clone());
                    a.attributes.insert(PREVIOUS_TEXT.to_owned(), old.clone());
                }
                _ => a.orphan = true,
            }
            if how != Anchoring::Exact {
                moved.push((a.id, how));
            }
        }
        doc.sort();
        if unplaced {
            // Annotations that did not fit even the old text: search for them.
            moved.extend(doc.reanchor_all());
        }
        let ambiguous: Vec<(AnnotationId, Vec<Range<usize>>)> = moved
            .iter()
            .filter_map(|(id, how)| match how {
                Anchoring::Ambiguous(places) => Some((*id, places.clone())),
                _ => None,
            })
            .collect();
        moved.retain(|(_, how)| !how.is_orphan());
        let mut orphans: Vec<AnnotationId> = doc
            .annotations
            .iter()
            .filter(|a| a.orphan)
            .map(|a| a.id)
            .collect();
        orphans.sort();
        Reanchored {
            document: doc,
            moved,
            orphans,
            ambiguous,
        }
    }

    /// Place every annotation in the current text again (after the text changed or a
    /// file was edited by hand). Returns what happened to each annotation that moved or
    /// was orphaned.
    pub fn reanchor_all(&mut self) -> Vec<(AnnotationId, Anchoring)> {
        let mut changes = Vec::new();
        let text = self.article.text.clone();
        // Occurrences are found once per distinct quote, however many annotations share it.
        let mut found: std::collections::HashMap<String, Occurrences> =
            std::collections::HashMap::new();
        let mut fuzzy: Option<FuzzyText> = None;
        for annotation in &mut self.annotations {
            if annotation.verify_and_refresh(&text) {
                continue;
            }
            let occurrences = found
                .entry(annotation.text.clone())
                .or_insert_with(|| Occurrences::find(&annotation.text, &text));
            let mut result = reanchor_among(annotation, &text, occurrences);
            if result == Anchoring::Orphan && occurrences.is_empty() {
                let fuzzy = fuzzy.get_or_insert_with(|| FuzzyText::new(&text));
                result = reanchor_fuzzy(annotation, fuzzy);
            }
            match &result {
                Anchoring::Exact => {
                    annotation.orphan = false;
                    annotation.refresh_context(&text);
                    continue;
                }
                Anchoring::ByContext(span)
                | Anchoring::ByUniqueQuote(span)
                | Anchoring::Moved(span) => {
                    annotation.set_span(&text, span.clone());
                }
                Anchoring::Changed { span, old } => {
                    annotation.set_span(&text, span.clone());
                    annotation
                        .attributes
                        .insert(PREVIOUS_TEXT.to_owned(), old.clone());
                }
                Anchoring::Orphan | Anchoring::Ambiguous(_) => annotation.orphan = true,
            }
            changes.push((annotation.id, result));
        }
        if !changes.is_empty() || !self.annotations.is_sorted_by_key(Annotation::sort_key) {
            self.sort();
        }
        changes
    }
}

/// The attribute that keeps an annotation's quote from before its text was edited.
pub const PREVIOUS_TEXT: &str = "previous_text";

/// Where an annotation that fits the old text goes in the new one: through the diff;
/// when its characters were deleted, to the one place its exact quote (with context) was
/// inserted — a moved paragraph — else nowhere.
fn carry(
    a: &Annotation,
    alignment: &Alignment,
    chars: (&[char], &[char]),
    new_text: &Text,
) -> Anchoring {
    match alignment.map_in(a.span(), chars.0, chars.1) {
        Mapped::Moved(span) if span == a.span() => Anchoring::Exact,
        Mapped::Moved(span) => Anchoring::Moved(span),
        Mapped::Changed(span) => {
            if new_text.slice(span.clone()) == Some(a.text.as_str()) {
                Anchoring::Moved(span)
            } else if new_text
                .slice(span.clone())
                .is_some_and(|q| !q.trim().is_empty())
            {
                Anchoring::Changed {
                    span,
                    old: a.text.clone(),
                }
            } else {
                Anchoring::Orphan
            }
        }
        Mapped::Deleted => {
            let found = Occurrences::find(&a.text, new_text);
            let inserted: Vec<Range<usize>> = found
                .spans(new_text, a.text.chars().count())
                .into_iter()
                .filter(|span| alignment.is_inserted(span))
                .collect();
            match inserted.as_slice() {
                [] => Anchoring::Orphan,
                [only] => Anchoring::Moved(only.clone()),
                _ => {
                    // Several insertions of the quote: only its context can choose.
                    let with_context: Vec<Range<usize>> = inserted
                        .iter()
                        .filter(|span| {
                            let mut probe = a.clone();
                            probe.set_span(new_text, (*span).clone())
                                && probe.prefix == a.prefix
                                && probe.suffix == a.suffix
                        })
                        .cloned()
                        .collect();
                    match with_context.as_slice() {
                        [only] => Anchoring::Moved(only.clone()),
                        _ => Anchoring::Ambiguous(inserted),
                    }
                }
            }
        }
    }
}

/// The largest annotation id a session holds: 2^53 − 1, the largest integer JSON tools
/// (JavaScript) read exactly, which also leaves `next_id` room to grow.
pub const MAX_ANNOTATION_ID: u64 = (1 << 53) - 1;

/// Hands out unique article ids when many articles are added at once (an import, `gloss
/// new` over many `index.html`): amortised O(1) per id, where asking the session each
/// time would be quadratic or worse.
#[derive(Debug, Default)]
pub struct ArticleIds {
    used: std::collections::HashSet<String>,
    /// The next suffix to try per wanted id.
    next_suffix: std::collections::HashMap<String, usize>,
}

impl ArticleIds {
    /// The ids `session` already uses.
    pub fn of(session: &Session) -> Self {
        Self {
            used: session
                .documents
                .iter()
                .map(|d| d.article.id.clone())
                .collect(),
            next_suffix: std::collections::HashMap::new(),
        }
    }

    /// `wanted` if unused, else the first free `wanted-N`; the id is then used.
    pub fn claim(&mut self, wanted: &str) -> String {
        let id = if self.used.contains(wanted) {
            let n = self.next_suffix.entry(wanted.to_owned()).or_insert(2);
            loop {
                let candidate = format!("{wanted}-{n}");
                *n += 1;
                if !self.used.contains(&candidate) {
                    break candidate;
                }
            }
        } else {
            wanted.to_owned()
        };
        self.used.insert(id.clone());
        id
    }
}

/// A document re-anchored to a new version of its article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reanchored {
    /// The document over the new text.
    pub document: Document,
    /// Annotations placed at another position, and how.
    pub moved: Vec<(AnnotationId, Anchoring)>,
    /// Annotations that could not be placed (kept, flagged orphan).
    pub orphans: Vec<AnnotationId>,
    /// Those orphans that several places fitted equally, with the places.
    pub ambiguous: Vec<(AnnotationId, Vec<Range<usize>>)>,
}

/// Annotation counts of a document: per label (in the label list's order) and orphans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelCounts {
    /// Annotations per label, in the order of the labels asked about.
    pub per_label: Vec<usize>,
    /// Orphaned annotations.
    pub orphans: usize,
}

/// Labels, relation types, documents, relations and the next free id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Labels in display order (their order gives the 1–9 keys).
    pub labels: Vec<Label>,
    /// Relation types in display order.
    pub relation_types: Vec<RelationType>,
    /// Documents in the order they were added.
    pub documents: Vec<Document>,
    /// Links between annotations, sorted by id.
    pub relations: Relations,
    /// Next annotation or relation id to hand out; ids are never reused.
    pub next_id: u64,
    /// Who annotated this session (agreement reports name them; the file name when
    /// unset).
    pub annotator: Option<String>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            labels: Label::defaults(),
            relation_types: RelationType::defaults(),
            documents: Vec::new(),
            relations: Relations::default(),
            next_id: 1,
            annotator: None,
        }
    }
}

/// Where an annotation of the session is: its article's index and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located<'a> {
    /// Index of the document in the session.
    pub index: usize,
    /// The document.
    pub document: &'a Document,
    /// The annotation.
    pub annotation: &'a Annotation,
}

/// Why an annotation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnotateError {
    /// No article with this id.
    #[error("no article {0:?} in the session")]
    NoArticle(String),
    /// No label with this id.
    #[error("no label {0:?} in the session")]
    NoLabel(String),
    /// No annotation with this id.
    #[error("no annotation {0} in article {1:?}")]
    NoAnnotation(AnnotationId, String),
    /// The span is unusable.
    #[error(transparent)]
    Span(#[from] SpanError),
}

impl Session {
    /// An empty session with the default labels.
    pub fn new() -> Self {
        Self::default()
    }

    /// The label with `id`.
    pub fn label(&self, id: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.id == id)
    }

    /// The document of article `article_id`.
    pub fn document(&self, article_id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.article.id == article_id)
    }

    /// The document of article `article_id`, mutably.
    pub fn document_mut(&mut self, article_id: &str) -> Option<&mut Document> {
        self.documents
            .iter_mut()
            .find(|d| d.article.id == article_id)
    }

    /// Index of the document whose article has this SHA-256 and source, if any.
    pub fn find_article(&self, source: &str, sha256: &str) -> Option<usize> {
        self.documents.iter().position(|d| {
            d.article.sha256 == sha256 && (source.is_empty() || d.article.source == source)
        })
    }

    /// A new label named `name`: an id made from the name and not yet used, and the
    /// next palette colour.
    pub fn new_label(&self, name: &str) -> Label {
        let base = Label::id_from_name(name);
        let id = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|id| self.label(id).is_none())
            .unwrap_or(base);
        Label::new(&id, name, Label::palette_color(self.labels.len()))
    }

    /// An article id not yet used in the session, based on `wanted` (`wanted`, then
    /// `wanted-2`, `wanted-3`, …). One pass over the articles.
    pub fn unique_article_id(&self, wanted: &str) -> String {
        let mut ids = ArticleIds::of(self);
        ids.claim(wanted)
    }

    /// Add an article (its id made unique) and return its id.
    pub fn add_article(&mut self, mut article: Article) -> String {
        article.id = self.unique_article_id(&article.id);
        let id = article.id.clone();
        self.documents.push(Document::new(article));
        id
    }

    /// Hand out a fresh annotation id.
    pub fn allocate_id(&mut self) -> AnnotationId {
        let id = AnnotationId(self.next_id);
        self.next_id += 1;
        id
    }

    /// Make sure `next_id` is past every id in use.
    pub fn fix_next_id(&mut self) {
        let max = self
            .documents
            .iter()
            .flat_map(|d| d.annotations.iter().map(|a| a.id.0))
            .chain(self.relations.iter().map(|r| r.id.0))
            .max()
            .unwrap_or(0);
        self.next_id = self.next_id.max(max.saturating_add(1));
    }

    /// Hand out a fresh relation id (from the annotations' counter).
    pub fn allocate_relation_id(&mut self) -> RelationId {
        RelationId(self.allocate_id().0)
    }

    /// The annotation with `id` in any article, with where it is. One pass over the
    /// session; the app caches what it draws every frame.
    pub fn locate(&self, id: AnnotationId) -> Option<Located<'_>> {
        self.documents
            .iter()
            .enumerate()
            .find_map(|(index, document)| {
                document.annotation(id).map(|annotation| Located {
                    index,
                    document,
                    annotation,
                })
            })
    }

    /// The relation type with `id`.
    pub fn relation_type(&self, id: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.id == id)
    }

    /// The relation with `id` (binary search: relations are kept sorted by id).
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .and_then(|at| self.relations.get(at))
    }

    /// The relations with `annotation` at either end, in id order.
    pub fn relations_of(&self, annotation: AnnotationId) -> impl Iterator<Item = &Relation> {
        self.relations.iter().filter(move |r| r.touches(annotation))
    }

    /// The relation that already links `from` to `to` with type `kind`, if any.
    pub fn existing_relation(
        &self,
        kind: &str,
        from: AnnotationId,
        to: AnnotationId,
    ) -> Option<&Relation> {
        self.relations
            .iter()
            .find(|r| r.kind == kind && r.from == from && r.to == to)
    }

    /// The relation types that may link `from` to `to` (by their labels), in order.
    pub fn allowed_relation_types(
        &self,
        from: AnnotationId,
        to: AnnotationId,
    ) -> Vec<&RelationType> {
        let (Some(a), Some(b)) = (self.locate(from), self.locate(to)) else {
            return Vec::new();
        };
        self.relation_types
            .iter()
            .filter(|t| t.allows(&a.annotation.label, &b.annotation.label))
            .collect()
    }

    /// Number of relations of type `kind`.
    pub fn count_relation_type(&self, kind: &str) -> usize {
        self.relations.iter().filter(|r| r.kind == kind).count()
    }

    /// A new relation type named `name`: an id made from the name and not yet used.
    pub fn new_relation_type(&self, name: &str) -> RelationType {
        let base = Label::id_from_name(name).replace('-', "_");
        let id = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}_{n}")))
            .find(|id| self.relation_type(id).is_none())
            .unwrap_or(base);
        RelationType::new(
            &id,
            name,
            Label::palette_color(self.relation_types.len() + 1),
        )
    }

    /// Check that a relation of type `kind` may link `from` to `to`: both exist, they
    /// differ, the type allows their labels and no such link exists yet.
    pub fn check_link(
        &self,
        kind: &str,
        from: AnnotationId,
        to: AnnotationId,
    ) -> Result<(), RelationError> {
        let relation_type = self
            .relation_type(kind)
            .ok_or_else(|| RelationError::NoType(kind.to_owned()))?;
        if from == to {
            return Err(RelationError::SelfRelation(from));
        }
        let a = self.locate(from).ok_or(RelationError::NoAnnotation(from))?;
        let b = self.locate(to).ok_or(RelationError::NoAnnotation(to))?;
        if let Some(why) = relation_type.refusal(&a.annotation.label, &b.annotation.label) {
            return Err(RelationError::LabelsNotAllowed(why));
        }
        if let Some(existing) = self.existing_relation(kind, from, to) {
            return Err(RelationError::Duplicate {
                kind: kind.to_owned(),
                from,
                to,
                existing: existing.id,
            });
        }
        Ok(())
    }

    /// Build a new annotation over `span` (snapped to graphemes, whitespace trimmed).
    /// Nothing changes until the returned annotation is added through an edit.
    pub fn make_annotation(
        &mut self,
        article_id: &str,
        label_id: &str,
        span: Range<usize>,
        now: Timestamp,
    ) -> Result<Annotation, AnnotateError> {
        let label = self
            .label(label_id)
            .cloned()
            .ok_or_else(|| AnnotateError::NoLabel(label_id.to_owned()))?;
        let text = self
            .document(article_id)
            .map(|d| d.article.text.clone())
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?;
        let span = snap_span(&text, span)?;
        let id = self.allocate_id();
        Annotation::new(id, &label, &text, span, now).ok_or(AnnotateError::Span(SpanError::Empty))
    }

    /// An annotation id of `document` that some annotation of the session already has.
    pub fn shared_annotation_id(&self, document: &Document) -> Option<AnnotationId> {
        let ids: std::collections::HashSet<AnnotationId> =
            document.annotations.iter().map(|a| a.id).collect();
        self.documents
            .iter()
            .flat_map(|d| d.annotations.iter())
            .map(|a| a.id)
            .find(|id| ids.contains(id))
    }

    /// Total number of annotations.
    pub fn annotation_count(&self) -> usize {
        self.documents.iter().map(|d| d.annotations.len()).sum()
    }

    /// How many articles are at each status.
    pub fn progress(&self) -> Progress {
        let mut p = Progress::default();
        for doc in &self.documents {
            match doc.status() {
                Status::Todo => p.todo += 1,
                Status::InProgress => p.in_progress += 1,
                Status::Done => p.done += 1,
            }
        }
        p
    }

    /// The first article after `current` (wrapping round) that is not done.
    pub fn next_unfinished(&self, current: Option<&str>) -> Option<&Document> {
        let at = current
            .and_then(|id| self.documents.iter().position(|d| d.article.id == id))
            .map_or(0, |i| i + 1);
        let n = self.documents.len();
        (0..n)
            .map(|k| &self.documents[(at + k) % n])
            .find(|d| d.status() != Status::Done && Some(d.article.id.as_str()) != current)
    }
}

/// Articles per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Not started.
    pub todo: usize,
    /// Started.
    pub in_progress: usize,
    /// Marked done.
    pub done: usize,
}

impl Progress {
    /// All articles.
    pub fn total(&self) -> usize {
        self.todo + self.in_progress + self.done
    }
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} done ({} in progress, {} to do)",
            self.done,
            self.total(),
            self.in_progress,
            self.todo
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_labels_get_unused_ids_and_palette_colours() {
        let mut session = Session::new();
        let quote = session.new_label("Quote");
        assert_eq!(quote.id, "quote-2", "the default quote label keeps its id");
        session.labels.push(quote);
        let next = session.new_label("Quote");
        assert_eq!(next.id, "quote-3");
        assert_ne!(next.color, Label::palette_color(session.labels.len() - 1));
        assert_eq!(session.new_label("Fact check!").id, "fact-check");
    }
}
