//! The certificate lifecycle and offboarding against the simulated tenant, on apps `entra
//! apply` made from an empty tenant: `credential rotate` on a certificate profile adds a new
//! certificate with `addKey` (proof of possession by the current one), both sign in and
//! `check` passes with the new one; `retire-old` removes the old one with `removeKey` and it is
//! refused (AADSTS700027); a new certificate whose proof fails is removed again.
//! `credential switch --to certificate` ends with a certificate-only app whose checks pass
//! (refused for a vendor that takes only secrets; a failed proof keeps the secret profile).
//! `offboard` leaves the tenant as it was before apply. No private key or secret in any file,
//! record or progress line. One sim, and one more of its own for the whole-tenant comparison.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;

use std::sync::{Arc, OnceLock};

use common::Shared;
use mailscope::entra::retry::RetryPolicy;
use mailscope::entra::{ApplyContext, apply, plan, read_with, signin_config};
use mailscope::graph::auth::{CertificateCredential, Credential};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::graph::diagnosis::Cause;
use mailscope::lifecycle::Ctx;
use mailscope::preset::{self, Preset};
use mailscope::profile::{
    Cloud, Endpoints, Expectation, Mailbox, MailboxKind, PresetId, Profile, ProfileStore,
};
use mailscope::secrets::{MemoryStore, SecretBytes, SecretSlot, SecretStore};
use mailscope::signin::{SignedIn, remember};

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const SCENARIO: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]

[[mailbox]]
address = "support@contoso.com"
display_name = "Support"

[[mailbox]]
address = "sales@contoso.com"
display_name = "Sales"
"#;

struct Sim {
    s: Shared,
    _dir: tempfile::TempDir,
    ca_file: String,
}

fn sim_of() -> Sim {
    let s = common::spawn(SCENARIO.to_string());
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &s.ca_pem).unwrap();
    Sim {
        s,
        ca_file: ca.display().to_string(),
        _dir: dir,
    }
}

fn sim() -> &'static Sim {
    static S: OnceLock<Sim> = OnceLock::new();
    S.get_or_init(sim_of)
}

/// A tenant of its own, so a read of the whole tenant sees no other test's apps.
fn own_sim() -> &'static Sim {
    static S: OnceLock<Sim> = OnceLock::new();
    S.get_or_init(sim_of)
}

/// One profile in its own home, the admin signed in and remembered in its keyring.
pub struct Case {
    sim: &'static Sim,
    pub store: ProfileStore,
    pub home: tempfile::TempDir,
    pub secrets: Arc<MemoryStore>,
    pub preset: Preset,
    pub endpoints: CloudEndpoints,
    pub http: reqwest::Client,
    pub signed: SignedIn,
}

const NAME: &str = "p";

async fn case(preset_id: PresetId, app: &str) -> Case {
    case_on(sim(), preset_id, app).await
}

