//! Certificate steps shared by rollover, switch and retire-old: the profile's current
//! certificate with its key from the keyring, a new certificate (generated, or imported by
//! the caller) and where its public `.cer` goes, the credential to prove it with, and
//! `addKey` / `removeKey` recorded, each with a fresh proof of possession ([`super::pop`]).

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::error::LifecycleError;
use super::pop::proof_token;
use super::proof::{Proof, prove};
use super::session::{AdminSession, Ctx, Progress, writer};
use crate::credential::{
    self, CertificateWithKey, MAX_VALID_MONTHS, SigningMaterial, load_signing_material,
};
use crate::entra::write::NewKey;
use crate::graph::auth::{CertificateCredential, Credential};
use crate::preset::Preset;
use crate::profile::{Profile, ProfileStore};
use crate::secrets::{self, Secret, SecretSlot};

/// The profile's certificate and its private key (from the keyring), to sign proofs with.
pub fn current_material(
    ctx: &Ctx<'_>,
    profile: &Profile,
) -> Result<SigningMaterial, LifecycleError> {
    let missing = |what: &str| LifecycleError::Profile {
        profile: profile.name.clone(),
        what: what.into(),
    };
    let file = profile
        .credential
        .as_ref()
        .and_then(|c| c.cert_file.clone())
        .ok_or_else(|| missing("certificate file (cert_file)"))?;
    let key = secrets::bound_secret(ctx.secrets, profile, SecretSlot::PrivateKey)?
        .ok_or_else(|| missing("certificate private key in the keyring"))?;
    Ok(load_signing_material(Path::new(&file), key)?)
}

/// A new certificate for the profile's app: `imported`, or one generated for the preset's
/// lifetime.
pub fn new_certificate(
    profile: &Profile,
    preset: &Preset,
    imported: Option<CertificateWithKey>,
) -> Result<CertificateWithKey, LifecycleError> {
    if let Some(c) = imported {
        return Ok(c);
    }
    let name = profile
        .app_name
        .clone()
        .unwrap_or_else(|| preset.default_app_name.clone());
    let months = preset.secret_lifetime_months.clamp(1, MAX_VALID_MONTHS);
    Ok(credential::generate(
        &name,
        months,
        OffsetDateTime::now_utc(),
    )?)
}

/// Where a certificate's public part is written: beside the profile, named for the profile
/// and the start of the SHA-1 thumbprint (as `entra apply` names it).
pub fn cer_path(store: &ProfileStore, profile: &str, sha1_hex: &str) -> PathBuf {
    let short: String = sha1_hex.chars().take(8).collect();
    store
        .dir()
        .join(format!("{profile}-{}.cer", short.to_ascii_lowercase()))
}

/// The credential that signs in with `cert` (to prove it).
pub fn credential_of(cert: &CertificateWithKey) -> Result<Credential, LifecycleError> {
    let c = CertificateCredential::from_parts(&cert.certificate.der, cert.private_key.clone())?;
    Ok(Credential::Certificate(c))
}

/// Says `cert` is in Entra as `key_id` (`how`: "Added", "Uploaded") and proves it: `Ok(Err)`
/// says in words why it is not proven.
pub async fn prove_new(
    ctx: &Ctx<'_>,
    profile: &Profile,
    preset: &Preset,
    cert: &CertificateWithKey,
    how_key: (&str, &str),
    on: &mut dyn FnMut(Progress),
) -> Result<Result<Proof, String>, LifecycleError> {
    let (how, key_id) = how_key;
    on(Progress::Doing(format!(
        "{how} certificate {key_id} (expires {}); proving it",
        cert.certificate.expires()
    )));
    let cred = credential_of(cert)?;
    Ok(prove(ctx.endpoints, profile, preset, cred, &ctx.retry, on).await)
}

/// The public part of `cert` to upload.
pub fn new_key(cert: &CertificateWithKey) -> NewKey {
    NewKey {
        der: cert.certificate.der.clone(),
        display_name: cert.certificate.subject.clone(),
    }
}

