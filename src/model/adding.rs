//! Adding another session (an import) to this one as one undoable edit.

use std::collections::HashMap;

use super::annotation::AnnotationId;
use super::edit::Edit;
use super::session::{ArticleIds, Session};

impl Session {
    /// The edit that adds `other`'s articles (ids made unique against this session's),
    /// the labels and relation types its annotations and relations use that this session
    /// lacks, and its relations, as one undoable step. Annotation and relation ids are
    /// renumbered from this session's counter, so none collides with one in use.
    pub fn adding(&mut self, other: Session) -> Edit {
        let mut edits = Vec::new();
        let mut labels = self.labels.len();
        for label in &other.labels {
            let used = other
                .documents
                .iter()
                .any(|d| d.annotations.iter().any(|a| a.label == label.id));
            if used && self.label(&label.id).is_none() {
                edits.push(Edit::AddLabel {
                    index: labels,
                    label: label.clone(),
                });
                labels += 1;
            }
        }
        let mut kinds = self.relation_types.len();
        for kind in &other.relation_types {
            let used = other.relations.iter().any(|r| r.kind == kind.id);
            if used && self.relation_type(&kind.id).is_none() {
                edits.push(Edit::AddRelationType {
                    index: kinds,
                    kind: kind.clone(),
                });
                kinds += 1;
            }
        }
        let mut article_ids = ArticleIds::of(self);
        let mut renumbered: HashMap<AnnotationId, AnnotationId> = HashMap::new();
        for (index, mut document) in (self.documents.len()..).zip(other.documents) {
            document.article.id = article_ids.claim(&document.article.id);
            let mut annotations: Vec<_> = document.annotations.iter().cloned().collect();
            for a in &mut annotations {
                let id = self.allocate_id();
                renumbered.insert(a.id, id);
                a.id = id;
            }
            document.annotations = annotations.into();
            document.sort();
            edits.push(Edit::AddArticle { index, document });
        }
        for mut relation in other.relations.iter().cloned() {
            let (Some(&from), Some(&to)) =
                (renumbered.get(&relation.from), renumbered.get(&relation.to))
            else {
                continue;
            };
            relation.id = self.allocate_relation_id();
            relation.from = from;
            relation.to = to;
            edits.push(Edit::AddRelation { relation });
        }
        Edit::Batch(edits)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Article, Label, Session, Timestamp};

    fn one(id: &str, text: &str, label: &str, quote: &str) -> Session {
        let mut s = Session::new();
        if s.label(label).is_none() {
            s.labels
                .push(Label::new(label, label, Label::palette_color(9)));
        }
        s.add_article(Article::new(id, id, "", text));
        let start = text.find(quote).unwrap();
        let edit = s
            .annotate(id, label, start..start + quote.len(), Timestamp(1))
            .unwrap();
        edit.apply(&mut s).unwrap();
        s
    }

    #[test]
    fn an_import_is_added_whole_and_undone_whole() {
        let mut open = one("notes", "Ferries run late today.", "claim", "run late");
        let mut other = one("notes", "The mayor spoke at noon.", "person", "The mayor");
        let claim = other
            .annotate("notes", "claim", 10..15, Timestamp(2))
            .unwrap();
        claim.apply(&mut other).unwrap();
        let ids: Vec<_> = other.documents[0]
            .annotations
            .iter()
            .map(|a| a.id)
            .collect();
        let link = other
            .link("evidence", ids[1], ids[0], Timestamp(3))
            .unwrap();
        link.apply(&mut other).unwrap();
        let before = open.clone();

        let edit = open.adding(other);
        edit.apply(&mut open).unwrap();
        assert_eq!(open.documents.len(), 2);
        assert_eq!(open.documents[1].article.id, "notes-2", "ids made unique");
        assert!(
            open.label("person").is_some(),
            "the label it uses came along"
        );
        assert_eq!(open.annotation_count(), 3);
        let mut all: Vec<u64> = open
            .documents
            .iter()
            .flat_map(|d| d.annotations.iter().map(|a| a.id.0))
            .chain(open.relations.iter().map(|r| r.id.0))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "no id collides");
        let r = open.relations.iter().next().unwrap();
        let located = |id| open.locate(id).unwrap().document.article.id.clone();
        assert_eq!(
            (located(r.from), located(r.to)),
            ("notes-2".into(), "notes-2".into())
        );

        edit.inverse().apply(&mut open).unwrap();
        // Ids handed out are never handed out again; all else is as before.
        open.next_id = before.next_id;
        assert_eq!(open, before, "one undo takes the whole import back");
    }
}
