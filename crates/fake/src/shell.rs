//! What an HTTP shell in front of [`crate::FakeGraph`] (the emulator) needs besides `handle`, written once here so
//! the shell and the fake answer the same way: Graph's error body for the answers the shell gives itself (401, 413,
//! 503, broken HTTP), and the authority a request's links are built on.

use http::uri::Authority;
use http::{HeaderMap, StatusCode};
use intune_osimages_transport::Response;

use crate::reply::{self, GraphError, Ids};

/// A Graph error answer for a request with `request_headers`: `status`, the JSON body
/// `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`, and the `request-id` and
/// `client-request-id` headers (the caller's `client-request-id` echoed, or the fresh `request-id` when it sent none).
pub fn error_response(
    request_headers: &HeaderMap,
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
) -> Response {
    let ids = Ids::for_headers(request_headers);
    reply::error_response(&ids, &GraphError::new(status, code, message))
}

/// Checks a stored record (from a seed or data file) as strictly as a create is checked: `Err` names the first
/// finding a write would be refused for, as `POINTER: message` (the pointer inside the record). With `lenient`,
/// undeclared properties and unknown enum values pass, as they do in writes.
pub fn check_record(record: &serde_json::Value, lenient: bool) -> Result<(), String> {
    let report = intune_osimages_validate::validate(
        record,
        intune_osimages_validate::Operation::Create,
        intune_osimages_validate::Policy::allow_read_only(),
    );
    let strict = crate::ops::Strictness {
        enums: !lenient,
        properties: !lenient,
    };
    match crate::ops::refused(&report, strict).first() {
        None => Ok(()),
        Some(f) => Err(format!("{}: {} [{}]", f.path, f.message, f.rule)),
    }
}

/// Whether `path` is one of the [local authority](crate::LocalAuthority)'s endpoints
/// (`/{tenant}/oauth2/v2.0/token`, `/{tenant}/oauth2/v2.0/devicecode`,
/// `/{tenant}/v2.0/.well-known/openid-configuration`, `/msi/token`, `/metadata/identity/oauth2/token`), which a shell
/// forwards to
/// [`crate::FakeGraph::handle`] when the authority is on.
pub fn is_authority_path(path: &str) -> bool {
    crate::authority::Authority::endpoint_of_path(path).is_some()
}

/// The authority in a `Host` header when it is a plain `host[:port]`; `None` when absent or anything else (userinfo,
/// a path, spaces), so a hostile `Host` never ends up in the links the service writes.
pub fn host_authority(headers: &HeaderMap) -> Option<Authority> {
    headers
        .get(http::header::HOST)
        .and_then(host_value_authority)
}

/// The authority in the value of a `Host` header, as [`host_authority`] reads it.
pub fn host_value_authority(host: &http::HeaderValue) -> Option<Authority> {
    Authority::try_from(host.as_bytes())
        .ok()
        .filter(|a| !a.as_str().contains('@'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use http::{HeaderMap, HeaderValue, StatusCode};

    use super::{error_response, host_authority};

    fn host(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn only_a_plain_host_is_an_authority() {
        assert_eq!(
            host_authority(&host("localhost:8080")).unwrap().as_str(),
            "localhost:8080"
        );
        assert_eq!(
            host_authority(&host("[::1]:7")).unwrap().as_str(),
            "[::1]:7"
        );
        assert!(host_authority(&host("user@evil:1")).is_none());
        assert!(host_authority(&host("bad host")).is_none());
        assert!(host_authority(&HeaderMap::new()).is_none());
    }

    #[test]
    fn the_error_body_is_graphs_with_the_callers_client_request_id() {
        let mut headers = HeaderMap::new();
        headers.insert("client-request-id", HeaderValue::from_static("mine"));
        let response = error_response(
            &headers,
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "no",
        );
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["client-request-id"], "mine");
        let request_id = response.headers()["request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
        assert_eq!(
            body["error"]["innerError"]["request-id"],
            request_id.as_str()
        );
        assert_eq!(body["error"]["innerError"]["client-request-id"], "mine");
    }
}
