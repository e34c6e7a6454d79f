//! After `entra apply`: proof that the tenant now holds what the profile needs. A token is
//! requested with the new credential (retrying AADSTS7000215 and AADSTS700016 within the bound
//! while the secret or the app replicates) and its `roles` must equal the preset's application
//! permissions; then the tenant is read again and `inspect` must find nothing (for delegated
//! presets this read-back of grants and redirect URI is the proof; for the vendor-hosted app,
//! whose credential is the vendor's, the read-back alone).

use std::sync::Arc;
use std::time::Duration;

use super::apply::{ApplyContext, ApplyEvent};
use super::error::EntraError;
use super::findings::{Finding, inspect};
use super::read::{Lookup, read_tenant_for};
use super::retry::with_retry;
use super::target::Target;
use super::view::Kind;
use crate::graph::auth::{Credential, SetupError, TokenSource, load_credential};
use crate::graph::diagnosis::Diagnosis;
use crate::preset::Preset;
use crate::profile::{CredentialKind, Profile};
use crate::secrets::{self, Secret, SecretError, SecretSlot};

/// What the proof found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The new credential's token's `roles` (sorted; empty when absent).
    pub token_roles: Vec<String>,
    /// The application permissions the profile needs (sorted).
    pub expected_roles: Vec<String>,
    /// `inspect` on the tenant read again.
    pub findings: Vec<Finding>,
}

impl Proof {
    /// The roles the token lacks.
    pub fn missing_roles(&self) -> Vec<&str> {
        self.expected_roles
            .iter()
            .filter(|r| !self.token_roles.iter().any(|t| t.eq_ignore_ascii_case(r)))
            .map(String::as_str)
            .collect()
    }

    /// Roles in the token the profile does not need.
    pub fn extra_roles(&self) -> Vec<&str> {
        self.token_roles
            .iter()
            .filter(|t| {
                !self
                    .expected_roles
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(t))
            })
            .map(String::as_str)
            .collect()
    }

    pub fn passed(&self) -> bool {
        self.findings.is_empty() && self.missing_roles().is_empty() && self.extra_roles().is_empty()
    }
}

