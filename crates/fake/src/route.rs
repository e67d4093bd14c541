//! Which operation a request path names, and the absolute base its links are built on.
//!
//! As strict as Graph: the path is `/beta/deviceManagement/managedDeviceWindowsOSImages` (segments compared ignoring
//! ASCII case, as Graph does) and nothing else: no other version, no segments in between, no proxy prefix. What
//! follows is one of: nothing (the collection), `$count` (written literally; `%24count` is the key `$count`), one
//! percent-encoded key, or a key and `getAllManagedDeviceWindowsOSImages()`. OData's key form
//! `managedDeviceWindowsOSImages('id')` (or `(id='id')`, a quote inside doubled) addresses an image like the key
//! segment does. A raw `/` always splits segments, so a key containing `/` must be sent as `%2F`.

use http::Uri;
use intune_osimages_transport::Request;
use percent_encoding::percent_decode_str;

use crate::reply::GraphError;

/// The version segment: this resource exists only in Graph's beta.
pub(crate) const VERSION: &str = "beta";
const SEGMENTS: [&str; 2] = ["deviceManagement", "managedDeviceWindowsOSImages"];
const GET_ALL: &str = "getAllManagedDeviceWindowsOSImages";
/// The entity set's path from the service root, used in `@odata.context`.
pub(crate) const ENTITY_SET: &str = "deviceManagement/managedDeviceWindowsOSImages";

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The collection.
    Collection,
    /// `$count` of the collection.
    Count,
    /// One image, by its decoded key.
    Item(String),
    /// The `getAllManagedDeviceWindowsOSImages()` function bound to the image with this key.
    GetAll(String),
}

/// A routed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) target: Target,
    /// `scheme://authority`.
    pub(crate) origin: String,
    /// `scheme://authority/prefix`, the service root `@odata.context` is relative to (such as `.../beta`).
    pub(crate) service_root: String,
    /// The request's path as it arrived (still percent-encoded), for `@odata.nextLink`.
    pub(crate) raw_path: String,
}

/// Routes `request`: 404 for a path outside the resource, 400 for an unknown segment or a key that is not UTF-8.
pub(crate) fn route(request: &Request) -> Result<Route, GraphError> {
    let uri = request.uri();
    let raw_path = uri.path().to_owned();
    let segments: Vec<&str> = raw_path.split('/').collect();
    let not_found = || {
        GraphError::not_found(format!(
            "No resource at '{raw_path}'; this service serves /{VERSION}/{ENTITY_SET}"
        ))
    };
    let (version, set, rest) = match segments.as_slice() {
        ["", version, device_management, set, rest @ ..]
            if version.eq_ignore_ascii_case(VERSION)
                && device_management.eq_ignore_ascii_case(SEGMENTS[0]) =>
        {
            (*version, *set, rest)
        }
        _ => return Err(not_found()),
    };
    let origin = origin(request, uri);
    let target = if set.eq_ignore_ascii_case(SEGMENTS[1]) {
        target(rest)?
    } else {
        match key_form(set)? {
            Some(key) => keyed(key, rest)?,
            None => return Err(not_found()),
        }
    };
    Ok(Route {
        target,
        service_root: format!("{origin}/{version}"),
        origin,
        raw_path,
    })
}

fn target(rest: &[&str]) -> Result<Target, GraphError> {
    // A single trailing slash is tolerated: `.../managedDeviceWindowsOSImages/` is the collection.
    let rest = match rest {
        [head @ .., ""] => head,
        all => all,
    };
    match rest {
        [] => Ok(Target::Collection),
        ["$count"] => Ok(Target::Count),
        [key, tail @ ..] => keyed(decode_key(key)?, tail),
    }
}

/// What follows an image's key: nothing (the image) or the bound function.
fn keyed(key: String, rest: &[&str]) -> Result<Target, GraphError> {
    match rest {
        [] => Ok(Target::Item(key)),
        [function] => {
            let function = decode(function, "segment")?;
            let bare = function
                .strip_prefix("microsoft.graph.")
                .unwrap_or(&function);
            let name = bare.strip_suffix("()").unwrap_or(bare);
            if name.eq_ignore_ascii_case(GET_ALL) {
                Ok(Target::GetAll(key))
            } else {
                Err(unknown_segment(&function))
            }
        }
        [_, extra, ..] => Err(unknown_segment(&decode(extra, "segment")?)),
    }
}

/// The key of OData's key form `managedDeviceWindowsOSImages('id')` or `(id='id')`; `None` when the segment is not
/// the entity set with parentheses; 400 when the parentheses hold no quoted string.
fn key_form(raw: &str) -> Result<Option<String>, GraphError> {
    let segment = decode(raw, "segment")?;
    let Some((name, inner)) = segment.split_once('(') else {
        return Ok(None);
    };
    if !name.eq_ignore_ascii_case(SEGMENTS[1]) {
        return Ok(None);
    }
    let bad = || {
        GraphError::bad_request(format!(
            "The key in '{segment}' is not valid; write managedDeviceWindowsOSImages('id') with a quote inside the \
             id doubled ('it''s')"
        ))
    };
    let inner = inner.strip_suffix(')').ok_or_else(bad)?;
    let inner = inner.strip_prefix("id=").unwrap_or(inner);
    let quoted = inner
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .ok_or_else(bad)?;
    // Inside the literal, a quote is written twice; a single one would end it early.
    if quoted.replace("''", "").contains('\'') || quoted.is_empty() {
        return Err(bad());
    }
    Ok(Some(quoted.replace("''", "'")))
}

fn decode_key(raw: &str) -> Result<String, GraphError> {
    if raw.is_empty() {
        return Err(GraphError::bad_request(
            "The key segment is empty; percent-encode the image id as one path segment",
        ));
    }
    decode(raw, "key")
}

fn decode(raw: &str, what: &str) -> Result<String, GraphError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            GraphError::bad_request(format!("The {what} '{raw}' does not decode to UTF-8 text"))
        })
}

fn unknown_segment(segment: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Resource not found for the segment '{segment}'; an image id containing '/' must be sent as %2F"
    ))
}

/// `scheme://authority` from the request URI when absolute, else from `Host`, else `http://localhost`.
pub(crate) fn origin(request: &Request, uri: &Uri) -> String {
    if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
        return format!("{scheme}://{authority}");
    }
    crate::shell::host_authority(request.headers())
        .map_or_else(|| "http://localhost".to_owned(), |a| format!("http://{a}"))
}
