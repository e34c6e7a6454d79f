//! Graph app management on the sim: apps created through Graph sign in at the token endpoint;
//! service principals, app role assignments, delegated grants, the app management policy, and
//! authorization by the delegated token's `scp` and `wids`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

pub const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
pub const MAIL_SEND: &str = "b633e1c5-b582-4048-a93e-9f11b44c7e96";
pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const APP_ADMIN: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
const PRIV_ROLE_ADMIN: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
/// The scopes `mailscope entra apply` asks for.
pub const ADMIN_SCP: &str = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All Policy.Read.All";
const VENDOR: &str = "21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36";

/// A delegated Graph token as Entra issues it to an admin (reference §1f).
pub async fn admin_token(s: &Sim, scp: &str, wids: &[&str]) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let c = json!({
        "aud": s.h.graph, "iss": format!("https://sts.windows.net/{TENANT}/"),
        "iat": now, "nbf": now, "exp": now + 3600,
        "appid": "14d82eec-204b-4c2f-b7e8-296a70dab67e", "appidacr": "0", "idtyp": "user",
        "scp": scp, "wids": wids, "upn": "admin@contoso.com", "unique_name": "admin@contoso.com",
        "oid": "0a0a0a0a-0000-4000-8000-00000000000a", "tid": TENANT, "ver": "1.0",
    });
    s.h.sign_claims(&c).await.unwrap()
}

