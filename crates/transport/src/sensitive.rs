//! What on the wire is a secret: credential headers, secret-bearing form fields and query parameters, and token
//! requests. One policy, read by the HTTP transport (which drops credentials on a cross-origin redirect and follows
//! no redirect of a token request) and by the fake's request log (which redacts them).

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName};

use crate::Request;

/// Form fields that carry a secret in OAuth 2.0 and Entra ID token requests (RFC 6749, RFC 8628, RFC 7523).
pub const SECRET_FORM_FIELDS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "refresh_token",
    "password",
    "device_code",
    "code",
    "assertion",
    "code_verifier",
];

/// Query parameters that carry a secret (an access token in a URL, an authorization code on a redirect).
pub const SECRET_QUERY_PARAMETERS: &[&str] = &["access_token", "code", "client_secret", "sig"];

/// Whether a header carries a credential: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, any name
/// ending in `-key`, `-token` or `-secret` (`Ocp-Apim-Subscription-Key`, `X-Csrf-Token`), and the secret header of
/// App Service's managed identity endpoint (`X-Identity-Header`, and `Secret`, its older name).
pub fn is_credential_header(name: &HeaderName) -> bool {
    // `http` keeps header names in lowercase.
    let name = name.as_str();
    matches!(
        name,
        "authorization"
            | "proxy-authorization"
            | "cookie"
            | "set-cookie"
            | "x-identity-header"
            | "secret"
    ) || ["-key", "-token", "-secret"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Whether a form field's value is a secret (case-insensitive on the name).
pub fn is_secret_form_field(name: &str) -> bool {
    SECRET_FORM_FIELDS
        .iter()
        .any(|field| field.eq_ignore_ascii_case(name))
}

/// Whether a query parameter's value is a secret (case-insensitive on the name).
pub fn is_secret_query_parameter(name: &str) -> bool {
    SECRET_QUERY_PARAMETERS
        .iter()
        .any(|field| field.eq_ignore_ascii_case(name))
}

/// Whether a body of this content type is an HTML form (`application/x-www-form-urlencoded`).
pub fn is_form(request: &Request) -> bool {
    has_form_content_type(request.headers())
}

fn has_form_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Whether `request` asks a token authority or an identity endpoint for a token, so that it must follow no
/// redirect at all: a form carrying `grant_type` or a secret field (the OAuth 2.0 token and device authorization
/// endpoints), or a request to a managed identity endpoint (`X-Identity-Header`, `Secret`, or IMDS's
/// `Metadata: true`).
pub fn is_token_request(request: &Request) -> bool {
    is_token_request_parts(request.headers(), request.body())
}

/// [`is_token_request`] for a request taken apart into its headers and body (as a transport holds it once it has
/// handed the parts on).
pub fn is_token_request_parts(headers: &HeaderMap, body: &[u8]) -> bool {
    // Constant names: a name given as text is parsed again on every lookup.
    const X_IDENTITY_HEADER: HeaderName = HeaderName::from_static("x-identity-header");
    const SECRET: HeaderName = HeaderName::from_static("secret");
    const METADATA: HeaderName = HeaderName::from_static("metadata");
    if headers.contains_key(X_IDENTITY_HEADER)
        || headers.contains_key(SECRET)
        || headers
            .get(METADATA)
            .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        return true;
    }
    if !has_form_content_type(headers) {
        return false;
    }
    url::form_urlencoded::parse(body)
        .any(|(name, _)| name == "grant_type" || name == "client_id" || is_secret_form_field(&name))
}

/// The smallest secret worth masking: a shorter string (an empty one, a stray character) would mangle the text
/// around it and hide nothing.
const MIN_SECRET_LEN: usize = 4;

/// `text` with every occurrence of each of `secrets`, as is or form-encoded (as an authority that echoes the form body
/// quotes it), replaced by `<redacted>`, for error messages that quote a server's answer.
pub fn mask(text: &str, secrets: &[&str]) -> String {
    let mut masked = text.to_owned();
    for variant in variants(secrets) {
        if masked.contains(variant.as_str()) {
            masked = masked.replace(variant.as_str(), "<redacted>");
        }
    }
    masked
}

/// [`mask`] over bytes that may not be text; `None` when no secret occurs, so the common case copies nothing.
pub fn mask_bytes(body: &[u8], secrets: &[&str]) -> Option<Vec<u8>> {
    let mut masked: Option<Vec<u8>> = None;
    for variant in variants(secrets) {
        let current = masked.as_deref().unwrap_or(body);
        if let Some(replaced) = replace_all(current, variant.as_bytes(), b"<redacted>") {
            masked = Some(replaced);
        }
    }
    masked
}

fn variants(secrets: &[&str]) -> Vec<String> {
    let mut all = Vec::new();
    for secret in secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        // The longer form first, so a raw match never splits an encoded one.
        if encoded != *secret {
            all.push(encoded);
        }
        all.push((*secret).to_owned());
    }
    all
}

