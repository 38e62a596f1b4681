//! The editor for the selected annotation: label, note, attributes, edges, delete.
//! Every change is pushed as a command and goes through the session's history.

use egui::Ui;

use super::{label_color, quoted};
use crate::app::command::Command;
use crate::model::{Annotation, Label};

/// State of the editor's "add attribute" row.
#[derive(Debug, Default)]
pub struct EditorState {
    /// Key typed for a new attribute.
    pub new_key: String,
}

/// The editor. `focus_note` moves the keyboard into the note field (after annotating).
pub fn editor_ui(
    ui: &mut Ui,
    annotation: &Annotation,
    labels: &[Label],
    focus_note: &mut bool,
    state: &mut EditorState,
    commands: &mut Vec<Command>,
) {
    let id = annotation.id;
    let current = labels.iter().find(|l| l.id == annotation.label);
    ui.horizontal(|ui| {
        let label = ui.label("Label:");
        let shown = current.map_or(annotation.label.as_str(), |l| l.name.as_str());
        egui::ComboBox::from_id_salt(("relabel", id))
            .selected_text(
                egui::RichText::new(shown)
                    .color(current.map_or(ui.visuals().text_color(), label_color)),
            )
            .show_ui(ui, |ui| {
                for l in labels {
                    if ui
                        .selectable_label(
                            l.id == annotation.label,
                            egui::RichText::new(&l.name).color(label_color(l)),
                        )
                        .clicked()
                        && l.id != annotation.label
                    {
                        commands.push(Command::Relabel(id, l.id.clone()));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if ui
            .button("Delete")
            .on_hover_text("Delete this annotation (Del)")
            .clicked()
        {
            commands.push(Command::DeleteAnnotation);
        }
    });
    if annotation.orphan {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Orphan: the article changed and this quote could not be found again.",
        );
    }
    ui.label(egui::RichText::new(quoted(&annotation.text, 240)).italics());
    ui.horizontal(|ui| {
        ui.weak(format!(
            "chars {}–{} ({} chars)",
            annotation.start,
            annotation.end,
            annotation.end.saturating_sub(annotation.start)
        ));
        let edge = |ui: &mut Ui,
                    text: &str,
                    hover: &str,
                    command: Command,
                    commands: &mut Vec<Command>| {
            if ui.small_button(text).on_hover_text(hover).clicked() {
                commands.push(command);
            }
        };
        edge(
            ui,
            "< start",
            "Grow start (Alt+Shift+←)",
            Command::GrowStart,
            commands,
        );
        edge(
            ui,
            "start >",
            "Shrink start (Alt+Shift+→)",
            Command::ShrinkStart,
            commands,
        );
        edge(
            ui,
            "< end",
            "Shrink end (Alt+←)",
            Command::ShrinkEnd,
            commands,
        );
        edge(ui, "end >", "Grow end (Alt+→)", Command::GrowEnd, commands);
    });
    ui.separator();
    let note_label = ui.label("Note:");
    let mut note = annotation.note.clone();
    let response = ui
        .add(
            egui::TextEdit::multiline(&mut note)
                .id_salt(("note", id))
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("Type a note…"),
        )
        .labelled_by(note_label.id);
    if *focus_note {
        response.request_focus();
        *focus_note = false;
    }
    if response.changed() {
        commands.push(Command::SetNote(id, note));
    }
    ui.separator();
    ui.label("Attributes:");
    let specs = current.map(|l| l.attributes.as_slice()).unwrap_or_default();
    // Values take the panel's width (a speaker's full name, a source's title), less the
    // key column and the remove button.
    let field_width = (ui.available_width() - 160.0).max(160.0);
    egui::Grid::new(("attributes", id))
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for spec in specs {
                let key_label = ui.label(&spec.key);
                let value = annotation
                    .attributes
                    .get(&spec.key)
                    .cloned()
                    .unwrap_or_default();
                if let Some(new) =
                    super::attribute_value_ui(ui, spec, &value, id, key_label.id, field_width)
                {
                    commands.push(Command::SetAttribute(id, spec.key.clone(), new));
                }
                ui.label("");
                ui.end_row();
            }
            for (key, value) in &annotation.attributes {
                if specs.iter().any(|s| s.key == *key) {
                    continue;
                }
                let key_label = ui.label(key);
                let mut edited = value.clone();
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut edited)
                            .desired_width(field_width)
                            .id_salt(("attr", id, key)),
                    )
                    .labelled_by(key_label.id);
                if r.changed() {
                    commands.push(Command::SetAttribute(id, key.clone(), edited));
                }
                if ui
                    .small_button("Remove")
                    .on_hover_text(format!("Remove {key}"))
                    .clicked()
                {
                    commands.push(Command::RemoveAttribute(id, key.clone()));
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        let label = ui.label("New attribute:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.new_key)
                    .hint_text("key")
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let key = state.new_key.trim().to_owned();
        if (ui.button("Add").clicked() || enter) && !key.is_empty() {
            if !annotation.attributes.contains_key(&key) {
                commands.push(Command::SetAttribute(id, key, String::new()));
            }
            state.new_key.clear();
        }
    });
}
