//! Operations on `/deviceManagement/managedDeviceWindowsOSImages`.

mod count;
mod delete;
mod get;
mod into_future;
mod list;
pub(crate) mod query;
mod write;

pub use count::CountRequest;
pub use delete::DeleteRequest;
pub use get::GetRequest;
pub use list::ListRequest;
pub use write::{CreateRequest, UpdateRequest, Updated};

pub(crate) use count::parse_count;
pub(crate) use write::{prepare, updated_from};

use intune_osimages_model::{OsImage, OsImagePatch};

use crate::Client;
use crate::ids::push_encoded_id;
use write::Body;

/// The collection's path under the base URL.
pub(crate) const COLLECTION: &str = "/deviceManagement/managedDeviceWindowsOSImages";

/// The operations of the OS image catalog; get one from [`Client::os_images`].
///
/// ```
/// # async fn run(client: intune_osimages::Client) -> Result<(), intune_osimages::Error> {
/// use futures::TryStreamExt;
/// let images = client.os_images();
/// let mut stream = images.list().filter("startswith(id,'Windows 11')").top(10).stream();
/// while let Some(image) = stream.try_next().await? {
///     println!("{}", image.id_str());
/// }
/// let one = images.get("Windows 11 24H2").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct OsImages {
    client: Client,
}

impl OsImages {
    pub(crate) fn new(client: Client) -> Self {
        OsImages { client }
    }

    /// Lists the catalog (`GET /deviceManagement/managedDeviceWindowsOSImages`) with OData options.
    pub fn list(&self) -> ListRequest {
        ListRequest::new(self.client.clone(), "list", None, Ok(COLLECTION.to_owned()))
    }

    /// Reads one image (`GET .../{id}`); the id is sent as one percent-encoded path segment.
    pub fn get(&self, id: impl AsRef<str>) -> GetRequest {
        GetRequest::new(self.client.clone(), id.as_ref())
    }

    /// Creates an image (`POST`, 201). The body is validated first; nothing is sent when validation finds an error.
    pub fn create(&self, image: &OsImage) -> CreateRequest {
        CreateRequest::new(self.client.clone(), Body::value(to_value(image)))
    }

    /// Creates an image from a raw JSON body, validated the same way and sent exactly as given.
    pub fn create_json(&self, body: serde_json::Value) -> CreateRequest {
        CreateRequest::new(self.client.clone(), Body::value(Ok(body)))
    }

    /// Creates an image from the bytes of a JSON document (a file as the user wrote it): they are parsed and
    /// validated, then sent byte for byte, so key order, number spelling and whitespace reach Graph unchanged.
    /// Bytes that are not JSON are an [`Error::Configuration`](crate::Error::Configuration), sending nothing.
    pub fn create_bytes(&self, body: impl Into<bytes::Bytes>) -> CreateRequest {
        CreateRequest::new(self.client.clone(), Body::bytes(body.into()))
    }

    /// Updates an image (`PATCH .../{id}`), sending only what the patch sets. Validated first: Graph documents every
    /// property as read-only, so writing one is an error unless [`UpdateRequest::allow_read_only`] is set.
    pub fn update(&self, id: impl AsRef<str>, patch: &OsImagePatch) -> UpdateRequest {
        UpdateRequest::new(
            self.client.clone(),
            id.as_ref(),
            Body::value(to_value(patch)),
        )
    }

    /// Updates an image with a raw JSON body, validated the same way and sent exactly as given.
    pub fn update_json(&self, id: impl AsRef<str>, body: serde_json::Value) -> UpdateRequest {
        UpdateRequest::new(self.client.clone(), id.as_ref(), Body::value(Ok(body)))
    }

    /// Updates an image with the bytes of a JSON document, parsed and validated, then sent byte for byte (see
    /// [`OsImages::create_bytes`]).
    pub fn update_bytes(
        &self,
        id: impl AsRef<str>,
        body: impl Into<bytes::Bytes>,
    ) -> UpdateRequest {
        UpdateRequest::new(self.client.clone(), id.as_ref(), Body::bytes(body.into()))
    }

    /// Deletes an image (`DELETE .../{id}`, 204).
    pub fn delete(&self, id: impl AsRef<str>) -> DeleteRequest {
        DeleteRequest::new(self.client.clone(), id.as_ref())
    }

    /// Calls the `getAllManagedDeviceWindowsOSImages()` function bound to an image; answers a collection like
    /// [`OsImages::list`].
    pub fn get_all(&self, id: impl AsRef<str>) -> ListRequest {
        let path =
            item_path(id.as_ref()).map(|p| format!("{p}/getAllManagedDeviceWindowsOSImages()"));
        ListRequest::new(self.client.clone(), "get_all", Some(id.as_ref()), path)
    }

    /// Counts the catalog (`GET .../$count`), optionally filtered.
    pub fn count(&self) -> CountRequest {
        CountRequest::new(self.client.clone())
    }

    /// The next page after `page`, or `None` on the last page. The link must point to the configured origin.
    pub async fn next_page(
        &self,
        page: &intune_osimages_model::Page<OsImage>,
    ) -> Result<Option<intune_osimages_model::Page<OsImage>>, crate::Error> {
        match &page.next_link {
            None => Ok(None),
            Some(link) => list::fetch_page(&self.client, "list", None, link, None)
                .await
                .map(Some),
        }
    }
}

pub(super) fn item_path(id: &str) -> Result<String, crate::Error> {
    let mut path = String::with_capacity(COLLECTION.len() + 1 + id.len() + 8);
    path.push_str(COLLECTION);
    path.push('/');
    push_encoded_id(&mut path, id)?;
    Ok(path)
}

fn to_value(value: &impl serde::Serialize) -> Result<serde_json::Value, crate::Error> {
    serde_json::to_value(value)
        .map_err(|e| crate::Error::configuration(format!("cannot serialize the body: {e}")))
}
