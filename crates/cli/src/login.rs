//! `osimages login` / `logout`: an administrator's delegated sign-in with a device code, kept as a refresh token in
//! the user's config directory (one file per authority, tenant and public client id), which later commands use
//! silently.

use std::path::PathBuf;
use std::sync::Arc;

use etcetera::BaseStrategy;
use intune_osimages::{DeviceCodeCredential, DeviceCodePrompt, RefreshTokenFile};

use crate::args::Global;
use crate::exit::Failure;

/// Entra's own name for "any work or school account", used when no tenant is given.
const DEFAULT_TENANT: &str = "organizations";

/// Whom a delegated sign-in is for.
pub struct Account {
    pub authority: String,
    pub tenant: String,
    /// `None`: not given; `auto` then uses the one kept sign-in for this authority and tenant, if there is exactly one.
    pub client_id: Option<String>,
    scope: String,
}

impl Account {
    /// The authority (`AZURE_AUTHORITY_HOST`, else the cloud's), `--tenant`/`AZURE_TENANT_ID` (else
    /// `organizations`) and `--client-id`/`OSIMAGES_CLIENT_ID`.
    pub fn from(global: &Global) -> Account {
        let cloud = crate::context::cloud(global.cloud);
        let authority = crate::context::authority_override()
            .or_else(|| cloud.authority())
            .unwrap_or_default();
        let tenant = global
            .tenant
            .clone()
            .or_else(|| std::env::var("AZURE_TENANT_ID").ok())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_TENANT.to_owned());
        Account {
            authority: authority.trim_end_matches('/').to_owned(),
            tenant,
            client_id: global.client_id.clone().filter(|c| !c.trim().is_empty()),
            scope: cloud.default_scope().unwrap_or_default(),
        }
    }

    /// The client id, or the usage error saying where to give it.
    fn required_client_id(&self, what: &str) -> Result<&str, String> {
        self.client_id.as_deref().ok_or_else(|| {
            format!(
                "{what} needs the client id of a public client app registration: give --client-id or set \
                 OSIMAGES_CLIENT_ID (docs/cli.md, Sign-in, explains the one-time registration)"
            )
        })
    }

    /// The kept sign-in's file for `client_id`.
    fn file(&self, client_id: &str) -> Result<RefreshTokenFile, String> {
        Ok(RefreshTokenFile::new(tokens_dir()?.join(format!(
            "{}_{}.json",
            self.prefix(),
            file_key(client_id)
        ))))
    }

    /// The start of the file names kept for this authority and tenant.
    fn prefix(&self) -> String {
        format!("{}_{}", file_key(&self.authority), file_key(&self.tenant))
    }

    /// The client id of the only sign-in kept for this authority and tenant (`auto` without a client id).
    fn only_kept_client(&self) -> Result<Option<String>, String> {
        let dir = tokens_dir()?;
        let prefix = format!("{}_", self.prefix());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(None);
        };
        let mut clients: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|name| {
                let key = name.strip_prefix(&prefix)?.strip_suffix(".json")?;
                unkey(key)
            })
            .collect();
        match clients.len() {
            0 => Ok(None),
            1 => Ok(clients.pop()),
            _ => Err(format!(
                "sign-ins for several client ids are kept for tenant {} ({}): choose one with --client-id or \
                 OSIMAGES_CLIENT_ID",
                self.tenant,
                clients.join(", ")
            )),
        }
    }

    /// The credential for `client_id`, keeping its refresh token in its file; with `prompt`, it may ask the person
    /// at the terminal to sign in.
    fn credential(
        &self,
        client_id: &str,
        prompt: bool,
    ) -> Result<(DeviceCodeCredential, RefreshTokenFile), String> {
        let transport = intune_osimages_http::HttpTransport::builder()
            .timeout(intune_osimages::DEFAULT_TIMEOUT)
            .connect_timeout(intune_osimages::DEFAULT_CONNECT_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP transport: {e}"))?;
        let file = self.file(client_id)?;
        let mut credential = DeviceCodeCredential::new(
            &self.authority,
            &self.tenant,
            client_id,
            &self.scope,
            Arc::new(transport),
        )
        .map_err(|e| e.to_string())?
        .refresh_token_file(file.clone());
        if prompt {
            credential = credential.prompt(show);
        }
        Ok((credential, file))
    }

    /// `--auth device-code`: the kept sign-in, or a new one at the terminal.
    pub fn interactive(&self, wait: std::time::Duration) -> Result<DeviceCodeCredential, String> {
        let client_id = self.required_client_id("--auth device-code")?;
        Ok(self.credential(client_id, true)?.0.max_wait(wait))
    }

    /// `--auth auto`: the kept sign-in, used silently, when there is one; `Ok(None)` when there is none.
    pub fn kept(&self) -> Result<Option<DeviceCodeCredential>, String> {
        let client_id = match &self.client_id {
            Some(id) => id.clone(),
            None => match self.only_kept_client()? {
                Some(id) => id,
                None => return Ok(None),
            },
        };
        let (credential, file) = self.credential(&client_id, false)?;
        Ok(file.exists().then_some(credential))
    }
}

