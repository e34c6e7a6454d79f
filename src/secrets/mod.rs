//! Secrets: client secret values and private keys live in the OS keyring, never in files.
//!
//! Entries are named service `mailscope`, user `<profile>/<slot>`. Client secrets are stored
//! as text; private keys as PKCS#8 DER bytes (Windows caps a credential at 2560 bytes and
//! stores text as UTF-16, so PEM would not fit).

mod binding;
mod memory;
mod no_core_dumps;
mod os_keyring;
mod value;
pub mod wipe;

pub use binding::Binding;
pub use memory::MemoryStore;
pub use no_core_dumps::{CoreDumpGuard, disable_core_dumps};
pub use os_keyring::KeyringStore;
pub use value::{Secret, SecretBytes};

use crate::profile::Profile;

/// Environment variable whose value is used as the client secret for a run, never stored.
pub const CLIENT_SECRET_ENV: &str = "MAILSCOPE_CLIENT_SECRET";

/// Which secret of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretSlot {
    ClientSecret,
    /// The client secret `credential rotate` replaced: kept (the vendor may still use it)
    /// until `credential retire-old` removes it from Entra.
    PreviousClientSecret,
    /// The certificate's private key, PKCS#8 DER.
    PrivateKey,
    /// What the secrets above were stored for ([`Binding`], JSON; not secret itself).
    Binding,
    /// An admin's refresh token (not a profile's: see the signin module's `remember`).
    RefreshToken,
    /// Which admin's refresh token is remembered for an authority, tenant and client (a UPN,
    /// not secret).
    SigninAccount,
}

