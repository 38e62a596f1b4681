//! Recovery copies: while there are unsaved changes the session is written to the app's
//! data folder every 30 s and on exit; at the next start a copy newer than its session
//! is offered back.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::formats::{self, session_file};
use crate::model::{Session, sha256_hex};

/// A recovery copy found at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The copy.
    pub copy: PathBuf,
    /// The session it belongs to (`None` for a never-saved session).
    pub session: Option<PathBuf>,
    /// When the copy was written.
    pub written: SystemTime,
}

/// Where recovery copies live.
#[derive(Clone, Debug)]
pub struct Recovery {
    dir: PathBuf,
}

impl Recovery {
    /// Recovery copies in `dir` (created when first needed).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn stem(session: Option<&Path>) -> String {
        session.map_or_else(
            || "untitled".to_owned(),
            |p| {
                let hash = sha256_hex(&p.to_string_lossy());
                format!("session-{}", hash.get(..16).unwrap_or(&hash))
            },
        )
    }

    /// The copy's path for a session.
    pub fn copy_path(&self, session: Option<&Path>) -> PathBuf {
        self.dir.join(format!("{}.ron", Self::stem(session)))
    }

    fn sidecar(copy: &Path) -> PathBuf {
        copy.with_extension("path")
    }

    /// Write the copy (atomically).
    pub fn write(&self, session: &Session, session_path: Option<&Path>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let copy = self.copy_path(session_path);
        let text = session_file::to_ron(session, None);
        formats::write_atomic(&copy, text.as_bytes())?;
        let origin = session_path
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        formats::write_atomic(&Self::sidecar(&copy), origin.as_bytes())
    }

    /// Remove the copy of a session (after a save or a deliberate discard).
    pub fn remove(&self, session_path: Option<&Path>) {
        let copy = self.copy_path(session_path);
        let _ = std::fs::remove_file(Self::sidecar(&copy));
        let _ = std::fs::remove_file(copy);
    }

    /// Copies newer than their session (or of never-saved sessions). Stale copies are
    /// removed.
    pub fn find(&self) -> Vec<Found> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let copy = entry.path();
            if copy.extension().and_then(|e| e.to_str()) != Some("ron") {
                continue;
            }
            let Ok(written) = entry.metadata().and_then(|m| m.modified()) else {
                continue;
            };
            let origin = std::fs::read_to_string(Self::sidecar(&copy)).unwrap_or_default();
            let session = (!origin.is_empty()).then(|| PathBuf::from(origin));
            let session_time = session
                .as_ref()
                .and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            if session_time.is_some_and(|t| t >= written) {
                self.remove(session.as_deref());
                continue;
            }
            found.push(Found {
                copy,
                session,
                written,
            });
        }
        found.sort_by_key(|f| std::cmp::Reverse(f.written));
        found
    }
}
