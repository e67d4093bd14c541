//! The `--data` file: the catalog kept on disk between runs.
//!
//! Every store writes the whole catalog to a temporary file in the same directory, flushes it to the disk, renames it
//! over the data file and flushes the directory. A reader (or a restart after a crash or power cut) therefore sees
//! either the previous catalog or the new one whole, never a torn file, and an answered write is on the disk.
//!
//! The file belongs to one emulator at a time ([`DataLock`]). A change made to it by anyone else while the emulator
//! runs (a hand edit) is noticed before the next store, which is then refused so the edit is kept: the emulator
//! remembers a fingerprint of what it last read or wrote and compares the file with it first. Temporary files that
//! a killed emulator left beside the file are removed when the next one takes the lock.

use std::fs::{File, OpenOptions};
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::catalog_file::{Catalog, parse_catalog};
use super::data_lock::DataLock;
use super::error::{ServeError, ServeErrorKind};

/// Where the catalog is kept, and the temporary file a store goes through. Clones share the lock and the
/// fingerprint.
#[derive(Debug, Clone)]
pub(crate) struct DataFile {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    dir: PathBuf,
    temp: PathBuf,
    /// `None` once released: the emulator stopped, and stores are refused.
    lock: Mutex<Option<DataLock>>,
    /// What the file held when the emulator last read or wrote it.
    seen: Mutex<Seen>,
}

/// What the file held, as far as noticing another writer goes. A length and a 64-bit hash rather than the bytes, so
/// a large catalog is not held twice; an accidental collision with a hand edit is not a practical concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// There was no file.
    Absent,
    /// The file held bytes of this length and hash.
    Bytes { len: usize, hash: u64 },
}

impl Seen {
    fn of(bytes: &[u8]) -> Seen {
        // SipHash with fixed keys: the same bytes give the same hash for the life of the process, which is all
        // this needs.
        let mut hasher = DefaultHasher::new();
        hasher.write(bytes);
        Seen::Bytes {
            len: bytes.len(),
            hash: hasher.finish(),
        }
    }
}

/// Why a store did not happen.
#[derive(Debug)]
pub(crate) enum StoreError {
    /// The file was changed by someone else since the emulator last read or wrote it; it was left as it is.
    ChangedOutside,
    /// The emulator has stopped and released the file.
    Released,
    /// Reading, writing or renaming failed.
    Io(io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::ChangedOutside => f.write_str(
                "was changed outside the emulator (by hand?) since the emulator last wrote it, so this write was \
                 refused and the file keeps that change; restart the emulator to serve the edited file",
            ),
            StoreError::Released => f.write_str("was released: the emulator has stopped"),
            StoreError::Io(e) => write!(f, "cannot be written: {e}"),
        }
    }
}

impl DataFile {
    /// Takes the data file at `path` for this emulator: its lock (refused while another emulator holds it), then
    /// the removal of temporary files a killed emulator left beside it. The temporary file of this emulator's
    /// stores sits beside it too, so the rename never crosses file systems.
    pub(crate) fn open(path: PathBuf) -> Result<Self, ServeError> {
        let Some(name) = path.file_name().map(std::ffi::OsStr::to_owned) else {
            return Err(ServeError::file(
                ServeErrorKind::Data,
                &path,
                "names a directory, not a file",
            ));
        };
        if path.is_dir() {
            return Err(ServeError::file(
                ServeErrorKind::Data,
                &path,
                "is a directory, not a file",
            ));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let lock = DataLock::acquire(&path)?;
        remove_stale_temps(&dir, &name);
        let temp = dir.join(temp_name(&name, std::process::id()));
        Ok(DataFile {
            inner: Arc::new(Inner {
                path,
                dir,
                temp,
                lock: Mutex::new(Some(lock)),
                seen: Mutex::new(Seen::Absent),
            }),
        })
    }

    /// The data file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The catalog in the file, or `None` when there is no file yet (or it is empty, as `touch` leaves it); records
    /// are checked as strictly as writes unless `lenient` (see [`Catalog::refused`]).
    pub(crate) fn load(&self, lenient: bool) -> Result<Option<Catalog>, ServeError> {
        let path = &self.inner.path;
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.remember(Seen::Absent);
                return Ok(None);
            }
            Err(e) => {
                return Err(ServeError::file(
                    ServeErrorKind::Data,
                    path,
                    format!("cannot be read: {e}"),
                ));
            }
        };
        self.remember(Seen::of(&bytes));
        let text = String::from_utf8(bytes).map_err(|e| {
            ServeError::file(
                ServeErrorKind::Data,
                path,
                format!(
                    "is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_catalog(&text, lenient)
            .map(Some)
            .map_err(|reason| ServeError::file(ServeErrorKind::Data, path, reason))
    }

    /// Writes `images` (each image's JSON text) as the whole catalog, atomically and durably (see the module
    /// comment), unless the file was changed outside the emulator since it last read or wrote it.
    pub(crate) fn store(&self, images: &[&str]) -> Result<(), StoreError> {
        let lock = self
            .inner
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if lock.is_none() {
            return Err(StoreError::Released);
        }
        self.check_unchanged()?;
        let bytes = document(images);
        let inner = &self.inner;
        let written = self.write_temp(&bytes).and_then(|()| {
            std::fs::rename(&inner.temp, &inner.path)?;
            sync_dir(&inner.dir)
        });
        match written {
            Ok(()) => {
                self.remember(Seen::of(&bytes));
                Ok(())
            }
            Err(e) => {
                // Best effort: a leftover temporary file is harmless, and the next start removes it.
                let _ = std::fs::remove_file(&inner.temp);
                Err(StoreError::Io(e))
            }
        }
    }

    /// Releases the lock (removing the lock file); later stores are refused. Called when the emulator stops, since
    /// a connection still winding down may hold a clone.
    pub(crate) fn release(&self) {
        let mut lock = self
            .inner
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(mut held) = lock.take() {
            held.release();
        }
    }

    /// Refuses when the file differs from what the emulator last read or wrote. A file that is gone (removed, or
    /// its directory with it) is written again: nothing of anyone's would be lost.
    fn check_unchanged(&self) -> Result<(), StoreError> {
        let seen = *self
            .inner
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match std::fs::read(&self.inner.path) {
            Ok(bytes) if Seen::of(&bytes) == seen => Ok(()),
            Ok(_) => Err(StoreError::ChangedOutside),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if seen != Seen::Absent {
                    tracing::warn!(
                        path = %self.inner.path.display(),
                        "osimages serve: the data file was removed while the emulator ran; writing it again"
                    );
                }
                Ok(())
            }
            Err(e) => Err(StoreError::Io(e)),
        }
    }

    fn remember(&self, seen: Seen) {
        *self
            .inner
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = seen;
    }

    fn write_temp(&self, bytes: &[u8]) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&self.inner.temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

/// What the file holds: the catalog as Graph lists it (`{"value":[...]}`, so the file can also be given to
/// `--seed`), one image per line, each as the store keeps it so its values are written exactly.
fn document(images: &[&str]) -> Vec<u8> {
    let size: usize = images.iter().map(|i| i.len() + 6).sum();
    let mut out = Vec::with_capacity(size + 24);
    out.extend_from_slice(b"{\n  \"value\": [");
    for (i, image) in images.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        out.extend_from_slice(image.as_bytes());
    }
    out.extend_from_slice(if images.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    });
    out
}

/// The temporary file a store by process `pid` goes through: `.NAME.PID.tmp`.
fn temp_name(name: &std::ffi::OsStr, pid: u32) -> std::ffi::OsString {
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".{pid}.tmp"));
    temp
}

