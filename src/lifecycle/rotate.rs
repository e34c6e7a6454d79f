//! `credential rotate`: a new client secret without downtime. The vendor's product holds the
//! secret, so the old one stays in Entra (and its Value in the keyring) until
//! `credential retire-old`:
//!
//! 1. add a new secret for the preset's lifetime, capped by the tenant's app management policy;
//! 2. prove it (a token with the expected roles, then one must-reach mailbox read);
//! 3. proven: the keyring keeps the old Value as the previous secret and holds the new one as
//!    the profile's (so `check` uses it); the profile records both Secret IDs;
//! 4. not proven: the new secret is removed again and nothing else changes.
//!
//! Every change is recorded in the profile's change record. The new Value is handed over only
//! on request (`credential reveal`).

use time::{Duration, OffsetDateTime};

use super::error::LifecycleError;
use super::proof::{Proof, prove_secret};
use super::session::{AdminSession, Ctx, Progress, day, remove_secret, writer};
use crate::entra::target::Target;
use crate::entra::view::AppReg;
use crate::preset::Preset;
use crate::profile::{CredentialKind, Profile};
use crate::secrets;

/// How a rotation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Rotation {
    /// The new secret is proven and in use; the old one stays until retire-old.
    Rotated {
        new_key_id: String,
        expires: time::Date,
        lifetime_days: u32,
        /// The tenant's policy made the lifetime shorter than the preset's.
        capped_by_policy: bool,
        /// The Secret ID of the secret replaced, still in Entra.
        old_key_id: Option<String>,
        /// Whether its Value was in the keyring and is kept there as the previous secret.
        old_value_kept: bool,
        proof: Proof,
    },
    /// The new secret did not prove itself; `removed`: it was taken out again (else its Secret
    /// ID is named so the admin can remove it).
    ProofFailed {
        reason: String,
        new_key_id: String,
        removed: bool,
    },
}

/// The preset's secret lifetime capped by the tenant's policy: (days, capped).
fn lifetime(preset_days: u32, policy_days: Option<u32>) -> (u32, bool) {
    match policy_days {
        Some(p) if p < preset_days => (p, true),
        _ => (preset_days, false),
    }
}

/// The secret being replaced: the profile's Secret ID, or, when the profile records none, the
/// app's only secret (the one the vendor must be using).
fn old_secret(recorded: Option<&str>, app: &AppReg) -> Option<String> {
    match (recorded, app.secrets.as_slice()) {
        (Some(id), _) => Some(id.to_string()),
        (None, [only]) => Some(only.key_id.clone()),
        (None, _) => None,
    }
}

/// Rotates the profile's client secret. `profile` is saved to `ctx.profiles` when rotated.
pub async fn rotate(
    ctx: &Ctx<'_>,
    profile: &mut Profile,
    preset: &Preset,
    on: &mut dyn FnMut(Progress),
) -> Result<Rotation, LifecycleError> {
    let missing = |what: &str| LifecycleError::Profile {
        profile: profile.name.clone(),
        what: what.into(),
    };
    let cred = profile
        .credential
        .clone()
        .filter(|c| c.kind == CredentialKind::Secret)
        .ok_or_else(|| missing("client secret to rotate (its credential is not a secret)"))?;
    if let Some(prev) = &cred.previous_secret_id {
        return Err(LifecycleError::PreviousPending {
            profile: profile.name.clone(),
            key_id: prev.clone(),
        });
    }
    let mut admin = AdminSession::open(ctx, profile, preset, on).await?;
    let app = admin.app(profile)?;
    let object_id = app.object_id.clone();
    let old_id = old_secret(cred.secret_id.as_deref(), app);
    let want = Target::of(profile, preset);
    let (days, capped) = lifetime(
        want.secret_lifetime_days,
        admin.view.policy.max_secret_lifetime_days,
    );
    let end = OffsetDateTime::now_utc() + Duration::days(i64::from(days));
    let display_name = format!("mailscope {}", day(OffsetDateTime::now_utc()));
    let summary = format!(
        "Add a client secret valid for {days} days{} (the old one stays until retire-old)",
        if capped {
            ", the tenant's policy limit"
        } else {
            ""
        }
    );
    let new = {
        let w = &writer(ctx, &admin.signed);
        let (oid, name) = (&object_id, &display_name);
        admin
            .recorder
            .recorded(
                ctx,
                profile,
                "add-secret",
                &summary,
                &[("app_object_id", object_id.clone())],
                on,
                |n: &crate::entra::write::NewSecret| {
                    vec![("secret_id", n.key_id.clone()), ("expires", day(n.end))]
                },
                || w.add_password(oid, name, end),
            )
            .await?
    };
    on(Progress::Doing(format!(
        "Added secret {} (expires {}); proving it",
        new.key_id,
        day(new.end)
    )));
    let proven = prove_secret(ctx.endpoints, profile, preset, &new.value, &ctx.retry, on).await;
    let proof = match proven {
        Ok(proof) => proof,
        Err(reason) => {
            let why = "Remove the new client secret again: it did not prove itself";
            let removed = remove_secret(ctx, &mut admin, profile, &object_id, &new.key_id, why, on)
                .await
                .is_ok();
            return Ok(Rotation::ProofFailed {
                reason,
                new_key_id: new.key_id,
                removed,
            });
        }
    };
    let old_value_kept = match secrets::rotate_client_secret(ctx.secrets, profile, &new.value) {
        Ok(kept) => kept,
        Err(e) => {
            // Without its Value in the keyring the new secret is of no use: take it out again.
            let why = "Remove the new client secret again: the keyring could not store it";
            let _ = remove_secret(ctx, &mut admin, profile, &object_id, &new.key_id, why, on).await;
            return Err(e.into());
        }
    };
    let mut c = cred;
    c.previous_secret_id = old_id;
    c.secret_id = Some(new.key_id.clone());
    c.expires = Some(new.end.date());
    let old_key_id = c.previous_secret_id.clone();
    profile.credential = Some(c);
    ctx.profiles.save(profile).map_err(LifecycleError::Save)?;
    Ok(Rotation::Rotated {
        new_key_id: new.key_id,
        expires: new.end.date(),
        lifetime_days: days,
        capped_by_policy: capped,
        old_key_id,
        old_value_kept,
        proof,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(ids: &[&str]) -> AppReg {
        let secret = |id: &&str| crate::entra::view::SecretMeta {
            key_id: id.to_string(),
            display_name: None,
            hint: None,
            end: None,
        };
        crate::lifecycle::test_app(ids.iter().map(secret).collect(), vec![])
    }

    #[test]
    fn the_replaced_secret_is_the_recorded_one_else_the_only_one() {
        assert_eq!(
            old_secret(Some("k"), &app(&["x", "y"])).as_deref(),
            Some("k")
        );
        assert_eq!(old_secret(None, &app(&["x"])).as_deref(), Some("x"));
        assert_eq!(old_secret(None, &app(&["x", "y"])), None);
        assert_eq!(old_secret(None, &app(&[])), None);
    }

    #[test]
    fn the_tenant_policy_caps_the_preset_lifetime() {
        assert_eq!(lifetime(730, Some(180)), (180, true));
        assert_eq!(lifetime(730, None), (730, false));
        assert_eq!(lifetime(365, Some(730)), (365, false));
    }
}
