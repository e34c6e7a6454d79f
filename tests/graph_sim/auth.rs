//! Token acquisition against the sim: secrets, certificates, and each refusal diagnosed.

use std::sync::Arc;

use mailscope::graph::auth::{CertificateCredential, Credential};
use mailscope::graph::{Cancel, Cause, CheckRun, Session};
use mailscope::profile::Expectation::Granted;

use crate::support::*;

const CERT_APP: &str = "44444444-0000-4000-8000-000000000004";
const EXPIRED: &str = "44444444-0000-4000-8000-000000000005";
const DISABLED: &str = "44444444-0000-4000-8000-000000000006";

/// A certificate made the way mailscope makes them for an app.
type Cert = mailscope::credential::CertificateWithKey;

fn new_cert() -> Cert {
    mailscope::credential::generate("mailscope test", 12, time::OffsetDateTime::now_utc()).unwrap()
}

fn credential(c: &Cert) -> Credential {
    Credential::Certificate(
        CertificateCredential::from_parts(&c.certificate.der, c.private_key.clone()).unwrap(),
    )
}

/// A sim whose certificate app has `registered` on file.
async fn cert_sim(dir: &tempfile::TempDir) -> (mailscope::sim::SimHandle, Cert) {
    let registered = new_cert();
    std::fs::write(
        dir.path().join("registered.pem"),
        registered.certificate.pem(),
    )
    .unwrap();
    (start(&scenario(), dir).await, registered)
}

fn scenario() -> String {
    format!(
        r#"{}{}
[[app]]
client_id = "{CERT_APP}"
name = "eLegere"
roles = ["Mail.Send", "Mail.ReadWrite"]
certificates = ["registered.pem"]
[[app]]
client_id = "{EXPIRED}"
name = "Old"
roles = ["Mail.ReadWrite"]
secrets = [{{ id = "5e1c0a77-5555-4222-8333-944445555666", value = "old~value", expires = "2020-01-01" }}]
[[app]]
client_id = "{DISABLED}"
name = "Off"
disabled = true
secrets = [{{ id = "5e1c0a77-6666-4222-8333-944445555666", value = "off~value", expires = "2030-01-01" }}]
[[mailbox]]
address = "support@contoso.com"
"#,
        header(2),
        kundo_app()
    )
}

async fn token_of(s: Arc<Session>) -> CheckRun {
    let sim_plan = mailscope::graph::CheckPlan {
        profile: "t".into(),
        mailboxes: vec![],
        send_to: None,
        mechanism: None,
        scope_changed_at: None,
        notes: vec![],
        preset: mailscope::preset::preset(mailscope::profile::PresetId::Kundo).unwrap(),
        exchange: None,
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    mailscope::graph::run(&sim_plan, s, &options(true), tx, Cancel::new()).await
}

#[tokio::test]
async fn each_token_refusal_is_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, registered) = cert_sim(&dir).await;
    let cert = credential;
    let cases: Vec<(&str, &str, Credential, Cause)> = vec![
        (TENANT, KUNDO, secret("wrong"), Cause::SecretInvalid),
        (TENANT, KUNDO, secret(KUNDO_SECRET_ID), Cause::SecretInvalid),
        (TENANT, EXPIRED, secret("old~value"), Cause::SecretExpired),
        (TENANT, DISABLED, secret("off~value"), Cause::AppDisabled),
        (
            TENANT,
            "99999999-0000-4000-8000-000000000009",
            secret("x"),
            Cause::AppNotFound,
        ),
        (
            "11111111-2222-4333-8444-555555555555",
            KUNDO,
            secret(KUNDO_SECRET),
            Cause::TenantNotFound,
        ),
        ("common", KUNDO, secret(KUNDO_SECRET), Cause::TenantRequired),
        (
            "not_a_tenant",
            KUNDO,
            secret(KUNDO_SECRET),
            Cause::TenantInvalid,
        ),
        (
            TENANT,
            CERT_APP,
            cert(&new_cert()),
            Cause::CertificateNotRegistered,
        ),
    ];
    for (tenant, client, cred, cause) in cases {
        let r = token_of(session(&sim, tenant, client, cred)).await;
        assert!(!r.token.ok, "{client} in {tenant}");
        let d = r.token.diagnosis.as_ref().unwrap();
        assert_eq!(d.cause, cause, "{client} in {tenant}: {}", d.summary);
        assert!(
            d.error_code
                .as_deref()
                .is_some_and(|c| c.starts_with("AADSTS"))
        );
        assert!(d.request_id.is_some() && d.timestamp.is_some());
        assert_eq!(r.outcome(), mailscope::graph::Outcome::CouldNotRun);
    }
    let ok = token_of(session(
        &sim,
        "contoso.onmicrosoft.com",
        CERT_APP,
        cert(&registered),
    ))
    .await;
    assert!(ok.token.ok, "{:?}", ok.token.diagnosis);
    assert_eq!(ok.token.credential, "certificate");
    assert_eq!(ok.token.tenant_id.as_deref(), Some(TENANT));
    sim.shutdown().await;
}

#[tokio::test]
async fn certificate_credential_runs_checks_and_reuses_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, registered) = cert_sim(&dir).await;
    let cred = credential(&registered);
    let p = profile(&sim, CERT_APP, &[("support@contoso.com", Granted)], None);
    let (r, _) = check(
        &plan(&p, None),
        session(&sim, TENANT, CERT_APP, cred),
        &options(false),
    )
    .await;
    assert_eq!(r.counts.pass, 2, "{:#?}", r.cells);
    let st = sim.stats().await;
    assert_eq!(st.tokens_issued, 1, "one token for the whole run");
    sim.shutdown().await;
}

#[tokio::test]
async fn token_endpoint_outage_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}{}\n[[mailbox]]\naddress = \"support@contoso.com\"\n[faults]\ntoken_unavailable_first = 2\nretry_after_s = 0.1\n",
        header(2),
        kundo_app()
    );
    let sim = start(&text, &dir).await;
    let r = token_of(kundo_session(&sim)).await;
    assert!(r.token.ok, "{:?}", r.token.diagnosis);
    assert_eq!(sim.stats().await.token_requests, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn delegated_only_preset_checks_the_credential_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _) = cert_sim(&dir).await;
    let mut p = profile(&sim, KUNDO, &[("support@contoso.com", Granted)], None);
    p.preset = mailscope::profile::PresetId::Lexzur;
    let (r, _) = check(&plan(&p, None), kundo_session(&sim), &options(true)).await;
    assert!(r.token.ok);
    assert!(r.cells.is_empty());
    assert!(
        r.notes[0].contains("delegated permissions only"),
        "{:?}",
        r.notes
    );
    assert!(r.token.consent.as_ref().unwrap().notes[0].contains("delegated permissions only"));
    assert_eq!(r.outcome(), mailscope::graph::Outcome::AllPass);
    assert_eq!(sim.stats().await.drafts_created, 0);
    sim.shutdown().await;
}
