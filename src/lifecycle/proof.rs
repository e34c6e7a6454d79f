//! Proving a client secret before anyone relies on it: a token for it (waiting while Entra
//! replicates the new secret) that carries the preset's application permissions, then one
//! mailbox the profile expects the app to reach, read (the check's `read` cell).

use std::fmt;
use std::time::Duration;

use super::session::Progress;
use crate::entra::retry::{RetryPolicy, with_retry};
use crate::graph::auth::{Credential, compare};
use crate::graph::cloud::CloudEndpoints;
use crate::graph::diagnosis::{Cause, Diagnosis, EndpointKind, diagnose};
use crate::graph::ops::path_segment;
use crate::graph::plan::{Capability, CheckPlan};
use crate::graph::session::Session;
use crate::preset::Preset;
use crate::profile::{Expectation, Profile, ScopeMechanism};
use crate::secrets::Secret;

/// What the proof established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The application permissions the token carried.
    pub roles: Vec<String>,
    /// The mailbox read with it, when the profile names one the app must reach and the preset
    /// reads mail.
    pub mailbox: Option<String>,
}

/// A refusal of the token endpoint, for the retry loop.
struct Refused(Diagnosis);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.summary)
    }
}

/// The mailbox to read: the first the app must reach whose cell includes `read`.
fn mailbox_to_read(profile: &Profile, preset: &Preset) -> Option<String> {
    CheckPlan::new(profile, preset, None)
        .mailboxes
        .into_iter()
        .find(|m| m.expect == Expectation::Granted && m.capabilities.contains(&Capability::Read))
        .map(|m| m.address)
}

/// Proves `value` for the profile's app. `Err` says, in words, why it is not proven.
pub async fn prove_secret(
    endpoints: &CloudEndpoints,
    profile: &Profile,
    preset: &Preset,
    value: &Secret,
    retry: &RetryPolicy,
    on: &mut dyn FnMut(Progress),
) -> Result<Proof, String> {
    let (Some(tenant), Some(client_id)) = (profile.tenant.as_deref(), profile.client_id.as_deref())
    else {
        return Err("the profile names no tenant or client ID".into());
    };
    let session = Session::new(
        endpoints.clone(),
        tenant,
        client_id,
        Credential::Secret(value.clone()),
        Duration::from_secs(30),
    )
    .map_err(|e| e.to_string())?;
    on(Progress::Doing(
        "Signing in as the app with the new secret".into(),
    ));
    let token = with_retry(
        retry,
        "Entra to accept the new secret",
        |e: &Refused| {
            (e.0.cause == Cause::SecretInvalid || e.0.cause.is_transient())
                .then_some(e.0.retry_after_s)
        },
        &mut |w| on(Progress::Waiting(w)),
        || async { session.tokens.token_with_claims().await.map_err(Refused) },
    )
    .await
    .map_err(|e| format!("no token with the new secret: {}", e.0.summary))?;
    let mechanism = profile.scope.as_ref().map(|s| s.mechanism);
    // The permissions the profile asks for: an optional one it did not choose is not expected.
    let consent = compare(
        &token.claims,
        &preset.narrowed(&profile.optional_permissions),
        mechanism,
    );
    if !consent.missing.is_empty() && mechanism != Some(ScopeMechanism::Rbac) {
        return Err(format!(
            "the new secret's token lacks {}",
            consent.missing.join(", ")
        ));
    }
    let mailbox = mailbox_to_read(profile, preset);
    if let Some(m) = &mailbox {
        on(Progress::Doing(format!("Reading one message of {m}")));
        let path = format!("/users/{}/messages?$top=1&$select=id", path_segment(m));
        let resp = session
            .call(reqwest::Method::GET, &path, None)
            .await
            .map_err(|d| format!("reading {m} failed: {}", d.summary))?;
        if resp.status != 200 {
            let d = diagnose(EndpointKind::Graph, resp.status, &resp.headers, &resp.body);
            return Err(format!("reading {m} failed: {}", d.summary));
        }
    }
    Ok(Proof {
        roles: token.claims.roles.unwrap_or_default(),
        mailbox,
    })
}
