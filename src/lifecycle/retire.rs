//! `credential retire-old`: once the vendor uses the new secret, the one `credential rotate`
//! replaced is removed from Entra (recorded), its Value deleted from the keyring, and the
//! profile forgets it. When it is already gone from Entra, only the local traces go.

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
    /// Whether its Value was in the keyring (and is deleted now).
    pub value_deleted: bool,
}

/// When the secret was last used to sign in. mailscope does not read sign-in activity
/// (Microsoft keeps it in reports that need Entra ID P1 and AuditLog.Read.All), so this is
/// always `None`: "not available".
pub fn last_used(_key_id: &str) -> Option<time::OffsetDateTime> {
    None
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
    let in_entra = app
        .secrets
        .iter()
        .any(|s| s.key_id.eq_ignore_ascii_case(&key_id));
    if in_entra {
        let why = "Remove the previous client secret (replaced by credential rotate)";
        remove_secret(ctx, &mut admin, profile, &object_id, &key_id, why, on).await?;
    } else {
        on(Progress::Doing(format!(
            "Secret {key_id} is no longer in Entra; forgetting it here"
        )));
    }
    let value_deleted = ctx
        .secrets
        .delete(&profile.name, SecretSlot::PreviousClientSecret)?;
    if let Some(c) = profile.credential.as_mut() {
        c.previous_secret_id = None;
    }
    ctx.profiles.save(profile).map_err(LifecycleError::Save)?;
    Ok(Retirement {
        key_id,
        removed_from_entra: in_entra,
        value_deleted,
    })
}
