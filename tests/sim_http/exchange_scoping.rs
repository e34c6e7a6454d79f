//! Scoping through the sim's InvokeCommand: application access policies and RBAC for
//! Applications. Exchange's Test- cmdlets see a change at once; Graph only after
//! `[exchange] propagation_s`.

use serde_json::{Value, json};

use crate::apps::{ADMIN_SCP, GLOBAL_ADMIN, admin_token};
use crate::exchange::{ADMINS, EXCHANGE_ADMIN, exo_token, fails, ok};
use crate::support::*;

const RAOP: &str = "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.";
const PROPAGATION_S: f64 = 0.4;

fn top() -> String {
    format!("[exchange]\npropagation_s = {PROPAGATION_S}")
}

const DL: &str = r#"
[[group]]
address = "news@contoso.com"
kind = "distribution"
"#;

/// Sleeps until the sim's clock reaches `at` (seconds since start).
async fn until(s: &Sim, at: f64) {
    let wait = at - s.stats().await.uptime_s;
    if wait > 0.0 {
        tokio::time::sleep(std::time::Duration::from_secs_f64(wait)).await;
    }
}

/// The sim's clock now; fails the test when it is already past `deadline`.
async fn before(s: &Sim, deadline: f64) -> f64 {
    let now = s.stats().await.uptime_s;
    assert!(now < deadline, "machine too slow for this test: {now} s");
    now
}

