//! Reading a create or update body: the content type, the JSON, and the rules of the validate crate.

use http::header::CONTENT_TYPE;
use intune_osimages_model::ErrorDetail;
use intune_osimages_transport::Request;
use intune_osimages_validate::{
    Finding, Operation, Policy, Report, Rule, check_json_text, validate,
};
use serde_json::{Map, Value};

use crate::json_text::{Member, members};
use crate::reply::GraphError;

/// How strictly a write body is read (the service's `strict_enums` and `strict_properties`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strictness {
    pub(crate) enums: bool,
    pub(crate) properties: bool,
}

impl Strictness {
    pub(super) fn of(graph: &crate::graph::ServiceState) -> Self {
        Strictness {
            enums: graph.strict_enums,
            properties: graph.strict_properties,
        }
    }
}

/// A write body that passed the checks: as a `Value` for the checks that read it, and as its members' text for what
/// is stored (so values are kept exactly as sent).
pub(crate) struct WriteBody<'a> {
    pub(crate) object: Map<String, Value>,
    pub(crate) members: Vec<Member<'a>>,
}

/// The body as a JSON object, or the 400/415 Graph would answer.
///
/// Read-only properties are accepted (the service takes them, as the seed's PATCH example shows). An object that
/// names a property twice is refused, as OData's reader does. A property the type does not declare is refused with
/// Graph's message when `strict.properties` is set (the type is not an open type), else kept; an unknown enum value
/// is refused only when `strict.enums` is set.
pub(super) fn read_object<'a>(
    request: &'a Request,
    operation: Operation,
    strict: Strictness,
) -> Result<WriteBody<'a>, GraphError> {
    check_content_type(request)?;
    let bytes = request.body();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request(
            "The request body is empty; send a managedDeviceWindowsOperatingSystemImage as JSON",
        ));
    }
    let body: Value = serde_json::from_slice(bytes)
        .map_err(|e| GraphError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    // serde_json keeps the last of two equal keys; OData's reader refuses the body. The text just parsed (and
    // serde_json checks UTF-8), so it is UTF-8.
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    if let Some(repeated) = check_json_text(text)
        .findings()
        .iter()
        .find(|f| f.rule == Rule::DuplicateKey)
    {
        let key = segments(&repeated.path).pop().unwrap_or_default();
        let mut e = GraphError::bad_request(format!(
            "Multiple properties with the name '{key}' were detected in a resource or a complex value. In OData, \
             duplicate property names are not allowed."
        ));
        e.details = vec![ErrorDetail::new(
            repeated.rule.as_str(),
            repeated.message.clone(),
            Some(repeated.path.clone()),
        )];
        return Err(e);
    }
    let report = validate(&body, operation, Policy::allow_read_only());
    let errors = refused(&report, strict);
    if !errors.is_empty() {
        let message = match errors.iter().find(|f| f.rule == Rule::UnknownProperty) {
            // Graph's own words for the first undeclared property, as its OData reader stops there.
            Some(f) => undeclared_property(&f.path),
            None => {
                let listed: Vec<String> = errors.iter().map(|f| listed(f)).collect();
                format!(
                    "The request body is not a valid managedDeviceWindowsOperatingSystemImage for {} {}: {}",
                    if operation == Operation::Create {
                        "a"
                    } else {
                        "an"
                    },
                    operation,
                    listed.join("; ")
                )
            }
        };
        let mut e = GraphError::bad_request(message);
        e.details = errors
            .iter()
            .map(|f| ErrorDetail::new(f.rule.as_str(), f.message.clone(), Some(f.path.clone())))
            .collect();
        return Err(e);
    }
    match body {
        Value::Object(object) => Ok(WriteBody {
            object,
            // The text parsed as an object just above.
            members: members(text).unwrap_or_default(),
        }),
        other => Err(GraphError::bad_request(format!(
            "The request body must be a JSON object, found {}",
            intune_osimages_validate::describe_json(&other)
        ))),
    }
}

/// The findings a write is refused for, as strict as `strict` says.
pub(crate) fn refused(report: &Report, strict: Strictness) -> Vec<&Finding> {
    report
        .findings()
        .iter()
        .filter(|f| f.is_error() || (strict.properties && f.rule == Rule::UnknownProperty))
        .filter(|f| strict.enums || f.rule != Rule::EnumValue)
        .filter(|f| strict.properties || f.rule != Rule::UnknownProperty)
        .collect()
}

fn listed(f: &intune_osimages_validate::Finding) -> String {
    let path = if f.path.is_empty() {
        "(body)"
    } else {
        f.path.as_str()
    };
    match &f.suggestion {
        Some(s) => format!("{path} [{}]: {}; {s}", f.rule, f.message),
        None => format!("{path} [{}]: {}", f.rule, f.message),
    }
}

/// Graph's message for an undeclared property at `pointer` (`/x`, `/supportedEditions/0/x`, `/availableUpdates/0/x`).
fn undeclared_property(pointer: &str) -> String {
    let segments = segments(pointer);
    let ty = match segments.first().map(String::as_str) {
        Some("supportedEditions") if segments.len() > 1 => {
            "managedDeviceWindowsOperatingSystemEdition"
        }
        Some("availableUpdates") if segments.len() > 1 => {
            "managedDeviceWindowsOperatingSystemUpdate"
        }
        _ => "managedDeviceWindowsOperatingSystemImage",
    };
    let name = segments.last().map_or("", String::as_str);
    format!("The property '{name}' does not exist on type 'microsoft.graph.{ty}'")
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

/// A JSON Pointer's segments, unescaped (`~1` is `/`, `~0` is `~`).
fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}
