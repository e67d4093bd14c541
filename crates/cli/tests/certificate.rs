//! `--auth certificate`: azure_identity's certificate credential (the CLI's `certificate` feature) signs in at the
//! emulator's local authority over https (`serve --tls --authority`; the CLI trusts the emulator's generated
//! certificate through SSL_CERT_FILE, as the platform verifier reads it), which accepts its JWT assertion; then
//! Graph takes the token. The test key and certificate (RSA, which azure_identity signs with) and their PKCS#12 are
//! made with the `openssl` command, which comes with the OpenSSL this feature builds on. A password-protected file
//! with a wrong password is refused naming the file, never the password.
#![cfg(feature = "certificate")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{Emulator, osimages};

const PASSWORD: &str = "pfx-PASSWORD-never-printed";

/// A self-signed RSA certificate and key, as PKCS#12 protected by `password`.
fn pkcs12(dir: &Path, password: &str) -> PathBuf {
    let key = dir.join("key.pem");
    let cert = dir.join("cert.pem");
    let pfx = dir.join("cert.pfx");
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=osimages-test"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let exported = Command::new("openssl")
        .args(["pkcs12", "-export"])
        .arg("-inkey")
        .arg(&key)
        .arg("-in")
        .arg(&cert)
        .arg("-out")
        .arg(&pfx)
        .arg("-passout")
        .arg(format!("pass:{password}"))
        .output()
        .unwrap();
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    pfx
}

fn signed_in(emulator: &Emulator, pfx: &Path, password: &str) -> assert_cmd::Command {
    let origin = emulator.base_url.trim_end_matches("/beta").to_owned();
    let mut cmd = osimages();
    cmd.env("AZURE_TENANT_ID", "contoso-tenant")
        .env("AZURE_CLIENT_ID", "cert-app")
        .env("AZURE_CLIENT_CERTIFICATE_PATH", pfx)
        .env("AZURE_CLIENT_CERTIFICATE_PASSWORD", password)
        .env("AZURE_AUTHORITY_HOST", origin)
        .env("SSL_CERT_FILE", emulator.certificate.as_ref().unwrap())
        .args(["--base-url", &emulator.base_url]);
    cmd
}

/// `osimages serve --tls --authority` writing its certificate's PEM into `dir`: the test's emulator is killed
/// (SIGKILL), which leaves that file behind, so it must not land in the machine's temporary directory.
fn tls_emulator(dir: &Path) -> Emulator {
    let dir = dir.to_str().unwrap();
    Emulator::start_with_env(&["--tls", "--authority"], &[("TMPDIR", dir)])
}

#[test]
fn a_pkcs12_certificate_signs_in_over_https_at_the_local_authority() {
    let certificate_dir = tempfile::tempdir().unwrap();
    let emulator = tls_emulator(certificate_dir.path());
    assert!(
        emulator.base_url.starts_with("https://"),
        "{}",
        emulator.base_url
    );
    let dir = tempfile::tempdir().unwrap();
    let pfx = pkcs12(dir.path(), PASSWORD);
    for auth in ["certificate", "auto"] {
        let assert = signed_in(&emulator, &pfx, PASSWORD)
            .args(["--auth", auth, "count"])
            .assert()
            .success()
            .stdout("7\n");
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(!stderr.contains(PASSWORD), "{stderr}");
    }
}

#[test]
fn a_wrong_password_or_a_pem_file_is_exit_2_naming_the_file_and_no_password() {
    let certificate_dir = tempfile::tempdir().unwrap();
    let emulator = tls_emulator(certificate_dir.path());
    let dir = tempfile::tempdir().unwrap();
    let pfx = pkcs12(dir.path(), "the-right-one");
    let refused = signed_in(&emulator, &pfx, PASSWORD)
        .args(["--auth", "certificate", "count"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("--auth certificate"), "{stderr}");
    assert!(stderr.contains(&pfx.display().to_string()), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");

    let pem = dir.path().join("cert.pem");
    let refused = signed_in(&emulator, &pem, PASSWORD)
        .args(["--auth", "certificate", "count"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("PKCS#12"), "{stderr}");
}
