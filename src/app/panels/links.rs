//! The selected annotation's relations, under its editor: type and direction, the other
//! end (label, quote, article), a button to go there and one to delete; the note and
//! attributes of each relation; and the button that starts a new link.

use egui::{Color32, RichText, Ui};

use super::{quoted, shorten};
use crate::app::command::Command;
use crate::app::relations::{LinkRow, RelationCommand};
use crate::model::Session;

/// The relations section.
pub fn links_ui(
    ui: &mut Ui,
    rows: &[LinkRow],
    session: &Session,
    current_article: &str,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.strong(format!("Links ({})", rows.len()));
        if ui
            .small_button("Link to…")
            .on_hover_text("Link this annotation to another (R)")
            .clicked()
        {
            commands.push(Command::StartLink);
        }
    });
    if rows.is_empty() {
        ui.weak("None yet. Press R to link this annotation to another, in any article.");
        return;
    }
    for row in rows {
        let relation = &row.relation;
        let kind = session.relation_type(&relation.kind);
        let color = kind.map_or(Color32::GRAY, |t| {
            let [r, g, b] = t.color.0;
            Color32::from_rgb(r, g, b)
        });
        let name = kind.map_or(relation.kind.as_str(), |t| t.name.as_str());
        let direction = if row.outgoing { "to" } else { "from" };
        let label = session
            .label(&row.label)
            .map_or(row.label.as_str(), |l| l.name.as_str());
        let place = if row.article == current_article {
            String::new()
        } else {
            format!(" · in {}", shorten(&row.article_title, 28))
        };
        let orphan = if row.span.is_none() { " (orphan)" } else { "" };
        let summary = format!(
            "{name} {direction} {label} {}{orphan}{place}",
            quoted(&row.text, 40)
        );
        // Buttons first, from the right, so a long summary is cut rather than widening
        // the panel.
        let size = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
        ui.allocate_ui_with_layout(
            size,
            egui::Layout::right_to_left(egui::Align::Center),
            |ui| {
                if ui
                    .small_button("Delete")
                    .on_hover_text(format!("Delete this {name} link"))
                    .clicked()
                {
                    commands.push(Command::Relation(RelationCommand::Delete(relation.id)));
                }
                if ui
                    .small_button("Go")
                    .on_hover_text("Show the other end")
                    .clicked()
                {
                    commands.push(Command::Relation(RelationCommand::Show(row.other)));
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    let text =
                        ui.add(egui::Label::new(RichText::new(&summary).color(color)).truncate());
                    text.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::ListItem, true, &summary)
                    });
                });
            },
        );
        ui.indent(("link", relation.id), |ui| {
            for spec in kind.map(|t| t.attributes.as_slice()).unwrap_or_default() {
                let value = relation
                    .attributes
                    .get(&spec.key)
                    .cloned()
                    .unwrap_or_default();
                ui.horizontal(|ui| {
                    let key_label = ui.weak(&spec.key);
                    if let Some(new) = super::attribute_value_ui(
                        ui,
                        spec,
                        &value,
                        ("link", relation.id),
                        key_label.id,
                        160.0,
                    ) {
                        commands.push(Command::Relation(RelationCommand::SetAttribute(
                            relation.id,
                            spec.key.clone(),
                            new,
                        )));
                    }
                });
            }
            let mut note = relation.note.clone();
            let r = ui.add(
                egui::TextEdit::singleline(&mut note)
                    .id_salt(("link-note", relation.id))
                    .hint_text("note on this link")
                    .desired_width(f32::INFINITY),
            );
            let note_label = format!("Note on the {name} link");
            r.widget_info(|| egui::WidgetInfo::text_edit(true, "", &note, &note_label));
            if r.changed() {
                commands.push(Command::Relation(RelationCommand::SetNote(
                    relation.id,
                    note,
                )));
            }
        });
    }
}