/// The prompt, on stderr whatever `--quiet` says: without it nobody can sign in.
fn show(prompt: &DeviceCodePrompt) {
    eprintln!(
        "To sign in, open {} in a browser and enter the code {} (valid for {} minutes).",
        crate::terminal::escape(&prompt.verification_uri),
        crate::terminal::escape(&prompt.user_code),
        prompt.expires_in.as_secs().div_ceil(60)
    );
}

/// `<config dir>/osimages/tokens` (`$XDG_CONFIG_HOME`, else `~/.config`, on Linux and macOS; `%APPDATA%` on Windows).
fn tokens_dir() -> Result<PathBuf, String> {
    let base = etcetera::choose_base_strategy().map_err(|_| {
        "cannot find the home directory for the sign-in cache (set HOME or XDG_CONFIG_HOME)"
            .to_owned()
    })?;
    Ok(base.config_dir().join("osimages").join("tokens"))
}

/// A part of a file name: letters, digits, `-` and `.` as they are, every other byte `+XX`, so the `_` between
/// the parts never occurs inside one and each part can be read back.
fn file_key(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
                char::from(b).to_string()
            } else {
                format!("+{b:02X}")
            }
        })
        .collect()
}

/// [`file_key`] read back.
fn unkey(key: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut rest = key.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'+' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = tail.get(2..)?;
        } else if b == b'_' {
            return None;
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// `osimages login`: a device-code sign-in whatever is kept, its refresh token then kept for later commands.
pub async fn login(
    global: &Global,
    ui: &crate::ui::Ui,
    wait: std::time::Duration,
) -> Result<(), Failure> {
    let account = Account::from(global);
    let client_id = account
        .required_client_id("osimages login")
        .map_err(Failure::usage)?;
    let (credential, file) = account
        .credential(client_id, true)
        .map_err(Failure::usage)?;
    let credential = credential.max_wait(wait);
    credential
        .sign_in()
        .await
        .map_err(|e| Failure::sign_in(&format!("osimages login: {e}"), &e))?;
    ui.note(&format!(
        "signed in to tenant {} as client {client_id}; later commands use this sign-in (kept in {file})",
        account.tenant
    ));
    Ok(())
}

/// `osimages logout`: removes the kept sign-in.
pub fn logout(global: &Global, ui: &crate::ui::Ui) -> Result<(), Failure> {
    let account = Account::from(global);
    let client_id = match &account.client_id {
        Some(id) => id.clone(),
        None => match account.only_kept_client().map_err(Failure::usage)? {
            Some(id) => id,
            None => {
                ui.note(&format!(
                    "no sign-in is kept for tenant {} at {}: nothing to remove",
                    account.tenant, account.authority
                ));
                return Ok(());
            }
        },
    };
    let file = account.file(&client_id).map_err(Failure::usage)?;
    match file.remove() {
        Ok(true) => ui.note(&format!(
            "removed the sign-in kept for tenant {} and client {client_id} ({file})",
            account.tenant
        )),
        Ok(false) => ui.note(&format!(
            "no sign-in is kept for tenant {} and client {client_id} (no {file}): nothing to remove",
            account.tenant
        )),
        Err(e) => return Err(Failure::usage(format!("cannot remove {file}: {e}"))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{file_key, unkey};

    #[test]
    fn file_keys_read_back_and_never_hold_the_separator() {
        for text in [
            "http://127.0.0.1:8080",
            "contoso.onmicrosoft.com",
            "a_b+c",
            "organizations",
        ] {
            let key = file_key(text);
            assert!(!key.contains('_') && !key.contains('/'), "{key}");
            assert_eq!(unkey(&key).as_deref(), Some(text));
        }
        assert_eq!(unkey("bad+Z"), None);
    }
}
