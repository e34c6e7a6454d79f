//! Token endpoint, secret credentials: success claims and every documented error.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::support::*;

#[tokio::test]
async fn secret_in_form_issues_v1_token_with_real_claims() {
    let s = sim("", "").await;
    let (status, body) = s.token_secret(FULL, "good~secret").await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["ext_expires_in"], 3599);
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], s.h.graph.as_str());
    assert_eq!(c["iss"], format!("https://sts.windows.net/{TENANT}/"));
    assert_eq!(c["tid"], TENANT);
    assert_eq!(c["appid"], FULL);
    assert_eq!(c["appidacr"], "1");
    assert_eq!(c["idtyp"], "app");
    assert_eq!(c["ver"], "1.0");
    assert_eq!(c["oid"], c["sub"]);
    assert!(c.get("scp").is_none());
    let roles: Vec<&str> = c["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "User.Read.All",
            "Mail.ReadWrite",
            "Mail.Send",
            "MailboxSettings.ReadWrite"
        ]
    );
    assert!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap() == 3599);
}

#[tokio::test]
async fn secret_in_basic_auth_and_tenant_by_domain() {
    let s = sim("", "").await;
    let url = format!("{}/contoso.com/oauth2/v2.0/token", s.h.authority);
    let basic = STANDARD.encode(format!("{FULL}:good%7Esecret"));
    let scope = s.scope();
    let r =
        s.c.post(url)
            .header("authorization", format!("Basic {basic}"))
            .form(&[
                ("scope", scope.as_str()),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store, no-cache");
    let body: Value = r.json().await.unwrap();
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        c["tid"], TENANT,
        "tid is the GUID even when a domain was used"
    );
}

#[tokio::test]
async fn roles_claim_absent_without_consented_permissions() {
    let s = sim("", "").await;
    let c = claims(&s.token(NOROLES, "s2").await);
    assert!(c.get("roles").is_none(), "{c}");
}

#[tokio::test]
async fn credential_errors() {
    let s = sim("", "").await;
    let (st, b) = s.token_secret(FULL, "wrong").await;
    assert_eq!(st, 401);
    let d = assert_aad(&b, "invalid_client", 7000215);
    assert!(d.contains(&format!("for a secret added to app '{FULL}'")));
    // the secret's id instead of its value
    let (st, b) = s
        .token_secret(FULL, "aaaaaaaa-0000-4000-8000-000000000001")
        .await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 7000215);
    let (st, b) = s.token_secret(FULL, "old~secret").await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 7000222);
    let (st, b) = s
        .token_secret("99999999-0000-4000-8000-000000000009", "x")
        .await;
    assert_eq!(st, 400);
    let d = assert_aad(&b, "unauthorized_client", 700016);
    assert!(
        d.contains("was not found in the directory 'Contoso'"),
        "{d}"
    );
    let (st, b) = s.token_secret(DISABLED, "s3").await;
    assert_eq!(st, 400);
    assert_aad(&b, "unauthorized_client", 7000112);
    let scope = s.scope();
    let (st, b) = s
        .token_raw(
            TENANT,
            &[
                ("client_id", FULL),
                ("scope", &scope),
                ("grant_type", "client_credentials"),
            ],
        )
        .await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 7000218);
}

#[tokio::test]
async fn tenant_errors() {
    let s = sim("", "").await;
    let scope = s.scope();
    let form = [
        ("client_id", FULL),
        ("client_secret", "good~secret"),
        ("scope", scope.as_str()),
        ("grant_type", "client_credentials"),
    ];
    let (st, b) = s.token_raw("fabrikam.onmicrosoft.com", &form).await;
    assert_eq!(st, 400);
    assert_aad(&b, "invalid_request", 90002);
    let (st, b) = s
        .token_raw("0a1b2c3d-0000-4000-8000-000000000000", &form)
        .await;
    assert_eq!(st, 400);
    assert_aad(&b, "invalid_request", 90002);
    for malformed in ["undefined", "8f2b6c1e-4d3a-4b5c"] {
        let (st, b) = s.token_raw(malformed, &form).await;
        assert_eq!(st, 400);
        let d = assert_aad(&b, "invalid_request", 900023);
        assert!(d.contains(&format!("'{malformed}' is neither a valid DNS name")));
    }
    for reserved in ["common", "organizations", "consumers"] {
        let (st, b) = s.token_raw(reserved, &form).await;
        assert_eq!(st, 400);
        assert_aad(&b, "invalid_request", 9001023);
    }
}

