//! Secrets: client secret values and private keys live in the OS keyring, never in files.
//!
//! Entries are named service `mailscope`, user `<profile>/<slot>`. Client secrets are stored
//! as text; private keys as PKCS#8 DER bytes (Windows caps a credential at 2560 bytes and
//! stores text as UTF-16, so PEM would not fit).

mod memory;
mod os_keyring;
mod value;

pub use memory::MemoryStore;
pub use os_keyring::KeyringStore;
pub use value::{Secret, SecretBytes};

/// Environment variable whose value is used as the client secret for a run, never stored.
pub const CLIENT_SECRET_ENV: &str = "MAILSCOPE_CLIENT_SECRET";

/// Which secret of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretSlot {
    ClientSecret,
    /// The certificate's private key, PKCS#8 DER.
    PrivateKey,
}

impl SecretSlot {
    pub const ALL: [SecretSlot; 2] = [SecretSlot::ClientSecret, SecretSlot::PrivateKey];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretSlot::ClientSecret => "client-secret",
            SecretSlot::PrivateKey => "private-key",
        }
    }
}

/// Why the secret store could not do what was asked. Messages say what to do; none carries
/// secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the {backend} is locked or refused access. {hint}")]
    Locked { backend: String, hint: String },
    #[error("the {backend} is not available: {detail}. {hint}")]
    Unavailable {
        backend: String,
        detail: String,
        hint: String,
    },
    #[error("the {backend} did not answer within {seconds} s. {hint}")]
    Timeout {
        backend: String,
        seconds: u64,
        hint: String,
    },
    #[error("the {backend} could not store this secret: {detail}")]
    Rejected { backend: String, detail: String },
    #[error(
        "the stored secret is damaged (not what mailscope wrote); store it again with `mailscope secret set`"
    )]
    Corrupt,
}

/// Where secrets are kept. Implementations: the OS keyring, and memory (tests).
pub trait SecretStore: Send + Sync {
    /// A name for people: "Secret Service (D-Bus)", "macOS Keychain", …
    fn backend(&self) -> String;
    fn set(&self, profile: &str, slot: SecretSlot, value: &[u8]) -> Result<(), SecretError>;
    fn get(&self, profile: &str, slot: SecretSlot) -> Result<Option<SecretBytes>, SecretError>;
    /// Deletes; `Ok(false)` when there was nothing to delete.
    fn delete(&self, profile: &str, slot: SecretSlot) -> Result<bool, SecretError>;
}

/// Where a client secret for this run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    Environment,
    Keyring,
}

/// Stores a client secret value for a profile.
pub fn store_client_secret(
    store: &dyn SecretStore,
    profile: &str,
    value: &Secret,
) -> Result<(), SecretError> {
    store.set(profile, SecretSlot::ClientSecret, value.expose().as_bytes())
}

/// The client secret for a profile: `MAILSCOPE_CLIENT_SECRET` when set, else the keyring.
pub fn client_secret(
    store: &dyn SecretStore,
    profile: &str,
) -> Result<Option<(Secret, SecretSource)>, SecretError> {
    if let Some(v) = std::env::var_os(CLIENT_SECRET_ENV).filter(|v| !v.is_empty()) {
        return Ok(Some((
            Secret::new(v.to_string_lossy().into_owned()),
            SecretSource::Environment,
        )));
    }
    match store.get(profile, SecretSlot::ClientSecret)? {
        None => Ok(None),
        Some(bytes) => {
            let text = std::str::from_utf8(bytes.expose()).map_err(|_| SecretError::Corrupt)?;
            Ok(Some((Secret::new(text), SecretSource::Keyring)))
        }
    }
}

/// Deletes every secret of a profile (when the profile is deleted). Returns how many existed.
pub fn delete_all_for(store: &dyn SecretStore, profile: &str) -> Result<usize, SecretError> {
    let mut n = 0;
    for slot in SecretSlot::ALL {
        if store.delete(profile, slot)? {
            n += 1;
        }
    }
    Ok(n)
}
