//! The token and devicecode endpoints' answers, shaped as Entra ID's v2.0 endpoint shapes them.

use std::collections::HashMap;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use http::{Method, StatusCode};
use intune_osimages_transport::{Request, Response};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::identity;
use super::issued::{Issued, Lookup};
use super::{Authority, Grant};

const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `POST /{tenant}/oauth2/v2.0/token`.
pub(super) fn token(authority: &Authority, request: &Request, tenant: &str) -> Response {
    let (form, client_id) = match client_form(request) {
        Ok(parts) => parts,
        Err(answer) => return *answer,
    };
    let client_id = client_id.as_str();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {
            client_credentials(authority, request, &form, tenant, client_id)
        }
        Some("refresh_token") => refresh_token(authority, request, &form, tenant, client_id),
        // MSAL for JavaScript sends the short name, which Entra accepts too.
        Some(DEVICE_CODE_GRANT | "device_code") => {
            device_code_grant(authority, request, &form, tenant, client_id)
        }
        Some("") | None => missing_parameter("grant_type"),
        Some(other) => oauth_error(
            "unsupported_grant_type",
            70003,
            &format!(
                "The app requested an unsupported grant type '{other}'; this local authority supports client_credentials, refresh_token and {DEVICE_CODE_GRANT}."
            ),
        ),
    }
}

fn client_credentials(
    authority: &Authority,
    request: &Request,
    form: &HashMap<String, String>,
    tenant: &str,
    client_id: &str,
) -> Response {
    let secret = form.get("client_secret").filter(|s| !s.is_empty());
    let assertion = form.get("client_assertion").filter(|s| !s.is_empty());
    match (secret, assertion) {
        (None, None) => {
            return oauth_error(
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            );
        }
        (_, Some(_))
            if form.get("client_assertion_type").map(String::as_str)
                != Some(CLIENT_ASSERTION_TYPE) =>
        {
            return oauth_error(
                "invalid_request",
                50027,
                &format!("client_assertion_type must be '{CLIENT_ASSERTION_TYPE}'."),
            );
        }
        _ => {}
    }
    let scope = form.get("scope").map(String::as_str).unwrap_or_default();
    if !scope.trim().ends_with("/.default") || scope.split_whitespace().count() != 1 {
        return oauth_error(
            "invalid_scope",
            1002012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        );
    }
    let grant = Grant {
        tenant: tenant.to_owned(),
        client_id: client_id.to_owned(),
        scope: scope.trim().to_owned(),
    };
    issue(authority, request, form, &grant, false)
}

fn refresh_token(
    authority: &Authority,
    request: &Request,
    form: &HashMap<String, String>,
    tenant: &str,
    client_id: &str,
) -> Response {
    let redeemed = redeem(
        &authority.refresh_tokens,
        form,
        Redeemed {
            field: "refresh_token",
            what: "refresh token",
            tenant,
            client_id,
            expired: (
                "invalid_grant",
                700082,
                "The refresh token has expired due to inactivity. Sign in again.",
            ),
            unknown: (
                "invalid_grant",
                9002313,
                "Invalid request. The refresh token is malformed or was not issued by this local authority.",
            ),
        },
    );
    match redeemed {
        Ok(grant) => {
            // Entra may narrow the scopes on a refresh; keep the original ones unless others are asked for.
            let scope = form
                .get("scope")
                .filter(|s| !s.trim().is_empty())
                .map_or(grant.scope.clone(), |s| s.trim().to_owned());
            let grant = Grant { scope, ..grant };
            issue(authority, request, form, &grant, true)
        }
        Err(answer) => *answer,
    }
}

fn device_code_grant(
    authority: &Authority,
    request: &Request,
    form: &HashMap<String, String>,
    tenant: &str,
    client_id: &str,
) -> Response {
    let redeemed = redeem(
        &authority.device_codes,
        form,
        Redeemed {
            field: "device_code",
            what: "device code",
            tenant,
            client_id,
            expired: (
                "expired_token",
                70020,
                "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
            ),
            unknown: (
                "bad_verification_code",
                70019,
                "The provided value for the input parameter 'device_code' is not valid. Verification code not recognized.",
            ),
        },
    );
    match redeemed {
        Ok(grant) => {
            // Approved by the stand-in user; a device code is redeemed once.
            if let Some(code) = form.get("device_code") {
                authority.device_codes.remove(code);
            }
            issue(authority, request, form, &grant, true)
        }
        Err(answer) => *answer,
    }
}

