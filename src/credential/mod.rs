//! Certificate credentials for the Entra app: generate a self-signed RSA certificate or import
//! one (PEM or PFX), write the public `.cer` for the portal, keep the private key in the keyring,
//! and hand the signing side what it needs for client assertions.
//!
//! The private key only ever travels as [`SecretBytes`] (PKCS#8 DER, zeroized on drop, printed
//! as `[redacted]`); it is never written to a file.
//!
//! - [`generate()`]: a new certificate and key.
//! - [`inspect_file`]: what kind of file the admin picked, with a message when it is the wrong one.
//! - [`import_pem`], [`import_pfx`]: an existing certificate with its key, checked.
//! - [`write_public_certificate`], [`read_certificate_file`]: the `.cer` to upload, and reading
//!   it back (thumbprints and expiry for status screens).
//! - [`store_private_key`], [`load_private_key`], [`fill_credential_info`]: keyring and profile.
//! - [`load_signing_material`]: the certificate, key and `x5t`/`x5t#S256` for signing.
//!
//! Known limits of "never a plain copy": rcgen keeps its own non-zeroizing copy of a key it
//! generates, and p12-keystore of a key it decrypts, until they are dropped at the end of the
//! call; callers should read key files into zeroizing buffers themselves.

mod certificate;
mod der;
mod generate;
mod import;
mod inspect;
mod pem;
mod signing;
mod thumbprint;

use std::fmt;
use std::path::Path;

use time::Date;

pub use certificate::{
    MAX_RSA_BITS, MIN_RSA_BITS, PublicCertificate, read_certificate_file, write_public_certificate,
};
pub use generate::{MAX_VALID_MONTHS, generate};
pub use import::{import_pem, import_pfx};
pub use inspect::{CertFileKind, KeyFormat, inspect_file};
pub use signing::{SigningMaterial, load_signing_material, signing_material};
pub use thumbprint::{Thumbprints, sha1_hex, sha256_hex, x5t, x5t_s256};

use crate::profile::validate::Invalid;
use crate::profile::{CredentialInfo, CredentialKind, Profile};
use crate::secrets::{SecretBytes, SecretError, SecretSlot, SecretStore};

/// Largest private key the keyring may hold: the Windows Credential Manager's blob limit.
pub const MAX_STORED_KEY_BYTES: usize = 2560;

/// A certificate with its private key: what [`generate()`], [`import_pem`] and [`import_pfx`]
/// return. `Debug` shows the certificate's facts and `private_key: [redacted]`.
#[derive(Clone)]
pub struct CertificateWithKey {
    pub certificate: PublicCertificate,
    /// The private key, PKCS#8 DER.
    pub private_key: SecretBytes,
}

/// A freshly generated certificate and key.
pub type GeneratedCertificate = CertificateWithKey;
/// An imported certificate and key.
pub type ImportedCertificate = CertificateWithKey;

impl fmt::Debug for CertificateWithKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateWithKey")
            .field("certificate", &self.certificate)
            .field("private_key", &self.private_key)
            .finish()
    }
}

