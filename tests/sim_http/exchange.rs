//! Exchange Online's InvokeCommand on the sim: tokens for Exchange's resource, who may call,
//! `X-AnchorMailbox`, error shapes, the recipient cmdlets, paging and injected failures.

use serde_json::{Value, json};

use crate::apps::{GLOBAL_ADMIN, admin_token, post};
use crate::support::*;

pub const EXO: &str = "https://outlook.office365.com";
pub const EXO_CLIENT: &str = "fb78d390-0c51-40cd-8e17-fdbfab77341b";
pub const EXCHANGE_ADMIN: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";
const RECIPIENT_ADMIN: &str = "31392ffb-586c-42d1-9346-e59415a2cc4e";
const APP_ADMIN: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
const EXCHANGE_APP: &str = "00000002-0000-0ff1-ce00-000000000000";
const MANAGE_AS_APP: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";

/// Admins for the Exchange tests.
pub const ADMINS: &str = r#"
[[admin]]
upn = "exo@contoso.com"
roles = ["Exchange Administrator"]

[[admin]]
upn = "recipients@contoso.com"
roles = ["Exchange Recipient Administrator"]

[[admin]]
upn = "apps@contoso.com"
roles = ["Application Administrator"]
"#;

/// A delegated Exchange token as Entra issues it to the Exchange Online PowerShell client.
pub async fn exo_token(s: &Sim, upn: &str, wids: &[&str]) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let c = json!({
        "aud": EXO, "iss": format!("https://sts.windows.net/{TENANT}/"),
        "iat": now, "nbf": now, "exp": now + 3600,
        "appid": EXO_CLIENT, "appidacr": "0", "idtyp": "user",
        "scp": "AdminApi.AccessAsUser.All", "wids": wids, "upn": upn, "unique_name": upn,
        "oid": "0b0b0b0b-0000-4000-8000-00000000000b", "tid": TENANT, "ver": "1.0",
    });
    s.h.sign_claims(&c).await.unwrap()
}

/// The endpoint URL.
pub fn invoke_url(s: &Sim) -> String {
    format!("{}/adminapi/beta/{TENANT}/InvokeCommand", s.h.graph)
}

/// The request body.
pub fn cmdlet(name: &str, params: Value) -> Value {
    json!({"CmdletInput": {"CmdletName": name, "Parameters": params}})
}

