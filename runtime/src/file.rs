//! Reading a small file a user named (a credentials file, a command
//! line's `--json @FILE`): regular files only, bounded, and never
//! blocking on a FIFO or a device.

use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// Why [`read_regular_file`] read nothing.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// It is not a regular file (a FIFO, a device, a directory, a socket).
    NotRegular {
        /// What it is, in words: `"a FIFO (named pipe), not a regular file"`.
        what: &'static str,
    },
    /// It holds more than the limit given.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// It could not be looked at, opened or read.
    Io(io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotRegular { what } => write!(f, "it is {what}"),
            FileError::TooLarge { limit } => write!(f, "it is larger than {limit} bytes"),
            // Transparent: the OS error says it all, once.
            FileError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Io(e) => e.source(),
            _ => None,
        }
    }
}

/// Reads `path` whole if it is a regular file of at most `limit` bytes.
///
/// Anything else is refused before it is opened, as opening a FIFO blocks
/// until a writer comes and reading `/dev/zero` never ends. The file is
/// opened non-blocking and checked again once open, in case it was
/// replaced meanwhile, so even that race cannot hang. Blocking: call it off
/// an async executor.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let check = |metadata: &Metadata| {
        if !metadata.is_file() {
            return Err(FileError::NotRegular {
                what: not_regular(metadata),
            });
        }
        if metadata.len() > limit {
            return Err(FileError::TooLarge { limit });
        }
        Ok(())
    };
    check(&fs::metadata(path).map_err(FileError::Io)?)?;
    let file = open_nonblocking(path).map_err(FileError::Io)?;
    check(&file.metadata().map_err(FileError::Io)?)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Opens for reading without waiting for a FIFO's writer (no effect on a
/// regular file's reads).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// What a non-regular file is, in words.
fn not_regular(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory, not a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe), not a regular file";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device, not a regular file";
        }
        if kind.is_socket() {
            return "a socket, not a regular file";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_regular_file(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular_file(&path, 4),
            Err(FileError::TooLarge { limit: 4 })
        ));
        let e = read_regular_file(dir.path(), 5).unwrap_err();
        assert_eq!(e.to_string(), "it is a directory, not a regular file");
        let e = read_regular_file(&dir.path().join("missing"), 5).unwrap_err();
        assert!(matches!(&e, FileError::Io(io) if io.kind() == io::ErrorKind::NotFound));
    }

    /// `f`'s result, or a failed test if it has none within 5 s.
    fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("blocked on the FIFO")
    }

    /// A FIFO with no writer: refused at once, where opening it would wait.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let path = fifo.clone();
        let result = promptly(move || read_regular_file(&path, 5).map_err(|e| e.to_string()));
        assert_eq!(
            result.unwrap_err(),
            "it is a FIFO (named pipe), not a regular file"
        );
        // Opened without waiting for a writer, as it would be if swapped in
        // for a regular file after the first check.
        let opened =
            promptly(move || open_nonblocking(&fifo).map(|f| f.metadata().map(|m| m.is_file())));
        assert!(!opened.unwrap().unwrap());
    }
}
