//! `--auth`: each credential source against a local stand-in (the emulator's local authority, a managed-identity
//! endpoint on loopback, a stand-in `az` on PATH), and failures that name the source and never print a secret.
//! Nothing here reaches a Microsoft endpoint or the instance metadata address.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use support::{Emulator, osimages};
use wiremock::matchers::{header, method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "cs-SIGN-IN-secret-must-not-print";
const FEDERATED: &str = "eyJhbGciOiJSUzI1NiJ9.federated-SHOULD-NOT-PRINT.sig";

fn origin(emulator: &Emulator) -> String {
    emulator.base_url.trim_end_matches("/beta").to_owned()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn workload_identity_signs_in_with_the_federated_token_file() {
    let emulator = Emulator::start(&["--authority"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{FEDERATED}\n")).unwrap();
    for auth in ["workload-identity", "auto"] {
        osimages()
            .env("AZURE_TENANT_ID", "contoso")
            .env("AZURE_CLIENT_ID", "pipeline-app")
            .env("AZURE_FEDERATED_TOKEN_FILE", &file)
            .env("AZURE_AUTHORITY_HOST", origin(&emulator))
            .args(["--auth", auth, "--base-url", &emulator.base_url, "count"])
            .assert()
            .success()
            .stdout("7\n")
            .stderr(contains(FEDERATED).not());
    }
}

#[test]
fn a_source_asked_for_but_misconfigured_is_exit_2_naming_what_is_missing_and_no_secret() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            "workload-identity",
            &[
                ("AZURE_TENANT_ID", "t"),
                ("AZURE_CLIENT_ID", "c"),
                ("AZURE_CLIENT_SECRET", SECRET),
            ],
            "AZURE_FEDERATED_TOKEN_FILE",
        ),
        (
            "secret",
            &[("AZURE_CLIENT_SECRET", SECRET)],
            "AZURE_TENANT_ID, AZURE_CLIENT_ID not set",
        ),
        ("token", &[("AZURE_CLIENT_SECRET", SECRET)], "GRAPH_TOKEN"),
        (
            "workload-identity",
            &[
                ("AZURE_TENANT_ID", "t"),
                ("AZURE_CLIENT_ID", "c"),
                ("AZURE_FEDERATED_TOKEN_FILE", "/nonexistent/token"),
            ],
            "/nonexistent/token",
        ),
    ];
    for (auth, envs, expected) in cases {
        let mut cmd = osimages();
        for (name, value) in *envs {
            cmd.env(name, value);
        }
        let assert = cmd.args(["--auth", auth, "count"]).assert().code(2);
        let stderr = stderr_of(&assert);
        assert!(stderr.contains(&format!("--auth {auth}")), "{stderr}");
        assert!(stderr.contains(expected), "{auth}: {stderr}");
        assert!(!stderr.contains(SECRET), "{stderr}");
    }
}

#[test]
fn auto_lists_every_source_it_tried_when_none_can_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let assert = osimages()
        .env("AZURE_TENANT_ID", "t")
        .env("AZURE_CLIENT_ID", "c")
        .env("AZURE_CLIENT_CERTIFICATE_PATH", dir.path().join("cert.pem"))
        .env("AZURE_FEDERATED_TOKEN_FILE", dir.path().join("missing"))
        .args(["count"])
        .assert()
        .code(2);
    let stderr = stderr_of(&assert);
    for source in ["token:", "workload-identity:", "certificate:"] {
        assert!(stderr.contains(source), "{source} in {stderr}");
    }
    // With the certificate feature the file is read (and is missing); without it the build says what it lacks.
    if cfg!(feature = "certificate") {
        assert!(
            stderr.contains("cert.pem, which cannot be read"),
            "{stderr}"
        );
    } else {
        assert!(stderr.contains("OpenSSL"), "{stderr}");
    }
}

#[test]
fn managed_identity_uses_the_app_service_endpoint_on_loopback() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let identity = rt.block_on(MockServer::start());
    let expires_on = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600)
        .to_string();
    rt.block_on(
        Mock::given(method("GET"))
            .and(header("x-identity-header", "identity-header-secret"))
            .and(query_param("resource", "https://graph.microsoft.com"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "access_token": "mi-token-4242",
                "expires_on": expires_on,
                "resource": "https://graph.microsoft.com",
                "token_type": "Bearer"
            })))
            .expect(1)
            .mount(&identity),
    );
    let emulator = Emulator::start(&["--token", "mi-token-4242"]);
    counts_with_managed_identity(&identity.uri(), &emulator)
        .stderr(contains("mi-token-4242").not());

    // Without --auth managed-identity the endpoint is never asked: auto does not probe for an identity.
    osimages()
        .env("IDENTITY_ENDPOINT", format!("{}/msi/token", identity.uri()))
        .env("IDENTITY_HEADER", "identity-header-secret")
        .env("PATH", "/nonexistent")
        .args(["--base-url", &emulator.base_url, "count"])
        .assert()
        .code(4);
}

#[test]
fn managed_identity_signs_in_at_the_emulators_stand_in_for_app_service() {
    // `serve --authority` also answers App Service's managed-identity protocol, and Graph takes the token it issued.
    let emulator = Emulator::start(&["--authority"]);
    counts_with_managed_identity(&emulator.origin(), &emulator);
}

/// `osimages --auth managed-identity count` with App Service's endpoint at `origin`: prints the sample's 7 images,
/// never the identity header's secret.
fn counts_with_managed_identity(origin: &str, emulator: &Emulator) -> assert_cmd::assert::Assert {
    osimages()
        .env("IDENTITY_ENDPOINT", format!("{origin}/msi/token"))
        .env("IDENTITY_HEADER", "identity-header-secret")
        .args([
            "--auth",
            "managed-identity",
            "--base-url",
            &emulator.base_url,
            "count",
        ])
        .assert()
        .success()
        .stdout("7\n")
        .stderr(contains("identity-header-secret").not())
}

#[cfg(unix)]
#[test]
fn the_azure_cli_credential_runs_az_from_path() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let az = dir.path().join("az");
    let expires_on = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\n\
             case \"$*\" in *graph.microsoft.com*) ;; *) echo 'unexpected scope' >&2; exit 1;; esac\n\
             printf '%s' '{{\"accessToken\":\"az-token-77\",\"expiresOn\":\"2099-01-01 00:00:00.000000\",\"expires_on\":{expires_on},\"tokenType\":\"Bearer\"}}'\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    let emulator = Emulator::start(&["--token", "az-token-77"]);
    for auth in ["azure-cli", "auto"] {
        osimages()
            .env("PATH", &path)
            .args(["--auth", auth, "--base-url", &emulator.base_url, "count"])
            .assert()
            .success()
            .stdout("7\n")
            .stderr(contains("az-token-77").not());
    }

    // An az that fails is said as the Azure CLI's failure.
    std::fs::write(&az, "#!/bin/sh\necho 'Please run az login' >&2\nexit 1\n").unwrap();
    let assert = osimages()
        .env("PATH", &path)
        .args([
            "--auth",
            "azure-cli",
            "--base-url",
            &emulator.base_url,
            "count",
        ])
        .assert()
        .failure();
    let stderr = stderr_of(&assert);
    assert!(stderr.contains("AzureCliCredential"), "{stderr}");
}
