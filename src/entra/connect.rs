//! Reading the tenant for a profile: the remembered admin sign-in for the profile's tenant and
//! cloud is renewed ([`crate::signin::resume`]), then [`super::read_tenant`] reads with it.
//! The access token stays in memory and is dropped on return.

use super::error::EntraError;
use super::read::read_tenant;
use super::target::Target;
use super::view::TenantView;
use crate::graph::cloud::CloudEndpoints;
use crate::preset::Preset;
use crate::profile::Profile;
use crate::secrets::SecretStore;
use crate::signin::{Purpose, SignedIn, SigninConfig, SigninError, resume};

/// The sign-in configuration `entra` resumes for `profile`: its cloud, its tenant, the
/// default public client, the scopes its preset needs. `None` when the profile names no
/// tenant.
pub fn signin_config(
    profile: &Profile,
    preset: &Preset,
    endpoints: &CloudEndpoints,
) -> Option<SigninConfig> {
    let tenant = profile.tenant.as_deref()?;
    Some(SigninConfig::new(
        endpoints.clone(),
        tenant,
        Purpose::for_preset(preset),
    ))
}

/// Resumes the remembered admin sign-in for `profile`'s tenant ([`EntraError::NotSignedIn`]
/// when there is none).
pub async fn resume_for_profile(
    cfg: &SigninConfig,
    profile: &Profile,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
) -> Result<SignedIn, EntraError> {
    let not_signed_in = |keyring: Option<String>| EntraError::NotSignedIn {
        profile: profile.name.clone(),
        tenant: cfg.tenant.clone(),
        keyring,
    };
    match resume(cfg, http, secrets).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(not_signed_in(None)),
        Err(SigninError::Keyring(e)) => Err(not_signed_in(Some(e.to_string()))),
        Err(e) => Err(EntraError::Signin(e)),
    }
}

/// Reads the tenant for `profile` with an admin already signed in.
pub async fn read_signed_in(
    cfg: &SigninConfig,
    signed: &SignedIn,
    profile: &Profile,
    preset: &Preset,
    http: &reqwest::Client,
) -> Result<TenantView, EntraError> {
    let want = Target::of(profile, preset);
    read_tenant(
        &cfg.endpoints,
        http,
        &signed.access_token,
        &signed.account,
        profile.client_id.as_deref(),
        &want.display_name,
    )
    .await
}

/// Resumes the remembered sign-in and reads the tenant for `profile`.
pub async fn read_for_profile(
    cfg: &SigninConfig,
    profile: &Profile,
    preset: &Preset,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
) -> Result<TenantView, EntraError> {
    let signed = resume_for_profile(cfg, profile, http, secrets).await?;
    read_signed_in(cfg, &signed, profile, preset, http).await
}
