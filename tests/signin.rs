//! The `signin` library against the simulated tenant: authorization code with PKCE through
//! the loopback (the "browser" is an HTTP client following the authorize URL's redirect),
//! device code approved automatically or through the sim's hook, refresh, and the errors an
//! admin meets (MFA, Conditional Access, consent, declined). Two sims for the whole binary.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Shared, browser, http};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::secrets::MemoryStore;
use mailscope::signin::{
    Purpose, SigninConfig, SigninError, SigninEvent, refresh, remember, resume, sign_in_browser,
    sign_in_device_code, sign_in_device_code_paced,
};

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const ADMINS: &str = include_str!("data/signin-admins.toml");

/// Starts a sim for every test of this binary.
fn spawn(top: &'static str) -> Shared {
    common::spawn(format!(
        "tenant_id = \"{TENANT}\"\ndomains = [\"contoso.com\"]\n{top}\n{ADMINS}"
    ))
}

/// Sign-ins are approved automatically as admin@contoso.com.
fn auto() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| spawn("auto_approve = \"admin@contoso.com\"\ndevice_code_interval_s = 0"))
}

/// Device codes wait for the hook.
fn manual() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| spawn("device_code_interval_s = 0"))
}

fn config(s: &Shared) -> SigninConfig {
    let ep = CloudEndpoints::custom(&s.authority, &s.graph, Some(s.ca_pem.clone().into_bytes()))
        .unwrap();
    let mut c = SigninConfig::new(ep, TENANT, Purpose::AppManagement);
    c.browser_timeout = Duration::from_secs(20);
    c
}

#[tokio::test]
async fn browser_sign_in_names_the_admin_and_refreshes() {
    let s = auto();
    let cfg = config(s);
    let (out, shown) = browser(s, &cfg).await;
    let signed = out.unwrap();
    assert!(shown.contains("Signed in"), "{shown}");
    let a = &signed.account;
    assert_eq!(a.upn, "admin@contoso.com");
    assert_eq!(a.tenant_id, TENANT);
    assert_eq!(
        a.role_names(),
        ["Application Administrator", "Privileged Role Administrator"]
    );
    assert!(a.scopes.contains(&"Application.ReadWrite.All".to_string()));
    assert!(
        !a.scopes
            .iter()
            .any(|x| x.contains("DelegatedPermissionGrant"))
    );
    assert!(!format!("{signed:?}").contains(signed.access_token.expose()));
    let rt = signed.refresh_token.clone().unwrap();
    let again = refresh(&cfg, &http(s), &rt).await.unwrap();
    assert_eq!(again.account.upn, "admin@contoso.com");
    let rt2 = again.refresh_token.unwrap();
    assert_ne!(rt.expose(), rt2.expose());
    let bad = refresh(&cfg, &http(s), &mailscope::secrets::Secret::new("0.Astale")).await;
    assert_eq!(bad.unwrap_err(), SigninError::SignInAgain { code: 700082 });

    // Remembered: resume renews it and keeps the newest; a refused one is forgotten.
    let store = MemoryStore::new();
    assert!(resume(&cfg, &http(s), &store).await.unwrap().is_none());
    let key = cfg.remember_key();
    remember::store(&store, &key, "admin@contoso.com", &rt2).unwrap();
    let resumed = resume(&cfg, &http(s), &store).await.unwrap().unwrap();
    assert_eq!(resumed.account.upn, "admin@contoso.com");
    let (_, kept) = remember::load(&store, &key).unwrap().unwrap();
    assert_eq!(kept.expose(), resumed.refresh_token.unwrap().expose());
    assert_ne!(kept.expose(), rt2.expose());
    let stale = mailscope::secrets::Secret::new("0.Astale");
    remember::store(&store, &key, "admin@contoso.com", &stale).unwrap();
    let err = resume(&cfg, &http(s), &store).await.unwrap_err();
    assert_eq!(err, SigninError::SignInAgain { code: 700082 });
    assert!(remember::load(&store, &key).unwrap().is_none());
}

