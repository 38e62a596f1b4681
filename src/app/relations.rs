//! Relations in the app: linking two annotations by keyboard or mouse (within an
//! article or across articles), and applying every relation command.
//!
//! Linking goes in two steps, both shown in the status line: with an annotation
//! selected, **R** starts a link; the target is then clicked (reader or list) or
//! stepped to with Alt+↓/↑ and taken with Enter (Ctrl+PageDown reaches other
//! articles); then the type is picked by its key (1–9) or from a short menu that lists
//! only the types the two labels allow. Esc cancels at any point.

use std::collections::HashSet;
use std::ops::Range;

use super::command::Command;
use super::state::GlossApp;
use crate::model::{AnnotationId, Relation, RelationId, RelationType, Timestamp};

/// A link under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linking {
    /// The source annotation.
    pub from: AnnotationId,
    /// Its article.
    pub from_article: String,
    /// The target, once chosen (the type is being picked).
    pub to: Option<AnnotationId>,
}

/// Relation commands, pushed by keys, the reader, the list, the editor and the label
/// editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelationCommand {
    /// Take this annotation as the target of the link under way.
    Target(AnnotationId),
    /// Take the selected annotation as the target (Enter).
    TargetSelected,
    /// Make the link with this relation type.
    Finish(String),
    /// Make the link with the type whose key is this digit (1–9).
    FinishWithKey(char),
    /// Stop linking.
    Cancel,
    /// Show an annotation of any article: switch to its article, select it, scroll.
    Show(AnnotationId),
    /// Delete a relation.
    Delete(RelationId),
    /// Give a relation another type.
    Retype(RelationId, String),
    /// Replace a relation's note.
    SetNote(RelationId, String),
    /// Set an attribute of a relation.
    SetAttribute(RelationId, String, String),
    /// Add a relation type.
    AddType(RelationType),
    /// Change a relation type (same id).
    UpdateType(RelationType),
    /// Remove a relation type and its relations.
    RemoveType(String),
}

/// One relation of the selected annotation, with what the panels and the reader show of
/// its other end.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRow {
    /// The relation.
    pub relation: Relation,
    /// True when the selected annotation is the source.
    pub outgoing: bool,
    /// The other end.
    pub other: AnnotationId,
    /// Its article's id.
    pub article: String,
    /// Its article's title.
    pub article_title: String,
    /// Its label id.
    pub label: String,
    /// Its quote.
    pub text: String,
    /// Its span, `None` for an orphan.
    pub span: Option<Range<usize>>,
}

/// The selected annotation's relations, worked out once per selection and revision
/// (finding the other ends means one pass over every annotation of the session).
#[derive(Default)]
pub struct LinkCache {
    key: Option<(AnnotationId, u64)>,
    rows: Vec<LinkRow>,
    /// What the reader of one article draws, for the same key.
    drawn: Option<(String, Vec<super::reader::ReaderLink>)>,
}

impl LinkCache {
    /// The rows for `selected` at `revision`.
    pub fn rows(
        &mut self,
        app_session: &crate::model::Session,
        selected: Option<AnnotationId>,
        revision: u64,
    ) -> &[LinkRow] {
        let Some(selected) = selected else {
            self.key = None;
            self.rows.clear();
            self.drawn = None;
            return &self.rows;
        };
        if self.key != Some((selected, revision)) {
            self.key = Some((selected, revision));
            self.rows = link_rows(app_session, selected);
            self.drawn = None;
        }
        &self.rows
    }

    /// What the reader of `doc` draws for `selected` at `revision` (worked out once:
    /// finding the selected annotation in a long article is a scan).
    pub fn reader_links(
        &mut self,
        session: &crate::model::Session,
        doc: &crate::model::Document,
        selected: Option<AnnotationId>,
        revision: u64,
    ) -> &[super::reader::ReaderLink] {
        self.rows(session, selected, revision);
        let fresh = self
            .drawn
            .as_ref()
            .is_some_and(|(article, _)| *article == doc.article.id);
        if !fresh {
            let links = reader_links(session, doc, selected, &self.rows);
            self.drawn = Some((doc.article.id.clone(), links));
        }
        self.drawn
            .as_ref()
            .map_or(&[], |(_, links)| links.as_slice())
    }
}