/// What the change record says of a certificate being added to the app `object_id`.
pub fn key_facts(object_id: &str, cert: &CertificateWithKey) -> Vec<(&'static str, String)> {
    let c = &cert.certificate;
    vec![
        ("app_object_id", object_id.to_string()),
        ("thumbprint", c.thumbprints.sha1_hex.clone()),
        ("expires", c.expires().to_string()),
    ]
}

/// After a proof: writes the public `.cer` and puts the new private key in the keyring for
/// the profile (the current one kept as the previous when `keep_previous`). Returns the
/// `.cer` path.
pub fn keep_new(
    ctx: &Ctx<'_>,
    profile: &Profile,
    cert: &CertificateWithKey,
    keep_previous: bool,
) -> Result<PathBuf, LifecycleError> {
    let path = cer_path(
        ctx.profiles,
        &profile.name,
        &cert.certificate.thumbprints.sha1_hex,
    );
    credential::write_public_certificate(&path, &cert.certificate.der, true)?;
    if keep_previous
        && let Some(old) = secrets::bound_secret(ctx.secrets, profile, SecretSlot::PrivateKey)?
    {
        ctx.secrets
            .set(&profile.name, SecretSlot::PreviousPrivateKey, old.expose())?;
    }
    credential::store_private_key(ctx.secrets, profile, &cert.private_key)?;
    Ok(path)
}

/// A proof signed now by `current`; should signing again fail (it does not once `first`
/// was signed), `first` (valid for 10 minutes from when it was made).
fn fresh_proof(current: &SigningMaterial, object_id: &str, first: &Secret) -> Secret {
    proof_token(current, object_id, now_unix()).unwrap_or_else(|_| first.clone())
}

fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// `addKey` of `cert`, proven by `current`, recorded; the new key ID.
pub async fn add_key(
    ctx: &Ctx<'_>,
    admin: &mut AdminSession,
    profile: &Profile,
    object_id: &str,
    current: &SigningMaterial,
    cert: &CertificateWithKey,
    on: &mut dyn FnMut(Progress),
) -> Result<String, LifecycleError> {
    let c = &cert.certificate;
    let key = &new_key(cert);
    let summary = format!(
        "Add the certificate {} (expires {}) with addKey, proven by the current one",
        c.thumbprints.sha1_hex,
        c.expires()
    );
    let first = &proof_token(current, object_id, now_unix())?;
    let w = &writer(ctx, &admin.signed);
    admin
        .recorder
        .recorded(
            ctx,
            profile,
            "add-key",
            &summary,
            &key_facts(object_id, cert),
            on,
            |id: &String| vec![("key_id", id.clone())],
            move || async move {
                let proof = fresh_proof(current, object_id, first);
                w.add_key(object_id, key, &proof).await
            },
        )
        .await
}

/// `removeKey` of the certificate `key_id`, proven by `current` (a certificate that stays),
/// recorded (`why` is the record's summary).
#[allow(clippy::too_many_arguments)]
pub async fn remove_key(
    ctx: &Ctx<'_>,
    admin: &mut AdminSession,
    profile: &Profile,
    object_id: &str,
    current: &SigningMaterial,
    key_id: &str,
    why: &str,
    on: &mut dyn FnMut(Progress),
) -> Result<(), LifecycleError> {
    let first = &proof_token(current, object_id, now_unix())?;
    let w = &writer(ctx, &admin.signed);
    admin
        .recorder
        .recorded(
            ctx,
            profile,
            "remove-key",
            why,
            &[
                ("app_object_id", object_id.to_string()),
                ("key_id", key_id.to_string()),
            ],
            on,
            |_: &()| Vec::new(),
            move || async move {
                let proof = fresh_proof(current, object_id, first);
                w.remove_key(object_id, key_id, &proof).await
            },
        )
        .await
}