/// Why the proof could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The new credential could not be loaded (keyring, certificate file).
    #[error("{0}")]
    Credential(#[from] SetupError),
    /// No token with the new credential (already diagnosed in words).
    #[error("no token with the new credential: {}", .0.summary)]
    Token(Diagnosis),
    /// The tenant could not be read again.
    #[error("{0}")]
    Read(#[from] EntraError),
}

impl ProofError {
    pub fn fix(&self) -> String {
        match self {
            ProofError::Credential(_) => {
                "Run `mailscope check --profile NAME` to see what is missing.".into()
            }
            ProofError::Token(d) => d.fix.clone(),
            ProofError::Read(e) => e.fix(),
        }
    }
}

/// Token errors that mean "not replicated yet": the secret (AADSTS7000215) or the app
/// (AADSTS700016).
fn replicating(d: &Diagnosis) -> Option<Option<f64>> {
    matches!(
        d.error_code.as_deref(),
        Some("AADSTS7000215") | Some("AADSTS700016")
    )
    .then_some(None)
}

/// The credential apply stored: for a secret, the keyring's (bound to this profile), never
/// `MAILSCOPE_CLIENT_SECRET`, which would prove some other secret.
fn new_credential(profile: &Profile, ctx: &ApplyContext<'_>) -> Result<Credential, SetupError> {
    let is_secret = profile
        .credential
        .as_ref()
        .is_some_and(|c| c.kind == CredentialKind::Secret);
    if !is_secret {
        return load_credential(profile, ctx.secrets);
    }
    let bytes = secrets::bound_secret(ctx.secrets, profile, SecretSlot::ClientSecret)?.ok_or_else(
        || {
            SetupError::Incomplete(format!(
                "no client secret is stored for profile {}",
                profile.name
            ))
        },
    )?;
    let text = std::str::from_utf8(bytes.expose()).map_err(|_| SecretError::Corrupt)?;
    Ok(Credential::Secret(Secret::new(text)))
}

/// Proves the applied `profile` (as saved by apply).
pub async fn prove(
    ctx: &ApplyContext<'_>,
    profile: &Profile,
    preset: &Preset,
    on_event: &mut dyn FnMut(ApplyEvent),
) -> Result<Proof, ProofError> {
    let want = Target::of(profile, preset);
    let mut expected_roles: Vec<String> = want
        .permissions
        .iter()
        .filter(|p| p.kind == Kind::Application)
        .map(|p| p.name.clone())
        .collect();
    expected_roles.sort();
    let token_roles = match &want.vendor {
        // The vendor-hosted app's credential is the vendor's: the proof is the read-back.
        Some(_) => {
            expected_roles.clear();
            Vec::new()
        }
        None => token_roles(ctx, profile, on_event).await?,
    };
    on_event(ApplyEvent::Proving {
        what: "the tenant, read again".into(),
    });
    let lookup = match &want.vendor {
        Some(v) => Lookup::Vendor(v.confirmed.as_deref()),
        None => Lookup::Own {
            client_id: profile.client_id.as_deref(),
            display_name: &want.display_name,
        },
    };
    let view = with_retry(
        &ctx.retry,
        "Entra to show the changes",
        |e: &EntraError| matches!(e, EntraError::BadResponse { .. }).then_some(None),
        &mut |w| on_event(ApplyEvent::Waiting(w)),
        || read_tenant_for(ctx.endpoints, ctx.http, ctx.token, ctx.account, lookup),
    )
    .await?;
    let findings = inspect(&view, profile, preset, time::OffsetDateTime::now_utc());
    Ok(Proof {
        token_roles,
        expected_roles,
        findings,
    })
}

/// The `roles` of a token got with the profile's new credential, sorted.
async fn token_roles(
    ctx: &ApplyContext<'_>,
    profile: &Profile,
    on_event: &mut dyn FnMut(ApplyEvent),
) -> Result<Vec<String>, ProofError> {
    let tenant = profile.tenant.clone().unwrap_or_default();
    let client_id = profile.client_id.clone().unwrap_or_default();
    on_event(ApplyEvent::Proving {
        what: "a token with the new credential".into(),
    });
    let credential = new_credential(profile, ctx)?;
    let source = |c| {
        TokenSource::new(
            Arc::new(ctx.endpoints.clone()),
            ctx.http.clone(),
            &tenant,
            &client_id,
            c,
            Duration::from_secs(30),
        )
    };
    let claims = with_retry(
        &ctx.retry,
        "Entra to accept the new credential",
        |e: &DiagnosisOwned| replicating(&e.0),
        &mut |w| on_event(ApplyEvent::Waiting(w)),
        || {
            let s = source(credential.clone());
            async move {
                s.token_with_claims()
                    .await
                    .map(|t| t.claims)
                    .map_err(DiagnosisOwned)
            }
        },
    )
    .await
    .map_err(|e| ProofError::Token(e.0))?;
    let mut token_roles = claims.roles.unwrap_or_default();
    token_roles.sort();
    Ok(token_roles)
}

/// A [`Diagnosis`] that prints as its summary (for the retry's progress line).
#[derive(Debug)]
struct DiagnosisOwned(Diagnosis);

impl std::fmt::Display for DiagnosisOwned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::diagnosis::Cause;

    #[test]
    fn only_the_replication_token_errors_are_retried() {
        let mut d = Diagnosis::new(Cause::SecretInvalid, "s", "f");
        d.error_code = Some("AADSTS7000215".into());
        assert!(replicating(&d).is_some());
        d.error_code = Some("AADSTS700016".into());
        assert!(replicating(&d).is_some());
        d.error_code = Some("AADSTS7000222".into());
        assert!(replicating(&d).is_none());
    }

    #[test]
    fn the_roles_must_equal_the_application_permissions() {
        let p = Proof {
            token_roles: vec!["Mail.Send".into(), "User.Read.All".into()],
            expected_roles: vec!["Mail.ReadWrite".into(), "Mail.Send".into()],
            findings: vec![],
        };
        assert_eq!(p.missing_roles(), ["Mail.ReadWrite"]);
        assert_eq!(p.extra_roles(), ["User.Read.All"]);
        assert!(!p.passed());
    }
}
