//! The credential lifecycle against the simulated tenant: `status --online` lists every
//! credential of the profile's app as Entra holds it (an expiring secret the profile does not
//! know among them) and says plainly when no admin sign-in is remembered; `credential rotate`
//! leaves both secrets working with the new one in use (a 180-day policy giving a 180-day
//! secret) and `retire-old` leaves the old one refused; a rotation whose new secret never
//! proves itself leaves the old one working and no new one behind. One sim, and one more whose
//! new secrets never replicate.
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
const SINCH_APP: &str = "e0000000-0000-4000-8000-0000000000e9";
const KNOWN_SECRET: &str = "5ec0e7ed-0000-4000-8000-000000000001";
/// The tenant, its admin and its one mailbox; then `extra`.
fn scenario(app_management: &str, extra: &str) -> String {
    format!(
        r#"
tenant_id = "{TENANT}"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"

[app_management]
{app_management}

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]

[[mailbox]]
address = "support@contoso.com"

{extra}
"#
    )
}

/// A Kundo app whose one secret is `value`.
fn app(client_id: &str, secret_id: &str, value: &str) -> String {
    format!(
        r#"
[[app]]
client_id = "{client_id}"
name = "Kundo {client_id}"
roles = ["Mail.Send", "Mail.ReadWrite"]
secrets = [{{ id = "{secret_id}", value = "{value}", expires = "2099-01-01" }}]
"#
    )
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let apps = [
            app(APP, KNOWN_SECRET, "known~value"),
            app(ROTATED, ROTATED_OLD_ID, ROTATED_OLD),
            app(APP3, ROTATED_OLD_ID, ROTATED_OLD),
            // A Sinch app consented as its profile asks: without the optional Mail.Send.
            app(SINCH_APP, ROTATED_OLD_ID, ROTATED_OLD)
                .replace("Kundo", "Sinch")
                .replace(
                    r#"["Mail.Send", "Mail.ReadWrite"]"#,
                    r#"["Mail.ReadWrite"]"#,
                ),
        ];
        common::spawn(scenario("max_secret_lifetime_days = 180", &apps.concat()))
    })
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

    // A profile whose app is gone is unread; one not applied yet (no client ID) is not.
    let mut gone = p.clone();
    gone.client_id = Some("e0000000-0000-4000-8000-00000000dead".into());
    let got_gone = read_profile_with(&gone, &endpoints(), &http, &store, today()).await;
    assert!(matches!(
        got_gone.reading,
        Reading::NoApp { client_id: Some(_) }
    ));
    assert!(got_gone.unread());
    let mut draft = p.clone();
    draft.client_id = None;
    draft.app_name = Some("Not created yet".into());
    let got_draft = read_profile_with(&draft, &endpoints(), &http, &store, today()).await;
    assert_eq!(got_draft.reading, Reading::NoApp { client_id: None });
    assert!(!got_draft.unread());

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

const ROTATED: &str = "e0000000-0000-4000-8000-0000000000e2";
const ROTATED_OLD_ID: &str = "5ec0e7ed-0000-4000-8000-000000000002";
const ROTATED_OLD: &str = "rotate~old~value";
const APP3: &str = "e0000000-0000-4000-8000-0000000000e3";

fn lagging() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    // New secrets are never accepted in time: the proof of a rotation fails.
    S.get_or_init(|| {
        let apps = app(ROTATED, ROTATED_OLD_ID, ROTATED_OLD);
        common::spawn(scenario("secret_lag_s = 3600", &apps))
    })
}

/// A Kundo profile for the rotated app on `sim`, its endpoints (and CA file) in the profile as
/// `check` needs them, reading support@contoso.com.
fn rotated_profile(sim: &Shared, dir: &std::path::Path) -> Profile {
    profile_for(sim, dir, ROTATED)
}

fn profile_for(sim: &Shared, dir: &std::path::Path, client_id: &str) -> Profile {
    use mailscope::profile::{Endpoints, Expectation, Mailbox, MailboxKind};
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &sim.ca_pem).unwrap();
    let mut p = profile();
    p.name = "rotated".into();
    p.client_id = Some(client_id.into());
    p.credential.as_mut().unwrap().secret_id = Some(ROTATED_OLD_ID.into());
    p.endpoints = Some(Endpoints {
        authority: sim.authority.clone(),
        graph: sim.graph.clone(),
        ca_file: Some(ca.display().to_string()),
        exchange: None,
    });
    p.mailboxes = vec![Mailbox {
        address: "support@contoso.com".into(),
        kind: MailboxKind::User,
        expect: Expectation::Granted,
    }];
    p
}

