//! Graph's error body.

use serde::{Deserialize, Serialize};

/// The body Graph sends with an error status: `{"error": {...}}`.
///
/// ```
/// use intune_osimages_model::GraphErrorBody;
/// let body: GraphErrorBody = serde_json::from_str(r#"{"error":{"code":"NotFound","message":"no such image",
///     "innerError":{"date":"2021-07-02T01:40:19","request-id":"r-1","client-request-id":"c-1"}}}"#).unwrap();
/// assert_eq!(body.error.code, "NotFound");
/// assert_eq!(body.error.request_id(), Some("r-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GraphErrorBody {
    /// `error`.
    pub error: GraphErrorInfo,
}

impl GraphErrorBody {
    /// An error body with this code and message and nothing else.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        GraphErrorBody {
            error: GraphErrorInfo {
                code: code.into(),
                message: message.into(),
                target: None,
                details: Vec::new(),
                inner_error: None,
                extra: serde_json::Map::new(),
            },
        }
    }
}

/// The `error` object: branch on `code`, never on `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GraphErrorInfo {
    /// `code`, such as `BadRequest`, `NotFound`, `TooManyRequests`.
    #[serde(default)]
    pub code: String,
    /// `message`: for people, not for branching.
    #[serde(default)]
    pub message: String,
    /// `target`: the property or parameter at fault, when Graph names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `details`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
    /// `innerError`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<InnerError>,
    /// Other properties, kept.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl GraphErrorInfo {
    /// `innerError.request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.inner_error.as_ref()?.request_id.as_deref()
    }

    /// `innerError.client-request-id`.
    pub fn client_request_id(&self) -> Option<&str> {
        self.inner_error.as_ref()?.client_request_id.as_deref()
    }
}

/// One entry of `error.details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// `code`.
    #[serde(default)]
    pub code: String,
    /// `message`.
    #[serde(default)]
    pub message: String,
    /// `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl ErrorDetail {
    /// A detail with this code, message and target.
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        target: Option<String>,
    ) -> Self {
        ErrorDetail {
            code: code.into(),
            message: message.into(),
            target,
        }
    }
}

/// `error.innerError`: the ids to quote to Microsoft support.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct InnerError {
    /// `date`, as Graph writes it (`2021-07-02T01:40:19`, no offset; UTC). Kept as text so an odd value never fails
    /// the whole error; see [`InnerError::date_time`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `request-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `client-request-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// Other properties, kept.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl InnerError {
    /// Ids and a date for an error body.
    pub fn new(
        date: chrono::NaiveDateTime,
        request_id: impl Into<String>,
        client_request_id: Option<String>,
    ) -> Self {
        InnerError {
            date: Some(date.format("%Y-%m-%dT%H:%M:%S").to_string()),
            request_id: Some(request_id.into()),
            client_request_id,
            extra: serde_json::Map::new(),
        }
    }

    /// `date` parsed as a date and time without offset, when it is one.
    pub fn date_time(&self) -> Option<chrono::NaiveDateTime> {
        let d = self.date.as_deref()?;
        chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M:%S%.f").ok()
    }
}