/// A call with an optional JSON body: status and JSON (Null when empty).
pub async fn send(
    s: &Sim,
    m: Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let r = s.call(m, token, path, body).await;
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A POST with a JSON body.
pub async fn post(s: &Sim, token: &str, path: &str, body: Value) -> (u16, Value) {
    send(s, Method::POST, token, path, Some(body)).await
}

fn graph_sp_path() -> String {
    format!("/servicePrincipals(appId='{GRAPH}')")
}

#[tokio::test]
async fn an_app_created_through_graph_signs_in_with_its_new_secret_and_granted_role() {
    let s = sim("", "").await;
    let t = admin_token(&s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let create = json!({
        "displayName": "Kundo Mail", "signInAudience": "AzureADMyOrg",
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [{"id": MAIL_SEND, "type": "Role"}]}],
        "web": {"redirectUris": ["https://app.example/cb"]},
    });
    let (st, app) = post(&s, &t, "/applications", create).await;
    assert_eq!(st, 201, "{app}");
    let (id, app_id) = (app["id"].as_str().unwrap(), app["appId"].as_str().unwrap());
    assert_ne!(id, app_id);
    assert_eq!(
        app["requiredResourceAccess"][0]["resourceAccess"][0]["id"],
        MAIL_SEND
    );
    assert_eq!(
        app["web"]["redirectUris"],
        json!(["https://app.example/cb"])
    );
    assert_eq!(app["api"]["requestedAccessTokenVersion"], Value::Null);

    let (st, list) = s
        .get(&t, &format!("/applications?$filter=appId eq '{app_id}'"))
        .await;
    assert_eq!(
        (st, list["value"].as_array().unwrap().len()),
        (200, 1),
        "{list}"
    );
    let (_, named) = s
        .get(&t, "/applications?$filter=displayName eq 'Kundo Mail'")
        .await;
    assert_eq!(named["value"][0]["id"], id);

    let path = format!("/applications/{id}/addPassword");
    let body = json!({"passwordCredential": {"displayName": "mailscope"}});
    let (st, pw) = post(&s, &t, &path, body).await;
    assert_eq!(st, 200, "{pw}");
    let secret = pw["secretText"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 40);
    assert_eq!(pw["hint"].as_str().unwrap(), &secret[..3]);
    let start = time::OffsetDateTime::parse(
        pw["startDateTime"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let end = time::OffsetDateTime::parse(
        pw["endDateTime"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(
        (end - start).whole_days(),
        730,
        "default lifetime: two years"
    );
    let (_, got) = s.get(&t, &format!("/applications/{id}")).await;
    assert_eq!(got["passwordCredentials"][0]["keyId"], pw["keyId"]);
    assert_eq!(got["passwordCredentials"][0]["secretText"], Value::Null);
    assert!(
        !got.to_string().contains(&secret),
        "the value is shown once only"
    );

    // No service principal yet: Entra's AADSTS7000229.
    let (st, b) = s.token_secret(app_id, &secret).await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 7000229);

    let (st, sp) = post(&s, &t, "/servicePrincipals", json!({"appId": app_id})).await;
    assert_eq!(st, 201, "{sp}");
    let sp_id = sp["id"].as_str().unwrap().to_string();
    let (st, dup) = post(&s, &t, "/servicePrincipals", json!({"appId": app_id})).await;
    assert_eq!(st, 409);
    graph_error(&dup, "Request_MultipleObjectsWithSameKeyValue");

    let (st, token) = s.token_secret(app_id, &secret).await;
    assert_eq!(st, 200, "{token}");
    assert!(
        claims(token["access_token"].as_str().unwrap())
            .get("roles")
            .is_none()
    );

    let (st, graph) = s.get(&t, &graph_sp_path()).await;
    assert_eq!(st, 200, "{graph}");
    let role = graph["appRoles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == "Mail.Send")
        .unwrap();
    assert_eq!(role["id"], MAIL_SEND);
    let scopes = graph["oauth2PermissionScopes"].as_array().unwrap();
    let scope_id = |v: &str| {
        scopes
            .iter()
            .find(|x| x["value"] == v)
            .map(|x| x["id"].clone())
    };
    assert_eq!(
        scope_id("offline_access"),
        Some(json!("7427e0e9-2fba-42fe-b0c0-848c9e6a8182"))
    );
    assert_eq!(
        scope_id("Mail.Read"),
        Some(json!("570282fd-fa5c-430d-a7fd-fc8dc98a9dca"))
    );
    let graph_sp = graph["id"].as_str().unwrap().to_string();

    let assigned = format!("/servicePrincipals/{graph_sp}/appRoleAssignedTo");
    let grant = json!({"principalId": sp_id, "resourceId": graph_sp, "appRoleId": MAIL_SEND});
    let (st, a) = post(&s, &t, &assigned, grant.clone()).await;
    assert_eq!(st, 201, "{a}");
    assert_eq!(
        (
            a["principalDisplayName"].as_str(),
            a["resourceDisplayName"].as_str()
        ),
        (Some("Kundo Mail"), Some("Microsoft Graph"))
    );
    let (st, again) = post(&s, &t, &assigned, grant).await;
    assert_eq!(st, 400);
    assert_eq!(
        again["error"]["message"],
        "Permission being assigned already exists on the object"
    );

    let (_, token) = s.token_secret(app_id, &secret).await;
    assert_eq!(
        claims(token["access_token"].as_str().unwrap())["roles"],
        json!(["Mail.Send"])
    );
    let (_, mine) = s
        .get(
            &t,
            &format!("/servicePrincipals/{sp_id}/appRoleAssignments"),
        )
        .await;
    assert_eq!(mine["value"][0]["id"], a["id"]);

    let revoke = format!("{assigned}/{}", a["id"].as_str().unwrap());
    assert_eq!(send(&s, Method::DELETE, &t, &revoke, None).await.0, 204);
    let (_, token) = s.token_secret(app_id, &secret).await;
    assert!(
        claims(token["access_token"].as_str().unwrap())
            .get("roles")
            .is_none()
    );

    let remove = json!({"keyId": pw["keyId"]});
    let path = format!("/applications/{id}/removePassword");
    assert_eq!(post(&s, &t, &path, remove).await.0, 204);
    let (st, b) = s.token_secret(app_id, &secret).await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 7000215);

    assert_eq!(
        send(&s, Method::DELETE, &t, &format!("/applications/{id}"), None)
            .await
            .0,
        204
    );
    let (st, gone) = s.get(&t, &format!("/applications/{id}")).await;
    assert_eq!(st, 404);
    graph_error(&gone, "Request_ResourceNotFound");
    let (st, _) = s
        .get(&t, &format!("/servicePrincipals(appId='{app_id}')"))
        .await;
    assert_eq!(st, 404, "the service principal goes with the application");
}

#[tokio::test]
async fn delegated_grants_audience_and_certificates() {
    let s = sim("", "").await;
    let t = admin_token(&s, ADMIN_SCP, &[APP_ADMIN]).await;
    let (_, app) = post(&s, &t, "/applications", json!({"displayName": "LEXZUR"})).await;
    let (id, app_id) = (app["id"].as_str().unwrap(), app["appId"].as_str().unwrap());
    let (_, sp) = post(&s, &t, "/servicePrincipals", json!({"appId": app_id})).await;
    let (_, graph) = s.get(&t, &graph_sp_path()).await;
    let (sp, graph) = (sp["id"].as_str().unwrap(), graph["id"].as_str().unwrap());

    let body = json!({"clientId": sp, "consentType": "AllPrincipals", "resourceId": graph, "scope": "User.Read Mail.Read"});
    let (st, g) = post(&s, &t, "/oauth2PermissionGrants", body).await;
    assert_eq!(st, 201, "{g}");
    assert_eq!(g["principalId"], Value::Null);
    let filter = format!(
        "/oauth2PermissionGrants?$filter=clientId eq '{sp}' and consentType eq 'AllPrincipals'"
    );
    let (_, list) = s.get(&t, &filter).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1, "{list}");
    let gpath = format!("/oauth2PermissionGrants/{}", g["id"].as_str().unwrap());
    let scope = json!({"scope": "User.Read Mail.ReadWrite offline_access"});
    assert_eq!(
        send(&s, Method::PATCH, &t, &gpath, Some(scope)).await.0,
        204
    );
    assert_eq!(
        s.get(&t, &gpath).await.1["scope"],
        "User.Read Mail.ReadWrite offline_access"
    );
    assert_eq!(send(&s, Method::DELETE, &t, &gpath, None).await.0, 204);
    assert_eq!(s.get(&t, &gpath).await.0, 404);

    let app_path = format!("/applications/{id}");
    let personal = json!({"signInAudience": "AzureADandPersonalMicrosoftAccount"});
    let (st, e) = send(&s, Method::PATCH, &t, &app_path, Some(personal)).await;
    assert_eq!(st, 400);
    assert_eq!(
        e["error"]["message"],
        "Property api.requestedAccessTokenVersion is invalid."
    );
    let personal = json!({"signInAudience": "AzureADandPersonalMicrosoftAccount", "api": {"requestedAccessTokenVersion": 2},
        "publicClient": {"redirectUris": ["http://localhost"]}});
    assert_eq!(
        send(&s, Method::PATCH, &t, &app_path, Some(personal))
            .await
            .0,
        204
    );
    let (_, got) = s.get(&t, &app_path).await;
    assert_eq!(
        (
            got["signInAudience"].as_str(),
            got["api"]["requestedAccessTokenVersion"].as_i64()
        ),
        (Some("AzureADandPersonalMicrosoftAccount"), Some(2))
    );
    assert_eq!(
        got["publicClient"]["redirectUris"],
        json!(["http://localhost"])
    );

    // The first certificate goes in by PATCH, which replaces the collection.
    let (cred, _) = crate::token_cert::new_cred();
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD.encode(&cred.der);
    let keys = json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": key, "displayName": "CN=mailscope"}]});
    assert_eq!(
        send(&s, Method::PATCH, &t, &app_path, Some(keys)).await.0,
        204
    );
    let (_, got) = s.get(&t, &app_path).await;
    let thumb: String = {
        use sha1::Digest;
        sha1::Sha1::digest(&cred.der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    };
    assert_eq!(got["keyCredentials"][0]["customKeyIdentifier"], thumb);
    assert_eq!(got["keyCredentials"][0]["key"], Value::Null);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let c = json!({"aud": format!("{}/{TENANT}/oauth2/v2.0/token", s.h.authority), "iss": app_id, "sub": app_id,
        "jti": uuid::Uuid::new_v4().to_string(), "nbf": now, "iat": now, "exp": now + 600});
    let jwt = crate::token_cert::assertion(&cred, &cred, jsonwebtoken::Algorithm::RS256, &c);
    let scope = s.scope();
    let form = [
        ("client_id", app_id),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", jwt.as_str()),
        ("scope", scope.as_str()),
        ("grant_type", "client_credentials"),
    ];
    let (st, b) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 200, "the uploaded certificate signs in: {b}");
    assert_eq!(
        send(
            &s,
            Method::PATCH,
            &t,
            &app_path,
            Some(json!({"keyCredentials": []}))
        )
        .await
        .0,
        204
    );
    assert_eq!(s.get(&t, &app_path).await.1["keyCredentials"], json!([]));
    let (st, _) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 401, "the removed certificate no longer does");
}

#[tokio::test]
async fn roles_and_scopes_decide_and_the_policy_caps_secrets() {
    let extra = format!(
        "[app_management]\nmax_secret_lifetime_days = 180\nexternal_apps = [{{ app_id = \"{VENDOR}\", name = \"LEXZUR\" }}]\n"
    );
    let s = sim("", &extra).await;
    let denied = |b: &Value| {
        graph_error(b, "Authorization_RequestDenied");
        assert_eq!(
            b["error"]["message"],
            "Insufficient privileges to complete the operation."
        );
    };
    let app_admin = admin_token(&s, ADMIN_SCP, &[APP_ADMIN]).await;
    let no_role = admin_token(&s, ADMIN_SCP, &[]).await;
    let no_scope = admin_token(&s, "User.Read Application.Read.All", &[GLOBAL_ADMIN]).await;
    let pra = admin_token(&s, ADMIN_SCP, &[PRIV_ROLE_ADMIN]).await;
    let new_app = Some(json!({"displayName": "X"}));
    for t in [&no_role, &no_scope] {
        let (st, b) = send(&s, Method::POST, t, "/applications", new_app.clone()).await;
        assert_eq!(st, 403);
        denied(&b);
    }
    assert_eq!(
        s.get(&no_scope, "/applications").await.0,
        200,
        "reading needs no directory role"
    );
    let (st, org) = s.get(&no_scope, "/organization").await;
    assert_eq!(st, 200, "{org}");
    let (st, _) = s.get(&no_role, "/organization").await;
    assert_eq!(
        st, 403,
        "the app management scopes do not read the organization (User.Read does)"
    );
    let tenant = &org["value"][0];
    assert_eq!(
        (tenant["id"].as_str(), tenant["displayName"].as_str()),
        (Some(TENANT), Some("Contoso"))
    );
    let app_only = s.token(FULL, "good~secret").await;
    assert_eq!(s.get(&app_only, "/applications").await.0, 403);

    // The scenario's apps are in the registry, with their secrets' metadata and consented roles.
    let (_, list) = s
        .get(
            &app_admin,
            &format!("/applications?$filter=appId eq '{FULL}'"),
        )
        .await;
    let full = &list["value"][0];
    assert_eq!(
        full["passwordCredentials"][0]["keyId"],
        "aaaaaaaa-0000-4000-8000-000000000001"
    );
    assert_eq!(full["passwordCredentials"][0]["hint"], "goo");
    assert!(!list.to_string().contains("good~secret"));
    let (_, sp) = s
        .get(
            &app_admin,
            &format!("/servicePrincipals?$filter=appId eq '{FULL}'"),
        )
        .await;
    let sp_id = sp["value"][0]["id"].as_str().unwrap().to_string();
    let (_, roles) = s
        .get(
            &app_admin,
            &format!("/servicePrincipals/{sp_id}/appRoleAssignments"),
        )
        .await;
    assert_eq!(roles["value"].as_array().unwrap().len(), 4, "{roles}");

    // An Application Administrator may not grant Microsoft Graph app roles; a Privileged Role
    // Administrator may.
    let (_, graph) = s.get(&app_admin, &graph_sp_path()).await;
    let graph = graph["id"].as_str().unwrap();
    let path = format!("/servicePrincipals/{graph}/appRoleAssignedTo");
    let (_, nr) = s
        .get(
            &app_admin,
            &format!("/servicePrincipals(appId='{NOROLES}')"),
        )
        .await;
    let body = json!({"principalId": nr["id"], "resourceId": graph, "appRoleId": MAIL_SEND});
    let (st, b) = post(&s, &app_admin, &path, body.clone()).await;
    assert_eq!(st, 403);
    denied(&b);
    assert_eq!(post(&s, &pra, &path, body).await.0, 201);
    // Exchange.ManageAsApp is not a Graph role: an Application Administrator may grant it.
    let exo_path = "/servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')";
    let (_, exo) = s.get(&app_admin, exo_path).await;
    assert_eq!(exo["appRoles"][0]["value"], "Exchange.ManageAsApp");
    let manage = "dc50a0fb-09a3-484d-be87-e023b12c6440";
    let body = json!({"principalId": nr["id"], "resourceId": exo["id"], "appRoleId": manage});
    let (st, a) = post(
        &s,
        &app_admin,
        &format!("{exo_path}/appRoleAssignedTo"),
        body,
    )
    .await;
    assert_eq!(st, 201, "{a}");
    let body = json!({"principalId": nr["id"], "resourceId": exo["id"], "appRoleId": MAIL_SEND});
    let (st, _) = post(
        &s,
        &app_admin,
        &format!("{exo_path}/appRoleAssignedTo"),
        body,
    )
    .await;
    assert_eq!(st, 400, "Mail.Send is not an Exchange Online role");
    let graph_roles = claims(&s.token(NOROLES, "s2").await)["roles"].clone();
    assert_eq!(
        graph_roles,
        json!(["Mail.Send"]),
        "Graph tokens carry Graph roles only"
    );

    let (st, pol) = s
        .get(&app_admin, "/policies/defaultAppManagementPolicy")
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        pol["applicationRestrictions"]["passwordCredentials"][0]["maxLifetime"],
        "P180D"
    );
    let (_, app) = send(&s, Method::POST, &app_admin, "/applications", new_app).await;
    let add = format!("/applications/{}/addPassword", app["id"].as_str().unwrap());
    let (st, e) = post(&s, &app_admin, &add, json!({})).await;
    assert_eq!(st, 400);
    graph_error(&e, "CredentialInvalidLifetimeAsPerAppPolicy");
    assert_eq!(e["error"]["details"][0]["code"], "InvalidKeyEndDate");
    let end = (time::OffsetDateTime::now_utc() + time::Duration::days(90))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (st, pw) = post(
        &s,
        &app_admin,
        &add,
        json!({"passwordCredential": {"endDateTime": end}}),
    )
    .await;
    assert_eq!(st, 200, "{pw}");

    let personal =
        json!({"displayName": "P", "signInAudience": "AzureADandPersonalMicrosoftAccount"});
    let (st, e) = post(&s, &app_admin, "/applications", personal).await;
    assert_eq!(st, 400);
    assert_eq!(
        e["error"]["details"][0]["target"],
        "api.requestedAccessTokenVersion"
    );

    let unknown = json!({"appId": "99999999-0000-4000-8000-000000000009"});
    let (st, e) = post(&s, &app_admin, "/servicePrincipals", unknown).await;
    assert_eq!(st, 400);
    assert_eq!(
        e["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );
    let (st, v) = post(
        &s,
        &app_admin,
        "/servicePrincipals",
        json!({"appId": VENDOR}),
    )
    .await;
    assert_eq!(
        st, 201,
        "a vendor's multi-tenant app gets a service principal here: {v}"
    );
    assert_ne!(v["appOwnerOrganizationId"], TENANT);
}

/// The admin signs in through the sim's own device code flow (auto-approved) and the delegated
/// token it gets manages apps: the sign-in and app management share one tenant model.
#[tokio::test]
async fn a_signed_in_admin_creates_an_app_and_grants_a_graph_role() {
    let admins = include_str!("../data/signin-admins.toml");
    let top = "auto_approve = \"admin@contoso.com\"\ndevice_code_interval_s = 0";
    let s = sim(top, admins).await;
    let scope = format!(
        "{g}/Application.ReadWrite.All {g}/AppRoleAssignment.ReadWrite.All offline_access",
        g = s.h.graph
    );
    let url = format!("{}/{TENANT}/oauth2/v2.0/devicecode", s.h.authority);
    let client = mailscope::sim::GRAPH_CLI_TOOLS;
    let form = [("client_id", client), ("scope", scope.as_str())];
    let d: Value =
        s.c.post(url)
            .form(&form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let grant = "urn:ietf:params:oauth:grant-type:device_code";
    let code = d["device_code"].as_str().unwrap();
    let form = [
        ("client_id", client),
        ("grant_type", grant),
        ("device_code", code),
    ];
    let (st, tok) = s.token_raw(TENANT, &form).await;
    assert_eq!(st, 200, "{tok}");
    let t = tok["access_token"].as_str().unwrap();

    let (st, app) = post(&s, t, "/applications", json!({"displayName": "Signed in"})).await;
    assert_eq!(st, 201, "an Application Administrator creates apps: {app}");
    let app_id = app["appId"].as_str().unwrap();
    let (st, sp) = post(&s, t, "/servicePrincipals", json!({"appId": app_id})).await;
    assert_eq!(st, 201, "{sp}");
    let (_, graph) = s.get(t, &graph_sp_path()).await;
    let path = format!(
        "/servicePrincipals/{}/appRoleAssignedTo",
        graph["id"].as_str().unwrap()
    );
    let body = json!({"principalId": sp["id"], "resourceId": graph["id"], "appRoleId": MAIL_SEND});
    let (st, a) = post(&s, t, &path, body).await;
    assert_eq!(
        st, 201,
        "a Privileged Role Administrator grants Graph roles: {a}"
    );
    let (st, _) = s.get(t, "/policies/defaultAppManagementPolicy").await;
    assert_eq!(st, 403, "Policy.Read.All was not asked for");
}

/// `[[app_management.fail]]` fails the first calls of a route, so an apply can be interrupted.
#[tokio::test]
async fn injected_failures_hit_the_named_route_the_given_number_of_times() {
    let extra = "[[app_management.fail]]\nroute = \"POST /v1.0/servicePrincipals\"\nstatus = 503\n\n[[app_management.fail]]\nroute = \"POST /v1.0/applications\"\ntimes = 2\n";
    let s = sim("", extra).await;
    let t = admin_token(&s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let new_app = json!({"displayName": "Interrupted"});
    for _ in 0..2 {
        let (st, e) = post(&s, &t, "/applications", new_app.clone()).await;
        assert_eq!(st, 500);
        graph_error(&e, "Service_InternalServerError");
    }
    let (st, app) = post(&s, &t, "/applications", new_app).await;
    assert_eq!(st, 201, "{app}");
    let (_, list) = s
        .get(&t, "/applications?$filter=displayName eq 'Interrupted'")
        .await;
    assert_eq!(
        list["value"].as_array().unwrap().len(),
        1,
        "failed calls change nothing"
    );
    let sp = json!({"appId": app["appId"]});
    let r = s
        .call(Method::POST, &t, "/servicePrincipals", Some(sp.clone()))
        .await;
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(post(&s, &t, "/servicePrincipals", sp).await.0, 201);
}

/// `[[app_management.stall]]` carries the call out at once and holds only its answer, the
/// given number of times; a call that fails is not held.
#[tokio::test]
async fn a_stalled_call_lands_at_once_and_only_its_answer_is_held() {
    let extra = "[[app_management.stall]]\nroute = \"POST /v1.0/applications\"\nstall_s = 0.01\n";
    let s = sim("", extra).await;
    let t = admin_token(&s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let (st, _) = post(&s, &t, "/applications", json!({})).await;
    assert_eq!(st, 400, "no displayName");
    assert_eq!(s.stats().await.stalled, 0, "a refused call is not held");
    for name in ["Held", "Not held"] {
        let (st, app) = post(&s, &t, "/applications", json!({"displayName": name})).await;
        assert_eq!(st, 201, "{app}");
        assert_eq!(s.stats().await.stalled, 1, "{name}: held once");
    }
    let (_, list) = s
        .get(&t, "/applications?$filter=displayName eq 'Held'")
        .await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
}
