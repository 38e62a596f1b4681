//! The edit journal's writer and finder. Every history step is sent to a background
//! thread that appends it as one line to the session's journal file and syncs it to disk
//! within a fraction of a second, so a crash or a power cut loses at most the last
//! moment's work and the window never waits for the disk.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime};

use crate::formats::journal::{
    self as format, JOURNAL_EXTENSION, JournalHeader, header_line, step_line,
};
use crate::model::{Step, sha256_hex};

/// Steps arriving within this window after the first one are written and synced
/// together (one `fsync` for a burst of typing, well within a second of each edit).
const BATCH_WINDOW: Duration = Duration::from_millis(150);

/// A journal with unsaved steps, found at start-up or after opening a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundJournal {
    /// The journal file.
    pub path: PathBuf,
    /// Its header.
    pub header: JournalHeader,
    /// How many steps it holds.
    pub steps: usize,
    /// When it was last written.
    pub written: SystemTime,
}

impl FoundJournal {
    /// What the journal belongs to, for the person: the session's file name.
    pub fn session_name(&self) -> String {
        self.header
            .session_path()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "an unsaved session".to_owned())
    }
}

/// The folder journals live in. Each running Gloss writes journals of its own (named by
/// the session and the process), so two windows on one session never overwrite each
/// other's unsaved steps.
#[derive(Clone, Debug)]
pub struct JournalDir {
    dir: PathBuf,
    instance: String,
}

impl JournalDir {
    /// Journals in `dir` (created when first needed).
    pub fn new(dir: PathBuf) -> Self {
        let now = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let instance = format!(
            "{}-{}-{}",
            now.as_secs(),
            now.subsec_nanos(),
            std::process::id()
        );
        Self { dir, instance }
    }

    fn prefix(session: Option<&Path>) -> String {
        match session {
            Some(path) => {
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
                let hash = sha256_hex(&absolute.to_string_lossy());
                format!("session-{}-", hash.get(..16).unwrap_or(&hash))
            }
            None => "untitled-".to_owned(),
        }
    }

    /// This process's journal for the session saved at `session` (`None`: never saved).
    pub fn path_for(&self, session: Option<&Path>) -> PathBuf {
        self.dir.join(format!(
            "{}{}.{JOURNAL_EXTENSION}",
            Self::prefix(session),
            self.instance
        ))
    }

    /// Every journal that holds at least one step, newest first. Journals that cannot be
    /// read are skipped (and logged), never deleted.
    pub fn find(&self) -> Vec<FoundJournal> {
        self.find_named(|_| true)
    }

    /// The journals of the session at `session` that hold steps, newest first.
    pub fn find_for(&self, session: &Path) -> Vec<FoundJournal> {
        let prefix = Self::prefix(Some(session));
        self.find_named(|name| name.starts_with(&prefix))
    }

    fn find_named(&self, wanted: impl Fn(&str) -> bool) -> Vec<FoundJournal> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found: Vec<FoundJournal> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(JOURNAL_EXTENSION))
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&wanted))
            .filter_map(|p| Self::look(&p))
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.written));
        found
    }

    fn look(path: &Path) -> Option<FoundJournal> {
        let written = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        match format::read_journal(path) {
            Ok(journal) if !journal.steps.is_empty() => Some(FoundJournal {
                path: path.to_owned(),
                header: journal.header,
                steps: journal.steps.len(),
                written,
            }),
            Ok(_) => None,
            Err(e) => {
                log::warn!("{e}");
                None
            }
        }
    }
}

enum Message {
    /// Write a new journal at `path` (atomically replacing any file there) and append
    /// to it from now on.
    Start {
        path: PathBuf,
        header: Box<JournalHeader>,
        steps: Vec<Step>,
    },
    /// Append a step.
    Step(Box<Step>),
    /// Delete the journal at `path` (its steps are saved or were discarded).
    Remove(PathBuf),
    /// Answer once everything before is on disk.
    Flush(Sender<()>),
}

