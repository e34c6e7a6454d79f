//! Apply for each mechanism, the second apply, the migration, a tenant the script scoped.

use mailscope::changes;
use mailscope::exchange::{Action, ExchangeError, params};
use mailscope::profile::ScopeMechanism;
use serde_json::json;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_applied_is_tested_by_exchange_at_once_and_a_second_apply_changes_nothing() {
    let mut t = tenant(
        shared(),
        APP_POLICY,
        None,
        "Policy mailboxes",
        &["a", "b"],
        &["c"],
        &[],
    );
    let c = t.connect().await;
    assert!(
        matches!(c, Err(ExchangeError::NotSignedIn { .. })),
        "no sign-in yet: {c:?}"
    );
    let fix = c.unwrap_err().fix_for("contoso");
    assert!(
        fix.contains("mailscope signin --profile contoso --exchange"),
        "{fix}"
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    assert_eq!(c.account.upn, "exo@contoso.com");
    let (plan, done) = t.apply(&c, None, false).await;
    assert_eq!(
        tags(&plan),
        [
            "create-group",
            "add-member",
            "add-member",
            "new-access-policy"
        ],
        "{plan:#?}"
    );
    done.unwrap();
    let verdicts = t.verdicts(&c).await;
    assert_eq!(
        verdicts,
        [
            ("a@contoso.com".to_string(), true),
            ("b@contoso.com".to_string(), true),
            ("c@contoso.com".to_string(), false)
        ]
    );
    let records = changes::read(&t.store, "contoso").unwrap();
    assert_eq!(records.len(), 8);
    assert!(changes::unfinished(&records).is_empty());
    assert!(
        t.store
            .load("contoso")
            .unwrap()
            .scope
            .unwrap()
            .changed_at
            .is_some()
    );
    let again = t.plan(&c, None).await;
    assert!(again.actions.is_empty(), "{:?}", tags(&again));

    // A must-not-reach mailbox put into the group by hand is reported, never removed.
    let add = params([
        ("Identity", json!("policy-mailboxes@contoso.com")),
        ("Member", json!("c@contoso.com")),
    ]);
    c.transport
        .invoke("Add-DistributionGroupMember", &add)
        .await
        .unwrap();
    let p = t.plan(&c, None).await;
    assert!(p.actions.is_empty(), "{:?}", tags(&p));
    assert!(
        p.warnings[0].starts_with("c@contoso.com is a member"),
        "{:?}",
        p.warnings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rbac_from_nothing_removes_the_entra_consent_only_when_confirmed() {
    let mut t = tenant(
        shared(),
        APP_RBAC,
        Some(SP_RBAC),
        "Rbac mailboxes",
        &["d"],
        &["e"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    t.sign_in_entra("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let rbac = Some(ScopeMechanism::Rbac);
    let (plan, done) = t.apply(&c, rbac, false).await;
    let tags = tags(&plan);
    assert_eq!(
        tags,
        [
            "create-group",
            "add-member",
            "new-service-principal",
            "new-management-scope",
            "new-role-assignment",
            "new-role-assignment",
            "verify-rbac",
            "remove-entra-consent",
            "save-mechanism"
        ],
        "{plan:#?}"
    );
    done.unwrap();
    let still = t.plan(&c, rbac).await;
    assert_eq!(
        still.actions,
        [
            Action::VerifyRbac,
            Action::RemoveEntraConsent {
                permissions: vec!["Mail.ReadWrite".into(), "Mail.Send".into()]
            }
        ],
        "not confirmed: the consent stays"
    );
    let (_, done) = t.apply(&c, rbac, true).await;
    done.unwrap();
    assert_eq!(
        t.verdicts(&c).await,
        [
            ("d@contoso.com".to_string(), true),
            ("e@contoso.com".to_string(), false)
        ]
    );
    assert_eq!(
        t.store.load("contoso").unwrap().scope.unwrap().mechanism,
        ScopeMechanism::Rbac
    );
    let again = t.plan(&c, None).await;
    assert!(again.actions.is_empty(), "{again:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_from_a_policy_to_rbac_keeps_the_verdicts_and_leaves_no_policy() {
    let mut t = tenant(
        shared(),
        APP_MOVE,
        Some(SP_MOVE),
        "Move mailboxes",
        &["f"],
        &["g"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    t.apply(&c, None, false).await.1.unwrap();
    let before = t.verdicts(&c).await;
    let (plan, done) = t.apply(&c, Some(ScopeMechanism::Rbac), false).await;
    assert!(plan.migration, "{plan:#?}");
    let tags = tags(&plan);
    let at = |tag: &str| tags.iter().position(|t| t == tag).unwrap();
    assert!(at("new-role-assignment") < at("verify-rbac"), "{tags:?}");
    assert!(at("verify-rbac") < at("remove-access-policy"), "{tags:?}");
    done.unwrap();
    assert_eq!(t.verdicts(&c).await, before);
    let policies = c
        .transport
        .invoke("Get-ApplicationAccessPolicy", &params([]))
        .await
        .unwrap();
    assert!(
        !policies
            .iter()
            .any(|p| p["AppId"].to_string().contains(APP_MOVE)),
        "{policies:?}"
    );
    let again = t.plan(&c, None).await;
    assert!(!again.migration);
    assert!(
        !again.actions.iter().any(Action::changes_tenant),
        "{again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_scoped_by_the_generated_script_plans_to_nothing() {
    let mut t = tenant(
        shared(),
        APP_SCRIPT,
        Some(SP_SCRIPT),
        "Script mailboxes",
        &["b"],
        &["c"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let names = t.target(Some(ScopeMechanism::Rbac)).names;
    let group = names.group_address.clone();
    // The cmdlets and values the script runs (src/powershell/exchange.rs, aap.rs, rbac.rs).
    let steps = vec![
        (
            "New-DistributionGroup",
            params([
                ("Name", json!(names.group_name)),
                ("Alias", json!(names.group_alias)),
                ("Type", json!("Security")),
                ("PrimarySmtpAddress", json!(group)),
            ]),
        ),
        (
            "Add-DistributionGroupMember",
            params([
                ("Identity", json!(group)),
                ("Member", json!("b@contoso.com")),
                ("BypassSecurityGroupManagerCheck", json!(true)),
            ]),
        ),
        (
            "New-ApplicationAccessPolicy",
            params([
                ("AccessRight", json!("RestrictAccess")),
                ("AppId", json!(APP_SCRIPT)),
                ("PolicyScopeGroupId", json!(group)),
                ("Description", json!(names.description)),
            ]),
        ),
    ];
    for (cmdlet, p) in &steps {
        c.transport.invoke(cmdlet, p).await.unwrap();
    }
    let p = t.plan(&c, None).await;
    assert!(
        !p.actions.iter().any(Action::changes_tenant),
        "{:?}",
        tags(&p)
    );
    // Then the script's RBAC part (and no policy: the script writes one mechanism).
    c.transport
        .invoke(
            "New-ServicePrincipal",
            &params([
                ("AppId", json!(APP_SCRIPT)),
                ("ObjectId", json!(SP_SCRIPT)),
                ("DisplayName", json!(names.app_name)),
            ]),
        )
        .await
        .unwrap();
    for role in &names.roles {
        c.transport
            .invoke(
                "New-ManagementRoleAssignment",
                &params([
                    ("App", json!(SP_SCRIPT)),
                    ("Role", json!(role)),
                    ("RecipientGroupScope", json!(group)),
                ]),
            )
            .await
            .unwrap();
    }
    let p = t.plan(&c, Some(ScopeMechanism::Rbac)).await;
    let tags = tags(&p);
    assert!(
        !tags.iter().any(|t| t.starts_with("new-")),
        "nothing to create: {tags:?}"
    );
    assert!(p.migration, "the policy still scopes the app: {tags:?}");
    t.apply(&c, Some(ScopeMechanism::Rbac), false)
        .await
        .1
        .unwrap();
    assert_eq!(
        t.verdicts(&c).await,
        [
            ("b@contoso.com".to_string(), true),
            ("c@contoso.com".to_string(), false)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_must_reach_address_exchange_does_not_know_is_warned_about_not_added() {
    let t = tenant(
        shared(),
        APP_GRAPH,
        None,
        "Unknown mailboxes",
        &["a", "typo"],
        &["c"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let plan = t.plan(&c, None).await;
    let adds: Vec<_> = plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::AddMember { address, .. } => Some(address.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(adds, ["a@contoso.com"], "{plan:#?}");
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("no recipient typo@contoso.com")),
        "{:?}",
        plan.warnings
    );
}
