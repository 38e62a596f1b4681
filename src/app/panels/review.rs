//! Orphan review: the article's orphans (text deleted or ambiguous after an edit) and
//! changed annotations (text edited inside them), with their old quote and context. An
//! orphan is re-attached by selecting its new text and pressing Enter (or the button), a
//! changed one accepted, either deleted — each an undoable edit.

use egui::{RichText, Ui};

use super::{quoted, shorten};
use crate::app::command::Command;
use crate::model::Document;
use crate::model::merge::{CONFLICT, CONFLICT_WITH};
use crate::model::session::PREVIOUS_TEXT;

/// Whether the article has anything to review.
pub fn needs_review(doc: &Document) -> bool {
    doc.annotations.iter().any(|a| {
        a.orphan || a.attributes.contains_key(PREVIOUS_TEXT) || a.attributes.contains_key(CONFLICT)
    })
}

/// Show the review list.
pub fn review_ui(ui: &mut Ui, doc: &Document, has_selection: bool, commands: &mut Vec<Command>) {
    let orphans: Vec<_> = doc.annotations.iter().filter(|a| a.orphan).collect();
    let changed: Vec<_> = doc
        .annotations
        .iter()
        .filter(|a| !a.orphan && a.attributes.contains_key(PREVIOUS_TEXT))
        .collect();
    ui.heading("Review after the edit");
    ui.weak(format!(
        "{} orphan(s), {} changed. Select an orphan's new text in the reader and press Enter to re-attach it.",
        orphans.len(),
        changed.len()
    ));
    egui::ScrollArea::vertical()
        .id_salt("review")
        .max_height(200.0)
        .show(ui, |ui| {
            for a in orphans {
                ui.horizontal_wrapped(|ui| {
                    let title =
                        RichText::new(format!("Orphan {}: {}", a.label, quoted(&a.text, 50)))
                            .color(ui.visuals().warn_fg_color);
                    if ui.selectable_label(false, title).clicked() {
                        commands.push(Command::Select(Some(a.id)));
                    }
                });
                ui.weak(format!(
                    "    …{}[{}]{}…",
                    shorten(&a.prefix, 30),
                    shorten(&a.text, 30),
                    shorten(&a.suffix, 30)
                ));
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(has_selection, egui::Button::new("Re-attach to selection"))
                        .on_hover_text("Select its text in the reader, then Enter")
                        .clicked()
                    {
                        commands.push(Command::Reattach(a.id));
                    }
                    if ui.button("Delete").clicked() {
                        commands.push(Command::DeleteById(a.id));
                    }
                });
            }
            // Merge conflicts: both versions side by side, keep one.
            for a in doc
                .annotations
                .iter()
                .filter(|a| a.attributes.get(CONFLICT).is_some_and(|c| c != "theirs"))
            {
                let side = a.attributes.get(CONFLICT).cloned().unwrap_or_default();
                let other = a
                    .attributes
                    .get(CONFLICT_WITH)
                    .and_then(|id| id.parse().ok())
                    .map(crate::model::AnnotationId)
                    .and_then(|id| doc.annotation(id));
                ui.label(
                    RichText::new(format!("Merge conflict ({side}): {}", a.label))
                        .color(ui.visuals().warn_fg_color),
                );
                let describe = |x: &crate::model::Annotation| {
                    let mut s = quoted(&x.text, 40);
                    if !x.note.is_empty() {
                        s.push_str(&format!(" · note: {}", shorten(&x.note, 30)));
                    }
                    s
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("    ours: {}", describe(a)));
                    if ui.button("Keep ours").clicked() {
                        commands.push(Command::ResolveConflict(a.id, other.map(|o| o.id)));
                    }
                });
                if let Some(o) = other {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!("    theirs: {}", describe(o)));
                        if ui.button("Keep theirs").clicked() {
                            commands.push(Command::ResolveConflict(o.id, Some(a.id)));
                        }
                    });
                }
            }
            for a in changed {
                let old = a.attributes.get(PREVIOUS_TEXT).cloned().unwrap_or_default();
                if ui
                    .selectable_label(
                        false,
                        format!("Changed {}: {}", a.label, quoted(&a.text, 50)),
                    )
                    .clicked()
                {
                    commands.push(Command::JumpTo(a.id));
                }
                ui.weak(format!("    was {}", quoted(&old, 60)));
                ui.horizontal(|ui| {
                    if ui.button("Accept").clicked() {
                        commands.push(Command::AcceptChanged(a.id));
                    }
                    if ui.button("Delete").clicked() {
                        commands.push(Command::DeleteById(a.id));
                    }
                });
            }
        });
}
