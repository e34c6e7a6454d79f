//! A stored secret is handed out only for the values it was stored for.

use super::*;
use crate::profile::{Cloud, CredentialInfo, CredentialKind, Endpoints, PresetId};

fn contoso() -> Profile {
    let mut p = Profile::new("contoso", PresetId::Kundo, Cloud::Global);
    p.tenant = Some("contoso.onmicrosoft.com".into());
    p.client_id = Some("11111111-2222-3333-4444-555555555555".into());
    p.credential = Some(CredentialInfo::new(CredentialKind::Secret));
    p
}

fn value(store: &dyn SecretStore, p: &Profile) -> Result<Option<String>, SecretError> {
    bound_secret(store, p, SecretSlot::ClientSecret)
        .map(|o| o.map(|b| String::from_utf8_lossy(b.expose()).into_owned()))
}

#[test]
fn a_file_with_the_same_name_and_other_endpoints_gets_nothing() {
    let store = MemoryStore::new();
    store_client_secret(&store, &contoso(), &Secret::new("s3cret~value")).expect("store");
    assert_eq!(value(&store, &contoso()), Ok(Some("s3cret~value".into())));

    let mut evil = contoso();
    evil.cloud = Cloud::Custom;
    evil.endpoints = Some(Endpoints {
        authority: "https://attacker.example".into(),
        graph: "https://attacker.example".into(),
        ca_file: None,
        exchange: None,
    });
    match value(&store, &evil) {
        Err(SecretError::BindingMismatch { differences, .. }) => {
            assert!(
                differences.iter().any(|d| d.contains("attacker.example")),
                "{differences:?}"
            );
        }
        other => panic!("expected a binding mismatch, got {other:?}"),
    }
    let msg = value(&store, &evil).expect_err("mismatch").to_string();
    assert!(!msg.contains("s3cret~value"));
    assert!(
        msg.contains("mailscope credential set --profile contoso"),
        "{msg}"
    );

    for change in [
        |p: &mut Profile| p.tenant = Some("fabrikam.onmicrosoft.com".into()),
        |p: &mut Profile| p.client_id = Some("99999999-2222-3333-4444-555555555555".into()),
        |p: &mut Profile| p.cloud = Cloud::GccHigh,
    ] {
        let mut other = contoso();
        change(&mut other);
        assert!(matches!(
            value(&store, &other),
            Err(SecretError::BindingMismatch { .. })
        ));
        assert!(matches!(
            client_secret(&store, &other),
            Err(SecretError::BindingMismatch { .. })
        ));
    }
}

#[test]
fn an_unbound_secret_is_refused_until_a_stored_profile_adopts_it() {
    let store = MemoryStore::new();
    // As an earlier mailscope stored it: the secret alone.
    store
        .set("contoso", SecretSlot::ClientSecret, b"legacy~value")
        .expect("set");
    assert!(matches!(
        value(&store, &contoso()),
        Err(SecretError::Unbound { .. })
    ));
    assert_eq!(adopt_unbound(&store, &contoso()), Ok(true));
    assert_eq!(adopt_unbound(&store, &contoso()), Ok(false), "only once");
    assert_eq!(value(&store, &contoso()), Ok(Some("legacy~value".into())));
}

#[test]
fn nothing_stored_adopts_nothing_and_reads_as_absent() {
    let store = MemoryStore::new();
    assert_eq!(adopt_unbound(&store, &contoso()), Ok(false));
    assert_eq!(value(&store, &contoso()), Ok(None));
    assert!(matches!(
        store.get("contoso", SecretSlot::Binding),
        Ok(None)
    ));
}

#[test]
fn deleting_a_profiles_secrets_removes_its_binding_too() {
    let store = MemoryStore::new();
    store_client_secret(&store, &contoso(), &Secret::new("v~alue")).expect("store");
    assert_eq!(delete_all_for(&store, "contoso"), Ok(1));
    assert!(matches!(
        store.get("contoso", SecretSlot::Binding),
        Ok(None)
    ));
}
