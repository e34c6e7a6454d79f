//! The plan from Exchange views: an empty tenant, a distribution list, a member that must not
//! be reached, a scoped tenant, a migration to RBAC for Applications.

use super::*;
use crate::exchange::read::{Assignment, Group, ManagementScope, Policy, ServicePrincipal};
use crate::profile::{Cloud, Expectation, Mailbox, MailboxKind, PresetId, Profile};

const APP: &str = "b1c2d3e4-0000-4000-8000-000000000001";
const SP: &str = "5b000000-0000-4000-8000-000000000001";

fn target(mechanism: ScopeMechanism) -> Target {
    let preset = crate::preset::preset(PresetId::Kundo).expect("preset");
    let mut p = Profile::new("t", PresetId::Kundo, Cloud::Global);
    p.client_id = Some(APP.into());
    p.service_principal_id = Some(SP.into());
    p.mailboxes = vec![
        Mailbox {
            address: "support@contoso.com".into(),
            kind: MailboxKind::Shared,
            expect: Expectation::Granted,
        },
        Mailbox {
            address: "ceo@contoso.com".into(),
            kind: MailboxKind::User,
            expect: Expectation::Denied,
        },
    ];
    Target::of(&p, &preset, Some(mechanism))
}

fn admin() -> Account {
    Account {
        upn: "admin@contoso.com".into(),
        role_ids: vec!["29232cdf-9323-42fd-ade2-1d097af3e4de".into()],
        ..Account::default()
    }
}

fn tags(p: &Plan) -> Vec<String> {
    p.actions.iter().map(Action::tag).collect()
}

fn group(security: bool) -> Option<Group> {
    Some(Group {
        identity: "Kundo Mail mailboxes".into(),
        name: "Kundo Mail mailboxes".into(),
        address: "kundo-mailboxes@contoso.com".into(),
        distinguished_name: "CN=Kundo Mail mailboxes".into(),
        security,
    })
}

/// The group with the must-reach member, and the app's policy on it.
fn scoped_by_policy() -> ExchangeView {
    ExchangeView {
        group: group(true),
        members: vec!["support@contoso.com".into()],
        policies: vec![Policy {
            identity: "t\\p1".into(),
            access_right: "RestrictAccess".into(),
            scope_name: "Kundo Mail mailboxes".into(),
            scope_identity: String::new(),
        }],
        ..ExchangeView::default()
    }
}

/// Exchange's pointer to the app, and one assignment per role made by `assignment`.
fn rbac_view(t: &Target, assignment: impl Fn(&str) -> Assignment) -> ExchangeView {
    ExchangeView {
        service_principal: Some(ServicePrincipal {
            identity: SP.into(),
            app_id: APP.into(),
            object_id: SP.into(),
            display_name: "Kundo".into(),
        }),
        assignments: t.names.roles.iter().map(|r| assignment(r)).collect(),
        ..scoped_by_policy()
    }
}

#[test]
fn an_empty_exchange_gets_group_members_and_policy() {
    let t = target(ScopeMechanism::ApplicationAccessPolicy);
    let p = plan(&ExchangeView::default(), &t, &admin(), "tid", None, &None);
    assert_eq!(
        tags(&p),
        [
            "create-group",
            "add-member",
            "new-access-policy",
            "save-mechanism"
        ]
    );
    assert_eq!(p.role.held.as_deref(), Some("Exchange Administrator"));
    assert!(p.blocked.is_none());
    assert!(p.notes[0].contains("does not document"));
    let json = serde_json::to_value(&p.actions[0]).expect("json");
    assert_eq!(json["action"], "create-group");
    assert_eq!(json["name"], "Kundo Mail mailboxes");
}

#[test]
fn a_distribution_list_stops_the_policy_but_not_rbac() {
    let view = ExchangeView {
        group: group(false),
        ..ExchangeView::default()
    };
    let t = target(ScopeMechanism::ApplicationAccessPolicy);
    let p = plan(&view, &t, &admin(), "tid", None, &None);
    assert!(p.actions.is_empty());
    assert!(
        p.blocked
            .as_deref()
            .is_some_and(|b| b.contains("distribution list")),
        "{p:?}"
    );
    let r = plan(
        &view,
        &target(ScopeMechanism::Rbac),
        &admin(),
        "tid",
        None,
        &Some(vec![]),
    );
    assert!(r.blocked.is_none(), "{r:?}");
}

