//! Profile storage: round trips, atomic owner-only writes, located errors.

use super::*;
use crate::profile::model::*;

const EXAMPLE: &str = include_str!("../../tests/data/example-profile.toml");

fn store() -> (tempfile::TempDir, ProfileStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ProfileStore::at(dir.path());
    (dir, store)
}

#[test]
fn the_documented_example_round_trips() {
    let p = parse_profile(EXAMPLE, "example.toml").expect("example parses");
    assert_eq!(p.name, "contoso-kundo");
    assert_eq!(p.preset, PresetId::Kundo);
    assert_eq!(p.mailboxes.len(), 2);
    assert_eq!(p.mailboxes[0].kind, MailboxKind::Shared);
    assert_eq!(p.mailboxes[1].expect, Expectation::Denied);
    let cred = p.credential.as_ref().expect("credential");
    assert_eq!(cred.expires, Some(time::macros::date!(2028 - 11 - 22)));
    let scope = p.scope.as_ref().expect("scope");
    assert_eq!(
        scope.changed_at,
        Some(time::macros::datetime!(2026-11-22 10:00:00 UTC))
    );
    let again = parse_profile(&render_profile(&p).expect("render"), "rendered").expect("reparse");
    assert_eq!(again, p);
    let rendered = render_profile(&p).expect("render");
    for key in [
        "secret_id = ",
        "changed_at = \"2026-11-22T10:00:00Z\"",
        "[[mailbox]]",
        "ca_file = ",
    ] {
        assert!(rendered.contains(key), "{key} missing from\n{rendered}");
    }
}

#[test]
fn import_then_load_and_export() {
    let (dir, store) = store();
    let file = dir.path().join("in.toml");
    std::fs::write(&file, EXAMPLE).expect("write");
    let imported = store.import(&file).expect("import");
    assert_eq!(store.list().expect("list"), ["contoso-kundo"]);
    assert_eq!(store.load("contoso-kundo").expect("load"), imported);
    assert!(matches!(store.import(&file), Err(ProfileError::Exists(_))));
    let exported = store.export("contoso-kundo").expect("export");
    assert_eq!(parse_profile(&exported, "x").expect("parse"), imported);
}

#[test]
fn delete_removes_the_file_and_its_companions() {
    let (_dir, store) = store();
    let p = Profile::new("a", PresetId::Sinch, Cloud::Global);
    let path = store.save(&p).expect("save");
    std::fs::write(store.dir().join("a.last-check.json"), "{}").expect("companion");
    std::fs::write(store.dir().join("ab.last-check.json"), "{}").expect("other");
    store.delete("a").expect("delete");
    assert!(!path.exists());
    assert!(!store.dir().join("a.last-check.json").exists());
    assert!(
        store.dir().join("ab.last-check.json").exists(),
        "another profile's file was removed"
    );
    assert!(matches!(store.delete("a"), Err(ProfileError::NotFound(_))));
}

#[cfg(unix)]
#[test]
fn saved_profiles_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, store) = store();
    let path = store
        .save(&Profile::new("a", PresetId::Kundo, Cloud::Global))
        .expect("save");
    assert_eq!(
        std::fs::metadata(path).expect("meta").permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn unknown_keys_and_wrong_types_name_file_line_and_key() {
    let bad = EXAMPLE.replace(
        "app_name = \"Kundo Mail\"",
        "app_name = \"Kundo Mail\"\ncolour = \"blue\"",
    );
    let e = parse_profile(&bad, "p.toml").expect_err("unknown key");
    assert_eq!((e.line, e.key.as_deref()), (Some(8), Some("colour")));
    let bad = EXAMPLE.replace("expect = \"denied\"", "expect = \"maybe\"");
    let e = parse_profile(&bad, "p.toml").expect_err("bad enum");
    assert_eq!(e.key.as_deref(), Some("mailbox[2].expect"));
    assert_eq!(e.line, Some(34));
    let bad = EXAMPLE.replace("version = 1", "version = \"one\"");
    let e = parse_profile(&bad, "p.toml").expect_err("wrong type");
    assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("version")));
}

#[test]
fn semantic_errors_are_located_too() {
    let bad = EXAMPLE.replace(
        "address = \"ceo@contoso.com\"",
        "address = \"support@contoso.com\"",
    );
    let e = parse_profile(&bad, "p.toml").expect_err("conflict");
    assert_eq!(e.key.as_deref(), Some("mailbox[2].address"));
    assert_eq!(e.line, Some(33));
    assert!(e.message.contains("must-reach"), "{}", e.message);
    let bad = EXAMPLE.replace("b1c2d3e4-0000-4000-8000-000000000001", "not-a-guid");
    let e = parse_profile(&bad, "p.toml").expect_err("client id");
    assert_eq!((e.line, e.key.as_deref()), (Some(6), Some("client_id")));
}

