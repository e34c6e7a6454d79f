//! Graph authorization: roles, application access policies, RBAC for Applications,
//! propagation, mailbox kinds, token problems, headers.

use reqwest::Method;
use serde_json::json;

use crate::support::*;

const RAOP: &str = "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.";
const DENIED: &str = "Access is denied. Check credentials and try again.";

#[tokio::test]
async fn demo_scenario_shows_every_outcome() {
    let s = demo().await;
    let kundo = s.token(KUNDO, "demo~secret~value").await;
    let inbox = |m: &str| format!("/users/{m}/mailFolders/inbox");
    for granted in [
        "support@contoso.com",
        "sales@contoso.com",
        "team.lead@contoso.com",
    ] {
        let (st, b) = s.get(&kundo, &inbox(granted)).await;
        assert_eq!(st, 200, "{granted}: {b}");
        assert_eq!(b["displayName"], "Inbox");
    }
    for denied in ["ceo@contoso.com", "billing@contoso.com"] {
        let (st, b) = s.get(&kundo, &inbox(denied)).await;
        assert_eq!(st, 403, "{denied}");
        assert!(
            !graph_error(&b, "ErrorAccessDenied"),
            "[RAOP] has no innerError"
        );
        assert_eq!(b["error"]["message"], RAOP);
    }
    for no_rest in ["hybrid@contoso.com", "intern@contoso.com"] {
        let (st, b) = s.get(&kundo, &inbox(no_rest)).await;
        assert_eq!(st, 404);
        assert!(graph_error(&b, "MailboxNotEnabledForRESTAPI"));
    }
    let (st, b) = s.get(&kundo, &inbox("nobody@contoso.com")).await;
    assert_eq!(st, 404);
    assert!(graph_error(&b, "ErrorInvalidUser"));
    assert_eq!(
        b["error"]["message"],
        "The requested user 'nobody@contoso.com' is invalid."
    );
    // permission missing: no MailboxSettings role
    let (st, b) = s
        .get(&kundo, "/users/support@contoso.com/mailboxSettings")
        .await;
    assert_eq!(st, 403);
    graph_error(&b, "ErrorAccessDenied");
    assert_eq!(b["error"]["message"], DENIED);
    // permission missing: no User.Read.All for /users/{id}
    let (st, b) = s.get(&kundo, "/users/support@contoso.com").await;
    assert_eq!(st, 403);
    assert!(graph_error(&b, "Authorization_RequestDenied"));
    // the reporting app reads users but no mail
    let rep = s
        .token(
            "b1c2d3e4-0000-4000-8000-000000000002",
            "reporting~secret~value",
        )
        .await;
    let (st, b) = s.get(&rep, "/users/support@contoso.com").await;
    assert_eq!(
        (st, b["userPrincipalName"].as_str()),
        (200, Some("support@contoso.com"))
    );
    let (st, _) = s.get(&rep, &inbox("support@contoso.com")).await;
    assert_eq!(st, 403);
    // eLegere: Mail.Send only through RBAC, scoped to invoices@
    let el = s
        .token(
            "b1c2d3e4-0000-4000-8000-000000000003",
            "elegere~secret~value",
        )
        .await;
    assert!(claims(&el).get("roles").is_none());
    let mail = json!({"message": {"subject": "Invoice", "toRecipients": [{"emailAddress": {"address": "x@example.com"}}]}});
    let r = s
        .call(
            Method::POST,
            &el,
            "/users/invoices@contoso.com/sendMail",
            Some(mail.clone()),
        )
        .await;
    assert_eq!(r.status(), 202);
    let r = s
        .call(
            Method::POST,
            &el,
            "/users/support@contoso.com/sendMail",
            Some(mail),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn users_endpoint_by_upn_and_id_and_unknown() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, u) = s.get(&t, "/users/A@Contoso.com").await;
    assert_eq!(st, 200);
    assert_eq!(u["displayName"], "Alex Wilber");
    let id = u["id"].as_str().unwrap().to_string();
    let (st, u2) = s.get(&t, &format!("/users/{id}")).await;
    assert_eq!((st, &u2["mail"]), (200, &json!("a@contoso.com")));
    let (st, b) = s.get(&t, "/users/ghost@contoso.com").await;
    assert_eq!(st, 404);
    assert!(graph_error(&b, "Request_ResourceNotFound"));
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Resource 'ghost@contoso.com' does not exist")
    );
}

