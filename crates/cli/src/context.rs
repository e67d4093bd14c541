//! Building the client from the global flags and the environment.

use intune_osimages::{Client, Cloud};

use crate::args::{CloudName, Global};
use crate::exit::Failure;
use crate::ui::Ui;

fn cloud(name: CloudName) -> Cloud {
    match name {
        CloudName::Global => Cloud::Global,
        CloudName::Usgov => Cloud::UsGovL4,
        CloudName::UsgovDod => Cloud::UsGovDod,
        CloudName::China => Cloud::China,
    }
}

/// Client credentials from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`: all three or none.
fn env_client_credentials() -> Result<Option<(String, String, String)>, Failure> {
    let names = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"];
    let values: Vec<Option<String>> = names
        .iter()
        .map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
        .collect();
    match values.as_slice() {
        [Some(t), Some(c), Some(s)] => Ok(Some((t.clone(), c.clone(), s.clone()))),
        [None, None, None] => Ok(None),
        _ => {
            let missing: Vec<&str> = names
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            Err(Failure::usage(format!(
                "client credentials need AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; missing: {}",
                missing.join(", ")
            )))
        }
    }
}

/// The client a command runs on, and whether it is the built-in sample tenant (whose writes are not kept).
pub struct Target {
    pub client: Client,
    pub sample: bool,
}

fn sample(reason: &str, ui: &Ui) -> Result<Target, Failure> {
    ui.note(&format!(
        "note: {reason}: using the built-in sample tenant (offline sample data, changes are not kept)"
    ));
    Ok(Target {
        client: Client::sample().map_err(Failure::from)?,
        sample: true,
    })
}

/// The client the flags ask for.
pub fn client(global: &Global, ui: &Ui) -> Result<Target, Failure> {
    if global.fake {
        return sample("--fake", ui);
    }
    // An empty token is a mistake (a `$(...)` that failed in a script), never a request for the sample tenant.
    if global.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Failure::usage(
            "the token is empty (--token \"\" or GRAPH_TOKEN set to nothing, perhaps a command substitution that \
             failed): give a token, or unset GRAPH_TOKEN to use the sample tenant",
        ));
    }
    let token = global.token.clone();
    let client_credentials = if token.is_none() {
        env_client_credentials()?
    } else {
        None
    };
    let chosen = cloud(global.cloud);
    // AZURE_AUTHORITY_HOST is the Azure SDKs' way to point token requests elsewhere (a private cloud, a test
    // authority); it is honoured the same way here.
    let authority_override = std::env::var("AZURE_AUTHORITY_HOST")
        .ok()
        .filter(|a| !a.is_empty());
    let cloud = match (&global.base_url, authority_override) {
        (None, _) if token.is_none() && client_credentials.is_none() => {
            return sample("no credentials and no --base-url", ui);
        }
        (None, None) => chosen,
        (base_url, authority) => Cloud::Custom {
            base_url: base_url.clone().unwrap_or_else(|| chosen.base_url()),
            authority: authority.or_else(|| chosen.authority()),
            scope: chosen.default_scope(),
        },
    };
    let mut builder = Client::builder()
        .cloud(cloud)
        .operation_timeout(global.timeout);
    if let Some(token) = token {
        builder = builder.token(token);
    } else if let Some((tenant, client_id, secret)) = client_credentials {
        builder = builder.client_credentials(tenant, client_id, secret);
    }
    Ok(Target {
        client: builder.build().map_err(Failure::from)?,
        sample: false,
    })
}
