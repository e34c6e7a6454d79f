//! `credential rotate` for a certificate profile: a certificate rolled over without
//! downtime. The vendor signs with the current certificate, so it stays in Entra (and its key
//! in the keyring, as the previous) until `credential retire-old`:
//!
//! 1. a new certificate, generated (or imported by the caller), added with `addKey` and a
//!    proof of possession signed by the current certificate's key;
//! 2. proven (a token signed with the new key, with the expected roles, then one must-reach
//!    mailbox read);
//! 3. proven: its public `.cer` beside the profile, its key in the keyring for the profile
//!    (the current key kept as the previous), the profile pointing at it and recording the
//!    replaced certificate's key ID;
//! 4. not proven: the new certificate is removed again (`removeKey`, proof by the current one).
//!
//! Every change is recorded in the profile's change record.

use super::certs::{add_key, current_material, keep_new, new_certificate, prove_new, remove_key};
use super::error::LifecycleError;
use super::proof::Proof;
use super::session::{AdminSession, Ctx, Progress};
use crate::credential::{CertificateWithKey, fill_credential_info};
use crate::entra::view::{AppReg, CertMeta};
use crate::preset::Preset;
use crate::profile::{CredentialKind, Profile};

/// How a certificate rollover ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CertRotation {
    /// The new certificate is proven and in use; the old one stays until retire-old.
    Rotated {
        new_key_id: String,
        /// SHA-1 thumbprint, hex.
        thumbprint: String,
        expires: time::Date,
        /// Where its public part was written (for the vendor's settings).
        cert_file: String,
        /// The key ID of the certificate replaced, still in Entra.
        old_key_id: Option<String>,
        proof: Proof,
    },
    /// The new certificate did not prove itself; `removed`: it was taken out again.
    ProofFailed {
        reason: String,
        new_key_id: String,
        removed: bool,
    },
}

/// The key ID Entra holds for the certificate with this SHA-1 thumbprint.
pub fn key_id_of(app: &AppReg, sha1_hex: &str) -> Option<String> {
    key_id_of_in(&app.certificates, sha1_hex)
}

/// The key ID of the certificate with this SHA-1 thumbprint among `held`.
pub fn key_id_of_in(held: &[CertMeta], sha1_hex: &str) -> Option<String> {
    held.iter()
        .find(|c| {
            c.thumbprint
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(sha1_hex))
        })
        .map(|c| c.key_id.clone())
}

/// Rolls the profile's certificate over to `imported` or a generated one. `profile` is saved
/// to `ctx.profiles` when rotated.
pub async fn rotate_certificate(
    ctx: &Ctx<'_>,
    profile: &mut Profile,
    preset: &Preset,
    imported: Option<CertificateWithKey>,
    on: &mut dyn FnMut(Progress),
) -> Result<CertRotation, LifecycleError> {
    let cred = profile
        .credential
        .clone()
        .filter(|c| c.kind == CredentialKind::Certificate)
        .ok_or_else(|| LifecycleError::Profile {
            profile: profile.name.clone(),
            what: "certificate to roll over (its credential is not a certificate)".into(),
        })?;
    if let Some(prev) = &cred.previous_secret_id {
        return Err(LifecycleError::PreviousPending {
            profile: profile.name.clone(),
            key_id: prev.clone(),
        });
    }
    let current = current_material(ctx, profile)?;
    let new = new_certificate(profile, preset, imported)?;
    let mut admin = AdminSession::open(ctx, profile, preset, on).await?;
    let app = admin.app(profile)?;
    let object_id = app.object_id.clone();
    let old_key_id = cred
        .thumbprint_sha1
        .as_deref()
        .and_then(|t| key_id_of(app, t));
    let new_key_id = add_key(ctx, &mut admin, profile, &object_id, &current, &new, on).await?;
    let proven = prove_new(ctx, profile, preset, &new, ("Added", &new_key_id), on).await?;
    let take_out = async |admin: &mut AdminSession, why: &str, on: &mut dyn FnMut(Progress)| {
        remove_key(
            ctx,
            admin,
            profile,
            &object_id,
            &current,
            &new_key_id,
            why,
            on,
        )
        .await
        .is_ok()
    };
    let proof = match proven {
        Ok(p) => p,
        Err(reason) => {
            let why = "Remove the new certificate again: it did not prove itself";
            let removed = take_out(&mut admin, why, on).await;
            return Ok(CertRotation::ProofFailed {
                reason,
                new_key_id,
                removed,
            });
        }
    };
    let path = match keep_new(ctx, profile, &new, true) {
        Ok(p) => p,
        Err(e) => {
            let why = "Remove the new certificate again: its key or file could not be kept";
            take_out(&mut admin, why, on).await;
            return Err(e);
        }
    };
    let mut c = cred;
    fill_credential_info(&mut c, &new.certificate, &path);
    c.previous_secret_id = old_key_id.clone();
    profile.credential = Some(c);
    ctx.profiles.save(profile).map_err(LifecycleError::Save)?;
    Ok(CertRotation::Rotated {
        new_key_id,
        thumbprint: new.certificate.thumbprints.sha1_hex.clone(),
        expires: new.certificate.expires(),
        cert_file: path.display().to_string(),
        old_key_id,
        proof,
    })
}
