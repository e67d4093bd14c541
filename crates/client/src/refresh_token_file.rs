//! A delegated sign-in's refresh token kept in a file only its user can read, so later runs sign in silently.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use intune_osimages_transport::TokenError;
use serde::{Deserialize, Serialize};

use crate::credentials::Secret;

/// Where a refresh token is kept between runs: one JSON file per authority, tenant and client id, written atomically
/// (a temporary file in the same directory, then renamed over) with mode 0600 in a directory of mode 0700. A file
/// that its group or others can read is refused, not used: the token in it may already have been read by someone
/// else, and only its owner should decide whether to keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenFile {
    path: PathBuf,
}

/// What the file holds: the refresh token and what it was issued for, so a file copied or renamed to another
/// tenant's name is not used for that tenant.
#[derive(Serialize, Deserialize)]
struct Stored {
    authority: String,
    tenant: String,
    client_id: String,
    refresh_token: String,
}

/// Who a refresh token belongs to: the authority, tenant and client id it was issued at and for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    pub(crate) authority: String,
    pub(crate) tenant: String,
    pub(crate) client_id: String,
}

impl RefreshTokenFile {
    /// The file at `path` (it need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RefreshTokenFile { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file exists.
    pub fn exists(&self) -> bool {
        self.path.is_file()
    }

    /// Removes the file; `Ok(false)` when there was none.
    pub fn remove(&self) -> std::io::Result<bool> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The refresh token kept for `owner`: `Ok(None)` when there is no file or it was written for someone else.
    /// (Small, local reads and writes: done in place rather than on a blocking thread.)
    pub(crate) fn load(&self, owner: &Owner) -> Result<Option<Secret>, TokenError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(TokenError::new(format!(
                    "cannot read the token cache {}: {e}",
                    self.path.display()
                )));
            }
        };
        self.check_private()?;
        let stored: Stored = serde_json::from_str(&text).map_err(|e| {
            // serde_json's message names the line and column, never the value.
            TokenError::new(format!(
                "the token cache {} is not a token cache ({e}); remove it and sign in again",
                self.path.display()
            ))
        })?;
        let matches = stored.authority == owner.authority
            && stored.tenant == owner.tenant
            && stored.client_id == owner.client_id;
        Ok(
            (matches && !stored.refresh_token.is_empty())
                .then(|| Secret::new(stored.refresh_token)),
        )
    }

    /// Replaces the file with `refresh_token` for `owner`.
    pub(crate) fn store(&self, owner: &Owner, refresh_token: &Secret) -> Result<(), TokenError> {
        let failed = |what: &str, e: std::io::Error| {
            TokenError::new(format!(
                "cannot {what} the token cache {}: {e}",
                self.path.display()
            ))
        };
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| failed("create the directory of", e))?;
        let body = serde_json::to_vec(&Stored {
            authority: owner.authority.clone(),
            tenant: owner.tenant.clone(),
            client_id: owner.client_id.clone(),
            refresh_token: refresh_token.expose().to_owned(),
        })
        .map_err(|e| TokenError::new("cannot encode the token cache").with_source(e))?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = dir.join(format!(".{name}.{}.tmp", uuid_like()));
        let written = (|| {
            let mut file = create_private_file(&temporary)?;
            file.write_all(&body)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(failed("write", e));
        }
        Ok(())
    }

    /// Refuses a file its group or others may read.
    #[cfg(unix)]
    fn check_private(&self) -> Result<(), TokenError> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&self.path)
            .map_err(|e| {
                TokenError::new(format!(
                    "cannot read the token cache {}: {e}",
                    self.path.display()
                ))
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(TokenError::new(format!(
                "the token cache {} has mode {:04o}, so others may read the refresh token in it; it is not used: \
                 remove it (`osimages logout`) and sign in again, or make it private (chmod 600)",
                self.path.display(),
                mode & 0o7777
            ))
            .with_code("token_cache_not_private"));
        }
        Ok(())
    }

    /// On Windows the file lies under the user's profile, whose ACL already keeps others out.
    #[cfg(not(unix))]
    fn check_private(&self) -> Result<(), TokenError> {
        Ok(())
    }
}

impl fmt::Display for RefreshTokenFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.path.display().fmt(f)
    }
}

/// A name part no other writer picks at the same moment.
fn uuid_like() -> String {
    format!("{}-{:x}", std::process::id(), rand::random::<u64>())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