/// The admin signed in on `sim`, remembered in `store`; the old secret stored for `p`.
async fn prepared(sim: &Shared, p: &Profile, store: &MemoryStore) -> Secret {
    let eps = CloudEndpoints::from_profile(p).unwrap();
    let mut cfg = signin_config(p, &preset::preset(p.preset).unwrap(), &eps).unwrap();
    cfg.login_hint = Some("admin@contoso.com".into());
    let signed = common::browser(sim, &cfg).await.0.unwrap();
    let rt = signed.refresh_token.clone().unwrap();
    remember::store(store, &cfg.remember_key(), "admin@contoso.com", &rt).unwrap();
    mailscope::secrets::store_client_secret(store, p, &Secret::new(ROTATED_OLD)).unwrap();
    signed.access_token
}

/// The token endpoint's status and error codes for a client secret.
async fn token_with(sim: &Shared, secret: &str) -> (u16, Value) {
    token_for(sim, ROTATED, secret).await
}

async fn token_for(sim: &Shared, client_id: &str, secret: &str) -> (u16, Value) {
    common::secret_token(sim, TENANT, client_id, secret).await
}

async fn app_secrets(sim: &Shared, token: &Secret) -> Vec<Value> {
    secrets_of(sim, token, ROTATED).await
}

async fn secrets_of(sim: &Shared, token: &Secret, client_id: &str) -> Vec<Value> {
    let r = common::http(sim)
        .get(format!(
            "{}/v1.0/applications(appId='{client_id}')",
            sim.graph
        ))
        .bearer_auth(token.expose())
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    v["passwordCredentials"].as_array().unwrap().clone()
}

fn stored(store: &MemoryStore, slot: mailscope::secrets::SecretSlot) -> Option<String> {
    use mailscope::secrets::SecretStore;
    store
        .get("rotated", slot)
        .unwrap()
        .map(|b| String::from_utf8(b.expose().to_vec()).unwrap())
}

fn actions(profiles: &mailscope::profile::ProfileStore) -> Vec<(String, String)> {
    mailscope::changes::read(profiles, "rotated")
        .unwrap()
        .into_iter()
        .map(|r| (r.action, format!("{:?}", r.phase).to_lowercase()))
        .collect()
}

