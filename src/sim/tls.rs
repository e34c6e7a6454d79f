//! A fresh CA and a `localhost`/`127.0.0.1` server certificate, kept in memory (rcgen, rustls).

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::SimError;

/// The CA certificate (public) and the server's TLS configuration (private key in memory).
pub(crate) struct TlsMaterial {
    pub(crate) ca_pem: String,
    pub(crate) server: Arc<ServerConfig>,
}

fn tls_err(e: impl std::fmt::Display) -> SimError {
    SimError::Crypto(e.to_string())
}

/// Generates the CA and the leaf (ECDSA P-256, fast) and builds the rustls server config.
pub(crate) fn generate() -> Result<TlsMaterial, SimError> {
    let ca_key = KeyPair::generate().map_err(tls_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "mailscope sim CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_err)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let mut leaf_params = CertificateParams::new(names).map_err(tls_err)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf_key = KeyPair::generate().map_err(tls_err)?;
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(tls_err)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .map_err(tls_err)?;
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    })
}
