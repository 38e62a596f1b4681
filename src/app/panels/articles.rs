//! The article list: every article of the session with its counts per label.

use egui::Ui;

use super::{label_color, shorten};
use crate::app::command::Command;
use std::collections::HashMap;

use crate::model::{LabelCounts, Session};

/// The list; a click shows the article.
pub fn articles_ui(
    ui: &mut Ui,
    session: &Session,
    counts: &HashMap<String, LabelCounts>,
    current: Option<&str>,
    commands: &mut Vec<Command>,
) {
    ui.heading("Articles");
    if session.documents.is_empty() {
        ui.weak("No articles yet.");
    }
    egui::ScrollArea::vertical()
        .id_salt("articles")
        .show(ui, |ui| {
            for doc in &session.documents {
                let is_current = current == Some(doc.article.id.as_str());
                let response = ui
                    .selectable_label(is_current, shorten(&doc.article.title, 40))
                    .on_hover_text(&doc.article.source);
                if response.clicked() && !is_current {
                    commands.push(Command::SelectArticle(doc.article.id.clone()));
                }
                let counts = counts.get(&doc.article.id);
                ui.horizontal_wrapped(|ui| {
                    for (i, label) in session.labels.iter().enumerate() {
                        let n = counts
                            .and_then(|c| c.per_label.get(i).copied())
                            .unwrap_or_default();
                        if n > 0 {
                            ui.label(
                                egui::RichText::new(format!("{} {n}", label.name))
                                    .color(label_color(label))
                                    .small(),
                            )
                            .on_hover_text(&label.name);
                        }
                    }
                    let orphans = counts.map_or(0, |c| c.orphans);
                    if orphans > 0 {
                        ui.label(egui::RichText::new(format!("{orphans} orphaned")).small())
                            .on_hover_text("orphaned annotations");
                    }
                });
                ui.add_space(4.0);
            }
        });
}
