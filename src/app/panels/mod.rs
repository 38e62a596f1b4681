//! One file per panel. Panels read the session and push [`super::command::Command`]s;
//! they only change their own view state.

pub mod articles;
pub mod curation;
pub mod dialogs;
pub mod editor;
pub mod find;
pub mod header;
pub mod labels;
pub mod links;
pub mod list;
pub mod palette;
pub mod review;
pub mod search;
pub mod start;
pub mod suggestions;
pub mod toolbar;

/// In a wrapping row, start a new row unless `width` points are left on this one (a
/// button given less wraps its text one letter per line instead of moving down).
pub fn next_row_unless_fits(ui: &mut egui::Ui, width: f32) {
    if ui.available_size_before_wrap().x < width {
        ui.end_row();
    }
}

/// A label's colour for egui.
pub fn label_color(label: &crate::model::Label) -> egui::Color32 {
    let [r, g, b] = label.color.0;
    egui::Color32::from_rgb(r, g, b)
}

/// At most `max` chars of `s` on one line, with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(max).collect();
    if one_line.chars().count() > max {
        out.push('…');
    }
    out
}

/// At most `max` chars of `s` between quotation marks, unless it brings its own (a
/// quote annotated with its marks is not shown as `““…””`).
pub fn quoted(s: &str, max: usize) -> String {
    let short = shorten(s, max);
    if short.starts_with(['“', '"', '«', '»', '„', '‘', '\'', '「']) {
        short
    } else {
        format!("“{short}”")
    }
}

/// The value of an attribute with a spec: a choice box when the spec lists choices, a
/// text field otherwise. Returns the new value when the person changed it. `salt` tells
/// the widgets of different owners apart; `label` names them for accessibility.
pub fn attribute_value_ui(
    ui: &mut egui::Ui,
    spec: &crate::model::AttributeSpec,
    value: &str,
    salt: impl std::hash::Hash + std::fmt::Debug + Copy,
    label: egui::Id,
    width: f32,
) -> Option<String> {
    if spec.choices.is_empty() {
        let mut edited = value.to_owned();
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut edited)
                    .desired_width(width)
                    .id_salt(("attr", salt, &spec.key)),
            )
            .labelled_by(label);
        return r.changed().then_some(edited);
    }
    let mut picked = None;
    egui::ComboBox::from_id_salt(("choice", salt, &spec.key))
        .selected_text(if value.is_empty() { "—" } else { value })
        .show_ui(ui, |ui| {
            for choice in &spec.choices {
                if ui.selectable_label(choice == value, choice).clicked() && choice != value {
                    picked = Some(choice.clone());
                }
            }
        })
        .response
        .labelled_by(label);
    picked
}

#[cfg(test)]
mod quoted_tests {
    use super::quoted;

    #[test]
    fn a_text_is_quoted_once() {
        assert_eq!(quoted("the new bridge", 60), "“the new bridge”");
        assert_eq!(
            quoted("“We are ready,” she said", 60),
            "“We are ready,” she said"
        );
        assert_eq!(quoted("\"Ready\"", 60), "\"Ready\"");
        assert_eq!(quoted("a long\nline of text", 6), "“a long…”");
    }
}
