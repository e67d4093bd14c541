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

/// One image to seed a catalog with: a JSON object (unknown properties and values included), its JSON text (every
/// value kept byte for byte, numbers wider than `f64` and long decimals too), or an [`OsImage`].
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry(Entry);

#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Value(Value),
    Text(StoredImage),
}

impl CatalogEntry {
    /// An image from the JSON text of its object, in any layout; its values are stored exactly as written (a
    /// `serde_json::Value` rounds a number such as `123456789012345678901234567890` to an `f64`). Refused when the
    /// text is not a JSON object.
    pub fn from_json(text: &str) -> Result<CatalogEntry, CatalogError> {
        StoredImage::from_json(text)
            .map(|image| CatalogEntry(Entry::Text(image)))
            .map_err(|e| CatalogError::NotJson {
                reason: e.to_string(),
            })
    }

    /// The image's JSON text: compact, as the service stores it when the entry came from the service or from
    /// [`CatalogEntry::from_json`].
    pub fn json(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Entry::Text(image) => std::borrow::Cow::Borrowed(image.text()),
            Entry::Value(value) => std::borrow::Cow::Owned(value.to_string()),
        }
    }

    /// The image as a `serde_json::Value` (numbers wider than `f64` rounded).
    pub fn to_value(&self) -> Value {
        match &self.0 {
            Entry::Text(image) => image.value(),
            Entry::Value(value) => value.clone(),
        }
    }

    pub(crate) fn stored(image: StoredImage) -> CatalogEntry {
        CatalogEntry(Entry::Text(image))
    }

    /// The stored form and id, `None` for an entry that is not an object or has no non-empty string `id`; for a
    /// `Value` that is not an object, `Err(())`.
    fn into_stored(self) -> Result<Option<(String, StoredImage)>, ()> {
        match self.0 {
            Entry::Text(image) => Ok(image.id().map(|id| (id, image))),
            Entry::Value(Value::Object(object)) => Ok(object
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(|id| (id.to_owned(), StoredImage::from_object(&object)))),
            Entry::Value(_) => Err(()),
        }
    }
}

impl From<Value> for CatalogEntry {
    fn from(value: Value) -> Self {
        CatalogEntry(Entry::Value(value))
    }
}

impl From<OsImage> for CatalogEntry {
    fn from(image: OsImage) -> Self {
        CatalogEntry(Entry::Value(
            serde_json::to_value(&image).unwrap_or(Value::Null),
        ))
    }
}

impl From<&OsImage> for CatalogEntry {
    fn from(image: &OsImage) -> Self {
        CatalogEntry(Entry::Value(
            serde_json::to_value(image).unwrap_or(Value::Null),
        ))
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
    /// [`CatalogEntry::from_json`] was given text that is not a JSON object.
    NotJson {
        /// Why, as the JSON reader said (with the line and column).
        reason: String,
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
            CatalogError::NotJson { reason } => {
                write!(f, "the catalog entry is not a JSON object: {reason}")
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
    pub(crate) entries: Vec<CatalogEntry>,
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
        self.entries = images.into_iter().map(Into::into).collect();
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

    /// A hook called after every successful write with the whole new catalog (in id order) as each image's compact
    /// JSON text (values exactly as written to the service), while the write lock is held and before the answer is
    /// produced, so a caller can persist the catalog atomically. If it returns an error (or panics), the write is
    /// undone and the client gets 500 `InternalServerError` saying persistence failed.
    pub fn on_change<F>(mut self, hook: F) -> Self
    where
        F: Fn(&[&str]) -> Result<(), String> + Send + Sync + 'static,
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
            match entry.into_stored() {
                Ok(Some((id, image))) => {
                    images.insert(id, image);
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
    entries: Vec<CatalogEntry>,
) -> Result<BTreeMap<String, StoredImage>, CatalogError> {
    let mut images = BTreeMap::new();
    // Each entry is turned into its stored text and dropped, so a large catalog is not held twice.
    for (index, entry) in entries.into_iter().enumerate() {
        let Some((id, image)) = entry
            .into_stored()
            .map_err(|()| CatalogError::NotAnObject { index })?
        else {
            return Err(CatalogError::BadId { index });
        };
        if images.insert(id.clone(), image).is_some() {
            return Err(CatalogError::DuplicateId { id });
        }
    }
    Ok(images)
}