/// Why a certificate step failed, in words an admin can act on. No variant carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The file is not the kind this step needs (see [`CertFileKind`]).
    #[error("{0}")]
    WrongFile(Invalid),
    #[error(
        "This is not a readable X.509 certificate. Choose the .cer, .pem or .pfx file of the certificate."
    )]
    NotACertificate,
    #[error(
        "This certificate uses a key of type {0}, not RSA. Entra app certificates for mailscope must use RSA (2048 to 4096 bits): let mailscope generate one, or create an RSA certificate."
    )]
    NotRsa(String),
    #[error(
        "This certificate's RSA key has {0} bits; mailscope accepts 2048 to 4096 bits (Entra needs at least 2048). Let mailscope generate a new certificate."
    )]
    KeySize(usize),
    #[error(
        "The private key does not belong to this certificate (their public keys differ). Choose the key created together with this certificate, or the .pfx exported from it."
    )]
    KeyMismatch,
    #[error(
        "This certificate expired on {0}. Generate a new one with mailscope, or import a current certificate, then upload its .cer to the portal."
    )]
    Expired(Date),
    #[error(
        "The password does not open this .pfx file. Enter the password that was set when it was exported."
    )]
    PfxPassword,
    #[error(
        "This .pfx holds no private key. Export it again with the private key included (Windows: 'Yes, export the private key')."
    )]
    PfxNoKey,
    #[error(
        "This .pfx holds a private key but not its certificate. Export it again including the certificate."
    )]
    PfxNoCertificate,
    #[error("mailscope could not read this .pfx file ({0}). Export it again, or use a PEM file.")]
    PfxUnreadable(String),
    #[error(
        "The private key is not an RSA key mailscope can read (PKCS#8 or PKCS#1). Generate or import the certificate again."
    )]
    BadPrivateKey,
    #[error(
        "This private key is {0} bytes, more than the {MAX_STORED_KEY_BYTES} bytes the Windows Credential Manager can hold. Use an RSA key of at most 4096 bits."
    )]
    KeyTooLarge(usize),
    #[error("{0} already exists. Choose another file name, or confirm that it may be replaced.")]
    FileExists(String),
    #[error("Could not use {path}: {detail}")]
    Io { path: String, detail: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("Could not create the certificate: {0}")]
    Generation(String),
    #[error(transparent)]
    Store(#[from] SecretError),
}

/// Stores a certificate's private key (PKCS#8 DER) for a profile in the keyring.
pub fn store_private_key(
    store: &dyn SecretStore,
    profile: &Profile,
    private_key: &SecretBytes,
) -> Result<(), CredentialError> {
    let key = private_key.expose();
    if !matches!(der::parse_pkcs8(key), Some(p) if p.algorithm == der::Pkcs8Algorithm::Rsa) {
        return Err(CredentialError::BadPrivateKey);
    }
    if key.len() > MAX_STORED_KEY_BYTES {
        return Err(CredentialError::KeyTooLarge(key.len()));
    }
    crate::secrets::bind(store, profile)?;
    store.set(&profile.name, SecretSlot::PrivateKey, key)?;
    Ok(())
}

/// The private key stored for a profile, if any, when it was stored for this profile's
/// tenant, app and endpoints.
pub fn load_private_key(
    store: &dyn SecretStore,
    profile: &Profile,
) -> Result<Option<SecretBytes>, CredentialError> {
    Ok(crate::secrets::bound_secret(
        store,
        profile,
        SecretSlot::PrivateKey,
    )?)
}

/// Records a certificate credential in the profile: kind, thumbprints, expiry and where the
/// public `.cer` was written.
pub fn fill_credential_info(info: &mut CredentialInfo, cert: &PublicCertificate, cert_file: &Path) {
    info.kind = CredentialKind::Certificate;
    info.secret_id = None;
    info.expires = Some(cert.expires());
    info.thumbprint_sha1 = Some(cert.thumbprints.sha1_hex.clone());
    info.thumbprint_sha256 = Some(cert.thumbprints.sha256_hex.clone());
    info.cert_file = Some(cert_file.display().to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    #[test]
    fn store_refuses_keys_the_windows_credential_manager_cannot_hold() {
        let store = MemoryStore::new();
        let p = Profile::new(
            "p",
            crate::profile::PresetId::Elegere,
            crate::profile::Cloud::Global,
        );
        let huge = der::pkcs1_to_pkcs8(&vec![0u8; MAX_STORED_KEY_BYTES]);
        let e = store_private_key(&store, &p, &huge).expect_err("too large");
        assert!(matches!(e, CredentialError::KeyTooLarge(n) if n > MAX_STORED_KEY_BYTES));
        assert!(load_private_key(&store, &p).expect("load").is_none());
    }
}
