//! A fresh CA and a `localhost`/`127.0.0.1` server certificate, kept in memory (rcgen, rustls).
//!
//! Every CA has its own name (a random id in the CN) and the server certificate carries the
//! Authority Key Identifier of its CA, so a client can trust several sims' CA files at once.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::SimError;

/// The CA certificate (public) and the server's TLS configuration (private key in memory).
pub(crate) struct TlsMaterial {
    pub(crate) ca_pem: String,
    pub(crate) server: Arc<ServerConfig>,
    /// The server certificate (DER), public.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) leaf_der: Vec<u8>,
}

fn tls_err(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> SimError {
    SimError::Crypto(e.into())
}

/// Generates the CA and the leaf (ECDSA P-256, fast) and builds the rustls server config.
pub(crate) fn generate() -> Result<TlsMaterial, SimError> {
    let ca_key = KeyPair::generate().map_err(tls_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(
        DnType::CommonName,
        format!("mailscope sim CA {}", uuid::Uuid::new_v4()),
    );
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "mailscope");
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
    // SKI on the leaf, AKI naming the CA's SKI (RFC 5280 4.2.1.1/4.2.1.2).
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
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
        leaf_der: leaf.der().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use x509_parser::extensions::ParsedExtension;
    use x509_parser::prelude::*;

    use super::*;

    #[test]
    fn a_crypto_failure_is_its_own_kind_and_keeps_its_cause() {
        let e = tls_err(rcgen::Error::CouldNotParseKeyPair);
        assert!(matches!(e, SimError::Crypto(_)), "{e:?}");
        assert!(e.to_string().starts_with("crypto: "), "{e}");
        let cause = std::error::Error::source(&e).expect("the cause is kept");
        assert!(cause.downcast_ref::<rcgen::Error>().is_some(), "{cause:?}");
    }

    fn key_ids(der: &[u8]) -> (Option<Vec<u8>>, Option<Vec<u8>>, String) {
        let (_, c) = X509Certificate::from_der(der).unwrap();
        let (mut ski, mut aki) = (None, None);
        for e in c.extensions() {
            match e.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    aki = a.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                _ => {}
            }
        }
        (ski, aki, c.subject().to_string())
    }

    fn ca_der(m: &TlsMaterial) -> Vec<u8> {
        let (_, pem) = x509_parser::pem::parse_x509_pem(m.ca_pem.as_bytes()).unwrap();
        pem.contents
    }

    #[test]
    fn two_sims_have_distinct_cas_and_key_identifiers() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        let (ca_ski_a, _, name_a) = key_ids(&ca_der(&a));
        let (ca_ski_b, _, name_b) = key_ids(&ca_der(&b));
        assert_ne!(name_a, name_b, "each CA is named uniquely");
        let (leaf_ski, leaf_aki, leaf_name) = key_ids(&a.leaf_der);
        assert!(leaf_ski.is_some(), "server certificate has an SKI");
        assert_eq!(leaf_aki, ca_ski_a, "AKI names the issuing CA");
        assert_ne!(leaf_aki, ca_ski_b);
        assert_eq!(leaf_name, "CN=localhost");
    }
}
