//! Configuring a fake service: its catalog, paging, enum strictness, persistence hook, log size and local authority.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use intune_osimages_model::OsImage;
use serde_json::Value;

use crate::FakeGraph;
use crate::authority::LocalAuthority;
use crate::store::OnChange;
use crate::stored::StoredImage;

/// How many requests the log keeps by default (the oldest are dropped first).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;

/// One image to seed a catalog with: a JSON object (kept exactly, unknown properties and values included) or an
/// [`OsImage`].
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry(Value);

impl From<Value> for CatalogEntry {
    fn from(value: Value) -> Self {
        CatalogEntry(value)
    }
}

impl From<OsImage> for CatalogEntry {
    fn from(image: OsImage) -> Self {
        CatalogEntry(serde_json::to_value(&image).unwrap_or(Value::Null))
    }
}

impl From<&OsImage> for CatalogEntry {
    fn from(image: &OsImage) -> Self {
        CatalogEntry(serde_json::to_value(image).unwrap_or(Value::Null))
    }
}

/// Why a seed catalog was refused by [`FakeGraphBuilder::try_build`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogError {
    /// Entry `index` (0-based) is not a JSON object.
    NotAnObject {
        /// The entry's position in the seed.
        index: usize,
    },
    /// Entry `index` has no `id`, or its `id` is not a non-empty string.
    BadId {
        /// The entry's position in the seed.
        index: usize,
    },
    /// Two entries have this id.
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// The catalog could not be replaced: the `on_change` hook refused it (the old catalog stays).
    NotStored {
        /// Why, as the hook said.
        reason: String,
    },
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::NotAnObject { index } => {
                write!(f, "catalog entry {index} is not a JSON object")
            }
            CatalogError::BadId { index } => {
                write!(
                    f,
                    "catalog entry {index} has no \"id\" that is a non-empty string"
                )
            }
            CatalogError::DuplicateId { id } => {
                write!(f, "the catalog has two images with id {id:?}")
            }
            CatalogError::NotStored { reason } => {
                write!(f, "the catalog was not replaced: {reason}")
            }
        }
    }
}

impl std::error::Error for CatalogError {}

/// Builds a [`FakeGraph`]. Defaults: an empty catalog, no server-driven paging, strict enums and properties, no
/// `on_change` hook, a log of the last [`DEFAULT_REQUEST_LOG_CAPACITY`] requests.
#[must_use]
pub struct FakeGraphBuilder {
    pub(crate) entries: Vec<Value>,
    pub(crate) page_size: Option<usize>,
    pub(crate) strict_enums: bool,
    pub(crate) strict_properties: bool,
    pub(crate) on_change: Option<OnChange>,
    pub(crate) log_capacity: usize,
    pub(crate) authority: Option<LocalAuthority>,
}

impl Default for FakeGraphBuilder {
    fn default() -> Self {
        FakeGraphBuilder {
            entries: Vec::new(),
            page_size: None,
            strict_enums: true,
            strict_properties: true,
            on_change: None,
            log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            authority: None,
        }
    }
}

impl fmt::Debug for FakeGraphBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGraphBuilder")
            .field("entries", &self.entries.len())
            .field("page_size", &self.page_size)
            .field("strict_enums", &self.strict_enums)
            .field("strict_properties", &self.strict_properties)
            .field("on_change", &self.on_change.is_some())
            .field("log_capacity", &self.log_capacity)
            .field("authority", &self.authority)
            .finish()
    }
}

