//! File dialogs behind a trait, so tests inject answers and never open a dialog.

use std::path::PathBuf;

use crate::formats::{ARTICLE_EXTENSIONS, SESSION_EXTENSION};

/// What an open dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenKind {
    /// Articles or a session.
    Any,
    /// Article files.
    Articles,
    /// A session file.
    Session,
}

/// What a save dialog is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveKind {
    /// A session file.
    Session,
    /// An export file with this extension.
    Export(&'static str),
    /// A folder (brat export).
    Folder,
}

/// Asks the person for paths. `None`/empty means cancelled (or no dialog available).
pub trait FilePicker {
    /// Pick files to open.
    fn open(&mut self, kind: OpenKind) -> Vec<PathBuf>;
    /// Pick where to save; `suggested` is a file name.
    fn save(&mut self, kind: SaveKind, suggested: &str) -> Option<PathBuf>;
}

/// Native dialogs through rfd (XDG portal or zenity on Linux).
#[derive(Debug, Default)]
pub struct NativePicker;

impl FilePicker for NativePicker {
    fn open(&mut self, kind: OpenKind) -> Vec<PathBuf> {
        let mut dialog = rfd::FileDialog::new().set_title("Open");
        if matches!(kind, OpenKind::Any | OpenKind::Articles) {
            dialog = dialog.add_filter("Articles", &ARTICLE_EXTENSIONS);
        }
        if matches!(kind, OpenKind::Any | OpenKind::Session) {
            dialog = dialog.add_filter("Gloss sessions", &[SESSION_EXTENSION]);
        }
        if kind == OpenKind::Any {
            let mut all: Vec<&str> = ARTICLE_EXTENSIONS.to_vec();
            all.push(SESSION_EXTENSION);
            dialog = dialog.add_filter("Articles and sessions", &all);
        }
        match kind {
            OpenKind::Session => dialog.pick_file().into_iter().collect(),
            _ => dialog.pick_files().unwrap_or_default(),
        }
    }

    fn save(&mut self, kind: SaveKind, suggested: &str) -> Option<PathBuf> {
        match kind {
            SaveKind::Folder => rfd::FileDialog::new()
                .set_title("Export to folder")
                .pick_folder(),
            SaveKind::Session => rfd::FileDialog::new()
                .set_title("Save session")
                .add_filter("Gloss sessions", &[SESSION_EXTENSION])
                .set_file_name(suggested)
                .save_file(),
            SaveKind::Export(ext) => rfd::FileDialog::new()
                .set_title("Export")
                .add_filter(ext, &[ext])
                .set_file_name(suggested)
                .save_file(),
        }
    }
}

/// A picker that answers from queues (for tests and scripted runs).
#[derive(Debug, Default)]
pub struct ScriptedPicker {
    /// Answers to `open`, first first.
    pub opens: std::collections::VecDeque<Vec<PathBuf>>,
    /// Answers to `save`, first first.
    pub saves: std::collections::VecDeque<Option<PathBuf>>,
}

impl FilePicker for ScriptedPicker {
    fn open(&mut self, _kind: OpenKind) -> Vec<PathBuf> {
        self.opens.pop_front().unwrap_or_default()
    }

    fn save(&mut self, _kind: SaveKind, _suggested: &str) -> Option<PathBuf> {
        self.saves.pop_front().flatten()
    }
}
