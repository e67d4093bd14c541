//! Which operation a request path names, and the absolute base its links are built on.
//!
//! The resource is found wherever the path has the segments `deviceManagement/managedDeviceWindowsOSImages`
//! (compared ignoring ASCII case, as Graph does), so `/beta/...`, `/v1.0/...` and a bare `/deviceManagement/...` all
//! work. What follows is one of: nothing (the collection), `$count` (written literally; `%24count` is the key
//! `$count`), one percent-encoded key, or a key and `getAllManagedDeviceWindowsOSImages()`. A raw `/` always splits
//! segments, so a key containing `/` must be sent as `%2F`.

use http::Uri;
use intune_osimages_transport::Request;
use percent_encoding::percent_decode_str;

use crate::reply::GraphError;

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
    let start = segments
        .windows(2)
        .position(|w| matches!(w, [a, b] if a.eq_ignore_ascii_case(SEGMENTS[0]) && b.eq_ignore_ascii_case(SEGMENTS[1])))
        .ok_or_else(|| {
            GraphError::not_found(format!(
                "No resource at '{raw_path}'; this service serves /{ENTITY_SET} (under any prefix, such as /beta)"
            ))
        })?;
    let prefix = segments.get(..start).unwrap_or_default().join("/");
    let rest = segments.get(start + 2..).unwrap_or_default();
    let origin = origin(request, uri);
    let target = target(rest)?;
    Ok(Route {
        target,
        service_root: format!("{origin}{prefix}"),
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
        [key] => Ok(Target::Item(decode_key(key)?)),
        [key, function] => {
            let function = decode(function, "segment")?;
            let bare = function
                .strip_prefix("microsoft.graph.")
                .unwrap_or(&function);
            let name = bare.strip_suffix("()").unwrap_or(bare);
            if name.eq_ignore_ascii_case(GET_ALL) {
                Ok(Target::GetAll(decode_key(key)?))
            } else {
                Err(unknown_segment(&function))
            }
        }
        [_, _, extra, ..] => Err(unknown_segment(&decode(extra, "segment")?)),
    }
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
