//! Helpers: start a sim from TOML, an HTTPS client trusting its CA, token requests.

use std::net::SocketAddr;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mailscope::sim::{Scenario, SimHandle, start};
use reqwest::{Client, Method, Response};
use serde_json::{Value, json};

pub const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
pub const FULL: &str = "11111111-0000-4000-8000-000000000001";
pub const NOROLES: &str = "22222222-0000-4000-8000-000000000002";
pub const DISABLED: &str = "33333333-0000-4000-8000-000000000003";
pub const KUNDO: &str = "b1c2d3e4-0000-4000-8000-000000000001";

/// Tables every test scenario has; tests append their own.
pub const BASE: &str = r#"
[[app]]
client_id = "11111111-0000-4000-8000-000000000001"
name = "Full"
roles = ["User.Read.All", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite"]
secrets = [
  { id = "aaaaaaaa-0000-4000-8000-000000000001", value = "good~secret", expires = "2099-01-01" },
  { id = "aaaaaaaa-0000-4000-8000-000000000002", value = "old~secret", expires = "2020-01-01" },
]

[[app]]
client_id = "22222222-0000-4000-8000-000000000002"
name = "No Roles"
secrets = [{ id = "bbbbbbbb-0000-4000-8000-000000000001", value = "s2", expires = "2099-01-01" }]

[[app]]
client_id = "33333333-0000-4000-8000-000000000003"
name = "Disabled"
disabled = true
secrets = [{ id = "cccccccc-0000-4000-8000-000000000001", value = "s3", expires = "2099-01-01" }]

[[mailbox]]
address = "a@contoso.com"
display_name = "Alex Wilber"

[[mailbox]]
address = "s@contoso.com"
kind = "shared"

[[mailbox]]
address = "onprem@contoso.com"
kind = "on-premises"

[[mailbox]]
address = "unlic@contoso.com"
kind = "unlicensed"
"#;

/// A running sim with a client that trusts it.
pub struct Sim {
    pub h: SimHandle,
    pub c: Client,
    pub _dir: tempfile::TempDir,
}

pub fn client(ca_pem: &str) -> Client {
    let cert = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
    Client::builder().tls_certs_only([cert]).build().unwrap()
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Top-level keys, then BASE, then extra tables.
pub async fn sim(top: &str, extra: &str) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    sim_in(dir, top, extra).await
}

pub async fn sim_in(dir: tempfile::TempDir, top: &str, extra: &str) -> Sim {
    let text = format!(
        "tenant_id = \"{TENANT}\"\ndomains = [\"contoso.onmicrosoft.com\", \"contoso.com\"]\n{top}\n{BASE}\n{extra}"
    );
    let scenario = Scenario::from_toml(&text, dir.path(), "test.toml").unwrap();
    let h = start(scenario, loopback()).await.unwrap();
    let c = client(&h.ca_pem);
    Sim { h, c, _dir: dir }
}

pub async fn demo() -> Sim {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios/demo.toml");
    let scenario = Scenario::from_file(&path).unwrap();
    let h = start(scenario, loopback()).await.unwrap();
    let c = client(&h.ca_pem);
    Sim {
        h,
        c,
        _dir: tempfile::tempdir().unwrap(),
    }
}

/// Decodes a JWT's payload without verifying it.
pub fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

impl Sim {
    pub fn scope(&self) -> String {
        format!("{}/.default", self.h.graph)
    }

    pub async fn token_raw(&self, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let url = format!("{}/{tenant}/oauth2/v2.0/token", self.h.authority);
        let r = self.c.post(url).form(form).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    /// Token with a secret in the form.
    pub async fn token_secret(&self, client_id: &str, secret: &str) -> (u16, Value) {
        let scope = self.scope();
        let form = [
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", scope.as_str()),
            ("grant_type", "client_credentials"),
        ];
        self.token_raw(TENANT, &form).await
    }

    /// An access token, panicking on failure.
    pub async fn token(&self, client_id: &str, secret: &str) -> String {
        let (status, body) = self.token_secret(client_id, secret).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn call(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let url = format!("{}/v1.0{path}", self.h.graph);
        let mut rb = self.c.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send().await.unwrap()
    }

    /// GET returning status and JSON body (Null when empty).
    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self.call(Method::GET, token, path, None).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET of any sim URL (no token), as JSON.
    pub async fn url_json(&self, url: &str) -> Value {
        self.c.get(url).send().await.unwrap().json().await.unwrap()
    }

    /// A call with a JSON body; returns the status.
    pub async fn status_of(&self, method: Method, token: &str, path: &str, body: Value) -> u16 {
        self.call(method, token, path, Some(body))
            .await
            .status()
            .as_u16()
    }

    /// Creates a draft in `user`'s mailbox; returns its path (`/users/{user}/messages/{id}`).
    pub async fn draft_path(&self, token: &str, user: &str) -> String {
        let path = format!("/users/{user}/messages");
        let body = json!({"subject": "draft"});
        let r = self.call(Method::POST, token, &path, Some(body)).await;
        assert_eq!(r.status().as_u16(), 201);
        let d: Value = r.json().await.unwrap();
        format!("{path}/{}", d["id"].as_str().unwrap())
    }

    pub async fn stats(&self) -> mailscope::sim::SimStats {
        let url = format!("{}/_sim/stats", self.h.authority);
        self.c.get(url).send().await.unwrap().json().await.unwrap()
    }
}

/// Asserts Entra's error body shape and returns the description.
pub fn assert_aad(body: &Value, error: &str, code: u64) -> String {
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"][0], code, "{body}");
    let d = body["error_description"].as_str().unwrap().to_string();
    assert!(d.starts_with(&format!("AADSTS{code}: ")), "{d}");
    let trace = body["trace_id"].as_str().unwrap();
    let corr = body["correlation_id"].as_str().unwrap();
    let ts = body["timestamp"].as_str().unwrap();
    assert_eq!(ts.len(), 20, "{ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b' ');
    let tail = format!("\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: {ts}");
    assert!(d.ends_with(&tail), "{d}");
    assert_eq!(
        body["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
    d
}

/// Asserts a Graph error body; returns whether it has innerError.
pub fn graph_error(body: &Value, code: &str) -> bool {
    assert_eq!(body["error"]["code"], code, "{body}");
    body["error"].get("innerError").is_some()
}

/// Starts `mailscope sim --scenario FILE` as a child process; returns it and its ready line.
pub fn spawn_binary(scenario: &str) -> (std::process::Child, Value) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mailscope"))
        .args(["sim", "--scenario", scenario, "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, serde_json::from_str(&line).unwrap())
}

/// Sends a signal (`-TERM`, `-INT`) to a child.
pub fn signal(child: &std::process::Child, sig: &str) {
    let pid = child.id().to_string();
    let kill = std::process::Command::new("kill")
        .args([sig, &pid])
        .status()
        .unwrap();
    assert!(kill.success());
}