const POLICIES: &str = r#"
[[group]]
address = "allowed@contoso.com"
members = ["a@contoso.com", "nested@contoso.com"]

[[group]]
address = "nested@contoso.com"
members = ["s@contoso.com"]

[[group]]
address = "blocked@contoso.com"
members = ["s@contoso.com"]

[[access_policy]]
app = "11111111-0000-4000-8000-000000000001"
group = "allowed@contoso.com"
access = "RestrictAccess"

[[access_policy]]
app = "11111111-0000-4000-8000-000000000001"
group = "blocked@contoso.com"
access = "DenyAccess"
effective_after_s = 2

[[mailbox]]
address = "c@contoso.com"
"#;

#[tokio::test]
async fn access_policies_order_nesting_and_propagation() {
    let s = sim("", POLICIES).await;
    let t = s.token(FULL, "good~secret").await;
    let inbox = |m: &str| format!("/users/{m}/mailFolders/inbox");
    assert_eq!(
        s.get(&t, &inbox("a@contoso.com")).await.0,
        200,
        "direct member of Restrict"
    );
    assert_eq!(
        s.get(&t, &inbox("c@contoso.com")).await.0,
        403,
        "outside every Restrict group"
    );
    // s@ is in a group nested in the Restrict group; the Deny for s@ is not effective yet
    let (st, _) = s.get(&t, &inbox("s@contoso.com")).await;
    let asked_at = s.stats().await.uptime_s;
    assert!(
        asked_at < 2.0,
        "machine too slow for this test: {asked_at} s"
    );
    assert_eq!(st, 200, "nested member, Deny still propagating");
    let wait = 2.05 - s.stats().await.uptime_s;
    if wait > 0.0 {
        tokio::time::sleep(std::time::Duration::from_secs_f64(wait)).await;
    }
    let (st, b) = s.get(&t, &inbox("s@contoso.com")).await;
    assert_eq!(st, 403, "Deny beats Restrict once effective");
    assert_eq!(b["error"]["message"], RAOP);
    // an app without policies reaches everything
    let s2 = sim("", "").await;
    let t2 = s2.token(FULL, "good~secret").await;
    assert_eq!(s2.get(&t2, &inbox("c@contoso.com")).await.0, 404);
    assert_eq!(s2.get(&t2, &inbox("s@contoso.com")).await.0, 200);
}

const RBAC: &str = r#"
[[group]]
address = "scope@contoso.com"
members = ["a@contoso.com", "inner@contoso.com"]

[[group]]
address = "inner@contoso.com"
members = ["s@contoso.com"]

[[group]]
address = "tiny@contoso.com"
members = ["c@contoso.com"]

[[mailbox]]
address = "c@contoso.com"

[[rbac_assignment]]
app = "22222222-0000-4000-8000-000000000002"
role = "Application Mail.Read"
group = "scope@contoso.com"

[[rbac_assignment]]
app = "11111111-0000-4000-8000-000000000001"
role = "Application Mail.Read"
group = "scope@contoso.com"

[[access_policy]]
app = "11111111-0000-4000-8000-000000000001"
group = "tiny@contoso.com"
access = "RestrictAccess"

[[rbac_assignment]]
app = "22222222-0000-4000-8000-000000000002"
role = "Application Mail.Send"

[[rbac_assignment]]
app = "22222222-0000-4000-8000-000000000002"
role = "Application MailboxSettings.Read"
group = "scope@contoso.com"
effective_after_s = 3600
"#;

