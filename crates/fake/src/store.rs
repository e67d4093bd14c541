//! The catalog and how writes reach it: under the write lock, with the `on_change` hook called before the answer
//! and the change undone if the hook fails.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use crate::reply::GraphError;
use crate::stored::StoredImage;

/// The hook a builder's `on_change` installs.
pub(crate) type OnChange = Arc<dyn Fn(&[&str]) -> Result<(), String> + Send + Sync>;

/// How to put the catalog back if the hook refuses a change.
#[derive(Debug)]
pub(crate) enum Undo {
    /// The write replaced the whole catalog, which held this.
    Replace(BTreeMap<String, StoredImage>),
    /// The write added this id.
    Remove(String),
    /// The write changed or removed this id, which held this image.
    Restore(String, StoredImage),
}

/// Images keyed by id, in id order (Rust string order: by Unicode code point).
pub(crate) struct Store {
    images: RwLock<BTreeMap<String, StoredImage>>,
    on_change: Option<OnChange>,
}

impl Store {
    /// A store holding `images`.
    pub(crate) fn new(images: BTreeMap<String, StoredImage>, on_change: Option<OnChange>) -> Self {
        Store {
            images: RwLock::new(images),
            on_change,
        }
    }

    /// Read access. A panic elsewhere while the lock was held does not make the catalog unreadable.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, StoredImage>> {
        self.images.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `change` under the write lock, then calls the hook with the whole new catalog; if the hook fails (or
    /// panics) the change is undone and the answer is a 500 saying persistence failed.
    pub(crate) fn write<T>(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, StoredImage>) -> Result<(T, Undo), GraphError>,
    ) -> Result<T, GraphError> {
        let mut images = self.images.write().unwrap_or_else(PoisonError::into_inner);
        let (out, undo) = change(&mut images)?;
        let Some(hook) = &self.on_change else {
            return Ok(out);
        };
        let snapshot: Vec<&str> = images.values().map(StoredImage::text).collect();
        let failure = match catch_unwind(AssertUnwindSafe(|| hook(&snapshot))) {
            Ok(Ok(())) => return Ok(out),
            Ok(Err(message)) => message,
            Err(_) => "the on_change hook panicked".to_owned(),
        };
        match undo {
            Undo::Replace(previous) => *images = previous,
            Undo::Remove(id) => {
                images.remove(&id);
            }
            Undo::Restore(id, value) => {
                images.insert(id, value);
            }
        }
        tracing::warn!(reason = %failure, "fake Graph: persisting a change failed; the change was rolled back");
        Err(GraphError::internal(format!(
            "Persisting the change failed, so it was rolled back: {failure}"
        )))
    }
}
