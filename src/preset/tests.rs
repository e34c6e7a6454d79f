//! Each preset checked against the facts of its vendor guide.

use super::*;
use crate::profile::{AccountType as A, CredentialKind as C, MailboxKind as M};

fn names(p: &Preset, kind: PermissionKind) -> Vec<&str> {
    p.permissions
        .iter()
        .filter(|x| x.kind == kind)
        .map(|x| x.name.as_str())
        .collect()
}

#[test]
fn every_preset_parses_and_declares_its_own_id() {
    let all = all().expect("presets parse");
    assert_eq!(all.len(), PresetId::ALL.len());
    for p in &all {
        assert!(!p.permissions.is_empty(), "{:?} lists no permission", p.id);
        assert!(p.credential_kinds.contains(&p.default_credential));
        assert!(p.account_types.contains(&p.default_account_type));
        assert!(p.secret_lifetime_months >= 1 && p.secret_lifetime_months <= 24);
        assert!(p.permissions.iter().all(|x| !x.reason.trim().is_empty()));
    }
}

#[test]
fn kundo_matches_its_guide() {
    let p = preset(PresetId::Kundo).expect("kundo");
    assert_eq!(p.default_app_name, "Kundo Mail");
    assert_eq!(
        names(&p, PermissionKind::Application),
        ["Mail.Send", "Mail.ReadWrite"]
    );
    assert!(names(&p, PermissionKind::Delegated).is_empty());
    let rw = p
        .permissions
        .iter()
        .find(|x| x.name == "Mail.ReadWrite")
        .expect("rw");
    assert!(rw.reason.contains("3 MB") && rw.reason.contains("draft"));
    assert_eq!(p.secret_lifetime_months, 24);
    assert_eq!(p.credential_kinds, [C::Secret]);
    assert!(p.redirect_uri_template.is_none());
    assert!(p.branding.is_some());
    assert!(
        p.vendor_settings
            .location
            .contains("Inbox Settings > Send & Receive")
    );
    assert_eq!(p.scoping.mechanism, ScopeMechanism::ApplicationAccessPolicy);
}

#[test]
fn lexzur_matches_its_guide() {
    let p = preset(PresetId::Lexzur).expect("lexzur");
    assert!(names(&p, PermissionKind::Application).is_empty());
    let mut delegated = names(&p, PermissionKind::Delegated);
    delegated.sort_unstable();
    assert_eq!(
        delegated,
        [
            "Mail.ReadWrite",
            "Mail.Send",
            "MailboxSettings.ReadWrite",
            "User.Read",
            "email",
            "offline_access",
            "openid",
            "profile"
        ]
    );
    assert_eq!(p.default_account_type, A::MultiTenantAndPersonal);
    assert_eq!(
        p.redirect_uri_for("https://myServer/app4legal/").as_deref(),
        Some("https://myServer/app4legal/api/v2/core/user_authorization_callback")
    );
    let out = p.vendor_output.as_ref().expect("integrations.json");
    assert_eq!(out.path, "application/config/integrations.json");
    assert_eq!(out.key, "MS-OfficeMail-365");
    assert!(!p.scoping.applies && p.scoping.not_applicable_reason.is_some());
    assert!(
        p.consent_note
            .as_deref()
            .is_some_and(|n| n.contains("User consent settings"))
    );
}

#[test]
fn elegere_matches_its_guide() {
    let p = preset(PresetId::Elegere).expect("elegere");
    assert_eq!(names(&p, PermissionKind::Application), ["Mail.Send"]);
    assert_eq!(p.credential_kinds, [C::Certificate]);
    assert_eq!(p.default_credential, C::Certificate);
    assert_eq!(p.account_types, [A::SingleTenant]);
    assert!(p.redirect_uri_template.is_none());
}

