//! The `--data` file: the catalog kept on disk between runs.
//!
//! Every store writes the whole catalog to a temporary file in the same directory, flushes it to the disk, renames it
//! over the data file and flushes the directory. A reader (or a restart after a crash or power cut) therefore sees
//! either the previous catalog or the new one whole, never a torn file, and an answered write is on the disk.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::catalog_file::parse_catalog;
use super::error::{ServeError, ServeErrorKind};

/// Where the catalog is kept, and the temporary file a store goes through.
#[derive(Debug, Clone)]
pub(crate) struct DataFile {
    path: PathBuf,
    dir: PathBuf,
    temp: PathBuf,
}

/// What the file holds: the catalog as Graph lists it, so the file can also be given to `--seed`.
#[derive(Serialize)]
struct Document<'a> {
    value: &'a [Value],
}

impl DataFile {
    /// The data file at `path`; the temporary file sits beside it so the rename never crosses file systems.
    pub(crate) fn new(path: PathBuf) -> Result<Self, ServeError> {
        let Some(name) = path.file_name() else {
            return Err(ServeError::file(
                ServeErrorKind::Data,
                &path,
                "names a directory, not a file",
            ));
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        Ok(DataFile { path, dir, temp })
    }

    /// The data file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The catalog in the file, or `None` when there is no file yet (or it is empty, as `touch` leaves it).
    pub(crate) fn load(&self) -> Result<Option<Vec<Value>>, ServeError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ServeError::file(
                    ServeErrorKind::Data,
                    &self.path,
                    format!("cannot be read: {e}"),
                ));
            }
        };
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_catalog(&text)
            .map(Some)
            .map_err(|reason| ServeError::file(ServeErrorKind::Data, &self.path, reason))
    }

    /// Writes `images` as the whole catalog, atomically and durably (see the module comment).
    pub(crate) fn store(&self, images: &[Value]) -> io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(&Document { value: images })
            .map_err(|e| io::Error::other(format!("cannot serialize the catalog: {e}")))?;
        bytes.push(b'\n');
        let written = self.write_temp(&bytes).and_then(|()| {
            std::fs::rename(&self.temp, &self.path)?;
            sync_dir(&self.dir)
        });
        if written.is_err() {
            // Best effort: a leftover temporary file is harmless but untidy.
            let _ = std::fs::remove_file(&self.temp);
        }
        written
    }

    fn write_temp(&self, bytes: &[u8]) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&self.temp)?;
        file.write_all(bytes)?;
        file.sync_all()
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
        let file = DataFile::new(dir.path().join("catalog.json")).unwrap();
        assert!(file.load().unwrap().is_none());
        let images = vec![serde_json::json!({"id": "a", "x": [1, 2]})];
        file.store(&images).unwrap();
        assert_eq!(file.load().unwrap().unwrap(), images);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["catalog.json"], "no temporary file is left behind");
    }

    #[test]
    fn a_store_into_a_missing_directory_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = DataFile::new(dir.path().join("missing").join("catalog.json")).unwrap();
        assert!(file.store(&[]).is_err());
        assert!(!dir.path().join("missing").exists());
    }

    #[test]
    fn an_empty_file_is_no_catalog_yet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        std::fs::write(&path, "  \n").unwrap();
        assert!(DataFile::new(path).unwrap().load().unwrap().is_none());
    }
}
