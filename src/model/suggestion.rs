//! Pending suggestions: annotations proposed by the suggestion engine
//! ([`super::suggest`]) and kept with their article until the person accepts (they become
//! annotations, with their attributes and links) or rejects them (remembered, never
//! offered again). Accepting and rejecting are edits, so undo works on them.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::annotation::snap_span;
use super::edit::Edit;
use super::relation::{Relation, RelationType};
use super::session::{AnnotateError, Session};
use super::text::Text;
use super::time::Timestamp;
use super::{Annotation, Document};

/// A suggestion's id, unique within its article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SuggestionId(pub u64);

/// How sure the engine is, in thousandths (kept as an integer so edits compare exactly).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Score(pub u16);

impl Score {
    /// From a value in [0, 1] (clamped; NaN is 0).
    pub fn from_f32(value: f32) -> Self {
        let v = if value.is_nan() {
            0.0
        } else {
            value.clamp(0.0, 1.0)
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Self((v * 1000.0).round() as u16)
    }

    /// As a value in [0, 1].
    pub fn value(self) -> f32 {
        f32::from(self.0.min(1000)) / 1000.0
    }

    /// As a value in [0, 1], for JSON (no f32 rounding noise: 0.9, not 0.8999999761).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0.min(1000)) / 1000.0
    }
}

/// A link the suggestion would get once accepted: to the annotation (or pending
/// suggestion) with this label and span in the same article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedLink {
    /// Relation type id (`speaker`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The target's label.
    pub label: String,
    /// The target's char span.
    pub start: usize,
    /// End of the target's span.
    pub end: usize,
}

/// One pending suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Id within the article.
    pub id: SuggestionId,
    /// Label id.
    pub label: String,
    /// Char offsets, half-open.
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// How check-worthy / likely it is.
    pub score: Score,
    /// Why it was suggested, for the person.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Attributes it brings (a quote's `speaker`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Links it brings (a quote → its speaker's name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<SuggestedLink>,
}

impl Suggestion {
    /// Its char span.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A suggestion as the engine makes it, before it gets an id.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Label id.
    pub label: String,
    /// Char span.
    pub span: Range<usize>,
    /// In [0, 1].
    pub score: f32,
    /// Why.
    pub reason: String,
    /// Attributes.
    pub attributes: BTreeMap<String, String>,
    /// Links by relation type to other drafts of the same batch (by index).
    pub links: Vec<(String, usize)>,
}

/// A rejected suggestion: never offered again.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rejected {
    /// Label id.
    pub label: String,
    /// Char span.
    pub start: usize,
    /// End of the span.
    pub end: usize,
}

/// An article's pending suggestions and what was rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Pending suggestions, sorted by (start, end, id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// Rejected ones, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
    /// The next id to give.
    #[serde(default)]
    pub next_id: u64,
}

impl Pending {
    /// Nothing pending and nothing rejected.
    pub fn is_empty(&self) -> bool {
        self.suggestions.is_empty() && self.rejected.is_empty()
    }

    /// The suggestion with this id.
    pub fn get(&self, id: SuggestionId) -> Option<&Suggestion> {
        self.suggestions.iter().find(|s| s.id == id)
    }

    /// True when `label` over `span` was rejected.
    pub fn is_rejected(&self, label: &str, span: &Range<usize>) -> bool {
        self.rejected
            .binary_search_by(|r| {
                (r.label.as_str(), r.start, r.end).cmp(&(label, span.start, span.end))
            })
            .is_ok()
    }

