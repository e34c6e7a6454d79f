//! Servers that go away or never answer, and a keyring that is not there: each is named for
//! what it is ("could not connect", "did not answer in time", the keyring) with exit code 3.

use std::net::SocketAddr;
use std::time::Duration;

use mailscope::graph::Cancel;
use mailscope::graph::CheckEvent;
use mailscope::graph::client::classify;
use mailscope::graph::diagnosis::NetworkErrorKind;
use mailscope::graph::retry::RetryPolicy;
use mailscope::preset;
use mailscope::profile::Expectation::Granted;
use mailscope::secrets::{SecretBytes, SecretError, SecretSlot, SecretStore};
use tokio::net::TcpListener;

use crate::support::*;

fn scenario(latency_ms: u64) -> String {
    let mut s = format!("{}{}", header(latency_ms), kundo_app());
    for i in 0..8 {
        s.push_str(&format!("[[mailbox]]\naddress = \"m{i}@contoso.com\"\n"));
    }
    s
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_server_that_dies_mid_check_is_could_not_connect_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(30), &dir).await;
    let mailboxes: Vec<(String, _)> = (0..8)
        .map(|i| (format!("m{i}@contoso.com"), Granted))
        .collect();
    let refs: Vec<(&str, _)> = mailboxes.iter().map(|(a, e)| (a.as_str(), *e)).collect();
    let p = profile(&sim, KUNDO, &refs, None);
    let session = kundo_session(&sim);
    let options = mailscope::graph::CheckOptions {
        retry: quick_retries(),
        concurrency: 2,
        batch: false,
        ..options(false)
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // The sim is stopped (listener closed, every connection dropped) once the token is in.
    let killer = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            if matches!(e, CheckEvent::Token(_)) {
                sim.shutdown().await;
                break;
            }
        }
        while rx.recv().await.is_some() {}
    });
    let report =
        mailscope::graph::run_watch(&plan(&p, None), session, &options, tx, Cancel::new()).await;
    killer.await.unwrap();
    assert!(report.token.ok, "the token came before the sim stopped");
    assert!(!report.cells.is_empty());
    for c in &report.cells {
        assert_eq!(c.cause, Some(mailscope::graph::Cause::Network), "{c:?}");
        assert!(
            c.summary.starts_with("Could not connect to 127.0.0.1:"),
            "a dead server is not a TLS problem: {}",
            c.summary
        );
    }
    assert_eq!(report.outcome(), mailscope::graph::Outcome::CouldNotRun);
}

async fn send_to(url: &str, client: reqwest::Client) -> reqwest::Error {
    client.get(url).send().await.expect_err("the request fails")
}

#[tokio::test]
async fn network_failures_are_classified_by_their_typed_cause() {
    let client = || {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap()
    };
    // Nothing listens: refused.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = closed.local_addr().unwrap();
    drop(closed);
    let e = send_to(&format!("https://{addr}/"), client()).await;
    assert_eq!(classify(&e), NetworkErrorKind::Connect, "{e:?}");

    // Accepts and hangs up during the TLS handshake: a broken connection, not a certificate.
    let hangup = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = hangup.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = hangup.accept().await {
            drop(s);
        }
    });
    let e = send_to(&format!("https://{addr}/"), client()).await;
    assert_ne!(classify(&e), NetworkErrorKind::Tls, "{e:?}");

    // A certificate nobody trusts: TLS.
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(0), &dir).await;
    let e = send_to(&format!("{}/", sim.graph), client()).await;
    assert_eq!(classify(&e), NetworkErrorKind::Tls, "{e:?}");
}

/// A keyring that is not there (no D-Bus session, no Keychain).
struct NoKeyring;

impl SecretStore for NoKeyring {
    fn backend(&self) -> String {
        "test keyring".into()
    }
    fn set(&self, _: &str, _: SecretSlot, _: &[u8]) -> Result<(), SecretError> {
        Err(self.unavailable())
    }
    fn get(&self, _: &str, _: SecretSlot) -> Result<Option<SecretBytes>, SecretError> {
        Err(self.unavailable())
    }
    fn delete(&self, _: &str, _: SecretSlot) -> Result<bool, SecretError> {
        Err(self.unavailable())
    }
}

impl NoKeyring {
    fn unavailable(&self) -> SecretError {
        SecretError::Unavailable {
            backend: self.backend(),
            detail: "no service".into(),
            hint: "start one".into(),
        }
    }
}

