//! The start screen shown when nothing is open.

use std::path::PathBuf;

use egui::Ui;

use crate::app::command::Command;

/// Open buttons and the recent files.
pub fn start_ui(ui: &mut Ui, recent: &[PathBuf], has_example: bool, commands: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.12);
        ui.heading(egui::RichText::new("Gloss").size(34.0));
        ui.label("Read articles; mark spoilers, quotes and claims.");
        ui.add_space(18.0);
        let button =
            |ui: &mut Ui, text: &str, hint: &str, command: Command, commands: &mut Vec<Command>| {
                if ui
                    .add_sized([260.0, 32.0], egui::Button::new(text))
                    .on_hover_text(hint)
                    .clicked()
                {
                    commands.push(command);
                }
            };
        button(
            ui,
            "Open article…",
            "Text, Markdown or HTML files",
            Command::OpenArticle,
            commands,
        );
        button(
            ui,
            "Open session…",
            "A .ron session saved by Gloss",
            Command::OpenSession,
            commands,
        );
        button(
            ui,
            "Open path…",
            "Type or paste a path (Ctrl+L)",
            Command::OpenPath,
            commands,
        );
        if has_example {
            button(
                ui,
                "Open example session",
                "Three short sample articles, annotated",
                Command::OpenExample,
                commands,
            );
        }
        ui.add_space(10.0);
        ui.weak("…or drop files on this window.");
        if !recent.is_empty() {
            ui.add_space(18.0);
            ui.strong("Recent");
            for path in recent {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if ui
                    .link(name)
                    .on_hover_text(path.display().to_string())
                    .clicked()
                {
                    commands.push(Command::OpenRecent(path.clone()));
                }
            }
        }
    });
}