#[test]
fn a_scoped_exchange_needs_nothing_and_a_forbidden_member_is_only_reported() {
    let mut view = scoped_by_policy();
    view.members.push("ceo@contoso.com".into());
    let t = target(ScopeMechanism::ApplicationAccessPolicy);
    let p = plan(
        &view,
        &t,
        &admin(),
        "tid",
        Some(ScopeMechanism::ApplicationAccessPolicy),
        &None,
    );
    assert!(p.actions.is_empty(), "{:?}", tags(&p));
    assert!(!p.changes_tenant());
    assert!(
        p.warnings[0].starts_with("ceo@contoso.com is a member"),
        "{p:?}"
    );
    let mut no_role = admin();
    no_role.role_ids.clear();
    assert_eq!(
        plan(&view, &t, &no_role, "tid", None, &None).role.held,
        None
    );
}

#[test]
fn moving_to_rbac_scopes_and_tests_before_removing_the_policy() {
    let view = scoped_by_policy();
    let t = target(ScopeMechanism::Rbac);
    let p = plan(
        &view,
        &t,
        &admin(),
        "tid",
        Some(ScopeMechanism::ApplicationAccessPolicy),
        &Some(vec!["Mail.ReadWrite".into()]),
    );
    let tags = tags(&p);
    assert!(p.migration);
    let at = |tag: &str| tags.iter().position(|t| t == tag).unwrap_or(usize::MAX);
    assert!(
        at("new-service-principal") < at("new-management-scope"),
        "{tags:?}"
    );
    assert!(at("new-role-assignment") < at("verify-rbac"), "{tags:?}");
    assert!(at("verify-rbac") < at("remove-entra-consent"), "{tags:?}");
    assert!(
        at("remove-entra-consent") < at("remove-access-policy"),
        "{tags:?}"
    );
    assert_eq!(tags.last().map(String::as_str), Some("save-mechanism"));
    let done = ExchangeView {
        policies: vec![],
        scope: Some(ManagementScope {
            name: t.scope_name().into(),
            filter: "MemberOfGroup -eq 'CN=Kundo Mail mailboxes'".into(),
        }),
        ..rbac_view(&t, |r| Assignment {
            name: r.into(),
            role: r.into(),
            custom_resource_scope: t.scope_name().into(),
            recipient_group_scope: String::new(),
        })
    };
    let again = plan(
        &done,
        &t,
        &admin(),
        "tid",
        Some(ScopeMechanism::Rbac),
        &Some(vec![]),
    );
    assert!(again.actions.is_empty(), "{:?}", again.actions);
    let mut no_sp = t.clone();
    no_sp.sp_object_id = None;
    let blocked = plan(&done, &no_sp, &admin(), "tid", None, &None);
    assert!(
        blocked
            .blocked
            .is_some_and(|b| b.contains("service principal"))
    );
}

#[test]
fn assignments_the_script_made_to_the_group_count_as_done() {
    let t = target(ScopeMechanism::Rbac);
    let mut view = rbac_view(&t, |r| Assignment {
        name: r.into(),
        role: r.into(),
        custom_resource_scope: String::new(),
        recipient_group_scope: "kundo-mailboxes@contoso.com".into(),
    });
    view.policies.clear();
    let p = plan(
        &view,
        &t,
        &admin(),
        "tid",
        Some(ScopeMechanism::Rbac),
        &Some(vec![]),
    );
    assert!(p.actions.is_empty(), "{:?}", tags(&p));
    let mut one = view.clone();
    one.assignments.truncate(1);
    let p = plan(
        &one,
        &t,
        &admin(),
        "tid",
        Some(ScopeMechanism::Rbac),
        &Some(vec![]),
    );
    assert_eq!(tags(&p), ["new-management-scope", "new-role-assignment"]);
}

#[test]
fn a_group_name_taken_at_another_address_stops_the_plan() {
    let mut t = target(ScopeMechanism::ApplicationAccessPolicy);
    t.names.group_address = "kundo@contoso.com".into();
    let view = ExchangeView {
        name_taken_by: group(true),
        ..ExchangeView::default()
    };
    let p = plan(&view, &t, &admin(), "tid", None, &None);
    assert!(p.actions.is_empty());
    let b = p.blocked.unwrap_or_default();
    assert!(b.contains("kundo-mailboxes@contoso.com"), "{b}");
    assert!(
        b.starts_with("No group has the address kundo@contoso.com"),
        "{b}"
    );
}

#[test]
fn a_must_reach_address_exchange_does_not_know_is_left_out_with_a_warning() {
    let mut t = target(ScopeMechanism::ApplicationAccessPolicy);
    t.must_reach.push("nobody@contoso.com".into());
    let view = ExchangeView {
        unknown_recipients: vec!["nobody@contoso.com".into()],
        ..ExchangeView::default()
    };
    let p = plan(&view, &t, &admin(), "tid", None, &None);
    let adds: Vec<_> = p
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::AddMember { address, .. } => Some(address.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(adds, ["support@contoso.com"]);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.starts_with("Exchange has no recipient nobody@contoso.com")),
        "{:?}",
        p.warnings
    );
}
