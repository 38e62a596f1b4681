//! The command palette (Ctrl+Shift+P): every command with its shortcut, filtered as
//! you type; Enter runs the highlighted one.

use egui::{Key, Ui};

use crate::app::command::Command;
use crate::model::Label;

/// Palette state.
#[derive(Debug, Default)]
pub struct PaletteState {
    open: bool,
    /// What was typed.
    pub query: String,
    /// Highlighted row.
    pub highlighted: usize,
    focus: bool,
}

impl PaletteState {
    /// Show it (empty query, focused).
    pub fn open(&mut self) {
        self.open = true;
        self.query.clear();
        self.highlighted = 0;
        self.focus = true;
    }

    /// Hide it.
    pub fn close(&mut self) {
        self.open = false;
    }

    /// Shown?
    pub fn is_open(&self) -> bool {
        self.open
    }
}

/// Every command the palette offers: the fixed ones plus one per label.
pub fn palette_entries(labels: &[Label], ctx: &egui::Context) -> Vec<(String, String, Command)> {
    let mut entries: Vec<(String, String, Command)> = Command::FIXED
        .iter()
        .map(|c| (c.title(), c.shortcut_text(ctx), c.clone()))
        .collect();
    for (n, label) in labels.iter().enumerate() {
        let mut keys = Vec::new();
        if let Some(k) = label.hotkey {
            keys.push(k.to_string());
        }
        if n < 9 {
            keys.push((n + 1).to_string());
        }
        entries.push((
            format!("Annotate selection as {}", label.name),
            keys.join(" / "),
            Command::AnnotateWith(n),
        ));
    }
    entries
}

/// The palette window.
pub fn palette_ui(
    ctx: &egui::Context,
    state: &mut PaletteState,
    labels: &[Label],
    commands: &mut Vec<Command>,
) {
    if !state.open {
        return;
    }
    let entries = palette_entries(labels, ctx);
    let needle = state.query.to_lowercase();
    let shown: Vec<&(String, String, Command)> = entries
        .iter()
        .filter(|(title, _, _)| {
            needle
                .split_whitespace()
                .all(|w| title.to_lowercase().contains(w))
        })
        .collect();
    state.highlighted = state.highlighted.min(shown.len().saturating_sub(1));
    let mut run = None;
    let mut open = state.open;
    egui::Window::new("Command palette")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
        .default_width(460.0)
        .show(ctx, |ui: &mut Ui| {
            let label = ui.label("Command:");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut state.query)
                        .hint_text("type to filter")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if state.focus {
                r.request_focus();
                state.focus = false;
            }
            if ui.input(|i| i.key_pressed(Key::ArrowDown)) {
                state.highlighted = (state.highlighted + 1).min(shown.len().saturating_sub(1));
            }
            if ui.input(|i| i.key_pressed(Key::ArrowUp)) {
                state.highlighted = state.highlighted.saturating_sub(1);
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                run = shown.get(state.highlighted).map(|(_, _, c)| c.clone());
            }
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (i, (title, keys, command)) in shown.iter().enumerate() {
                        ui.horizontal(|ui| {
                            let r = ui.selectable_label(i == state.highlighted, title);
                            if r.clicked() {
                                run = Some(command.clone());
                            }
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.weak(keys);
                                },
                            );
                        });
                    }
                });
        });
    state.open = open;
    if let Some(command) = run {
        state.open = false;
        commands.push(command);
    }
}
