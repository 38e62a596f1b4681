//! The article list: every article of the session with its counts per label.

use egui::Ui;

use super::{label_color, shorten};
use crate::app::command::Command;
use crate::model::Session;

/// The list; a click shows the article.
pub fn articles_ui(
    ui: &mut Ui,
    session: &Session,
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
                ui.horizontal_wrapped(|ui| {
                    for label in &session.labels {
                        let n = doc.count_label(&label.id);
                        if n > 0 {
                            ui.label(
                                egui::RichText::new(format!("{} {n}", label.name))
                                    .color(label_color(label))
                                    .small(),
                            )
                            .on_hover_text(&label.name);
                        }
                    }
                    let orphans = doc.orphan_count();
                    if orphans > 0 {
                        ui.label(egui::RichText::new(format!("{orphans} orphaned")).small())
                            .on_hover_text("orphaned annotations");
                    }
                });
                ui.add_space(4.0);
            }
        });
}
