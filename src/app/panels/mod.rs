//! One file per panel. Panels read the session and push [`super::command::Command`]s;
//! they only change their own view state.

pub mod articles;
pub mod dialogs;
pub mod editor;
pub mod find;
pub mod labels;
pub mod links;
pub mod list;
pub mod palette;
pub mod start;
pub mod toolbar;

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
