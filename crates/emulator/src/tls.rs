//! https: a certificate generated at start for `localhost`, `127.0.0.1` and `::1` (rcgen), or a given PEM pair, served
//! with rustls (ring, no OpenSSL). HTTP/1.1 only, as over plain TCP.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::error::{ServeError, ServeErrorKind};

/// Whether and how the emulator serves https.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Tls {
    /// Plain http.
    #[default]
    Off,
    /// https with a self-signed certificate for `localhost`, `127.0.0.1` and `::1` made at start; its PEM is written
    /// to a file (see [`crate::Server::certificate_path`]) so a client can trust it.
    Generated,
    /// https with this certificate chain and private key (PEM files).
    Files {
        /// The certificate chain, leaf first (`--tls-cert`).
        cert: PathBuf,
        /// The private key: PKCS#8, PKCS#1 or SEC1 (`--tls-key`).
        key: PathBuf,
    },
}

/// A ready TLS setup: the acceptor, and the generated certificate when there is one.
pub(crate) struct Prepared {
    pub(crate) acceptor: TlsAcceptor,
    /// The generated certificate's PEM text.
    pub(crate) generated_pem: Option<String>,
}

/// The names the generated certificate is valid for.
const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Builds the acceptor for `tls`; `None` for plain http.
pub(crate) fn prepare(tls: &Tls) -> Result<Option<Prepared>, ServeError> {
    let (chain, key, generated_pem) = match tls {
        Tls::Off => return Ok(None),
        Tls::Generated => {
            let names: Vec<String> = LOCAL_NAMES.iter().map(|n| (*n).to_owned()).collect();
            let made = rcgen::generate_simple_self_signed(names).map_err(|e| {
                ServeError::new(
                    ServeErrorKind::Tls,
                    format!("--tls: cannot generate a certificate: {e}"),
                )
            })?;
            let key = PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
            let pem = made.cert.pem();
            (vec![made.cert.der().clone()], key, Some(pem))
        }
        Tls::Files { cert, key } => (read_chain(cert)?, read_key(key)?, None),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServeError::new(ServeErrorKind::Tls, format!("TLS setup failed: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            ServeError::new(
                ServeErrorKind::Tls,
                format!("--tls-cert and --tls-key do not make a usable pair: {e}"),
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(Prepared {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        generated_pem,
    }))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, ServeError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| tls_file("--tls-cert", path, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls_file("--tls-cert", path, &e))?;
    if chain.is_empty() {
        return Err(ServeError::new(
            ServeErrorKind::Tls,
            format!(
                "--tls-cert file {}: holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")",
                path.display()
            ),
        ));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, ServeError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| tls_file("--tls-key", path, &e))
}

fn tls_file(flag: &str, path: &Path, e: &rustls_pki_types::pem::Error) -> ServeError {
    ServeError::new(
        ServeErrorKind::Tls,
        format!("{flag} file {}: cannot be read as PEM: {e}", path.display()),
    )
}

/// The generated certificate's PEM file, removed when this is dropped (when the server stops, or is dropped
/// unserved), so emulators leave no certificates behind in the temporary directory. Only a killed process leaves
/// its file.
#[derive(Debug)]
pub(crate) struct PemFile(PathBuf);

impl PemFile {
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for PemFile {
    fn drop(&mut self) {
        // Best effort: the file is in the temporary directory, named after this process and port.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes the generated certificate where a client can read it: the system's temporary directory, named after the
/// process and port so two emulators never share one.
pub(crate) fn write_pem(pem: &str, port: u16) -> Result<PemFile, ServeError> {
    let path = std::env::temp_dir().join(format!(
        "intune-osimages-emulator-{}-{port}.pem",
        std::process::id()
    ));
    std::fs::write(&path, pem).map_err(|e| {
        ServeError::new(
            ServeErrorKind::Tls,
            format!(
                "--tls: cannot write the certificate to {}: {e}",
                path.display()
            ),
        )
    })?;
    Ok(PemFile(path))
}
