//! The admin's refresh token in the OS keyring, keyed by authority, tenant, public client and
//! admin, plus which admin was last remembered for that authority, tenant and client (so the
//! next run finds the token). Entry names hash the key: `signin-<hex>` (no UPN or tenant in
//! the keyring's listing). Access tokens are never stored.

use sha2::Digest;

use crate::secrets::{Secret, SecretError, SecretSlot, SecretStore};

/// Where a sign-in belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberKey {
    /// The authority base URL (`https://login.microsoftonline.com`).
    pub authority: String,
    /// The tenant as the admin named it (GUID or domain).
    pub tenant: String,
    /// The public client.
    pub client_id: String,
}

fn name(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.trim().to_ascii_lowercase().as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("signin-{hex}")
}

impl RememberKey {
    fn account_entry(&self) -> String {
        name(&[&self.authority, &self.tenant, &self.client_id])
    }

    fn token_entry(&self, admin: &str) -> String {
        name(&[&self.authority, &self.tenant, &self.client_id, admin])
    }
}

/// Stores `refresh_token` for `admin` and makes `admin` the one remembered for `key`.
pub fn store(
    secrets: &dyn SecretStore,
    key: &RememberKey,
    admin: &str,
    refresh_token: &Secret,
) -> Result<(), SecretError> {
    secrets.set(
        &key.token_entry(admin),
        SecretSlot::RefreshToken,
        refresh_token.expose().as_bytes(),
    )?;
    secrets.set(
        &key.account_entry(),
        SecretSlot::SigninAccount,
        admin.trim().as_bytes(),
    )
}

/// The remembered admin and refresh token for `key`, if any.
pub fn load(
    secrets: &dyn SecretStore,
    key: &RememberKey,
) -> Result<Option<(String, Secret)>, SecretError> {
    let Some(admin) = secrets.get(&key.account_entry(), SecretSlot::SigninAccount)? else {
        return Ok(None);
    };
    let admin = std::str::from_utf8(admin.expose())
        .map_err(|_| SecretError::Corrupt)?
        .to_string();
    let Some(rt) = secrets.get(&key.token_entry(&admin), SecretSlot::RefreshToken)? else {
        return Ok(None);
    };
    let rt = std::str::from_utf8(rt.expose()).map_err(|_| SecretError::Corrupt)?;
    Ok(Some((admin, Secret::new(rt))))
}

/// Forgets the remembered sign-in for `key`; returns the admin it was for.
pub fn forget(secrets: &dyn SecretStore, key: &RememberKey) -> Result<Option<String>, SecretError> {
    let Some(admin) = secrets.get(&key.account_entry(), SecretSlot::SigninAccount)? else {
        return Ok(None);
    };
    let admin = String::from_utf8_lossy(admin.expose()).into_owned();
    secrets.delete(&key.token_entry(&admin), SecretSlot::RefreshToken)?;
    secrets.delete(&key.account_entry(), SecretSlot::SigninAccount)?;
    Ok(Some(admin))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    #[test]
    fn store_load_forget_by_key() {
        let m = MemoryStore::new();
        let k = RememberKey {
            authority: "https://login.microsoftonline.com".into(),
            tenant: "contoso.com".into(),
            client_id: "c".into(),
        };
        assert!(load(&m, &k).expect("load").is_none());
        store(&m, &k, "a@contoso.com", &Secret::new("rt1")).expect("store");
        let (admin, rt) = load(&m, &k).expect("load").expect("some");
        assert_eq!((admin.as_str(), rt.expose()), ("a@contoso.com", "rt1"));
        let other = RememberKey {
            client_id: "d".into(),
            ..k.clone()
        };
        assert!(load(&m, &other).expect("load").is_none());
        assert_eq!(
            forget(&m, &k).expect("forget").as_deref(),
            Some("a@contoso.com")
        );
        assert!(load(&m, &k).expect("load").is_none());
        assert!(k.token_entry("a@contoso.com").starts_with("signin-"));
        assert!(!k.token_entry("a@contoso.com").contains("contoso"));
    }
}
