//! `offboard` on the Exchange side: after `exchange apply` (an access policy, then RBAC for
//! Applications), offboard removes what mailscope made and Exchange holds what it held
//! before (read with the Get- cmdlets); a group that existed before apply is kept with its own
//! members; without an Exchange sign-in the Exchange items are listed, not removed, with the
//! sign-in command. A sim per test (each reads the whole of Exchange).

use std::sync::OnceLock;

use mailscope::entra::retry::RetryPolicy;
use mailscope::exchange::{Connection, params};
use mailscope::lifecycle::Ctx;
use mailscope::lifecycle::offboard::{Offboarded, offboard};
use mailscope::profile::ScopeMechanism;
use serde_json::{Value, json};

use crate::common::{self, Shared};
use crate::support::*;

fn spawn() -> Shared {
    common::spawn(scenario(
        "\n[[group]]\naddress = \"kept@contoso.com\"\nname = \"Kept\"\nmembers = [\"a@contoso.com\"]\n",
    ))
}

/// Each test reads the whole of Exchange: a sim each.
fn sim_rbac() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(spawn)
}

fn sim_kept() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(spawn)
}

/// Everything Exchange holds that apply or offboard could touch.
async fn exchange_state(c: &Connection) -> Vec<Value> {
    let t = &c.transport;
    let mut out = Vec::new();
    for cmdlet in [
        "Get-ApplicationAccessPolicy",
        "Get-ServicePrincipal",
        "Get-ManagementScope",
        "Get-ManagementRoleAssignment",
        "Get-DistributionGroup",
    ] {
        out.push(Value::Array(t.invoke(cmdlet, &params([])).await.unwrap()));
    }
    let groups = t
        .invoke("Get-DistributionGroup", &params([]))
        .await
        .unwrap();
    for g in groups {
        let id = g["PrimarySmtpAddress"].clone();
        let members = t
            .invoke("Get-DistributionGroupMember", &params([("Identity", id)]))
            .await
            .unwrap();
        out.push(json!(members));
    }
    out
}

async fn run_offboard(t: &mut Tenant) -> Offboarded {
    run_offboard_seeing(t, &mut Vec::new()).await
}

/// Offboards `t`, collecting the progress lines into `lines`.
async fn run_offboard_seeing(t: &mut Tenant, lines: &mut Vec<String>) -> Offboarded {
    let endpoints = endpoints(t.sim);
    let http = common::http(t.sim);
    let ctx = Ctx {
        profiles: &t.store,
        secrets: &t.secrets,
        endpoints: &endpoints,
        http: &http,
        retry: RetryPolicy::fast(),
    };
    let preset = preset_of(&t.profile);
    offboard(&ctx, &mut t.profile, &preset, &mut |_| true, &mut |p| {
        lines.push(format!("{p:?}"))
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn offboard_leaves_exchange_as_it_was_before_policy_and_rbac_apply() {
    let mut t = tenant(
        sim_rbac(),
        APP_MOVE,
        Some(SP_MOVE),
        "Made scope",
        &["a", "b"],
        &["c"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    t.sign_in_entra("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let before = exchange_state(&c).await;
    let (_, done) = t.apply(&c, None, false).await;
    done.unwrap();
    let (_, done) = t.apply(&c, Some(ScopeMechanism::Rbac), false).await;
    done.unwrap();
    assert_ne!(exchange_state(&c).await, before);

    let mut lines = Vec::new();
    let out = run_offboard_seeing(&mut t, &mut lines).await;
    let Offboarded::Removed { plan, .. } = &out else {
        panic!("{out:?}")
    };
    // Each Exchange removal is announced as it starts.
    assert_eq!(
        lines.iter().filter(|l| l.contains("Exchange: ")).count(),
        plan.exchange.len(),
        "{lines:?}"
    );
    let tags: Vec<&str> = plan.exchange.iter().map(|r| r.tag()).collect();
    assert_eq!(
        tags,
        [
            "remove-role-assignment",
            "remove-role-assignment",
            "remove-management-scope",
            "remove-service-principal-pointer",
            "remove-member",
            "remove-member",
            "remove-group"
        ],
        "{plan:#?}"
    );
    assert!(plan.removals.is_empty(), "the app existed before: {plan:?}");
    assert_eq!(exchange_state(&c).await, before);
    // Recorded: a second offboard finds nothing left.
    let again = run_offboard(&mut t).await;
    assert!(matches!(again, Offboarded::Nothing(_)), "{again:?}");
}

#[tokio::test]
async fn a_group_that_existed_keeps_its_own_members_and_no_exchange_signin_lists_the_items() {
    let mut t = tenant(
        sim_kept(),
        APP_POLICY,
        None,
        "Kept",
        &["a", "b"],
        &["c"],
        &[],
    );
    t.profile.scope.as_mut().unwrap().group_address = Some("kept@contoso.com".into());
    t.store.save(&t.profile).unwrap();
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let before = exchange_state(&c).await;
    let (_, done) = t.apply(&c, None, false).await;
    let done = done.unwrap();
    assert!(!done.iter().any(|d| d == "create-group"), "{done:?}");

    // Only the Entra sign-in: the Exchange items are listed with the sign-in command.
    t.secrets = mailscope::secrets::MemoryStore::new();
    t.sign_in_entra("exo@contoso.com").await;
    let out = run_offboard(&mut t).await;
    let Offboarded::Nothing(plan) = &out else {
        panic!("{out:?}")
    };
    assert_eq!(
        plan.exchange_signin.as_deref(),
        Some("mailscope signin --profile contoso --exchange")
    );
    let listed = plan.by_hand.join("\n");
    assert!(
        listed.contains("Remove-ApplicationAccessPolicy"),
        "{listed}"
    );
    assert!(listed.contains("b@contoso.com from the group"), "{listed}");
    assert!(!listed.contains("Remove-DistributionGroup ("), "{listed}");
    assert_ne!(exchange_state(&c).await, before);

    t.sign_in("exo@contoso.com").await;
    let out = run_offboard(&mut t).await;
    assert!(matches!(out, Offboarded::Removed { .. }), "{out:?}");
    assert_eq!(
        exchange_state(&c).await,
        before,
        "the group and its member a stay"
    );
}