    /// These pending suggestions replaced by `drafts` (a new run), leaving out what was
    /// rejected, what is already annotated with the same label and span, spans outside
    /// `text`, and duplicates. Rejections are kept.
    pub fn offered(&self, text: &Text, existing: &[&Annotation], drafts: &[Draft]) -> Self {
        let mut next = self.next_id;
        let annotated = |label: &str, span: &Range<usize>| {
            existing
                .iter()
                .any(|a| a.label == label && a.start == span.start && a.end == span.end)
        };
        // Snap every draft first: links refer to drafts by index.
        let spans: Vec<Option<Range<usize>>> = drafts
            .iter()
            .map(|d| snap_span(text, d.span.clone()).ok())
            .collect();
        let mut suggestions: Vec<Suggestion> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (d, span) in drafts.iter().zip(&spans) {
            let Some(span) = span.clone() else { continue };
            if self.is_rejected(&d.label, &span)
                || annotated(&d.label, &span)
                || !seen.insert((d.label.clone(), span.start, span.end))
            {
                continue;
            }
            let links = d
                .links
                .iter()
                .filter_map(|(kind, to)| {
                    let target = drafts.get(*to)?;
                    let target_span = spans.get(*to)?.clone()?;
                    Some(SuggestedLink {
                        kind: kind.clone(),
                        label: target.label.clone(),
                        start: target_span.start,
                        end: target_span.end,
                    })
                })
                .collect();
            suggestions.push(Suggestion {
                id: SuggestionId(next),
                label: d.label.clone(),
                start: span.start,
                end: span.end,
                score: Score::from_f32(d.score),
                reason: d.reason.clone(),
                attributes: d.attributes.clone(),
                links,
            });
            next += 1;
        }
        suggestions.sort_by_key(|s| (s.start, s.end, s.id));
        Self {
            suggestions,
            rejected: self.rejected.clone(),
            next_id: next,
        }
    }

    /// These pending suggestions without `ids`; rejected ones are remembered.
    pub fn without(&self, ids: &[SuggestionId], reject: bool) -> Self {
        let mut after = self.clone();
        after.suggestions.retain(|s| !ids.contains(&s.id));
        if reject {
            for s in self.suggestions.iter().filter(|s| ids.contains(&s.id)) {
                after.rejected.push(Rejected {
                    label: s.label.clone(),
                    start: s.start,
                    end: s.end,
                });
            }
            after.rejected.sort();
            after.rejected.dedup();
        }
        after
    }
}

/// Which kinds of suggestion to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kinds {
    /// Quotes with speakers.
    pub quotes: bool,
    /// Claims.
    pub claims: bool,
    /// Spoilers.
    pub spoilers: bool,
}

/// What the app offers for review: suggestions the engine is less sure of (a sentence
/// with one weak claim cue) would bury the useful ones.
pub const REVIEW_MIN_SCORE: f32 = 0.5;

/// Drafts scoring at least `min_score`; links to left-out drafts are dropped, the others
/// renumbered.
pub fn above(drafts: Vec<Draft>, min_score: f32) -> Vec<Draft> {
    let keep: Vec<bool> = drafts.iter().map(|d| d.score >= min_score).collect();
    kept(drafts, &keep)
}

/// Drafts with their spans snapped as annotations are (grapheme clusters whole,
/// surrounding whitespace out); a draft with nothing left is dropped, links renumbered.
pub fn snapped(text: &Text, drafts: Vec<Draft>) -> Vec<Draft> {
    let spans: Vec<Option<Range<usize>>> = drafts
        .iter()
        .map(|d| snap_span(text, d.span.clone()).ok())
        .collect();
    let keep: Vec<bool> = spans.iter().map(Option::is_some).collect();
    let drafts = drafts
        .into_iter()
        .zip(spans)
        .map(|(mut d, span)| {
            if let Some(span) = span {
                d.span = span;
            }
            d
        })
        .collect();
    kept(drafts, &keep)
}

/// The drafts whose `keep` is true; links to the others dropped, the rest renumbered.
fn kept(drafts: Vec<Draft>, keep: &[bool]) -> Vec<Draft> {
    let mut new_index = Vec::with_capacity(drafts.len());
    let mut n = 0usize;
    for &k in keep {
        new_index.push(k.then_some(n));
        n += usize::from(k);
    }
    drafts
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(mut d, _)| {
            d.links = d
                .links
                .into_iter()
                .filter_map(|(kind, to)| new_index.get(to).copied().flatten().map(|to| (kind, to)))
                .collect();
            d
        })
        .collect()
}

/// The engine's suggestions for `text`, as drafts with snapped spans.
pub fn drafts_for(text: &Text, kinds: Kinds) -> Vec<Draft> {
    snapped(text, super::suggest::suggest(text.as_str(), kinds))
}

