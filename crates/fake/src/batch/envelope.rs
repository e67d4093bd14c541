//! Reading a `$batch` body into items, refusing a malformed one with every problem named by its JSON Pointer.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, Uri};
use intune_osimages_model::ErrorDetail;
use intune_osimages_transport::Request;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value};

use super::MAX_BATCH_REQUESTS;
use crate::reply::GraphError;

/// One request of a batch, ready to run.
#[derive(Debug)]
pub(super) struct Item {
    /// The caller's id, as given.
    pub(super) id: String,
    /// The request to run, with its absolute URI under the batch's service root.
    pub(super) request: Request,
    /// The positions of the (earlier) items it depends on.
    pub(super) depends_on: Vec<usize>,
}

/// Characters a batch `url` may hold that a URI may not: they are percent-encoded (Graph's own docs send
/// `$filter=city eq null` with raw spaces). `%` stays, so an already encoded URL is kept as it is.
const NOT_IN_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'#');

/// The methods an item may use.
const METHODS: [Method; 7] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::HEAD,
    Method::OPTIONS,
];

/// Problems found so far: a JSON Pointer and what is wrong there.
#[derive(Debug, Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push((pointer.into(), message.into()));
    }

    fn into_error(self) -> GraphError {
        let listed: Vec<String> = self.0.iter().map(|(p, m)| format!("{p}: {m}")).collect();
        let mut e = GraphError::bad_request(format!(
            "The batch request is malformed: {}",
            listed.join("; ")
        ));
        e.details = self
            .0
            .into_iter()
            .map(|(pointer, message)| ErrorDetail::new("BadRequest", message, Some(pointer)))
            .collect();
        e
    }
}

/// An item as read, before its dependencies are resolved.
struct Draft {
    id: Option<String>,
    request: Option<Request>,
    depends_on: Vec<String>,
}

/// Reads and checks the body of a `$batch` request whose items resolve under `root`.
pub(super) fn parse(request: &Request, root: &str) -> Result<Vec<Item>, GraphError> {
    crate::ops::check_content_type(request)?;
    let bytes = request.body();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request(
            "The batch request body is empty; send {\"requests\":[{\"id\",\"method\",\"url\"}]}",
        ));
    }
    let body: Value = serde_json::from_slice(bytes).map_err(|e| {
        GraphError::bad_request(format!(
            "The batch request body is not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    let mut problems = Problems::default();
    let Some(requests) = body.get("requests").and_then(Value::as_array) else {
        problems.add(
            "/requests",
            "expected an array of requests: {\"requests\":[{\"id\",\"method\",\"url\"}]}",
        );
        return Err(problems.into_error());
    };
    if requests.len() > MAX_BATCH_REQUESTS {
        problems.add(
            "/requests",
            format!(
                "the batch holds {} requests; at most {MAX_BATCH_REQUESTS} are allowed in one batch",
                requests.len()
            ),
        );
        return Err(problems.into_error());
    }
    if requests.is_empty() {
        problems.add("/requests", "the batch holds no requests");
        return Err(problems.into_error());
    }
    let drafts: Vec<Draft> = requests
        .iter()
        .enumerate()
        .map(|(i, item)| read_item(item, &format!("/requests/{i}"), root, &mut problems))
        .collect();
    check_unique_ids(&drafts, &mut problems);
    let depends_on = resolve_dependencies(&drafts, &mut problems);
    if !problems.0.is_empty() {
        return Err(problems.into_error());
    }
    Ok(drafts
        .into_iter()
        .zip(depends_on)
        .filter_map(|(draft, depends_on)| {
            Some(Item {
                id: draft.id?,
                request: draft.request?,
                depends_on,
            })
        })
        .collect())
}

fn read_item(item: &Value, at: &str, root: &str, problems: &mut Problems) -> Draft {
    let mut draft = Draft {
        id: None,
        request: None,
        depends_on: Vec::new(),
    };
    let Some(object) = item.as_object() else {
        problems.add(
            at,
            "a request is an object with \"id\", \"method\" and \"url\"",
        );
        return draft;
    };
    draft.id = match object.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => Some(id.clone()),
        Some(_) => {
            problems.add(format!("{at}/id"), "expected a non-empty string");
            None
        }
        None => {
            problems.add(format!("{at}/id"), "missing: every request needs an id");
            None
        }
    };
    let method = read_method(object, at, problems);
    let uri = read_url(object, at, root, problems);
    let headers = read_headers(object, at, problems);
    let body = object.get("body").filter(|b| !b.is_null());
    if body.is_some()
        && !headers
            .as_ref()
            .is_some_and(|h| h.contains_key(CONTENT_TYPE))
    {
        problems.add(
            format!("{at}/headers"),
            "a request with a body must give its Content-Type in \"headers\" (such as \"application/json\")",
        );
    }
    draft.depends_on = read_depends_on(object, at, problems);
    if let (Some(method), Some(uri), Some(headers)) = (method, uri, headers) {
        let bytes = body.map_or_else(Bytes::new, |b| body_bytes(b, &headers));
        let mut request = Request::new(bytes);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        draft.request = Some(request);
    }
    draft
}

fn read_method(object: &Map<String, Value>, at: &str, problems: &mut Problems) -> Option<Method> {
    let Some(value) = object.get("method") else {
        problems.add(
            format!("{at}/method"),
            "missing: every request needs a method",
        );
        return None;
    };
    let known = value.as_str().and_then(|m| {
        METHODS
            .iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(m))
    });
    if known.is_none() {
        problems.add(
            format!("{at}/method"),
            "expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        );
    }
    known.cloned()
}

fn read_url(
    object: &Map<String, Value>,
    at: &str,
    root: &str,
    problems: &mut Problems,
) -> Option<Uri> {
    let url = match object.get("url") {
        Some(Value::String(url)) if !url.trim().is_empty() => url,
        Some(_) => {
            problems.add(format!("{at}/url"), "expected a non-empty string");
            return None;
        }
        None => {
            problems.add(format!("{at}/url"), "missing: every request needs a url");
            return None;
        }
    };
    if url.contains("://") {
        problems.add(
            format!("{at}/url"),
            format!(
                "{url:?} is absolute; a batch url is relative to the version, such as /deviceManagement/managedDeviceWindowsOSImages"
            ),
        );
        return None;
    }
    let relative = url.strip_prefix('/').unwrap_or(url);
    let full = format!("{root}/{}", utf8_percent_encode(relative, NOT_IN_URI));
    match Uri::try_from(full) {
        Ok(uri) => Some(uri),
        Err(e) => {
            problems.add(
                format!("{at}/url"),
                format!("{url:?} is not a usable URL: {e}"),
            );
            None
        }
    }
}

fn read_headers(
    object: &Map<String, Value>,
    at: &str,
    problems: &mut Problems,
) -> Option<HeaderMap> {
    let mut headers = HeaderMap::new();
    let entries = match object.get("headers") {
        None | Some(Value::Null) => return Some(headers),
        Some(Value::Object(entries)) => entries,
        Some(_) => {
            problems.add(
                format!("{at}/headers"),
                "expected an object of header names and string values",
            );
            return None;
        }
    };
    let mut ok = true;
    for (name, value) in entries {
        let pointer = format!("{at}/headers/{}", escape_pointer(name));
        let Some(text) = value.as_str() else {
            problems.add(pointer, "expected a string value");
            ok = false;
            continue;
        };
        match (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(text),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            (Err(_), _) => {
                problems.add(pointer, "not a valid header name");
                ok = false;
            }
            (_, Err(_)) => {
                problems.add(pointer, "not a valid header value");
                ok = false;
            }
        }
    }
    ok.then_some(headers)
}

fn read_depends_on(object: &Map<String, Value>, at: &str, problems: &mut Problems) -> Vec<String> {
    match object.get("dependsOn") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => ids
            .iter()
            .enumerate()
            .filter_map(|(k, id)| match id.as_str() {
                Some(id) => Some(id.to_owned()),
                None => {
                    problems.add(
                        format!("{at}/dependsOn/{k}"),
                        "expected the id of another request",
                    );
                    None
                }
            })
            .collect(),
        Some(_) => {
            problems.add(
                format!("{at}/dependsOn"),
                "expected an array of request ids",
            );
            Vec::new()
        }
    }
}

/// A JSON body as the bytes the handler reads: serialized when the Content-Type is JSON, else a string is taken as
/// base64 (how Graph carries non-JSON bodies in a batch) or, failing that, as text.
fn body_bytes(body: &Value, headers: &HeaderMap) -> Bytes {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    match body {
        Value::String(text) if !json => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_or_else(|_| Bytes::from(text.clone()), Bytes::from)
        }
        other => Bytes::from(serde_json::to_vec(other).unwrap_or_default()),
    }
}

