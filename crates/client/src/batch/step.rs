//! What one step of a batch is: the request it sends, and the typed value its answer becomes.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use http::Method;
use intune_osimages_model::{OsImage, Page};
use intune_osimages_transport::Response;
use intune_osimages_validate::{Operation, Policy};
use serde_json::Value;

use crate::Error;
use crate::decode::{decode_model, graph_error};
use crate::os_images::{
    CountRequest, CreateRequest, DeleteRequest, GetRequest, ListRequest, UpdateRequest, Updated,
};

/// A handle to one step of a [`Batch`](super::Batch): give it to [`BatchResults::get`](super::BatchResults::get) to
/// read the step's own typed result, or to [`Batch::depends_on`](super::Batch::depends_on). Cheap to copy.
pub struct Step<T> {
    pub(crate) index: usize,
    pub(crate) batch: u64,
    output: PhantomData<fn() -> T>,
}

impl<T> Step<T> {
    pub(crate) fn new(index: usize, batch: u64) -> Self {
        Step {
            index,
            batch,
            output: PhantomData,
        }
    }

    /// The step's position in its batch (0-based, in the order steps were added).
    pub fn position(&self) -> usize {
        self.index
    }
}

impl<T> Clone for Step<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Step<T> {}

impl<T> fmt::Debug for Step<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Step")
            .field("position", &self.index)
            .field("output", &std::any::type_name::<T>())
            .finish()
    }
}

/// What a step sends, before ids are assigned and bodies validated. Opaque outside this crate: the type is public
/// only so the sealed traits can name it, and no path to it is exported.
#[derive(Debug, Clone)]
pub struct StepSpec {
    /// The operation's name, for logs.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// Relative to the base URL, starting with `/`.
    pub(crate) url: Result<String, Error>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<BodySpec>,
    /// An id the caller chose; others are numbered at send time.
    pub(crate) id: Option<String>,
}

/// A step's body and how it is validated before anything is sent.
#[derive(Debug, Clone)]
pub(crate) struct BodySpec {
    pub(crate) value: Result<Value, Error>,
    /// The operation to validate for and the policy; `None` sends the body unvalidated (a raw step to another path).
    pub(crate) validation: Option<(Operation, Policy)>,
}

/// A request that can be a step of a batch: the operation builders of [`OsImages`](crate::OsImages) and
/// [`RawStep`]. Sealed: the set of step types is this crate's.
pub trait BatchStep: sealed::IntoSpec {
    /// What the step's answer becomes.
    type Output: StepOutput;
}

/// The typed value a step's answer is read into. Sealed.
pub trait StepOutput: sealed::FromAnswer {}

/// The methods behind [`BatchStep`] and [`StepOutput`], in a module no other crate can name, so both traits stay
/// implemented only here.
pub(crate) mod sealed {
    use super::{Error, Response, StepResponse, StepSpec};

    /// A step's request.
    pub trait IntoSpec {
        /// What the step sends.
        fn into_spec(self) -> StepSpec;
    }

    /// A step's typed answer.
    pub trait FromAnswer: Sized {
        /// Reads the item's answer.
        fn from_answer(answer: &Response, step: &StepResponse) -> Result<Self, Error>;
    }
}

/// One step's answer as Graph gave it, whatever its type: for tables, logs and `--json` output.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StepResponse {
    /// The id the step was sent with.
    pub id: String,
    /// The method.
    pub method: String,
    /// The URL, relative to the version.
    pub url: String,
    /// The item's status, or `None` when its batch got no usable answer (see [`BatchResults::get`](super::BatchResults::get)).
    pub status: Option<u16>,
    /// The item's headers (lower-case names).
    pub headers: BTreeMap<String, String>,
    /// The item's body as Graph wrote it in the batch answer (a non-JSON body is a base64 string).
    pub body: Option<Value>,
}

