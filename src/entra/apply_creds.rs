//! The credential steps of an apply: a client secret (its value straight into the keyring,
//! bound to the new app; never returned) or a certificate (generated unless the profile has
//! one; private key in the keyring, public part uploaded and written beside the profile).

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::apply::{ApplyContext, StepError};
use super::apply_steps::{AWAIT_APP, Facts, OnWait, save};
use super::retry::retry_write;
use super::write::{NewKey, WriteError};
use crate::credential::{self, MAX_VALID_MONTHS};
use crate::preset::Preset;
use crate::profile::{CredentialInfo, CredentialKind};

/// `addPassword` for `lifetime_days` (Entra's own limit taken should it still refuse); the
/// value into the keyring bound to the app, the Secret ID and expiry into the profile.
pub(crate) async fn add_secret(
    ctx: &ApplyContext<'_>,
    facts: &mut Facts,
    lifetime_days: u32,
    objects: &mut BTreeMap<String, String>,
    on_wait: &mut OnWait<'_>,
) -> Result<(), StepError> {
    let w = ctx.writer();
    let obj = facts.app()?.object_id.clone();
    let app_id = facts.app()?.app_id.clone();
    let now = OffsetDateTime::now_utc();
    let name = format!("mailscope {}", now.date());
    let mut days = lifetime_days.max(1);
    // The policy was read first; should Entra still refuse the lifetime, take its limit.
    let mut tries = 0;
    let secret = loop {
        let end = now + time::Duration::days(i64::from(days));
        match retry_write(&ctx.retry, AWAIT_APP, on_wait, || {
            w.add_password(&obj, &name, end)
        })
        .await
        {
            Ok(s) => break s,
            Err(WriteError::LifetimeTooLong { max_days, .. }) if tries < 2 => {
                tries += 1;
                let limit = max_days.unwrap_or(days / 2).max(1);
                days = limit.min(days.saturating_sub(1)).max(1);
            }
            Err(e) => return Err(e.into()),
        }
    };
    objects.insert("secret_id".into(), secret.key_id.clone());
    objects.insert("expires".into(), secret.end.date().to_string());
    objects.insert("lifetime_days".into(), days.to_string());
    // Bound to the app it belongs to: the profile names it from now on.
    facts.profile.client_id = Some(app_id);
    crate::secrets::store_client_secret(ctx.secrets, &facts.profile, &secret.value)?;
    let mut info = CredentialInfo::new(CredentialKind::Secret);
    info.secret_id = Some(secret.key_id.clone());
    info.expires = Some(secret.end.date());
    facts.profile.credential = Some(info);
    save(ctx, facts)
}

/// Uploads the profile's certificate, or generates one (private key into the keyring, public
/// part beside the profile), and records it in the profile.
pub(crate) async fn upload_certificate(
    ctx: &ApplyContext<'_>,
    facts: &mut Facts,
    preset: &Preset,
    thumbprint: Option<&str>,
    objects: &mut BTreeMap<String, String>,
    on_wait: &mut OnWait<'_>,
) -> Result<(), StepError> {
    let w = ctx.writer();
    let obj = facts.app()?.object_id.clone();
    facts.profile.client_id = Some(facts.app()?.app_id.clone());
    let existing = facts
        .profile
        .credential
        .as_ref()
        .and_then(|c| c.cert_file.clone())
        .filter(|_| thumbprint.is_some());
    let (cert, cer_path) = match existing {
        // The profile's own certificate (its key is already in the keyring).
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            (credential::read_certificate_file(&path)?, path)
        }
        None => {
            let name = facts
                .profile
                .app_name
                .clone()
                .unwrap_or_else(|| preset.default_app_name.clone());
            let months = preset.secret_lifetime_months.clamp(1, MAX_VALID_MONTHS);
            let made = credential::generate(&name, months, OffsetDateTime::now_utc())?;
            let sha1 = &made.certificate.thumbprints.sha1_hex;
            let short: String = sha1.chars().take(8).collect();
            let path = ctx.store.dir().join(format!(
                "{}-{}.cer",
                facts.profile.name,
                short.to_ascii_lowercase()
            ));
            credential::store_private_key(ctx.secrets, &facts.profile, &made.private_key)?;
            credential::write_public_certificate(&path, &made.certificate.der, false)?;
            (made.certificate, path)
        }
    };
    let key = NewKey {
        der: cert.der.clone(),
        display_name: cert.subject.clone(),
    };
    let keep = facts.cert_ids.clone();
    let ids = retry_write(&ctx.retry, AWAIT_APP, on_wait, || {
        w.set_key_credentials(&obj, &keep, std::slice::from_ref(&key))
    })
    .await?;
    // The key ID as Entra holds it (read back by thumbprint; the one sent otherwise).
    let path = format!("/applications/{obj}");
    let back = retry_write(&ctx.retry, AWAIT_APP, on_wait, || {
        w.get("read the app registration", &path)
    })
    .await?;
    let held = super::read::app_reg(&back, &[])
        .certificates
        .into_iter()
        .find(|c| c.thumbprint.as_deref() == Some(cert.thumbprints.sha1_hex.as_str()))
        .map(|c| c.key_id);
    let key_id = held.or_else(|| ids.first().cloned()).unwrap_or_default();
    facts.cert_ids.push(key_id.clone());
    objects.insert("key_id".into(), key_id);
    objects.insert("thumbprint".into(), cert.thumbprints.sha1_hex.clone());
    objects.insert("expires".into(), cert.expires().to_string());
    let mut info = facts
        .profile
        .credential
        .clone()
        .unwrap_or_else(|| CredentialInfo::new(CredentialKind::Certificate));
    credential::fill_credential_info(&mut info, &cert, &cer_path);
    facts.profile.credential = Some(info);
    save(ctx, facts)
}
