//! A signed-in app against one cloud: endpoints, HTTPS client, token source, and Graph calls
//! that only ever carry the token to that cloud's Graph host.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::auth::{Credential, SetupError, TokenSource, load_credential};
use super::batch::{self, BatchRequest};
use super::client::{RawResponse, send};
use super::cloud::{CloudEndpoints, CloudError};
use super::diagnosis::{Cause, Diagnosis, EndpointKind, diagnose, header};
use super::timeout::Silence;
use crate::profile::Profile;
use crate::secrets::SecretStore;

/// Why a session could not be set up from a profile (bad profile or secret store: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Cloud(#[from] CloudError),
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error("profile {profile} has no {what} yet")]
    Missing { profile: String, what: &'static str },
}

/// Everything needed to call Graph as the app.
pub struct Session {
    pub endpoints: Arc<CloudEndpoints>,
    pub tokens: TokenSource,
    http: reqwest::Client,
    timeout: Duration,
    /// Whether the Graph host answered in this session.
    silence: Silence,
}

impl Session {
    /// A session for explicit values (tests, the wizard before saving).
    pub fn new(
        endpoints: CloudEndpoints,
        tenant: &str,
        client_id: &str,
        credential: Credential,
        timeout: Duration,
    ) -> Result<Session, CloudError> {
        let endpoints = Arc::new(endpoints);
        let http = endpoints.http_client(timeout)?;
        let tokens = TokenSource::new(
            endpoints.clone(),
            http.clone(),
            tenant,
            client_id,
            credential,
            timeout,
        );
        Ok(Session {
            endpoints,
            tokens,
            http,
            timeout,
            silence: Silence::default(),
        })
    }

    /// A session for a saved profile, with its secret or key from `store`.
    pub fn from_profile(
        profile: &Profile,
        store: &dyn SecretStore,
        timeout: Duration,
    ) -> Result<Session, SessionError> {
        let missing = |what| SessionError::Missing {
            profile: profile.name.clone(),
            what,
        };
        let tenant = profile.tenant.as_deref().ok_or_else(|| missing("tenant"))?;
        let client_id = profile
            .client_id
            .as_deref()
            .ok_or_else(|| missing("client_id"))?;
        let endpoints = CloudEndpoints::from_profile(profile)?;
        let credential = load_credential(profile, store)?;
        Ok(Session::new(
            endpoints, tenant, client_id, credential, timeout,
        )?)
    }

    /// One Graph v1.0 call. A token that Graph says expired is renewed and the call repeated
    /// once.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<RawResponse, Diagnosis> {
        let url = self.endpoints.graph_url(path);
        if !self.endpoints.is_graph_url(&url) {
            return Err(Diagnosis::new(
                Cause::WrongCloud,
                "Refused to send the token outside its cloud's Graph host.",
                "Check the profile's cloud and endpoints.",
            ));
        }
        let mut renewed = false;
        loop {
            let token = self.tokens.token().await?;
            let mut req = self.http.request(method.clone(), &url);
            if let Some(auth) = crate::secrets::wipe::bearer_header(&token) {
                req = req.header(reqwest::header::AUTHORIZATION, auth);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(d) = self.silence.gave_up() {
                return Err(d);
            }
            let sent_at = std::time::Instant::now();
            let resp = send(req, self.timeout, self.endpoints.graph_host()).await;
            self.silence.record(sent_at, &resp);
            let resp = resp?;
            if resp.status == 401 && !renewed {
                let d = diagnose(EndpointKind::Graph, 401, &resp.headers, &resp.body);
                if d.cause == Cause::TokenExpired {
                    self.tokens.invalidate(&token).await;
                    renewed = true;
                    continue;
                }
            }
            return Ok(resp);
        }
    }

    /// A `$batch` of up to 20 requests; one result per request, in order. A failure of the
    /// batch itself becomes every request's result.
    pub async fn batch(&self, requests: &[BatchRequest]) -> Vec<Result<RawResponse, Diagnosis>> {
        let all = |r: Result<RawResponse, Diagnosis>| requests.iter().map(|_| r.clone()).collect();
        let body = batch::encode(requests);
        match self
            .call(reqwest::Method::POST, "/$batch", Some(&body))
            .await
        {
            Err(d) => all(Err(d)),
            Ok(resp) if resp.status != 200 => all(Ok(resp)),
            Ok(resp) => match batch::decode(&resp.body, requests.len()) {
                Some(items) => items
                    .into_iter()
                    .map(|item| Ok(inherit_ids(item, &resp.headers)))
                    .collect(),
                None => all(Err(diagnose(
                    EndpointKind::Graph,
                    resp.status,
                    &resp.headers,
                    b"not a batch response",
                ))),
            },
        }
    }
}

/// Inner responses often carry no `request-id`; the batch's own id is what support can trace.
fn inherit_ids(mut item: RawResponse, outer: &[(String, String)]) -> RawResponse {
    for name in ["request-id", "client-request-id", "date"] {
        if header(&item.headers, name).is_none()
            && let Some(v) = header(outer, name)
        {
            item.headers.push((name.to_string(), v.to_string()));
        }
    }
    item
}
