//! Curation: comparing several annotators' versions of one article and building the
//! curated version from them, one undoable edit at a time.
//!
//! The annotators' spans are grouped into **items**: runs of spans that overlap (any
//! annotator, any label). An item is **agreed** when every annotator has exactly the same
//! spans in it (label, start and end), else it is a **disagreement**. The curated session
//! (the open one) takes an annotator's version of an item ([`accept`]), drops its spans
//! there ([`reject`]), or takes every agreed item at once ([`accept_agreed`]).

use std::ops::Range;

use super::annotation::{Annotation, AnnotationId};
use super::edit::Edit;
use super::session::{Document, Session};
use super::time::Timestamp;

/// A group of overlapping spans and each annotator's version of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// From the first span's start to the last span's end.
    pub range: Range<usize>,
    /// Per annotator (in order), their annotations in the item (maybe none).
    pub versions: Vec<Vec<Annotation>>,
}

impl Item {
    /// Every annotator has exactly the same spans here, with the same attribute values
    /// (the `annotator` mark of a union aside).
    pub fn agreed(&self) -> bool {
        type Key = Vec<(String, usize, usize, Vec<(String, String)>)>;
        let key = |v: &Vec<Annotation>| -> Key {
            v.iter()
                .map(|a| {
                    let attributes = a
                        .attributes
                        .iter()
                        .filter(|(k, v)| k.as_str() != "annotator" && !v.is_empty())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    (a.label.clone(), a.start, a.end, attributes)
                })
                .collect()
        };
        let first = self.versions.first().map(key);
        self.versions.iter().all(|v| Some(key(v)) == first)
    }

    /// The annotators (indices) whose version the curated document has in this item.
    pub fn matching(&self, curated: &Document) -> Vec<usize> {
        let mine = spans_in(curated, &self.range);
        self.versions
            .iter()
            .enumerate()
            .filter(|(_, v)| {
                v.len() == mine.len()
                    && v.iter().zip(&mine).all(|(a, b)| {
                        (a.label.as_str(), a.start, a.end) == (b.label.as_str(), b.start, b.end)
                    })
            })
            .map(|(n, _)| n)
            .collect()
    }
}

/// The curated document's (live) annotations that lie inside `range`.
fn spans_in<'a>(doc: &'a Document, range: &Range<usize>) -> Vec<&'a Annotation> {
    doc.annotations
        .iter()
        .filter(|a| !a.orphan && a.start >= range.start && a.end <= range.end)
        .collect()
}

/// The items of an article over the annotators' documents (`None`: that annotator's
/// session lacks the article), in text order.
pub fn items(annotators: &[Option<&Document>]) -> Vec<Item> {
    let mut all: Vec<(usize, &Annotation)> = annotators
        .iter()
        .enumerate()
        .filter_map(|(n, d)| d.map(|d| (n, d)))
        .flat_map(|(n, d)| {
            d.annotations
                .iter()
                .filter(|a| !a.orphan)
                .map(move |a| (n, a))
        })
        .collect();
    all.sort_by_key(|(n, a)| (a.start, a.end, *n));
    let mut out: Vec<Item> = Vec::new();
    for (n, a) in all {
        match out.last_mut() {
            Some(item) if a.start < item.range.end => {
                item.range.end = item.range.end.max(a.end);
                item.versions[n].push(a.clone());
            }
            _ => {
                let mut versions = vec![Vec::new(); annotators.len()];
                versions[n].push(a.clone());
                out.push(Item {
                    range: a.start..a.end,
                    versions,
                });
            }
        }
    }
    for item in &mut out {
        for v in &mut item.versions {
            v.sort_by_key(|a| (a.start, a.end, a.label.clone()));
        }
    }
    out
}

/// Replace the curated spans inside `item` by annotator `k`'s version (copies with fresh
/// ids, keeping label, note and attributes). `None` when nothing would change.
pub fn accept(
    session: &mut Session,
    article: &str,
    item: &Item,
    k: usize,
    now: Timestamp,
) -> Option<Edit> {
    let version = item.versions.get(k)?;
    let doc = session.document(article)?;
    if item.matching(doc).contains(&k) {
        return None;
    }
    let mut edits = removals(session, article, &item.range);
    for a in version {
        let mut copy = a.clone();
        copy.id = session.allocate_id();
        copy.created = now;
        copy.modified = now;
        edits.push(Edit::AddAnnotation {
            article: article.to_owned(),
            annotation: copy,
        });
    }
    Some(Edit::Batch(edits))
}