impl FakeGraphBuilder {
    /// Seeds the catalog with these images (JSON objects or [`OsImage`]s), replacing any given before. Entries are
    /// stored as given: the seed is trusted, so unknown properties and enum values are kept whatever
    /// [`FakeGraphBuilder::strict_enums`] says.
    pub fn catalog<I>(mut self, images: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CatalogEntry>,
    {
        self.entries = images.into_iter().map(|e| e.into().0).collect();
        self
    }

    /// Server-driven paging: at most this many images per page, with an `@odata.nextLink` to the rest. `None` (the
    /// default) pages only when the request has `$top`. A size of 0 is taken as 1.
    pub fn page_size(mut self, page_size: Option<usize>) -> Self {
        self.page_size = page_size.map(|n| n.max(1));
        self
    }

    /// Whether an unknown enum value in a create or update body (or compared in `$filter`) is refused with 400, as
    /// Graph does (the default), or accepted and stored as written.
    pub fn strict_enums(mut self, strict: bool) -> Self {
        self.strict_enums = strict;
        self
    }

    /// Whether a create or update body naming a property the type does not declare is refused with 400, as Graph
    /// does (the default: the entity type is not an open type), or accepted and stored as written.
    pub fn strict_properties(mut self, strict: bool) -> Self {
        self.strict_properties = strict;
        self
    }

    /// Accept what Graph refuses in writes (unknown enum values and undeclared properties) when `lenient` is set;
    /// shorthand for `strict_enums(!lenient).strict_properties(!lenient)`.
    pub fn lenient(self, lenient: bool) -> Self {
        self.strict_enums(!lenient).strict_properties(!lenient)
    }

    /// A hook called after every successful write with the whole new catalog (in id order), while the write lock
    /// is held and before the answer is produced, so a caller can persist the catalog atomically. If it returns an
    /// error (or panics), the write is undone and the client gets 500 `InternalServerError` saying persistence
    /// failed.
    pub fn on_change<F>(mut self, hook: F) -> Self
    where
        F: Fn(&[Value]) -> Result<(), String> + Send + Sync + 'static,
    {
        self.on_change = Some(Arc::new(hook));
        self
    }

    /// How many requests the log keeps (the oldest are dropped first); 0 turns the log off.
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.log_capacity = capacity;
        self
    }

    /// Also answers Entra ID's token endpoints as a [`LocalAuthority`] with these settings, and then accepts on the
    /// Graph paths exactly the access tokens it issued (see [`LocalAuthority`]).
    pub fn local_authority(mut self, settings: LocalAuthority) -> Self {
        self.authority = Some(settings);
        self
    }

    /// Builds the service, refusing a catalog with an entry that is not an object, lacks a string `id`, or repeats
    /// an id.
    pub fn try_build(mut self) -> Result<FakeGraph, CatalogError> {
        let images = stored_catalog(std::mem::take(&mut self.entries))?;
        Ok(FakeGraph::from_parts(self, images))
    }

    /// Builds the service. Entries [`FakeGraphBuilder::try_build`] would refuse are skipped with a warning (for a
    /// repeated id the last entry wins); use `try_build` to get an error instead.
    pub fn build(mut self) -> FakeGraph {
        let mut images = BTreeMap::new();
        for (index, entry) in std::mem::take(&mut self.entries).into_iter().enumerate() {
            let id = match &entry {
                Value::Object(object) => object
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty()),
                _ => None,
            };
            match (id, &entry) {
                (Some(id), Value::Object(object)) => {
                    images.insert(id.to_owned(), StoredImage::from_object(object));
                }
                _ => tracing::warn!(
                    index,
                    "fake Graph: skipping a catalog entry without a string id"
                ),
            }
        }
        FakeGraph::from_parts(self, images)
    }
}

/// The stored form of a seed: refused when an entry is not an object, lacks a non-empty string `id`, or repeats one.
pub(crate) fn stored_catalog(
    entries: Vec<Value>,
) -> Result<BTreeMap<String, StoredImage>, CatalogError> {
    let mut images = BTreeMap::new();
    // Each entry is turned into its stored text and dropped, so a large catalog is not held twice.
    for (index, entry) in entries.into_iter().enumerate() {
        let Value::Object(object) = entry else {
            return Err(CatalogError::NotAnObject { index });
        };
        let Some(Value::String(id)) = object
            .get("id")
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        else {
            return Err(CatalogError::BadId { index });
        };
        let id = id.clone();
        if images
            .insert(id.clone(), StoredImage::from_object(&object))
            .is_some()
        {
            return Err(CatalogError::DuplicateId { id });
        }
    }
    Ok(images)
}
