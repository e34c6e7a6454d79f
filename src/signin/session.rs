//! Signing in again without the admin: the refresh token remembered for a configuration is
//! redeemed, and the new one Microsoft sends replaces it (keep the newest, reference §1b).
//! A token Microsoft no longer accepts is forgotten, so the next run asks for a sign-in.

use super::config::SigninConfig;
use super::error::SigninError;
use super::remember;
use super::token::{SignedIn, refresh};
use crate::secrets::SecretStore;

/// The remembered sign-in for `cfg`, renewed; `Ok(None)` when nothing is remembered.
pub async fn resume(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
) -> Result<Option<SignedIn>, SigninError> {
    let key = cfg.remember_key();
    let Some((admin, rt)) = remember::load(secrets, &key).map_err(SigninError::Keyring)? else {
        return Ok(None);
    };
    match refresh(cfg, http, &rt).await {
        Ok(signed) => {
            if let Some(new) = &signed.refresh_token {
                remember::store(secrets, &key, &admin, new).map_err(SigninError::Keyring)?;
            }
            Ok(Some(signed))
        }
        Err(e @ SigninError::SignInAgain { .. }) => {
            remember::forget(secrets, &key).map_err(SigninError::Keyring)?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}
