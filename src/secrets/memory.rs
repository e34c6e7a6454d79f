//! An in-memory secret store for tests and the demo (nothing leaves the process).

use std::collections::HashMap;
use std::sync::Mutex;

use super::{SecretBytes, SecretError, SecretSlot, SecretStore};

#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<(String, SecretSlot), SecretBytes>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, SecretSlot), SecretBytes>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn backend(&self) -> String {
        "in-memory store (nothing is kept after exit)".into()
    }

    fn set(&self, profile: &str, slot: SecretSlot, value: &[u8]) -> Result<(), SecretError> {
        self.lock().insert(
            (profile.to_string(), slot),
            SecretBytes::new(value.to_vec()),
        );
        Ok(())
    }

    fn get(&self, profile: &str, slot: SecretSlot) -> Result<Option<SecretBytes>, SecretError> {
        Ok(self.lock().get(&(profile.to_string(), slot)).cloned())
    }

    fn delete(&self, profile: &str, slot: SecretSlot) -> Result<bool, SecretError> {
        Ok(self.lock().remove(&(profile.to_string(), slot)).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{Secret, delete_all_for, store_client_secret};

    #[test]
    fn set_get_delete() {
        let s = MemoryStore::new();
        let p = crate::profile::Profile::new(
            "p",
            crate::profile::PresetId::Kundo,
            crate::profile::Cloud::Global,
        );
        store_client_secret(&s, &p, &Secret::new("v~1")).expect("set");
        s.set("p", SecretSlot::PrivateKey, &[1, 2])
            .expect("set key");
        let got = s
            .get("p", SecretSlot::ClientSecret)
            .expect("get")
            .expect("some");
        assert_eq!(got.expose(), b"v~1");
        assert!(s.get("q", SecretSlot::ClientSecret).expect("get").is_none());
        assert_eq!(delete_all_for(&s, "p").expect("delete"), 2);
        assert_eq!(delete_all_for(&s, "p").expect("delete"), 0);
    }
}
