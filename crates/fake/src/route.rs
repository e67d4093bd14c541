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

/// A routed request (borrowing its path from the request: routing runs for every request, so it copies nothing it
/// does not have to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route<'a> {
    pub(crate) target: Target,
    /// `scheme://authority/prefix`, the service root `@odata.context` is relative to (such as `.../beta`); its
    /// first `origin_len` bytes are the origin.
    pub(crate) service_root: String,
    origin_len: usize,
    /// The request's path as it arrived (still percent-encoded), for `@odata.nextLink`.
    pub(crate) raw_path: &'a str,
}

impl Route<'_> {
    /// `scheme://authority`.
    pub(crate) fn origin(&self) -> &str {
        self.service_root
            .get(..self.origin_len)
            .unwrap_or(&self.service_root)
    }
}

/// Routes `request`: 404 for a path outside the resource, 400 for an unknown segment or a key that is not UTF-8.
pub(crate) fn route(request: &Request) -> Result<Route<'_>, GraphError> {
    let uri = request.uri();
    let raw_path = uri.path();
    let segments = split_segments(raw_path);
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
    let target = if set.eq_ignore_ascii_case(SEGMENTS[1]) {
        target(rest)?
    } else {
        match key_form(set)? {
            Some(key) => keyed(key, rest)?,
            None => return Err(not_found()),
        }
    };
    let mut service_root = origin_then(request, uri, 1 + version.len());
    let origin_len = service_root.len();
    service_root.push('/');
    service_root.push_str(version);
    Ok(Route {
        target,
        service_root,
        origin_len,
        raw_path,
    })
}

/// The path's segments between its `/`s (the first one empty, as `str::split` gives them), found by bytes: a `/`
/// is ASCII, so every cut is a character boundary, and this runs for every request.
fn split_segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::with_capacity(8);
    let mut start = 0;
    for (i, b) in path.bytes().enumerate() {
        if b == b'/' {
            segments.push(path.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    segments.push(path.get(start..).unwrap_or_default());
    segments
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
    percent_decoded(raw).ok_or_else(|| {
        GraphError::bad_request(format!("The {what} '{raw}' does not decode to UTF-8 text"))
    })
}

/// `raw` percent-decoded, as `percent_encoding` decodes (a `%` without two hex digits after it stays as it is), or
/// `None` when the bytes are not UTF-8.
///
/// Hand-written because `percent_encoding`'s decoder hands the bytes over one at a time through an iterator, and
/// for the key of every GET that cost more than the rest of routing did.
fn percent_decoded(raw: &str) -> Option<String> {
    let mut rest = raw.as_bytes();
    let mut out = Vec::with_capacity(rest.len());
    // The runs between `%`s are copied whole; only an escape is looked at byte by byte.
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        let (run, escape) = rest.split_at(at);
        out.extend_from_slice(run);
        match (
            escape.get(1).copied().and_then(hex_digit),
            escape.get(2).copied().and_then(hex_digit),
        ) {
            (Some(high), Some(low)) => {
                out.push(high << 4 | low);
                rest = escape.get(3..).unwrap_or_default();
            }
            _ => {
                out.push(b'%');
                rest = escape.get(1..).unwrap_or_default();
            }
        }
    }
    out.extend_from_slice(rest);
    String::from_utf8(out).ok()
}

/// The value of one hexadecimal digit (either case).
fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn unknown_segment(segment: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Resource not found for the segment '{segment}'; an image id containing '/' must be sent as %2F"
    ))
}

/// `scheme://authority` from the request URI when absolute, else from `Host`, else `http://localhost`.
pub(crate) fn origin(request: &Request, uri: &Uri) -> String {
    origin_then(request, uri, 0)
}

/// [`origin`] in a string with room for `more` bytes after it.
fn origin_then(request: &Request, uri: &Uri, more: usize) -> String {
    let joined = |scheme: &str, authority: &str| {
        let mut out = String::with_capacity(scheme.len() + 3 + authority.len() + more);
        out.push_str(scheme);
        out.push_str("://");
        out.push_str(authority);
        out
    };
    if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
        return joined(scheme, authority.as_str());
    }
    match crate::shell::host_authority(request.headers()) {
        Some(a) => joined("http", a.as_str()),
        None => joined("http", "localhost"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_as_percent_encoding_decodes_them() {
        for raw in [
            "Windows%2011%2024H2",
            "plain",
            "",
            "%",
            "a%2",
            "%zz%4",
            "%2f%2F%41%e2%82%ac",
            "%E2%82%AC%",
            "100%25",
            "é%20x",
        ] {
            let expected = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .ok()
                .map(|s| s.into_owned());
            assert_eq!(percent_decoded(raw), expected, "{raw}");
        }
        assert_eq!(percent_decoded("%FF"), None);
        assert_eq!(percent_decoded("%e2%82").as_deref(), None);
        assert_eq!(percent_decoded("a%20b").as_deref(), Some("a b"));
    }

    #[test]
    fn segments_split_as_str_split_does() {
        for path in [
            "",
            "/",
            "/beta//x/",
            "/beta/deviceManagement/x",
            "no-slash",
            "/é/ü",
        ] {
            assert_eq!(
                split_segments(path),
                path.split('/').collect::<Vec<_>>(),
                "{path}"
            );
        }
    }
}
