//! Merging sessions: a three-way merge of two people's changes to the same session (what
//! a git merge driver needs), and the union of several annotators' sessions for curation.
//!
//! Three-way, by annotation and relation id: a change on one side is taken; the same
//! annotation changed on both sides in different ways is a **conflict**, and both
//! versions are kept, marked with a `conflict` attribute (`ours` / `theirs`, or `deleted
//! by ours` / `deleted by theirs` when the other side deleted it) and `conflict_with`
//! naming the other version's id. Nothing is lost. Annotations and relations both sides
//! created are never confused: a new id of theirs that ours also uses is renumbered (and
//! their relations follow); the very same span added on both sides is kept once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::annotation::{Annotation, AnnotationId};
use super::relation::{Relation, RelationId};
use super::session::{Document, Session};

/// The attribute that marks a conflict.
pub const CONFLICT: &str = "conflict";
/// The attribute that names the other version of a conflict.
pub const CONFLICT_WITH: &str = "conflict_with";

/// A merged session and what could not be merged cleanly.
#[derive(Debug)]
pub struct Merged {
    /// The session.
    pub session: Session,
    /// Each conflict, in words.
    pub conflicts: Vec<String>,
    /// Ids of theirs renumbered because ours used them too.
    pub renumbered: usize,
}

type Annotations<'a> = BTreeMap<u64, (&'a str, &'a Annotation)>;

fn annotations(session: &Session) -> Annotations<'_> {
    session
        .documents
        .iter()
        .flat_map(|d| {
            d.annotations
                .iter()
                .map(move |a| (a.id.0, (d.article.id.as_str(), a)))
        })
        .collect()
}

fn relations(session: &Session) -> BTreeMap<u64, &Relation> {
    session.relations.iter().map(|r| (r.id.0, r)).collect()
}

/// One item's fate in a three-way merge.
enum Outcome<T> {
    Take(Option<T>),
    Conflict(Option<T>, Option<T>),
}

fn three_way<T: PartialEq + Clone>(
    base: Option<&T>,
    ours: Option<&T>,
    theirs: Option<&T>,
) -> Outcome<T> {
    if ours == theirs {
        Outcome::Take(ours.cloned())
    } else if ours == base {
        Outcome::Take(theirs.cloned())
    } else if theirs == base {
        Outcome::Take(ours.cloned())
    } else {
        Outcome::Conflict(ours.cloned(), theirs.cloned())
    }
}

