//! The emulator in process over http and https, depending on `intune-osimages-emulator` alone: `--tls` with the
//! generated certificate for localhost, 127.0.0.1 and ::1, and next links that keep the scheme the client used.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use intune_osimages_emulator::test_util::{Running, SET, exchange, request};
use intune_osimages_emulator::{ServeOptions, Tls};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};

fn trusting(pem: &str) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn over_http_on_a_free_loopback_port() {
    let emulator = Running::start(ServeOptions::local()).await;
    assert!(emulator.base_url.starts_with("http://127.0.0.1:"));
    let answer = emulator.call("GET", SET, b"").await;
    assert_eq!(answer.status, 200);
    assert!(!answer.json()["value"].as_array().unwrap().is_empty());
    emulator.stop().await;
}

#[tokio::test]
async fn over_https_with_the_generated_certificate_for_every_local_name() {
    let mut options = ServeOptions::local();
    options.tls = Tls::Generated;
    options.page_size = Some(2);
    let emulator = Running::start(options).await;
    assert!(emulator.base_url.starts_with("https://127.0.0.1:"));
    let pem = emulator.certificate_pem.clone().unwrap();
    let connector = trusting(&pem);
    for name in ["localhost", "127.0.0.1"] {
        let tcp = tokio::net::TcpStream::connect(emulator.addr).await.unwrap();
        let server_name = ServerName::try_from(name.to_owned()).unwrap();
        let tls = connector.connect(server_name, tcp).await.unwrap();
        let host = format!("{name}:{}", emulator.addr.port());
        let answer = exchange(tls, &request("GET", SET, &[("Host", &host)], b"")).await;
        assert_eq!(answer.status, 200, "{name}");
        let next = answer.json()["@odata.nextLink"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            next.starts_with(&format!("https://{host}{SET}")),
            "the next link keeps https: {next}"
        );
    }
    emulator.stop().await;
}

#[tokio::test]
async fn the_generated_certificate_file_is_removed_when_the_server_stops_or_is_dropped() {
    let mut options = ServeOptions::local();
    options.tls = Tls::Generated;
    let server = intune_osimages_emulator::bind(options.clone())
        .await
        .unwrap();
    let path = server.certificate_path().unwrap().to_path_buf();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    let emulator = Running::serve(server);
    emulator.stop().await;
    assert!(!path.exists(), "{} is left behind", path.display());
    let unserved = intune_osimages_emulator::bind(options).await.unwrap();
    let path = unserved.certificate_path().unwrap().to_path_buf();
    assert!(path.exists());
    drop(unserved);
    assert!(!path.exists(), "{} is left behind", path.display());
}

#[tokio::test]
async fn a_plain_http_request_to_the_https_port_is_not_served() {
    let mut options = ServeOptions::local();
    options.tls = Tls::Generated;
    let emulator = Running::start(options).await;
    let mut stream = tokio::net::TcpStream::connect(emulator.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(&request("GET", SET, &[], b""))
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .unwrap();
    assert!(!String::from_utf8_lossy(&answer).contains("\"value\""));
    emulator.stop().await;
}

#[tokio::test]
async fn a_given_pair_that_does_not_exist_is_refused_naming_the_flag() {
    let mut options = ServeOptions::local();
    options.tls = Tls::Files {
        cert: "/nonexistent/cert.pem".into(),
        key: "/nonexistent/key.pem".into(),
    };
    let error = intune_osimages_emulator::bind(options).await.unwrap_err();
    assert_eq!(error.kind(), intune_osimages_emulator::ServeErrorKind::Tls);
    assert!(
        error
            .message()
            .contains("--tls-cert file /nonexistent/cert.pem"),
        "{error}"
    );
}
