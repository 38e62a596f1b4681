//! The label editor: add, rename, recolour, set the hotkey, remove (asking first when
//! annotations use the label).

use egui::Ui;

use crate::app::command::Command;
use crate::app::relations::RelationCommand;
use crate::model::{Label, Rgb, Session};

/// State of the label editor window.
#[derive(Debug, Default)]
pub struct LabelEditorState {
    /// Window shown.
    pub open: bool,
    /// Name typed for a new label.
    pub new_name: String,
    /// Label waiting for "really remove?" (id, annotations using it).
    pub confirm_remove: Option<(String, usize)>,
    /// Name typed for a new relation type.
    pub new_type_name: String,
    /// Relation type waiting for "really remove?" (id, relations using it).
    pub confirm_remove_type: Option<(String, usize)>,
}

/// The window contents.
pub fn labels_ui(
    ui: &mut Ui,
    state: &mut LabelEditorState,
    session: &Session,
    commands: &mut Vec<Command>,
) {
    egui::Grid::new("labels-grid")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            ui.strong("Name");
            ui.strong("Colour");
            ui.strong("Key");
            ui.strong("In use");
            ui.strong("");
            ui.end_row();
            for (n, label) in session.labels.iter().enumerate() {
                let mut edited = label.clone();
                ui.horizontal(|ui| {
                    let number = ui.label(format!("{}.", n + 1));
                    ui.add_sized(
                        [150.0, 20.0],
                        egui::TextEdit::singleline(&mut edited.name)
                            .id_salt(("label-name", &label.id)),
                    )
                    .labelled_by(number.id);
                });
                let mut rgb = edited.color.0;
                let colour = ui.color_edit_button_srgb(&mut rgb);
                let colour_label = format!("Colour of {}", label.name);
                colour.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ColorWell, true, &colour_label)
                });
                edited.color = Rgb(rgb);
                let mut key = edited.hotkey.map(String::from).unwrap_or_default();
                let key_label = format!("Hotkey of {}", label.name);
                let r = ui.add(
                    egui::TextEdit::singleline(&mut key)
                        .id_salt(("label-key", &label.id))
                        .desired_width(24.0)
                        .char_limit(1),
                );
                r.widget_info(|| egui::WidgetInfo::text_edit(true, "", &key, &key_label));
                // R starts a link, so it is not offered to labels.
                edited.hotkey = key
                    .chars()
                    .next()
                    .filter(char::is_ascii_alphabetic)
                    .map(|c| c.to_ascii_uppercase())
                    .filter(|&c| c != 'R');
                let used: usize = session
                    .documents
                    .iter()
                    .map(|d| d.count_label(&label.id))
                    .sum();
                ui.label(used.to_string());
                if ui.button("Remove").clicked() {
                    if used > 0 {
                        state.confirm_remove = Some((label.id.clone(), used));
                    } else {
                        commands.push(Command::RemoveLabel(label.id.clone()));
                    }
                }
                ui.end_row();
                if edited != *label && !edited.name.trim().is_empty() {
                    commands.push(Command::UpdateLabel(edited));
                }
            }
        });
    ui.separator();
    ui.horizontal(|ui| {
        let label = ui.label("New label:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.new_name)
                    .hint_text("name")
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let name = state.new_name.trim().to_owned();
        if (ui.button("Add label").clicked() || enter) && !name.is_empty() {
            commands.push(Command::AddLabel(session.new_label(&name)));
            state.new_name.clear();
        }
    });
    ui.weak("Labels 1–9 also answer to the number keys, in this order. R is kept for linking.");
    ui.add_space(8.0);
    ui.heading("Relation types");
    relation_types_ui(ui, state, session, commands);
}