async fn access(s: &Sim, t: &str, mailbox: &str, app: &str) -> String {
    let r = ok(
        s,
        t,
        "Test-ApplicationAccessPolicy",
        json!({"Identity": mailbox, "AppId": app}),
    )
    .await;
    r[0]["AccessCheckResult"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_access_policy_applies_in_exchange_at_once_and_in_graph_after_propagation() {
    let s = sim(&top(), &format!("{ADMINS}{DL}")).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    let app = s.token(FULL, "good~secret").await;
    let inbox = |m: &str| format!("/users/{m}/mailFolders/inbox");
    assert_eq!(s.get(&app, &inbox("s@contoso.com")).await.0, 200);
    assert_eq!(
        access(&s, &t, "s@contoso.com", FULL).await,
        "Granted",
        "no policy"
    );

    let group = json!({"Name": "Kundo mailboxes", "Type": "Security", "PrimarySmtpAddress": "kundo@contoso.com"});
    ok(&s, &t, "New-DistributionGroup", group).await;
    let add = json!({"Identity": "kundo@contoso.com", "Member": "a@contoso.com"});
    ok(&s, &t, "Add-DistributionGroupMember", add).await;
    let params = json!({"AppId": FULL, "PolicyScopeGroupId": "kundo@contoso.com", "AccessRight": "RestrictAccess", "Description": "Kundo only"});
    let p = ok(&s, &t, "New-ApplicationAccessPolicy", params.clone()).await;
    let created = s.stats().await.uptime_s;
    assert_eq!(p[0]["AccessRight"], "RestrictAccess");
    assert_eq!(p[0]["ScopeName"], "Kundo mailboxes");
    assert_eq!(p[0]["AppId"], FULL);
    let identity = p[0]["Identity"].as_str().unwrap().to_string();
    assert!(
        identity.starts_with(&format!("{TENANT}\\{FULL}:S-1-5-21-")),
        "{identity}"
    );

    assert_eq!(access(&s, &t, "a@contoso.com", FULL).await, "Granted");
    assert_eq!(access(&s, &t, "s@contoso.com", FULL).await, "Denied");
    assert_eq!(
        access(&s, &t, "s@contoso.com", NOROLES).await,
        "Granted",
        "other app"
    );
    let (st, _) = s.get(&app, &inbox("s@contoso.com")).await;
    before(&s, created + PROPAGATION_S).await;
    assert_eq!(st, 200, "Graph has not seen the policy yet");
    until(&s, created + PROPAGATION_S).await;
    let (st, b) = s.get(&app, &inbox("s@contoso.com")).await;
    assert_eq!(st, 403, "{b}");
    assert_eq!(b["error"]["message"], RAOP);
    assert_eq!(s.get(&app, &inbox("a@contoso.com")).await.0, 200);

    let (kind, _) = fails(&s, &t, "New-ApplicationAccessPolicy", params.clone()).await;
    assert_eq!(kind, "ADObjectAlreadyExistsException");
    for scope in ["news@contoso.com", "s@contoso.com"] {
        let mut p = params.clone();
        p["PolicyScopeGroupId"] = scope.into();
        let (kind, text) = fails(&s, &t, "New-ApplicationAccessPolicy", p).await;
        assert_eq!(kind, "RecipientTaskException", "{scope}");
        assert!(text.contains("isn't a security principal"), "{text}");
    }
    let listed = ok(&s, &t, "Get-ApplicationAccessPolicy", json!({})).await;
    assert_eq!(listed.len(), 1);
    let one = ok(
        &s,
        &t,
        "Get-ApplicationAccessPolicy",
        json!({"Identity": identity}),
    )
    .await;
    assert_eq!(one[0]["Description"], "Kundo only");

    // Removal: Exchange at once, Graph after the delay.
    ok(
        &s,
        &t,
        "Remove-ApplicationAccessPolicy",
        json!({"Identity": identity}),
    )
    .await;
    let removed = s.stats().await.uptime_s;
    assert!(
        ok(&s, &t, "Get-ApplicationAccessPolicy", json!({}))
            .await
            .is_empty()
    );
    assert_eq!(access(&s, &t, "s@contoso.com", FULL).await, "Granted");
    let (st, _) = s.get(&app, &inbox("s@contoso.com")).await;
    before(&s, removed + PROPAGATION_S).await;
    assert_eq!(st, 403, "Graph still applies the removed policy");
    until(&s, removed + PROPAGATION_S).await;
    assert_eq!(s.get(&app, &inbox("s@contoso.com")).await.0, 200);
    let (kind, _) = fails(
        &s,
        &t,
        "Remove-ApplicationAccessPolicy",
        json!({"Identity": identity}),
    )
    .await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
    let (kind, _) = fails(
        &s,
        &t,
        "Test-ApplicationAccessPolicy",
        json!({"Identity": "ghost@contoso.com", "AppId": FULL}),
    )
    .await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
}

async fn sp_object_id(s: &Sim, app: &str) -> String {
    let admin = admin_token(s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let (_, sp) = s
        .get(&admin, &format!("/servicePrincipals(appId='{app}')"))
        .await;
    sp["id"].as_str().unwrap().to_string()
}

/// Test-ServicePrincipalAuthorization's rows for `app`, with `-Resource` when given.
async fn authz(s: &Sim, t: &str, app: &str, resource: Option<&str>) -> Vec<Value> {
    let mut p = json!({"Identity": app});
    if let Some(r) = resource {
        p["Resource"] = r.into();
    }
    ok(s, t, "Test-ServicePrincipalAuthorization", p).await
}

fn in_scope(rows: &[Value], role: &str) -> Value {
    rows.iter()
        .find(|r| r["RoleName"] == role)
        .map(|r| r["InScope"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn rbac_for_applications_scopes_an_app_through_a_management_scope_or_a_group() {
    let s = sim(&top(), ADMINS).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    let app = s.token(NOROLES, "s2").await;
    let list = |m: &str| format!("/users/{m}/messages?$top=1");
    assert_eq!(
        s.get(&app, &list("a@contoso.com")).await.0,
        403,
        "no permission at all"
    );

    let object_id = sp_object_id(&s, NOROLES).await;
    let sp = json!({"AppId": NOROLES, "ObjectId": object_id, "DisplayName": "No Roles"});
    let made = ok(&s, &t, "New-ServicePrincipal", sp.clone()).await;
    assert_eq!(made[0]["ObjectId"], object_id.as_str());
    let (kind, _) = fails(&s, &t, "New-ServicePrincipal", sp).await;
    assert_eq!(kind, "ADObjectAlreadyExistsException");
    for key in [NOROLES, object_id.as_str(), "No Roles"] {
        let got = ok(&s, &t, "Get-ServicePrincipal", json!({"Identity": key})).await;
        assert_eq!(got[0]["AppId"], NOROLES, "{key}");
    }

    let g = json!({"Name": "Scope group", "Type": "Security", "Members": ["a@contoso.com"]});
    let g = ok(&s, &t, "New-DistributionGroup", g).await;
    let dn = g[0]["DistinguishedName"].as_str().unwrap();
    let filter = format!("MemberOfGroup -eq '{dn}'");
    let scope = json!({"Name": "App scope", "RecipientRestrictionFilter": filter});
    let made = ok(&s, &t, "New-ManagementScope", scope).await;
    assert_eq!(made[0]["RecipientRestrictionFilter"], filter.as_str());
    let got = ok(
        &s,
        &t,
        "Get-ManagementScope",
        json!({"Identity": "app scope"}),
    )
    .await;
    assert_eq!(got[0]["Name"], "App scope");
    assert_eq!(ok(&s, &t, "Get-ManagementScope", json!({})).await.len(), 1);
    let (kind, _) = fails(&s, &t, "Get-ManagementScope", json!({"Identity": "x"})).await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
    let bad = json!({"Name": "Other", "RecipientRestrictionFilter": "CustomAttribute1 -eq 'x'"});
    let (kind, _) = fails(&s, &t, "New-ManagementScope", bad).await;
    assert_eq!(kind, "TaskArgumentException");
    let dangling =
        json!({"Name": "Other", "RecipientRestrictionFilter": "MemberOfGroup -eq 'CN=Nobody'"});
    let (kind, _) = fails(&s, &t, "New-ManagementScope", dangling).await;
    assert_eq!(kind, "ManagementObjectNotFoundException");

    let read = json!({"App": NOROLES, "Role": "Application Mail.Read", "CustomResourceScope": "App scope"});
    let a = ok(&s, &t, "New-ManagementRoleAssignment", read).await;
    let created = s.stats().await.uptime_s;
    assert_eq!(a[0]["RoleAssigneeType"], "ServicePrincipal");
    assert_eq!(a[0]["CustomResourceScope"], "App scope");
    let settings = json!({"App": object_id, "Role": "application mailboxsettings.read", "RecipientGroupScope": "Scope group", "Name": "Settings"});
    let a2 = ok(&s, &t, "New-ManagementRoleAssignment", settings.clone()).await;
    assert_eq!(a2[0]["Role"], "Application MailboxSettings.Read");
    let (kind, _) = fails(&s, &t, "New-ManagementRoleAssignment", settings).await;
    assert_eq!(kind, "ADObjectAlreadyExistsException", "the name is taken");
    let unknown = json!({"App": NOROLES, "Role": "Application Mail.Everything"});
    let (kind, _) = fails(&s, &t, "New-ManagementRoleAssignment", unknown).await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
    let no_sp = json!({"App": FULL, "Role": "Application Mail.Read"});
    let (kind, _) = fails(&s, &t, "New-ManagementRoleAssignment", no_sp).await;
    assert_eq!(
        kind, "ManagementObjectNotFoundException",
        "no pointer for FULL"
    );

    let rows = authz(&s, &t, NOROLES, Some("a@contoso.com")).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(in_scope(&rows, "Application Mail.Read"), json!(true));
    assert_eq!(
        in_scope(&rows, "Application MailboxSettings.Read"),
        json!(true)
    );
    let row = rows
        .iter()
        .find(|r| r["RoleName"] == "Application Mail.Read")
        .unwrap();
    assert_eq!(row["GrantedPermissions"], "Mail.Read");
    assert_eq!(row["ScopeType"], "CustomRecipientScope");
    let rows = authz(&s, &t, NOROLES, Some("s@contoso.com")).await;
    assert_eq!(in_scope(&rows, "Application Mail.Read"), json!(false));
    let rows = authz(&s, &t, NOROLES, None).await;
    assert_eq!(in_scope(&rows, "Application Mail.Read"), json!("Not Run"));

    let (st, _) = s.get(&app, &list("a@contoso.com")).await;
    before(&s, created + PROPAGATION_S).await;
    assert_eq!(st, 403, "Graph has not seen the assignment yet");
    until(&s, created + PROPAGATION_S).await;
    assert_eq!(s.get(&app, &list("a@contoso.com")).await.0, 200);
    assert_eq!(
        s.get(&app, &list("s@contoso.com")).await.0,
        403,
        "out of scope"
    );

    let by_role = json!({"Role": "Application Mail.Read", "RoleAssignee": NOROLES});
    assert_eq!(
        ok(&s, &t, "Get-ManagementRoleAssignment", by_role)
            .await
            .len(),
        1
    );
    let by_group =
        json!({"Role": "Application MailboxSettings.Read", "RecipientGroupScope": "Scope group"});
    let found = ok(&s, &t, "Get-ManagementRoleAssignment", by_group).await;
    assert_eq!(found[0]["Name"], "Settings");
    ok(
        &s,
        &t,
        "Remove-ManagementRoleAssignment",
        json!({"Identity": "Settings"}),
    )
    .await;
    let rows = authz(&s, &t, NOROLES, Some("a@contoso.com")).await;
    assert_eq!(rows.len(), 1, "removed at once for Exchange");
    let (kind, _) = fails(
        &s,
        &t,
        "Remove-ManagementRoleAssignment",
        json!({"Identity": "Settings"}),
    )
    .await;
    assert_eq!(kind, "ManagementObjectNotFoundException");
}

const STATIC: &str = r#"
[[group]]
address = "kundo@contoso.com"
members = ["a@contoso.com"]

[[access_policy]]
app = "11111111-0000-4000-8000-000000000001"
group = "kundo@contoso.com"
access = "RestrictAccess"

[[rbac_assignment]]
app = "22222222-0000-4000-8000-000000000002"
role = "Application Mail.Read"
group = "kundo@contoso.com"
"#;

#[tokio::test]
async fn the_scenarios_policies_and_assignments_are_exchanges_too() {
    let s = sim(&top(), &format!("{ADMINS}{STATIC}")).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    assert_eq!(access(&s, &t, "a@contoso.com", FULL).await, "Granted");
    assert_eq!(access(&s, &t, "s@contoso.com", FULL).await, "Denied");
    let policies = ok(&s, &t, "Get-ApplicationAccessPolicy", json!({})).await;
    assert_eq!(policies[0]["ScopeName"], "kundo");
    let rows = authz(&s, &t, NOROLES, Some("a@contoso.com")).await;
    assert_eq!(in_scope(&rows, "Application Mail.Read"), json!(true));
    let sps = ok(&s, &t, "Get-ServicePrincipal", json!({})).await;
    assert_eq!(sps[0]["AppId"], NOROLES);
}

#[tokio::test]
async fn a_member_added_reaches_graph_after_propagation() {
    let s = sim(&top(), &format!("{ADMINS}{STATIC}")).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    let app = s.token(FULL, "good~secret").await;
    let inbox = "/users/s@contoso.com/mailFolders/inbox";
    assert_eq!(s.get(&app, inbox).await.0, 403, "outside the policy group");
    let add = json!({"Identity": "kundo", "Member": "s@contoso.com", "BypassSecurityGroupManagerCheck": true});
    ok(&s, &t, "Add-DistributionGroupMember", add).await;
    let added = s.stats().await.uptime_s;
    assert_eq!(access(&s, &t, "s@contoso.com", FULL).await, "Granted");
    let (st, _) = s.get(&app, inbox).await;
    before(&s, added + PROPAGATION_S).await;
    assert_eq!(st, 403, "Graph has not seen the member yet");
    until(&s, added + PROPAGATION_S).await;
    assert_eq!(s.get(&app, inbox).await.0, 200);
}

#[tokio::test]
async fn a_pointer_with_the_wrong_object_id_grants_nothing_in_graph() {
    let s = sim("[exchange]\npropagation_s = 0", ADMINS).await;
    let t = exo_token(&s, "exo@contoso.com", &[EXCHANGE_ADMIN]).await;
    // The app registration's object id, not the enterprise application's.
    let wrong = "0c0c0c0c-0000-4000-8000-00000000000c";
    let sp = json!({"AppId": NOROLES, "ObjectId": wrong});
    ok(&s, &t, "New-ServicePrincipal", sp).await;
    let a = json!({"App": NOROLES, "Role": "Application Mail.Read"});
    ok(&s, &t, "New-ManagementRoleAssignment", a).await;
    let rows = authz(&s, &t, NOROLES, Some("a@contoso.com")).await;
    assert_eq!(in_scope(&rows, "Application Mail.Read"), json!(true));
    let app = s.token(NOROLES, "s2").await;
    let (st, _) = s.get(&app, "/users/a@contoso.com/messages?$top=1").await;
    assert_eq!(
        st, 403,
        "Exchange cannot match the app's token to the pointer"
    );
}
