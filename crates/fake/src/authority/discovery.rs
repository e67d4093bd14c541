//! The OpenID Connect discovery document Entra ID publishes for a tenant. MSAL (which Azure's Python, .NET, Java and
//! JavaScript identity libraries build on) reads it before any sign-in, to find the token and device-code
//! endpoints: without it those clients cannot sign in at the local authority at all.

use http::StatusCode;
use intune_osimages_transport::{Request, Response};
use serde_json::json;

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`: Entra's document, every endpoint at this origin. The
/// issuer is `{origin}/{tenant id}/v2.0`, the `iss` of its `id_token`s, at the authority's own origin, which MSAL's
/// issuer check accepts.
pub(super) fn openid_configuration(request: &Request, tenant_name: &str) -> Response {
    let origin = crate::route::origin(request, request.uri());
    // The tenant segment as the client wrote it (still percent-encoded), so the links are the ones it asked under.
    let tenant = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let base = format!("{origin}/{tenant}");
    super::endpoints::json_response(
        StatusCode::OK,
        &json!({
            "token_endpoint": format!("{base}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            // Entra names the tenant by its id here, as the `iss` of the tokens it issues does.
            "issuer": format!("{origin}/{}/v2.0", super::identity::tenant_id(tenant_name)),
            "request_uri_parameter_supported": false,
            "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "ver", "preferred_username"],
            "tenant_region_scope": null,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
        }),
    )
}