/// Builders for suggestion edits; they read the session and change nothing but id
/// counters.
impl Session {
    /// An edit storing `drafts` as the article's pending suggestions (replacing the
    /// pending ones; rejections stay).
    ///
    /// # Errors
    /// [`AnnotateError::NoArticle`] for an unknown article.
    pub fn offer_suggestions(
        &self,
        article_id: &str,
        drafts: &[Draft],
    ) -> Result<Edit, AnnotateError> {
        let doc = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?;
        let existing: Vec<&Annotation> = doc.annotations.iter().filter(|a| !a.orphan).collect();
        let after = doc.pending.offered(&doc.article.text, &existing, drafts);
        Ok(Edit::ReviseSuggestions {
            article: article_id.to_owned(),
            before: doc.pending.clone(),
            after,
        })
    }

    /// An edit rejecting suggestions `ids` of an article.
    ///
    /// # Errors
    /// [`AnnotateError::NoArticle`] for an unknown article.
    pub fn reject_suggestions(
        &self,
        article_id: &str,
        ids: &[SuggestionId],
    ) -> Result<Edit, AnnotateError> {
        let doc = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?;
        Ok(Edit::ReviseSuggestions {
            article: article_id.to_owned(),
            before: doc.pending.clone(),
            after: doc.pending.without(ids, true),
        })
    }

    /// An edit accepting suggestions `ids` of an article: each becomes an annotation
    /// with its attributes, and its links become relations — to an annotation with the
    /// target's label and span, or to the pending target, accepted along with it. One
    /// edit, one undo step. Suggestions whose label no longer exists are skipped.
    ///
    /// # Errors
    /// [`AnnotateError::NoArticle`] for an unknown article.
    pub fn accept_suggestions(
        &mut self,
        article_id: &str,
        ids: &[SuggestionId],
        now: Timestamp,
    ) -> Result<Edit, AnnotateError> {
        let doc = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?
            .clone();
        let mut accepting: Vec<SuggestionId> = ids
            .iter()
            .copied()
            .filter(|id| doc.pending.get(*id).is_some())
            .collect();
        // Pending link targets come along.
        let mut k = 0;
        while let Some(id) = accepting.get(k).copied() {
            k += 1;
            for link in doc
                .pending
                .get(id)
                .map(|s| s.links.clone())
                .unwrap_or_default()
            {
                if annotation_at(&doc, &link.label, link.start..link.end).is_some() {
                    continue;
                }
                if let Some(target) =
                    doc.pending.suggestions.iter().find(|t| {
                        t.label == link.label && t.start == link.start && t.end == link.end
                    })
                    && !accepting.contains(&target.id)
                {
                    accepting.push(target.id);
                }
            }
        }
        let mut edits = Vec::new();
        let mut made: Vec<(SuggestionId, Annotation)> = Vec::new();
        for id in &accepting {
            let Some(s) = doc.pending.get(*id) else {
                continue;
            };
            let Ok(mut annotation) = self.make_annotation(article_id, &s.label, s.span(), now)
            else {
                continue;
            };
            for (key, value) in &s.attributes {
                annotation.attributes.insert(key.clone(), value.clone());
            }
            made.push((*id, annotation.clone()));
            edits.push(Edit::AddAnnotation {
                article: article_id.to_owned(),
                annotation,
            });
        }
        // Links, now that both ends exist (in the session or in this edit).
        let mut relations = Vec::new();
        for (id, from) in &made {
            let Some(s) = doc.pending.get(*id) else {
                continue;
            };
            for link in &s.links {
                let to = made
                    .iter()
                    .map(|(_, a)| a)
                    .find(|a| a.label == link.label && a.start == link.start && a.end == link.end)
                    .map(|a| (a.id, a.label.clone()))
                    .or_else(|| {
                        annotation_at(&doc, &link.label, link.start..link.end)
                            .map(|a| (a.id, a.label.clone()))
                    });
                let Some((to, to_label)) = to else { continue };
                let Some(kind) = self.relation_type(&link.kind).cloned() else {
                    continue;
                };
                if kind.refusal(&from.label, &to_label).is_some() || to == from.id {
                    continue;
                }
                relations.push(new_relation(self, &kind, from.id, to, now));
            }
        }
        edits.extend(
            relations
                .into_iter()
                .map(|relation| Edit::AddRelation { relation }),
        );
        let accepted: Vec<SuggestionId> = made.iter().map(|(id, _)| *id).collect();
        edits.push(Edit::ReviseSuggestions {
            article: article_id.to_owned(),
            before: doc.pending.clone(),
            after: doc.pending.without(&accepted, false),
        });
        Ok(Edit::Batch(edits))
    }
}

