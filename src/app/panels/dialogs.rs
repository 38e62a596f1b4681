//! Modal questions (unsaved changes, open path, export format, restore) and messages.

use egui::{Id, Modal, Ui};

use crate::app::command::{Command, RecoverAnswer, UnsavedAnswer};
use crate::app::state::{Dialog, Message, PathPurpose};
use crate::formats::ExportFormat;

/// Seconds a note stays on screen (errors stay until dismissed).
const NOTE_SECONDS: f64 = 4.0;

/// Show the open dialog, if any. Returns false when it was dismissed.
pub fn dialog_ui(ctx: &egui::Context, dialog: &mut Dialog, commands: &mut Vec<Command>) -> bool {
    let mut keep = true;
    let response = Modal::new(Id::unique("gloss-dialog")).show(ctx, |ui: &mut Ui| {
        ui.set_max_width(480.0);
        match dialog {
            Dialog::Unsaved(_) => {
                ui.heading("Save changes?");
                ui.label("The session has changes that are not saved.");
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        commands.push(Command::Unsaved(UnsavedAnswer::Save));
                    }
                    if ui.button("Discard").clicked() {
                        commands.push(Command::Unsaved(UnsavedAnswer::Discard));
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Command::Unsaved(UnsavedAnswer::Cancel));
                    }
                });
            }
            Dialog::Path(purpose, text) => {
                let (heading, prompt, action) = match purpose {
                    PathPurpose::Open => (
                        "Open path",
                        "Path of an article (.txt, .md, .html) or a session (.ron):",
                        "Open",
                    ),
                    PathPurpose::SaveSession => ("Save session", "Save the session as:", "Save"),
                    PathPurpose::Compare => (
                        "Compare with",
                        "Other annotators' sessions (.ron) of the same articles, separated by ;",
                        "Compare",
                    ),
                    PathPurpose::Import => (
                        "Import",
                        "Path of a dataset (Gloss JSON/JSONL, doccano, Label Studio, W3C) or a brat folder:",
                        "Import",
                    ),
                    PathPurpose::Export(format) => (
                        "Export",
                        if format.extension().is_some() {
                            "Export to file:"
                        } else {
                            "Export to folder:"
                        },
                        "Export",
                    ),
                };
                ui.heading(heading);
                if *purpose != PathPurpose::Open {
                    ui.weak("No file dialog is available on this system, so type the path.");
                }
                let label = ui.label(prompt);
                let r = ui
                    .add(
                        egui::TextEdit::singleline(text)
                            .desired_width(440.0)
                            .hint_text("/path/to/file"),
                    )
                    .labelled_by(label.id);
                if !r.has_focus() && !r.lost_focus() {
                    r.request_focus();
                }
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    if (ui.button(action).clicked() || enter) && !text.trim().is_empty() {
                        let mut paths = split_paths(text);
                        let first = paths.first().cloned().unwrap_or_default();
                        commands.push(match purpose {
                            PathPurpose::Open => Command::OpenPaths(std::mem::take(&mut paths)),
                            PathPurpose::Compare => {
                                Command::ComparePaths(std::mem::take(&mut paths))
                            }
                            PathPurpose::Import => {
                                Command::ImportPaths(std::mem::take(&mut paths))
                            }
                            PathPurpose::SaveSession => Command::SaveTo(first),
                            PathPurpose::Export(format) => Command::ExportTo(*format, first),
                        });
                        keep = false;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Annotator(name) => {
                ui.heading("Annotator name");
                let label = ui.label(
                    "Your name, saved with this session (and any session that names nobody); agreement reports and curation use it:",
                );
                let r = ui
                    .add(egui::TextEdit::singleline(name).desired_width(300.0))
                    .labelled_by(label.id);
                if !r.has_focus() && !r.lost_focus() {
                    r.request_focus();
                }
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() || enter {
                        commands.push(Command::SetAnnotator(name.clone()));
                        keep = false;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Export(format) => {
                ui.heading("Export");
                ui.label("Format (offsets are Unicode code points unless a field says otherwise):");
                for f in ExportFormat::ALL {
                    ui.radio_value(format, f, f.title());
                }
                ui.horizontal(|ui| {
                    if ui.button("Export…").clicked() {
                        commands.push(Command::ExportAs(*format));
                        keep = false;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Restore(found) => {
                ui.heading("Restore unsaved changes?");
                ui.label(format!(
                    "Restore {} unsaved change(s) to {}? Gloss kept them in its edit journal when it last stopped without saving.",
                    found.steps,
                    found.session_name()
                ));
                ui.add_space(8.0);
                recover_buttons_ui(ui, "Restore", commands);
            }
            Dialog::SourceChanged(changes) => {
                ui.heading("Article files changed on disk");
                ui.label(
                    "These articles' files differ from the text stored in the session. Gloss keeps the stored text unless you choose to re-anchor the annotations to the files' text:",
                );
                egui::ScrollArea::vertical().max_height(240.0).show(ui, |ui| {
                    for c in changes.iter() {
                        let total = c.before.annotations.len();
                        ui.add_space(4.0);
                        ui.strong(&c.before.article.title);
                        ui.weak(&c.before.article.source);
                        ui.label(format!(
                            "{} annotation(s) stay, {} move, {} become orphans (kept and listed, never dropped).",
                            total.saturating_sub(c.moved + c.orphans.len()),
                            c.moved,
                            c.orphans.len()
                        ));
                        for quote in c.orphans.iter().take(5) {
                            ui.weak(format!("orphan: {}", super::quoted(quote, 60)));
                        }
                    }
                });
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Re-anchor to the new text").clicked() {
                        commands.push(Command::ApplySourceChanges(true));
                    }
                    if ui.button("Keep the stored text").clicked() {
                        commands.push(Command::ApplySourceChanges(false));
                    }
                });
            }
            Dialog::RestoreChanged(found) => {
                ui.heading("The session file changed");
                ui.label(format!(
                    "{} changed on disk since these {} unsaved change(s) were made (it was saved elsewhere). Replaying them onto it blindly could put them in the wrong place. You can open them as a separate copy of the file as it is now; changes that no longer fit are left out and counted.",
                    found.session_name(),
                    found.steps
                ));
                ui.add_space(8.0);
                recover_buttons_ui(ui, "Open as a separate copy", commands);
            }
        }
    });
    if response.should_close() {
        match dialog {
            Dialog::Unsaved(_) => commands.push(Command::Unsaved(UnsavedAnswer::Cancel)),
            Dialog::Restore(_) | Dialog::RestoreChanged(_) => {
                commands.push(Command::Recover(RecoverAnswer::Later));
            }
            Dialog::SourceChanged(_) => commands.push(Command::ApplySourceChanges(false)),
            Dialog::Path(..) | Dialog::Export(_) | Dialog::Annotator(_) => keep = false,
        }
    }
    keep
}

/// Restore (also Enter), Discard, Later (also Esc).
fn recover_buttons_ui(ui: &mut Ui, restore: &str, commands: &mut Vec<Command>) {
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.horizontal(|ui| {
        if ui.button(restore).clicked() || enter {
            commands.push(Command::Recover(RecoverAnswer::Restore));
        }
        if ui.button("Discard changes").clicked() {
            commands.push(Command::Recover(RecoverAnswer::Discard));
        }
        if ui.button("Later").clicked() {
            commands.push(Command::Recover(RecoverAnswer::Later));
        }
    });
    ui.weak("Enter restores; Esc asks again at the next start.");
}

/// Paths typed in the prompt: one per line, or one with spaces.
fn split_paths(text: &str) -> Vec<std::path::PathBuf> {
    text.split(['\n', ';'])
        .map(|l| l.trim().trim_matches('"').trim_matches('\''))
        .filter(|l| !l.is_empty())
        .map(std::path::PathBuf::from)
        .collect()
}

/// Messages at the bottom right; errors have a close button.
pub fn messages_ui(ctx: &egui::Context, messages: &mut Vec<Message>, now: f64) {
    messages.retain(|m| m.error || now - m.shown_at < NOTE_SECONDS);
    if messages.is_empty() {
        return;
    }
    let mut dismiss = None;
    egui::Area::new(Id::unique("gloss-messages"))
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_max_width(520.0);
            for (i, m) in messages.iter().enumerate().rev().take(5) {
                let fill = if m.error {
                    egui::Color32::from_rgb(120, 30, 36)
                } else {
                    ui.visuals().extreme_bg_color
                };
                egui::Frame::popup(ui.style()).fill(fill).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let text = egui::RichText::new(&m.text);
                        let text = if m.error {
                            text.color(egui::Color32::WHITE)
                        } else {
                            text
                        };
                        ui.add(egui::Label::new(text).wrap());
                        if m.error && ui.small_button("Dismiss").clicked() {
                            dismiss = Some(i);
                        }
                    });
                });
            }
        });
    if let Some(i) = dismiss {
        messages.remove(i);
    }
    if messages.iter().any(|m| !m.error) {
        ctx.request_repaint_after(std::time::Duration::from_millis(500));
    }
}