/// The relations of `selected`, in id order, with their other ends looked up in one
/// pass over the session.
pub fn link_rows(session: &crate::model::Session, selected: AnnotationId) -> Vec<LinkRow> {
    let relations: Vec<&Relation> = session.relations_of(selected).collect();
    if relations.is_empty() {
        return Vec::new();
    }
    let wanted: HashSet<AnnotationId> = relations.iter().map(|r| r.other_end(selected)).collect();
    let mut found = std::collections::HashMap::new();
    for doc in &session.documents {
        for a in doc.annotations.iter().filter(|a| wanted.contains(&a.id)) {
            found.insert(a.id, (doc, a));
        }
    }
    relations
        .into_iter()
        .filter_map(|r| {
            let other = r.other_end(selected);
            let (doc, a) = found.get(&other)?;
            Some(LinkRow {
                relation: r.clone(),
                outgoing: r.from == selected,
                other,
                article: doc.article.id.clone(),
                article_title: doc.article.title.clone(),
                label: a.label.clone(),
                text: a.text.clone(),
                span: (!a.orphan).then(|| a.span()),
            })
        })
        .collect()
}

/// The selected annotation's relations as the reader of `doc` draws them.
pub fn reader_links(
    session: &crate::model::Session,
    doc: &crate::model::Document,
    selected: Option<crate::model::AnnotationId>,
    rows: &[LinkRow],
) -> Vec<super::reader::ReaderLink> {
    let Some(selected) = selected else {
        return Vec::new();
    };
    let here = doc.annotation(selected);
    let selected_span = here
        .filter(|a| !a.orphan)
        .map(crate::model::Annotation::span);
    let selected_elsewhere = if here.is_some() {
        "orphan".to_owned()
    } else {
        session
            .locate(selected)
            .map(|at| {
                format!(
                    "“{}”",
                    super::panels::shorten(&at.document.article.title, 30)
                )
            })
            .unwrap_or_default()
    };
    rows.iter()
        .map(|row| {
            let other_here = row.article == doc.article.id;
            let other_span = row.span.clone().filter(|_| other_here);
            let other_elsewhere = if other_here {
                "orphan".to_owned()
            } else {
                format!("“{}”", super::panels::shorten(&row.article_title, 30))
            };
            let kind = session.relation_type(&row.relation.kind);
            let color = kind.map_or(egui::Color32::GRAY, |t| {
                let [r, g, b] = t.color.0;
                egui::Color32::from_rgb(r, g, b)
            });
            let name = kind.map_or_else(|| row.relation.kind.clone(), |t| t.name.clone());
            // Whichever end is not drawn here gets described.
            let elsewhere = if other_span.is_none() {
                other_elsewhere
            } else {
                selected_elsewhere.clone()
            };
            let (from, to) = if row.outgoing {
                (selected_span.clone(), other_span)
            } else {
                (other_span, selected_span.clone())
            };
            super::reader::ReaderLink {
                from,
                to,
                color,
                name,
                elsewhere,
            }
        })
        .collect()
}

impl GlossApp {
    /// Start a link from the selected annotation (R).
    pub(super) fn start_link(&mut self) {
        let (Some(article), Some(from)) = (self.current.clone(), self.selected) else {
            self.note("Select an annotation first, then press R to link it to another.");
            return;
        };
        if self.session.relation_types.is_empty() {
            self.error("This session has no relation types: add one in Edit labels… first.");
            return;
        }
        self.linking = Some(Linking {
            from,
            from_article: article,
            to: None,
        });
    }

    /// What the status line says while linking.
    pub fn linking_status(&self) -> Option<String> {
        let linking = self.linking.as_ref()?;
        let describe = |id: AnnotationId| {
            self.session.locate(id).map_or_else(
                || format!("annotation {id}"),
                |at| {
                    let name = self
                        .session
                        .label(&at.annotation.label)
                        .map_or(at.annotation.label.as_str(), |l| l.name.as_str());
                    format!(
                        "{name} “{}”",
                        super::panels::shorten(&at.annotation.text, 40)
                    )
                },
            )
        };
        Some(match linking.to {
            None => format!(
                "Linking {}: click the target annotation, or step to it with Alt+Down/Up and press Enter (Ctrl+PageDown: another article). Esc cancels.",
                describe(linking.from)
            ),
            Some(to) => format!(
                "Linking {} to {}: pick the type (its number key, or click). Esc cancels.",
                describe(linking.from),
                describe(to)
            ),
        })
    }

    /// The relation types allowed between the link's two ends, when the type is being
    /// picked.
    pub fn linking_types(&self) -> Vec<&RelationType> {
        match &self.linking {
            Some(Linking {
                from, to: Some(to), ..
            }) => self.session.allowed_relation_types(*from, *to),
            _ => Vec::new(),
        }
    }