/// Merge `ours` and `theirs`, both changed from `base`.
#[allow(clippy::too_many_lines)]
pub fn three_way_merge(base: &Session, ours: &Session, theirs: &Session) -> Merged {
    let mut conflicts = Vec::new();
    let (base_a, ours_a) = (annotations(base), annotations(ours));
    let (base_r, ours_r) = (relations(base), relations(ours));
    let mut next = [base, ours, theirs]
        .iter()
        .map(|s| s.next_id)
        .max()
        .unwrap_or(1)
        .max(1);
    let mut fresh = || {
        let id = next;
        next += 1;
        id
    };

    // Theirs, with new ids that collide with ours renumbered, and spans both sides
    // added alike folded into ours'.
    let ours_ids: BTreeSet<u64> = ours_a.keys().chain(ours_r.keys()).copied().collect();
    let base_ids: BTreeSet<u64> = base_a.keys().chain(base_r.keys()).copied().collect();
    let ours_new_spans: HashMap<(&str, &str, usize, usize), u64> = ours_a
        .iter()
        .filter(|(id, _)| !base_ids.contains(id))
        .map(|(&id, &(article, a))| ((article, a.label.as_str(), a.start, a.end), id))
        .collect();
    let mut renumbered = 0;
    let mut theirs_map: HashMap<u64, u64> = HashMap::new();
    let mut theirs_a: BTreeMap<u64, (String, Annotation)> = BTreeMap::new();
    for (&id, &(article, a)) in &annotations(theirs) {
        let mut a = a.clone();
        if !base_ids.contains(&id) {
            if let Some(&same) = ours_new_spans.get(&(article, a.label.as_str(), a.start, a.end)) {
                theirs_map.insert(id, same);
                continue;
            }
            if ours_ids.contains(&id) {
                let new = fresh();
                theirs_map.insert(id, new);
                a.id = AnnotationId(new);
                renumbered += 1;
            }
        }
        theirs_a.insert(a.id.0, (article.to_owned(), a));
    }
    let map_end = |id: AnnotationId| AnnotationId(theirs_map.get(&id.0).copied().unwrap_or(id.0));
    let mut theirs_r: BTreeMap<u64, Relation> = BTreeMap::new();
    for r in theirs.relations.iter() {
        let mut r = r.clone();
        r.from = map_end(r.from);
        r.to = map_end(r.to);
        if !base_ids.contains(&r.id.0) && ours_ids.contains(&r.id.0) {
            if ours_r.get(&r.id.0).is_some_and(|o| **o == r) {
                continue;
            }
            r.id = RelationId(fresh());
            renumbered += 1;
        }
        theirs_r.insert(r.id.0, r);
    }

    // Articles: ours' order, then theirs' new ones; one side's removal of an article the
    // other left alone is taken; the text is the side that changed it.
    let base_docs: HashMap<&str, &Document> = base
        .documents
        .iter()
        .map(|d| (d.article.id.as_str(), d))
        .collect();
    let theirs_docs: HashMap<&str, &Document> = theirs
        .documents
        .iter()
        .map(|d| (d.article.id.as_str(), d))
        .collect();
    let ours_docs: HashMap<&str, &Document> = ours
        .documents
        .iter()
        .map(|d| (d.article.id.as_str(), d))
        .collect();
    let mut order: Vec<&str> = ours
        .documents
        .iter()
        .map(|d| d.article.id.as_str())
        .collect();
    order.extend(
        theirs
            .documents
            .iter()
            .map(|d| d.article.id.as_str())
            .filter(|id| !ours_docs.contains_key(id) && !base_docs.contains_key(id)),
    );
    let mut documents: Vec<Document> = Vec::new();
    for id in order {
        // Where the file is says nothing about the article (a merge driver reads base
        // and theirs from temporary files elsewhere): compared without, ours kept.
        let without_source = |d: &&Document| {
            let mut article = d.article.clone();
            article.source = String::new();
            article
        };
        let (b, o, t) = (
            base_docs.get(id).map(without_source),
            ours_docs.get(id).map(without_source),
            theirs_docs.get(id).map(without_source),
        );
        let source = ours_docs
            .get(id)
            .or_else(|| theirs_docs.get(id))
            .map(|d| d.article.source.clone())
            .unwrap_or_default();
        let article = match three_way(b.as_ref(), o.as_ref(), t.as_ref()) {
            Outcome::Take(Some(mut article)) => {
                article.source = source;
                article
            }
            Outcome::Take(None) => continue,
            Outcome::Conflict(o, t) => {
                conflicts.push(format!(
                    "article {id:?} changed on both sides; kept ours (theirs is in their session)"
                ));
                match o.or(t) {
                    Some(mut article) => {
                        article.source = source;
                        article
                    }
                    None => continue,
                }
            }
        };
        documents.push(Document::new(article));
    }
    let doc_index: HashMap<String, usize> = documents
        .iter()
        .enumerate()
        .map(|(n, d)| (d.article.id.clone(), n))
        .collect();

    // Annotations.
    let ids: BTreeSet<u64> = base_a
        .keys()
        .chain(ours_a.keys())
        .chain(theirs_a.keys())
        .copied()
        .collect();
    let mut placed: Vec<(String, Annotation)> = Vec::new();
    for id in ids {
        let b = base_a
            .get(&id)
            .map(|(art, a)| ((*art).to_owned(), (*a).clone()));
        let o = ours_a
            .get(&id)
            .map(|(art, a)| ((*art).to_owned(), (*a).clone()));
        let t = theirs_a.get(&id).cloned();
        match three_way(b.as_ref(), o.as_ref(), t.as_ref()) {
            Outcome::Take(Some(item)) => placed.push(item),
            Outcome::Take(None) => {}
            Outcome::Conflict(o, t) => {
                conflicts.push(format!("annotation {id} changed on both sides"));
                match (o, t) {
                    (Some((oa, mut o)), Some((ta, mut t))) => {
                        let other = fresh();
                        mark(&mut o.attributes, "ours", other);
                        t.id = AnnotationId(other);
                        mark(&mut t.attributes, "theirs", id);
                        placed.push((oa, o));
                        placed.push((ta, t));
                    }
                    (Some((oa, mut o)), None) => {
                        o.attributes
                            .insert(CONFLICT.into(), "deleted by theirs".into());
                        placed.push((oa, o));
                    }
                    (None, Some((ta, mut t))) => {
                        t.attributes
                            .insert(CONFLICT.into(), "deleted by ours".into());
                        placed.push((ta, t));
                    }
                    (None, None) => {}
                }
            }
        }
    }
    let mut kept: BTreeSet<u64> = BTreeSet::new();
    let mut per_doc: Vec<Vec<Annotation>> = vec![Vec::new(); documents.len()];
    for (article, a) in placed {
        if let Some(&n) = doc_index.get(&article) {
            kept.insert(a.id.0);
            per_doc[n].push(a);
        } else {
            conflicts.push(format!(
                "annotation {} is in article {article:?}, which the other side removed; it was left out",
                a.id
            ));
        }
    }
    for (doc, list) in documents.iter_mut().zip(per_doc) {
        doc.annotations = list.into();
        doc.sort();
    }

    // Relations.
    let ids: BTreeSet<u64> = base_r
        .keys()
        .chain(ours_r.keys())
        .chain(theirs_r.keys())
        .copied()
        .collect();
    let mut links: Vec<Relation> = Vec::new();
    for id in ids {
        let b = base_r.get(&id).map(|r| (*r).clone());
        let o = ours_r.get(&id).map(|r| (*r).clone());
        let t = theirs_r.get(&id).cloned();
        let relation = match three_way(b.as_ref(), o.as_ref(), t.as_ref()) {
            Outcome::Take(r) => r,
            Outcome::Conflict(o, t) => {
                conflicts.push(format!("relation {id} changed on both sides"));
                match (o, t) {
                    (Some(mut o), Some(t)) => {
                        o.attributes.insert(CONFLICT.into(), "ours".into());
                        o.attributes.insert(
                            "conflict_theirs".into(),
                            format!(
                                "type {}, note {:?}, attributes {:?}",
                                t.kind, t.note, t.attributes
                            ),
                        );
                        Some(o)
                    }
                    (Some(mut o), None) => {
                        o.attributes
                            .insert(CONFLICT.into(), "deleted by theirs".into());
                        Some(o)
                    }
                    (None, Some(mut t)) => {
                        t.attributes
                            .insert(CONFLICT.into(), "deleted by ours".into());
                        Some(t)
                    }
                    (None, None) => None,
                }
            }
        };
        if let Some(r) = relation {
            if kept.contains(&r.from.0) && kept.contains(&r.to.0) {
                links.push(r);
            } else {
                conflicts.push(format!(
                    "relation {id} links an annotation the other side deleted; it was left out"
                ));
            }
        }
    }
    // A link both sides drew alike under different ids is kept once.
    let mut seen = BTreeSet::new();
    links.retain(|r| seen.insert((r.kind.clone(), r.from, r.to)));

    let mut session = Session {
        labels: merge_by_id(&base.labels, &ours.labels, &theirs.labels, |l| &l.id),
        relation_types: merge_by_id(
            &base.relation_types,
            &ours.relation_types,
            &theirs.relation_types,
            |t| &t.id,
        ),
        documents,
        relations: links.into(),
        next_id: next,
        annotator: ours.annotator.clone(),
    };
    session.fix_next_id();
    Merged {
        session,
        conflicts,
        renumbered,
    }
}

