//! The menu bar, the label chips (click one to annotate the selection), and the status bar.

use egui::Ui;

use super::label_color;
use crate::app::command::Command;
use crate::formats::ExportFormat;
use crate::model::Label;

fn item(ui: &mut Ui, command: &Command, enabled: bool, commands: &mut Vec<Command>) {
    let shortcut = command.shortcut_text(ui.ctx());
    let button = egui::Button::new(command.title()).shortcut_text(shortcut);
    if ui.add_enabled(enabled, button).clicked() {
        commands.push(command.clone());
        ui.close();
    }
}

/// What the menus need to know to enable items.
pub struct MenuContext<'a> {
    /// Labels in order.
    pub labels: &'a [Label],
    /// Recent files.
    pub recent: &'a [std::path::PathBuf],
    /// Something to undo.
    pub can_undo: bool,
    /// Something to redo.
    pub can_redo: bool,
    /// An article is open.
    pub has_article: bool,
    /// An annotation is selected.
    pub has_selected: bool,
    /// The example session exists.
    pub has_example: bool,
    /// Shield on.
    pub shield: bool,
}

/// The menu bar.
pub fn menu_ui(ui: &mut Ui, m: &MenuContext<'_>, commands: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, &Command::Open, true, commands);
            item(ui, &Command::OpenArticle, true, commands);
            item(ui, &Command::OpenSession, true, commands);
            item(ui, &Command::OpenPath, true, commands);
            item(ui, &Command::OpenExample, m.has_example, commands);
            item(ui, &Command::Import, true, commands);
            item(ui, &Command::ImportFolder, true, commands);
            item(ui, &Command::CompareWith, m.has_article, commands);
            item(ui, &Command::AnnotatorName, true, commands);
            ui.menu_button("Open recent", |ui| {
                if m.recent.is_empty() {
                    ui.weak("Nothing yet");
                }
                for path in m.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        commands.push(Command::OpenRecent(path.clone()));
                        ui.close();
                    }
                }
            });
            ui.separator();
            item(ui, &Command::NewSession, true, commands);
            item(ui, &Command::Save, m.has_article, commands);
            item(ui, &Command::SaveAs, m.has_article, commands);
            ui.menu_button("Export as", |ui| {
                for format in ExportFormat::ALL {
                    if ui
                        .add_enabled(m.has_article, egui::Button::new(format.title()))
                        .clicked()
                    {
                        commands.push(Command::ExportAs(format));
                        ui.close();
                    }
                }
            });
            item(ui, &Command::Export, m.has_article, commands);
            ui.separator();
            item(ui, &Command::Quit, true, commands);
        });
        ui.menu_button("Edit", |ui| {
            item(ui, &Command::Undo, m.can_undo, commands);
            item(ui, &Command::Redo, m.can_redo, commands);
            ui.separator();
            item(ui, &Command::Copy, m.has_article, commands);
            item(ui, &Command::SelectAll, m.has_article, commands);
            item(ui, &Command::Find, m.has_article, commands);
            item(ui, &Command::FindNext, m.has_article, commands);
            item(ui, &Command::FindPrevious, m.has_article, commands);
            item(ui, &Command::SearchDataset, m.has_article, commands);
            ui.separator();
            item(ui, &Command::Suggest, m.has_article, commands);
            ui.separator();
            item(ui, &Command::DeleteAnnotation, m.has_selected, commands);
            item(ui, &Command::StartLink, m.has_selected, commands);
            item(ui, &Command::GrowStart, m.has_selected, commands);
            item(ui, &Command::ShrinkStart, m.has_selected, commands);
            item(ui, &Command::GrowEnd, m.has_selected, commands);
            item(ui, &Command::ShrinkEnd, m.has_selected, commands);
            item(ui, &Command::NextAnnotation, m.has_article, commands);
            item(ui, &Command::PreviousAnnotation, m.has_article, commands);
        });
        ui.menu_button("Labels", |ui| {
            for (n, label) in m.labels.iter().enumerate() {
                let mut keys = Vec::new();
                if let Some(k) = label.hotkey {
                    keys.push(k.to_string());
                }
                if n < 9 {
                    keys.push((n + 1).to_string());
                }
                let button = egui::Button::new(format!("Annotate as {}", label.name))
                    .shortcut_text(keys.join(" / "));
                if ui.add_enabled(m.has_article, button).clicked() {
                    commands.push(Command::AnnotateWith(n));
                    ui.close();
                }
            }
            ui.separator();
            item(ui, &Command::EditLabels, true, commands);
        });
        ui.menu_button("View", |ui| {
            let mut shield = m.shield;
            if ui.checkbox(&mut shield, "Spoiler shield").clicked() {
                commands.push(Command::ToggleShield);
                ui.close();
            }
            item(ui, &Command::ZoomIn, true, commands);
            item(ui, &Command::ZoomOut, true, commands);
            item(ui, &Command::ZoomReset, true, commands);
            item(ui, &Command::ToggleTheme, true, commands);
            item(ui, &Command::ToggleReflow, true, commands);
            item(ui, &Command::ToggleSuggestOnOpen, true, commands);
            ui.separator();
            item(ui, &Command::NextArticle, m.has_article, commands);
            item(ui, &Command::PreviousArticle, m.has_article, commands);
            item(ui, &Command::NextUnfinished, m.has_article, commands);
            item(ui, &Command::ToggleDone, m.has_article, commands);
            item(ui, &Command::CommandPalette, true, commands);
        });
    });
}

/// Label chips and the shield toggle. Clicking a chip annotates the reader's
/// selection: the reader keeps the selection itself, so the click does not lose it.
pub fn chips_ui(
    ui: &mut Ui,
    labels: &[Label],
    shield: bool,
    has_article: bool,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(has_article, |ui| {
            for (n, label) in labels.iter().enumerate() {
                let key = label
                    .hotkey
                    .map(String::from)
                    .or_else(|| (n < 9).then(|| (n + 1).to_string()))
                    .unwrap_or_default();
                let text = egui::RichText::new(format!("{}  {key}", label.name))
                    .color(egui::Color32::BLACK);
                let chip = egui::Button::new(text)
                    .fill(label_color(label))
                    .corner_radius(10.0);
                let hover = if label.description.is_empty() {
                    format!("Annotate the selection as {} ({key})", label.name)
                } else {
                    format!("{} — {} ({key})", label.name, label.description)
                };
                if ui.add(chip).on_hover_text(hover).clicked() {
                    commands.push(Command::AnnotateWith(n));
                }
            }
        });
        ui.separator();
        let mut on = shield;
        if ui
            .toggle_value(&mut on, "Spoiler shield")
            .on_hover_text("Hide spoilers as solid blocks until clicked (Ctrl+Shift+H)")
            .clicked()
        {
            commands.push(Command::ToggleShield);
        }
        if ui
            .button("Find")
            .on_hover_text("Find in the article (Ctrl+F)")
            .clicked()
        {
            commands.push(Command::Find);
        }
        if ui
            .button("Commands")
            .on_hover_text("Command palette (Ctrl+Shift+P)")
            .clicked()
        {
            commands.push(Command::CommandPalette);
        }
    });
}
