//! The article list: progress ("3 of 10 done"), a filter by status, an order, and every
//! article with its status and counts per label. Right-click an article to mark it,
//! rename it or remove it.

use egui::Ui;

use super::label_color;
use crate::app::command::Command;
use std::collections::HashMap;

use crate::model::{LabelCounts, Session, Status};

/// How the list is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticlesView {
    /// Only articles with this status.
    pub filter: Option<Status>,
    /// The order.
    pub sort: Sort,
    /// The article being renamed, with the title typed so far.
    pub renaming: Option<(String, String)>,
    /// Put the keyboard in the rename field (once, when it opens).
    pub focus_rename: bool,
}

/// Orders of the article list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// As in the session.
    #[default]
    Session,
    /// By title.
    Title,
    /// To do first, done last.
    Status,
    /// Most annotations first.
    Annotations,
}

impl Sort {
    const ALL: [Self; 4] = [Self::Session, Self::Title, Self::Status, Self::Annotations];

    fn title(self) -> &'static str {
        match self {
            Self::Session => "session order",
            Self::Title => "title",
            Self::Status => "status",
            Self::Annotations => "annotations",
        }
    }
}

/// The list; a click shows the article.
pub fn articles_ui(
    ui: &mut Ui,
    session: &Session,
    counts: &HashMap<String, LabelCounts>,
    current: Option<&str>,
    view: &mut ArticlesView,
    commands: &mut Vec<Command>,
) {
    ui.heading("Articles");
    if session.documents.is_empty() {
        ui.weak("No articles yet.");
        return;
    }
    ui.label(format!("{}", session.progress()));
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut view.filter, None, "All");
        for (status, title) in [
            (Status::Todo, "To do"),
            (Status::InProgress, "In progress"),
            (Status::Done, "Done"),
        ] {
            ui.selectable_value(&mut view.filter, Some(status), title);
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Order:");
        egui::ComboBox::from_id_salt("article order")
            .selected_text(view.sort.title())
            .show_ui(ui, |ui| {
                for sort in Sort::ALL {
                    ui.selectable_value(&mut view.sort, sort, sort.title());
                }
            })
            .response
            .labelled_by(label.id);
    });
    let mut docs: Vec<&crate::model::Document> = session
        .documents
        .iter()
        .filter(|d| view.filter.is_none_or(|f| d.status() == f))
        .collect();
    match view.sort {
        Sort::Session => {}
        Sort::Title => docs.sort_by_key(|d| d.article.title.to_lowercase()),
        Sort::Status => docs.sort_by_key(|d| d.status()),
        Sort::Annotations => docs.sort_by_key(|d| std::cmp::Reverse(d.annotations.len())),
    }
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .id_salt("articles")
        .scroll_source(egui::containers::scroll_area::ScrollSource {
            drag: egui::containers::scroll_area::DragScroll::Never,
            ..egui::containers::scroll_area::ScrollSource::ALL
        })
        .show(ui, |ui| {
            for doc in docs {
                let id = &doc.article.id;
                if let Some((renamed, title)) = &mut view.renaming
                    && renamed == id
                {
                    let field = ui
                        .horizontal(|ui| {
                            let label = ui.label("Title:");
                            ui.add(
                                egui::TextEdit::singleline(title)
                                    .desired_width(f32::INFINITY)
                                    .hint_text("Enter renames, Esc cancels"),
                            )
                            .labelled_by(label.id)
                        })
                        .inner;
                    if std::mem::take(&mut view.focus_rename) {
                        field.request_focus();
                    }
                    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if enter && (field.has_focus() || field.lost_focus()) {
                        commands.push(Command::RenameArticle(id.clone(), title.clone()));
                        view.renaming = None;
                    } else if field.lost_focus() {
                        view.renaming = None;
                    }
                    continue;
                }
                let is_current = current == Some(id.as_str());
                let status = doc.status();
                let marker = match status {
                    Status::Done => "done",
                    Status::InProgress => "started",
                    Status::Todo => "to do",
                };
                // One line, cut with an ellipsis; the whole title on hover.
                let text = egui::RichText::new(&doc.article.title);
                let response = ui
                    .with_layout(egui::Layout::top_down_justified(egui::Align::LEFT), |ui| {
                        ui.add(egui::Button::selectable(is_current, text).truncate())
                    })
                    .inner
                    .on_hover_text(format!(
                        "{}\n{} · {}",
                        doc.article.title,
                        status.title(),
                        doc.article.source
                    ));
                if response.clicked() && !is_current {
                    commands.push(Command::SelectArticle(id.clone()));
                }
                response.context_menu(|ui| {
                    for s in Status::ALL {
                        if s != status && ui.button(format!("Mark as {}", s.title())).clicked() {
                            commands.push(Command::SetStatus(id.clone(), s));
                            ui.close();
                        }
                    }
                    if ui.button("Rename…").clicked() {
                        view.renaming = Some((id.clone(), doc.article.title.clone()));
                        view.focus_rename = true;
                        ui.close();
                    }
                    if ui
                        .button("Reload from file")
                        .on_hover_text(&doc.article.source)
                        .clicked()
                    {
                        commands.push(Command::ReloadArticle(id.clone()));
                        ui.close();
                    }
                    if ui.button("Remove from the session").clicked() {
                        commands.push(Command::RemoveArticle(id.clone()));
                        ui.close();
                    }
                });
                let counts = counts.get(id);
                ui.horizontal_wrapped(|ui| {
                    let weak = ui.visuals().weak_text_color();
                    let color = if status == Status::Done {
                        ui.visuals().selection.bg_fill
                    } else {
                        weak
                    };
                    ui.label(egui::RichText::new(marker).small().color(color));
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
