//! Reading a create or update body: the content type, the JSON, and the rules of the validate crate.

use http::header::CONTENT_TYPE;
use intune_osimages_model::ErrorDetail;
use intune_osimages_transport::Request;
use intune_osimages_validate::{Operation, Policy, Rule, validate};
use serde_json::{Map, Value};

use crate::reply::GraphError;

/// The body as a JSON object, or the 400/415 Graph would answer.
///
/// Read-only properties are accepted (the service takes them, as the seed's PATCH example shows). Unknown
/// properties are accepted and kept. An unknown enum value is refused only when `strict_enums` is set.
pub(super) fn read_object(
    request: &Request,
    operation: Operation,
    strict_enums: bool,
) -> Result<Map<String, Value>, GraphError> {
    check_content_type(request)?;
    let bytes = request.body();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request(
            "The request body is empty; send a managedDeviceWindowsOperatingSystemImage as JSON",
        ));
    }
    let body: Value = serde_json::from_slice(bytes)
        .map_err(|e| GraphError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    let report = validate(&body, operation, Policy::allow_read_only());
    let errors: Vec<_> = report
        .findings()
        .iter()
        .filter(|f| f.is_error())
        .filter(|f| strict_enums || f.rule != Rule::EnumValue)
        .filter(|f| f.rule != Rule::UnknownProperty)
        .collect();
    if !errors.is_empty() {
        let listed: Vec<String> = errors
            .iter()
            .map(|f| {
                let path = if f.path.is_empty() {
                    "(body)"
                } else {
                    f.path.as_str()
                };
                match &f.suggestion {
                    Some(s) => format!("{path} [{}]: {}; {s}", f.rule, f.message),
                    None => format!("{path} [{}]: {}", f.rule, f.message),
                }
            })
            .collect();
        let mut e = GraphError::bad_request(format!(
            "The request body is not a valid managedDeviceWindowsOperatingSystemImage for {} {}: {}",
            if operation == Operation::Create {
                "a"
            } else {
                "an"
            },
            operation,
            listed.join("; ")
        ));
        e.details = errors
            .iter()
            .map(|f| ErrorDetail::new(f.rule.as_str(), f.message.clone(), Some(f.path.clone())))
            .collect();
        return Err(e);
    }
    match body {
        Value::Object(object) => Ok(object),
        other => Err(GraphError::bad_request(format!(
            "The request body must be a JSON object, found {}",
            intune_osimages_validate::describe_json(&other)
        ))),
    }
}

/// 415 unless the `Content-Type`, when present, is `application/json` or `application/*+json` (parameters such as
/// `charset` allowed).
pub(crate) fn check_content_type(request: &Request) -> Result<(), GraphError> {
    let Some(value) = request.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or("");
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"));
    if json {
        Ok(())
    } else {
        Err(GraphError::unsupported_media_type(if text.is_empty() {
            "(not text)"
        } else {
            text
        }))
    }
}

/// Whether a body key is an OData control annotation (`@odata.context`, `@odata.etag`, ...) that describes the
/// request rather than the image.
pub(super) fn is_control_annotation(key: &str) -> bool {
    key.starts_with("@odata.")
}
