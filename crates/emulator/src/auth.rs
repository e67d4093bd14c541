//! The `--token` check: every request must carry `Authorization: Bearer <token>`.

use std::fmt;

use http::HeaderMap;
use http::header::AUTHORIZATION;

/// The expected bearer token. Its `Debug` never shows the token.
#[derive(Clone)]
pub(crate) struct BearerToken(Vec<u8>);

/// Why a request was refused, for the 401's message and `WWW-Authenticate` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No `Authorization` header, or not a bearer one.
    Missing,
    /// A bearer token that is not the expected one.
    Invalid,
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

impl BearerToken {
    /// Expects `token`.
    pub(crate) fn new(token: &str) -> Self {
        BearerToken(token.as_bytes().to_vec())
    }

    /// Checks the request's `Authorization` header. The scheme is case-insensitive, as RFC 7235 says.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Err(Refusal::Missing);
        };
        let value = value.as_bytes();
        let Some((scheme, rest)) = split_scheme(value) else {
            return Err(Refusal::Missing);
        };
        if !scheme.eq_ignore_ascii_case(b"bearer") {
            return Err(Refusal::Missing);
        }
        if constant_time_eq(trim_spaces(rest), &self.0) {
            Ok(())
        } else {
            Err(Refusal::Invalid)
        }
    }
}

fn split_scheme(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let space = value.iter().position(|b| *b == b' ')?;
    Some((value.get(..space)?, value.get(space..)?))
}

fn trim_spaces(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Compares in time that depends only on the lengths, so response timing does not reveal how much of a guess was
/// right. (The expected length may leak; the content does not.)
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = u8::from(given.len() != expected.len());
    for (index, e) in expected.iter().enumerate() {
        let g = given.get(index).copied().unwrap_or(0);
        difference |= g ^ e;
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{BearerToken, Refusal, constant_time_eq};

    fn headers(authorization: Option<&'static str>) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Some(v) = authorization {
            map.insert("authorization", HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn accepts_only_the_expected_bearer_token() {
        let token = BearerToken::new("s3cret");
        assert_eq!(token.check(&headers(Some("Bearer s3cret"))), Ok(()));
        assert_eq!(token.check(&headers(Some("bearer  s3cret "))), Ok(()));
        assert_eq!(token.check(&headers(None)), Err(Refusal::Missing));
        assert_eq!(
            token.check(&headers(Some("Basic s3cret"))),
            Err(Refusal::Missing)
        );
        assert_eq!(token.check(&headers(Some("Bearer"))), Err(Refusal::Missing));
        assert_eq!(
            token.check(&headers(Some("Bearer s3cre"))),
            Err(Refusal::Invalid)
        );
        assert_eq!(
            token.check(&headers(Some("Bearer s3cret2"))),
            Err(Refusal::Invalid)
        );
        assert_eq!(
            token.check(&headers(Some("Bearer "))),
            Err(Refusal::Invalid)
        );
    }

    #[test]
    fn compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abd", b"abc"));
        assert!(!constant_time_eq(b"ab", b"abc"));
        assert!(!constant_time_eq(b"abc\0", b"abc"));
        assert!(!constant_time_eq(b"", b"abc"));
    }

    #[test]
    fn debug_hides_the_token() {
        assert!(!format!("{:?}", BearerToken::new("s3cret")).contains("s3cret"));
    }
}