/// POSTs `body` to `url` as the module does; status, headers and raw body.
pub async fn invoke_at(
    s: &Sim,
    url: &str,
    token: &str,
    body: &Value,
    extra: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut rb =
        s.c.post(url)
            .bearer_auth(token)
            .header("X-AnchorMailbox", "UPN:exo@contoso.com")
            .json(body);
    for (k, v) in extra {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// `Get-Mailbox` without parameters: status, headers, raw body.
async fn get_mailbox(s: &Sim, token: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let body = cmdlet("Get-Mailbox", json!({}));
    invoke_at(s, &invoke_url(s), token, &body, &[]).await
}

/// Runs a cmdlet; status and JSON (Null when not JSON).
pub async fn invoke(s: &Sim, token: &str, name: &str, params: Value) -> (u16, Value) {
    let (st, _, body) = invoke_at(s, &invoke_url(s), token, &cmdlet(name, params), &[]).await;
    (st, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Runs a cmdlet that must succeed; its `value`.
pub async fn ok(s: &Sim, token: &str, name: &str, params: Value) -> Vec<Value> {
    let (st, body) = invoke(s, token, name, params).await;
    assert_eq!(st, 200, "{name}: {body}");
    body["value"].as_array().unwrap().clone()
}

/// A failed cmdlet's `details[0].message` split as `Id|Type|Text`: (type, text).
pub fn failure(status: u16, body: &Value) -> (String, String) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "BadRequest");
    let detail = body["error"]["details"][0]["message"].as_str().unwrap();
    let parts: Vec<&str> = detail.splitn(3, '|').collect();
    assert_eq!(parts.len(), 3, "{detail}");
    assert!(parts[0].starts_with("Ex"), "{detail}");
    assert_eq!(
        body["error"]["innererror"]["internalexception"]["message"],
        parts[2]
    );
    (parts[1].to_string(), parts[2].to_string())
}

/// Runs a cmdlet that must fail; the exception type's last segment and the text.
pub async fn fails(s: &Sim, token: &str, name: &str, params: Value) -> (String, String) {
    let (st, body) = invoke(s, token, name, params).await;
    let (kind, text) = failure(st, &body);
    (kind.rsplit('.').next().unwrap().to_string(), text)
}

#[tokio::test]
async fn exchange_tokens_come_from_the_token_endpoint_with_the_admins_roles() {
    let top = "auto_approve = \"exo@contoso.com\"\ndevice_code_interval_s = 0";
    let s = sim(top, ADMINS).await;
    let url = format!("{}/contoso.com/oauth2/v2.0/devicecode", s.h.authority);
    let scope = format!("{EXO}/.default offline_access");
    let d: Value =
        s.c.post(url)
            .form(&[("client_id", EXO_CLIENT), ("scope", scope.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let form = [
        ("client_id", EXO_CLIENT),
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", d["device_code"].as_str().unwrap()),
    ];
    let (st, body) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 200, "{body}");
    assert!(body["scope"].as_str().unwrap().starts_with(EXO));
    let token = body["access_token"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["aud"], EXO);
    assert_eq!(c["appid"], EXO_CLIENT);
    assert_eq!(c["wids"], json!([EXCHANGE_ADMIN]));
    assert!(
        c["scp"]
            .as_str()
            .unwrap()
            .contains("AdminApi.AccessAsUser.All")
    );
    let groups = ok(&s, token, "Get-DistributionGroup", json!({})).await;
    assert!(groups.is_empty());
    // The refresh token serves Exchange too; a Graph token does not open Exchange.
    let rt = body["refresh_token"].as_str().unwrap();
    let form = [
        ("client_id", EXO_CLIENT),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt),
        (
            "scope",
            "https://outlook.office365.us/.default offline_access",
        ),
    ];
    let (st, body) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["aud"],
        "https://outlook.office365.us"
    );
    let graph = admin_token(&s, "User.Read", &[GLOBAL_ADMIN]).await;
    let (st, _) = invoke(&s, &graph, "Get-DistributionGroup", json!({})).await;
    assert_eq!(st, 401);
    // The sim's own base URL, asked by the Exchange client, is Exchange's too (custom clouds).
    let form = [
        ("client_id", EXO_CLIENT),
        ("grant_type", "refresh_token"),
        ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ("scope", &format!("{}/.default", s.h.graph)),
    ];
    let (st, body) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 200, "{body}");
    let own = body["access_token"].as_str().unwrap();
    assert_eq!(claims(own)["aud"], s.h.graph.as_str());
    assert_eq!(ok(&s, own, "Get-Mailbox", json!({})).await.len(), 2);
}

#[tokio::test]
async fn app_only_tokens_get_401_without_manage_as_app_and_403_with_it() {
    let s = sim("", "").await;
    let form = [
        ("client_id", FULL),
        ("client_secret", "good~secret"),
        ("scope", "https://outlook.office365.com/.default"),
        ("grant_type", "client_credentials"),
    ];
    let (st, body) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 200, "{body}");
    let t = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims(&t)["aud"], EXO);
    assert_eq!(
        claims(&t)["roles"],
        Value::Null,
        "Graph roles stay on Graph"
    );
    let (st, h, _) = get_mailbox(&s, &t).await;
    assert_eq!(st, 401);
    assert!(h.contains_key("www-authenticate"));
    // Grant Exchange.ManageAsApp through Graph: the app is known but has no Exchange role.
    let admin = admin_token(&s, crate::apps::ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let (_, exo_sp) = s
        .get(
            &admin,
            &format!("/servicePrincipals(appId='{EXCHANGE_APP}')"),
        )
        .await;
    let (_, app_sp) = s
        .get(&admin, &format!("/servicePrincipals(appId='{FULL}')"))
        .await;
    let grant = json!({"principalId": app_sp["id"], "resourceId": exo_sp["id"], "appRoleId": MANAGE_AS_APP});
    let path = format!(
        "/servicePrincipals/{}/appRoleAssignedTo",
        exo_sp["id"].as_str().unwrap()
    );
    let (st, body) = post(&s, &admin, &path, grant).await;
    assert_eq!(st, 201, "{body}");
    let (_, body) = s.token_raw(TENANT, &form).await;
    let t = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims(&t)["roles"], json!(["Exchange.ManageAsApp"]));
    let (st, _, body) = get_mailbox(&s, &t).await;
    assert_eq!(st, 403);
    assert!(body.iter().all(|b| *b == 0) && !body.is_empty());
}

