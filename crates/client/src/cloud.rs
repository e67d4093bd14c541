//! National clouds: where Graph and its token authority live.

use crate::Error;

/// A Microsoft Graph deployment. Each has its own Graph host, token authority and default scope.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service: `graph.microsoft.com`.
    Global,
    /// US Government L4: `graph.microsoft.us`.
    UsGovL4,
    /// US Government L5 (DoD): `dod-graph.microsoft.us`.
    UsGovDod,
    /// China, operated by 21Vianet: `microsoftgraph.chinacloudapi.cn`.
    China,
    /// Any Graph-compatible server, such as the emulator (`osimages serve`) or a proxy. `base_url` includes the
    /// version segment, for example `http://127.0.0.1:8080/beta`.
    Custom {
        /// The base URL requests are made against (paths are appended to it).
        base_url: String,
        /// The token authority host for client credentials, when the server needs them.
        authority: Option<String>,
        /// The OAuth2 scope for client credentials.
        scope: Option<String>,
    },
}

impl Cloud {
    /// A custom base URL, such as the emulator's `http://127.0.0.1:8080/beta`.
    pub fn custom(base_url: impl Into<String>) -> Self {
        Cloud::Custom {
            base_url: base_url.into(),
            authority: None,
            scope: None,
        }
    }

    /// Parses a cloud name as the CLI spells it: `global`, `usgov`, `usgov-dod`, `china`.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        match name.to_ascii_lowercase().as_str() {
            "global" | "public" => Ok(Cloud::Global),
            "usgov" | "usgov-l4" | "gcchigh" => Ok(Cloud::UsGovL4),
            "usgov-dod" | "dod" | "usgov-l5" => Ok(Cloud::UsGovDod),
            "china" | "21vianet" => Ok(Cloud::China),
            other => Err(Error::configuration(format!(
                "unknown cloud {other:?}: expected one of global, usgov, usgov-dod, china"
            ))),
        }
    }

    /// The Graph base URL including `/beta`.
    pub fn base_url(&self) -> String {
        match self {
            Cloud::Custom { base_url, .. } => base_url.trim_end_matches('/').to_owned(),
            known => format!("https://{}/beta", known.graph_host().unwrap_or_default()),
        }
    }

    /// The Graph host of a national cloud (`None` for a custom URL).
    pub fn graph_host(&self) -> Option<&'static str> {
        match self {
            Cloud::Global => Some("graph.microsoft.com"),
            Cloud::UsGovL4 => Some("graph.microsoft.us"),
            Cloud::UsGovDod => Some("dod-graph.microsoft.us"),
            Cloud::China => Some("microsoftgraph.chinacloudapi.cn"),
            Cloud::Custom { .. } => None,
        }
    }

    /// The token authority, such as `https://login.microsoftonline.com`.
    pub fn authority(&self) -> Option<String> {
        match self {
            Cloud::Global => Some("https://login.microsoftonline.com".into()),
            Cloud::UsGovL4 | Cloud::UsGovDod => Some("https://login.microsoftonline.us".into()),
            Cloud::China => Some("https://login.chinacloudapi.cn".into()),
            Cloud::Custom { authority, .. } => authority.clone(),
        }
    }

    /// The default OAuth2 scope for client credentials, such as `https://graph.microsoft.com/.default`.
    pub fn default_scope(&self) -> Option<String> {
        match self {
            Cloud::Custom { scope, .. } => scope.clone(),
            known => known.graph_host().map(|h| format!("https://{h}/.default")),
        }
    }
}