/// Remove the curated spans inside `item` (none of the versions is right). `None` when
/// there are none.
pub fn reject(session: &Session, article: &str, item: &Item) -> Option<Edit> {
    let edits = removals(session, article, &item.range);
    (!edits.is_empty()).then_some(Edit::Batch(edits))
}

fn removals(session: &Session, article: &str, range: &Range<usize>) -> Vec<Edit> {
    let Some(doc) = session.document(article) else {
        return Vec::new();
    };
    let ids: Vec<AnnotationId> = spans_in(doc, range).iter().map(|a| a.id).collect();
    // One removal per annotation, each with its relations (removing a relation twice
    // would fail): the session changes between them, so build them on a scratch copy.
    let mut scratch = session.clone();
    let mut edits = Vec::new();
    for id in ids {
        if let Ok(edit) = scratch.delete_annotation(article, id)
            && edit.apply(&mut scratch).is_ok()
        {
            edits.push(edit);
        }
    }
    edits
}

/// Take every agreed item the curated document does not have yet. `None` when there is
/// nothing to take.
pub fn accept_agreed(
    session: &mut Session,
    article: &str,
    items: &[Item],
    now: Timestamp,
) -> Option<Edit> {
    let mut edits = Vec::new();
    for item in items.iter().filter(|i| i.agreed()) {
        if let Some(Edit::Batch(mut more)) = accept(session, article, item, 0, now) {
            edits.append(&mut more);
        }
    }
    (!edits.is_empty()).then_some(Edit::Batch(edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Article;

    const TEXT: &str = "The pier reopens in June. Fares stay the same. The mayor said so.";

    fn doc_with(spans: &[(&str, usize, usize)]) -> Session {
        let mut s = Session::new();
        s.add_article(Article::new("pier", "Pier", "", TEXT));
        for &(label, start, end) in spans {
            let edit = s.annotate("pier", label, start..end, Timestamp(1)).unwrap();
            edit.apply(&mut s).unwrap();
        }
        s
    }

    #[test]
    fn different_attribute_values_are_a_disagreement() {
        let a = doc_with(&[("claim", 0, 24)]);
        let mut b = doc_with(&[("claim", 0, 24)]);
        let id = b.documents[0].annotations[0].id;
        let edit = b
            .update_annotation("pier", id, Timestamp(2), |x| {
                x.attributes.insert("status".into(), "false".into());
            })
            .unwrap();
        edit.apply(&mut b).unwrap();
        let list = items(&[a.document("pier"), b.document("pier")]);
        assert!(!list[0].agreed(), "unverified against false");
    }

    #[test]
    fn items_group_overlaps_and_tell_agreement() {
        let a = doc_with(&[("claim", 0, 24), ("claim", 26, 45), ("source", 47, 56)]);
        let b = doc_with(&[("claim", 0, 24), ("claim", 26, 40)]);
        let list = items(&[a.document("pier"), b.document("pier")]);
        assert_eq!(list.len(), 3);
        assert!(list[0].agreed());
        assert!(!list[1].agreed(), "different end");
        assert!(!list[2].agreed(), "only one annotator");
        assert_eq!(list[1].range, 26..45);
    }

    #[test]
    fn accept_reject_and_accept_agreed_build_the_curated_version() {
        let a = doc_with(&[("claim", 0, 24), ("claim", 26, 45)]);
        let b = doc_with(&[("claim", 0, 24), ("claim", 26, 40)]);
        let list = items(&[a.document("pier"), b.document("pier")]);
        let mut curated = doc_with(&[]);

        let edit = accept_agreed(&mut curated, "pier", &list, Timestamp(5)).unwrap();
        edit.apply(&mut curated).unwrap();
        assert_eq!(curated.annotation_count(), 1);
        assert!(accept_agreed(&mut curated, "pier", &list, Timestamp(5)).is_none());

        let edit = accept(&mut curated, "pier", &list[1], 1, Timestamp(6)).unwrap();
        edit.apply(&mut curated).unwrap();
        let doc = curated.document("pier").unwrap();
        assert_eq!(list[1].matching(doc), [1]);
        // Switching to the other version replaces, never stacks.
        let edit = accept(&mut curated, "pier", &list[1], 0, Timestamp(7)).unwrap();
        edit.apply(&mut curated).unwrap();
        let doc = curated.document("pier").unwrap();
        assert_eq!(list[1].matching(doc), [0]);
        assert_eq!(curated.annotation_count(), 2);

        let edit = reject(&curated, "pier", &list[1]).unwrap();
        let before = curated.clone();
        edit.apply(&mut curated).unwrap();
        assert_eq!(curated.annotation_count(), 1);
        edit.inverse().apply(&mut curated).unwrap();
        assert_eq!(curated, before, "undo brings it back");
    }
}
