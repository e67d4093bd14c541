//! The absolute URI a request is handed to the fake with, so the links it writes (`@odata.nextLink`, the service
//! root of `@odata.context`) lead back the way the client came: through a proxy's `X-Forwarded-*`, else `Host`.
//!
//! This runs for every request, so it reads the headers in one pass (a lookup by name hashes the name, and a request
//! carries a handful of headers) and keeps the authority of a connection's last `Host` (parsing it was about a
//! twentieth of a GET's instructions, and every request of a keep-alive connection sends the same one).

use std::sync::{Mutex, PoisonError};

use http::header::{HOST, HeaderValue};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, Uri};

/// The proxy headers `absolute_uri` reads, as constants: a name given as `&str` is parsed at every lookup.
const X_FORWARDED_PROTO: http::HeaderName = http::HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: http::HeaderName = http::HeaderName::from_static("x-forwarded-host");

/// One connection's last `Host` header and the authority it gave.
#[derive(Debug, Default)]
pub(crate) struct LastHost(Mutex<Option<SeenHost>>);

/// A `Host` header's bytes and its authority (`None`: not a plain `host[:port]`).
#[derive(Debug)]
struct SeenHost {
    bytes: Box<[u8]>,
    authority: Option<Authority>,
}

impl LastHost {
    /// Nothing seen yet.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The authority of `host`, parsed only when it differs from the last one this connection sent. The bytes are
    /// copied rather than the header kept: a header value shares the server's read buffer, which holding it would
    /// stop being reused.
    fn authority(&self, host: &HeaderValue) -> Option<Authority> {
        let mut last = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(seen) = &*last
            && *seen.bytes == *host.as_bytes()
        {
            return seen.authority.clone();
        }
        let authority = intune_osimages_fake::shell::host_value_authority(host);
        *last = Some(SeenHost {
            bytes: host.as_bytes().into(),
            authority: authority.clone(),
        });
        authority
    }
}

