//! Recovery: the open session's edit journal (every history step since the last save,
//! on disk within a second of the edit), and restoring a journal after a crash — offered
//! at start-up and when its session is opened, replayed through the history so the
//! restored changes can be undone one by one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::journal::{FoundJournal, JournalDir, JournalWriter};
use super::state::{Dialog, GlossApp};
use crate::formats;
use crate::formats::journal::{self, Base, FileStamp, JOURNAL_VERSION, JournalHeader};
use crate::model::{AnnotationId, EditError, Session, Step, Timestamp};

/// How long closing the app waits for the journal to reach the disk.
const FLUSH_ON_EXIT: Duration = Duration::from_secs(5);

/// The journal kept for the open session.
pub struct Recovery {
    dir: JournalDir,
    writer: JournalWriter,
    /// The open session's journal, once it has a step.
    path: Option<PathBuf>,
    /// Where the session is saved (written into the journal's header).
    session: Option<PathBuf>,
    /// What the journal's steps apply to: the session file as loaded or last saved.
    base: Option<Base>,
    /// The steps since the base, each with the revision it made.
    steps: Vec<(u64, Step)>,
}

impl Recovery {
    /// Keep journals in `dir`; `None` when the writer thread cannot start.
    pub fn new(dir: PathBuf) -> Option<Self> {
        match JournalWriter::spawn() {
            Ok(writer) => Some(Self {
                dir: JournalDir::new(dir),
                writer,
                path: None,
                session: None,
                base: None,
                steps: Vec::new(),
            }),
            Err(e) => {
                log::error!("cannot start the edit journal: {e}");
                None
            }
        }
    }

    /// Journals with unsaved steps, newest first.
    pub fn find(&self) -> Vec<FoundJournal> {
        self.dir.find()
    }

    /// The journal of the session at `path`, when it holds steps and is not the open
    /// session's own.
    pub fn find_for(&self, path: &Path) -> Option<FoundJournal> {
        self.dir
            .find_for(path)
            .into_iter()
            .find(|f| Some(&f.path) != self.path.as_ref())
    }

    /// Steps journalled since the base.
    pub fn unsaved_steps(&self) -> usize {
        self.steps.len()
    }

    /// Record a step that made `revision`.
    pub fn record(&mut self, step: Step, revision: u64) {
        if self.path.is_none() {
            let path = self.dir.path_for(self.session.as_deref());
            self.writer.start(path.clone(), self.header(), Vec::new());
            self.path = Some(path);
        }
        self.writer.step(step.clone());
        self.steps.push((revision, step));
    }

    fn header(&self) -> JournalHeader {
        JournalHeader {
            journal: JOURNAL_VERSION,
            session: self
                .session
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
            base: self.base.clone(),
            started: Timestamp::now(),
        }
    }

    /// A new session (opened, new, or its changes discarded): the old journal goes.
    pub fn reset(&mut self, session: Option<&Path>, base: Option<Base>) {
        if let Some(old) = self.path.take() {
            self.writer.remove(old);
        }
        self.session = session.map(Path::to_path_buf);
        self.base = base;
        self.steps.clear();
    }

    /// The session was saved to `path` (now `stamp`) as it was at `revision`: steps made
    /// since stay journalled, on top of the saved file.
    pub fn saved(&mut self, path: &Path, stamp: FileStamp, revision: u64) {
        self.session = Some(path.to_owned());
        self.base = Some(Base {
            path: path.to_string_lossy().into_owned(),
            stamp,
        });
        self.steps.retain(|(r, _)| *r > revision);
        let old = self.path.take();
        if !self.steps.is_empty() {
            let new = self.dir.path_for(Some(path));
            // `start` replaces the journal at `new` atomically, with the steps kept.
            let steps = self.steps.iter().map(|(_, s)| s.clone()).collect();
            self.writer.start(new.clone(), self.header(), steps);
            self.path = Some(new);
        }
        if let Some(old) = old
            && Some(&old) != self.path.as_ref()
        {
            self.writer.remove(old);
        }
    }

