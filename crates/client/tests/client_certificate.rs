//! `client_certificate_credential` / `ClientBuilder::client_certificate` (feature `client-certificate`): a PKCS#12
//! file that cannot be used (a wrong password, not PKCS#12) or an authority that is not https is a configuration
//! error saying so, never showing the password; the builder's Debug shows no key. (Signing in with it over https
//! at the emulator's local authority is the CLI's `certificate` test, which runs this function.) The test
//! certificate is made with the `openssl` command, which comes with the OpenSSL this feature builds on.
#![cfg(feature = "client-certificate")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use intune_osimages::{Client, Cloud, ErrorKind, Secret, client_certificate_credential};

const PASSWORD: &str = "pfx-PASSWORD-never-shown";

fn pkcs12(dir: &std::path::Path) -> Vec<u8> {
    let (key, cert, pfx) = (dir.join("k.pem"), dir.join("c.pem"), dir.join("c.pfx"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=osimages-sdk-test", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success());
    let exported = Command::new("openssl")
        .args(["pkcs12", "-export", "-inkey"])
        .arg(&key)
        .arg("-in")
        .arg(&cert)
        .arg("-out")
        .arg(&pfx)
        .arg("-passout")
        .arg(format!("pass:{PASSWORD}"))
        .output()
        .unwrap();
    assert!(exported.status.success());
    std::fs::read(pfx).unwrap()
}

#[test]
fn unusable_certificates_and_http_authorities_are_configuration_errors_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let pfx = pkcs12(dir.path());
    let https = "https://login.test";
    assert!(
        client_certificate_credential(
            https,
            "t".into(),
            "c".into(),
            pfx.clone(),
            Some(Secret::new(PASSWORD))
        )
        .is_ok()
    );
    let cases = [
        (https, pfx.clone(), Some(Secret::new("wrong-password"))),
        (https, b"not pkcs12".to_vec(), Some(Secret::new(PASSWORD))),
        (
            "http://127.0.0.1:9",
            pfx.clone(),
            Some(Secret::new(PASSWORD)),
        ),
    ];
    for (authority, bytes, password) in cases {
        let error =
            client_certificate_credential(authority, "t".into(), "c".into(), bytes, password)
                .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        let text = error.to_string();
        assert!(text.contains("client certificate"), "{text}");
        assert!(!text.contains(PASSWORD), "{text}");
    }
    let http = client_certificate_credential(
        "http://127.0.0.1:9",
        "t".into(),
        "c".into(),
        pfx.clone(),
        Some(Secret::new(PASSWORD)),
    )
    .unwrap_err();
    assert!(http.to_string().contains("HTTPS"), "{http}");

    // Through the builder, with the cloud's authority: the same, at build time; Debug shows no key or password.
    let builder = Client::builder()
        .cloud(Cloud::Custom {
            base_url: "https://graph.test/beta".into(),
            authority: Some("https://login.test".into()),
            scope: Some("https://graph.test/.default".into()),
        })
        .client_certificate("t", "c", pfx, Some(Secret::new(PASSWORD)));
    assert!(!format!("{builder:?}").contains(PASSWORD));
    assert!(builder.build().is_ok());
}
