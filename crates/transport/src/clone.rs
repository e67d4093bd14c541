//! Copying requests and responses, which the `http` crate does not derive `Clone` for (its extensions may hold
//! values that cannot be cloned).

use crate::{Request, Response};

/// A copy of `request`: method, URI, version, headers and body. Extensions are not copied. Cheap, since the body is
/// reference-counted `Bytes`; the retry decorator uses it to resend.
pub fn clone_request(request: &Request) -> Request {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// A copy of `response`: status, version, headers and body. Extensions are not copied.
pub fn clone_response(response: &Response) -> Response {
    let mut copy = http::Response::new(response.body().clone());
    *copy.status_mut() = response.status();
    *copy.version_mut() = response.version();
    *copy.headers_mut() = response.headers().clone();
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn request_copy_keeps_everything_but_extensions() {
        let mut request = http::Request::builder()
            .method(http::Method::PATCH)
            .uri("https://graph.microsoft.com/beta/x?$top=1")
            .version(http::Version::HTTP_2)
            .header("a", "1")
            .header("a", "2")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        request.extensions_mut().insert(7_u8);
        let copy = clone_request(&request);
        assert_eq!(copy.method(), request.method());
        assert_eq!(copy.uri(), request.uri());
        assert_eq!(copy.version(), http::Version::HTTP_2);
        assert_eq!(copy.headers(), request.headers());
        assert_eq!(copy.body(), request.body());
        assert!(copy.extensions().get::<u8>().is_none());
    }

    #[test]
    fn response_copy_keeps_everything() {
        let response = http::Response::builder()
            .status(429)
            .header("retry-after", "1")
            .body(Bytes::from_static(b"slow down"))
            .unwrap();
        let copy = clone_response(&response);
        assert_eq!(copy.status(), 429);
        assert_eq!(copy.headers(), response.headers());
        assert_eq!(copy.body(), response.body());
    }
}