/// A grant that redeems a value the authority issued (a refresh token, a device code): the form field it comes in,
/// the client and tenant redeeming it, and Entra's error (`error`, AADSTS code, description) for a value that
/// expired and for one it never issued.
struct Redeemed<'a> {
    field: &'static str,
    what: &'static str,
    tenant: &'a str,
    client_id: &'a str,
    expired: (&'static str, u32, &'static str),
    unknown: (&'static str, u32, &'static str),
}

/// The grant behind the value in `redeemed.field`, when it was issued to this client and tenant and is still valid;
/// else Entra's error for why not.
fn redeem(
    issued: &Issued<Grant>,
    form: &HashMap<String, String>,
    redeemed: Redeemed<'_>,
) -> Result<Grant, Box<Response>> {
    let Some(value) = form.get(redeemed.field).filter(|v| !v.is_empty()) else {
        return Err(Box::new(missing_parameter(redeemed.field)));
    };
    let refused = |(error, code, description): (&str, u32, &str)| {
        Err(Box::new(oauth_error(error, code, description)))
    };
    match issued.lookup(value) {
        Lookup::Valid(grant)
            if grant.client_id == redeemed.client_id && grant.tenant == redeemed.tenant =>
        {
            Ok(grant)
        }
        Lookup::Valid(_) => Err(Box::new(oauth_error(
            "invalid_grant",
            70000,
            &format!(
                "The {} was issued to another client or tenant.",
                redeemed.what
            ),
        ))),
        Lookup::Expired => refused(redeemed.expired),
        Lookup::Unknown => refused(redeemed.unknown),
    }
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(super) fn device_code(authority: &Authority, request: &Request, tenant: &str) -> Response {
    let (form, client_id) = match client_form(request) {
        Ok(parts) => parts,
        Err(answer) => return *answer,
    };
    let client_id = client_id.as_str();
    let scope = form
        .get("scope")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    if scope.is_empty() {
        return missing_parameter("scope");
    }
    let device_code = secret_value("dc");
    let user_code = user_code();
    let lifetime = authority.settings.device_code_lifetime;
    authority.device_codes.insert(
        device_code.clone(),
        Instant::now() + lifetime,
        Grant {
            tenant: tenant.to_owned(),
            client_id: client_id.to_owned(),
            scope,
        },
    );
    let verification_uri = format!(
        "{}/devicelogin",
        crate::route::origin(request, request.uri())
    );
    json_response(
        StatusCode::OK,
        &json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": lifetime.as_secs(),
            "interval": authority.settings.device_code_interval,
            "message": format!(
                "To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate. (This local authority approves the code by itself.)"
            ),
        }),
    )
}

/// A token answer for `grant`. A delegated grant also gets a refresh token when it asked for `offline_access`, an
/// `id_token` when it asked for `openid`, and `client_info` when the client sent `client_info=1`, as Entra answers.
fn issue(
    authority: &Authority,
    request: &Request,
    form: &HashMap<String, String>,
    grant: &Grant,
    delegated: bool,
) -> Response {
    let lifetime = authority.settings.token_lifetime;
    let access_token = authority.issue_access_token();
    let scopes: Vec<&str> = grant
        .scope
        .split_whitespace()
        .filter(|s| *s != "offline_access")
        .collect();
    let mut answer = json!({
        "token_type": "Bearer",
        "scope": scopes.join(" "),
        "expires_in": lifetime.as_secs(),
        "ext_expires_in": lifetime.as_secs(),
        "access_token": access_token,
    });
    let has_scope = |name: &str| grant.scope.split_whitespace().any(|s| s == name);
    if delegated && has_scope("offline_access") {
        let refresh = secret_value("rt");
        // Entra's refresh tokens last 90 days of inactivity.
        authority.refresh_tokens.insert(
            refresh.clone(),
            Instant::now() + std::time::Duration::from_secs(90 * 24 * 3600),
            grant.clone(),
        );
        answer["refresh_token"] = Value::String(refresh);
    }
    if delegated && has_scope("openid") {
        let origin = crate::route::origin(request, request.uri());
        answer["id_token"] = Value::String(identity::id_token(
            &origin,
            &grant.tenant,
            &grant.client_id,
            lifetime,
        ));
    }
    if delegated && form.get("client_info").map(String::as_str) == Some("1") {
        answer["client_info"] = Value::String(identity::client_info(&grant.tenant));
    }
    json_response(StatusCode::OK, &answer)
}