#[tokio::test]
async fn a_missing_keyring_is_exit_3_and_a_missing_secret_names_the_real_command() {
    if std::env::var_os(mailscope::secrets::CLIENT_SECRET_ENV).is_some() {
        return; // the environment's secret would be used instead of the keyring
    }
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(0), &dir).await;
    let p = profile(&sim, KUNDO, &[("m0@contoso.com", Granted)], None);
    // The exit code `mailscope check` gives: 3 for an outage, 2 for the profile.
    let check = |store: std::sync::Arc<dyn SecretStore>| {
        let p = p.clone();
        async move {
            let preset = preset::preset(p.preset).unwrap();
            let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
            let spec = mailscope::graph::RunSpec::default();
            let e = mailscope::graph::run_profile(&p, &preset, store, &spec, tx, Cancel::new())
                .await
                .expect_err("cannot start");
            (if e.is_outage() { 3 } else { 2 }, e.to_string())
        }
    };
    let (code, err) = check(std::sync::Arc::new(NoKeyring)).await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("test keyring is not available"), "{err}");

    let (code, err) = check(std::sync::Arc::new(mailscope::secrets::MemoryStore::new())).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("mailscope credential set --profile simtest"),
        "{err}"
    );
}

/// A TCP listener on 127.0.0.1 that accepts connections and never sends a byte; counts them.
async fn silent_listener() -> (SocketAddr, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            open.push(s);
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn an_authority_that_never_answers_ends_the_check_after_the_configured_timeout() {
    let (addr, accepted) = silent_listener().await;
    let base = format!("https://{addr}");
    let mut p = mailscope::profile::Profile::new(
        "silent",
        mailscope::profile::PresetId::Kundo,
        mailscope::profile::Cloud::Custom,
    );
    p.tenant = Some(TENANT.into());
    p.client_id = Some(KUNDO.into());
    p.credential = Some(mailscope::profile::CredentialInfo::new(
        mailscope::profile::CredentialKind::Secret,
    ));
    p.endpoints = Some(mailscope::profile::Endpoints {
        authority: base.clone(),
        graph: base,
        ca_file: None,
        exchange: None,
    });
    p.mailboxes = vec![mailscope::profile::Mailbox {
        address: "m0@contoso.com".into(),
        kind: mailscope::profile::MailboxKind::User,
        expect: Granted,
    }];
    let store = mailscope::secrets::MemoryStore::new();
    mailscope::secrets::store_client_secret(
        &store,
        &p,
        &mailscope::secrets::Secret::new(KUNDO_SECRET),
    )
    .unwrap();
    let spec = mailscope::graph::RunSpec {
        options: mailscope::graph::CheckOptions {
            per_request_timeout: Duration::from_millis(300),
            ..mailscope::graph::CheckOptions::default()
        },
        ..mailscope::graph::RunSpec::default()
    };
    let preset = preset::preset(p.preset).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let report = mailscope::graph::run_profile(
        &p,
        &preset,
        std::sync::Arc::new(store),
        &spec,
        tx,
        Cancel::new(),
    )
    .await
    .expect("the run starts");
    assert_eq!(report.outcome(), mailscope::graph::Outcome::CouldNotRun);
    let d = report.token.diagnosis.unwrap();
    assert!(
        d.summary
            .starts_with(&format!("{addr} did not answer within 0.3 s.")),
        "{}",
        d.summary
    );
    assert!(
        d.fix.contains("mailscope check --timeout SECONDS"),
        "{}",
        d.fix
    );
    assert!(d.fix.contains("MAILSCOPE_TIMEOUT"), "{}", d.fix);
    // The default policy allows six attempts; a host that never answered gets two.
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_graph_host_that_never_answers_is_given_up_after_two_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}[faults]\nstall_rate = 1.0\nstall_s = 30\n", scenario(0));
    let sim = start(&text, &dir).await;
    sim.sign_claims(&serde_json::json!({})).await.unwrap();
    let mailboxes: Vec<(String, _)> = (0..8)
        .map(|i| (format!("m{i}@contoso.com"), Granted))
        .collect();
    let refs: Vec<(&str, _)> = mailboxes.iter().map(|(a, e)| (a.as_str(), *e)).collect();
    let p = profile(&sim, KUNDO, &refs, None);
    let session = session_timeout(
        &sim,
        TENANT,
        KUNDO,
        secret(KUNDO_SECRET),
        Duration::from_millis(300),
    );
    let opts = mailscope::graph::CheckOptions {
        retry: RetryPolicy {
            base: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..options(false)
    };
    let (report, events) = check(&plan(&p, None), session, &opts).await;
    assert!(report.token.ok);
    assert!(events.iter().any(|e| matches!(
        e,
        CheckEvent::Waiting { what: "Graph", host } if *host == sim.addr.to_string()
    )));
    assert!(!report.cells.is_empty());
    for c in &report.cells {
        assert!(
            c.summary.contains("did not answer within 0.3 s."),
            "{}",
            c.summary
        );
    }
    assert_eq!(report.outcome(), mailscope::graph::Outcome::CouldNotRun);
    // One request per mailbox in flight: two rounds of 8 waited out the limit, and no more
    // (without giving up: up to six attempts for each of the 24 cells, and draft sweeps).
    let stalled = sim.stats().await.stalled;
    assert!(stalled <= 16, "{stalled} requests waited out the limit");
}