async fn case_on(sim: &'static Sim, preset_id: PresetId, app: &str) -> Case {
    let home = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(home.path());
    let mut p = Profile::new(NAME, preset_id, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.app_name = Some(app.into());
    p.endpoints = Some(Endpoints {
        authority: sim.s.authority.clone(),
        graph: sim.s.graph.clone(),
        ca_file: Some(sim.ca_file.clone()),
        exchange: None,
    });
    p.mailboxes.push(Mailbox {
        address: "support@contoso.com".into(),
        kind: MailboxKind::User,
        expect: Expectation::Granted,
    });
    store.save(&p).unwrap();
    let preset = preset::preset(preset_id).unwrap();
    let endpoints = CloudEndpoints::from_profile(&p).unwrap();
    let mut cfg = signin_config(&p, &preset, &endpoints).unwrap();
    cfg.login_hint = Some("admin@contoso.com".into());
    let signed = common::browser(&sim.s, &cfg).await.0.unwrap();
    let secrets = Arc::new(MemoryStore::new());
    let rt = signed.refresh_token.clone().unwrap();
    remember::store(&*secrets, &cfg.remember_key(), "admin@contoso.com", &rt).unwrap();
    Case {
        sim,
        store,
        home,
        secrets,
        preset,
        endpoints,
        http: common::http(&sim.s),
        signed,
    }
}

impl Case {
    fn profile(&self) -> Profile {
        self.store.load(NAME).unwrap()
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            profiles: &self.store,
            secrets: &*self.secrets,
            endpoints: &self.endpoints,
            http: &self.http,
            retry: RetryPolicy::fast(),
        }
    }

    /// The tenant as the admin reads it for this profile.
    async fn view(&self) -> mailscope::entra::TenantView {
        read_with(
            &self.endpoints,
            &self.http,
            &self.signed,
            &self.profile(),
            &self.preset,
        )
        .await
        .unwrap()
    }

    /// `entra apply` of the whole plan.
    async fn apply(&self) {
        let v = self.view().await;
        let pl = plan(
            &v,
            &self.profile(),
            &self.preset,
            &self.sim.s.authority,
            time::OffsetDateTime::now_utc(),
        );
        let ctx = ApplyContext {
            endpoints: &self.endpoints,
            http: &self.http,
            token: &self.signed.access_token,
            account: &self.signed.account,
            store: &self.store,
            secrets: &*self.secrets,
            retry: RetryPolicy::fast(),
        };
        apply(&ctx, &pl, &v, &self.profile(), &self.preset, &mut |_| {})
            .await
            .unwrap();
    }

    /// `check` with the profile as saved; whether all passed.
    async fn check_passes(&self) -> bool {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut spec = mailscope::graph::RunSpec::default();
        spec.options.send_to = Some("sales@contoso.com".into());
        let run = mailscope::graph::run_profile(
            &self.profile(),
            &self.preset,
            self.secrets.clone(),
            &spec,
            tx,
            mailscope::graph::Cancel::new(),
        )
        .await
        .unwrap();
        run.outcome() == mailscope::graph::Outcome::AllPass
    }

    /// The profile's current certificate (DER) and private key.
    fn current_cert(&self) -> (Vec<u8>, SecretBytes) {
        let p = self.profile();
        let path = p.credential.unwrap().cert_file.unwrap();
        let der = mailscope::credential::read_certificate_file(std::path::Path::new(&path))
            .unwrap()
            .der;
        let key = self
            .secrets
            .get(NAME, SecretSlot::PrivateKey)
            .unwrap()
            .unwrap();
        (der, key)
    }

    /// A token for the profile's app signed with this certificate: Ok, or the cause.
    async fn token_with(&self, cert: &(Vec<u8>, SecretBytes)) -> Result<(), Cause> {
        let cred = CertificateCredential::from_parts(&cert.0, cert.1.clone()).unwrap();
        token(self, Credential::Certificate(cred)).await
    }

    fn actions(&self) -> Vec<(String, String)> {
        mailscope::changes::read(&self.store, NAME)
            .unwrap()
            .into_iter()
            .map(|r| (r.action, format!("{:?}", r.phase).to_lowercase()))
            .collect()
    }

    /// Every file in the profile's home, as text.
    fn files(&self) -> String {
        let mut all = String::new();
        for e in std::fs::read_dir(self.home.path()).unwrap() {
            let bytes = std::fs::read(e.unwrap().path()).unwrap_or_default();
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
        all
    }
}

/// No private key in `text`: no PEM key block, no base64 of the key's DER.
fn holds_no_key(text: &str, keys: &[&SecretBytes]) -> bool {
    use base64::Engine;
    let b64 = |k: &SecretBytes| base64::engine::general_purpose::STANDARD.encode(k.expose());
    !text.contains("PRIVATE KEY")
        && keys.iter().all(|k| {
            let s = b64(k);
            !text.contains(&s[..64.min(s.len())])
        })
}

#[tokio::test]
async fn a_certificate_rolls_over_with_add_key_and_retire_old_removes_the_old_one() {
    use mailscope::lifecycle::cert_rotate::{CertRotation, rotate_certificate};
    use mailscope::lifecycle::retire_old;
    let c = case(PresetId::Elegere, "eLegere Rolled").await;
    c.apply().await;
    let old = c.current_cert();
    let before = c.actions().len();
    let mut p = c.profile();
    let mut lines = Vec::new();
    let r = rotate_certificate(&c.ctx(), &mut p, &c.preset, None, &mut |e| {
        lines.push(format!("{e:?}"))
    })
    .await
    .unwrap();
    let CertRotation::Rotated {
        new_key_id,
        thumbprint,
        old_key_id,
        cert_file,
        ..
    } = r
    else {
        panic!("{r:?}")
    };
    let v = c.view().await;
    let held = &v.app().unwrap().certificates;
    assert_eq!(held.len(), 2, "{held:?}");
    assert!(held.iter().any(|k| k.key_id == new_key_id));
    assert!(held.iter().any(|k| Some(&k.key_id) == old_key_id.as_ref()));
    let saved = c.profile();
    let cred = saved.credential.clone().unwrap();
    assert_eq!(cred.thumbprint_sha1.as_deref(), Some(thumbprint.as_str()));
    assert_eq!(cred.cert_file.as_deref(), Some(cert_file.as_str()));
    assert_eq!(cred.previous_secret_id, old_key_id);
    // status --online: the new one in use, the old one previous.
    let today = time::OffsetDateTime::now_utc().date();
    let online = mailscope::lifecycle::online::credentials_of(v.app().unwrap(), &saved, today);
    let known = |id: &str| online.iter().find(|o| o.key_id == id).unwrap().known;
    assert_eq!(known(&new_key_id), mailscope::lifecycle::Known::InUse);
    assert_eq!(
        known(old_key_id.as_deref().unwrap()),
        mailscope::lifecycle::Known::Previous
    );
    let new = c.current_cert();
    assert_ne!(new.0, old.0);
    assert_eq!(
        c.secrets
            .get(NAME, SecretSlot::PreviousPrivateKey)
            .unwrap()
            .map(|k| k.expose().to_vec()),
        Some(old.1.expose().to_vec())
    );
    // Both sign in; check passes with the new one.
    assert_eq!(c.token_with(&old).await, Ok(()));
    assert_eq!(c.token_with(&new).await, Ok(()));
    assert!(c.check_passes().await);
    let acts = c.actions();
    assert_eq!(
        acts[before..],
        [
            ("add-key".to_string(), "started".to_string()),
            ("add-key".to_string(), "done".to_string())
        ]
    );

    // retire-old: removeKey with a proof by the new certificate; the old one is refused.
    let gone = retire_old(&c.ctx(), &mut p, &c.preset, &mut |e| {
        lines.push(format!("{e:?}"))
    })
    .await
    .unwrap();
    assert!(gone.removed_from_entra && gone.value_deleted, "{gone:?}");
    assert_eq!(Some(gone.key_id), old_key_id);
    assert_eq!(
        c.token_with(&old).await,
        Err(Cause::CertificateNotRegistered)
    );
    assert_eq!(c.token_with(&new).await, Ok(()));
    assert_eq!(c.view().await.app().unwrap().certificates.len(), 1);
    assert!(
        c.secrets
            .get(NAME, SecretSlot::PreviousPrivateKey)
            .unwrap()
            .is_none()
    );
    assert_eq!(c.profile().credential.unwrap().previous_secret_id, None);
    assert_eq!(c.actions()[before + 2].0, "remove-key");
    assert!(c.check_passes().await);

    let all = format!("{}{lines:?}", c.files());
    assert!(
        holds_no_key(&all, &[&old.1, &new.1]),
        "a private key leaked"
    );
}

/// The token endpoint's answer for the profile's app with `cred`: Ok, or the cause.
async fn token(c: &Case, cred: Credential) -> Result<(), Cause> {
    let p = c.profile();
    let s = mailscope::graph::session::Session::new(
        c.endpoints.clone(),
        TENANT,
        p.client_id.as_deref().unwrap(),
        cred,
        std::time::Duration::from_secs(10),
    )
    .unwrap();
    s.tokens
        .token_with_claims()
        .await
        .map(drop)
        .map_err(|d| d.cause)
}

async fn secret_token(c: &Case, value: &str) -> Result<(), Cause> {
    token(
        c,
        Credential::Secret(mailscope::secrets::Secret::new(value)),
    )
    .await
}

#[tokio::test]
async fn a_secret_profile_switches_to_a_certificate_only_app_whose_checks_pass() {
    use mailscope::lifecycle::switch::{Switch, switch_to_certificate};
    use mailscope::profile::CredentialKind;
    let c = case(PresetId::Custom, "Custom Switched").await;
    // A custom integration set up with a client secret.
    let mut p = c.profile();
    p.credential = Some(mailscope::profile::CredentialInfo::new(
        CredentialKind::Secret,
    ));
    c.store.save(&p).unwrap();
    c.apply().await;
    let value = c
        .secrets
        .get(NAME, SecretSlot::ClientSecret)
        .unwrap()
        .unwrap();
    let value = String::from_utf8(value.expose().to_vec()).unwrap();
    let secret_id = c.profile().credential.unwrap().secret_id.unwrap();
    let before = c.actions().len();
    let mut p = c.profile();
    let mut asked = Vec::new();
    let mut lines = Vec::new();
    let r = switch_to_certificate(
        &c.ctx(),
        &mut p,
        &c.preset,
        None,
        &mut |q| {
            asked.push(q.to_string());
            true
        },
        &mut |e| lines.push(format!("{e:?}")),
    )
    .await
    .unwrap();
    let Switch::Switched {
        key_id,
        old_secret_id,
        retired,
        ..
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(old_secret_id.as_deref(), Some(secret_id.as_str()));
    assert!(retired.is_some_and(|r| r.removed_from_entra && r.value_deleted));
    assert_eq!(asked.len(), 1);
    assert!(asked[0].contains(&secret_id), "{}", asked[0]);

    // A certificate-only app: its one certificate, no secret; the secret is refused.
    let v = c.view().await;
    let app = v.app().unwrap();
    assert!(app.secrets.is_empty(), "{:?}", app.secrets);
    assert_eq!(app.certificates.len(), 1);
    assert_eq!(app.certificates[0].key_id, key_id);
    assert_eq!(secret_token(&c, &value).await, Err(Cause::SecretInvalid));
    let saved = c.profile();
    let cred = saved.credential.clone().unwrap();
    assert_eq!(cred.kind, CredentialKind::Certificate);
    assert_eq!((cred.secret_id, cred.previous_secret_id), (None, None));
    for slot in [SecretSlot::ClientSecret, SecretSlot::PreviousClientSecret] {
        assert!(c.secrets.get(NAME, slot).unwrap().is_none(), "{slot:?}");
    }
    assert!(c.check_passes().await);
    let acts: Vec<String> = c.actions()[before..].iter().map(|a| a.0.clone()).collect();
    assert_eq!(
        acts,
        [
            "upload-certificate",
            "upload-certificate",
            "remove-secret",
            "remove-secret"
        ]
    );
    let key = c.current_cert().1;
    let all = format!("{}{lines:?}{asked:?}", c.files());
    assert!(holds_no_key(&all, &[&key]) && !all.contains(&value));

    // A vendor that takes only secrets: said so, nothing changes.
    let k = case(PresetId::Kundo, "Kundo Stays").await;
    let mut kp = k.profile();
    kp.credential = Some(mailscope::profile::CredentialInfo::new(
        CredentialKind::Secret,
    ));
    let no = switch_to_certificate(
        &k.ctx(),
        &mut kp,
        &k.preset,
        None,
        &mut |_| true,
        &mut |_| {},
    )
    .await;
    let Err(e) = no else { panic!("{no:?}") };
    assert!(e.to_string().contains("accepts only client secrets"), "{e}");
    assert!(k.actions().is_empty());
}

/// The whole tenant as the admin reads it: applications (with their credentials), service
/// principals and the app role assignments on Microsoft Graph (Kundo's sign-in cannot list
/// delegated grants, and Kundo grants none).
async fn tenant(c: &Case) -> Vec<serde_json::Value> {
    let get = async |path: &str| -> serde_json::Value {
        let r = c
            .http
            .get(format!("{}/v1.0{path}", c.sim.s.graph))
            .bearer_auth(c.signed.access_token.expose())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    };
    let sps = get("/servicePrincipals").await;
    let graph = sps["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["appId"] == "00000003-0000-0000-c000-000000000000")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    vec![
        get("/applications").await["value"].clone(),
        sps["value"].clone(),
        get(&format!("/servicePrincipals/{graph}/appRoleAssignedTo")).await["value"].clone(),
    ]
}

#[tokio::test]
async fn offboard_leaves_the_tenant_as_it_was_before_apply() {
    use mailscope::lifecycle::offboard::{Offboarded, offboard};
    use mailscope::lifecycle::offboard_plan::Removal;
    use mailscope::lifecycle::rotate;
    let c = case_on(own_sim(), PresetId::Kundo, "Kundo Offboarded").await;
    let before = tenant(&c).await;
    c.apply().await;
    // A rotation adds a second secret: the app's deletion takes both.
    let mut p = c.profile();
    rotate(&c.ctx(), &mut p, &c.preset, &mut |_| {})
        .await
        .unwrap();
    assert_ne!(tenant(&c).await, before);

    // An Exchange policy mailscope made, and no Exchange sign-in: listed with the command,
    // and the Entra side is offboarded all the same.
    let policy = mailscope::changes::ChangeRecord::new(
        "exo-run",
        0,
        mailscope::changes::Area::Exchange,
        TENANT,
        None,
        "new-access-policy",
        "Create the access policy",
        mailscope::changes::Phase::Done,
    )
    .with_object("identity", "contoso\\policy-1");
    mailscope::changes::append(&c.store, NAME, &policy).unwrap();
    // Declined: nothing changes.
    let mut shown = Vec::new();
    let mut signin = None;
    let no = offboard(
        &c.ctx(),
        &mut p,
        &c.preset,
        &mut |plan| {
            shown = plan.removals.clone();
            signin = plan.exchange_signin.clone();
            assert!(
                plan.by_hand
                    .iter()
                    .any(|h| h.contains("policy-1") && h.contains("no Exchange sign-in")),
                "{plan:?}"
            );
            false
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(matches!(no, Offboarded::Declined(_)), "{no:?}");
    assert!(
        matches!(shown.as_slice(), [Removal::DeleteApp { .. }]),
        "{shown:?}"
    );
    assert!(c.profile().client_id.is_some());
    assert_eq!(
        signin,
        Some(format!("mailscope signin --profile {NAME} --exchange"))
    );

    let recorded = c.actions().len();
    let done = offboard(&c.ctx(), &mut p, &c.preset, &mut |_| true, &mut |_| {})
        .await
        .unwrap();
    let Offboarded::Removed {
        keyring_entries, ..
    } = done
    else {
        panic!("{done:?}")
    };
    assert_eq!(keyring_entries, 2, "the secret and the previous one");
    assert_eq!(tenant(&c).await, before);
    assert_eq!(
        c.actions()[recorded..],
        [
            ("delete-app".to_string(), "started".to_string()),
            ("delete-app".to_string(), "done".to_string())
        ]
    );
    let saved = c.profile();
    assert!(saved.client_id.is_none() && saved.credential.is_none());
    for slot in SecretSlot::SECRETS {
        assert!(c.secrets.get(NAME, slot).unwrap().is_none(), "{slot:?}");
    }
}

#[tokio::test]
async fn a_certificate_whose_proof_fails_is_removed_again_and_nothing_else_changes() {
    use mailscope::lifecycle::cert_rotate::{CertRotation, rotate_certificate};
    let c = case(PresetId::Custom, "Custom Unproven").await;
    c.apply().await;
    // The one mailbox the app must read does not exist: the new certificate's proof fails.
    let mut p = c.profile();
    p.mailboxes[0].address = "nobody@contoso.com".into();
    c.store.save(&p).unwrap();
    let before = c.profile();
    let old = c.current_cert();
    let held = c.view().await.app().unwrap().certificates.clone();
    let recorded = c.actions().len();
    let files = std::fs::read_dir(c.home.path()).unwrap().count();
    let r = rotate_certificate(&c.ctx(), &mut p, &c.preset, None, &mut |_| {})
        .await
        .unwrap();
    let CertRotation::ProofFailed {
        reason, removed, ..
    } = &r
    else {
        panic!("{r:?}")
    };
    assert!(*removed, "{r:?}");
    assert!(reason.contains("nobody@contoso.com"), "{reason}");
    assert_eq!(c.view().await.app().unwrap().certificates, held);
    assert_eq!(c.profile(), before);
    assert_eq!(c.current_cert().1.expose(), old.1.expose());
    assert!(
        c.secrets
            .get(NAME, SecretSlot::PreviousPrivateKey)
            .unwrap()
            .is_none()
    );
    assert_eq!(c.token_with(&old).await, Ok(()));
    let acts: Vec<String> = c.actions()[recorded..]
        .iter()
        .map(|a| a.0.clone())
        .collect();
    assert_eq!(acts, ["add-key", "add-key", "remove-key", "remove-key"]);
    // No new .cer left behind (the record grew; nothing else).
    assert_eq!(std::fs::read_dir(c.home.path()).unwrap().count(), files);
}

#[tokio::test]
async fn a_switch_whose_certificate_fails_its_proof_keeps_the_secret_profile() {
    use mailscope::lifecycle::switch::{Switch, switch_to_certificate};
    use mailscope::profile::CredentialKind;
    let c = case(PresetId::Custom, "Custom Not Switched").await;
    let mut p = c.profile();
    p.credential = Some(mailscope::profile::CredentialInfo::new(
        CredentialKind::Secret,
    ));
    c.store.save(&p).unwrap();
    c.apply().await;
    let mut p = c.profile();
    p.mailboxes[0].address = "nobody@contoso.com".into();
    c.store.save(&p).unwrap();
    let before = c.profile();
    let value = c
        .secrets
        .get(NAME, SecretSlot::ClientSecret)
        .unwrap()
        .unwrap();
    let recorded = c.actions().len();
    let mut asked = false;
    let r = switch_to_certificate(
        &c.ctx(),
        &mut p,
        &c.preset,
        None,
        &mut |_| {
            asked = true;
            true
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(
        matches!(r, Switch::ProofFailed { removed: true, .. }),
        "{r:?}"
    );
    assert!(!asked, "nothing to confirm");
    let v = c.view().await;
    assert!(v.app().unwrap().certificates.is_empty());
    assert_eq!(v.app().unwrap().secrets.len(), 1);
    assert_eq!(c.profile(), before);
    let still = c
        .secrets
        .get(NAME, SecretSlot::ClientSecret)
        .unwrap()
        .unwrap();
    assert_eq!(still.expose(), value.expose());
    assert!(
        c.secrets
            .get(NAME, SecretSlot::PrivateKey)
            .unwrap()
            .is_none()
    );
    let acts: Vec<String> = c.actions()[recorded..]
        .iter()
        .map(|a| a.0.clone())
        .collect();
    assert_eq!(
        acts,
        [
            "upload-certificate",
            "upload-certificate",
            "remove-certificate",
            "remove-certificate"
        ]
    );
}
