//! An admin signed in to a simulated tenant for the `entra` tests: the sign-in remembered as
//! `mailscope signin` leaves it (so `entra` resumes it), the tenant read, judged and planned
//! for a profile, and Graph called with the admin's delegated token. Used with
//! `common/admin_sim.rs` mounted as `common`.
#![allow(dead_code, clippy::unwrap_used)] // test support: a panic is the failure report

use mailscope::entra::findings::causes;
use mailscope::entra::{Cause, Plan, TenantView, inspect, plan, read_for_profile, signin_config};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::{self, Preset};
use mailscope::profile::Profile;
use mailscope::secrets::{MemoryStore, Secret};
use mailscope::signin::{Account, SigninConfig, remember};
use reqwest::Method;
use serde_json::Value;

use super::common::{self, Shared};

/// The admin's session: a remembered sign-in and the access token for driving Graph.
pub struct Admin {
    pub sim: &'static Shared,
    pub cfg: SigninConfig,
    pub store: MemoryStore,
    pub token: Secret,
    pub refresh: Secret,
    pub account: Account,
}

pub fn preset_of(p: &Profile) -> Preset {
    preset::preset(p.preset).unwrap()
}

pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The sim's endpoints, trusting its CA.
pub fn endpoints(sim: &Shared) -> CloudEndpoints {
    CloudEndpoints::custom(
        &sim.authority,
        &sim.graph,
        Some(sim.ca_pem.clone().into_bytes()),
    )
    .unwrap()
}

/// `upn` signed in through the loopback for `p`'s tenant, its refresh token remembered.
pub async fn admin(sim: &'static Shared, upn: &str, p: &Profile) -> Admin {
    let cfg = signin_config(p, &preset_of(p), &endpoints(sim)).unwrap();
    let store = MemoryStore::new();
    let mut hinted = cfg.clone();
    hinted.login_hint = Some(upn.into());
    let signed = common::browser(sim, &hinted).await.0.unwrap();
    let rt = signed.refresh_token.clone().unwrap();
    remember::store(&store, &hinted.remember_key(), upn, &rt).unwrap();
    Admin {
        sim,
        cfg,
        store,
        token: signed.access_token.clone(),
        refresh: rt,
        account: signed.account.clone(),
    }
}

impl Admin {
    pub async fn view(&self, p: &Profile) -> TenantView {
        read_for_profile(
            &self.cfg,
            p,
            &preset_of(p),
            &common::http(self.sim),
            &self.store,
        )
        .await
        .unwrap()
    }

    pub async fn causes(&self, p: &Profile) -> Vec<Cause> {
        let v = self.view(p).await;
        causes(&inspect(&v, p, &preset_of(p), now()))
    }

    pub async fn plan(&self, p: &Profile) -> Plan {
        let v = self.view(p).await;
        plan(&v, p, &preset_of(p), &self.sim.authority, now())
    }

    /// A Graph call with the admin's token; asserts success, returns the body.
    pub async fn call(&self, m: Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/v1.0{path}", self.sim.graph);
        let mut req = common::http(self.sim)
            .request(m.clone(), url)
            .bearer_auth(self.token.expose());
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert!((200..300).contains(&status), "{m} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Microsoft Graph's service principal object id in the tenant.
    pub async fn graph_sp(&self) -> String {
        let sp = self
            .call(
                Method::GET,
                "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
                None,
            )
            .await;
        sp["id"].as_str().unwrap().to_string()
    }
}