/// The background writer. Dropping it finishes every pending write first.
pub struct JournalWriter {
    tx: Option<Sender<Message>>,
    errors: Receiver<String>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl JournalWriter {
    /// Start the writer thread.
    pub fn spawn() -> std::io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        let (error_tx, errors) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("edit-journal".to_owned())
            .spawn(move || write_loop(&rx, &error_tx))?;
        Ok(Self {
            tx: Some(tx),
            errors,
            thread: Some(thread),
        })
    }

    fn send(&self, message: Message) {
        if let Some(tx) = &self.tx
            && tx.send(message).is_err()
        {
            log::error!("the edit journal's thread has stopped");
        }
    }

    /// Start a journal at `path` with `header` and `steps`.
    pub fn start(&self, path: PathBuf, header: JournalHeader, steps: Vec<Step>) {
        self.send(Message::Start {
            path,
            header: Box::new(header),
            steps,
        });
    }

    /// Append a step to the current journal.
    pub fn step(&self, step: Step) {
        self.send(Message::Step(Box::new(step)));
    }

    /// Delete a journal.
    pub fn remove(&self, path: PathBuf) {
        self.send(Message::Remove(path));
    }

    /// Wait until everything sent so far is on disk (at most `timeout`).
    pub fn flush(&self, timeout: Duration) -> bool {
        let (tx, rx) = std::sync::mpsc::channel();
        self.send(Message::Flush(tx));
        rx.recv_timeout(timeout).is_ok()
    }

    /// Errors the thread met since the last call (to show to the person).
    pub fn take_errors(&self) -> Vec<String> {
        self.errors.try_iter().collect()
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        // Closing the channel ends the loop once every message is written.
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The open journal: its path and the file appended to.
struct Open {
    path: PathBuf,
    file: std::io::BufWriter<File>,
    unsynced: bool,
}

fn write_loop(rx: &Receiver<Message>, errors: &Sender<String>) {
    let mut open: Option<Open> = None;
    let report = |e: std::io::Error, path: &Path| {
        let _ = errors.send(format!(
            "Cannot write the edit journal ({e}): {}",
            path.display()
        ));
    };
    while let Ok(first) = rx.recv() {
        // Gather what arrives in the batch window, then sync once.
        let deadline = Instant::now() + BATCH_WINDOW;
        let mut message = Some(first);
        while let Some(m) = message.take() {
            handle(m, &mut open, &report);
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(next) => message = Some(next),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
        if let Some(o) = open.as_mut() {
            sync(o, &report);
        }
    }
    if let Some(o) = open.as_mut() {
        sync(o, &report);
    }
}

fn sync(open: &mut Open, report: &impl Fn(std::io::Error, &Path)) {
    if !open.unsynced {
        return;
    }
    let result = open
        .file
        .flush()
        .and_then(|()| open.file.get_ref().sync_data());
    match result {
        Ok(()) => open.unsynced = false,
        Err(e) => report(e, &open.path),
    }
}

fn handle(message: Message, open: &mut Option<Open>, report: &impl Fn(std::io::Error, &Path)) {
    match message {
        Message::Start {
            path,
            header,
            steps,
        } => {
            if let Some(o) = open.as_mut() {
                sync(o, report);
            }
            *open = None;
            let mut text = header_line(&header);
            for step in &steps {
                text.push_str(&step_line(step));
            }
            let started = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| crate::formats::write_atomic(&path, text.as_bytes()))
                .and_then(|()| std::fs::OpenOptions::new().append(true).open(&path));
            match started {
                Ok(file) => {
                    *open = Some(Open {
                        path,
                        file: std::io::BufWriter::new(file),
                        unsynced: false,
                    });
                }
                Err(e) => report(e, &path),
            }
        }
        Message::Step(step) => {
            let Some(o) = open.as_mut() else {
                log::error!("edit journal step without a journal");
                return;
            };
            match o.file.write_all(step_line(&step).as_bytes()) {
                Ok(()) => o.unsynced = true,
                Err(e) => report(e, &o.path),
            }
        }
        Message::Remove(path) => {
            if open.as_ref().is_some_and(|o| o.path == path) {
                *open = None;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => report(e, &path),
            }
        }
        Message::Flush(done) => {
            if let Some(o) = open.as_mut() {
                sync(o, report);
            }
            let _ = done.send(());
        }
    }
}