#[tokio::test]
async fn scope_errors() {
    let s = sim("", "").await;
    let try_scope = |scope: &'static str| {
        let s = &s;
        async move {
            let form = [
                ("client_id", FULL),
                ("client_secret", "good~secret"),
                ("scope", scope),
                ("grant_type", "client_credentials"),
            ];
            s.token_raw(TENANT, &form).await
        }
    };
    let (st, b) = try_scope("User.Read").await;
    assert_eq!(st, 400);
    let d = assert_aad(&b, "invalid_scope", 1002012);
    assert!(d.contains("scope User.Read is not valid"));
    let (st, b) = try_scope("https://graph.microsoft.com/.default").await;
    assert_eq!(st, 400);
    let d = assert_aad(&b, "invalid_resource", 500011);
    assert!(
        d.contains("The resource principal named https://graph.microsoft.com was not found"),
        "{d}"
    );
    let (st, b) = try_scope("api://unknown-app/.default").await;
    assert_eq!(st, 400);
    assert_aad(&b, "invalid_resource", 500011);
    let mixed = format!("{} api://other/.default", s.scope());
    let form = [
        ("client_id", FULL),
        ("client_secret", "good~secret"),
        ("scope", mixed.as_str()),
        ("grant_type", "client_credentials"),
    ];
    let (st, b) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 400);
    assert_aad(&b, "invalid_scope", 70011);
    let (st, b) = try_scope("").await;
    assert_eq!(st, 400);
    assert_aad(&b, "invalid_request", 900144);
}

#[tokio::test]
async fn token_unavailable_first_n_then_ok() {
    let s = sim(
        "[faults]\ntoken_unavailable_first = 2\nretry_after_s = 0.5",
        "",
    )
    .await;
    for _ in 0..2 {
        let url = format!("{}/{TENANT}/oauth2/v2.0/token", s.h.authority);
        let scope = s.scope();
        let r =
            s.c.post(url)
                .form(&[
                    ("client_id", FULL),
                    ("client_secret", "good~secret"),
                    ("scope", &scope),
                    ("grant_type", "client_credentials"),
                ])
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "1", "whole seconds, rounded up");
        assert_aad(&r.json().await.unwrap(), "temporarily_unavailable", 90033);
    }
    let (st, _) = s.token_secret(FULL, "good~secret").await;
    assert_eq!(st, 200);
    let stats = s.stats().await;
    assert_eq!(stats.token_requests, 3);
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.count("POST /{tenant}/oauth2/v2.0/token", 503), 2);
    assert_eq!(stats.early_retries, 2, "the 2nd and 3rd came before 1 s");
}

#[tokio::test]
async fn app_without_service_principal_is_7000229() {
    let extra = r#"
[[app]]
client_id = "66666666-0000-4000-8000-000000000006"
name = "Elsewhere"
service_principal = false
secrets = [{ id = "eeeeeeee-0000-4000-8000-000000000001", value = "s6", expires = "2099-01-01" }]
"#;
    let s = sim("", extra).await;
    let (st, b) = s
        .token_secret("66666666-0000-4000-8000-000000000006", "s6")
        .await;
    assert_eq!(st, 401);
    let d = assert_aad(&b, "invalid_client", 7000229);
    assert!(
        d.contains("is missing service principal in the tenant 8f2b6c1e"),
        "{d}"
    );
}
