//! `credential retire-old`: once the vendor uses the new secret or certificate, the one
//! `credential rotate` replaced is removed from Entra (recorded; a certificate by `removeKey`
//! with a proof signed by the current one), its Value or private key deleted from the keyring,
//! and the profile forgets it. When it is already gone from Entra, only the local traces go.

use super::certs::{current_material, remove_key};
use super::error::LifecycleError;
use super::session::{AdminSession, Ctx, Progress, remove_secret};
use crate::preset::Preset;
use crate::profile::Profile;
use crate::secrets::SecretSlot;

/// How a retirement ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    pub key_id: String,
    /// Whether Entra still held it (and it was removed now).
    pub removed_from_entra: bool,
    /// Whether its Value (or a certificate's private key) was in the keyring (and is deleted
    /// now).
    pub value_deleted: bool,
}

/// The previous secret's Secret ID, or why there is none.
pub fn previous_of(profile: &Profile) -> Result<String, LifecycleError> {
    profile
        .credential
        .as_ref()
        .and_then(|c| c.previous_secret_id.clone())
        .ok_or_else(|| LifecycleError::NothingToRetire {
            profile: profile.name.clone(),
        })
}

/// Removes the previous secret. `profile` is saved to `ctx.profiles`.
pub async fn retire_old(
    ctx: &Ctx<'_>,
    profile: &mut Profile,
    preset: &Preset,
    on: &mut dyn FnMut(Progress),
) -> Result<Retirement, LifecycleError> {
    let key_id = previous_of(profile)?;
    let mut admin = AdminSession::open(ctx, profile, preset, on).await?;
    let app = admin.app(profile)?;
    let object_id = app.object_id.clone();
    let same = |k: &String| k.eq_ignore_ascii_case(&key_id);
    // Where Entra holds it: a certificate (rotated) or a secret (rotated, or replaced by
    // `credential switch`).
    let is_cert = app.certificates.iter().map(|c| &c.key_id).any(same);
    let is_secret = app.secrets.iter().map(|s| &s.key_id).any(same);
    if is_cert {
        let current = current_material(ctx, profile)?;
        let why = "Remove the previous certificate (replaced by credential rotate)";
        remove_key(
            ctx, &mut admin, profile, &object_id, &current, &key_id, why, on,
        )
        .await?;
    } else if is_secret {
        let why = "Remove the previous client secret (replaced by credential rotate or switch)";
        remove_secret(ctx, &mut admin, profile, &object_id, &key_id, why, on).await?;
    } else {
        on(Progress::Doing(format!(
            "{key_id} is no longer in Entra; forgetting it here"
        )));
    }
    let mut value_deleted = false;
    for slot in [
        SecretSlot::PreviousClientSecret,
        SecretSlot::PreviousPrivateKey,
    ] {
        value_deleted |= ctx.secrets.delete(&profile.name, slot)?;
    }
    if let Some(c) = profile.credential.as_mut() {
        c.previous_secret_id = None;
    }
    ctx.profiles.save(profile).map_err(LifecycleError::Save)?;
    Ok(Retirement {
        key_id,
        removed_from_entra: is_cert || is_secret,
        value_deleted,
    })
}