fn check_unique_ids(drafts: &[Draft], problems: &mut Problems) {
    for (j, draft) in drafts.iter().enumerate() {
        let Some(id) = &draft.id else { continue };
        let first = drafts.iter().take(j).position(|d| {
            d.id.as_ref()
                .is_some_and(|other| other.eq_ignore_ascii_case(id))
        });
        if let Some(i) = first {
            problems.add(
                format!("/requests/{j}/id"),
                format!("the id {id:?} repeats the id of /requests/{i}; ids must be unique (ignoring case)"),
            );
        }
    }
}

/// The positions each item depends on; an unknown id, a cycle and a dependency on a later item are problems.
fn resolve_dependencies(drafts: &[Draft], problems: &mut Problems) -> Vec<Vec<usize>> {
    let position = |id: &str| {
        drafts.iter().position(|d| {
            d.id.as_ref()
                .is_some_and(|other| other.eq_ignore_ascii_case(id))
        })
    };
    let edges: Vec<Vec<Option<usize>>> = drafts
        .iter()
        .map(|d| d.depends_on.iter().map(|id| position(id)).collect())
        .collect();
    let mut resolved = Vec::with_capacity(drafts.len());
    for (i, (draft, targets)) in drafts.iter().zip(&edges).enumerate() {
        let mut positions = Vec::new();
        for (k, (id, target)) in draft.depends_on.iter().zip(targets).enumerate() {
            let at = format!("/requests/{i}/dependsOn/{k}");
            match *target {
                None => problems.add(at, format!("no request in this batch has the id {id:?}")),
                Some(j) if reaches(&edges, j, i) => problems.add(
                    at,
                    format!(
                        "depending on {id:?} makes a cycle: {id:?} depends, directly or not, on this request"
                    ),
                ),
                Some(j) if j > i => problems.add(
                    at,
                    format!(
                        "{id:?} comes later in the batch (/requests/{j}); a request may depend only on earlier ones"
                    ),
                ),
                Some(j) => positions.push(j),
            }
        }
        resolved.push(positions);
    }
    resolved
}

/// Whether `to` can be reached from `from` by following dependencies (including `from == to`).
fn reaches(edges: &[Vec<Option<usize>>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        match seen.get_mut(node) {
            Some(visited) if !*visited => *visited = true,
            _ => continue,
        }
        stack.extend(edges.get(node).into_iter().flatten().flatten());
    }
    false
}

/// RFC 6901: `~` as `~0`, `/` as `~1`.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
