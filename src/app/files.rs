//! Files: opening articles and sessions, saving, exporting, file dialogs on their own
//! thread, the unsaved-changes prompt and recovery copies.

use std::path::{Path, PathBuf};

use super::command::UnsavedAnswer;
use super::state::{AfterPrompt, Dialog, GlossApp, PathPurpose, Pick};
use crate::formats::{self, ExportFormat, SESSION_EXTENSION};
use crate::model::Session;

impl GlossApp {
    /// Save settings and, with unsaved changes, a recovery copy (eframe calls this every
    /// 30 s and on exit).
    pub fn persist(&mut self, storage: Option<&mut dyn eframe::Storage>) {
        if let Some(storage) = storage {
            eframe::set_value(storage, super::state::STORAGE_KEY, &self.settings);
        }
        self.write_recovery();
    }

    /// Write the recovery copy now if there are unsaved changes.
    pub fn write_recovery(&mut self) {
        if !self.is_dirty() || self.recovery_revision == Some(self.revision) {
            return;
        }
        let Some(recovery) = &self.recovery else {
            return;
        };
        match recovery.write(&self.session, self.session_path.as_deref()) {
            Ok(()) => self.recovery_revision = Some(self.revision),
            Err(e) => log::error!("cannot write recovery copy: {e}"),
        }
    }

    /// Show a file dialog. Native dialogs run on their own thread, so the window keeps
    /// painting and keys typed meanwhile do not pile up as commands.
    pub(super) fn pick(&mut self, pick: Pick) {
        if self.pending_pick.is_some() {
            return;
        }
        if let Some(mut picker) = self.picker.background() {
            let (tx, rx) = std::sync::mpsc::channel();
            let asked = pick.clone();
            let spawned = std::thread::Builder::new()
                .name("file-dialog".to_owned())
                .spawn(move || {
                    let started = std::time::Instant::now();
                    let paths = asked.ask(picker.as_mut());
                    let _ = tx.send((paths, no_dialog(started)));
                });
            match spawned {
                Ok(_) => self.pending_pick = Some((pick, rx)),
                Err(e) => self.error(format!("Cannot show the file dialog: {e}")),
            }
            return;
        }
        let started = std::time::Instant::now();
        let paths = pick.ask(self.picker.as_mut());
        self.finish_pick(pick, paths, no_dialog(started));
    }

    /// True while a file dialog is open.
    pub fn is_picking(&self) -> bool {
        self.pending_pick.is_some()
    }

