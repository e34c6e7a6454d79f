//! `credential switch --to certificate`: a secret-based profile moved to a certificate, where
//! the vendor accepts certificates (the preset lists them):
//!
//! 1. a certificate, generated (or imported by the caller), uploaded as a key credential (the
//!    app's other certificates kept; `addKey` needs proof from a certificate mailscope does not
//!    hold, so the first goes through `keyCredentials`, as `entra apply` uploads it);
//! 2. proven (a token signed with its key with the expected roles, one must-reach read); not
//!    proven: taken out again, and nothing else changes;
//! 3. proven: its key in the keyring, its `.cer` beside the profile, the profile a certificate
//!    profile; the client secret becomes the previous credential (its Value kept as the
//!    previous secret) until it is removed: at once when `confirm` agrees (the vendor uses the
//!    certificate), else by `credential retire-old`.
//!
//! Every change is recorded in the profile's change record.

use super::certs::{keep_new, key_facts, new_certificate, new_key, prove_new};
use super::error::LifecycleError;
use super::proof::Proof;
use super::retire::{Retirement, retire_old};
use super::rotate::old_secret;
use super::session::{AdminSession, Ctx, Progress, writer};
use crate::credential::{CertificateWithKey, fill_credential_info};
use crate::preset::Preset;
use crate::profile::{CredentialInfo, CredentialKind, Profile};
use crate::secrets::{self, SecretSlot};

/// How a switch ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Switch {
    /// The profile uses the certificate now.
    Switched {
        key_id: String,
        /// SHA-1 thumbprint, hex.
        thumbprint: String,
        expires: time::Date,
        cert_file: String,
        proof: Proof,
        /// The client secret replaced (`None`: the app had none mailscope could name).
        old_secret_id: Option<String>,
        /// Its removal, when confirmed; `None`: it stays until `credential retire-old`.
        retired: Option<Retirement>,
    },
    /// The certificate did not prove itself; `removed`: it was taken out again.
    ProofFailed {
        reason: String,
        key_id: String,
        removed: bool,
    },
}

/// Whether the preset's vendor accepts a certificate.
pub fn accepts_certificate(preset: &Preset) -> bool {
    preset
        .credential_kinds
        .contains(&CredentialKind::Certificate)
}

/// Moves the profile from its client secret to `imported` or a generated certificate.
/// `confirm` is asked (with the question in words) before the secret is removed.
pub async fn switch_to_certificate(
    ctx: &Ctx<'_>,
    profile: &mut Profile,
    preset: &Preset,
    imported: Option<CertificateWithKey>,
    confirm: &mut dyn FnMut(&str) -> bool,
    on: &mut dyn FnMut(Progress),
) -> Result<Switch, LifecycleError> {
    if !accepts_certificate(preset) {
        return Err(LifecycleError::NotAccepted {
            profile: profile.name.clone(),
            vendor: preset.product.clone(),
        });
    }
    let cred = profile
        .credential
        .clone()
        .filter(|c| c.kind == CredentialKind::Secret)
        .ok_or_else(|| LifecycleError::Profile {
            profile: profile.name.clone(),
            what: "client secret to switch from (it uses a certificate already)".into(),
        })?;
    if let Some(prev) = &cred.previous_secret_id {
        return Err(LifecycleError::PreviousPending {
            profile: profile.name.clone(),
            key_id: prev.clone(),
        });
    }
    let new = new_certificate(profile, preset, imported)?;
    let mut admin = AdminSession::open(ctx, profile, preset, on).await?;
    let app = admin.app(profile)?;
    let object_id = app.object_id.clone();
    let others: Vec<String> = app.certificates.iter().map(|c| c.key_id.clone()).collect();
    let old_secret_id = old_secret(cred.secret_id.as_deref(), app);
    let key_id = upload(ctx, &mut admin, profile, &object_id, &others, &new, on).await?;
    let proven = prove_new(ctx, profile, preset, &new, ("Uploaded", &key_id), on).await?;
    let proof = match proven {
        Ok(p) => p,
        Err(reason) => {
            let removed = take_out(ctx, &mut admin, profile, &object_id, &others, &key_id, on)
                .await
                .is_ok();
            return Ok(Switch::ProofFailed {
                reason,
                key_id,
                removed,
            });
        }
    };
    let path = match keep_new(ctx, profile, &new, false) {
        Ok(p) => p,
        Err(e) => {
            let _ = take_out(ctx, &mut admin, profile, &object_id, &others, &key_id, on).await;
            return Err(e);
        }
    };
    // The secret's Value stays (as the previous) until the secret is removed from Entra.
    if let Some(v) = secrets::bound_secret(ctx.secrets, profile, SecretSlot::ClientSecret)? {
        ctx.secrets
            .set(&profile.name, SecretSlot::PreviousClientSecret, v.expose())?;
        ctx.secrets
            .delete(&profile.name, SecretSlot::ClientSecret)?;
    }
    let mut c = CredentialInfo::new(CredentialKind::Certificate);
    fill_credential_info(&mut c, &new.certificate, &path);
    c.previous_secret_id = old_secret_id.clone();
    profile.credential = Some(c);
    ctx.profiles.save(profile).map_err(LifecycleError::Save)?;
    let question = format!(
        "The certificate is proven and the profile uses it. Remove the client secret {} from Entra now? Only once {} signs in with the certificate: anything still using the secret fails.",
        old_secret_id.as_deref().unwrap_or("(none)"),
        preset.product
    );
    let retired = if old_secret_id.is_some() && confirm(&question) {
        Some(retire_old(ctx, profile, preset, on).await?)
    } else {
        None
    };
    Ok(Switch::Switched {
        key_id,
        thumbprint: new.certificate.thumbprints.sha1_hex.clone(),
        expires: new.certificate.expires(),
        cert_file: path.display().to_string(),
        proof,
        old_secret_id,
        retired,
    })
}

