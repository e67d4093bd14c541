//! Stand-ins for the two endpoints an Azure resource's managed identity gets its tokens from, so a client's
//! managed-identity sign-in can be tested on loopback (never at 169.254.169.254):
//! - App Service and Functions (`IDENTITY_ENDPOINT`, protocol `2019-08-01`): `GET /msi/token` with the
//!   `X-IDENTITY-HEADER` secret;
//! - the instance metadata service of VMs (IMDS, `api-version=2018-02-01`): `GET /metadata/identity/oauth2/token`
//!   with `Metadata: true` (Azure's libraries aim it at another host with `AZURE_POD_IDENTITY_AUTHORITY_HOST`).
//!
//! Both answer `resource`'s token with the fields Azure sends (`expires_on` as a string of Unix seconds, as the
//! real services write it), and Graph then accepts it like any token the local authority issued. Any non-empty
//! identity header is accepted, as any client secret is.

use std::collections::HashMap;

use http::StatusCode;
use intune_osimages_transport::{Request, Response};
use serde_json::json;

use super::Authority;
use super::endpoints::json_response;

/// Which managed-identity protocol a request speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `GET /msi/token`, as `IDENTITY_ENDPOINT` names it on App Service.
    AppService,
    /// `GET /metadata/identity/oauth2/token`.
    Imds,
}

/// The user-assigned identity's ids a request may name; at most one is allowed.
const APP_SERVICE_IDS: [&str; 3] = ["client_id", "principal_id", "mi_res_id"];
const IMDS_IDS: [&str; 3] = ["client_id", "object_id", "msi_res_id"];
/// The client id of the system-assigned identity, when the request names none.
const SYSTEM_ASSIGNED_CLIENT_ID: &str = "00000000-0000-4000-8000-0000000051a1";

/// Answers a token request in `protocol`.
pub(super) fn token(authority: &Authority, request: &Request, protocol: Protocol) -> Response {
    let query: HashMap<String, String> = request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let (version, ids) = match protocol {
        Protocol::AppService => {
            if header("x-identity-header").is_none_or(str::is_empty) {
                return refused(
                    StatusCode::UNAUTHORIZED,
                    "invalid_request",
                    "The X-IDENTITY-HEADER header (the value of IDENTITY_HEADER) is missing.",
                );
            }
            ("2019-08-01", APP_SERVICE_IDS)
        }
        Protocol::Imds => {
            // IMDS refuses what a proxy forwarded, so a token is never handed to another machine.
            if header("x-forwarded-for").is_some() {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Request contains the X-Forwarded-For header: the instance metadata service answers only the machine itself.",
                );
            }
            if !header("metadata").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Required metadata header not specified",
                );
            }
            ("2018-02-01", IMDS_IDS)
        }
    };
    let Some(asked_version) = query.get("api-version").filter(|v| !v.is_empty()) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "Required query variable 'api-version' is missing; this endpoint speaks {version}."
            ),
        );
    };
    if protocol == Protocol::AppService && asked_version != version {
        return refused(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "The api-version '{asked_version}' is not supported; this endpoint speaks {version}."
            ),
        );
    }
    let Some(resource) = query
        .get("resource")
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
    else {
        return refused(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required audience parameter not specified: send the query parameter 'resource'.",
        );
    };
    let named: Vec<&str> = ids
        .into_iter()
        .filter(|id| query.contains_key(*id))
        .collect();
    if named.len() > 1 {
        return refused(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "Only one of {} may name the identity; the request names {}.",
                ids.join(", "),
                named.join(" and ")
            ),
        );
    }
    let client_id = query
        .get("client_id")
        .map_or(SYSTEM_ASSIGNED_CLIENT_ID, String::as_str);
    let lifetime = authority.settings.token_lifetime.as_secs();
    let now = super::identity::unix_now();
    let access_token = authority.issue_access_token();
    let answer = match protocol {
        Protocol::AppService => json!({
            "access_token": access_token,
            "expires_on": (now + lifetime).to_string(),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": client_id,
        }),
        Protocol::Imds => json!({
            "access_token": access_token,
            "client_id": client_id,
            "expires_in": lifetime.to_string(),
            "expires_on": (now + lifetime).to_string(),
            "ext_expires_in": lifetime.to_string(),
            "not_before": now.to_string(),
            "resource": resource,
            "token_type": "Bearer",
        }),
    };
    json_response(StatusCode::OK, &answer)
}

fn refused(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({"error": error, "error_description": description}),
    )
}