    /// Take the dialog's answer once it is there.
    pub fn poll_pick(&mut self) {
        let Some((_, rx)) = &self.pending_pick else {
            return;
        };
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            // The dialog thread ended without answering: treat as cancelled.
            Err(std::sync::mpsc::TryRecvError::Disconnected) => (Vec::new(), false),
        };
        if let Some((pick, _)) = self.pending_pick.take() {
            self.finish_pick(pick, answer.0, answer.1);
        }
    }

    pub(super) fn finish_pick(&mut self, pick: Pick, paths: Vec<PathBuf>, no_dialog_shown: bool) {
        let typed_default = |name: &str| {
            std::env::current_dir()
                .map(|d| d.join(name))
                .unwrap_or_else(|_| PathBuf::from(name))
                .display()
                .to_string()
        };
        let Some(first) = paths.first().cloned() else {
            // rfd answers at once when no dialog can be shown: offer a typed path.
            if no_dialog_shown {
                self.dialog = Some(match &pick {
                    Pick::Open(_) => Dialog::Path(PathPurpose::Open, String::new()),
                    Pick::SaveSession { suggested, .. } => {
                        Dialog::Path(PathPurpose::SaveSession, typed_default(suggested))
                    }
                    Pick::Export(format, suggested) => {
                        Dialog::Path(PathPurpose::Export(*format), typed_default(suggested))
                    }
                });
            }
            return;
        };
        match pick {
            Pick::Open(_) => self.open_paths(paths),
            Pick::SaveSession { then, .. } => {
                if self.save_to(first)
                    && let Some(then) = then
                {
                    self.proceed(then);
                }
            }
            Pick::Export(format, _) => {
                let target = match format.extension() {
                    Some(ext) => with_extension(first, ext),
                    None => first,
                };
                self.export_to(format, &target);
            }
        }
    }

    /// Open files: articles are added to the session, a `.ron` replaces the session
    /// (asking first about unsaved changes).
    pub fn open_paths(&mut self, paths: Vec<PathBuf>) {
        let (sessions, articles): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .partition(|p| p.extension().and_then(|e| e.to_str()) == Some(SESSION_EXTENSION));
        if let Some(session) = sessions.first() {
            if sessions.len() > 1 {
                self.error("Only one session can be open at a time; opening the first.");
            }
            let mut open = vec![session.clone()];
            open.extend(articles);
            self.guard(AfterPrompt::Open(open));
            return;
        }
        for path in articles {
            self.add_article(&path);
        }
    }

    pub(super) fn add_article(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        match formats::load_article(&path) {
            Ok(article) => {
                if let Some(at) = self.session.find_article(&article.source, &article.sha256) {
                    let id = self.session.documents.get(at).map(|d| d.article.id.clone());
                    self.current = id;
                    self.note(format!("{} is already open.", path.display()));
                } else {
                    let id = self.session.add_article(article);
                    self.revision += 1;
                    self.current = Some(id);
                }
                self.selected = None;
                self.find.invalidate();
                self.remember(&path);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    pub(super) fn load_session_file(&mut self, path: &Path) {
        match formats::load_session(path) {
            Ok(loaded) => {
                let problems: usize = loaded
                    .reports
                    .iter()
                    .map(|r| r.orphans.len() + r.moved.len())
                    .sum();
                let changed: Vec<String> = loaded
                    .reports
                    .iter()
                    .filter(|r| r.source_changed)
                    .map(|r| r.article.clone())
                    .collect();
                self.replace_session(loaded.session, Some(path.to_owned()));
                if !changed.is_empty() {
                    // The texts changed on disk: the re-anchored session differs from the file.
                    self.revision += 1;
                    self.error(format!(
                        "Article file(s) changed since the session was saved: {}. {problems} annotation(s) re-anchored or orphaned (orphans are listed, never dropped).",
                        changed.join(", ")
                    ));
                } else if problems > 0 {
                    self.error(format!(
                        "{problems} annotation(s) did not match their text and were re-anchored or marked orphan."
                    ));
                }
                self.remember(path);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    pub(super) fn replace_session(&mut self, session: Session, path: Option<PathBuf>) {
        self.session = session;
        self.session_path = path;
        self.history.clear();
        self.readers.clear();
        self.revealed.clear();
        self.selected = None;
        self.find.invalidate();
        self.revision += 1;
        self.saved_revision = self.revision;
        self.current = self.session.documents.first().map(|d| d.article.id.clone());
    }

    pub(super) fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        self.settings.recent.retain(|p| *p != path);
        self.settings.recent.insert(0, path);
        self.settings.recent.truncate(super::state::MAX_RECENT);
    }

    /// Run `then` now, or ask first when there are unsaved changes.
    pub(super) fn guard(&mut self, then: AfterPrompt) {
        if self.is_dirty() && !self.session.documents.is_empty() {
            self.dialog = Some(Dialog::Unsaved(then));
        } else {
            self.proceed(then);
        }
    }

    pub(super) fn proceed(&mut self, then: AfterPrompt) {
        match then {
            AfterPrompt::Close => {
                self.close_confirmed = true;
                self.close_now = true;
            }
            AfterPrompt::Open(paths) => {
                let mut paths = paths.into_iter();
                if let Some(session) = paths.next() {
                    self.load_session_file(&session);
                }
                for article in paths {
                    self.add_article(&article);
                }
            }
            AfterPrompt::OpenDialog(kind) => self.pick(Pick::Open(kind)),
            AfterPrompt::NewSession => self.replace_session(Session::new(), None),
            AfterPrompt::OpenExample => match self.example.clone() {
                Some(path) => self.load_session_file(&path),
                None => self.error("The example session (sessions/example.ron) was not found."),
            },
            AfterPrompt::Restore(found) => match std::fs::read_to_string(&found.copy)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    formats::session_file::from_ron(&text, &found.copy, false)
                        .map_err(|e| e.to_string())
                }) {
                Ok(loaded) => {
                    self.replace_session(loaded.session, found.session.clone());
                    self.revision += 1; // restored changes are unsaved
                    self.note("Restored the recovery copy. Save to keep it.");
                }
                Err(e) => self.error(format!("Cannot restore the recovery copy: {e}")),
            },
        }
    }

    pub(super) fn answer_unsaved(&mut self, answer: UnsavedAnswer) {
        let Some(Dialog::Unsaved(then)) = self.dialog.take() else {
            return;
        };
        match answer {
            UnsavedAnswer::Cancel => {}
            UnsavedAnswer::Discard => {
                if let Some(recovery) = &self.recovery {
                    recovery.remove(self.session_path.as_deref());
                }
                self.saved_revision = self.revision;
                self.proceed(then);
            }
            UnsavedAnswer::Save => self.save(false, Some(then)),
        }
    }

    /// Close the window now if a close was confirmed.
    pub fn close_if_confirmed(&mut self, ctx: &egui::Context) {
        if std::mem::take(&mut self.close_now) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Save (asking for a path the first time, or always with `ask`), then go on with
    /// `then` once the session is saved.
    pub fn save(&mut self, ask: bool, then: Option<AfterPrompt>) {
        if self.session.documents.is_empty() {
            self.error("Nothing to save: open an article first.");
            return;
        }
        if let (Some(path), false) = (&self.session_path, ask) {
            if self.save_to(path.clone())
                && let Some(then) = then
            {
                self.proceed(then);
            }
            return;
        }
        let suggested = self
            .session
            .documents
            .first()
            .map_or_else(|| "session".to_owned(), |d| d.article.id.clone())
            + ".ron";
        self.pick(Pick::SaveSession { suggested, then });
    }

    /// Save the session to `path` (atomically). True on success.
    pub fn save_to(&mut self, path: PathBuf) -> bool {
        let path = with_extension(path, SESSION_EXTENSION);
        match formats::save_session(&self.session, &path) {
            Ok(()) => {
                if let Some(recovery) = &self.recovery {
                    recovery.remove(self.session_path.as_deref());
                    recovery.remove(Some(&path));
                }
                self.session_path = Some(path.clone());
                self.saved_revision = self.revision;
                self.note(format!("Saved {}", path.display()));
                self.remember(&path);
                true
            }
            Err(e) => {
                self.error(e.to_string());
                false
            }
        }
    }

    pub(super) fn export(&mut self, format: ExportFormat) {
        let stem = self
            .session_path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(
                || "gloss-export".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
        let suggested = format
            .extension()
            .map_or_else(|| format!("{stem}-brat"), |ext| format!("{stem}.{ext}"));
        self.pick(Pick::Export(format, suggested));
    }

    pub(super) fn export_to(&mut self, format: ExportFormat, target: &Path) {
        match formats::export_session(&self.session, format, target) {
            Ok(()) => self.note(format!(
                "Exported {} to {}",
                format.name(),
                target.display()
            )),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Handle the window's close button: ask about unsaved changes first.
    pub fn handle_close_request(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        if self.screenshot.is_some() || self.close_confirmed {
            return;
        }
        if self.is_dirty() && !self.session.documents.is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(AfterPrompt::Close));
        }
    }
}

/// A dialog that "returned" faster than a person can click was never shown.
fn no_dialog(started: std::time::Instant) -> bool {
    started.elapsed() < std::time::Duration::from_millis(150)
}

/// `path` with `ext` added when it has no extension.
pub(super) fn with_extension(path: PathBuf, ext: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(ext)
    }
}
