//! Where the CLI's credentials come from (`--auth`): each source, the `auto` chain over them, and the error that
//! lists every source tried and why it could not be used. No message here ever holds a secret: they name variables
//! and files, never their values.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use intune_osimages::ClientBuilder;

use crate::args::AuthSource;
use crate::exit::Failure;
use crate::login::Account;

/// What the sources read, gathered once from the flags and the environment (an empty variable counts as unset).
pub struct Inputs {
    token: Option<String>,
    tenant_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    certificate_path: Option<String>,
    #[cfg_attr(not(feature = "certificate"), allow(dead_code))]
    certificate_password: Option<String>,
    federated_token_file: Option<String>,
    /// The token authority (`AZURE_AUTHORITY_HOST`, else the cloud's), for the certificate credential.
    #[cfg_attr(not(feature = "certificate"), allow(dead_code))]
    authority: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Inputs {
    /// `--token`/`GRAPH_TOKEN` and the `AZURE_*` variables as Azure's own tools read them.
    pub fn read(token: Option<String>, authority: String) -> Self {
        Inputs {
            authority,
            certificate_password: var("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
            token,
            tenant_id: var("AZURE_TENANT_ID"),
            client_id: var("AZURE_CLIENT_ID"),
            client_secret: var("AZURE_CLIENT_SECRET"),
            certificate_path: var("AZURE_CLIENT_CERTIFICATE_PATH"),
            federated_token_file: var("AZURE_FEDERATED_TOKEN_FILE"),
        }
    }

    /// Whether any app-registration variable is set, so `auto` takes the environment as meant for it.
    fn has_environment(&self) -> bool {
        self.tenant_id.is_some()
            || self.client_id.is_some()
            || self.client_secret.is_some()
            || self.certificate_path.is_some()
            || self.federated_token_file.is_some()
    }

    /// `AZURE_TENANT_ID` and `AZURE_CLIENT_ID` with `proof`, or the names of those missing.
    fn app(&self, proof: (&str, &Option<String>)) -> Result<(String, String, String), String> {
        let wanted = [
            ("AZURE_TENANT_ID", &self.tenant_id),
            ("AZURE_CLIENT_ID", &self.client_id),
            proof,
        ];
        match wanted {
            [(_, Some(tenant)), (_, Some(client)), (_, Some(value))] => {
                Ok((tenant.clone(), client.clone(), value.clone()))
            }
            _ => {
                let missing: Vec<&str> = wanted
                    .iter()
                    .filter(|(_, v)| v.is_none())
                    .map(|(name, _)| *name)
                    .collect();
                Err(format!("{} not set", missing.join(", ")))
            }
        }
    }
}

/// A configured credential, to apply to the client builder.
pub enum Credential {
    Token(String),
    Secret {
        tenant: String,
        client: String,
        secret: String,
    },
    Federated {
        tenant: String,
        client: String,
        file: String,
    },
    Azure(Arc<dyn TokenCredential>),
    DeviceCode(Box<intune_osimages::DeviceCodeCredential>),
}

impl Credential {
    pub fn apply(self, builder: ClientBuilder) -> ClientBuilder {
        match self {
            Credential::Token(token) => builder.token(token),
            Credential::Secret {
                tenant,
                client,
                secret,
            } => builder.client_credentials(tenant, client, secret),
            Credential::Federated {
                tenant,
                client,
                file,
            } => builder.client_assertion_file(tenant, client, file),
            Credential::Azure(credential) => builder.credential(credential),
            Credential::DeviceCode(credential) => builder.token_provider(Arc::new(*credential)),
        }
    }
}

/// One source: a credential, or why it cannot be used (naming what is missing, never a value).
type Attempt = Result<Credential, String>;

/// A source read from the environment.
type Source = fn(&Inputs) -> Attempt;

fn token(inputs: &Inputs) -> Attempt {
    inputs
        .token
        .clone()
        .map(Credential::Token)
        .ok_or_else(|| "neither --token nor GRAPH_TOKEN is set".to_owned())
}

// The client-secret and federated-token flows are the SDK's own: azure_identity refuses an authority host that is
// not https, so its credentials cannot sign in against a loopback authority (the emulator's --authority) that
// tests and offline users rely on; the SDK's flows post the same requests Entra ID documents.
fn secret(inputs: &Inputs) -> Attempt {
    let (tenant, client, secret) = inputs.app(("AZURE_CLIENT_SECRET", &inputs.client_secret))?;
    Ok(Credential::Secret {
        tenant,
        client,
        secret,
    })
}

fn workload_identity(inputs: &Inputs) -> Attempt {
    let (tenant, client, file) =
        inputs.app(("AZURE_FEDERATED_TOKEN_FILE", &inputs.federated_token_file))?;
    if !std::path::Path::new(&file).is_file() {
        return Err(format!(
            "AZURE_FEDERATED_TOKEN_FILE names {file}, which is not a readable file"
        ));
    }
    Ok(Credential::Federated {
        tenant,
        client,
        file,
    })
}

/// The SDK's certificate credential (azure_identity's): a PKCS#12 file (`.pfx`, `.p12`) with the certificate and its
/// RSA key, `AZURE_CLIENT_CERTIFICATE_PASSWORD` when it has one. Like every azure_identity credential it needs an
/// https authority.
#[cfg(feature = "certificate")]
fn certificate(inputs: &Inputs) -> Attempt {
    let (tenant, client, path) =
        inputs.app(("AZURE_CLIENT_CERTIFICATE_PATH", &inputs.certificate_path))?;
    let bytes = std::fs::read(&path).map_err(|e| {
        format!("AZURE_CLIENT_CERTIFICATE_PATH names {path}, which cannot be read: {e}")
    })?;
    if bytes.starts_with(b"-----BEGIN") {
        return Err(format!(
            "{path} is PEM; this credential reads PKCS#12 (.pfx): convert it with `openssl pkcs12 -export -in \
             cert.pem -inkey key.pem -out cert.pfx`"
        ));
    }
    intune_osimages::client_certificate_credential(
        &inputs.authority,
        tenant,
        client,
        bytes,
        inputs
            .certificate_password
            .clone()
            .map(intune_osimages::Secret::new),
    )
    .map(Credential::Azure)
    // azure_identity's message names what failed (a wrong password, not PKCS#12), never the password.
    .map_err(|e| format!("{path}: {e}"))
}

#[cfg(not(feature = "certificate"))]
fn certificate(inputs: &Inputs) -> Attempt {
    inputs.app(("AZURE_CLIENT_CERTIFICATE_PATH", &inputs.certificate_path))?;
    Err("this build of osimages has no certificate sign-in (its `certificate` feature, azure_identity's \
         client_certificate, which needs OpenSSL, is not built in); use workload identity or a client secret"
        .to_owned())
}

fn managed_identity() -> Attempt {
    // User-assigned identities are picked by client id in azure_identity's options; the system-assigned one (or
    // the App Service identity named by IDENTITY_ENDPOINT/IDENTITY_HEADER) otherwise.
    let options =
        var("AZURE_CLIENT_ID").map(
            |client_id| azure_identity::ManagedIdentityCredentialOptions {
                user_assigned_id: Some(azure_identity::UserAssignedId::ClientId(client_id)),
                ..Default::default()
            },
        );
    azure_identity::ManagedIdentityCredential::new(options)
        .map(|c| Credential::Azure(c))
        .map_err(|e| format!("cannot be set up: {e}"))
}

fn azure_cli() -> Attempt {
    azure_identity::AzureCliCredential::new(None)
        .map(|c| Credential::Azure(c))
        .map_err(|e| format!("cannot be set up: {e}"))
}

/// Whether a program named `az` is on `PATH` (auto tries the Azure CLI only then).
fn az_on_path() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("az").is_file()))
}