impl SecretSlot {
    /// Every entry a profile can have in the keyring.
    pub const ALL: [SecretSlot; 4] = [
        SecretSlot::ClientSecret,
        SecretSlot::PreviousClientSecret,
        SecretSlot::PrivateKey,
        SecretSlot::Binding,
    ];
    /// The entries that hold secret material.
    pub const SECRETS: [SecretSlot; 3] = [
        SecretSlot::ClientSecret,
        SecretSlot::PreviousClientSecret,
        SecretSlot::PrivateKey,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretSlot::ClientSecret => "client-secret",
            SecretSlot::PreviousClientSecret => "client-secret-previous",
            SecretSlot::PrivateKey => "private-key",
            SecretSlot::Binding => "binding",
            SecretSlot::RefreshToken => "refresh-token",
            SecretSlot::SigninAccount => "signin-account",
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            SecretSlot::ClientSecret => "client secret",
            SecretSlot::PreviousClientSecret => "previous client secret (until retire-old)",
            SecretSlot::PrivateKey => "certificate private key",
            SecretSlot::Binding => "binding (tenant, app and endpoints)",
            SecretSlot::RefreshToken => "admin sign-in (refresh token)",
            SecretSlot::SigninAccount => "signed-in admin",
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
        "the stored secret is damaged (not what mailscope wrote); store it again with `mailscope credential set --profile NAME`"
    )]
    Corrupt,
    #[error(
        "the {what} stored for profile '{profile}' was stored for other values, so mailscope does not send it ({}). Store it for these values with `mailscope credential set --profile {profile}`, or set {CLIENT_SECRET_ENV} for this run.",
        differences.join("; ")
    )]
    BindingMismatch {
        profile: String,
        what: &'static str,
        differences: Vec<String>,
    },
    #[error(
        "the {what} stored for profile '{profile}' is not yet bound to a tenant and endpoints (it was stored by an earlier mailscope), so a profile file cannot use it. Run `mailscope check --profile {profile}` once to bind it to the stored profile, or set {CLIENT_SECRET_ENV} for this run."
    )]
    Unbound { profile: String, what: &'static str },
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

/// Stores a client secret value for a profile, bound to the profile's tenant, app and
/// endpoints (see [`Binding`]).
pub fn store_client_secret(
    store: &dyn SecretStore,
    profile: &Profile,
    value: &Secret,
) -> Result<(), SecretError> {
    bind(store, profile)?;
    store.set(
        &profile.name,
        SecretSlot::ClientSecret,
        value.expose().as_bytes(),
    )
}

/// After a rotation: the client secret stored so far becomes the previous one (kept until
/// `credential retire-old`) and `new` the one in use. Returns whether there was one to keep.
pub fn rotate_client_secret(
    store: &dyn SecretStore,
    profile: &Profile,
    new: &Secret,
) -> Result<bool, SecretError> {
    let old = bound_secret(store, profile, SecretSlot::ClientSecret)?;
    if let Some(old) = &old {
        store.set(
            &profile.name,
            SecretSlot::PreviousClientSecret,
            old.expose(),
        )?;
    }
    store_client_secret(store, profile, new)?;
    Ok(old.is_some())
}

/// Records what the profile's secrets are for. Called whenever a secret or key is stored.
pub fn bind(store: &dyn SecretStore, profile: &Profile) -> Result<(), SecretError> {
    store.set(
        &profile.name,
        SecretSlot::Binding,
        &Binding::of(profile).to_json(),
    )
}

/// For a profile loaded from the profile store by its own name: binds secrets stored before
/// bindings existed to it. Returns whether it bound anything. Never called for profile files
/// from elsewhere, which therefore cannot unlock such secrets.
pub fn adopt_unbound(store: &dyn SecretStore, profile: &Profile) -> Result<bool, SecretError> {
    if store.get(&profile.name, SecretSlot::Binding)?.is_some() {
        return Ok(false);
    }
    for slot in SecretSlot::SECRETS {
        if store.get(&profile.name, slot)?.is_some() {
            bind(store, profile)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// A stored secret of the profile, handed out only if it was stored for the profile's
/// tenant, app and endpoints.
pub fn bound_secret(
    store: &dyn SecretStore,
    profile: &Profile,
    slot: SecretSlot,
) -> Result<Option<SecretBytes>, SecretError> {
    let Some(value) = store.get(&profile.name, slot)? else {
        return Ok(None);
    };
    let stored = store
        .get(&profile.name, SecretSlot::Binding)?
        .ok_or_else(|| SecretError::Unbound {
            profile: profile.name.clone(),
            what: slot.label(),
        })?;
    let stored = Binding::from_json(stored.expose()).ok_or(SecretError::Corrupt)?;
    let differences = stored.differences(&Binding::of(profile));
    if differences.is_empty() {
        Ok(Some(value))
    } else {
        Err(SecretError::BindingMismatch {
            profile: profile.name.clone(),
            what: slot.label(),
            differences,
        })
    }
}

/// The client secret for a profile: `MAILSCOPE_CLIENT_SECRET` when set, else the keyring
/// (only when bound to this profile's values).
pub fn client_secret(
    store: &dyn SecretStore,
    profile: &Profile,
) -> Result<Option<(Secret, SecretSource)>, SecretError> {
    if let Some(v) = std::env::var_os(CLIENT_SECRET_ENV).filter(|v| !v.is_empty()) {
        return Ok(Some((
            Secret::new(v.to_string_lossy().into_owned()),
            SecretSource::Environment,
        )));
    }
    match bound_secret(store, profile, SecretSlot::ClientSecret)? {
        None => Ok(None),
        Some(bytes) => {
            let text = std::str::from_utf8(bytes.expose()).map_err(|_| SecretError::Corrupt)?;
            Ok(Some((Secret::new(text), SecretSource::Keyring)))
        }
    }
}

/// Deletes every keyring entry of a profile (when the profile is deleted): its secrets and
/// their binding. Returns how many secrets existed.
pub fn delete_all_for(store: &dyn SecretStore, profile: &str) -> Result<usize, SecretError> {
    let mut n = 0;
    for slot in SecretSlot::SECRETS {
        if store.delete(profile, slot)? {
            n += 1;
        }
    }
    store.delete(profile, SecretSlot::Binding)?;
    Ok(n)
}

#[cfg(test)]
#[path = "bound_tests.rs"]
mod bound_tests;
