//! Files: opening articles and sessions, saving, exporting, file dialogs on their own
//! thread, and the unsaved-changes prompt.

use std::path::{Path, PathBuf};

use super::command::UnsavedAnswer;
use super::picker::OpenKind;
use super::state::{AfterPrompt, Dialog, GlossApp, PathPurpose, Pick, SourceChange};
use crate::formats::journal::{Base, FileStamp};
use crate::formats::{self, ExportFormat, SESSION_EXTENSION};
use crate::model::{Article, Document, Edit, Session};

/// A save running on its own thread.
pub struct SaveJob {
    /// Where.
    pub path: PathBuf,
    /// The session saved ([`GlossApp`]'s generation then).
    pub generation: u64,
    /// The revision saved (the snapshot's).
    pub revision: u64,
    /// What to do once saved.
    pub then: Option<AfterPrompt>,
    /// The file's stamp once written, or the error.
    pub done: std::sync::mpsc::Receiver<Result<FileStamp, String>>,
}

impl GlossApp {
    /// Save settings (eframe calls this every 30 s and on exit). Unsaved work needs no
    /// saving here: the edit journal already has every change on disk.
    pub fn persist(&mut self, storage: Option<&mut dyn eframe::Storage>) {
        if let Some(storage) = storage {
            eframe::set_value(storage, super::state::STORAGE_KEY, &self.settings);
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
                    Pick::Open(OpenKind::Import | OpenKind::ImportFolder) => {
                        Dialog::Path(PathPurpose::Import, String::new())
                    }
                    Pick::Open(OpenKind::Compare) => {
                        Dialog::Path(PathPurpose::Compare, String::new())
                    }
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
            Pick::Open(OpenKind::Import | OpenKind::ImportFolder) => self.import_paths(&paths),
            Pick::Open(OpenKind::Compare) => self.compare_with(&paths),
            Pick::Open(_) => self.open_paths(paths),
            Pick::SaveSession { then, .. } => self.save_to(first, then),
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

    /// Import annotated datasets (any format Gloss imports, told by the content): into
    /// the open session as one undoable step each, or as the session when none is open.
    /// Errors are shown in the window; nothing in the session is lost.
    pub(super) fn import_paths(&mut self, paths: &[PathBuf]) {
        for path in paths {
            let options = formats::ImportOptions::default();
            let (format, imported) = match formats::import_path(path, None, options) {
                Ok(done) => done,
                Err(e) => {
                    self.error(e.to_string());
                    continue;
                }
            };
            let mut message = format!(
                "Imported {} as {}: {}.",
                path.display(),
                format.name(),
                imported.summary()
            );
            if !imported.moved.is_empty() {
                message.push_str(&format!(
                    " {} annotation(s) did not match their offsets and were re-anchored or marked orphan.",
                    imported.moved.len()
                ));
            }
            let first_new = self.session.documents.len();
            if self.session.documents.is_empty() && !self.is_dirty() {
                self.replace_session(imported.session, None, None);
                // Not saved anywhere yet: closing asks first.
                self.revision += 1;
            } else {
                let edit = self.session.adding(imported.session);
                if !self.edit(edit) {
                    continue;
                }
            }
            self.current = self
                .session
                .documents
                .get(first_new)
                .map(|d| d.article.id.clone());
            self.selected = None;
            self.find.invalidate();
            self.note(message);
        }
    }

    /// Add the article at `path` to the session (one undoable step), or show it when
    /// it is already there.
    pub(super) fn add_article(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        match formats::load_article(&path) {
            Ok(article) => {
                if let Some(at) = self.session.find_article(&article.source, &article.sha256) {
                    let id = self.session.documents.get(at).map(|d| d.article.id.clone());
                    self.current = id;
                    self.note(format!("{} is already open.", path.display()));
                } else {
                    if article.metadata.extraction.as_deref()
                        == Some(formats::html::EXTRACTED_FALLBACK)
                    {
                        self.note(format!(
                            "No article found in {}: showing all its readable text.",
                            path.display()
                        ));
                    }
                    let mut document = Document::new(article);
                    document.article.id = self.session.unique_article_id(&document.article.id);
                    let id = document.article.id.clone();
                    let index = self.session.documents.len();
                    if self.edit(Edit::AddArticle { index, document }) {
                        self.current = Some(id);
                    }
                }
                self.selected = None;
                self.find.invalidate();
                self.remember(&path);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Open the session file at `path` (the unsaved-changes question was asked before).
    pub(super) fn load_session_file(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        match formats::load_session(&path) {
            Ok(loaded) => {
                let problems: usize = loaded
                    .reports
                    .iter()
                    .map(|r| r.orphans.len() + r.moved.len())
                    .sum();
                let base = super::recovery::base_of(&path);
                let changed: Vec<(String, Article)> = loaded
                    .session
                    .documents
                    .iter()
                    .zip(loaded.reports)
                    .filter_map(|(d, r)| r.source_update.map(|a| (d.article.id.clone(), a)))
                    .collect();
                self.replace_session(loaded.session, Some(&path), base);
                self.changed_sources = changed;
                if problems > 0 {
                    self.error(format!(
                        "{problems} annotation(s) did not match their text and were re-anchored or marked orphan."
                    ));
                }
                self.remember(&path);
                self.offer_recovery_for(&path);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Make `session` the open session, saved at `path` (`None`: never saved) and
    /// journalled on top of `base` (the session file it was read from).
    pub(super) fn replace_session(
        &mut self,
        session: Session,
        path: Option<&Path>,
        base: Option<Base>,
    ) {
        self.session = session;
        self.linking = None;
        self.changed_sources.clear();
        self.counts.invalidate();
        self.generation += 1;
        self.session_path = path.map(Path::to_path_buf);
        self.history.clear();
        self.readers.clear();
        self.revealed.clear();
        self.selected = None;
        self.find.invalidate();
        self.revision += 1;
        self.saved_revision = self.revision;
        self.current = self.session.documents.first().map(|d| d.article.id.clone());
        if let Some(recovery) = self.recovery.as_mut() {
            recovery.reset(path, base);
        }
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

    /// Ask about article files that changed on disk, once no other dialog is open: the
    /// stored text is kept until the person chooses to re-anchor to the file's.
    pub fn ask_about_changed_sources(&mut self) {
        if self.dialog.is_some() || self.changed_sources.is_empty() {
            return;
        }
        let changes: Vec<SourceChange> = std::mem::take(&mut self.changed_sources)
            .into_iter()
            .filter_map(|(id, mut article)| {
                let before = self.session.document(&id)?.clone();
                article.id.clone_from(&before.article.id);
                article.title.clone_from(&before.article.title);
                article.source.clone_from(&before.article.source);
                article.status = before.article.status;
                let r = before.reanchored_to(article);
                let orphans = r
                    .orphans
                    .iter()
                    .filter_map(|o| r.document.annotation(*o).map(|a| a.text.clone()))
                    .collect();
                Some(SourceChange {
                    moved: r.moved.len(),
                    orphans,
                    after: r.document,
                    before,
                })
            })
            .collect();
        if !changes.is_empty() {
            self.dialog = Some(Dialog::SourceChanged(changes));
        }
    }

    pub(super) fn answer_source_changes(&mut self, apply: bool) {
        let Some(Dialog::SourceChanged(changes)) = self.dialog.take() else {
            return;
        };
        if !apply {
            self.note("Kept the text stored in the session; the article files are not used.");
            return;
        }
        let (mut moved, mut orphans) = (0, 0);
        let edits: Vec<Edit> = changes
            .into_iter()
            .map(|c| {
                moved += c.moved;
                orphans += c.orphans.len();
                Edit::ReplaceArticle {
                    before: c.before,
                    after: c.after,
                }
            })
            .collect();
        let n = edits.len();
        if self.edit(Edit::Batch(edits)) {
            self.readers.clear();
            self.find.invalidate();
            self.note(format!(
                "Re-anchored {n} article(s) to their files: {moved} annotation(s) moved, {orphans} orphaned (kept and listed). Undo goes back."
            ));
        }
    }

    /// Go on with what waited for the unsaved-changes question.
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
            AfterPrompt::NewSession => self.replace_session(Session::new(), None, None),
            AfterPrompt::OpenExample => match self.example.clone() {
                Some(path) => self.load_session_file(&path),
                None => self.error("The example session (sessions/example.ron) was not found."),
            },
            AfterPrompt::Restore(found) => self.restore(&found),
            AfterPrompt::RestoreCopy(found) => self.restore_as_copy(&found),
        }
    }

    pub(super) fn answer_unsaved(&mut self, answer: UnsavedAnswer) {
        let Some(Dialog::Unsaved(then)) = self.dialog.take() else {
            return;
        };
        match answer {
            UnsavedAnswer::Cancel => {}
            UnsavedAnswer::Discard => {
                // The changes are thrown away on purpose: so is their journal.
                let path = self.session_path.clone();
                if let Some(recovery) = self.recovery.as_mut() {
                    recovery.reset(path.as_deref(), None);
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
            self.flush_journal();
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
            self.save_to(path.clone(), then);
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

    /// Save the session to `path` on a background thread, from a snapshot, then go on
    /// with `then`. A save asked for while another runs waits for it.
    pub fn save_to(&mut self, path: PathBuf, then: Option<AfterPrompt>) {
        let path = with_extension(path, SESSION_EXTENSION);
        let path = std::path::absolute(&path).unwrap_or(path);
        if self.save_job.is_some() {
            self.save_queued = Some((path, then));
            return;
        }
        // A session that names nobody is saved under the name in the settings.
        if self.session.annotator.is_none() && !self.settings.annotator.trim().is_empty() {
            self.session.annotator = Some(self.settings.annotator.trim().to_owned());
        }
        // Cheap: article texts and annotation lists are shared until written to.
        let snapshot = self.session.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let target = path.clone();
        let spawned = std::thread::Builder::new()
            .name("save-session".to_owned())
            .spawn(move || {
                let result = formats::save_session(&snapshot, &target)
                    .map_err(|e| e.to_string())
                    .and_then(|()| {
                        FileStamp::of(&target).map_err(|e| {
                            format!(
                                "cannot read back the saved session ({e}): {}",
                                target.display()
                            )
                        })
                    });
                // Free the snapshot here, not on the window's thread.
                drop(snapshot);
                let _ = tx.send(result);
            });
        match spawned {
            Ok(_) => {
                self.save_job = Some(SaveJob {
                    path,
                    generation: self.generation,
                    revision: self.revision,
                    then,
                    done: rx,
                });
            }
            Err(e) => self.error(format!("Cannot start saving: {e}")),
        }
    }

    /// True while a save runs.
    pub fn is_saving(&self) -> bool {
        self.save_job.is_some()
    }

    /// Take the result of the running save once it is there.
    pub fn poll_save(&mut self) {
        let Some(job) = &self.save_job else {
            return;
        };
        let result = match job.done.try_recv() {
            Ok(result) => result,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(format!(
                "the save stopped unexpectedly: {}",
                job.path.display()
            )),
        };
        if let Some(job) = self.save_job.take() {
            self.finish_save(job, result);
        }
    }

    /// Wait for the running save (and any queued after it) to finish.
    pub fn wait_for_save(&mut self) {
        while let Some(job) = self.save_job.take() {
            let result = job.done.recv().unwrap_or_else(|_| {
                Err(format!(
                    "the save stopped unexpectedly: {}",
                    job.path.display()
                ))
            });
            self.finish_save(job, result);
        }
    }

    fn finish_save(&mut self, job: SaveJob, result: Result<FileStamp, String>) {
        match result {
            Ok(_) if job.generation != self.generation => {
                // Another session was opened meanwhile; the file is saved all the same.
                self.note(format!("Saved {}", job.path.display()));
            }
            Ok(stamp) => {
                // Edits made while saving stay unsaved (and journalled).
                self.saved_revision = job.revision;
                self.session_path = Some(job.path.clone());
                if let Some(recovery) = self.recovery.as_mut() {
                    recovery.saved(&job.path, stamp, job.revision);
                }
                self.note(format!("Saved {}", job.path.display()));
                self.remember(&job.path);
                if let Some(then) = job.then {
                    self.proceed(then);
                }
            }
            Err(e) => self.error(e),
        }
        if let Some((path, then)) = self.save_queued.take() {
            self.save_to(path, then);
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
            Ok(()) => {
                let mut message = format!("Exported {} to {}", format.name(), target.display());
                for warning in formats::export::export_warnings(&self.session, format) {
                    message.push_str(&format!(" ({warning})"));
                }
                self.note(message);
            }
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