#[tokio::test]
async fn anchor_header_body_shape_and_unknown_cmdlets() {
    let s = sim("", ADMINS).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    let url = invoke_url(&s);
    let r =
        s.c.post(&url)
            .bearer_auth(&t)
            .json(&cmdlet("Get-Mailbox", json!({})))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 400, "no X-AnchorMailbox");
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("X-AnchorMailbox")
    );
    let (st, _, _) = invoke_at(&s, &url, &t, &json!({"Cmdlet": "Get-Mailbox"}), &[]).await;
    assert_eq!(st, 400, "not a CmdletInput");
    let (st, h, body) = invoke_at(&s, &url, &t, &cmdlet("Get-Nothing", json!({})), &[]).await;
    assert_eq!(st, 403);
    assert!(!body.is_empty() && body.iter().all(|b| *b == 0));
    assert!(h.contains_key("x-ms-diagnostics"));
    let (kind, text) = fails(&s, &t, "Get-Mailbox", json!({"Identiy": "a"})).await;
    assert_eq!(kind, "ParameterBindingException");
    assert!(text.contains("'Identiy'"), "{text}");
    let other = url.replace(TENANT, "fabrikam.com");
    let (st, _, _) = invoke_at(&s, &other, &t, &cmdlet("Get-Mailbox", json!({})), &[]).await;
    assert_eq!(st, 401, "another tenant");
    let stats = s.stats().await;
    assert_eq!(stats.count("InvokeCommand Get-Mailbox", 400), 1);
    assert_eq!(stats.count("InvokeCommand (unknown)", 403), 1);
    assert_eq!(
        stats.count("POST /adminapi/beta/{tenantId}/InvokeCommand", 403),
        1
    );
}

#[tokio::test]
async fn directory_roles_decide_which_cmdlets_run() {
    let s = sim("", ADMINS).await;
    let apps = exo_token(&s, "apps@contoso.com", &[APP_ADMIN]).await;
    let (kind, text) = fails(&s, &apps, "Get-DistributionGroup", json!({})).await;
    assert_eq!(kind, "CmdletAccessDeniedException");
    assert!(text.contains("\"Get-DistributionGroup\""), "{text}");
    let rcp = exo_token(&s, "recipients@contoso.com", &[RECIPIENT_ADMIN]).await;
    ok(&s, &rcp, "Get-DistributionGroup", json!({})).await;
    let params = json!({"Name": "Scope", "Type": "Security"});
    ok(&s, &rcp, "New-DistributionGroup", params).await;
    let policy =
        json!({"AppId": FULL, "PolicyScopeGroupId": "Scope", "AccessRight": "RestrictAccess"});
    let (kind, _) = fails(&s, &rcp, "New-ApplicationAccessPolicy", policy.clone()).await;
    assert_eq!(kind, "CmdletAccessDeniedException");
    let (kind, _) = fails(
        &s,
        &rcp,
        "Test-ServicePrincipalAuthorization",
        json!({"Identity": FULL}),
    )
    .await;
    assert_eq!(kind, "CmdletAccessDeniedException");
    let ga = exo_token(&s, "exo@contoso.com", &[GLOBAL_ADMIN]).await;
    assert_eq!(
        ok(&s, &ga, "New-ApplicationAccessPolicy", policy)
            .await
            .len(),
        1
    );
}

const GROUPS: &str = r#"
[[group]]
address = "team@contoso.com"
members = ["a@contoso.com"]

[[group]]
address = "news@contoso.com"
name = "News"
kind = "distribution"
"#;

