//! The exclusive lock on a `--data` file: one emulator per file, so two never lose each other's acknowledged
//! writes.
//!
//! The lock is taken on a sidecar file, `FILE.lock`, not on the data file itself: every store renames a new file over
//! the data file, which would leave a lock on the data file's old inode guarding nothing. The sidecar holds the
//! holder's process id as text, so a second emulator can say who holds it. The lock is the operating system's
//! advisory file lock (`flock` on Unix, `LockFileEx` on Windows, through std's `File::try_lock`), so it is released
//! when the holder exits, however it exits: a killed emulator never leaves a stale lock behind, only (at worst) the
//! sidecar file, which the next emulator reuses.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{ServeError, ServeErrorKind};

/// How many times a lock whose file was removed by its previous holder just as it was taken is tried again.
const ATTEMPTS: usize = 8;

/// A held lock; released (and its file removed, on Unix) by [`DataLock::release`] or on drop.
#[derive(Debug)]
pub(crate) struct DataLock {
    path: PathBuf,
    file: Option<File>,
}

impl DataLock {
    /// The sidecar lock file of the data file at `data`.
    pub(crate) fn path_for(data: &Path) -> PathBuf {
        let mut name = data.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock of the data file at `data`, or says which process holds it.
    pub(crate) fn acquire(data: &Path) -> Result<DataLock, ServeError> {
        let path = DataLock::path_for(data);
        let cannot = |what: &str, e: std::io::Error| {
            ServeError::file(
                ServeErrorKind::Data,
                data,
                format!("cannot {what} its lock file {}: {e}", path.display()),
            )
        };
        for _ in 0..ATTEMPTS {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| cannot("create", e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(ServeError::file(
                        ServeErrorKind::DataInUse,
                        data,
                        format!(
                            "is in use by another emulator ({}; lock file {}); two emulators on one file would lose \
                             each other's writes, so stop that one or give this one another --data file",
                            holder(&file),
                            path.display()
                        ),
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(cannot("lock", e)),
            }
            if !still_named(&path, &file) {
                // The previous holder removed the file between our open and our lock: this lock guards nothing.
                continue;
            }
            file.set_len(0).map_err(|e| cannot("write", e))?;
            file.rewind().map_err(|e| cannot("write", e))?;
            writeln!(file, "{}", std::process::id()).map_err(|e| cannot("write", e))?;
            return Ok(DataLock {
                path,
                file: Some(file),
            });
        }
        Err(ServeError::file(
            ServeErrorKind::DataInUse,
            data,
            format!(
                "its lock file {} kept being removed while this emulator tried to take it; another emulator is \
                 starting and stopping on the same file",
                path.display()
            ),
        ))
    }

    /// Removes the lock file (on Unix, while still holding the lock, so a newcomer that opened the old file notices)
    /// and releases the lock.
    pub(crate) fn release(&mut self) {
        let Some(file) = self.file.take() else {
            return;
        };
        if cfg!(unix) {
            // Best effort: a file that cannot be removed is reused by the next emulator.
            let _ = std::fs::remove_file(&self.path);
        }
        let _ = file.unlock();
    }
}

impl Drop for DataLock {
    fn drop(&mut self) {
        self.release();
    }
}

/// Who holds the lock, as the holder wrote it in the lock file.
fn holder(file: &File) -> String {
    let mut text = String::new();
    // The file is a few bytes; a larger one is not ours, and its content is not shown.
    let read = Read::take(file, 32).read_to_string(&mut text);
    match read.ok().and_then(|_| text.trim().parse::<u32>().ok()) {
        Some(pid) if pid == std::process::id() => format!("PID {pid}, this process"),
        Some(pid) => format!("PID {pid}"),
        None => "its PID is not recorded yet".to_owned(),
    }
}

/// Whether `path` still names the open `file` (the same inode), rather than nothing or a newer file.
#[cfg(unix)]
fn still_named(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(named), Ok(open)) => named.dev() == open.dev() && named.ino() == open.ino(),
        _ => false,
    }
}

/// Elsewhere the lock file is never removed (see [`DataLock::release`]), so the open file is the named one.
#[cfg(not(unix))]
fn still_named(_path: &Path, _file: &File) -> bool {
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::DataLock;
    use crate::error::ServeErrorKind;

    #[test]
    fn a_second_lock_is_refused_naming_the_pid_and_released_ones_can_be_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("catalog.json");
        let mut first = DataLock::acquire(&data).unwrap();
        let text = std::fs::read_to_string(DataLock::path_for(&data)).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        let e = DataLock::acquire(&data).unwrap_err();
        assert_eq!(e.kind(), ServeErrorKind::DataInUse);
        assert!(
            e.message().contains(&format!("PID {}", std::process::id())),
            "{e}"
        );
        first.release();
        if cfg!(unix) {
            assert!(!DataLock::path_for(&data).exists(), "removed on release");
        }
        let again = DataLock::acquire(&data).unwrap();
        drop(again);
    }
}
