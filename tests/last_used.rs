//! `credential retire-old` says when the old credential was last used, from the simulated
//! tenant's application credential sign-in activity report: after a token with it, that time;
//! with none, "not used" and since when; for an admin without a reader role, why not. One sim.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;

use std::sync::OnceLock;

use common::Shared;
use mailscope::entra::retry::RetryPolicy;
use mailscope::entra::signin_config;
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::lifecycle::Ctx;
use mailscope::lifecycle::last_used::{LastUse, last_use};
use mailscope::preset;
use mailscope::profile::{Cloud, CredentialInfo, CredentialKind, PresetId, Profile};
use mailscope::secrets::MemoryStore;
use mailscope::signin::remember;

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const USED_APP: &str = "e0000000-0000-4000-8000-0000000000a1";
const UNUSED_APP: &str = "e0000000-0000-4000-8000-0000000000a2";
const OLD_ID: &str = "01d0e7ed-0000-4000-8000-000000000001";
const OLD: &str = "old~secret~value";

fn app(client_id: &str) -> String {
    format!(
        r#"
[[app]]
client_id = "{client_id}"
name = "Kundo {client_id}"
roles = ["Mail.Send", "Mail.ReadWrite"]
secrets = [{{ id = "{OLD_ID}", value = "{OLD}", expires = "2099-01-01" }}]
"#
    )
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        common::spawn(format!(
            r#"
tenant_id = "{TENANT}"
tenant_name = "Contoso"
domains = ["contoso.com"]

[[admin]]
upn = "global@contoso.com"
roles = ["Global Administrator"]

[[admin]]
upn = "apps@contoso.com"
roles = ["Application Administrator"]

[[mailbox]]
address = "support@contoso.com"
{}{}"#,
            app(USED_APP),
            app(UNUSED_APP)
        ))
    })
}

fn profile(client_id: &str) -> Profile {
    let mut p = Profile::new("kundo", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.client_id = Some(client_id.into());
    let mut c = CredentialInfo::new(CredentialKind::Secret);
    c.secret_id = Some("5ec0e7ed-0000-4000-8000-0000000000ff".into());
    c.previous_secret_id = Some(OLD_ID.into());
    p.credential = Some(c);
    p
}

/// What `last_use` says about the old secret of `client_id`, `admin` signed in.
async fn last_use_as(admin: &str, client_id: &str) -> LastUse {
    let s = shared();
    let eps = CloudEndpoints::custom(&s.authority, &s.graph, Some(s.ca_pem.clone().into_bytes()))
        .unwrap();
    let p = profile(client_id);
    let preset = preset::preset(p.preset).unwrap();
    let mut cfg = signin_config(&p, &preset, &eps).unwrap();
    cfg.login_hint = Some(admin.into());
    let signed = common::browser(s, &cfg).await.0.unwrap();
    let store = MemoryStore::new();
    let rt = signed.refresh_token.clone().unwrap();
    remember::store(&store, &cfg.remember_key(), admin, &rt).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let profiles = mailscope::profile::ProfileStore::at(dir.path());
    let http = common::http(s);
    let ctx = Ctx {
        profiles: &profiles,
        secrets: &store,
        endpoints: &eps,
        http: &http,
        retry: RetryPolicy::from_env(),
    };
    last_use(&ctx, &p, &preset, OLD_ID).await
}

#[tokio::test]
async fn the_old_secret_s_last_token_its_absence_or_why_it_cannot_be_read() {
    let s = shared();
    let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    let (status, answer) = common::secret_token(s, TENANT, USED_APP, OLD).await;
    assert_eq!(status, 200, "{answer}");
    let after = time::OffsetDateTime::now_utc() + time::Duration::seconds(1);

    let used = last_use_as("global@contoso.com", USED_APP).await;
    match used {
        LastUse::Used(t) => assert!(before <= t && t <= after, "{t}"),
        other => panic!("{other:?}"),
    }
    assert!(used.recent(after));

    // The same secret ID in another app that never got a token: not used, since its start.
    let unused = last_use_as("global@contoso.com", UNUSED_APP).await;
    assert!(matches!(unused, LastUse::NotUsed(Some(_))), "{unused:?}");

    // An Application Administrator may not read the report: the reason, naming the roles.
    let denied = last_use_as("apps@contoso.com", USED_APP).await;
    match denied {
        LastUse::Unavailable(why) => {
            assert!(why.contains("Reports Reader"), "{why}");
            assert!(why.contains("AuditLog.Read.All"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}
