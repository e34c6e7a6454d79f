//! The credential lifecycle against the simulated tenant: `status --online` lists every
//! credential of the profile's app as Entra holds it (an expiring secret the profile does not
//! know among them) and says plainly when no admin sign-in is remembered. One sim.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;

use std::sync::OnceLock;

use common::Shared;
use mailscope::entra::signin_config;
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::lifecycle::online::{Reading, read_profile_with};
use mailscope::lifecycle::{CredKind, Known};
use mailscope::preset;
use mailscope::profile::{Cloud, CredentialInfo, CredentialKind, PresetId, Profile};
use mailscope::secrets::{MemoryStore, Secret};
use mailscope::signin::remember;
use serde_json::{Value, json};

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const APP: &str = "e0000000-0000-4000-8000-0000000000e1";
const KNOWN_SECRET: &str = "5ec0e7ed-0000-4000-8000-000000000001";
const SCENARIO: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"

[app_management]
max_secret_lifetime_days = 180

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]

[[app]]
client_id = "e0000000-0000-4000-8000-0000000000e1"
name = "Kundo Mail"
roles = ["Mail.Send", "Mail.ReadWrite"]
secrets = [{ id = "5ec0e7ed-0000-4000-8000-000000000001", value = "known~value", expires = "2099-01-01" }]
"#;

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| common::spawn(SCENARIO.to_string()))
}

fn endpoints() -> CloudEndpoints {
    let s = shared();
    CloudEndpoints::custom(&s.authority, &s.graph, Some(s.ca_pem.clone().into_bytes())).unwrap()
}

fn profile() -> Profile {
    let mut p = Profile::new("kundo", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.client_id = Some(APP.into());
    let mut c = CredentialInfo::new(CredentialKind::Secret);
    c.secret_id = Some(KNOWN_SECRET.into());
    p.credential = Some(c);
    p
}

/// The admin signed in through the loopback, remembered in a fresh store; and the token.
async fn signed_in(p: &Profile) -> (MemoryStore, Secret) {
    let mut cfg = signin_config(p, &preset::preset(p.preset).unwrap(), &endpoints()).unwrap();
    cfg.login_hint = Some("admin@contoso.com".into());
    let signed = common::browser(shared(), &cfg).await.0.unwrap();
    let store = MemoryStore::new();
    let rt = signed.refresh_token.clone().unwrap();
    remember::store(&store, &cfg.remember_key(), "admin@contoso.com", &rt).unwrap();
    (store, signed.access_token)
}

async fn graph(token: &Secret, path: &str, body: Value) -> Value {
    let url = format!("{}/v1.0{path}", shared().graph);
    let r = common::http(shared())
        .post(url)
        .bearer_auth(token.expose())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[tokio::test]
async fn status_online_lists_an_expiring_secret_the_profile_does_not_know() {
    let p = profile();
    let (store, token) = signed_in(&p).await;
    let app = format!("/applications(appId='{APP}')");
    let end = time::OffsetDateTime::now_utc() + time::Duration::days(10);
    let end = end
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let added = graph(
        &token,
        &format!("{app}/addPassword"),
        json!({"passwordCredential": {"displayName": "someone else's", "endDateTime": end}}),
    )
    .await;
    let http = common::http(shared());
    let got = read_profile_with(&p, &endpoints(), &http, &store, today()).await;
    let Reading::Read {
        app_id,
        credentials,
        ..
    } = &got.reading
    else {
        panic!("{:?}", got.reading);
    };
    assert_eq!(app_id, APP);
    let unknown = credentials
        .iter()
        .find(|c| c.key_id == added["keyId"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        (unknown.kind, unknown.known),
        (CredKind::Secret, Known::Unknown)
    );
    // Ten days from now (nine when the day turns during the test).
    assert!(
        matches!(unknown.expiry.days_left, Some(9 | 10)),
        "{unknown:?}"
    );
    assert_eq!(unknown.display_name.as_deref(), Some("someone else's"));
    let known = credentials
        .iter()
        .find(|c| c.key_id == KNOWN_SECRET)
        .unwrap();
    assert_eq!(known.known, Known::InUse);
    assert!(got.needs_attention(30));
    assert!(!got.needs_attention(8));
    let printed = format!("{got:?}");
    assert!(!printed.contains("known~value") && !printed.contains(token.expose()));

    // The same profile without a remembered sign-in: said plainly, with the command.
    let got = read_profile_with(&p, &endpoints(), &http, &MemoryStore::new(), today()).await;
    assert!(got.not_signed_in(), "{:?}", got.reading);
    assert!(got.unread() && !got.needs_attention(30));
    let Reading::Failed(e) = &got.reading else {
        unreachable!()
    };
    assert!(
        e.fix().contains("mailscope signin --profile kundo"),
        "{}",
        e.fix()
    );
}
