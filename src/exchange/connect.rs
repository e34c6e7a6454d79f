//! Connecting to Exchange for a profile: the remembered Exchange sign-in (Exchange Online
//! PowerShell's public client, remembered apart from the Graph one) is renewed and becomes a
//! [`Transport`]. The access token stays in memory and is dropped with the transport.

use super::endpoints;
use super::error::ExchangeError;
use super::transport::Transport;
use crate::entra::EntraError;
use crate::graph::cloud::CloudEndpoints;
use crate::profile::Profile;
use crate::secrets::SecretStore;
use crate::signin::{Account, Purpose, SignedIn, SigninConfig};

/// The Exchange sign-in `mailscope signin --exchange` and the exchange commands use for
/// `profile`; `None` when the profile names no tenant.
pub fn signin_config(profile: &Profile, endpoints: &CloudEndpoints) -> Option<SigninConfig> {
    let tenant = profile.tenant.as_deref()?;
    Some(SigninConfig::new(
        endpoints.clone(),
        tenant,
        Purpose::Exchange,
    ))
}

/// A transport and who it acts as.
#[derive(Debug, Clone)]
pub struct Connection {
    pub transport: Transport,
    pub account: Account,
    /// The tenant's ID (from the token), else the profile's tenant as written.
    pub tenant_id: String,
}

/// Resumes the remembered Exchange sign-in for `profile`.
pub async fn connect(
    cfg: &SigninConfig,
    profile: &Profile,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
) -> Result<Connection, ExchangeError> {
    // The same resume as `entra`'s (the configuration, and so the keyring entry, differ).
    let signed = crate::entra::session_for_profile(cfg, profile, http, secrets)
        .await
        .map_err(|e| match e {
            EntraError::NotSignedIn {
                profile,
                tenant,
                keyring,
            } => ExchangeError::NotSignedIn {
                profile,
                tenant,
                keyring,
            },
            EntraError::Signin(e) => ExchangeError::Signin(e),
            other => ExchangeError::BadResponse {
                cmdlet: "the sign-in".into(),
                what: other.to_string(),
            },
        })?;
    Ok(Connection::from_signed(cfg, profile, http, signed))
}

impl Connection {
    /// A transport for an Exchange sign-in just made or resumed (the wizard's "Do it for me"
    /// signs in itself), acting as its account.
    pub fn from_signed(
        cfg: &SigninConfig,
        profile: &Profile,
        http: &reqwest::Client,
        signed: SignedIn,
    ) -> Connection {
        let tenant_id = if signed.account.tenant_id.is_empty() {
            cfg.tenant.clone()
        } else {
            signed.account.tenant_id.clone()
        };
        let transport = Transport::new(
            http.clone(),
            &endpoints::base_for(profile, &cfg.endpoints),
            &tenant_id,
            signed.access_token.clone(),
            &signed.account.upn,
        )
        .with_timeout(cfg.request_timeout);
        Connection {
            transport,
            account: signed.account,
            tenant_id,
        }
    }
}

/// Exchange's verdict for `profile` with its remembered Exchange sign-in: what `exchange test`
/// prints, for callers that show it beside Graph's (the check table, reports). A profile
/// without a tenant has no sign-in to resume: `NotSignedIn`.
pub async fn test_profile(
    profile: &Profile,
    preset: &crate::preset::Preset,
    endpoints: &CloudEndpoints,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
) -> Result<super::ScopingTest, ExchangeError> {
    let cfg = signin_config(profile, endpoints).ok_or_else(|| ExchangeError::NotSignedIn {
        profile: profile.name.clone(),
        tenant: String::new(),
        keyring: None,
    })?;
    let conn = connect(&cfg, profile, http, secrets).await?;
    let target = super::Target::of(profile, preset, None);
    super::test_scoping(&conn.transport, &target).await
}