impl Session {
    /// An edit moving pending suggestion `id` to `span` (snapped and trimmed), before it
    /// is accepted.
    ///
    /// # Errors
    /// [`AnnotateError::NoArticle`] for an unknown article, a span error for an empty or
    /// out-of-bounds span.
    pub fn resize_suggestion(
        &self,
        article_id: &str,
        id: SuggestionId,
        span: Range<usize>,
    ) -> Result<Edit, AnnotateError> {
        let doc = self
            .document(article_id)
            .ok_or_else(|| AnnotateError::NoArticle(article_id.to_owned()))?;
        let span = snap_span(&doc.article.text, span)?;
        let mut after = doc.pending.clone();
        if let Some(s) = after.suggestions.iter_mut().find(|s| s.id == id) {
            s.start = span.start;
            s.end = span.end;
        }
        after.suggestions.sort_by_key(|s| (s.start, s.end, s.id));
        Ok(Edit::ReviseSuggestions {
            article: article_id.to_owned(),
            before: doc.pending.clone(),
            after,
        })
    }
}

fn annotation_at<'a>(doc: &'a Document, label: &str, span: Range<usize>) -> Option<&'a Annotation> {
    doc.annotations
        .iter()
        .find(|a| !a.orphan && a.label == label && a.span() == span)
}

