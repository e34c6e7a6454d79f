//! The certificate credential end to end: generate, write the `.cer`, recognise files, import
//! PEM and PFX, keep the key in a secret store, and sign a client assertion that verifies
//! against the certificate's public key.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use mailscope::credential::{
    CertFileKind, CertificateWithKey, CredentialError, KeyFormat, MAX_STORED_KEY_BYTES,
    fill_credential_info, generate, import_pem, import_pfx, inspect_file, load_private_key,
    load_signing_material, read_certificate_file, signing_material, store_private_key,
    write_public_certificate,
};
use mailscope::profile::{CredentialInfo, CredentialKind};
use mailscope::secrets::{MemoryStore, Secret, SecretBytes};
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

const TODAY: Date = date!(2026 - 11 - 22);

/// Two certificates with their keys, generated once for the whole file (RSA is slow in debug).
fn certs() -> &'static (CertificateWithKey, CertificateWithKey) {
    static CERTS: OnceLock<(CertificateWithKey, CertificateWithKey)> = OnceLock::new();
    CERTS.get_or_init(|| {
        let now: OffsetDateTime = datetime!(2026-11-22 11:30 UTC);
        (
            generate("mailscope test A", 12, now).expect("A"),
            generate("mailscope test B", 6, now).expect("B"),
        )
    })
}

