//! File dialogs behind a trait, so tests inject answers and never open a dialog.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::formats::{ARTICLE_EXTENSIONS, SESSION_EXTENSION};

/// Extensions of files `Import…` offers.
const IMPORT_EXTENSIONS: [&str; 4] = ["json", "jsonl", "jsonld", "ann"];

/// What an open dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenKind {
    /// Articles or a session.
    Any,
    /// Article files.
    Articles,
    /// A session file.
    Session,
    /// Annotated datasets to import (JSON, JSONL, Label Studio, W3C, brat `.ann`).
    Import,
    /// A brat folder to import.
    ImportFolder,
    /// Other annotators' sessions to compare with.
    Compare,
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

    /// A picker to run on a thread of its own, for dialogs that block while open (the
    /// app keeps painting meanwhile). `None`: call this one directly.
    fn background(&self) -> Option<Box<dyn FilePicker + Send>> {
        None
    }
}

/// Native dialogs through rfd (XDG portal or zenity on Linux).
#[derive(Debug, Default)]
pub struct NativePicker;

impl FilePicker for NativePicker {
    fn background(&self) -> Option<Box<dyn FilePicker + Send>> {
        Some(Box::new(Self))
    }

    fn open(&mut self, kind: OpenKind) -> Vec<PathBuf> {
        match kind {
            OpenKind::ImportFolder => {
                return rfd::FileDialog::new()
                    .set_title("Import brat folder")
                    .pick_folder()
                    .into_iter()
                    .collect();
            }
            OpenKind::Compare => {
                return rfd::FileDialog::new()
                    .set_title("Compare with other annotators' sessions")
                    .add_filter("Gloss sessions", &[SESSION_EXTENSION])
                    .pick_files()
                    .unwrap_or_default();
            }
            OpenKind::Import => {
                return rfd::FileDialog::new()
                    .set_title("Import")
                    .add_filter("Annotated datasets", &IMPORT_EXTENSIONS)
                    .add_filter("All files", &["*"])
                    .pick_files()
                    .unwrap_or_default();
            }
            _ => {}
        }
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

/// A picker that answers from queues (for tests and scripted runs). Clones share the
/// queues, so a test keeps one clone and feeds answers while the app holds the other.
#[derive(Clone, Debug, Default)]
pub struct ScriptedPicker {
    opens: Arc<Mutex<VecDeque<Vec<PathBuf>>>>,
    saves: Arc<Mutex<VecDeque<Option<PathBuf>>>>,
}

impl ScriptedPicker {
    /// The next `open` answers these paths.
    pub fn push_open(&self, paths: Vec<PathBuf>) {
        if let Ok(mut q) = self.opens.lock() {
            q.push_back(paths);
        }
    }

    /// The next `save` answers this path (`None`: cancelled).
    pub fn push_save(&self, path: Option<PathBuf>) {
        if let Ok(mut q) = self.saves.lock() {
            q.push_back(path);
        }
    }
}

impl FilePicker for ScriptedPicker {
    fn open(&mut self, _kind: OpenKind) -> Vec<PathBuf> {
        self.opens
            .lock()
            .ok()
            .and_then(|mut q| q.pop_front())
            .unwrap_or_default()
    }

    fn save(&mut self, _kind: SaveKind, _suggested: &str) -> Option<PathBuf> {
        self.saves
            .lock()
            .ok()
            .and_then(|mut q| q.pop_front())
            .flatten()
    }
}