#[tokio::test]
async fn browser_sign_in_errors_are_plain_words() {
    let s = auto();
    let mut cfg = config(s);
    cfg.login_hint = Some("mfa@contoso.com".into());
    let err = browser(s, &cfg).await.0.unwrap_err();
    assert!(
        matches!(
            &err,
            SigninError::MfaRequired {
                code: 50076,
                claims: Some(_)
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("multi-factor"));
    cfg.login_hint = Some("blocked@contoso.com".into());
    let err = browser(s, &cfg).await.0.unwrap_err();
    assert_eq!(err, SigninError::ConditionalAccess { device_code: false });
    cfg.login_hint = Some("noconsent@contoso.com".into());
    let err = browser(s, &cfg).await.0.unwrap_err();
    assert!(
        matches!(err, SigninError::ConsentRequired { .. }),
        "{err:?}"
    );
    assert!(err.fix().contains("Privileged Role Administrator"));
    // A refused authorize request comes back to the loopback as `error`.
    let mut cfg = config(s);
    cfg.scopes.clear();
    let (out, shown) = browser(s, &cfg).await;
    match out.unwrap_err() {
        SigninError::Authorize { error, .. } => assert_eq!(error, "invalid_request"),
        other => panic!("{other:?}"),
    }
    assert!(shown.contains("did not complete"), "{shown}");
}

#[tokio::test]
async fn loopback_ignores_answers_for_another_state() {
    let s = auto();
    let cfg = config(s);
    let client = http(s);
    let mut page = None;
    let mut on_event = |e: SigninEvent| {
        if let SigninEvent::OpenBrowser { url } = e {
            let redirect = url::redirect_of(&url);
            let c = client.clone();
            page = Some(tokio::spawn(async move {
                let forged = format!("{redirect}?code=forged&state=other");
                let r = reqwest::get(forged.replace("localhost", "127.0.0.1"))
                    .await
                    .unwrap();
                let forged_status = r.status().as_u16();
                let shown = c.get(url).send().await.unwrap().text().await.unwrap();
                (forged_status, shown)
            }));
        }
    };
    let out = sign_in_browser(&cfg, &http(s), &mut on_event).await;
    let (forged_status, shown) = page.unwrap().await.unwrap();
    assert_eq!(forged_status, 400);
    assert!(shown.contains("Signed in"));
    assert_eq!(out.unwrap().account.upn, "admin@contoso.com");
}

mod url {
    /// The `redirect_uri` parameter of an authorize URL, without its trailing slash.
    pub fn redirect_of(url: &str) -> String {
        let query = url.split_once('?').unwrap().1;
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.trim_end_matches('/').to_string())
            .unwrap()
    }
}

#[tokio::test]
async fn device_code_auto_approved() {
    let s = auto();
    let mut shown = Vec::new();
    let mut on_event = |e: SigninEvent| shown.push(e);
    let signed = sign_in_device_code(&config(s), &http(s), &mut on_event)
        .await
        .unwrap();
    assert_eq!(signed.account.upn, "admin@contoso.com");
    match &shown[0] {
        SigninEvent::DeviceCode {
            message, user_code, ..
        } => assert!(message.contains(user_code.as_str())),
        other => panic!("{other:?}"),
    }
}

async fn hook(s: &Shared, action: &str, user_code: String) {
    let url = format!("{}/_sim/devicecode/{action}", s.authority);
    let body = serde_json::json!({"user_code": user_code, "upn": "admin@contoso.com"});
    let r = http(s).post(url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

/// Device code flow on the manual sim; `action` is sent through the hook once the code shows.
async fn device_with_hook(
    action: &'static str,
) -> (Result<mailscope::signin::SignedIn, SigninError>, usize) {
    let s = manual();
    let polls = AtomicUsize::new(0);
    let mut on_event = |e: SigninEvent| {
        if let SigninEvent::DeviceCode { user_code, .. } = e {
            tokio::spawn(hook(s, action, user_code));
        }
    };
    let pace = |_d: Duration| {
        polls.fetch_add(1, Ordering::Relaxed);
        tokio::task::yield_now()
    };
    let out = sign_in_device_code_paced(&config(s), &http(s), &mut on_event, pace).await;
    (out, polls.load(Ordering::Relaxed))
}

#[tokio::test]
async fn device_code_waits_for_approval_or_decline() {
    let (out, polls) = device_with_hook("approve").await;
    assert_eq!(out.unwrap().account.upn, "admin@contoso.com");
    assert!(polls >= 1);
    let (out, _) = device_with_hook("decline").await;
    assert_eq!(out.unwrap_err(), SigninError::Declined);
}
