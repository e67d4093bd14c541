//! The redirect policy: where a 3xx answer may lead, and what the next request looks like.

use http::{Method, StatusCode};
use url::Url;

use crate::url_policy::refusal;

/// The request to send after a redirect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Hop {
    /// Where to send it.
    pub url: Url,
    /// With which method.
    pub method: Method,
    /// Whether the body (and its headers) must be dropped: the redirect turned the request into a GET.
    pub drop_body: bool,
    /// Whether the origin (scheme, host or port) changed, so credentials must not follow.
    pub cross_origin: bool,
}

/// True for the statuses this transport follows.
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The next request after `status` with `location` from `current`, or why the redirect is refused.
///
/// RFC 9110 §15.4: 303 turns any method but HEAD into GET without a body; 301 and 302 do so for POST (what every
/// client does in practice); 307 and 308 keep the method and body. A redirect from https to anything else is
/// refused, as is any target the URL policy refuses.
pub(crate) fn next_hop(
    current: &Url,
    method: &Method,
    status: StatusCode,
    location: &str,
) -> Result<Hop, String> {
    let url = current.join(location).map_err(|error| {
        format!("the redirect Location `{location}` is not a valid URL: {error}")
    })?;
    if current.scheme() == "https" && url.scheme() != "https" {
        return Err(format!(
            "refusing a redirect from https to {} (`{}` to host `{}`)",
            url.scheme(),
            origin(current),
            url.host_str().unwrap_or("")
        ));
    }
    if let Some(reason) = refusal(&url) {
        return Err(format!(
            "refusing a redirect from `{}`: {reason}",
            origin(current)
        ));
    }
    let to_get = match status {
        StatusCode::SEE_OTHER => *method != Method::HEAD,
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => *method == Method::POST,
        _ => false,
    };
    let cross_origin = current.scheme() != url.scheme()
        || current.host() != url.host()
        || current.port_or_known_default() != url.port_or_known_default();
    Ok(Hop {
        url,
        method: if to_get { Method::GET } else { method.clone() },
        drop_body: to_get,
        cross_origin,
    })
}

/// `scheme://host:port` of a URL, for messages.
pub(crate) fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(from: &str, method: Method, status: u16, location: &str) -> Result<Hop, String> {
        next_hop(
            &Url::parse(from).unwrap(),
            &method,
            StatusCode::from_u16(status).unwrap(),
            location,
        )
    }

    #[test]
    fn follows_only_the_five_redirect_statuses() {
        for code in [301, 302, 303, 307, 308] {
            assert!(is_redirect(StatusCode::from_u16(code).unwrap()));
        }
        for code in [200, 300, 304, 305, 306, 400] {
            assert!(!is_redirect(StatusCode::from_u16(code).unwrap()));
        }
    }

    #[test]
    fn https_to_http_is_refused() {
        let error = hop(
            "https://graph.microsoft.com/a",
            Method::GET,
            302,
            "http://graph.microsoft.com/b",
        )
        .unwrap_err();
        assert!(error.contains("from https to http"), "{error}");
        // Even to a loopback host, which a first request may use.
        let error = hop(
            "https://graph.microsoft.com/a",
            Method::GET,
            307,
            "http://127.0.0.1:8080/b",
        )
        .unwrap_err();
        assert!(error.contains("from https to http"), "{error}");
        assert!(error.contains("127.0.0.1"), "{error}");
    }

    #[test]
    fn refused_targets_are_refused() {
        let error = hop(
            "http://127.0.0.1:1/a",
            Method::GET,
            302,
            "http://example.com/b",
        )
        .unwrap_err();
        assert!(error.contains("plain http"), "{error}");
        assert!(error.contains("example.com"), "{error}");
        let error = hop("https://a.example/x", Method::GET, 302, "ftp://a.example/y").unwrap_err();
        assert!(error.contains("from https to ftp"), "{error}");
    }

    #[test]
    fn upgrades_and_https_hops_are_allowed() {
        let next = hop(
            "http://127.0.0.1:1/a",
            Method::GET,
            301,
            "https://graph.microsoft.com/b",
        )
        .unwrap();
        assert_eq!(next.url.as_str(), "https://graph.microsoft.com/b");
        assert!(next.cross_origin);
    }

    #[test]
    fn relative_locations_resolve_against_the_current_url() {
        let next = hop(
            "https://graph.microsoft.com/beta/a/b?x=1",
            Method::GET,
            302,
            "../c?y=2",
        )
        .unwrap();
        assert_eq!(next.url.as_str(), "https://graph.microsoft.com/beta/c?y=2");
        assert!(!next.cross_origin);
        let next = hop(
            "https://graph.microsoft.com/beta/a",
            Method::GET,
            302,
            "//other.example/z",
        )
        .unwrap();
        assert_eq!(next.url.as_str(), "https://other.example/z");
        assert!(next.cross_origin);
    }

    #[test]
    fn invalid_location_is_an_error_naming_it() {
        let error = hop(
            "https://graph.microsoft.com/a",
            Method::GET,
            302,
            "https://[::1",
        )
        .unwrap_err();
        assert!(error.contains("https://[::1"), "{error}");
    }

    #[test]
    fn origin_change_is_scheme_host_or_port() {
        let same = [
            ("https://h.example/a", "https://h.example:443/b"),
            ("https://h.example/a", "/c"),
            ("http://127.0.0.1:80/a", "http://127.0.0.1/b"),
        ];
        for (from, to) in same {
            assert!(
                !hop(from, Method::GET, 307, to).unwrap().cross_origin,
                "{from} -> {to}"
            );
        }
        let different = [
            ("https://h.example/a", "https://other.example/a"),
            ("https://h.example/a", "https://h.example:8443/a"),
            ("http://127.0.0.1:1000/a", "http://127.0.0.1:1001/a"),
            ("http://localhost/a", "http://127.0.0.1/a"),
            ("http://127.0.0.1/a", "https://127.0.0.1/a"),
        ];
        for (from, to) in different {
            assert!(
                hop(from, Method::GET, 307, to).unwrap().cross_origin,
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn method_rewrites_follow_rfc_9110() {
        let from = "https://h.example/a";
        let cases = [
            (Method::POST, 303, Method::GET, true),
            (Method::PATCH, 303, Method::GET, true),
            (Method::DELETE, 303, Method::GET, true),
            (Method::HEAD, 303, Method::HEAD, false),
            (Method::POST, 301, Method::GET, true),
            (Method::POST, 302, Method::GET, true),
            (Method::PATCH, 301, Method::PATCH, false),
            (Method::PUT, 302, Method::PUT, false),
            (Method::GET, 302, Method::GET, false),
            (Method::POST, 307, Method::POST, false),
            (Method::PATCH, 308, Method::PATCH, false),
        ];
        for (method, status, want, drop_body) in cases {
            let next = hop(from, method.clone(), status, "/b").unwrap();
            assert_eq!(
                (next.method, next.drop_body),
                (want, drop_body),
                "{method} {status}"
            );
        }
    }
}