#[test]
fn names_that_are_not_file_names_are_refused() {
    let (_dir, store) = store();
    assert!(matches!(
        store.load("../etc/passwd"),
        Err(ProfileError::Name(_))
    ));
    assert!(matches!(store.load("nope"), Err(ProfileError::NotFound(_))));
}

#[test]
fn deleting_a_profile_leaves_every_other_profile_and_its_files() {
    let (_dir, store) = store();
    for name in ["contoso", "contoso.prod", "contoso.last"] {
        store
            .save(&Profile::new(name, PresetId::Kundo, Cloud::Global))
            .expect("save");
        for c in Companion::ALL {
            let f = store.companion_path(name, c).expect("path");
            std::fs::write(f, "{}").expect("companion");
        }
    }
    store.delete("contoso").expect("delete");
    assert_eq!(
        store.list().expect("list"),
        ["contoso.last", "contoso.prod"]
    );
    for name in ["contoso.prod", "contoso.last"] {
        assert!(store.load(name).is_ok(), "{name} survives");
        assert_eq!(
            store.companion_files(name).len(),
            Companion::ALL.len(),
            "{name}"
        );
    }
    // The deleted profile's change record is kept; its last check is gone.
    assert!(
        store
            .companion_path("contoso", Companion::Changes)
            .expect("p")
            .is_file()
    );
    assert!(
        !store
            .companion_path("contoso", Companion::LastCheck)
            .expect("p")
            .is_file()
    );
}

#[test]
fn a_stored_file_whose_name_differs_from_its_file_name_is_refused() {
    let (_dir, store) = store();
    store
        .save(&Profile::new("victim", PresetId::Kundo, Cloud::Global))
        .expect("save");
    let text = std::fs::read_to_string(store.path_of("victim").expect("p")).expect("read");
    std::fs::write(store.dir().join("other.toml"), text).expect("write");
    match store.load("other") {
        Err(ProfileError::NameMismatch {
            inside, expected, ..
        }) => {
            assert_eq!((inside.as_str(), expected.as_str()), ("victim", "other"));
        }
        other => panic!("expected a name mismatch, got {other:?}"),
    }
}

#[test]
fn a_name_differing_only_in_case_is_refused_at_creation() {
    let (_dir, store) = store();
    store
        .save(&Profile::new("contoso", PresetId::Kundo, Cloud::Global))
        .expect("save");
    let e = store
        .save(&Profile::new("Contoso", PresetId::Kundo, Cloud::Global))
        .expect_err("case collision");
    assert!(matches!(e, ProfileError::CaseCollision { .. }), "{e}");
    // Saving the profile itself again is fine.
    store
        .save(&Profile::new("contoso", PresetId::Sinch, Cloud::Global))
        .expect("resave");
}

#[test]
fn import_refuses_a_name_with_surrounding_spaces_with_its_line() {
    let (dir, store) = store();
    let file = dir.path().join("in.toml");
    let text = EXAMPLE.replace("name = \"contoso-kundo\"", "name = \" contoso-kundo \"");
    assert_ne!(text, EXAMPLE);
    std::fs::write(&file, text).expect("write");
    let e = store.import(&file).expect_err("spaces");
    let msg = e.to_string();
    assert!(
        msg.contains("spaces around") && msg.contains("in.toml:2"),
        "{msg}"
    );
    assert!(store.list().expect("list").is_empty());
}

#[test]
fn a_profile_named_or_given_as_a_file_fails_with_a_kind_a_caller_can_match() {
    let (dir, store) = store();
    let missing = dir.path().join("missing.toml");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = [").expect("write");
    assert!(matches!(
        store.load_named_or_file(Some("nope"), None),
        Err(ProfileError::NotFound(n)) if n == "nope"
    ));
    let e = store
        .load_named_or_file(None, Some(&missing))
        .expect_err("no file");
    assert!(
        matches!(&e, ProfileError::Unreadable { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("cannot read "), "{e}");
    assert!(matches!(
        store.load_named_or_file(None, Some(&bad)),
        Err(ProfileError::Invalid(_))
    ));
    for (name, file) in [(None, None), (Some("a"), Some(bad.as_path()))] {
        assert!(matches!(
            store.load_named_or_file(name, file),
            Err(ProfileError::NoSource)
        ));
    }
    let home = ProfileError::from(crate::paths::HomeError::NotFound);
    assert!(matches!(home, ProfileError::Home(_)));
    assert!(home.to_string().contains("MAILSCOPE_HOME"), "{home}");
}