#[tokio::test]
async fn rbac_union_direct_members_and_policies_do_not_constrain_rbac() {
    let s = sim("", RBAC).await;
    let only_rbac = s.token(NOROLES, "s2").await;
    let list = |m: &str| format!("/users/{m}/messages?$top=1");
    assert_eq!(
        s.get(&only_rbac, &list("a@contoso.com")).await.0,
        200,
        "direct member"
    );
    let (st, b) = s.get(&only_rbac, &list("s@contoso.com")).await;
    assert_eq!(st, 403, "nested members are out of RBAC scope");
    assert_eq!(b["error"]["message"], DENIED);
    assert_eq!(s.get(&only_rbac, &list("c@contoso.com")).await.0, 403);
    let r = s
        .call(
            Method::POST,
            &only_rbac,
            "/users/a@contoso.com/messages",
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status(), 403, "Mail.Read via RBAC does not allow drafts");
    let mail =
        json!({"message": {"toRecipients": [{"emailAddress": {"address": "x@example.com"}}]}});
    let st = s
        .status_of(
            Method::POST,
            &only_rbac,
            "/users/c@contoso.com/sendMail",
            mail,
        )
        .await;
    assert_eq!(st, 202, "organization-wide assignment (no group)");
    let (st, _) = s
        .get(&only_rbac, "/users/a@contoso.com/mailboxSettings")
        .await;
    assert_eq!(st, 403, "assignment still propagating");
    // Full has Entra Mail.ReadWrite restricted to tiny@ by policy, plus RBAC Mail.Read on scope@
    let full = s.token(FULL, "good~secret").await;
    assert_eq!(
        s.get(&full, &list("a@contoso.com")).await.0,
        200,
        "RBAC grant ignores the policy"
    );
    assert_eq!(
        s.get(&full, &list("c@contoso.com")).await.0,
        200,
        "Entra grant within the policy"
    );
    let (st, b) = s.get(&full, &list("s@contoso.com")).await;
    assert_eq!(st, 403);
    assert_eq!(b["error"]["message"], RAOP);
    let r = s
        .call(
            Method::POST,
            &full,
            "/users/a@contoso.com/messages",
            Some(json!({})),
        )
        .await;
    assert_eq!(
        r.status(),
        403,
        "writing needs the Entra grant, which the policy blocks"
    );
}

#[tokio::test]
async fn token_problems_are_401_invalid_authentication_token() {
    let s = sim("", "").await;
    let good = s.token(FULL, "good~secret").await;
    let mut c = claims(&good);
    c["exp"] = json!(c["iat"].as_i64().unwrap() - 10);
    let expired = s.h.sign_claims(&c).await.unwrap();
    let mut c = claims(&good);
    c["aud"] = json!("https://graph.microsoft.com");
    let wrong_aud = s.h.sign_claims(&c).await.unwrap();
    let other = sim("", "").await;
    let foreign = other.token(FULL, "good~secret").await;
    let cases = [
        (
            expired.as_str(),
            "Access token has expired or is not yet valid.",
        ),
        (
            wrong_aud.as_str(),
            "Access token validation failure. Invalid audience.",
        ),
        (
            "garbage",
            "CompactToken parsing failed with error code: 80049217",
        ),
        ("", "Access token is empty."),
        (foreign.as_str(), "Access token validation failure."),
    ];
    for (token, message) in cases {
        let url = format!("{}/v1.0/users/a@contoso.com/messages", s.h.graph);
        let r =
            s.c.get(url)
                .header("authorization", format!("Bearer {token}"))
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 401, "{message}");
        let www = r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            www.starts_with("Bearer realm=\"\", authorization_uri=\""),
            "{www}"
        );
        assert!(www.ends_with("client_id=\"00000003-0000-0000-c000-000000000000\""));
        let b: serde_json::Value = r.json().await.unwrap();
        assert!(graph_error(&b, "InvalidAuthenticationToken"));
        assert_eq!(b["error"]["message"], message);
    }
    let r =
        s.c.get(format!("{}/v1.0/users/a@contoso.com", s.h.graph))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 401, "no Authorization header");
}

#[tokio::test]
async fn expired_tokens_from_negative_lifetime() {
    let s = sim("token_lifetime_s = -60", "").await;
    let t = s.token(FULL, "good~secret").await;
    let (st, b) = s.get(&t, "/users/a@contoso.com").await;
    assert_eq!(st, 401);
    assert_eq!(
        b["error"]["message"],
        "Access token has expired or is not yet valid."
    );
}

#[tokio::test]
async fn graph_headers_request_ids_and_inner_error() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let url = format!("{}/v1.0/users/nobody@contoso.com/messages", s.h.graph);
    let r =
        s.c.get(&url)
            .bearer_auth(&t)
            .header("client-request-id", "my-id-1")
            .send()
            .await
            .unwrap();
    assert_eq!(r.headers()["client-request-id"], "my-id-1");
    let rid = r.headers()["request-id"].to_str().unwrap().to_string();
    assert!(r.headers()["date"].to_str().unwrap().ends_with(" GMT"));
    let b: serde_json::Value = r.json().await.unwrap();
    let inner = &b["error"]["innerError"];
    assert_eq!(inner["request-id"], rid.as_str());
    assert_eq!(inner["client-request-id"], "my-id-1");
    let date = inner["date"].as_str().unwrap();
    assert_eq!(date.len(), 19, "no zone suffix: {date}");
    let r = s.c.get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.headers()["client-request-id"], r.headers()["request-id"]);
}
