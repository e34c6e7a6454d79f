//! Scenario files: the shipped ones load; bad ones name file, line and key.

use std::path::Path;

use mailscope::sim::{MailboxKind, Scenario, ScenarioError};

fn err(text: &str) -> (usize, String, String) {
    let full = format!(
        "tenant_id = \"8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f\"\ndomains = [\"contoso.com\"]\n{text}"
    );
    match Scenario::from_toml(&full, Path::new("."), "bad.toml") {
        Err(ScenarioError::Invalid {
            file,
            line,
            key,
            message,
        }) => {
            assert_eq!(file, "bad.toml");
            (line, key, message)
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn shipped_scenarios_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios");
    let exo = Scenario::from_file(&dir.join("exchange-unscoped.toml")).unwrap();
    assert_eq!(exo.exchange.propagation_s, 20.0);
    assert_eq!(exo.groups[0].kind, mailscope::sim::GroupKind::Distribution);
    assert!(exo.access_policies.is_empty() && exo.rbac_assignments.is_empty());
    let demo = Scenario::from_file(&dir.join("demo.toml")).unwrap();
    assert_eq!(demo.apps[0].name, "Kundo Mail");
    assert_eq!(demo.apps[0].roles, ["Mail.Send", "Mail.ReadWrite"]);
    assert_eq!(
        demo.apps[0].secrets[0].id,
        "5e1c0a77-1111-4222-8333-944445555666"
    );
    assert!(
        !format!("{demo:?}").contains("demo~secret~value"),
        "Debug redacts secrets"
    );
    let kinds: Vec<MailboxKind> = demo.mailboxes.iter().map(|m| m.kind).collect();
    for k in [
        MailboxKind::User,
        MailboxKind::Shared,
        MailboxKind::OnPremises,
        MailboxKind::Unlicensed,
    ] {
        assert!(kinds.contains(&k));
    }
    let load = Scenario::from_file(&dir.join("load-1000.toml")).unwrap();
    assert_eq!(load.mailboxes.len(), 1000);
    assert_eq!(load.groups[0].members.len(), 1000);
    assert_eq!(load.mailboxes[999].address, "agent1000@contoso.com");
}

#[test]
fn unknown_key_names_line_and_key() {
    let (line, key, msg) =
        err("latency_ms = 5\n\n[[mailbox]]\naddress = \"a@contoso.com\"\nkindd = \"user\"\n");
    assert_eq!((line, key.as_str()), (7, "kindd"), "{msg}");
    assert!(msg.contains("unknown field"), "{msg}");
}

#[test]
fn bad_values_name_line_and_key() {
    let (line, key, _) = err("[[mailbox]]\naddress = \"a@contoso.com\"\nkind = \"room\"\n");
    assert_eq!((line, key.as_str()), (5, "kind"));
    let (line, key, msg) = err(
        "[[app]]\nclient_id = \"11111111-0000-4000-8000-000000000001\"\nname = \"x\"\n\n[[access_policy]]\napp = \"11111111-0000-4000-8000-000000000001\"\ngroup = \"missing@contoso.com\"\naccess = \"RestrictAccess\"\n",
    );
    assert_eq!((line, key.as_str()), (9, "access_policy.group"), "{msg}");
    let (line, key, _) = err(
        "[[app]]\nclient_id = \"11111111-0000-4000-8000-000000000001\"\nname = \"x\"\nroles = [\"Mail.Sendd\"]\n",
    );
    assert_eq!((line, key.as_str()), (6, "app.roles"));
    let (line, key, _) = err(
        "[[app]]\nclient_id = \"11111111-0000-4000-8000-000000000001\"\nname = \"x\"\nsecrets = [{ id = \"i\", value = \"v\", expires = \"2028-13-01\" }]\n",
    );
    assert_eq!((line, key.as_str()), (6, "app.secrets.expires"));
    let (line, key, msg) = err(
        "[[app]]\nclient_id = \"11111111-0000-4000-8000-000000000001\"\nname = \"x\"\ncertificates = [\"nope.pem\"]\n",
    );
    assert_eq!((line, key.as_str()), (6, "app.certificates"), "{msg}");
}

#[test]
fn missing_key_is_named() {
    let e = Scenario::from_toml("tenant_id = \"x\"\n", Path::new("."), "m.toml").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("m.toml:1: key `domains`: missing field"),
        "{e}"
    );
}

#[test]
fn from_file_error_names_the_file() {
    let e = Scenario::from_file(Path::new("/nonexistent/s.toml")).unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/s.toml"), "{e}");
}
