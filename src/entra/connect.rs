//! Reading the tenant for a profile: the remembered admin sign-in for the profile's tenant and
//! cloud is renewed ([`crate::signin::resume`]), then [`super::read_tenant_for`] reads with it
//! (the profile's own app, or the vendor-hosted one).
//! The access token stays in memory and is dropped on return.

use super::error::EntraError;
use super::read::{Lookup, read_tenant_for};
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

/// Resumes the remembered admin sign-in for `profile` (its tenant and cloud): the access
/// token (in memory) and who signed in. Apply reads and writes with one session.
pub async fn session_for_profile(
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

/// Reads the tenant for `profile` with a session.
pub async fn read_with(
    endpoints: &CloudEndpoints,
    http: &reqwest::Client,
    signed: &SignedIn,
    profile: &Profile,
    preset: &Preset,
) -> Result<TenantView, EntraError> {
    let want = Target::of(profile, preset);
    let lookup = match &want.vendor {
        Some(v) => Lookup::Vendor(v.confirmed.as_deref()),
        None => Lookup::Own {
            client_id: profile.client_id.as_deref(),
            display_name: &want.display_name,
        },
    };
    read_tenant_for(
        endpoints,
        http,
        &signed.access_token,
        &signed.account,
        lookup,
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
    let signed = session_for_profile(cfg, profile, http, secrets).await?;
    read_with(&cfg.endpoints, http, &signed, profile, preset).await
}
