//! Who a delegated sign-in at the local authority signs in as, and the OpenID Connect answers that say so: the
//! `id_token` Entra adds when `openid` is asked for, and the `client_info` it adds when a client sends
//! `client_info=1`. MSAL (under Azure's Python, .NET, Java and JavaScript identity libraries) builds its account
//! from these; without them its device-code sign-in fails after the token arrives.
//!
//! The `id_token` is unsigned (`"alg":"none"`): the local authority holds no keys, and a client that receives the
//! token straight from the token endpoint need not check a signature (OpenID Connect Core 3.1.3.7; MSAL does not).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

/// The account every device code is approved for: its object id, name and sign-in name.
pub(super) const USER_OBJECT_ID: &str = "00000000-0000-4000-8000-0000000ad313";
const USER_NAME: &str = "Local Administrator";
const USER_SIGN_IN_NAME: &str = "admin@local-authority.test";
/// The tenant id for a tenant named by domain or as `organizations`/`common`, where Entra would answer with the
/// account's real tenant id (a GUID).
const LOCAL_TENANT_ID: &str = "00000000-0000-4000-8000-00000000c0de";

/// The tenant id the answers carry: the tenant as asked when it is a GUID, else [`LOCAL_TENANT_ID`].
pub(super) fn tenant_id(tenant: &str) -> String {
    uuid::Uuid::try_parse(tenant).map_or_else(|_| LOCAL_TENANT_ID.to_owned(), |id| id.to_string())
}

/// An `id_token` for the local user, issued by `{origin}/{tenant id}/v2.0` to `client_id`, valid for `lifetime`.
pub(super) fn id_token(origin: &str, tenant: &str, client_id: &str, lifetime: Duration) -> String {
    let now = unix_now();
    let tid = tenant_id(tenant);
    let header = json!({"typ": "JWT", "alg": "none"});
    let claims = json!({
        "aud": client_id,
        "iss": format!("{origin}/{tid}/v2.0"),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime.as_secs(),
        "name": USER_NAME,
        "oid": USER_OBJECT_ID,
        "preferred_username": USER_SIGN_IN_NAME,
        "sub": USER_OBJECT_ID,
        "tid": tid,
        "ver": "2.0",
    });
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// Now in seconds since the Unix epoch, as tokens state their times.
pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// `client_info`: the account's object id and tenant id, as base64url JSON.
pub(super) fn client_info(tenant: &str) -> String {
    URL_SAFE_NO_PAD.encode(json!({"uid": USER_OBJECT_ID, "utid": tenant_id(tenant)}).to_string())
}