fn mark(attributes: &mut BTreeMap<String, String>, side: &str, other: u64) {
    attributes.insert(CONFLICT.into(), side.into());
    attributes.insert(CONFLICT_WITH.into(), other.to_string());
}

/// Labels or relation types: ours' order, theirs' additions; a change on one side is
/// taken, on both sides ours wins (the definitions are not annotations: nothing is lost
/// that a person cannot see in their own session).
fn merge_by_id<T: Clone + PartialEq>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    id: impl Fn(&T) -> &String,
) -> Vec<T> {
    let find = |list: &[T], key: &String| list.iter().find(|x| id(x) == key).cloned();
    let mut out = Vec::new();
    for o in ours {
        let key = id(o);
        match three_way(
            find(base, key).as_ref(),
            Some(o),
            find(theirs, key).as_ref(),
        ) {
            Outcome::Take(Some(x)) => out.push(x),
            Outcome::Take(None) => {}
            Outcome::Conflict(..) => out.push(o.clone()),
        }
    }
    for t in theirs {
        let key = id(t);
        if find(ours, key).is_none() && find(base, key).is_none() {
            out.push(t.clone());
        }
    }
    out
}

/// Every annotator's annotations in one session, each marked with an `annotator`
/// attribute, ready for curation. Articles are matched by text (SHA-256) then id; ids
/// are renumbered so none collides; relations come along.
pub fn union(sessions: &[(&str, &Session)]) -> Session {
    let mut out = Session::new();
    let Some((_, first)) = sessions.first() else {
        return out;
    };
    out.labels.clone_from(&first.labels);
    out.relation_types.clone_from(&first.relation_types);
    let mut next = 1u64;
    for (name, session) in sessions {
        for label in &session.labels {
            if out.label(&label.id).is_none() {
                out.labels.push(label.clone());
            }
        }
        for kind in &session.relation_types {
            if out.relation_type(&kind.id).is_none() {
                out.relation_types.push(kind.clone());
            }
        }
        let mut ids: HashMap<AnnotationId, AnnotationId> = HashMap::new();
        for doc in &session.documents {
            let at = out
                .documents
                .iter()
                .position(|d| d.article.sha256 == doc.article.sha256)
                .or_else(|| {
                    out.documents
                        .iter()
                        .position(|d| d.article.id == doc.article.id)
                })
                .unwrap_or_else(|| {
                    out.documents.push(Document::new(doc.article.clone()));
                    out.documents.len() - 1
                });
            let mut list: Vec<Annotation> = out.documents[at].annotations.iter().cloned().collect();
            for a in doc.annotations.iter() {
                let mut a = a.clone();
                let id = AnnotationId(next);
                next += 1;
                ids.insert(a.id, id);
                a.id = id;
                a.attributes.insert("annotator".into(), (*name).to_owned());
                list.push(a);
            }
            out.documents[at].annotations = list.into();
            out.documents[at].sort();
        }
        let mut links: Vec<Relation> = out.relations.iter().cloned().collect();
        for r in session.relations.iter() {
            if let (Some(&from), Some(&to)) = (ids.get(&r.from), ids.get(&r.to)) {
                let mut r = r.clone();
                r.id = RelationId(next);
                next += 1;
                r.from = from;
                r.to = to;
                r.attributes.insert("annotator".into(), (*name).to_owned());
                links.push(r);
            }
        }
        out.relations = links.into();
    }
    out.next_id = next;
    out.fix_next_id();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Timestamp};

    const TEXT: &str = "The pier reopens in June. Fares stay the same. The mayor said so.";

    fn base() -> Session {
        let mut s = Session::new();
        s.add_article(Article::new("pier", "Pier", "", TEXT));
        s
    }

    fn annotate(s: &mut Session, label: &str, start: usize, end: usize) -> AnnotationId {
        let edit = s.annotate("pier", label, start..end, Timestamp(2)).unwrap();
        let crate::model::Edit::AddAnnotation { annotation, .. } = &edit else {
            panic!("not an addition")
        };
        let id = annotation.id;
        edit.apply(s).unwrap();
        id
    }

    fn note(s: &mut Session, id: AnnotationId, text: &str) {
        let edit = s
            .update_annotation("pier", id, Timestamp(3), |a| a.note = text.to_owned())
            .unwrap();
        edit.apply(s).unwrap();
    }

    #[test]
    fn changes_on_each_side_are_both_taken_and_new_ids_never_collide() {
        let mut base = base();
        let claim = annotate(&mut base, "claim", 0, 24);
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        note(&mut ours, claim, "checked with the port");
        // Both add a span: the same new id on each side, different spans.
        let a = annotate(&mut ours, "claim", 26, 45);
        let b = annotate(&mut theirs, "source", 47, 56);
        assert_eq!(a, b, "both sides handed out the same id");
        let link = theirs.link("evidence", claim, b, Timestamp(4)).unwrap();
        link.apply(&mut theirs).unwrap();

        let merged = three_way_merge(&base, &ours, &theirs);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        assert_eq!(merged.renumbered, 1, "theirs' span (its link's id is free)");
        let s = &merged.session;
        let doc = &s.documents[0];
        assert_eq!(doc.annotations.len(), 3);
        assert_eq!(doc.annotation(claim).unwrap().note, "checked with the port");
        let source = doc
            .annotations
            .iter()
            .find(|x| x.label == "source")
            .unwrap();
        let r = s.relations.iter().next().unwrap();
        assert_eq!(
            (r.from, r.to),
            (claim, source.id),
            "the link follows its renumbered end"
        );
    }

    #[test]
    fn the_same_annotation_changed_both_ways_keeps_both_versions_marked() {
        let mut base = base();
        let claim = annotate(&mut base, "claim", 0, 24);
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        note(&mut ours, claim, "true");
        note(&mut theirs, claim, "false");
        let merged = three_way_merge(&base, &ours, &theirs);
        assert_eq!(merged.conflicts.len(), 1);
        let list = &merged.session.documents[0].annotations;
        assert_eq!(list.len(), 2);
        let ours_v = list
            .iter()
            .find(|a| a.attributes[CONFLICT] == "ours")
            .unwrap();
        let theirs_v = list
            .iter()
            .find(|a| a.attributes[CONFLICT] == "theirs")
            .unwrap();
        assert_eq!(
            (ours_v.note.as_str(), theirs_v.note.as_str()),
            ("true", "false")
        );
        assert_eq!(ours_v.attributes[CONFLICT_WITH], theirs_v.id.0.to_string());

        // Deleted on one side, changed on the other: kept, marked.
        let mut theirs = base.clone();
        let remove = theirs.delete_annotation("pier", claim).unwrap();
        remove.apply(&mut theirs).unwrap();
        let merged = three_way_merge(&base, &ours, &theirs);
        let list = &merged.session.documents[0].annotations;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].attributes[CONFLICT], "deleted by theirs");
    }

    #[test]
    fn the_same_span_added_on_both_sides_is_kept_once() {
        let base = base();
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        annotate(&mut ours, "claim", 26, 45);
        theirs.next_id += 5;
        annotate(&mut theirs, "claim", 26, 45);
        let merged = three_way_merge(&base, &ours, &theirs);
        assert_eq!(merged.session.documents[0].annotations.len(), 1);
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn union_marks_every_annotator() {
        let mut a = base();
        annotate(&mut a, "claim", 0, 24);
        let mut b = base();
        annotate(&mut b, "claim", 0, 24);
        annotate(&mut b, "source", 47, 56);
        let all = union(&[("ann", &a), ("bob", &b)]);
        assert_eq!(all.documents.len(), 1);
        let names: Vec<&str> = all.documents[0]
            .annotations
            .iter()
            .map(|x| x.attributes["annotator"].as_str())
            .collect();
        assert_eq!(names.len(), 3);
        assert_eq!(names.iter().filter(|n| **n == "bob").count(), 2);
    }
}