#[tokio::test]
async fn groups_members_and_shared_mailboxes() {
    let s = sim("", &format!("{ADMINS}{GROUPS}")).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    let params = json!({"Name": "App mailboxes", "Alias": "app-mailboxes", "Type": "Security", "PrimarySmtpAddress": "App-Mailboxes@contoso.com"});
    let g = ok(&s, &t, "New-DistributionGroup", params).await;
    assert_eq!(g[0]["PrimarySmtpAddress"], "app-mailboxes@contoso.com");
    assert_eq!(g[0]["GroupType"], "Universal, SecurityEnabled");
    assert_eq!(g[0]["RecipientTypeDetails"], "MailUniversalSecurityGroup");
    let dn = g[0]["DistinguishedName"].as_str().unwrap().to_string();
    assert!(
        dn.starts_with("CN=App mailboxes,OU=contoso.onmicrosoft.com,"),
        "{dn}"
    );
    let by_dn = ok(&s, &t, "Get-Group", json!({"Identity": "app-mailboxes"})).await;
    assert_eq!(by_dn[0]["DistinguishedName"], dn.as_str());
    for key in ["app-mailboxes@contoso.com", "App mailboxes", dn.as_str()] {
        let found = ok(&s, &t, "Get-DistributionGroup", json!({"Identity": key})).await;
        assert_eq!(found[0]["Name"], "App mailboxes", "{key}");
    }
    let (kind, _) = fails(
        &s,
        &t,
        "New-DistributionGroup",
        json!({"Name": "App mailboxes"}),
    )
    .await;
    assert_eq!(kind, "ADObjectAlreadyExistsException");
    let params = json!({"Name": "Other", "PrimarySmtpAddress": "a@contoso.com"});
    let (kind, text) = fails(&s, &t, "New-DistributionGroup", params).await;
    assert_eq!(kind, "ProxyAddressExistsException");
    assert!(text.contains("SMTP:a@contoso.com"), "{text}");
    let (kind, text) = fails(&s, &t, "Get-DistributionGroup", json!({"Identity": "nope"})).await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
    assert!(text.contains("'nope'"), "{text}");
    let plain = ok(
        &s,
        &t,
        "New-DistributionGroup",
        json!({"Name": "Plain list"}),
    )
    .await;
    assert_eq!(
        plain[0]["GroupType"], "Universal",
        "Distribution by default"
    );

    let add = |m: &str| json!({"Identity": "App mailboxes", "Member": m});
    assert!(
        ok(&s, &t, "Add-DistributionGroupMember", add("a@contoso.com"))
            .await
            .is_empty()
    );
    let (kind, _) = fails(&s, &t, "Add-DistributionGroupMember", add("a@contoso.com")).await;
    assert_eq!(kind, "MemberAlreadyExistsException");
    let (kind, _) = fails(
        &s,
        &t,
        "Add-DistributionGroupMember",
        add("ghost@contoso.com"),
    )
    .await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
    // A group someone else manages (the scenario's) needs the bypass switch.
    let into_team = json!({"Identity": "team@contoso.com", "Member": "s@contoso.com"});
    let (kind, _) = fails(&s, &t, "Add-DistributionGroupMember", into_team.clone()).await;
    assert_eq!(kind, "RecipientTaskException");
    let mut bypass = into_team;
    bypass["BypassSecurityGroupManagerCheck"] = json!(true);
    ok(&s, &t, "Add-DistributionGroupMember", bypass).await;
    let members = ok(
        &s,
        &t,
        "Get-DistributionGroupMember",
        json!({"Identity": "team"}),
    )
    .await;
    let addresses: Vec<&str> = members
        .iter()
        .map(|m| m["PrimarySmtpAddress"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["a@contoso.com", "s@contoso.com"]);
    assert_eq!(members[1]["RecipientTypeDetails"], "SharedMailbox");

    // A new shared mailbox exists for Exchange and for Graph at once.
    let params =
        json!({"Shared": true, "Name": "Billing", "PrimarySmtpAddress": "billing@contoso.com"});
    let m = ok(&s, &t, "New-Mailbox", params.clone()).await;
    assert_eq!(m[0]["RecipientTypeDetails"], "SharedMailbox");
    let (kind, _) = fails(&s, &t, "New-Mailbox", params).await;
    assert_eq!(kind, "ADObjectAlreadyExistsException");
    let (kind, _) = fails(&s, &t, "New-Mailbox", json!({"Name": "Person"})).await;
    assert_eq!(
        kind, "TaskArgumentException",
        "user mailboxes are not simulated"
    );
    let found = ok(
        &s,
        &t,
        "Get-Mailbox",
        json!({"Identity": "billing@contoso.com"}),
    )
    .await;
    assert_eq!(
        found[0]["ExternalDirectoryObjectId"],
        m[0]["ExternalDirectoryObjectId"]
    );
    let (kind, _) = fails(
        &s,
        &t,
        "Get-Mailbox",
        json!({"Identity": "onprem@contoso.com"}),
    )
    .await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
    let r = ok(
        &s,
        &t,
        "Get-Recipient",
        json!({"Identity": "onprem@contoso.com"}),
    )
    .await;
    assert_eq!(r[0]["RecipientTypeDetails"], "MailUser");
    let app = s.token(FULL, "good~secret").await;
    assert_eq!(s.get(&app, "/users/billing@contoso.com").await.0, 200);
    let (st, inbox) = s.get(&app, "/users/billing@contoso.com/messages").await;
    assert_eq!(st, 200, "{inbox}");
    // WhatIf changes nothing.
    let params = json!({"Name": "Dry", "Type": "Security", "WhatIf": true});
    assert!(ok(&s, &t, "New-DistributionGroup", params).await.is_empty());
    let (kind, _) = fails(&s, &t, "Get-DistributionGroup", json!({"Identity": "Dry"})).await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
}

const MANY: &str = r#"
[[mailbox_range]]
pattern = "agent{n}@contoso.com"
count = 5
"#;

#[tokio::test]
async fn get_cmdlets_page_by_posting_the_next_link_with_the_same_body() {
    let s = sim("[exchange]\npage_size = 4", &format!("{ADMINS}{MANY}")).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    let body = cmdlet("Get-Mailbox", json!({"ResultSize": "Unlimited"}));
    let (st, _, first) = invoke_at(&s, &invoke_url(&s), &t, &body, &[]).await;
    assert_eq!(st, 200);
    let first: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(first["value"].as_array().unwrap().len(), 4);
    assert!(
        first["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/adminapi/beta/")
    );
    let next = first["@odata.nextLink"].as_str().unwrap();
    let (st, _, second) = invoke_at(&s, next, &t, &body, &[]).await;
    assert_eq!(st, 200);
    let second: Value = serde_json::from_slice(&second).unwrap();
    let names: Vec<&str> = first["value"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["value"].as_array().unwrap())
        .map(|m| m["PrimarySmtpAddress"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 7, "a@, s@ and five agents: {names:?}");
    assert!(second.get("@odata.nextLink").is_none());
    // The nextLink belongs to its cmdlet.
    let other = cmdlet("Get-Recipient", json!({}));
    let (st, _, _) = invoke_at(&s, next, &t, &other, &[]).await;
    assert_eq!(st, 400);
    // Prefer: odata.maxpagesize wins over the default.
    let (_, h, page) = invoke_at(
        &s,
        &invoke_url(&s),
        &t,
        &body,
        &[("Prefer", "odata.maxpagesize=5")],
    )
    .await;
    let page: Value = serde_json::from_slice(&page).unwrap();
    assert_eq!(page["value"].as_array().unwrap().len(), 5);
    assert_eq!(h["preference-applied"], "odata.maxpagesize=5");
    let url = format!("{}?$select=PrimarySmtpAddress", invoke_url(&s));
    let (_, _, page) = invoke_at(&s, &url, &t, &body, &[]).await;
    let page: Value = serde_json::from_slice(&page).unwrap();
    let item = page["value"][0].as_object().unwrap();
    assert!(
        item.keys()
            .all(|k| k == "PrimarySmtpAddress" || k.starts_with('@'))
    );
    let stats = s.stats().await;
    assert_eq!(stats.count("InvokeCommand Get-Mailbox", 200), 4);
    assert_eq!(stats.count("InvokeCommand Get-Recipient", 400), 1);
}

#[tokio::test]
async fn injected_failures_hit_the_nth_call_and_may_still_apply() {
    let top = r#"
[exchange]
propagation_s = 0

[[exchange.fail]]
cmdlet = "New-DistributionGroup"
call = 2
status = 503

[[exchange.fail]]
cmdlet = "Add-DistributionGroupMember"
applied = true
"#;
    let s = sim(top, ADMINS).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    ok(
        &s,
        &t,
        "New-DistributionGroup",
        json!({"Name": "One", "Type": "Security"}),
    )
    .await;
    let (st, h, _) = invoke_at(
        &s,
        &invoke_url(&s),
        &t,
        &cmdlet("New-DistributionGroup", json!({"Name": "Two"})),
        &[],
    )
    .await;
    assert_eq!(st, 503);
    assert!(h.contains_key("retry-after"));
    let (kind, _) = fails(&s, &t, "Get-DistributionGroup", json!({"Identity": "Two"})).await;
    assert_eq!(kind, "ManagementObjectNotFoundException", "not applied");
    ok(&s, &t, "New-DistributionGroup", json!({"Name": "Two"})).await;
    let add = json!({"Identity": "One", "Member": "a@contoso.com"});
    let (st, _) = invoke(&s, &t, "Add-DistributionGroupMember", add.clone()).await;
    assert_eq!(st, 500);
    let members = ok(
        &s,
        &t,
        "Get-DistributionGroupMember",
        json!({"Identity": "One"}),
    )
    .await;
    assert_eq!(members.len(), 1, "applied although the answer failed");
    let (kind, _) = fails(&s, &t, "Add-DistributionGroupMember", add).await;
    assert_eq!(kind, "MemberAlreadyExistsException", "a rerun sees it");
    let stats = s.stats().await;
    assert_eq!(stats.count("InvokeCommand New-DistributionGroup", 503), 1);
    assert_eq!(
        stats.count("InvokeCommand Add-DistributionGroupMember", 500),
        1
    );
}