/// `scheme://HOST/path?query`, as the client addressed it, so the links the fake writes lead back the same way.
///
/// The scheme is `X-Forwarded-Proto` when it is `http` or `https` (a TLS proxy in front), else the emulator's own.
/// The authority is the request line's when absolute, else `X-Forwarded-Host`, else `Host`, else the bound address;
/// one that is not a plain `host[:port]` is ignored rather than trusted into the links.
pub(crate) fn absolute_uri(
    uri: Uri,
    headers: &HeaderMap,
    scheme: &Scheme,
    fallback: &Authority,
    last_host: &LastHost,
) -> Uri {
    // The first of each, as `HeaderMap::get` gives it.
    let (mut proto, mut forwarded_host, mut host) = (None, None, None);
    for (name, value) in headers {
        if *name == HOST {
            host = host.or(Some(value));
        } else if *name == X_FORWARDED_PROTO {
            proto = proto.or(Some(value));
        } else if *name == X_FORWARDED_HOST {
            forwarded_host = forwarded_host.or(Some(value));
        }
    }
    let mut parts = uri.into_parts();
    let own_scheme = parts.scheme.take();
    parts.scheme = Some(
        match proto
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim())
        {
            Some(p) if p.eq_ignore_ascii_case("https") => Scheme::HTTPS,
            Some(p) if p.eq_ignore_ascii_case("http") => Scheme::HTTP,
            _ => own_scheme.unwrap_or_else(|| scheme.clone()),
        },
    );
    let forwarded = || {
        forwarded_host
            .and_then(|v| v.to_str().ok())
            .and_then(|v| Authority::try_from(v.split(',').next().unwrap_or("").trim()).ok())
            .filter(|a| !a.as_str().contains('@'))
    };
    parts.authority = Some(
        parts
            .authority
            .take()
            .or_else(forwarded)
            .or_else(|| host.and_then(|h| last_host.authority(h)))
            .unwrap_or_else(|| fallback.clone()),
    );
    if parts.path_and_query.is_none() {
        parts.path_and_query = Some(PathAndQuery::from_static("/"));
    }
    // Scheme, authority and path are all set, the one combination `from_parts` always accepts.
    Uri::from_parts(parts).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use http::uri::{Authority, Scheme};
    use http::{HeaderMap, HeaderValue, Uri};

    use super::{LastHost, absolute_uri};

    fn rebuilt(uri: &str, host: Option<&'static str>) -> String {
        let mut headers = HeaderMap::new();
        if let Some(h) = host {
            headers.insert("host", HeaderValue::from_static(h));
        }
        rebuilt_with(uri, headers, Scheme::HTTP)
    }

    fn rebuilt_with(uri: &str, headers: HeaderMap, scheme: Scheme) -> String {
        let fallback = Authority::from_static("127.0.0.1:9");
        absolute_uri(
            uri.parse::<Uri>().unwrap(),
            &headers,
            &scheme,
            &fallback,
            &LastHost::new(),
        )
        .to_string()
    }

    #[test]
    fn a_proxy_s_forwarded_scheme_and_host_win_and_tls_makes_https() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(
            rebuilt_with("/beta/x", headers.clone(), Scheme::HTTPS),
            "https://127.0.0.1:8080/beta/x"
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        headers.insert(
            "x-forwarded-host",
            HeaderValue::from_static("graph.test, inner"),
        );
        assert_eq!(
            rebuilt_with("/beta/x", headers.clone(), Scheme::HTTP),
            "https://graph.test/beta/x"
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("gopher"));
        headers.insert("x-forwarded-host", HeaderValue::from_static("a@b"));
        assert_eq!(
            rebuilt_with("/beta/x", headers, Scheme::HTTP),
            "http://127.0.0.1:8080/beta/x"
        );
    }

    #[test]
    fn rebuilds_the_uri_from_host() {
        assert_eq!(
            rebuilt("/beta/x?$top=2", Some("localhost:8080")),
            "http://localhost:8080/beta/x?$top=2"
        );
        assert_eq!(rebuilt("/beta/x", None), "http://127.0.0.1:9/beta/x");
        assert_eq!(
            rebuilt("/beta/x", Some("user@evil:1")),
            "http://127.0.0.1:9/beta/x"
        );
        assert_eq!(
            rebuilt("/beta/x", Some("bad host")),
            "http://127.0.0.1:9/beta/x"
        );
        assert_eq!(
            rebuilt("http://[::1]:7/beta/x", Some("other:1")),
            "http://[::1]:7/beta/x"
        );
        assert_eq!(
            rebuilt("/beta/a+b?$filter=id%20eq%20'a+b'&x=%2B", None),
            // The query is handed on untouched; the fake decodes `+` as a space and `%2B` as a plus.
            "http://127.0.0.1:9/beta/a+b?$filter=id%20eq%20'a+b'&x=%2B"
        );
    }

    #[test]
    fn a_connection_that_changes_its_host_gets_links_to_the_new_one() {
        let fallback = Authority::from_static("127.0.0.1:9");
        let last = LastHost::new();
        let with_host = |host: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert("host", HeaderValue::from_static(host));
            absolute_uri(
                Uri::from_static("/beta/x"),
                &headers,
                &Scheme::HTTP,
                &fallback,
                &last,
            )
            .to_string()
        };
        assert_eq!(with_host("a.test:1"), "http://a.test:1/beta/x");
        assert_eq!(with_host("a.test:1"), "http://a.test:1/beta/x");
        assert_eq!(with_host("b.test:2"), "http://b.test:2/beta/x");
        assert_eq!(with_host("bad host"), "http://127.0.0.1:9/beta/x");
        assert_eq!(with_host("bad host"), "http://127.0.0.1:9/beta/x");
        assert_eq!(with_host("a.test:1"), "http://a.test:1/beta/x");
    }
}