fn pem_block(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn key_pem(c: &CertificateWithKey) -> String {
    pem_block("PRIVATE KEY", c.private_key.expose())
}

fn pkcs1_pem(c: &CertificateWithKey) -> String {
    let m = signing_material(&c.certificate.der, c.private_key.clone()).expect("material");
    pem_block(
        "RSA PRIVATE KEY",
        m.key_pkcs1_der().expect("pkcs1").expose(),
    )
}

fn pfx(c: &CertificateWithKey, password: &str) -> Vec<u8> {
    let chain = PrivateKeyChain::new(
        vec![1u8, 2, 3, 4],
        PrivateKey::from_der(c.private_key.expose()).expect("key"),
        [Certificate::from_der(&c.certificate.der).expect("cert")],
    );
    let mut ks = KeyStore::new();
    ks.add_entry("mailscope", KeyStoreEntry::PrivateKeyChain(chain));
    ks.writer(password).write().expect("pfx")
}

fn message(r: Result<(), mailscope::profile::validate::Invalid>) -> String {
    r.err().map(|e| e.0).unwrap_or_default()
}

#[test]
fn written_cer_holds_only_the_public_certificate() {
    let (a, _) = certs();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kundo.cer");
    write_public_certificate(&path, &a.certificate.der, false).expect("write");
    let bytes = std::fs::read(&path).expect("read");
    let text = String::from_utf8(bytes.clone()).expect("PEM text");
    assert_eq!(text.matches("-----BEGIN CERTIFICATE-----").count(), 1);
    assert!(!text.contains("PRIVATE"));
    let key_b64 = STANDARD.encode(a.private_key.expose());
    assert!(!text.contains(&key_b64[100..160]), "key bytes in the .cer");
    assert_eq!(inspect_file(&bytes), CertFileKind::PemCertificate);
    assert!(inspect_file(&bytes).for_upload().is_ok());
    assert!(message(inspect_file(&bytes).for_sign_in()).contains("only the public certificate"));
}

#[test]
fn inspect_names_every_kind_and_says_what_to_do() {
    let (a, _) = certs();
    let cert = a.certificate.pem();
    let key = key_pem(a);
    let cases: Vec<(Vec<u8>, CertFileKind)> = vec![
        (cert.clone().into_bytes(), CertFileKind::PemCertificate),
        (a.certificate.der.clone(), CertFileKind::DerCertificate),
        (
            key.clone().into_bytes(),
            CertFileKind::PemPrivateKey(KeyFormat::Pkcs8),
        ),
        (
            format!("{key}{cert}").into_bytes(),
            CertFileKind::PemCertificateAndKey(KeyFormat::Pkcs8),
        ),
        (
            format!("{cert}{}", pkcs1_pem(a)).into_bytes(),
            CertFileKind::PemCertificateAndKey(KeyFormat::Pkcs1),
        ),
        (
            format!("{cert}{}", pem_block("ENCRYPTED PRIVATE KEY", b"x")).into_bytes(),
            CertFileKind::PemCertificateAndKey(KeyFormat::EncryptedPkcs8),
        ),
        (
            format!("{cert}{}", pem_block("EC PRIVATE KEY", b"x")).into_bytes(),
            CertFileKind::PemCertificateAndKey(KeyFormat::Ec),
        ),
        (
            pem_block("OPENSSH PRIVATE KEY", b"x").into_bytes(),
            CertFileKind::PemPrivateKey(KeyFormat::OpenSsh),
        ),
        (a.private_key.expose().to_vec(), CertFileKind::DerPrivateKey),
        (pfx(a, "pw"), CertFileKind::Pfx),
        (
            pem_block("CERTIFICATE REQUEST", b"x").into_bytes(),
            CertFileKind::PemOther(vec!["CERTIFICATE REQUEST".into()]),
        ),
        (b"hello, not a certificate".to_vec(), CertFileKind::Unknown),
        (Vec::new(), CertFileKind::Unknown),
    ];
    for (bytes, kind) in &cases {
        assert_eq!(&inspect_file(bytes), kind);
        // Exactly the usable kinds pass each step; every refusal says what to choose instead.
        let sign_in_ok = matches!(
            kind,
            CertFileKind::Pfx
                | CertFileKind::PemCertificateAndKey(KeyFormat::Pkcs8 | KeyFormat::Pkcs1)
        );
        let upload_ok = matches!(
            kind,
            CertFileKind::PemCertificate | CertFileKind::DerCertificate
        );
        assert_eq!(kind.for_sign_in().is_ok(), sign_in_ok, "{kind:?}");
        assert_eq!(kind.for_upload().is_ok(), upload_ok, "{kind:?}");
        for m in [message(kind.for_sign_in()), message(kind.for_upload())] {
            let actionable = ["hoose", "upload", "generate"];
            assert!(
                m.is_empty() || actionable.iter().any(|a| m.contains(a)),
                "{m}"
            );
        }
    }
    let key_upload = message(CertFileKind::PemCertificateAndKey(KeyFormat::Pkcs8).for_upload());
    assert!(
        key_upload.starts_with("This file contains a private key; upload only the public .cer")
    );
    assert!(message(CertFileKind::Pfx.for_upload()).contains("upload only the public .cer"));
    let encrypted =
        message(CertFileKind::PemCertificateAndKey(KeyFormat::EncryptedPkcs8).for_sign_in());
    assert!(
        encrypted.contains("password") && encrypted.contains(".pfx"),
        "{encrypted}"
    );
    assert!(
        message(CertFileKind::PemPrivateKey(KeyFormat::Pkcs8).for_sign_in())
            .contains("only a private key")
    );
}

#[test]
fn pem_import_round_trips_in_any_order_and_key_form() {
    let (a, b) = certs();
    let cert = a.certificate.pem();
    for text in [
        format!("{cert}{}", key_pem(a)),
        format!("{}\n{cert}", key_pem(a)),
        format!("{}{cert}{}", b.certificate.pem(), pkcs1_pem(a)), // chain-like: picks A
    ] {
        let got = import_pem(text.as_bytes(), TODAY).expect("imports");
        assert_eq!(got.certificate.thumbprints, a.certificate.thumbprints);
        assert_eq!(got.private_key.expose(), a.private_key.expose());
    }
}

#[test]
fn pem_import_refuses_wrong_key_expired_and_wrong_files() {
    let (a, b) = certs();
    let mismatched = format!("{}{}", a.certificate.pem(), key_pem(b));
    assert_eq!(
        import_pem(mismatched.as_bytes(), TODAY).err(),
        Some(CredentialError::KeyMismatch)
    );
    let good = format!("{}{}", a.certificate.pem(), key_pem(a));
    let expires = a.certificate.expires();
    assert_eq!(
        import_pem(good.as_bytes(), expires).err(),
        Some(CredentialError::Expired(expires))
    );
    let only_cert = import_pem(a.certificate.pem().as_bytes(), TODAY).expect_err("no key");
    assert!(
        only_cert
            .to_string()
            .contains("only the public certificate"),
        "{only_cert}"
    );
    let encrypted = format!(
        "{}{}",
        a.certificate.pem(),
        pem_block("ENCRYPTED PRIVATE KEY", b"x")
    );
    let e = import_pem(encrypted.as_bytes(), TODAY).expect_err("encrypted");
    assert!(e.to_string().contains("password"), "{e}");
    let e = import_pem(&pfx(a, "pw"), TODAY).expect_err("pfx as pem");
    assert!(e.to_string().contains(".pfx"), "{e}");
}

#[test]
fn pfx_import_checks_the_password() {
    let (a, _) = certs();
    let file = pfx(a, "correct horse");
    let got = import_pfx(&file, &Secret::new("correct horse"), TODAY).expect("imports");
    assert_eq!(got.certificate.thumbprints, a.certificate.thumbprints);
    assert_eq!(got.private_key.expose(), a.private_key.expose());
    assert_eq!(
        import_pfx(&file, &Secret::new("wrong"), TODAY).err(),
        Some(CredentialError::PfxPassword)
    );
    let expires = a.certificate.expires();
    assert_eq!(
        import_pfx(&file, &Secret::new("correct horse"), expires).err(),
        Some(CredentialError::Expired(expires))
    );
    let e = import_pfx(a.certificate.pem().as_bytes(), &Secret::new(""), TODAY).expect_err("pem");
    assert!(matches!(e, CredentialError::WrongFile(_)), "{e:?}");
}

#[test]
fn elliptic_curve_certificates_are_refused_as_not_rsa() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("ec key");
    let params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    let cert = params.self_signed(&key).expect("ec cert");
    let both = format!("{}{}", cert.pem(), key.serialize_pem());
    let kind = inspect_file(both.as_bytes());
    assert_eq!(kind, CertFileKind::PemCertificateAndKey(KeyFormat::Ec));
    assert!(message(kind.for_sign_in()).contains("RSA"));
    let e = import_pem(both.as_bytes(), TODAY).expect_err("EC refused");
    assert!(e.to_string().contains("RSA"), "{e}");
    let e = mailscope::credential::PublicCertificate::from_der(cert.der()).expect_err("EC");
    assert_eq!(e, CredentialError::NotRsa("EC (elliptic curve)".into()));
}