    /// Go on with a restored journal: rewrite it at the open session's journal path
    /// (without any torn tail) and append to it from now on.
    pub fn adopt(&mut self, restored_from: &Path, steps: Vec<(u64, Step)>) {
        self.steps = steps;
        if self.steps.is_empty() {
            self.writer.remove(restored_from.to_owned());
            return;
        }
        let path = self.dir.path_for(self.session.as_deref());
        let all = self.steps.iter().map(|(_, s)| s.clone()).collect();
        self.writer.start(path.clone(), self.header(), all);
        if path != restored_from {
            self.writer.remove(restored_from.to_owned());
        }
        self.path = Some(path);
    }

    /// Delete a journal the person chose not to restore.
    pub fn discard(&self, found: &FoundJournal) {
        self.writer.remove(found.path.clone());
    }

    /// Errors the writer met (to show).
    pub fn take_errors(&self) -> Vec<String> {
        self.writer.take_errors()
    }

    /// Wait until every step is on disk.
    pub fn flush(&self) -> bool {
        self.writer.flush(FLUSH_ON_EXIT)
    }
}

/// The base of a session loaded from `path`: the file as it is now.
pub fn base_of(path: &Path) -> Option<Base> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    FileStamp::of(&path).ok().map(|stamp| Base {
        path: path.to_string_lossy().into_owned(),
        stamp,
    })
}

impl GlossApp {
    /// Offer the newest journal with unsaved steps, if any (at start-up).
    pub fn offer_recovery(&mut self) {
        if self.dialog.is_some() {
            return;
        }
        if let Some(found) = self
            .recovery
            .as_ref()
            .and_then(|r| r.find().into_iter().next())
        {
            self.dialog = Some(Dialog::Restore(found));
        }
    }

    /// After the session at `path` was opened: offer its journal, if it has one.
    pub(super) fn offer_recovery_for(&mut self, path: &Path) {
        if let Some(found) = self.recovery.as_ref().and_then(|r| r.find_for(path)) {
            self.dialog = Some(Dialog::Restore(found));
        }
    }

    /// Restore a journal: open the session it belongs to and replay its steps. When the
    /// session file changed since the journal started, ask first.
    pub(super) fn restore(&mut self, found: &FoundJournal) {
        let journal = match journal::read_journal(&found.path) {
            Ok(journal) => journal,
            Err(e) => {
                self.error(format!("Cannot restore: {e}"));
                return;
            }
        };
        let base_session = match &journal.header.base {
            None => Session::new(),
            Some(base) => {
                let path = PathBuf::from(&base.path);
                if FileStamp::of(&path).ok() != Some(base.stamp) {
                    self.dialog = Some(Dialog::RestoreChanged(found.clone()));
                    return;
                }
                match formats::load_session(&path) {
                    Ok(loaded) => loaded.session,
                    Err(e) => {
                        self.error(format!("Cannot restore: {e}"));
                        return;
                    }
                }
            }
        };
        let session_path = journal.header.session_path();
        let base = journal.header.base.clone();
        self.replace_session(base_session, session_path.as_deref(), base);
        let (applied, failed) = self.replay(&journal.steps);
        if let Some(recovery) = self.recovery.as_mut() {
            recovery.adopt(&found.path, applied);
        }
        let name = found.session_name();
        let mut note = format!(
            "Restored {} unsaved change(s) to {name}. Save to keep them.",
            journal.steps.len() - failed
        );
        if journal.unreadable_from.is_some() {
            note.push_str(" The last change was cut off by the crash and is left out.");
        }
        if failed > 0 {
            self.error(format!(
                "{note} {failed} change(s) could not be applied and are left out."
            ));
        } else {
            self.note(note);
        }
    }