/// The credential `--auth source` asks for. `Ok(None)`: `auto` found no source at all (the caller then uses the
/// sample tenant, or no credentials against `--base-url`). A source that is asked for but misconfigured, or an
/// `auto` whose every candidate failed, is a usage error (exit 2) naming each source and why.
pub fn choose(
    source: AuthSource,
    inputs: &Inputs,
    account: &Account,
    timeout: std::time::Duration,
) -> Result<Option<Credential>, Failure> {
    let named = |name: &str, attempt: Attempt| {
        attempt
            .map(Some)
            .map_err(|why| Failure::usage(format!("--auth {name}: {why}")))
    };
    match source {
        AuthSource::Token => named("token", token(inputs)),
        AuthSource::Secret => named("secret", secret(inputs)),
        AuthSource::Certificate => named("certificate", certificate(inputs)),
        AuthSource::WorkloadIdentity => named("workload-identity", workload_identity(inputs)),
        AuthSource::ManagedIdentity => named("managed-identity", managed_identity()),
        AuthSource::AzureCli => named("azure-cli", azure_cli()),
        AuthSource::DeviceCode => named(
            "device-code",
            account
                .interactive(timeout)
                .map(|c| Credential::DeviceCode(Box::new(c))),
        ),
        AuthSource::Auto => auto(inputs, account),
    }
}

