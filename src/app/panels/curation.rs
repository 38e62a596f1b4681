//! The curation panel: the annotators (their lane colours and keys), the agreement
//! figures, the disagreements of the article, and the versions of the selected one.

use egui::{RichText, Ui};

use super::{quoted, shorten};
use crate::app::command::Command;
use crate::app::curation::{Figures, annotator_color};
use crate::model::curation::Item;
use crate::model::{Document, Label};

/// What the panel shows.
pub struct CurationView<'a> {
    /// Annotator names.
    pub names: &'a [String],
    /// The article's items (agreed and not).
    pub items: &'a [Item],
    /// The selected item.
    pub current: Option<usize>,
    /// The curated (open) document.
    pub curated: &'a Document,
    /// Agreement figures.
    pub figures: &'a Figures,
    /// The session's labels, for names.
    pub labels: &'a [Label],
}

fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}

/// Show the panel.
pub fn curation_ui(ui: &mut Ui, view: &CurationView<'_>, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading("Curation");
        if ui.small_button("Stop comparing").clicked() {
            commands.push(Command::CloseComparison);
        }
    });
    ui.horizontal_wrapped(|ui| {
        for (n, name) in view.names.iter().enumerate() {
            ui.label(RichText::new(format!("{name} (Alt+{})", n + 1)).color(annotator_color(n)));
        }
    });
    ui.label(format!(
        "αU with the curated version: this article {}, dataset {}",
        figure(view.figures.article),
        figure(view.figures.dataset)
    ));
    let disagreements: Vec<usize> = view
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.agreed())
        .map(|(n, _)| n)
        .collect();
    let agreed = view.items.len() - disagreements.len();
    ui.horizontal(|ui| {
        ui.label(format!(
            "{} disagreement(s), {agreed} agreed group(s)",
            disagreements.len()
        ));
        if ui
            .button("Accept all agreed")
            .on_hover_text("Ctrl+Shift+A")
            .clicked()
        {
            commands.push(Command::AcceptAgreed);
        }
    });
    let label_name = |id: &str| {
        view.labels
            .iter()
            .find(|l| l.id == id)
            .map_or_else(|| id.to_owned(), |l| l.name.clone())
    };
    egui::ScrollArea::vertical()
        .id_salt("disagreements")
        .max_height(160.0)
        .show(ui, |ui| {
            for &n in &disagreements {
                let item = &view.items[n];
                let matching = item.matching(view.curated);
                let status = match matching.first() {
                    Some(&k) => view.names.get(k).cloned().unwrap_or_default(),
                    None => "open".to_owned(),
                };
                let quote = item
                    .versions
                    .iter()
                    .flatten()
                    .next()
                    .map(|a| shorten(&a.text, 40))
                    .unwrap_or_default();
                let text = format!(
                    "{}–{}  “{quote}”  [{status}]",
                    item.range.start, item.range.end
                );
                let selected = view.current == Some(n);
                if ui.selectable_label(selected, text).clicked() {
                    commands.push(Command::SelectDisagreement(n));
                }
            }
        });
    let Some(item) = view.current.and_then(|n| view.items.get(n)) else {
        ui.weak("F8 / Shift+F8: next / previous disagreement.");
        return;
    };
    ui.separator();
    let matching = item.matching(view.curated);
    for (k, version) in item.versions.iter().enumerate() {
        let name = view.names.get(k).cloned().unwrap_or_default();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(name.clone())
                    .color(annotator_color(k))
                    .strong(),
            );
            if matching.contains(&k) {
                ui.weak("(curated)");
            } else if ui.small_button(format!("Accept (Alt+{})", k + 1)).clicked() {
                commands.push(Command::AcceptVersion(k));
            }
        });
        if version.is_empty() {
            ui.weak("    no span");
        }
        for a in version {
            let mut line = format!("    {}: {}", label_name(&a.label), quoted(&a.text, 60));
            for (key, value) in a.attributes.iter().filter(|(_, v)| !v.is_empty()) {
                line.push_str(&format!(" · {key}: {value}"));
            }
            ui.label(line);
        }
    }
    if ui
        .button("Reject: no span here")
        .on_hover_text("Alt+Backspace")
        .clicked()
    {
        commands.push(Command::RejectDisagreement);
    }
}
