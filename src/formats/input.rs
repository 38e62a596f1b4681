//! Reading input files safely: only regular files (never a FIFO, device, socket or
//! folder — a session or import from someone else may name `/dev/zero` or a FIFO), never
//! more than a limit, checked before and while reading.

use std::io::Read as _;
use std::path::Path;

/// Largest session file read, in bytes (512 MiB; a session of 100,000 annotations over
/// 20 M chars of text is about 44 MB).
pub const MAX_SESSION_BYTES: u64 = 512 * 1024 * 1024;

/// Largest file `gloss import` reads, in bytes (512 MiB).
pub const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path does not exist.
    #[error("{0}")]
    NotFound(std::io::Error),
    /// A folder, FIFO, device or socket.
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    /// Over the limit.
    #[error("{size} bytes, over the {max} byte limit")]
    TooLarge {
        /// Its size (or at least this much).
        size: u64,
        /// The limit.
        max: u64,
    },
    /// Any other I/O error.
    #[error("{0}")]
    Io(std::io::Error),
}

impl InputError {
    /// As an I/O error (for errors that carry one).
    pub fn into_io(self) -> std::io::Error {
        match self {
            Self::NotFound(e) | Self::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// Read the regular file at `path` (symlinks followed), at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            InputError::NotFound(e)
        } else {
            InputError::Io(e)
        }
    };
    // Look before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(&meta)));
    }
    let file = open_nonblocking(path).map_err(io)?;
    // The path may have been replaced between the look and the open: check what was
    // opened.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(&meta)));
    }
    if meta.len() > max {
        return Err(InputError::TooLarge {
            size: meta.len(),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte past the limit catches a file that grows while it is read.
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// Read a regular file as UTF-8 text (a BOM is dropped).
pub fn read_regular_text(path: &Path, max: u64) -> Result<String, InputError> {
    let mut bytes = read_regular(path, max)?;
    // In place: a session can be tens of MB, so no copy of the whole file.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        InputError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_folders_and_fifos_are_refused_at_once() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(InputError::NotRegular("a device"))
        ));
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_regular(dir.path(), 10),
            Err(InputError::NotRegular("a folder"))
        ));
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Would block forever if it were opened.
            assert!(matches!(
                read_regular(&fifo, 10),
                Err(InputError::NotRegular("a FIFO"))
            ));
        }
    }

    #[test]
    fn the_limit_holds_and_symlinks_to_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_regular(&file, 9),
            Err(InputError::TooLarge { size: 10, max: 9 })
        ));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.txt");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert_eq!(read_regular(&link, 10).unwrap(), b"0123456789");
            let to_device = dir.path().join("zero.txt");
            std::os::unix::fs::symlink("/dev/zero", &to_device).unwrap();
            assert!(read_regular(&to_device, 10).is_err());
        }
        assert!(matches!(
            read_regular(&dir.path().join("missing"), 10),
            Err(InputError::NotFound(_))
        ));
    }
}
