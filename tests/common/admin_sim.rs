//! A simulated tenant on its own thread and runtime (one per test binary), its HTTP client,
//! and an admin's browser sign-in against it (the "browser" is an HTTP client following the
//! authorize URL's redirect): shared by the sign-in and `entra` tests.
#![allow(dead_code, clippy::unwrap_used)] // test support: a panic is the failure report

use std::net::SocketAddr;

use mailscope::signin::{SignedIn, SigninConfig, SigninError, SigninEvent, sign_in_browser};
use mailscope::sim::{Scenario, start};

/// Where the sim listens, and its CA.
#[derive(Clone)]
pub struct Shared {
    pub authority: String,
    pub graph: String,
    pub ca_pem: String,
}

/// Starts a sim from scenario `text` on its own thread and runtime; it serves until the test
/// binary exits.
pub fn spawn(text: String) -> Shared {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let scenario = Scenario::from_toml(&text, std::path::Path::new("."), "t").unwrap();
            let h = start(scenario, SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .unwrap();
            tx.send(Shared {
                authority: h.authority.clone(),
                graph: h.graph.clone(),
                ca_pem: h.ca_pem.clone(),
            })
            .unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

/// An HTTP client that trusts only the sim's CA.
pub fn http(s: &Shared) -> reqwest::Client {
    let cert = reqwest::Certificate::from_pem(s.ca_pem.as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([cert])
        .build()
        .unwrap()
}

/// Signs in through the loopback, the "browser" following the authorize URL; returns the
/// result and what the browser was shown.
pub async fn browser(s: &Shared, cfg: &SigninConfig) -> (Result<SignedIn, SigninError>, String) {
    let client = http(s);
    let mut page = None;
    let mut on_event = |e: SigninEvent| {
        if let SigninEvent::OpenBrowser { url } = e {
            let c = client.clone();
            page = Some(tokio::spawn(async move {
                c.get(url).send().await.unwrap().text().await.unwrap()
            }));
        }
    };
    let out = sign_in_browser(cfg, &http(s), &mut on_event).await;
    let shown = match page {
        Some(p) => p.await.unwrap(),
        None => String::new(),
    };
    (out, shown)
}

/// The token endpoint's status and answer for the client-credentials grant with a secret.
pub async fn secret_token(
    s: &Shared,
    tenant: &str,
    client_id: &str,
    secret: &str,
) -> (u16, serde_json::Value) {
    let r = http(s)
        .post(format!("{}/{tenant}/oauth2/v2.0/token", s.authority))
        .form(&[
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", &format!("{}/.default", s.graph)),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}