#[tokio::test]
async fn rotate_keeps_both_secrets_working_then_retire_old_refuses_the_old_one() {
    use mailscope::lifecycle::{Ctx, LifecycleError, Rotation, retire_old, rotate};
    use mailscope::secrets::SecretSlot;
    let dir = tempfile::tempdir().unwrap();
    let profiles = mailscope::profile::ProfileStore::at(dir.path());
    let mut p = rotated_profile(shared(), dir.path());
    let store = std::sync::Arc::new(MemoryStore::new());
    let admin = prepared(shared(), &p, &store).await;
    profiles.save(&p).unwrap();
    let preset = preset::preset(p.preset).unwrap();
    let eps = CloudEndpoints::from_profile(&p).unwrap();
    let http = eps.http_client(std::time::Duration::from_secs(10)).unwrap();
    let ctx = Ctx {
        profiles: &profiles,
        secrets: store.as_ref(),
        endpoints: &eps,
        http: &http,
        retry: mailscope::entra::retry::RetryPolicy::fast(),
    };
    let mut lines = Vec::new();
    let r = rotate(&ctx, &mut p, &preset, &mut |e| lines.push(format!("{e:?}")))
        .await
        .unwrap();
    let Rotation::Rotated {
        new_key_id,
        expires,
        lifetime_days,
        capped_by_policy,
        old_key_id,
        old_value_kept,
        proof,
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!((lifetime_days, capped_by_policy), (180, true));
    assert_eq!(expires, today() + time::Duration::days(180));
    assert_eq!(old_key_id.as_deref(), Some(ROTATED_OLD_ID));
    assert!(old_value_kept);
    assert_eq!(proof.mailbox.as_deref(), Some("support@contoso.com"));
    assert!(proof.roles.contains(&"Mail.ReadWrite".to_string()));

    // Entra holds both; the new one lives 180 days (the tenant's policy caps the preset's 24
    // months).
    let secrets = app_secrets(shared(), &admin).await;
    assert_eq!(secrets.len(), 2, "{secrets:?}");
    let new = secrets.iter().find(|s| s["keyId"] == new_key_id).unwrap();
    let at = |k: &str| {
        time::OffsetDateTime::parse(
            new[k].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!((at("endDateTime") - at("startDateTime")).whole_days(), 180);

    // Both secrets sign in; the keyring holds the new one for the profile and the old one as
    // the previous; the profile records both Secret IDs.
    let new_value = stored(&store, SecretSlot::ClientSecret).unwrap();
    assert_ne!(new_value, ROTATED_OLD);
    assert_eq!(
        stored(&store, SecretSlot::PreviousClientSecret).as_deref(),
        Some(ROTATED_OLD)
    );
    assert_eq!(token_with(shared(), ROTATED_OLD).await.0, 200);
    assert_eq!(token_with(shared(), &new_value).await.0, 200);
    let saved = profiles.load("rotated").unwrap();
    let c = saved.credential.as_ref().unwrap();
    assert_eq!(c.secret_id.as_deref(), Some(new_key_id.as_str()));
    assert_eq!(c.previous_secret_id.as_deref(), Some(ROTATED_OLD_ID));
    assert_eq!(c.expires, Some(expires));
    assert_eq!(
        actions(&profiles),
        [
            ("add-secret".to_string(), "started".to_string()),
            ("add-secret".to_string(), "done".to_string())
        ]
    );
    let path = profiles
        .companion_path("rotated", mailscope::profile::Companion::Changes)
        .unwrap();
    let record = std::fs::read_to_string(path).unwrap();
    assert!(record.contains(&new_key_id), "{record}");
    let all = format!("{record}{lines:?}{saved:?}");
    assert!(
        !all.contains(&new_value) && !all.contains(ROTATED_OLD),
        "no secret in the record, the progress or the profile"
    );

    // `check` passes with the new secret.
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let run = mailscope::graph::run_profile(
        &saved,
        &preset,
        store.clone(),
        &mailscope::graph::RunSpec::default(),
        tx,
        mailscope::graph::Cancel::new(),
    )
    .await
    .unwrap();
    assert_eq!(run.outcome(), mailscope::graph::Outcome::AllPass, "{run:?}");

    // A second rotation waits for retire-old.
    let again = rotate(&ctx, &mut p, &preset, &mut |_| {}).await;
    assert!(
        matches!(again, Err(LifecycleError::PreviousPending { .. })),
        "{again:?}"
    );

    // retire-old: the old secret is gone from Entra and refused; the new one works.
    let gone = retire_old(&ctx, &mut p, &preset, &mut |_| {})
        .await
        .unwrap();
    assert!(gone.removed_from_entra && gone.value_deleted, "{gone:?}");
    assert_eq!(gone.key_id, ROTATED_OLD_ID);
    let (st, b) = token_with(shared(), ROTATED_OLD).await;
    assert_eq!(st, 401);
    assert!(
        b["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215"),
        "{b}"
    );
    assert_eq!(token_with(shared(), &new_value).await.0, 200);
    assert_eq!(app_secrets(shared(), &admin).await.len(), 1);
    assert_eq!(stored(&store, SecretSlot::PreviousClientSecret), None);
    let saved = profiles.load("rotated").unwrap();
    assert_eq!(saved.credential.unwrap().previous_secret_id, None);
    assert_eq!(actions(&profiles).len(), 4);
    assert_eq!(actions(&profiles)[3].0, "remove-secret");
    let nothing = retire_old(&ctx, &mut p, &preset, &mut |_| {}).await;
    assert!(
        matches!(nothing, Err(LifecycleError::NothingToRetire { .. })),
        "{nothing:?}"
    );
}

#[tokio::test]
async fn a_rotation_whose_proof_fails_leaves_the_old_secret_working_and_no_new_one() {
    use mailscope::lifecycle::{Ctx, Progress, Rotation, rotate};
    use mailscope::secrets::SecretSlot;
    let sim = lagging();
    let dir = tempfile::tempdir().unwrap();
    let profiles = mailscope::profile::ProfileStore::at(dir.path());
    let mut p = rotated_profile(sim, dir.path());
    let store = MemoryStore::new();
    let admin = prepared(sim, &p, &store).await;
    profiles.save(&p).unwrap();
    let before = p.clone();
    let preset = preset::preset(p.preset).unwrap();
    let eps = CloudEndpoints::from_profile(&p).unwrap();
    let http = eps.http_client(std::time::Duration::from_secs(10)).unwrap();
    let ms = std::time::Duration::from_millis;
    let ctx = Ctx {
        profiles: &profiles,
        secrets: &store,
        endpoints: &eps,
        http: &http,
        retry: mailscope::entra::retry::RetryPolicy {
            waits: vec![ms(5), ms(5)],
        },
    };
    let mut waits = 0;
    let r = rotate(&ctx, &mut p, &preset, &mut |e| {
        if matches!(e, Progress::Waiting(_)) {
            waits += 1;
        }
    })
    .await
    .unwrap();
    let Rotation::ProofFailed {
        reason, removed, ..
    } = &r
    else {
        panic!("{r:?}")
    };
    assert!(*removed, "{r:?}");
    assert!(reason.contains("no token with the new secret"), "{reason}");
    assert_eq!(waits, 2, "the new secret was awaited as the policy says");
    let secrets = app_secrets(sim, &admin).await;
    assert_eq!(secrets.len(), 1, "no new secret behind: {secrets:?}");
    assert_eq!(secrets[0]["keyId"], ROTATED_OLD_ID);
    assert_eq!(token_with(sim, ROTATED_OLD).await.0, 200);
    assert_eq!(
        stored(&store, SecretSlot::ClientSecret).as_deref(),
        Some(ROTATED_OLD)
    );
    assert_eq!(stored(&store, SecretSlot::PreviousClientSecret), None);
    assert_eq!(p, before);
    assert_eq!(profiles.load("rotated").unwrap(), before);
    let phases: Vec<_> = actions(&profiles);
    assert_eq!(
        phases,
        [
            ("add-secret".to_string(), "started".to_string()),
            ("add-secret".to_string(), "done".to_string()),
            ("remove-secret".to_string(), "started".to_string()),
            ("remove-secret".to_string(), "done".to_string()),
        ]
    );
}

/// A keyring that refuses to keep a previous secret.
struct RefusesPrevious(MemoryStore);

impl mailscope::secrets::SecretStore for RefusesPrevious {
    fn backend(&self) -> String {
        self.0.backend()
    }
    fn set(
        &self,
        profile: &str,
        slot: mailscope::secrets::SecretSlot,
        value: &[u8],
    ) -> Result<(), mailscope::secrets::SecretError> {
        if slot == mailscope::secrets::SecretSlot::PreviousClientSecret {
            return Err(mailscope::secrets::SecretError::Rejected {
                backend: "test keyring".into(),
                detail: "full".into(),
            });
        }
        self.0.set(profile, slot, value)
    }
    fn get(
        &self,
        profile: &str,
        slot: mailscope::secrets::SecretSlot,
    ) -> Result<Option<mailscope::secrets::SecretBytes>, mailscope::secrets::SecretError> {
        self.0.get(profile, slot)
    }
    fn delete(
        &self,
        profile: &str,
        slot: mailscope::secrets::SecretSlot,
    ) -> Result<bool, mailscope::secrets::SecretError> {
        self.0.delete(profile, slot)
    }
}

#[tokio::test]
async fn a_rotation_the_keyring_cannot_keep_takes_the_new_secret_out_again() {
    use mailscope::lifecycle::{Ctx, LifecycleError, rotate};
    let dir = tempfile::tempdir().unwrap();
    let profiles = mailscope::profile::ProfileStore::at(dir.path());
    let mut p = profile_for(shared(), dir.path(), APP3);
    let store = RefusesPrevious(MemoryStore::new());
    let admin = prepared(shared(), &p, &store.0).await;
    profiles.save(&p).unwrap();
    let before = p.clone();
    let preset = preset::preset(p.preset).unwrap();
    let eps = CloudEndpoints::from_profile(&p).unwrap();
    let http = eps.http_client(std::time::Duration::from_secs(10)).unwrap();
    let ctx = Ctx {
        profiles: &profiles,
        secrets: &store,
        endpoints: &eps,
        http: &http,
        retry: mailscope::entra::retry::RetryPolicy::fast(),
    };
    let r = rotate(&ctx, &mut p, &preset, &mut |_| {}).await;
    assert!(matches!(r, Err(LifecycleError::Keyring(_))), "{r:?}");
    let secrets = secrets_of(shared(), &admin, APP3).await;
    assert_eq!(
        secrets.len(),
        1,
        "the new secret is gone again: {secrets:?}"
    );
    assert_eq!(token_for(shared(), APP3, ROTATED_OLD).await.0, 200);
    assert_eq!(profiles.load("rotated").unwrap(), before);
}

#[tokio::test]
async fn rotation_expects_only_the_permissions_the_profile_chose() {
    use mailscope::lifecycle::{Ctx, Rotation, rotate};
    let dir = tempfile::tempdir().unwrap();
    let profiles = mailscope::profile::ProfileStore::at(dir.path());
    let mut p = profile_for(shared(), dir.path(), SINCH_APP);
    p.name = "sinch".into();
    p.preset = PresetId::Sinch;
    assert!(p.optional_permissions.is_empty(), "Mail.Send not chosen");
    let store = std::sync::Arc::new(MemoryStore::new());
    prepared(shared(), &p, &store).await;
    profiles.save(&p).unwrap();
    let preset = preset::preset(p.preset).unwrap();
    let eps = CloudEndpoints::from_profile(&p).unwrap();
    let http = eps.http_client(std::time::Duration::from_secs(10)).unwrap();
    let ctx = Ctx {
        profiles: &profiles,
        secrets: store.as_ref(),
        endpoints: &eps,
        http: &http,
        retry: mailscope::entra::retry::RetryPolicy::fast(),
    };
    let r = rotate(&ctx, &mut p, &preset, &mut |_| {}).await.unwrap();
    let Rotation::Rotated { proof, .. } = r else {
        panic!("the optional Mail.Send, not chosen, failed the proof: {r:?}")
    };
    assert_eq!(proof.roles, ["Mail.ReadWrite"]);
}
