//! The OS keyring: Secret Service on Linux (pure-Rust zbus), Keychain on macOS, Credential
//! Manager on Windows. Every call runs on its own thread with a deadline, so a keyring that
//! waits for a password prompt nobody can see fails fast instead of hanging.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error as KError};

use super::{SecretBytes, SecretError, SecretSlot, SecretStore};

const SERVICE: &str = "mailscope";
const DEADLINE: Duration = Duration::from_secs(10);

/// The operating system's credential store.
pub struct KeyringStore {
    store: Result<Arc<CredentialStore>, SecretError>,
}

impl KeyringStore {
    /// Connects to the platform's store. A failure is kept and reported on first use, so
    /// commands that never touch a secret still work without a keyring.
    pub fn open() -> Self {
        KeyringStore {
            store: open_platform_store(),
        }
    }

    fn entry(&self, profile: &str, slot: SecretSlot) -> Result<Entry, SecretError> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        store
            .build(SERVICE, &format!("{profile}/{}", slot.as_str()), None)
            .map_err(map_error)
    }

    /// Runs a keyring operation on a helper thread, giving up after the deadline.
    fn run<T: Send + 'static>(
        &self,
        entry: Entry,
        op: impl FnOnce(&Entry) -> Result<T, KError> + Send + 'static,
    ) -> Result<T, SecretError> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(op(&entry).map_err(map_error));
        });
        rx.recv_timeout(DEADLINE).unwrap_or_else(|_| {
            Err(SecretError::Timeout {
                backend: backend_name().into(),
                seconds: DEADLINE.as_secs(),
                hint: hint().into(),
            })
        })
    }
}

impl SecretStore for KeyringStore {
    fn backend(&self) -> String {
        backend_name().into()
    }

    fn set(&self, profile: &str, slot: SecretSlot, value: &[u8]) -> Result<(), SecretError> {
        let entry = self.entry(profile, slot)?;
        let value = SecretBytes::new(value.to_vec());
        match slot {
            SecretSlot::ClientSecret
            | SecretSlot::PreviousClientSecret
            | SecretSlot::Binding
            | SecretSlot::SigninAccount => {
                let text = std::str::from_utf8(value.expose())
                    .map_err(|_| SecretError::Corrupt)?
                    .to_string();
                let text = zeroize::Zeroizing::new(text);
                self.run(entry, move |e| e.set_password(&text))
            }
            // Bytes, not UTF-16 text: a refresh token is long and Windows caps an entry at 2560 bytes.
            SecretSlot::PrivateKey | SecretSlot::RefreshToken => {
                self.run(entry, move |e| e.set_secret(value.expose()))
            }
        }
    }

    fn get(&self, profile: &str, slot: SecretSlot) -> Result<Option<SecretBytes>, SecretError> {
        let entry = self.entry(profile, slot)?;
        let got = self.run(entry, |e| e.get_secret().map(SecretBytes::new));
        match got {
            Ok(v) => Ok(Some(v)),
            Err(SecretError::Rejected { detail, .. }) if detail == NO_ENTRY => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn delete(&self, profile: &str, slot: SecretSlot) -> Result<bool, SecretError> {
        let entry = self.entry(profile, slot)?;
        match self.run(entry, |e| e.delete_credential()) {
            Ok(()) => Ok(true),
            Err(SecretError::Rejected { detail, .. }) if detail == NO_ENTRY => Ok(false),
            Err(e) => Err(e),
        }
    }
}

const NO_ENTRY: &str = "no entry";

/// Maps keyring errors to ours. Payload-carrying variants (which may hold secret bytes) are
/// never formatted.
fn map_error(e: KError) -> SecretError {
    let backend = backend_name().to_string();
    match e {
        KError::NoEntry => SecretError::Rejected {
            backend,
            detail: NO_ENTRY.into(),
        },
        KError::NoStorageAccess(_) => SecretError::Locked {
            backend,
            hint: hint().into(),
        },
        KError::PlatformFailure(p) => SecretError::Unavailable {
            backend,
            detail: p.to_string(),
            hint: unavailable_hint().into(),
        },
        KError::BadEncoding(_) | KError::BadDataFormat(_, _) => SecretError::Corrupt,
        KError::TooLong(attr, limit) => SecretError::Rejected {
            backend,
            detail: format!("{attr} is longer than the store's limit of {limit}"),
        },
        other => SecretError::Rejected {
            backend,
            detail: match other {
                KError::Invalid(what, why) => format!("{what}: {why}"),
                KError::NotSupportedByStore(what) => format!("not supported: {what}"),
                KError::BadStoreFormat(what) => what,
                _ => "unexpected keyring error".into(),
            },
        },
    }
}

#[cfg(target_os = "linux")]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = windows_native_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::Unavailable {
        backend: backend_name().into(),
        detail: "this operating system has no supported keyring".into(),
        hint: unavailable_hint().into(),
    })
}

fn backend_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "Secret Service keyring (D-Bus)"
    } else if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "OS keyring"
    }
}

fn unavailable_hint() -> &'static str {
    if cfg!(target_os = "linux") {
        "No keyring service is running for this session. On a desktop, sign in to it; on a server, start one with `dbus-run-session -- bash` and `gnome-keyring-daemon --unlock --components=secrets`. Or set MAILSCOPE_CLIENT_SECRET for a single headless run; nothing is written to a file."
    } else {
        hint()
    }
}

fn hint() -> &'static str {
    if cfg!(target_os = "linux") {
        "Unlock your login keyring (sign in to the desktop, or run `gnome-keyring-daemon --unlock` inside a D-Bus session such as `dbus-run-session -- bash`). For a headless run without a keyring, set MAILSCOPE_CLIENT_SECRET for that run; nothing is written to a file."
    } else if cfg!(target_os = "macos") {
        "Unlock the login keychain (Keychain Access > File > Unlock) and allow mailscope when asked, or set MAILSCOPE_CLIENT_SECRET for this run."
    } else {
        "Sign in to Windows interactively so Credential Manager is available, or set MAILSCOPE_CLIENT_SECRET for this run."
    }
}