#[test]
fn sinch_matches_its_guide() {
    let p = preset(PresetId::Sinch).expect("sinch");
    assert_eq!(
        names(&p, PermissionKind::Application),
        ["Mail.ReadWrite", "Mail.Send"]
    );
    let send = p
        .permissions
        .iter()
        .find(|x| x.name == "Mail.Send")
        .expect("send");
    assert!(send.optional, "Mail.Send is only for outgoing mail");
    assert_eq!(p.mailbox_kinds, [M::Shared]);
    assert!(
        p.shared_mailbox_role
            .as_deref()
            .is_some_and(|r| r.contains("queue"))
    );
    assert_eq!(p.credential_kinds, [C::Secret]);
}

#[test]
fn emplifi_matches_its_guide() {
    let p = preset(PresetId::Emplifi).expect("emplifi");
    assert_eq!(p.default_app_name, "PCEmail");
    assert_eq!(
        names(&p, PermissionKind::Application),
        ["Mail.ReadWrite", "Mail.Send"]
    );
    assert_eq!(names(&p, PermissionKind::Delegated), ["User.Read"]);
    assert_eq!(p.account_types, [A::SingleTenant]);
    assert_eq!(p.secret_lifetime_months, 24);
}

/// When the vendor guides are beside the checkout, every permission a preset lists must be named
/// in its guide, so a preset cannot drift from the document it claims to follow.
#[test]
fn preset_permissions_appear_in_the_guides() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/guides");
    if !dir.is_dir() {
        eprintln!("skipped: vendor guides not found at {}", dir.display());
        return;
    }
    for p in all().expect("presets") {
        if p.guide.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(&p.guide)).expect("guide readable");
        for perm in &p.permissions {
            let named = text.contains(&perm.name)
                || (["openid", "profile", "email", "offline_access"].contains(&perm.name.as_str())
                    && text.contains("4 permissions under “OpenId”"));
            assert!(named, "{} not in {}", perm.name, p.guide);
        }
    }
}

#[test]
fn optional_permissions_are_left_out_unless_chosen() {
    let sinch = preset(PresetId::Sinch).expect("sinch");
    let optional: Vec<&str> = sinch
        .optional_permissions()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(optional, ["Mail.Send"]);
    let none = sinch.narrowed(&[]);
    assert_eq!(
        names(&none, PermissionKind::Application),
        ["Mail.ReadWrite"]
    );
    let chosen = sinch.narrowed(&["Mail.Send".to_string()]);
    assert_eq!(
        names(&chosen, PermissionKind::Application),
        ["Mail.ReadWrite", "Mail.Send"]
    );
    // Everything but the permission list is the preset's own.
    assert_eq!(none.scoping, sinch.scoping);
    assert_eq!(none.product, sinch.product);
    // Presets without optional permissions are unchanged.
    let kundo = preset(PresetId::Kundo).expect("kundo");
    assert_eq!(kundo.narrowed(&[]), kundo);
}

#[test]
fn lexzur_names_its_vendor_app_as_printed_with_the_likely_guid() {
    let p = preset(PresetId::Lexzur).expect("lexzur");
    let v = p.vendor_app.as_ref().expect("LEXZUR offers its own app");
    let guide = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/guides")
        .join(&p.guide);
    if let Ok(text) = std::fs::read_to_string(guide) {
        assert!(
            text.contains(&v.app_id_as_printed),
            "as printed in the guide"
        );
    }
    assert_eq!(v.app_id_as_printed, "21e7e0d8-bedf4a60-a5eb-fd0ae1571d36");
    assert!(!v.printed_is_guid());
    assert_eq!(
        v.likely_app_id().as_deref(),
        Some("21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36")
    );
    let with = p.for_vendor_app().expect("vendor preset");
    assert_eq!(
        with.permissions, p.permissions,
        "the preset's own permissions"
    );
    assert!(with.redirect_uri_template.is_none());
    for other in all().expect("presets") {
        if other.id != PresetId::Lexzur {
            assert!(other.vendor_app.is_none(), "{:?}", other.id);
            assert!(other.for_vendor_app().is_none());
        }
    }
}