/// `haystack` with each `needle` replaced, or `None` when there is none. Hand-written: the standard library has no
/// byte-slice replace, and the bodies it runs on are error answers of a few kilobytes.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Option<Vec<u8>> {
    let first = haystack.windows(needle.len()).position(|w| w == needle)?;
    let mut out = Vec::with_capacity(haystack.len());
    out.extend_from_slice(&haystack[..first]);
    out.extend_from_slice(with);
    let mut rest = &haystack[first + needle.len()..];
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn request(content_type: Option<&str>, header: Option<(&str, &str)>, body: &str) -> Request {
        let mut builder = http::Request::builder()
            .method(http::Method::POST)
            .uri("https://login.example/t/oauth2/v2.0/token");
        if let Some(content_type) = content_type {
            builder = builder.header(CONTENT_TYPE, content_type);
        }
        if let Some((name, value)) = header {
            builder = builder.header(name, value);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn credential_headers_are_recognised_by_name_and_suffix() {
        for name in [
            "authorization",
            "Proxy-Authorization",
            "cookie",
            "Ocp-Apim-Subscription-Key",
            "x-csrf-token",
            "X-IDENTITY-HEADER",
            "secret",
            "x-client-secret",
        ] {
            let header = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert!(is_credential_header(&header), "{name}");
        }
        for name in [
            "content-type",
            "client-request-id",
            "x-keep",
            "tokenizer",
            "keyboard",
        ] {
            let header = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert!(!is_credential_header(&header), "{name}");
        }
    }

    #[test]
    fn token_requests_are_forms_with_a_grant_or_a_secret_or_identity_calls() {
        let form = Some("application/x-www-form-urlencoded; charset=utf-8");
        assert!(is_token_request(&request(
            form,
            None,
            "grant_type=client_credentials&scope=x"
        )));
        assert!(is_token_request(&request(
            form,
            None,
            "client_id=a&device_code=b"
        )));
        assert!(is_token_request(&request(
            None,
            Some(("x-identity-header", "h")),
            ""
        )));
        assert!(is_token_request(&request(
            None,
            Some(("Metadata", "true")),
            ""
        )));
        // A JSON body that merely mentions the words is not a form.
        assert!(!is_token_request(&request(
            Some("application/json"),
            None,
            r#"{"grant_type":"x"}"#
        )));
        assert!(!is_token_request(&request(form, None, "name=value")));
    }

    #[test]
    fn secret_names_are_matched_without_case() {
        assert!(is_secret_form_field("Client_Secret"));
        assert!(is_secret_form_field("refresh_token"));
        assert!(!is_secret_form_field("scope"));
        assert!(is_secret_query_parameter("ACCESS_TOKEN"));
        assert!(!is_secret_query_parameter("$filter"));
    }

    #[test]
    fn secrets_are_masked_raw_and_form_encoded() {
        let secret = "cs-Q8~val/ue";
        let echoed =
            "AADSTS: bad body client_id=a&client_secret=cs-Q8%7Eval%2Fue; again cs-Q8~val/ue.";
        let masked = mask(echoed, &[secret, ""]);
        assert_eq!(
            masked,
            "AADSTS: bad body client_id=a&client_secret=<redacted>; again <redacted>."
        );
        assert_eq!(
            mask_bytes(echoed.as_bytes(), &[secret]).unwrap(),
            masked.as_bytes()
        );
        assert_eq!(mask_bytes(b"nothing here", &[secret]), None);
        // A secret too short to mean anything is left alone rather than shredding the text.
        assert_eq!(mask("a b c", &["a"]), "a b c");
    }
}
