//! A request's `http::Uri` as the `url::Url` reqwest takes, without parsing the whole URL again for every request.

use std::sync::{Mutex, PoisonError};

use http::Uri;
use intune_osimages_transport::TransportError;
use url::Url;

use crate::url_policy::refusal;

/// Turns request URIs into URLs the policy allows, remembering the last URL's scheme and authority.
///
/// A full parse costs about 9k instructions a request, most of it the host (IDNA mapping, the IPv4 check); a
/// client sends nearly all of its requests to one origin, so the last URL parsed for an origin is kept, and the next
/// request to that origin takes a copy of it with the new path and query set (the `url` crate's own path and query
/// parsers, so the result is the URL a full parse gives, which the tests check).
#[derive(Debug, Default)]
pub(crate) struct RequestUrls {
    /// `scheme://authority` of the last URL the policy allowed, and that URL.
    last: Mutex<Option<(String, Url)>>,
}

impl RequestUrls {
    /// The request's URI as a URL the policy allows, or an error saying why not; nothing is sent either way.
    pub(crate) fn target(&self, uri: &Uri) -> Result<Url, TransportError> {
        if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
            let origin_matches = |key: &str| {
                key.strip_prefix(scheme)
                    .and_then(|rest| rest.strip_prefix("://"))
                    == Some(authority.as_str())
            };
            let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((key, url)) = last.as_ref()
                && origin_matches(key)
            {
                let mut url = url.clone();
                drop(last);
                url.set_path(uri.path());
                url.set_query(uri.query());
                return Ok(url);
            }
        }
        let url = parsed(uri)?;
        if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
            let key = format!("{scheme}://{}", authority.as_str());
            *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some((key, url.clone()));
        }
        Ok(url)
    }
}

/// The whole URI parsed as a URL and checked against the policy.
fn parsed(uri: &Uri) -> Result<Url, TransportError> {
    let text = uri.to_string();
    let url = Url::parse(&text).map_err(|error| {
        TransportError::invalid_request(format!(
            "the request URI `{text}` is not an absolute URL: {error}"
        ))
    })?;
    match refusal(&url) {
        Some(reason) => Err(TransportError::invalid_request(reason)),
        None => Ok(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// URIs a caller may send, with paths and queries the `url` parser rewrites (dot segments, characters it
    /// percent-encodes) and authorities that differ only in spelling.
    const URIS: &[&str] = &[
        "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages",
        "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2",
        "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages?$top=5&$select=id,supportedEditions",
        "https://graph.microsoft.com/beta/a/../b/./c?x=%20y",
        "https://graph.microsoft.com//double/slash",
        "https://graph.microsoft.com/",
        "https://graph.microsoft.com/p?",
        "https://graph.microsoft.com/p^q?a='r'&b={c}|d",
        "https://graph.microsoft.com/%7Efine/%zz?%zz",
        "https://GRAPH.microsoft.com:443/beta/x",
        "https://graph.microsoft.com:443/beta/x",
        "https://user:pw@graph.microsoft.com/beta/x",
        "http://127.0.0.1:8080/beta/x?y=1",
        "http://localhost:8080/beta/x",
        "http://[::1]:8080/beta/x",
    ];

    #[test]
    fn a_remembered_origin_gives_the_url_a_full_parse_gives() {
        let urls = RequestUrls::default();
        // Every URI after every other, so each is built from each remembered origin that matches.
        for first in URIS {
            for then in URIS {
                for text in [first, then] {
                    let uri: Uri = text.parse().unwrap();
                    let built = urls.target(&uri).unwrap();
                    let full = Url::parse(&uri.to_string()).unwrap();
                    assert_eq!(built, full, "{text} after {first}");
                    assert_eq!(built.as_str(), full.as_str(), "{text} after {first}");
                }
            }
        }
    }

    #[test]
    fn refused_urls_are_refused_and_not_remembered() {
        let urls = RequestUrls::default();
        let refused: Uri = "http://example.com/beta/x".parse().unwrap();
        let error = urls.target(&refused).unwrap_err();
        assert!(error.to_string().contains("plain http"), "{error}");
        assert!(urls.last.lock().unwrap().is_none());
        // Still refused the second time, when an allowed origin is remembered too.
        urls.target(&"https://graph.microsoft.com/beta".parse().unwrap())
            .unwrap();
        let error = urls.target(&refused).unwrap_err();
        assert!(error.to_string().contains("plain http"), "{error}");
    }

    #[test]
    fn a_relative_uri_is_an_error_naming_it() {
        let urls = RequestUrls::default();
        let error = urls.target(&"/beta/x".parse().unwrap()).unwrap_err();
        assert!(error.to_string().contains("`/beta/x`"), "{error}");
        assert!(error.to_string().contains("not an absolute URL"), "{error}");
    }
}