    /// Restore a journal whose session file changed since: replay what still applies
    /// onto the file as it is now, as a separate, never-saved copy (the file is not
    /// touched).
    pub(super) fn restore_as_copy(&mut self, found: &FoundJournal) {
        let journal = match journal::read_journal(&found.path) {
            Ok(journal) => journal,
            Err(e) => {
                self.error(format!("Cannot restore: {e}"));
                return;
            }
        };
        let from_file = journal
            .header
            .base
            .as_ref()
            .map(|b| PathBuf::from(&b.path))
            .filter(|p| p.is_file());
        let (session, base) = match &from_file {
            Some(path) => match formats::load_session(path) {
                Ok(loaded) => (loaded.session, base_of(path)),
                Err(e) => {
                    self.error(format!("Cannot restore: {e}"));
                    return;
                }
            },
            None => (Session::new(), None),
        };
        self.replace_session(session, None, base);
        let (applied, failed) = self.replay_renumbering(&journal.steps);
        if let Some(recovery) = self.recovery.as_mut() {
            recovery.adopt(&found.path, applied);
        }
        let copied = journal.steps.len() - failed;
        let mut message = format!(
            "Opened {copied} unsaved change(s) to {} as a separate copy; save it under a new name.",
            found.session_name()
        );
        if failed > 0 {
            message.push_str(&format!(
                " {failed} change(s) no longer fit the file and are left out."
            ));
            self.error(message);
        } else {
            self.note(message);
        }
    }

    /// Replay steps through the history; returns the steps applied (with the revision
    /// each made) and how many failed.
    fn replay(&mut self, steps: &[Step]) -> (Vec<(u64, Step)>, usize) {
        let mut applied = Vec::with_capacity(steps.len());
        let mut failed = 0;
        for step in steps {
            match self.history.replay(&mut self.session, step) {
                Ok(()) => {
                    self.revision += 1;
                    applied.push((self.revision, step.clone()));
                }
                Err(e) => {
                    log::warn!("journal step not applied: {e}");
                    failed += 1;
                }
            }
        }
        self.after_replay();
        (applied, failed)
    }

    fn after_replay(&mut self) {
        self.counts.invalidate();
        self.readers.clear();
        if self
            .current
            .as_ref()
            .is_none_or(|id| self.session.document(id).is_none())
        {
            self.current = self.session.documents.first().map(|d| d.article.id.clone());
        }
    }

    /// Replay steps made on another version of the session: an annotation whose id the
    /// session gave to another annotation meanwhile gets a fresh id (and every later
    /// step that names it follows).
    fn replay_renumbering(&mut self, steps: &[Step]) -> (Vec<(u64, Step)>, usize) {
        let mut map = HashMap::new();
        let mut applied = Vec::with_capacity(steps.len());
        let mut failed = 0;
        for step in steps {
            let mut step = step.renumbered(&map);
            // Each retry maps one more id, so a batch with n collisions takes n + 1 tries.
            let outcome = loop {
                match self.history.replay(&mut self.session, &step) {
                    // Annotation and relation ids come from one counter: a relation's
                    // id is renumbered through the same map.
                    Err(EditError::DuplicateAnnotation(id)) if !map.contains_key(&id) => {
                        let fresh = self.session.allocate_id();
                        map.insert(id, fresh);
                        step = step.renumbered(&map);
                    }
                    Err(EditError::DuplicateId(n)) if !map.contains_key(&AnnotationId(n)) => {
                        let fresh = self.session.allocate_id();
                        map.insert(AnnotationId(n), fresh);
                        step = step.renumbered(&map);
                    }
                    other => break other,
                }
            };
            match outcome {
                Ok(()) => {
                    self.revision += 1;
                    applied.push((self.revision, step));
                }
                Err(e) => {
                    log::warn!("journal step not applied: {e}");
                    failed += 1;
                }
            }
        }
        self.after_replay();
        (applied, failed)
    }

    /// Show what the journal writer could not write.
    pub(super) fn report_journal_errors(&mut self) {
        let errors = self
            .recovery
            .as_ref()
            .map(Recovery::take_errors)
            .unwrap_or_default();
        for e in errors {
            self.error(e);
        }
    }

    /// Wait for the journal to reach the disk (before the process exits).
    pub fn flush_journal(&self) -> bool {
        self.recovery.as_ref().is_none_or(Recovery::flush)
    }
}