#[test]
fn key_goes_through_the_store_and_the_profile_records_the_certificate() {
    let (a, _) = certs();
    let store = MemoryStore::new();
    let p = mailscope::profile::Profile::new(
        "p",
        mailscope::profile::PresetId::Elegere,
        mailscope::profile::Cloud::Global,
    );
    assert!(load_private_key(&store, &p).expect("load").is_none());
    store_private_key(&store, &p, &a.private_key).expect("store");
    let back = load_private_key(&store, &p).expect("load").expect("some");
    assert_eq!(back.expose(), a.private_key.expose());
    // The key is bound to the profile's tenant and app like a client secret.
    let mut elsewhere = p.clone();
    elsewhere.tenant = Some("fabrikam.onmicrosoft.com".into());
    assert!(load_private_key(&store, &elsewhere).is_err());
    assert_eq!(
        store_private_key(&store, &p, &SecretBytes::new(a.certificate.der.clone())).err(),
        Some(CredentialError::BadPrivateKey)
    );
    assert!(a.private_key.expose().len() <= MAX_STORED_KEY_BYTES);

    let mut info = CredentialInfo::new(CredentialKind::Secret);
    info.secret_id = Some("5e1c0a77-1111-4222-8333-944445555666".into());
    fill_credential_info(
        &mut info,
        &a.certificate,
        std::path::Path::new("/tmp/a.cer"),
    );
    assert_eq!(info.kind, CredentialKind::Certificate);
    assert_eq!(info.secret_id, None);
    assert_eq!(info.expires, Some(date!(2027 - 11 - 22)));
    assert_eq!(
        info.thumbprint_sha1.as_deref(),
        Some(a.certificate.thumbprints.sha1_hex.as_str())
    );
    assert_eq!(info.thumbprint_sha256.as_ref().map(String::len), Some(64));
    assert_eq!(info.cert_file.as_deref(), Some("/tmp/a.cer"));
}