/// Whether `file` is named like a temporary file of the data file `name`: `.NAME.DIGITS.tmp`, exactly.
fn is_temp_of(file: &std::ffi::OsStr, name: &std::ffi::OsStr) -> bool {
    let Some(rest) = file.as_encoded_bytes().strip_prefix(b".") else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(name.as_encoded_bytes()) else {
        return false;
    };
    let Some(pid) = rest
        .strip_prefix(b".")
        .and_then(|r| r.strip_suffix(b".tmp"))
    else {
        return false;
    };
    !pid.is_empty() && pid.iter().all(u8::is_ascii_digit)
}

/// Removes the temporary files of earlier emulators on this data file (`.NAME.PID.tmp`, regular files only). Only
/// called with the lock held, so none of them belongs to a running emulator. Best effort: a file that cannot be
/// removed is only untidy.
fn remove_stale_temps(dir: &Path, name: &std::ffi::OsStr) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut removed = 0_usize;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !is_temp_of(&file_name, name) {
            continue;
        }
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            removed,
            dir = %dir.display(),
            "osimages serve: removed temporary files an earlier emulator left beside the data file"
        );
    }
}

/// Flushes a directory entry change (the rename) to the disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Windows cannot open a directory as a file; its rename is flushed with the file system journal.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::DataFile;

    #[test]
    fn stores_and_loads_the_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let file = DataFile::open(dir.path().join("catalog.json")).unwrap();
        assert!(file.load(true).unwrap().is_none());
        let images = [
            r#"{"id":"a","x":[1,2]}"#,
            r#"{"id":"b","n":123456789012345678901234567890}"#,
        ];
        file.store(&images).unwrap();
        let loaded = file.load(true).unwrap().unwrap();
        let texts: Vec<_> = loaded
            .entries
            .iter()
            .map(|e| e.json().into_owned())
            .collect();
        assert_eq!(texts, images);
        file.store(&[]).unwrap();
        assert!(file.load(true).unwrap().unwrap().entries.is_empty());
        file.release();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["catalog.json"], "no temporary file is left behind");
    }

    #[test]
    fn a_store_into_a_missing_directory_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        std::fs::create_dir(&missing).unwrap();
        let file = DataFile::open(missing.join("catalog.json")).unwrap();
        std::fs::remove_dir_all(&missing).unwrap();
        assert!(file.store(&[]).is_err());
        assert!(!dir.path().join("missing").exists());
    }

    #[test]
    fn an_empty_file_is_no_catalog_yet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        std::fs::write(&path, "  \n").unwrap();
        assert!(DataFile::open(path).unwrap().load(true).unwrap().is_none());
    }

    #[test]
    fn the_temporary_file_pattern_is_exact() {
        use std::ffi::OsStr;
        let name = OsStr::new("catalog.json");
        assert_eq!(super::temp_name(name, 42), ".catalog.json.42.tmp");
        for stale in [".catalog.json.42.tmp", ".catalog.json.1.tmp"] {
            assert!(super::is_temp_of(OsStr::new(stale), name), "{stale}");
        }
        for other in [
            "catalog.json",
            ".catalog.json.tmp",
            ".catalog.json..tmp",
            ".catalog.json.4x2.tmp",
            "catalog.json.42.tmp",
            ".catalog.json.42.tmp.bak",
            ".other.json.42.tmp",
            ".catalog.json.5.42.tmp",
        ] {
            assert!(!super::is_temp_of(OsStr::new(other), name), "{other}");
        }
    }
}
