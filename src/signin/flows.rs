//! The two interactive sign-ins: authorization code with PKCE on a loopback redirect (the
//! caller opens the browser), and the device code flow (the caller shows the code). Neither
//! touches the terminal: what the admin must see or do arrives as a [`SigninEvent`].

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;

use super::config::SigninConfig;
use super::error::SigninError;
use super::loopback::Loopback;
use super::pkce::{Pkce, new_state};
use super::token::{SignedIn, request};
use crate::graph::client::send;
use crate::secrets::Secret;

/// The device-code grant type.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// What `slow_down` adds to the polling interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// Something the admin must see or do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigninEvent {
    /// Open this URL in the browser (show it too, in case the browser does not open).
    OpenBrowser { url: String },
    /// Show Microsoft's message: open `verification_uri` and enter `user_code`.
    DeviceCode {
        message: String,
        user_code: String,
        verification_uri: String,
        expires_in_s: u64,
    },
    /// Still waiting for the device code to be entered; the next poll follows after `next`.
    StillWaiting { next: Duration },
}

/// Whether a browser on this computer can reach the loopback listener: not over SSH, and on
/// Linux and the BSDs only with a display. Where it cannot, the device code flow is the way.
pub fn browser_possible() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return false;
    }
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

/// The authorize URL for a loopback redirect.
pub fn authorize_url(
    cfg: &SigninConfig,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
) -> String {
    let scope = cfg.scope_param();
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("client_id", &cfg.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_mode", "query")
        .append_pair("scope", &scope)
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("prompt", "select_account");
    if let Some(hint) = &cfg.login_hint {
        q.append_pair("login_hint", hint);
    }
    format!("{}?{}", cfg.endpoint("authorize"), q.finish())
}

/// Authorization code with PKCE: listens on the loopback, hands the authorize URL to
/// `on_event`, waits for the browser, redeems the code.
pub async fn sign_in_browser(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    on_event: &mut (dyn FnMut(SigninEvent) + Send),
) -> Result<SignedIn, SigninError> {
    let listener = Loopback::open().await?;
    let redirect_uri = listener.redirect_uri();
    let pkce = Pkce::new();
    let state = new_state();
    on_event(SigninEvent::OpenBrowser {
        url: authorize_url(cfg, &redirect_uri, &state, &pkce.challenge),
    });
    let code = listener.wait(&state, cfg.browser_timeout).await?;
    let s = |v: &str| Secret::new(v.to_string());
    let (client, grant, redirect, scope) = (
        s(&cfg.client_id),
        s("authorization_code"),
        s(&redirect_uri),
        s(&cfg.scope_param()),
    );
    request(
        cfg,
        http,
        &[
            ("client_id", &client),
            ("grant_type", &grant),
            ("code", &code),
            ("redirect_uri", &redirect),
            ("code_verifier", &pkce.verifier),
            ("scope", &scope),
        ],
        false,
    )
    .await
}

#[derive(Deserialize)]
struct DeviceAnswer {
    user_code: String,
    device_code: String,
    verification_uri: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    interval: Option<u64>,
    #[serde(default)]
    message: Option<String>,
}

/// The device code flow, waiting with `tokio::time::sleep`.
pub async fn sign_in_device_code(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    on_event: &mut (dyn FnMut(SigninEvent) + Send),
) -> Result<SignedIn, SigninError> {
    sign_in_device_code_paced(cfg, http, on_event, tokio::time::sleep).await
}

/// The device code flow with the waiting between polls done by `pace` (tests count it).
/// Polls every `interval` seconds, five more after each `slow_down`, until the code is
/// entered, declined or expired.
pub async fn sign_in_device_code_paced<F, W>(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    on_event: &mut (dyn FnMut(SigninEvent) + Send),
    mut pace: W,
) -> Result<SignedIn, SigninError>
where
    W: FnMut(Duration) -> F,
    F: Future<Output = ()>,
{
    let form = [
        ("client_id", Secret::new(cfg.client_id.clone())),
        ("scope", Secret::new(cfg.scope_param())),
    ];
    let pairs: Vec<(&str, &Secret)> = form.iter().map(|(k, v)| (*k, v)).collect();
    let req = http
        .post(cfg.endpoint("devicecode"))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(crate::secrets::wipe::form_body(&pairs));
    let resp = send(req, cfg.request_timeout, cfg.endpoints.authority_host())
        .await
        .map_err(SigninError::Platform)?;
    if resp.status != 200 {
        return Err(SigninError::from_token_answer(
            resp.status,
            &resp.headers,
            &resp.body,
            &cfg.client_id,
            true,
        ));
    }
    let d: DeviceAnswer = serde_json::from_slice(&resp.body)
        .map_err(|_| SigninError::BadResponse("a device code answer without a code".into()))?;
    let expires_in_s = d.expires_in.unwrap_or(900);
    on_event(SigninEvent::DeviceCode {
        message: d.message.clone().unwrap_or_else(|| {
            format!(
                "To sign in, use a web browser to open the page {} and enter the code {} to authenticate.",
                d.verification_uri, d.user_code
            )
        }),
        user_code: d.user_code.clone(),
        verification_uri: d.verification_uri.clone(),
        expires_in_s,
    });
    let mut interval = Duration::from_secs(d.interval.unwrap_or(5).min(60));
    let started = std::time::Instant::now();
    let device_code = Secret::new(d.device_code);
    let client = Secret::new(cfg.client_id.clone());
    let grant = Secret::new(DEVICE_GRANT);
    loop {
        pace(interval).await;
        let got = request(
            cfg,
            http,
            &[
                ("client_id", &client),
                ("grant_type", &grant),
                ("device_code", &device_code),
            ],
            true,
        )
        .await;
        match got {
            Ok(signed_in) => return Ok(signed_in),
            Err(SigninError::AuthorizationPending) => {}
            Err(SigninError::SlowDown) => interval += SLOW_DOWN_STEP,
            Err(e) => return Err(e),
        }
        if started.elapsed().as_secs() > expires_in_s {
            return Err(SigninError::DeviceCodeExpired);
        }
        on_event(SigninEvent::StillWaiting { next: interval });
    }
}
