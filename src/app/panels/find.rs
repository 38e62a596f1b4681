//! The find bar (Ctrl+F): matches highlighted in the reader, Enter / Shift+Enter to step,
//! and "annotate all matches as …".

use std::ops::Range;

use egui::{Key, Ui};

use crate::app::command::Command;
use crate::model::{Label, Text};

/// Most matches kept (the count says when there are more).
pub const MAX_MATCHES: usize = 20_000;

/// The find bar's state.
#[derive(Debug, Default)]
pub struct FindState {
    /// Shown.
    pub open: bool,
    /// What to look for.
    pub query: String,
    /// Match case.
    pub case_sensitive: bool,
    /// Matches in the current article, char ranges in text order.
    pub matches: Vec<Range<usize>>,
    /// The current match.
    pub current: Option<usize>,
    /// More matches exist than were kept.
    pub truncated: bool,
    /// Focus the query field on the next frame.
    pub focus: bool,
    computed_for: Option<(String, String, bool)>,
}

impl FindState {
    /// Forget the matches (the article or its text changed).
    pub fn invalidate(&mut self) {
        self.computed_for = None;
        self.matches.clear();
        self.current = None;
    }

    /// Recompute matches if the query, options or article changed.
    pub fn refresh(&mut self, article_id: &str, text: &Text) {
        let key = (
            article_id.to_owned(),
            self.query.clone(),
            self.case_sensitive,
        );
        if !self.open || self.computed_for.as_ref() == Some(&key) {
            return;
        }
        let (matches, truncated) = find_all(text, &self.query, self.case_sensitive);
        self.matches = matches;
        self.truncated = truncated;
        self.current = None;
        self.computed_for = Some(key);
    }
}

/// Every occurrence of `query` in `text`, as char ranges (case-insensitive by simple
/// per-char lowercase unless `case_sensitive`). The bool says the list was cut.
pub fn find_all(text: &Text, query: &str, case_sensitive: bool) -> (Vec<Range<usize>>, bool) {
    let norm = |c: char| if case_sensitive { c } else { fold(c) };
    let query: Vec<char> = query.chars().map(norm).collect();
    let Some(&first) = query.first() else {
        return (Vec::new(), false);
    };
    // Walk the text once, in place (a book is megabytes: no copy per keystroke).
    let hay = text.as_str();
    let mut matches = Vec::new();
    let mut skip_until = 0usize;
    for (char_idx, (byte, c)) in hay.char_indices().enumerate() {
        if char_idx < skip_until || norm(c) != first {
            continue;
        }
        let rest = hay.get(byte..).unwrap_or_default().chars().map(norm);
        if rest.take(query.len()).eq(query.iter().copied()) {
            if matches.len() == MAX_MATCHES {
                return (matches, true);
            }
            matches.push(char_idx..char_idx + query.len());
            skip_until = char_idx + query.len();
        }
    }
    (matches, false)
}

fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// The find bar.
pub fn find_ui(ui: &mut Ui, state: &mut FindState, labels: &[Label], commands: &mut Vec<Command>) {
    // Wrapped, so a narrow window never pushes the reader under the side panel.
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Find:");
        let response = ui.add(
            egui::TextEdit::singleline(&mut state.query)
                .hint_text("text in this article")
                .desired_width(220.0),
        );
        let response = response.labelled_by(label.id);
        if state.focus {
            // Like a browser: Ctrl+F selects the old query, so typing replaces it.
            let mut edit_state =
                egui::text_edit::TextEditState::load(ui.ctx(), response.id).unwrap_or_default();
            edit_state.cursor.set_char_range(Some(
                egui::text_selection::CCursorRange::select_all_str(&state.query),
            ));
            edit_state.store(ui.ctx(), response.id);
            response.request_focus();
            state.focus = false;
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let back = ui.input(|i| i.modifiers.shift);
            commands.push(if back {
                Command::FindPrevious
            } else {
                Command::FindNext
            });
            response.request_focus();
        }
        ui.checkbox(&mut state.case_sensitive, "Match case");
        let count = match (state.matches.len(), state.current) {
            (0, _) if state.query.is_empty() => String::new(),
            (0, _) => "no matches".to_owned(),
            (n, Some(i)) => format!("{} of {n}{}", i + 1, if state.truncated { "+" } else { "" }),
            (n, None) => format!("{n}{} matches", if state.truncated { "+" } else { "" }),
        };
        ui.label(count);
        if ui
            .button("Previous")
            .on_hover_text("Previous match (Shift+Enter)")
            .clicked()
        {
            commands.push(Command::FindPrevious);
        }
        if ui
            .button("Next")
            .on_hover_text("Next match (Enter)")
            .clicked()
        {
            commands.push(Command::FindNext);
        }
        // A button that does not fit goes to the next row (in a wrapping row it would
        // wrap its text into the row's last sliver, one letter per line).
        super::next_row_unless_fits(ui, 200.0);
        ui.add_enabled_ui(!state.matches.is_empty(), |ui| {
            ui.menu_button("Annotate all matches as…", |ui| {
                for label in labels {
                    if ui.button(&label.name).clicked() {
                        commands.push(Command::AnnotateMatches(label.id.clone()));
                        ui.close();
                    }
                }
            });
        });
        super::next_row_unless_fits(ui, 60.0);
        if ui.button("Close").on_hover_text("Close (Esc)").clicked() {
            state.open = false;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_in_chars_case_insensitively() {
        let text = Text::new("Ça va? ÇA VA! ça");
        let (m, cut) = find_all(&text, "ça", false);
        assert_eq!(m, vec![0..2, 7..9, 14..16]);
        assert!(!cut);
        let (m, _) = find_all(&text, "ÇA", true);
        assert_eq!(m, vec![7..9]);
    }

    #[test]
    fn matches_do_not_overlap_and_count_chars_after_emoji() {
        let (m, _) = find_all(&Text::new("aaaaa"), "aa", true);
        assert_eq!(m, vec![0..2, 2..4]);
        let (m, _) = find_all(&Text::new("😀 tide, 😀 Tide"), "tide", false);
        assert_eq!(m, vec![2..6, 10..14]);
        let (m, _) = find_all(&Text::new("short"), "much longer query", false);
        assert!(m.is_empty());
    }
}