impl StepResponse {
    /// Whether the step got an answer with a success status.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// A request in Graph's batch format, for anything the typed steps do not cover: its answer is the
/// [`StepResponse`] itself (a status of 400 or more is still an `Err` with the Graph error).
///
/// A body sent to the collection with POST, or to one image with PATCH, is validated like a create or update
/// (read-only properties refused unless [`Batch::allow_read_only`](super::Batch::allow_read_only)).
#[derive(Debug, Clone)]
#[must_use]
pub struct RawStep {
    id: Option<String>,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl RawStep {
    /// A request with this method and URL, relative to the version (`/deviceManagement/...`; a leading `/` is
    /// optional).
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        RawStep {
            id: None,
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The step's id in the batch (otherwise one is numbered); ids must be unique, ignoring case.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a header (`Content-Type: application/json` is added for a body unless given).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

impl BatchStep for RawStep {
    type Output = StepResponse;
}

impl sealed::IntoSpec for RawStep {
    fn into_spec(self) -> StepSpec {
        let url = relative_url(&self.url);
        let path = url
            .as_deref()
            .ok()
            .map(|u| u.split('?').next().unwrap_or("").to_owned());
        let validation = path.and_then(|p| match self.method {
            Method::POST if is_collection(&p) => Some((Operation::Create, Policy::default())),
            Method::PATCH if is_item(&p) => Some((Operation::Update, Policy::default())),
            _ => None,
        });
        let mut headers = self.headers;
        if self.body.is_some()
            && !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        StepSpec {
            operation: "raw",
            method: self.method,
            url,
            headers,
            body: self.body.map(|value| BodySpec {
                value: Ok(value),
                validation,
            }),
            id: self.id,
        }
    }
}

/// `/path?query` from a URL relative to the version, with or without its leading `/`; absolute URLs are refused.
fn relative_url(url: &str) -> Result<String, Error> {
    if url.contains("://") {
        return Err(Error::configuration(format!(
            "batch step URL {url:?} is absolute; give it relative to the version, such as /deviceManagement/managedDeviceWindowsOSImages"
        )));
    }
    if url.trim().is_empty() {
        return Err(Error::configuration("a batch step needs a URL"));
    }
    Ok(format!("/{}", url.trim_start_matches('/')))
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').collect()
}

fn is_collection(path: &str) -> bool {
    matches!(segments(path).as_slice(), [a, b] if is_set(a, b))
}

fn is_item(path: &str) -> bool {
    matches!(segments(path).as_slice(), [a, b, key] if is_set(a, b) && !key.is_empty() && *key != "$count")
}

fn is_set(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case("deviceManagement")
        && b.eq_ignore_ascii_case("managedDeviceWindowsOSImages")
}

macro_rules! step_for {
    ($request:ty, $output:ty) => {
        impl BatchStep for $request {
            type Output = $output;
        }
        impl sealed::IntoSpec for $request {
            fn into_spec(self) -> StepSpec {
                self.into_step_spec()
            }
        }
    };
}

step_for!(GetRequest, OsImage);
step_for!(ListRequest, Page<OsImage>);
step_for!(CreateRequest, OsImage);
step_for!(UpdateRequest, Updated);
step_for!(DeleteRequest, ());
step_for!(CountRequest, u64);

/// The answer of a step as a typed value: an error status is the Graph error, else the body decoded.
fn checked(answer: &Response) -> Result<(), Error> {
    if answer.status().is_success() {
        Ok(())
    } else {
        Err(Error::Graph(Box::new(graph_error(answer))))
    }
}

impl StepOutput for OsImage {}
impl sealed::FromAnswer for OsImage {
    fn from_answer(answer: &Response, _: &StepResponse) -> Result<Self, Error> {
        checked(answer)?;
        decode_model(answer)
    }
}

impl StepOutput for Page<OsImage> {}
impl sealed::FromAnswer for Page<OsImage> {
    fn from_answer(answer: &Response, _: &StepResponse) -> Result<Self, Error> {
        checked(answer)?;
        decode_model(answer)
    }
}

impl StepOutput for Updated {}
impl sealed::FromAnswer for Updated {
    fn from_answer(answer: &Response, _: &StepResponse) -> Result<Self, Error> {
        checked(answer)?;
        crate::os_images::updated_from(answer)
    }
}

impl StepOutput for () {}
impl sealed::FromAnswer for () {
    fn from_answer(answer: &Response, _: &StepResponse) -> Result<Self, Error> {
        checked(answer)
    }
}

impl StepOutput for u64 {}
impl sealed::FromAnswer for u64 {
    fn from_answer(answer: &Response, _: &StepResponse) -> Result<Self, Error> {
        checked(answer)?;
        crate::os_images::parse_count(answer)
    }
}

impl StepOutput for StepResponse {}
impl sealed::FromAnswer for StepResponse {
    fn from_answer(answer: &Response, step: &StepResponse) -> Result<Self, Error> {
        checked(answer)?;
        Ok(step.clone())
    }
}

/// The bytes of a body as the handler would have sent them: JSON as JSON, a string with a non-JSON type as base64.
pub(crate) fn body_bytes(body: Option<&Value>, content_type: Option<&str>) -> Bytes {
    let json = content_type.is_none_or(|ct| ct.to_ascii_lowercase().contains("json"));
    match body {
        None => Bytes::new(),
        Some(Value::String(text)) if !json => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_or_else(|_| Bytes::from(text.clone()), Bytes::from)
        }
        Some(other) => Bytes::from(serde_json::to_vec(other).unwrap_or_default()),
    }
}