/// `auto`: a token; then the `AZURE_*` environment (a secret, a federated token file, a certificate); then the
/// sign-in `osimages login` kept (used silently: `auto` never prompts); then the Azure CLI's account when `az` is on
/// PATH. Managed identity is never tried unless asked for: it probes an address that is not on this machine.
fn auto(inputs: &Inputs, account: &Account) -> Result<Option<Credential>, Failure> {
    if let Ok(credential) = token(inputs) {
        return Ok(Some(credential));
    }
    let mut tried = vec![("token", "neither --token nor GRAPH_TOKEN is set".to_owned())];
    if inputs.has_environment() {
        let candidates: [(&str, Source, bool); 3] = [
            ("secret", secret, inputs.client_secret.is_some()),
            (
                "workload-identity",
                workload_identity,
                inputs.federated_token_file.is_some(),
            ),
            (
                "certificate",
                certificate,
                inputs.certificate_path.is_some(),
            ),
        ];
        let chosen: Vec<_> = candidates.iter().filter(|(_, _, set)| *set).collect();
        for (name, attempt, _) in &chosen {
            match attempt(inputs) {
                Ok(credential) => return Ok(Some(credential)),
                Err(why) => tried.push((name, why)),
            }
        }
        if !chosen.is_empty() {
            return Err(every_source_failed(&tried));
        }
        // AZURE_TENANT_ID (or AZURE_CLIENT_ID) alone may be meant for the sign-in `login` kept.
        tried.push((
            "secret",
            "AZURE_TENANT_ID/AZURE_CLIENT_ID are set without AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE or AZURE_CLIENT_CERTIFICATE_PATH"
                .to_owned(),
        ));
    }
    match account.kept() {
        Ok(Some(credential)) => return Ok(Some(Credential::DeviceCode(Box::new(credential)))),
        Ok(None) => tried.push((
            "device-code",
            format!(
                "no sign-in kept by `osimages login` for tenant {}",
                account.tenant
            ),
        )),
        Err(why) => {
            tried.push(("device-code", why));
            return Err(every_source_failed(&tried));
        }
    }
    if az_on_path() {
        return azure_cli().map(Some).map_err(|why| {
            tried.push(("azure-cli", why));
            every_source_failed(&tried)
        });
    }
    if inputs.has_environment() {
        return Err(every_source_failed(&tried));
    }
    Ok(None)
}

fn every_source_failed(tried: &[(&str, String)]) -> Failure {
    let lines: Vec<String> = tried
        .iter()
        .map(|(name, why)| format!("  {name}: {why}"))
        .collect();
    Failure::usage(format!(
        "no sign-in source could be used (--auth auto tried, in order):\n{}\nchoose one with --auth (see docs/cli.md, Sign-in)",
        lines.join("\n")
    ))
}
