//! Names of the headers the decorators read and write.

use http::HeaderName;

/// `client-request-id`: a UUID the client picks per request so Microsoft support can find it in their logs.
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// `request-id`: the id Graph gives its answer (read from responses, never set by the client).
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// `SdkVersion`: names the SDK and its version, as Microsoft's Graph SDKs do.
pub const SDK_VERSION: HeaderName = HeaderName::from_static("sdkversion");

/// `Retry-Attempt`: the 1-based number of the retry on a resent request; absent on the first attempt.
pub const RETRY_ATTEMPT: HeaderName = HeaderName::from_static("retry-attempt");