fn new_relation(
    session: &mut Session,
    kind: &RelationType,
    from: super::AnnotationId,
    to: super::AnnotationId,
    now: Timestamp,
) -> Relation {
    Relation {
        id: session.allocate_relation_id(),
        kind: kind.id.clone(),
        from,
        to,
        note: String::new(),
        attributes: kind.default_attributes(),
        created: now,
        modified: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, History};

    const TEXT: &str = "\"We are ready,\" Maria Lopez said. Sales rose 40% in May.";

    #[test]
    fn the_engines_spans_are_snapped_like_annotations_and_links_follow() {
        // A combining mark after the closing quote belongs to its grapheme: the span grows.
        let text = Text::new("Ana Ruiz said: “We are ready to start,”\u{301} and left.");
        let drafts = drafts_for(
            &text,
            Kinds {
                quotes: true,
                claims: false,
                spoilers: false,
            },
        );
        let quote = drafts.iter().find(|d| d.label == "quote").unwrap();
        assert_eq!(
            text.slice(quote.span.clone()).unwrap(),
            "“We are ready to start,”\u{301}"
        );
        let (_, to) = &quote.links[0];
        assert_eq!(text.slice(drafts[*to].span.clone()).unwrap(), "Ana Ruiz");
        // Left-out drafts take their links with them; the others are renumbered.
        let d = |label: &str, span: Range<usize>, links: Vec<(String, usize)>| Draft {
            label: label.into(),
            span,
            score: 0.9,
            reason: String::new(),
            attributes: BTreeMap::new(),
            links,
        };
        let text = Text::new("ab   cd");
        let out = snapped(
            &text,
            vec![
                d("quote", 2..5, vec![]),
                d("quote", 0..2, vec![("speaker".into(), 2)]),
                d("source", 5..7, vec![]),
            ],
        );
        assert_eq!(out.len(), 2, "the whitespace-only draft is dropped");
        assert_eq!(out[0].links, vec![("speaker".to_owned(), 1)]);
    }

    fn session() -> Session {
        let mut s = Session::new();
        s.add_article(Article::new("a", "A", "a.txt", TEXT));
        s
    }

    fn drafts() -> Vec<Draft> {
        let quote = Draft {
            label: "quote".into(),
            span: 0..15,
            score: 0.9,
            reason: "speech verb \"said\" after quote".into(),
            attributes: BTreeMap::from([("speaker".into(), "Maria Lopez".into())]),
            links: vec![("speaker".into(), 1)],
        };
        let source = Draft {
            label: "source".into(),
            span: 16..27,
            score: 0.9,
            reason: "speaker of a quote".into(),
            attributes: BTreeMap::new(),
            links: vec![],
        };
        let claim = Draft {
            label: "claim".into(),
            span: 34..56,
            score: 0.7,
            reason: "percentage".into(),
            attributes: BTreeMap::new(),
            links: vec![],
        };
        vec![quote, source, claim]
    }

    fn apply(s: &mut Session, h: &mut History, e: Edit) {
        h.apply(s, e).expect("edit applies");
    }

    #[test]
    fn accepting_a_quote_brings_its_speaker_and_link_and_undo_takes_all_back() {
        let mut s = session();
        let mut h = History::default();
        let offer = s.offer_suggestions("a", &drafts()).expect("offer");
        apply(&mut s, &mut h, offer);
        let pending = &s.document("a").expect("doc").pending;
        assert_eq!(pending.suggestions.len(), 3);
        let quote = pending.suggestions[0].id;
        let accept = s
            .accept_suggestions("a", &[quote], Timestamp(1))
            .expect("accept");
        apply(&mut s, &mut h, accept);
        let doc = s.document("a").expect("doc");
        assert_eq!(doc.annotations.len(), 2, "the quote and its speaker");
        let q = doc
            .annotations
            .iter()
            .find(|a| a.label == "quote")
            .expect("quote");
        assert_eq!(
            q.attributes.get("speaker").map(String::as_str),
            Some("Maria Lopez")
        );
        assert_eq!(q.text, "\"We are ready,\"");
        assert_eq!(s.relations.len(), 1);
        assert_eq!(
            doc.pending.suggestions.len(),
            1,
            "the claim is still pending"
        );
        h.undo(&mut s).expect("an edit to undo").expect("undo");
        assert_eq!(s.annotation_count(), 0);
        assert!(s.relations.is_empty());
        assert_eq!(s.document("a").expect("doc").pending.suggestions.len(), 3);
    }

    #[test]
    fn rejected_suggestions_are_never_offered_again() {
        let mut s = session();
        let mut h = History::default();
        let offer = s.offer_suggestions("a", &drafts()).expect("offer");
        apply(&mut s, &mut h, offer);
        let claim = s.document("a").expect("doc").pending.suggestions[2].id;
        let reject = s.reject_suggestions("a", &[claim]).expect("reject");
        apply(&mut s, &mut h, reject);
        let again = s.offer_suggestions("a", &drafts()).expect("offer");
        apply(&mut s, &mut h, again);
        let pending = &s.document("a").expect("doc").pending;
        assert_eq!(pending.suggestions.len(), 2);
        assert!(pending.suggestions.iter().all(|x| x.label != "claim"));
        // Ids are never reused.
        assert!(pending.suggestions.iter().all(|x| x.id.0 >= 3));
    }

    #[test]
    fn what_is_annotated_already_is_not_suggested_and_links_reach_it() {
        let mut s = session();
        let mut h = History::default();
        let add = s
            .annotate("a", "source", 16..27, Timestamp(1))
            .expect("annotate");
        apply(&mut s, &mut h, add);
        let offer = s.offer_suggestions("a", &drafts()).expect("offer");
        apply(&mut s, &mut h, offer);
        let pending = &s.document("a").expect("doc").pending;
        assert_eq!(
            pending.suggestions.len(),
            2,
            "the source is annotated already"
        );
        let quote = pending.suggestions[0].id;
        let accept = s
            .accept_suggestions("a", &[quote], Timestamp(2))
            .expect("accept");
        apply(&mut s, &mut h, accept);
        assert_eq!(s.annotation_count(), 2);
        assert_eq!(s.relations.len(), 1, "linked to the existing source");
    }

    #[test]
    fn scores_round_trip_in_thousandths() {
        assert_eq!(Score::from_f32(0.8765).0, 877);
        assert_eq!(Score::from_f32(f32::NAN).0, 0);
        assert_eq!(Score::from_f32(7.0).value(), 1.0);
    }
}
