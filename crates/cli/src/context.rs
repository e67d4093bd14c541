//! Building the client from the global flags and the environment.

use intune_osimages::{Client, Cloud};

use crate::args::{CloudName, Global};
use crate::exit::Failure;
use crate::ui::Ui;

/// The cloud a `--cloud` name stands for.
pub fn cloud(name: CloudName) -> Cloud {
    match name {
        CloudName::Global => Cloud::Global,
        CloudName::Usgov => Cloud::UsGovL4,
        CloudName::UsgovDod => Cloud::UsGovDod,
        CloudName::China => Cloud::China,
    }
}

/// AZURE_AUTHORITY_HOST: the Azure SDKs' way to point token requests elsewhere (a private cloud, a test authority),
/// honoured the same way here.
pub fn authority_override() -> Option<String> {
    std::env::var("AZURE_AUTHORITY_HOST")
        .ok()
        .filter(|a| !a.is_empty())
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
    let account = crate::login::Account::from(global);
    let credential = crate::sign_in::choose(
        global.auth,
        &crate::sign_in::Inputs::read(global.token.clone(), account.authority.clone()),
        &account,
        global.timeout,
    )?;
    let chosen = cloud(global.cloud);
    let authority_override = authority_override();
    let cloud = match (&global.base_url, authority_override) {
        (None, _) if credential.is_none() => {
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
    if let Some(credential) = credential {
        builder = credential.apply(builder);
    }
    Ok(Target {
        client: builder.build().map_err(Failure::from)?,
        sample: false,
    })
}
