//! Graph's error codes.

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$meta:meta])* $variant:ident = $wire:literal, )+) => {
        /// The common values of `error.code` in Graph's error answers, for branching without string compares;
        /// [`GraphError::error_code`](crate::GraphError::error_code) reads it.
        ///
        /// Graph is not consistent about the case of its codes (`itemNotFound`, `ItemNotFound`), so a code is
        /// recognised whatever its case; a code this version does not know is [`GraphErrorCode::Other`], spelled
        /// exactly as it arrived.
        ///
        /// ```
        /// use intune_osimages::GraphErrorCode;
        /// assert_eq!(GraphErrorCode::from_code("TooManyRequests"), GraphErrorCode::TooManyRequests);
        /// assert_eq!(GraphErrorCode::from_code("resourceNotFound"), GraphErrorCode::ResourceNotFound);
        /// assert_eq!(GraphErrorCode::from_code("Brand_New").as_str(), "Brand_New");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum GraphErrorCode {
            $( $(#[$meta])* $variant, )+
            /// A code this version does not know (or none: an empty string), exactly as it arrived.
            Other(String),
        }

        impl GraphErrorCode {
            /// Reads a code, ignoring case for the known ones.
            pub fn from_code(code: &str) -> Self {
                $(
                    if code.eq_ignore_ascii_case($wire) {
                        return GraphErrorCode::$variant;
                    }
                )+
                GraphErrorCode::Other(code.to_owned())
            }

            /// The code as Graph usually spells it (or exactly as it arrived, for [`GraphErrorCode::Other`]).
            pub fn as_str(&self) -> &str {
                match self {
                    $( GraphErrorCode::$variant => $wire, )+
                    GraphErrorCode::Other(code) => code,
                }
            }
        }
    };
}

error_codes! {
    /// `BadRequest` (400): the request is malformed (a bad `$filter`, an invalid body).
    BadRequest = "BadRequest",
    /// `InvalidRequest` (400).
    InvalidRequest = "InvalidRequest",
    /// `InvalidAuthenticationToken` (401): the token is missing, expired or for another audience.
    InvalidAuthenticationToken = "InvalidAuthenticationToken",
    /// `Unauthorized` (401).
    Unauthorized = "Unauthorized",
    /// `Forbidden` (403): the caller lacks the permission (`DeviceManagementManagedDevices.Read.All` or the like).
    Forbidden = "Forbidden",
    /// `Authorization_RequestDenied` (403).
    AuthorizationRequestDenied = "Authorization_RequestDenied",
    /// `NotFound` (404).
    NotFound = "NotFound",
    /// `ResourceNotFound` (404), as Intune spells it.
    ResourceNotFound = "ResourceNotFound",
    /// `itemNotFound` (404).
    ItemNotFound = "itemNotFound",
    /// `MethodNotAllowed` (405).
    MethodNotAllowed = "MethodNotAllowed",
    /// `Conflict` (409): the id exists already.
    Conflict = "Conflict",
    /// `PreconditionFailed` (412).
    PreconditionFailed = "PreconditionFailed",
    /// `UnsupportedMediaType` (415).
    UnsupportedMediaType = "UnsupportedMediaType",
    /// `TooManyRequests` (429): throttled; see [`GraphError::retry_after`](crate::GraphError::retry_after).
    TooManyRequests = "TooManyRequests",
    /// `activityLimitReached` (429).
    ActivityLimitReached = "activityLimitReached",
    /// `InternalServerError` (500).
    InternalServerError = "InternalServerError",
    /// `InternalError` (500), as Intune spells it.
    InternalError = "InternalError",
    /// `UnknownError` (500), as Intune spells it.
    UnknownError = "UnknownError",
    /// `generalException` (500).
    GeneralException = "generalException",
    /// `NotImplemented` (501).
    NotImplemented = "NotImplemented",
    /// `BadGateway` (502).
    BadGateway = "BadGateway",
    /// `ServiceUnavailable` (503).
    ServiceUnavailable = "ServiceUnavailable",
    /// `serviceNotAvailable` (503).
    ServiceNotAvailable = "serviceNotAvailable",
    /// `GatewayTimeout` (504).
    GatewayTimeout = "GatewayTimeout",
}

impl fmt::Display for GraphErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip_and_unknown_ones_are_kept() {
        for code in ["BadRequest", "itemNotFound", "Authorization_RequestDenied"] {
            assert_eq!(GraphErrorCode::from_code(code).as_str(), code);
        }
        assert_eq!(
            GraphErrorCode::from_code("ITEMNOTFOUND"),
            GraphErrorCode::ItemNotFound
        );
        assert_eq!(
            GraphErrorCode::from_code(""),
            GraphErrorCode::Other(String::new())
        );
    }
}
