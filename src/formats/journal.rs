//! The edit journal file: one RON line per history step, after a header line naming the
//! session it continues. A crash can tear only the last line, which reading ignores.
//!
//! ```text
//! (journal:1,session:Some("/home/a/paris.ron"),base:Some((path:"/home/a/paris.ron",stamp:(len:5120,secs:1795000000,nanos:0))),started:"2026-11-22T10:00:00Z")
//! Apply(AddAnnotation(article:"paris",annotation:(id:7,label:"quote",…)))
//! Undo(AddAnnotation(…))
//! ```

use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Step, Timestamp};

/// The journal layout this build writes and reads.
pub const JOURNAL_VERSION: u32 = 1;

/// File extension of journals.
pub const JOURNAL_EXTENSION: &str = "journal";

/// The largest journal read back (a journal holds the edits since the last save, and an
/// added article carries its text).
pub const MAX_JOURNAL_BYTES: u64 = 1 << 30;

/// Identifies one version of a file on disk without reading it: its length and
/// modification time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time, whole seconds since the Unix epoch.
    pub secs: u64,
    /// Modification time, nanoseconds within the second.
    pub nanos: u32,
}

impl FileStamp {
    /// The stamp of the file at `path` as it is now.
    pub fn of(path: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(path)?;
        let since = meta
            .modified()?
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Ok(Self {
            len: meta.len(),
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
        })
    }
}

/// The session file a journal's steps start from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    /// The session file.
    pub path: String,
    /// The file as it was when the journal started.
    pub stamp: FileStamp,
}

/// The first line of a journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalHeader {
    /// Layout version ([`JOURNAL_VERSION`]).
    pub journal: u32,
    /// Where the session is saved (`None`: never saved).
    pub session: Option<String>,
    /// The session file the steps apply to (`None`: an empty new session).
    pub base: Option<Base>,
    /// When the journal was started.
    pub started: Timestamp,
}

impl JournalHeader {
    /// The session path as a path.
    pub fn session_path(&self) -> Option<PathBuf> {
        self.session.as_deref().map(PathBuf::from)
    }
}

/// Why a journal could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Could not read the file.
    #[error("cannot read the edit journal ({reason}): {}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The reason.
        reason: std::io::Error,
    },
    /// Larger than [`MAX_JOURNAL_BYTES`].
    #[error("the edit journal is larger than {} MiB: {}", MAX_JOURNAL_BYTES >> 20, .path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// No valid header line.
    #[error("not an edit journal of this Gloss (bad first line): {}", .path.display())]
    BadHeader {
        /// The file.
        path: PathBuf,
    },
}

/// A journal as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journal {
    /// The header.
    pub header: JournalHeader,
    /// Every complete step, in order.
    pub steps: Vec<Step>,
    /// 1-based line of the first line that could not be read (a torn last line after a
    /// crash, or damage); it and everything after it are left out.
    pub unreadable_from: Option<usize>,
}

/// The header as one line, newline included.
pub fn header_line(header: &JournalHeader) -> String {
    one_line(header)
}

/// A step as one line, newline included.
pub fn step_line(step: &Step) -> String {
    one_line(step)
}

fn one_line<T: Serialize>(value: &T) -> String {
    // Compact RON escapes newlines inside strings, so a value is always one line.
    // Serialising plain data cannot fail; an empty line would be skipped on reading.
    let mut line = ron::ser::to_string(value).unwrap_or_default();
    line.push('\n');
    line
}

/// Parse a journal's text. Reading stops at the first line that does not parse.
pub fn parse_journal(text: &str, path: &Path) -> Result<Journal, JournalError> {
    let mut lines = text.split_inclusive('\n');
    let header = lines
        .next()
        .filter(|l| l.ends_with('\n'))
        .and_then(|l| ron::from_str::<JournalHeader>(l.trim_end()).ok())
        .filter(|h| h.journal == JOURNAL_VERSION)
        .ok_or_else(|| JournalError::BadHeader {
            path: path.to_owned(),
        })?;
    let mut steps = Vec::new();
    let mut unreadable_from = None;
    for (n, line) in lines.enumerate() {
        // A line without its newline was being written when the process stopped.
        let step = line
            .strip_suffix('\n')
            .and_then(|l| ron::from_str::<Step>(l).ok());
        match step {
            Some(step) => steps.push(step),
            None => {
                unreadable_from = Some(n + 2);
                break;
            }
        }
    }
    Ok(Journal {
        header,
        steps,
        unreadable_from,
    })
}

/// Read a journal file (regular files only, size-limited).
pub fn read_journal(path: &Path) -> Result<Journal, JournalError> {
    let read = |reason| JournalError::Read {
        path: path.to_owned(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(read)?;
    if !meta.is_file() {
        return Err(read(std::io::Error::other("not a regular file")));
    }
    if meta.len() > MAX_JOURNAL_BYTES {
        return Err(JournalError::TooLarge {
            path: path.to_owned(),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read)?
        .take(MAX_JOURNAL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read)?;
    if bytes.len() as u64 > MAX_JOURNAL_BYTES {
        return Err(JournalError::TooLarge {
            path: path.to_owned(),
        });
    }
    // A torn write can cut a multi-byte char: keep the valid prefix.
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    parse_journal(&text, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edit, Label};

    fn header() -> JournalHeader {
        JournalHeader {
            journal: JOURNAL_VERSION,
            session: Some("/tmp/a b.ron".to_owned()),
            base: Some(Base {
                path: "/tmp/a b.ron".to_owned(),
                stamp: FileStamp {
                    len: 10,
                    secs: 20,
                    nanos: 30,
                },
            }),
            started: Timestamp(40),
        }
    }

    fn step(name: &str) -> Step {
        let mut label = Label::new("x", name, crate::model::Rgb([1, 2, 3]));
        label.description = "two\nlines \"quoted\"".to_owned();
        Step::Apply(Edit::AddLabel { index: 0, label })
    }

    #[test]
    fn steps_are_one_line_each_and_read_back() {
        let mut text = header_line(&header());
        for name in ["a", "b\nc", "ünï"] {
            let line = step_line(&step(name));
            assert_eq!(line.matches('\n').count(), 1, "one line: {line}");
            text.push_str(&line);
        }
        let journal = parse_journal(&text, Path::new("j")).unwrap();
        assert_eq!(journal.header, header());
        assert_eq!(journal.steps, vec![step("a"), step("b\nc"), step("ünï")]);
        assert_eq!(journal.unreadable_from, None);
    }

    #[test]
    fn a_torn_last_line_is_left_out_and_everything_before_it_kept() {
        let mut text = header_line(&header());
        text.push_str(&step_line(&step("a")));
        let last = step_line(&step("b"));
        for cut in 1..last.len() {
            let torn = format!("{text}{}", &last[..cut]);
            let journal = parse_journal(&torn, Path::new("j")).unwrap();
            assert_eq!(journal.steps, vec![step("a")], "cut at {cut}");
            assert_eq!(journal.unreadable_from, Some(3));
        }
    }

    #[test]
    fn a_file_that_is_not_a_journal_is_refused() {
        assert!(matches!(
            parse_journal("(version: 2)\n", Path::new("j")),
            Err(JournalError::BadHeader { .. })
        ));
        let torn_header = header_line(&header());
        assert!(parse_journal(torn_header.trim_end(), Path::new("j")).is_err());
    }
}
