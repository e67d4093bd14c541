//! The request log's redaction: what of a request is kept, and what is replaced by [`REDACTED`] before it is stored.
//! The in-process fake and the emulator both record through this, so there is one policy. Which names are secret is
//! the transport crate's [`sensitive`](intune_osimages_transport::sensitive) policy.

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, PROXY_AUTHORIZATION};
use http::{HeaderMap, Uri};
use intune_osimages_transport::Request;
use intune_osimages_transport::sensitive::{
    is_credential_header, is_form, is_secret_form_field, is_secret_query_parameter,
};

/// What replaces a secret in the log. In a credential header the scheme stays (`Bearer <redacted>`), so tests can
/// check that one was sent.
pub const REDACTED: &str = "<redacted>";

/// [`REDACTED`] percent-encoded, for a query string (`<` and `>` may not appear in a URI).
const REDACTED_IN_QUERY: &str = "%3Credacted%3E";

/// The headers with every credential header's values redacted.
pub(crate) fn headers(request: &Request) -> HeaderMap {
    let mut headers = request.headers().clone();
    let names: Vec<_> = headers
        .keys()
        .filter(|name| is_credential_header(name))
        .cloned()
        .collect();
    for name in names {
        // Only the authorization headers have a scheme worth keeping; any other value is redacted whole.
        let keep_scheme = name == AUTHORIZATION || name == PROXY_AUTHORIZATION;
        let redacted: Vec<HeaderValue> = headers
            .get_all(&name)
            .iter()
            .map(|value| header_value(value, keep_scheme))
            .collect();
        headers.remove(&name);
        for value in redacted {
            headers.append(name.clone(), value);
        }
    }
    headers
}

fn header_value(value: &HeaderValue, keep_scheme: bool) -> HeaderValue {
    if !keep_scheme {
        return HeaderValue::from_static(REDACTED);
    }
    let scheme = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .map(|(scheme, _)| scheme)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    match scheme {
        Some(scheme) => HeaderValue::from_str(&format!("{scheme} {REDACTED}"))
            .unwrap_or(HeaderValue::from_static(REDACTED)),
        None => HeaderValue::from_static(REDACTED),
    }
}

/// The URI with the values of secret query parameters (`access_token`, `code`, ...) redacted; every other byte as
/// sent.
pub(crate) fn uri(uri: &Uri) -> Uri {
    let Some(query) = uri.query() else {
        return uri.clone();
    };
    let Some(redacted) = redact_pairs(query, REDACTED_IN_QUERY, is_secret_query_parameter) else {
        return uri.clone();
    };
    let path_and_query = format!("{}?{redacted}", uri.path());
    let mut parts = uri.clone().into_parts();
    match path_and_query.parse() {
        Ok(value) => {
            parts.path_and_query = Some(value);
            Uri::from_parts(parts).unwrap_or_else(|_| without_query(uri))
        }
        // Unreachable for a URI that parsed once, but never keep the secret if it were.
        Err(_) => without_query(uri),
    }
}

fn without_query(uri: &Uri) -> Uri {
    Uri::try_from(uri.path()).unwrap_or_default()
}

/// The body with the values of secret form fields (`client_secret`, `refresh_token`, `device_code`, ...) redacted
/// when it is a form: declared as one, or undeclared and not JSON.
pub(crate) fn body(request: &Request) -> Bytes {
    let body = request.body();
    let undeclared_text = !request.headers().contains_key(CONTENT_TYPE)
        && !body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['));
    if !(is_form(request) || undeclared_text) {
        return body.clone();
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return body.clone();
    };
    match redact_pairs(text, REDACTED, is_secret_form_field) {
        Some(redacted) => Bytes::from(redacted),
        None => body.clone(),
    }
}

/// `a=1&b=2` with the value of each pair whose (decoded) name is secret replaced by `marker`; `None` when no pair is
/// secret. The other pairs keep their bytes as sent. Hand-written rather than parsed and re-serialized with
/// `form_urlencoded`, which would re-encode the pairs that are kept.
fn redact_pairs(text: &str, marker: &str, secret: fn(&str) -> bool) -> Option<String> {
    let mut changed = false;
    let pairs: Vec<String> = text
        .split('&')
        .map(|pair| {
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded: String = url::form_urlencoded::parse(name.as_bytes())
                .map(|(key, _)| key.into_owned())
                .collect();
            if secret(&decoded) {
                changed = true;
                format!("{name}={marker}")
            } else {
                pair.to_owned()
            }
        })
        .collect();
    changed.then(|| pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, content_type: Option<&str>, body: &str) -> Request {
        let mut builder = http::Request::builder().method("POST").uri(uri);
        if let Some(content_type) = content_type {
            builder = builder.header(CONTENT_TYPE, content_type);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn secret_form_fields_are_redacted_and_the_rest_kept_as_sent() {
        let form = "grant_type=refresh_token&client_id=app&refresh_token=RT-1&client%5Fsecret=CS-1\
                    &scope=a%20b&client_assertion=JWT&device_code=DC&code=C&password=P";
        let redacted = body(&request(
            "http://x/t/oauth2/v2.0/token",
            Some("application/x-www-form-urlencoded"),
            form,
        ));
        let text = std::str::from_utf8(&redacted).unwrap();
        assert_eq!(
            text,
            "grant_type=refresh_token&client_id=app&refresh_token=<redacted>&client%5Fsecret=<redacted>\
             &scope=a%20b&client_assertion=<redacted>&device_code=<redacted>&code=<redacted>&password=<redacted>"
        );
        // Without a Content-Type, a body that is not JSON is treated as a form too.
        let undeclared = body(&request("http://x/", None, "client_secret=CS-2"));
        assert_eq!(undeclared.as_ref(), b"client_secret=<redacted>");
    }

    #[test]
    fn json_bodies_and_forms_without_secrets_are_untouched() {
        let json = r#"{"code":"kept"}"#;
        assert_eq!(
            body(&request("http://x/", Some("application/json"), json)).as_ref(),
            json.as_bytes()
        );
        assert_eq!(
            body(&request("http://x/", None, json)).as_ref(),
            json.as_bytes()
        );
        let form = "scope=a&grant_type=client_credentials";
        assert_eq!(
            body(&request(
                "http://x/",
                Some("application/x-www-form-urlencoded"),
                form
            ))
            .as_ref(),
            form.as_bytes()
        );
    }

    #[test]
    fn secret_query_values_are_redacted() {
        let redacted = uri(&Uri::from_static(
            "http://127.0.0.1:1/cb?state=s&code=C-1&access_token=AT&$filter=x%20eq%201",
        ));
        assert_eq!(
            redacted.to_string(),
            "http://127.0.0.1:1/cb?state=s&code=%3Credacted%3E&access_token=%3Credacted%3E&$filter=x%20eq%201"
        );
        let plain = Uri::from_static("/beta/x?$top=1");
        assert_eq!(uri(&plain), plain);
    }

    #[test]
    fn credential_headers_keep_only_their_scheme() {
        let request = http::Request::builder()
            .header("authorization", "Bearer T")
            .header("x-api-key", "Kpart1 Kpart2")
            .header("x-ms-token", "T2")
            .header("x-identity-header", "H")
            .header("accept", "application/json")
            .body(Bytes::new())
            .unwrap();
        let headers = headers(&request);
        assert_eq!(headers["authorization"], "Bearer <redacted>");
        assert_eq!(headers["x-api-key"], REDACTED);
        assert_eq!(headers["x-ms-token"], REDACTED);
        assert_eq!(headers["x-identity-header"], REDACTED);
        assert_eq!(headers["accept"], "application/json");
    }
}
