//! The "Suggestions" section of the annotation panel: the article's pending suggestions
//! by position or score, the one under review highlighted, accept / reject per
//! suggestion and "accept all" per label.

use egui::{RichText, Ui};

use super::{label_color, quoted};
use crate::app::command::Command;
use crate::app::suggestions::SuggestionCommand;
use crate::model::suggestion::SuggestionId;
use crate::model::{Document, Label};

/// What the section shows.
pub struct SuggestionsView<'a> {
    /// The article.
    pub doc: &'a Document,
    /// Its suggestions' ids in the order to list them.
    pub order: &'a [SuggestionId],
    /// The one under review.
    pub focused: Option<SuggestionId>,
    /// Listed by score (else by position).
    pub by_score: bool,
    /// The engine is running.
    pub running: bool,
    /// The session's labels.
    pub labels: &'a [Label],
}

/// The section.
pub fn suggestions_ui(ui: &mut Ui, view: &SuggestionsView<'_>, commands: &mut Vec<Command>) {
    let pending = &view.doc.pending.suggestions;
    ui.horizontal(|ui| {
        ui.heading(format!("Suggestions ({})", pending.len()));
        if view.running {
            ui.spinner();
            ui.weak("suggesting…");
        }
    });
    if pending.is_empty() {
        if !view.running {
            ui.weak("Ctrl+Shift+G (Edit, Suggest) proposes quotes with their speakers, claims and spoilers.");
        }
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Order:");
        if ui.selectable_label(!view.by_score, "position").clicked() {
            commands.push(Command::Suggestion(SuggestionCommand::SortByScore(false)));
        }
        if ui.selectable_label(view.by_score, "score").clicked() {
            commands.push(Command::Suggestion(SuggestionCommand::SortByScore(true)));
        }
        for label in view.labels {
            let n = pending.iter().filter(|s| s.label == label.id).count();
            if n > 0
                && ui
                    .button(format!("Accept all {} ({n})", label.name))
                    .on_hover_text("Shift+Enter with one of them under review")
                    .clicked()
            {
                commands.push(Command::Suggestion(SuggestionCommand::AcceptAll(Some(
                    label.id.clone(),
                ))));
            }
        }
    });
    ui.weak(
        "Enter starts the review · Enter or A accepts · X rejects · Space skips · \
         Alt(+Shift)+Left/Right move its edges",
    );
    egui::ScrollArea::vertical()
        .id_salt("suggestions")
        .max_height(240.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for id in view.order {
                let Some(s) = view.doc.pending.get(*id) else {
                    continue;
                };
                let focused = view.focused == Some(s.id);
                let label = view.labels.iter().find(|l| l.id == s.label);
                let color = label.map_or(ui.visuals().text_color(), label_color);
                let name = label.map_or(s.label.as_str(), |l| l.name.as_str());
                let text = quoted(
                    view.doc.article.text.slice(s.span()).unwrap_or_default(),
                    70,
                );
                let frame = egui::Frame::new()
                    .inner_margin(egui::Margin::symmetric(6, 3))
                    .corner_radius(3.0)
                    .fill(if focused {
                        ui.visuals().selection.bg_fill.gamma_multiply(0.45)
                    } else {
                        egui::Color32::TRANSPARENT
                    });
                let response = frame
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let row = ui.horizontal_wrapped(|ui| {
                            ui.label(RichText::new(name).color(color).strong());
                            ui.weak(format!("{:.2}", s.score.value()));
                            ui.label(text.as_str());
                        });
                        if let Some(speaker) = s.attributes.get("speaker") {
                            ui.weak(format!("speaker: {speaker}"));
                        }
                        ui.weak(&s.reason);
                        if focused {
                            ui.horizontal(|ui| {
                                if ui.button("Accept").on_hover_text("Enter or A").clicked() {
                                    commands.push(Command::Suggestion(SuggestionCommand::Accept(
                                        Some(s.id),
                                    )));
                                }
                                if ui.button("Reject").on_hover_text("X").clicked() {
                                    commands.push(Command::Suggestion(SuggestionCommand::Reject(
                                        Some(s.id),
                                    )));
                                }
                            });
                        }
                        row.response
                    })
                    .response;
                // The whole row focuses it (the focused row has its own buttons instead).
                if !focused {
                    let click = ui.interact(
                        response.rect,
                        ui.scope_id().with(("suggestion", s.id)),
                        egui::Sense::click(),
                    );
                    click.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::Button,
                            true,
                            format!("Review {name} {text}"),
                        )
                    });
                    if click.clicked() {
                        commands.push(Command::Suggestion(SuggestionCommand::Focus(s.id)));
                    }
                }
            }
        });
}
