//! The annotation list: the current article's annotations in text order, filtered by
//! label and text; a click scrolls the reader to the span and flashes it.

use std::collections::HashSet;

use egui::{Color32, Sense, Ui, vec2};

use super::{label_color, quoted, shorten};
use crate::app::command::Command;
use crate::app::relations::RelationCommand;
use crate::model::{AnnotationId, Document, Label, LabelCounts};

/// Filter state of the list.
#[derive(Debug, Default)]
pub struct ListState {
    /// Show only annotations whose quote, note or attributes contain this.
    pub text: String,
    /// Labels hidden from the list.
    pub hidden: HashSet<String>,
    /// Rows shown, cached by what they depend on (a long article has tens of thousands
    /// of annotations; filtering them every frame would cost every frame).
    rows: Option<(RowsKey, Vec<usize>)>,
}

#[derive(Debug, PartialEq)]
struct RowsKey {
    article: String,
    revision: u64,
    text: String,
    hidden: Vec<String>,
}

impl ListState {
    fn rows(&mut self, doc: &Document, revision: u64) -> &[usize] {
        let mut hidden: Vec<String> = self.hidden.iter().cloned().collect();
        hidden.sort();
        let key = RowsKey {
            article: doc.article.id.clone(),
            revision,
            text: self.text.clone(),
            hidden,
        };
        if self.rows.as_ref().is_none_or(|(k, _)| *k != key) {
            let needle = self.text.to_lowercase();
            let rows = doc
                .annotations
                .iter()
                .enumerate()
                .filter(|(_, a)| !self.hidden.contains(&a.label))
                .filter(|(_, a)| {
                    needle.is_empty()
                        || a.text.to_lowercase().contains(&needle)
                        || a.note.to_lowercase().contains(&needle)
                        || a.attributes
                            .values()
                            .any(|v| v.to_lowercase().contains(&needle))
                })
                .map(|(i, _)| i)
                .collect();
            self.rows = Some((key, rows));
        }
        self.rows.as_ref().map_or(&[], |(_, rows)| rows.as_slice())
    }
}

/// The article whose annotations the list shows.
pub struct Listed<'a> {
    /// The article and its annotations.
    pub doc: &'a Document,
    /// Its annotation counts per label.
    pub counts: Option<&'a LabelCounts>,
    /// The session's revision (the list's rows are cached by it).
    pub revision: u64,
    /// A link waits for its target: a click picks it.
    pub linking: bool,
}

/// The list with its filter.
pub fn list_ui(
    ui: &mut Ui,
    state: &mut ListState,
    listed: &Listed<'_>,
    labels: &[Label],
    selected: Option<AnnotationId>,
    commands: &mut Vec<Command>,
) {
    let Listed {
        doc,
        counts,
        revision,
        linking,
    } = *listed;
    ui.horizontal_wrapped(|ui| {
        for (n, label) in labels.iter().enumerate() {
            let shown = !state.hidden.contains(&label.id);
            let count = counts
                .and_then(|c| c.per_label.get(n).copied())
                .unwrap_or_default();
            let text = egui::RichText::new(format!("{} {count}", label.name));
            let chip = if shown {
                egui::Button::new(text.color(egui::Color32::BLACK)).fill(label_color(label))
            } else {
                egui::Button::new(text.strikethrough()).fill(egui::Color32::TRANSPARENT)
            };
            if ui
                .add(chip.corner_radius(10.0))
                .on_hover_text("Show or hide this label in the list")
                .clicked()
            {
                if shown {
                    state.hidden.insert(label.id.clone());
                } else {
                    state.hidden.remove(&label.id);
                }
            }
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Filter:");
        ui.add(
            egui::TextEdit::singleline(&mut state.text)
                .hint_text("quote, note or attribute")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    });
    let rows = state.rows(doc, revision);
    ui.label(format!(
        "{} of {} annotations",
        rows.len(),
        doc.annotations.len()
    ));
    ui.separator();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 8.0;
    egui::ScrollArea::vertical()
        .id_salt("annotation-list")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for &i in rows.get(range).unwrap_or_default() {
                let Some(a) = doc.annotations.get(i) else {
                    continue;
                };
                let label = labels.iter().find(|l| l.id == a.label);
                let color = label.map_or(Color32::GRAY, label_color);
                let is_selected = selected == Some(a.id);
                let (rect, response) = ui.allocate_exact_size(
                    vec2(ui.available_width(), row_height - 2.0),
                    Sense::click(),
                );
                let visuals = ui.style().interact_selectable(&response, is_selected);
                if is_selected || response.hovered() {
                    ui.painter().rect_filled(rect, 3.0, visuals.bg_fill);
                }
                ui.painter().rect_filled(
                    egui::Rect::from_min_size(rect.min, vec2(4.0, rect.height())),
                    1.0,
                    color,
                );
                let name = label.map_or(a.label.as_str(), |l| l.name.as_str());
                let first = if a.orphan {
                    format!("ORPHAN {name}: {}", quoted(&a.text, 60))
                } else {
                    format!("{name}: {}", quoted(&a.text, 60))
                };
                // A quote's speaker, a claim's status (every attribute with a value),
                // then the note.
                let mut parts: Vec<String> = a
                    .attributes
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}: {}", shorten(v, 30)))
                    .collect();
                if !a.note.is_empty() {
                    parts.push(shorten(&a.note, 40));
                }
                let second = shorten(&parts.join(" · "), 90);
                let text_pos = rect.min + vec2(10.0, 3.0);
                let font = egui::TextStyle::Body.resolve(ui.style());
                ui.painter().text(
                    text_pos,
                    egui::Align2::LEFT_TOP,
                    first.clone(),
                    font.clone(),
                    visuals.text_color(),
                );
                ui.painter().text(
                    text_pos + vec2(0.0, row_height / 2.0 - 3.0),
                    egui::Align2::LEFT_TOP,
                    second,
                    font,
                    ui.visuals().weak_text_color(),
                );
                response.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::ListItem, true, is_selected, &first)
                });
                if response.clicked() {
                    if linking {
                        commands.push(Command::Relation(RelationCommand::Target(a.id)));
                    } else {
                        commands.push(Command::JumpTo(a.id));
                    }
                }
            }
        });
}
