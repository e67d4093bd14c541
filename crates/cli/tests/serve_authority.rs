//! `osimages serve --authority`: the emulator as a local Entra ID authority, which the CLI signs in against with
//! `AZURE_AUTHORITY_HOST`, after which Graph accepts exactly the tokens it issued; scripted faults at its endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use support::{Emulator, osimages, with_client_secret};

const SECRET: &str = "cs-LOCAL-AUTHORITY-secret-77";

fn signed_in(emulator: &Emulator) -> assert_cmd::Command {
    let mut cmd = with_client_secret(&emulator.origin(), SECRET);
    cmd.args(["--base-url", &emulator.base_url]);
    cmd
}

#[test]
fn the_cli_signs_in_at_the_local_authority_and_graph_takes_only_its_tokens() {
    let emulator = Emulator::start(&["--authority"]);
    signed_in(&emulator)
        .args(["count"])
        .assert()
        .success()
        .stdout("7\n")
        .stderr(contains(SECRET).not());

    osimages()
        .env("GRAPH_TOKEN", "a-token-it-never-issued")
        .args(["--base-url", &emulator.base_url, "count"])
        .assert()
        .code(4)
        .stderr(contains("InvalidAuthenticationToken"));
}

#[test]
fn scripted_authority_faults_reach_the_cli_without_its_secret() {
    let emulator = Emulator::start(&["--authority"]);
    emulator.post_faults(r#"{"kind": "authority", "error": "invalid_client"}"#);
    let refused = signed_in(&emulator).args(["count"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("invalid_client"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");

    // A 500 from the authority is said as such; the next sign-in works again.
    emulator.post_faults(r#"{"kind": "status", "status": 500}"#);
    let failed = signed_in(&emulator).args(["count"]).assert().code(5);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert!(stderr.contains("500"), "{stderr}");
    signed_in(&emulator)
        .args(["count"])
        .assert()
        .success()
        .stdout("7\n");
}

#[test]
fn authority_and_a_fixed_token_do_not_combine() {
    osimages()
        .args([
            "--token",
            "t",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--authority",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(contains("--authority"));
}
