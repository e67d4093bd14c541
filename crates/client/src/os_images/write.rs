//! Creating and updating: validate, then send exactly the validated body.

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_model::OsImage;
use intune_osimages_validate::{Operation, Policy, validate};

use super::COLLECTION;
use crate::batch::{BodySpec, StepSpec};
use crate::call::Call;
use crate::decode::decode_model;
use crate::{Client, Error};

/// What an update answered: Graph documents 200 with the updated object; some deployments answer 204 with no body.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Updated {
    /// 200: the image as it now stands.
    Image(Box<OsImage>),
    /// 204: the update was applied and Graph sent no object back; read it with `get` if you need it.
    NoContent,
}

impl Updated {
    /// The returned image, if Graph sent one.
    pub fn into_image(self) -> Option<OsImage> {
        match self {
            Updated::Image(image) => Some(*image),
            Updated::NoContent => None,
        }
    }
}

/// A body to send: the value validation judges, and, when the caller gave bytes, those bytes (sent as they are, so
/// key order, number spelling and whitespace reach Graph unchanged).
#[derive(Debug, Clone)]
pub(super) struct Body {
    pub(super) value: serde_json::Value,
    pub(super) given: Option<Bytes>,
}

impl Body {
    /// A body serialized from `value` when it is sent.
    pub(super) fn value(value: Result<serde_json::Value, Error>) -> Result<Body, Error> {
        value.map(|value| Body { value, given: None })
    }

    /// A body of exactly these bytes, parsed for validation only.
    pub(super) fn bytes(bytes: Bytes) -> Result<Body, Error> {
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            Error::configuration(format!(
                "the body is not JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        Ok(Body {
            value,
            given: Some(bytes),
        })
    }
}

/// Validates `body` for `operation` and serializes it, or says why not.
pub(crate) fn prepare(
    body: Result<serde_json::Value, Error>,
    operation: Operation,
    policy: Policy,
) -> Result<Bytes, Error> {
    prepare_body(Body::value(body), operation, policy)
}

/// Validates `body` for `operation` and returns the bytes to send: the caller's own bytes when it gave them.
fn prepare_body(
    body: Result<Body, Error>,
    operation: Operation,
    policy: Policy,
) -> Result<Bytes, Error> {
    let Body { value: body, given } = body?;
    let report = validate(&body, operation, policy);
    if report.has_errors() {
        return Err(Error::Validation(report));
    }
    for warning in report.warnings() {
        tracing::warn!(%warning, "validation warning; the body is sent as given");
    }
    if let Some(given) = given {
        return Ok(given);
    }
    serde_json::to_vec(&body)
        .map(Bytes::from)
        .map_err(|e| Error::configuration(format!("cannot serialize the body: {e}")))
}

/// A create request; `.await` it.
#[derive(Debug, Clone)]
#[must_use]
pub struct CreateRequest {
    client: Client,
    body: Result<Body, Error>,
    policy: Policy,
}

impl CreateRequest {
    pub(super) fn new(client: Client, body: Result<Body, Error>) -> Self {
        CreateRequest {
            client,
            body,
            policy: Policy::default(),
        }
    }

    /// Sends read-only properties as given instead of refusing them (see the validation rules).
    pub fn allow_read_only(mut self) -> Self {
        self.policy.allow_read_only = true;
        self
    }

    /// Validates the body and returns exactly the bytes that would be sent, sending nothing.
    pub fn dry_run(&self) -> Result<Bytes, Error> {
        prepare_body(self.body.clone(), Operation::Create, self.policy)
    }

    /// Validates and sends the request; Graph answers 201 with the created image.
    pub async fn send(self) -> Result<OsImage, Error> {
        // As `dry_run`, with the body moved rather than copied.
        let bytes = prepare_body(self.body, Operation::Create, self.policy)?;
        let pipeline = self.client.pipeline();
        let url = pipeline.url(COLLECTION);
        let response = pipeline
            .send(Call::new("create", Method::POST, &url).body(bytes))
            .await?;
        decode_model(&response)
    }

    /// The request as a batch step.
    pub(crate) fn into_step_spec(self) -> StepSpec {
        StepSpec {
            operation: "create",
            method: Method::POST,
            url: Ok(COLLECTION.to_owned()),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(BodySpec {
                // Inside `$batch` a body travels as a JSON value within the batch document, so given bytes are
                // carried as the value they parse to.
                value: self.body.map(|b| b.value),
                validation: Some((Operation::Create, self.policy)),
            }),
            id: None,
        }
    }
}

super::into_future::impl_into_future_by_send!(CreateRequest, OsImage);

/// An update request; `.await` it.
#[derive(Debug, Clone)]
#[must_use]
pub struct UpdateRequest {
    client: Client,
    id: String,
    path: Result<String, Error>,
    body: Result<Body, Error>,
    policy: Policy,
}

impl UpdateRequest {
    pub(super) fn new(client: Client, id: &str, body: Result<Body, Error>) -> Self {
        UpdateRequest {
            client,
            id: id.to_owned(),
            path: super::item_path(id),
            body,
            policy: Policy::default(),
        }
    }

    /// Sends read-only properties as given instead of refusing them, as the seed's own example does.
    pub fn allow_read_only(mut self) -> Self {
        self.policy.allow_read_only = true;
        self
    }

    /// Validates the body and returns exactly the bytes that would be sent, sending nothing.
    pub fn dry_run(&self) -> Result<Bytes, Error> {
        self.path.clone()?;
        prepare_body(self.body.clone(), Operation::Update, self.policy)
    }

    /// Validates and sends the request.
    pub async fn send(self) -> Result<Updated, Error> {
        // As `dry_run` (the path's error first), with the path and body moved rather than copied.
        let path = self.path?;
        let bytes = prepare_body(self.body, Operation::Update, self.policy)?;
        let pipeline = self.client.pipeline();
        let url = pipeline.url(&path);
        let response = pipeline
            .send(
                Call::new("update", Method::PATCH, &url)
                    .id(Some(&self.id))
                    .body(bytes),
            )
            .await?;
        updated_from(&response)
    }

    /// The request as a batch step.
    pub(crate) fn into_step_spec(self) -> StepSpec {
        StepSpec {
            operation: "update",
            method: Method::PATCH,
            url: self.path,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(BodySpec {
                // Inside `$batch` a body travels as a JSON value within the batch document, so given bytes are
                // carried as the value they parse to.
                value: self.body.map(|b| b.value),
                validation: Some((Operation::Update, self.policy)),
            }),
            id: None,
        }
    }
}

/// An update's answer: 204 (or an empty body) is [`Updated::NoContent`], else the image.
pub(crate) fn updated_from(
    response: &intune_osimages_transport::Response,
) -> Result<Updated, Error> {
    if response.status() == StatusCode::NO_CONTENT || response.body().is_empty() {
        return Ok(Updated::NoContent);
    }
    decode_model(response).map(|image| Updated::Image(Box::new(image)))
}

super::into_future::impl_into_future_by_send!(UpdateRequest, Updated);