/// Uploads `new` beside the app's `others`, recorded; its key ID as Entra holds it.
async fn upload(
    ctx: &Ctx<'_>,
    admin: &mut AdminSession,
    profile: &Profile,
    object_id: &str,
    others: &[String],
    new: &CertificateWithKey,
    on: &mut dyn FnMut(Progress),
) -> Result<String, LifecycleError> {
    let c = &new.certificate;
    let key = &new_key(new);
    let summary = format!(
        "Upload the certificate {} (expires {}); the client secret stays until it is proven",
        c.thumbprints.sha1_hex,
        c.expires()
    );
    let w = &writer(ctx, &admin.signed);
    let sent = admin
        .recorder
        .recorded(
            ctx,
            profile,
            "upload-certificate",
            &summary,
            &key_facts(object_id, new),
            on,
            |ids: &Vec<String>| ids.iter().map(|i| ("key_id", i.clone())).collect(),
            || w.set_key_credentials(object_id, others, std::slice::from_ref(key)),
        )
        .await?;
    // The key ID as Entra holds it (read back by thumbprint; the one sent otherwise).
    let back = w
        .get(
            "read the app registration",
            &format!("/applications/{object_id}"),
        )
        .await?;
    let held = crate::entra::read::app_reg(&back, &[]).certificates;
    Ok(
        super::cert_rotate::key_id_of_in(&held, &c.thumbprints.sha1_hex)
            .or_else(|| sent.first().cloned())
            .unwrap_or_default(),
    )
}

/// Takes the uploaded certificate out again (the app's `others` kept), recorded.
async fn take_out(
    ctx: &Ctx<'_>,
    admin: &mut AdminSession,
    profile: &Profile,
    object_id: &str,
    others: &[String],
    key_id: &str,
    on: &mut dyn FnMut(Progress),
) -> Result<Vec<String>, LifecycleError> {
    let w = &writer(ctx, &admin.signed);
    admin
        .recorder
        .recorded(
            ctx,
            profile,
            "remove-certificate",
            "Remove the new certificate again: it did not prove itself or could not be kept",
            &[
                ("app_object_id", object_id.to_string()),
                ("key_id", key_id.to_string()),
            ],
            on,
            |_: &Vec<String>| Vec::new(),
            || w.set_key_credentials(object_id, others, &[]),
        )
        .await
}