/// The form body, or the 400 Entra gives for a body that is not one.
/// The form of a token or devicecode request and its `client_id`, or Entra's answer when either is missing.
fn client_form(request: &Request) -> Result<(HashMap<String, String>, String), Box<Response>> {
    let form = form(request)?;
    match form.get("client_id").filter(|c| !c.is_empty()) {
        Some(client_id) => {
            let client_id = client_id.clone();
            Ok((form, client_id))
        }
        None => Err(Box::new(missing_parameter("client_id"))),
    }
}

/// Entra's `invalid_request` (AADSTS900144) for a form without `parameter`.
fn missing_parameter(parameter: &str) -> Response {
    oauth_error(
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{parameter}'."),
    )
}

fn form(request: &Request) -> Result<HashMap<String, String>, Box<Response>> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(Box::new(oauth_error(
            "invalid_request",
            900144,
            "The request body must be application/x-www-form-urlencoded.",
        )));
    }
    Ok(url::form_urlencoded::parse(request.body())
        .into_owned()
        .collect())
}

/// An opaque, unguessable value: a prefix naming its kind and 256 random bits.
pub(super) fn secret_value(kind: &str) -> String {
    format!(
        "local-{kind}.{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Nine letters and digits, as Entra's user codes are (no 0/O or 1/I, which people misread).
fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(9)
        .filter_map(|b| ALPHABET.get(usize::from(*b) % ALPHABET.len()))
        .map(|b| char::from(*b))
        .collect()
}

/// Entra's error answer: 401 for `invalid_client`, 400 for the rest.
fn oauth_error(error: &str, code: u32, description: &str) -> Response {
    let status = if error == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    oauth_error_with_status(status, error, code, description)
}

/// Entra's error body with an explicit status.
fn oauth_error_with_status(
    status: StatusCode,
    error: &str,
    code: u32,
    description: &str,
) -> Response {
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let timestamp = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    json_response(
        status,
        &json!({
            "error": error,
            "error_description": format!(
                "AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}"
            ),
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
        }),
    )
}

/// A scripted fault's answer at the authority: a status fault (a 500, a 429 with `Retry-After`) in Entra's shape.
pub(crate) fn scripted_status(status: StatusCode, retry_after: Option<u64>) -> Response {
    let error =
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            "temporarily_unavailable"
        } else {
            "server_error"
        };
    let mut response = oauth_error_with_status(
        status,
        error,
        50000,
        &format!("Scripted fault: the local authority answered {status}."),
    );
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// A scripted OAuth2 error, such as `authorization_pending` or `slow_down`: 400 with Entra's body for it.
pub(crate) fn scripted_error(error: &str) -> Response {
    let (code, description) = match error {
        "authorization_pending" => (
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        "slow_down" => (70016, "Polling too fast: slow down and keep polling."),
        "access_denied" => (70017, "The user declined the sign-in request."),
        "expired_token" => (70020, "The device code has expired."),
        "invalid_client" => (7000215, "Invalid client secret provided."),
        "invalid_grant" => (70000, "The provided grant is invalid or malformed."),
        _ => (50000, "Scripted error."),
    };
    oauth_error(error, code, description)
}

pub(super) fn method_not_allowed(method: &Method, allowed: &Method) -> Response {
    oauth_error_with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        900561,
        &format!("The endpoint only accepts {allowed} requests. Received a {method} request."),
    )
}

pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    response
}