    /// Apply a relation command.
    pub(super) fn apply_relation(&mut self, command: RelationCommand) {
        match command {
            RelationCommand::Target(to) => self.choose_target(to),
            RelationCommand::TargetSelected => {
                if let Some(to) = self.selected {
                    self.choose_target(to);
                }
            }
            RelationCommand::Finish(kind) => self.finish_link(&kind),
            RelationCommand::FinishWithKey(key) => {
                let allowed: Vec<String> = self
                    .linking_types()
                    .into_iter()
                    .filter(|t| t.hotkey == Some(key))
                    .map(|t| t.id.clone())
                    .collect();
                match allowed.first() {
                    Some(kind) => self.finish_link(kind),
                    None => {
                        let name = self
                            .session
                            .relation_types
                            .iter()
                            .find(|t| t.hotkey == Some(key))
                            .map(|t| t.name.clone());
                        match name {
                            Some(name) => self.error(format!(
                                "{name} cannot link these two labels; pick one of the listed types."
                            )),
                            None => self.error(format!("No relation type has the key {key}.")),
                        }
                    }
                }
            }
            RelationCommand::Cancel => {
                if let Some(linking) = self.linking.take() {
                    self.return_to(linking.from);
                    self.note("Linking cancelled.");
                }
            }
            RelationCommand::Show(id) => self.show_annotation(id),
            RelationCommand::Delete(id) => match self.session.delete_relation(id) {
                Ok(edit) => {
                    self.edit(edit);
                }
                Err(e) => self.error(e.to_string()),
            },
            RelationCommand::Retype(id, kind) => self.update_relation(id, |r| r.kind = kind),
            RelationCommand::SetNote(id, note) => self.update_relation(id, |r| r.note = note),
            RelationCommand::SetAttribute(id, key, value) => self.update_relation(id, |r| {
                r.attributes.insert(key, value);
            }),
            RelationCommand::AddType(kind) => {
                let index = self.session.relation_types.len();
                self.edit(crate::model::Edit::AddRelationType { index, kind });
            }
            RelationCommand::UpdateType(kind) => {
                if let Some(before) = self.session.relation_type(&kind.id).cloned()
                    && before != kind
                {
                    self.edit(crate::model::Edit::ReplaceRelationType {
                        before,
                        after: kind,
                    });
                }
            }
            RelationCommand::RemoveType(id) => match self.session.remove_relation_type(&id) {
                Ok(edit) => {
                    self.edit(edit);
                }
                Err(e) => self.error(e.to_string()),
            },
        }
    }

    fn choose_target(&mut self, to: AnnotationId) {
        let Some(linking) = self.linking.as_mut() else {
            return;
        };
        if to == linking.from {
            self.error("An annotation cannot be linked to itself: pick another one.");
            return;
        }
        linking.to = Some(to);
        let types: Vec<String> = self.linking_types().iter().map(|t| t.id.clone()).collect();
        match types.as_slice() {
            [] => {
                if let Some(linking) = self.linking.as_mut() {
                    linking.to = None;
                }
                self.error(
                    "No relation type links these two labels; pick another target or add a type in Edit labels….",
                );
            }
            [only] => {
                let only = only.clone();
                self.finish_link(&only);
            }
            _ => self.selected = Some(to),
        }
    }

    fn finish_link(&mut self, kind: &str) {
        let Some(Linking {
            from, to: Some(to), ..
        }) = self.linking.clone()
        else {
            return;
        };
        match self.session.link(kind, from, to, Timestamp::now()) {
            Ok(edit) => {
                if self.edit(edit) {
                    self.linking = None;
                    let name = self
                        .session
                        .relation_type(kind)
                        .map_or_else(|| kind.to_owned(), |t| t.name.clone());
                    self.note(format!("Linked as {name}."));
                    self.return_to(from);
                }
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Show the link's source again (after linking, or cancelling).
    fn return_to(&mut self, id: AnnotationId) {
        self.show_annotation(id);
    }

    /// Switch to the article of annotation `id`, select it and scroll to it.
    pub(super) fn show_annotation(&mut self, id: AnnotationId) {
        let Some(article) = self
            .session
            .locate(id)
            .map(|at| at.document.article.id.clone())
        else {
            return;
        };
        if self.current.as_deref() != Some(article.as_str()) {
            self.current = Some(article);
            self.find.invalidate();
        }
        self.push(Command::JumpTo(id));
    }

    fn update_relation(&mut self, id: RelationId, change: impl FnOnce(&mut Relation)) {
        match self.session.update_relation(id, Timestamp::now(), change) {
            Ok(edit) => {
                if let crate::model::Edit::ReplaceRelation { before, after } = &edit
                    && before.kind == after.kind
                    && before.note == after.note
                    && before.attributes == after.attributes
                {
                    return;
                }
                self.edit(edit);
            }
            Err(e) => self.error(e.to_string()),
        }
    }
}
