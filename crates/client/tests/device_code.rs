//! The device-code credential against the fake's local authority, on a paused clock: the prompt, polling at the
//! authority's interval (longer after `slow_down`), `authorization_pending`, `expired_token`, `access_denied`, the
//! wait bounded by the code's lifetime, the refresh token kept in a private file and used by a later credential
//! without a prompt, a cache others can read refused, and no secret in `Debug` or errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use intune_osimages::{
    Client, DeviceCodeCredential, DeviceCodePrompt, RefreshTokenFile, TokenProvider,
};
use intune_osimages_fake::{FakeGraph, FakeTransport, Fault, LocalAuthority, sample_catalog};
use tokio::time::Instant;

const AUTHORITY: &str = "https://login.test";
const TENANT: &str = "contoso.example";
const CLIENT_ID: &str = "public-client-1";
const SCOPE: &str = "https://graph.microsoft.com/.default";

fn graph(interval: u64, code_lifetime: Duration) -> FakeGraph {
    FakeGraph::builder()
        .catalog(sample_catalog())
        .local_authority(
            LocalAuthority::default()
                .device_code_interval(interval)
                .device_code_lifetime(code_lifetime),
        )
        .build()
}

/// A credential over `graph` whose prompts are collected in the returned list.
fn credential(graph: &FakeGraph) -> (DeviceCodeCredential, Arc<Mutex<Vec<DeviceCodePrompt>>>) {
    let prompts = Arc::new(Mutex::new(Vec::new()));
    let seen = prompts.clone();
    let credential = DeviceCodeCredential::new(
        AUTHORITY,
        TENANT,
        CLIENT_ID,
        SCOPE,
        Arc::new(FakeTransport::new(graph.clone())),
    )
    .unwrap()
    .prompt(move |prompt| seen.lock().unwrap().push(prompt.clone()));
    (credential, prompts)
}

/// A credential with no prompt over `graph` that signs in from the refresh token file at `path`.
fn from_file(graph: &FakeGraph, client_id: &str, path: &Path) -> DeviceCodeCredential {
    DeviceCodeCredential::new(
        AUTHORITY,
        TENANT,
        client_id,
        SCOPE,
        Arc::new(FakeTransport::new(graph.clone())),
    )
    .unwrap()
    .refresh_token_file(RefreshTokenFile::new(path))
}

/// The authority answers the next `times` token requests with `error`.
fn refuse(graph: &FakeGraph, error: &str, times: u32) {
    graph.push_fault(Fault::Authority {
        error: error.into(),
        times,
    });
}

fn token_polls(graph: &FakeGraph) -> usize {
    graph
        .requests()
        .iter()
        .filter(|r| r.uri.path().ends_with("/oauth2/v2.0/token"))
        .count()
}

#[tokio::test(start_paused = true)]
async fn signs_in_after_pending_polls_at_the_authoritys_interval_and_graph_takes_the_token() {
    let graph = graph(2, Duration::from_secs(900));
    refuse(&graph, "authorization_pending", 2);
    let (credential, prompts) = credential(&graph);
    let started = Instant::now();
    let token = credential.token().await.unwrap();
    // Three polls, each after the 2 s interval: two pending, then the token.
    assert_eq!(started.elapsed(), Duration::from_secs(6));
    assert_eq!(token_polls(&graph), 3);
    let prompts = prompts.lock().unwrap().clone();
    assert_eq!(prompts.len(), 1);
    assert!(
        prompts[0].verification_uri.ends_with("/devicelogin"),
        "{prompts:?}"
    );
    assert_eq!(prompts[0].user_code.len(), 9);
    assert_eq!(prompts[0].expires_in, Duration::from_secs(900));

    // The same token is used until it nears expiry; Graph accepts it.
    assert_eq!(credential.token().await.unwrap().secret(), token.secret());
    let client = Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .token_provider(Arc::new(credential))
        .build()
        .unwrap();
    assert_eq!(client.os_images().count().await.unwrap(), 7);
}

#[tokio::test(start_paused = true)]
async fn slow_down_grows_the_interval_by_five_seconds_for_every_later_poll() {
    let graph = graph(1, Duration::from_secs(900));
    refuse(&graph, "slow_down", 1);
    refuse(&graph, "authorization_pending", 1);
    let (credential, _) = credential(&graph);
    let started = Instant::now();
    credential.token().await.unwrap();
    // 1 s to the first poll (slow_down), then 6 s to the second (pending) and 6 s to the third.
    assert_eq!(started.elapsed(), Duration::from_secs(13));
    assert_eq!(token_polls(&graph), 3);
}