#[test]
fn signing_material_signs_a_ps256_assertion_the_certificate_verifies() {
    let (a, b) = certs();
    let dir = tempfile::tempdir().expect("tempdir");
    let pem_path = dir.path().join("a.cer");
    write_public_certificate(&pem_path, &a.certificate.der, false).expect("write");
    let m = load_signing_material(&pem_path, a.private_key.clone()).expect("material");
    assert_eq!(m.x5t_s256, a.certificate.thumbprints.x5t_s256);
    assert_eq!(m.x5t, a.certificate.thumbprints.x5t);
    assert_eq!(m.cert_der, a.certificate.der);

    let read = read_certificate_file(&pem_path).expect("reads the .cer");
    assert_eq!(read.thumbprints, a.certificate.thumbprints);
    let missing = dir.path().join("gone.cer");
    let e = load_signing_material(&missing, a.private_key.clone()).expect_err("missing");
    assert!(
        matches!(&e, CredentialError::Io { path, .. } if path.ends_with("gone.cer")),
        "{e:?}"
    );

    // A DER .cer works too; a key from another certificate is refused.
    let der_path = dir.path().join("a.der.cer");
    std::fs::write(&der_path, &a.certificate.der).expect("write der");
    assert!(load_signing_material(&der_path, a.private_key.clone()).is_ok());
    assert_eq!(
        load_signing_material(&pem_path, b.private_key.clone()).err(),
        Some(CredentialError::KeyMismatch)
    );

    let mut header = Header::new(Algorithm::PS256);
    header.x5t_s256 = Some(m.x5t_s256.clone());
    let aud = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    let claims = serde_json::json!({
        "aud": aud, "iss": "client", "sub": "client", "jti": "1",
        "nbf": 1_700_000_000u64, "iat": 1_700_000_000u64, "exp": 4_000_000_000u64,
    });
    // jsonwebtoken's from_rsa_der wants PKCS#1; the stored PKCS#8 does not sign.
    let pkcs8_key = EncodingKey::from_rsa_der(m.key_der.expose());
    assert!(jsonwebtoken::encode(&header, &claims, &pkcs8_key).is_err());
    let key = EncodingKey::from_rsa_der(m.key_pkcs1_der().expect("pkcs1").expose());
    let jwt = jsonwebtoken::encode(&header, &claims, &key).expect("signs");

    let mut validation = Validation::new(Algorithm::PS256);
    validation.set_audience(&[aud]);
    let verified = jsonwebtoken::decode::<serde_json::Value>(
        &jwt,
        &DecodingKey::from_rsa_der(&m.rsa_public_key),
        &validation,
    )
    .expect("verifies with the certificate's public key");
    assert_eq!(
        verified.header.x5t_s256.as_deref(),
        Some(a.certificate.thumbprints.x5t_s256.as_str())
    );
    let other = DecodingKey::from_rsa_der(&b.certificate.rsa_public_key);
    assert!(jsonwebtoken::decode::<serde_json::Value>(&jwt, &other, &validation).is_err());
}

#[test]
fn nothing_holding_key_material_prints_it() {
    let (a, _) = certs();
    let m = signing_material(&a.certificate.der, a.private_key.clone()).expect("material");
    let pkcs1 = m.key_pkcs1_der().expect("pkcs1");
    let key_bytes = format!("{:?}", &a.private_key.expose()[..8]);
    // The proof of possession for addKey / removeKey is a secret too.
    let proof = mailscope::lifecycle::pop::proof_token(&m, "obj", 0).expect("proof");
    for shown in [
        format!("{proof:?}"),
        format!("{proof}"),
        format!("{a:?}"),
        format!("{m:?}"),
        format!("{pkcs1:?}"),
        format!("{:?}", a.private_key),
    ] {
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(
            !shown.contains(&key_bytes[1..key_bytes.len() - 1]),
            "{shown}"
        );
    }
}