/// Labels a relation type allows at one end, as a menu of checkboxes ("any" when none).
fn label_set_ui(ui: &mut Ui, id: (&str, &str), labels: &[Label], allowed: &mut Vec<String>) {
    let shown = if allowed.is_empty() {
        "any".to_owned()
    } else {
        allowed.join(", ")
    };
    let (end, kind) = id;
    let name = format!(
        "{} labels of relation type {kind}",
        if end == "type-from" {
            "Source"
        } else {
            "Target"
        }
    );
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(110.0)
        .show_ui(ui, |ui| {
            for label in labels {
                let mut on = allowed.contains(&label.id);
                if ui.checkbox(&mut on, &label.name).changed() {
                    if on {
                        allowed.push(label.id.clone());
                    } else {
                        allowed.retain(|l| *l != label.id);
                    }
                }
            }
        })
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &name));
}

/// The relation types: name, colour, key (1–9), the labels each end may have, use.
fn relation_types_ui(
    ui: &mut Ui,
    state: &mut LabelEditorState,
    session: &Session,
    commands: &mut Vec<Command>,
) {
    egui::Grid::new("relation-types-grid")
        .num_columns(8)
        .striped(true)
        .show(ui, |ui| {
            for heading in [
                "Name",
                "Colour",
                "Key",
                "From",
                "To",
                "Same label",
                "In use",
                "",
            ] {
                ui.strong(heading);
            }
            ui.end_row();
            for kind in &session.relation_types {
                let mut edited = kind.clone();
                let name = ui.add_sized(
                    [120.0, 20.0],
                    egui::TextEdit::singleline(&mut edited.name).id_salt(("type-name", &kind.id)),
                );
                let name_label = format!("Name of relation type {}", kind.id);
                name.widget_info(|| {
                    egui::WidgetInfo::text_edit(true, "", &edited.name, &name_label)
                });
                let mut rgb = edited.color.0;
                let colour = ui.color_edit_button_srgb(&mut rgb);
                let colour_label = format!("Colour of relation type {}", kind.name);
                colour.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ColorWell, true, &colour_label)
                });
                edited.color = Rgb(rgb);
                let mut key = edited.hotkey.map(String::from).unwrap_or_default();
                let key_label = format!("Key of relation type {}", kind.name);
                let r = ui.add(
                    egui::TextEdit::singleline(&mut key)
                        .id_salt(("type-key", &kind.id))
                        .desired_width(24.0)
                        .char_limit(1),
                );
                r.widget_info(|| egui::WidgetInfo::text_edit(true, "", &key, &key_label));
                edited.hotkey = key.chars().next().filter(|c| ('1'..='9').contains(c));
                label_set_ui(
                    ui,
                    ("type-from", &kind.id),
                    &session.labels,
                    &mut edited.from_labels,
                );
                label_set_ui(
                    ui,
                    ("type-to", &kind.id),
                    &session.labels,
                    &mut edited.to_labels,
                );
                let same = ui
                    .checkbox(&mut edited.same_label, "")
                    .on_hover_text("Both ends must have the same label");
                let same_label = format!("Same label at both ends of {}", kind.name);
                same.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::CheckBox,
                        true,
                        edited.same_label,
                        &same_label,
                    )
                });
                let used = session.count_relation_type(&kind.id);
                ui.label(used.to_string());
                if ui.button("Remove").clicked() {
                    if used > 0 {
                        state.confirm_remove_type = Some((kind.id.clone(), used));
                    } else {
                        commands.push(Command::Relation(RelationCommand::RemoveType(
                            kind.id.clone(),
                        )));
                    }
                }
                ui.end_row();
                if edited != *kind && !edited.name.trim().is_empty() {
                    commands.push(Command::Relation(RelationCommand::UpdateType(edited)));
                }
            }
        });
    ui.horizontal(|ui| {
        let label = ui.label("New relation type:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.new_type_name)
                    .hint_text("name")
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let name = state.new_type_name.trim().to_owned();
        if (ui.button("Add type").clicked() || enter) && !name.is_empty() {
            commands.push(Command::Relation(RelationCommand::AddType(
                session.new_relation_type(&name),
            )));
            state.new_type_name.clear();
        }
    });
    ui.weak("While linking, a type's key (1–9) picks it. Empty From/To: any label.");
}