#[tokio::test(start_paused = true)]
async fn expired_and_denied_end_the_sign_in_with_messages_that_say_so() {
    for (error, says) in [
        ("expired_token", "the code expired"),
        ("access_denied", "declined"),
    ] {
        let graph = graph(1, Duration::from_secs(900));
        refuse(&graph, error, 1);
        let (credential, _) = credential(&graph);
        let failed = credential.token().await.unwrap_err();
        assert_eq!(failed.code(), Some(error));
        assert!(failed.message().contains(says), "{failed}");
        assert!(!failed.message().contains("local-dc."), "{failed}");
        assert_eq!(token_polls(&graph), 1);
    }
}

#[tokio::test(start_paused = true)]
async fn the_wait_is_bounded_by_the_codes_lifetime_and_by_max_wait() {
    let graph = graph(5, Duration::from_secs(30));
    refuse(&graph, "authorization_pending", 1000);
    let (lifetime_bound, _) = credential(&graph);
    let started = Instant::now();
    let failed = lifetime_bound.token().await.unwrap_err();
    assert_eq!(failed.code(), Some("expired_token"));
    assert_eq!(started.elapsed(), Duration::from_secs(30));
    assert!(token_polls(&graph) <= 6, "{}", token_polls(&graph));

    let (short, _) = credential(&graph);
    let short = short.max_wait(Duration::from_secs(12));
    let started = Instant::now();
    let failed = short.token().await.unwrap_err();
    assert_eq!(failed.code(), Some("timed_out"));
    assert_eq!(started.elapsed(), Duration::from_secs(12));
}

#[cfg(unix)]
#[tokio::test(start_paused = true)]
async fn the_refresh_token_is_kept_private_used_later_without_a_prompt_and_rotated() {
    use std::os::unix::fs::PermissionsExt;

    let graph = graph(0, Duration::from_secs(900));
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("osimages")
        .join("tokens")
        .join("cache.json");
    let (credential, prompts) = credential(&graph);
    let credential = credential.refresh_token_file(RefreshTokenFile::new(&path));
    credential.sign_in().await.unwrap();
    assert_eq!(prompts.lock().unwrap().len(), 1);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(!format!("{credential:?}").contains("local-rt."));

    // A later credential, with no prompt at all, signs in from the file; the new refresh token replaces the old.
    let later = from_file(&graph, CLIENT_ID, &path);
    assert!(later.has_refresh_token().await.unwrap());
    later.token().await.unwrap();
    let second = std::fs::read_to_string(&path).unwrap();
    assert_ne!(first, second);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let last = graph.requests().last().cloned().unwrap();
    assert!(last.uri.path().ends_with("/oauth2/v2.0/token"));

    // The file is kept for one tenant and client: another client finds nothing there.
    let other = from_file(&graph, "another-client", &path);
    let failed = other.token().await.unwrap_err();
    assert_eq!(failed.code(), Some("not_signed_in"));

    // Readable by others: refused, naming the file and the mode, not the token.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let exposed = from_file(&graph, CLIENT_ID, &path);
    let failed = exposed.token().await.unwrap_err();
    assert_eq!(failed.code(), Some("token_cache_not_private"));
    assert!(failed.message().contains("0644"), "{failed}");
    assert!(failed.message().contains(&path.display().to_string()));
    assert!(!failed.message().contains("local-rt."), "{failed}");

    assert!(RefreshTokenFile::new(&path).remove().unwrap());
    assert!(!RefreshTokenFile::new(&path).remove().unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_refresh_token_the_authority_refuses_asks_for_a_new_sign_in() {
    let graph = graph(0, Duration::from_secs(900));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    let (credential, _) = credential(&graph);
    credential
        .refresh_token_file(RefreshTokenFile::new(&path))
        .sign_in()
        .await
        .unwrap();
    refuse(&graph, "invalid_grant", 1);
    let silent = from_file(&graph, CLIENT_ID, &path);
    let failed = silent.token().await.unwrap_err();
    assert_eq!(failed.code(), Some("invalid_grant"));
    assert!(failed.message().contains("sign in again"), "{failed}");
}
