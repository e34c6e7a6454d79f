use std::fs;
use std::path::Path;

use super::*;
use crate::preset;
use crate::profile::{Expectation, Mailbox, MailboxKind, PresetId, Profile};

const KEY: &str = "MS-OfficeMail-365";

const EXISTING: &str = r#"{
  "Zoom": {
    "apiKey": "z",
    "enabled": true
  },
  "MS-OfficeMail-365": {
    "tenant": "common",
    "clientSecret": "old-secret",
    "clientId": ""
  },
  "Aardvark": [1, 2.5, null]
}
"#;

fn path() -> &'static Path {
    Path::new("integrations.json")
}

#[test]
fn merge_changes_only_client_id_and_keeps_order_and_the_old_secret() {
    let (text, outcome) = merge_integrations(
        EXISTING,
        KEY,
        "1b2c3d4e-0000-4000-8000-000000000001",
        None,
        path(),
    )
    .expect("merge");
    assert_eq!(
        text,
        r#"{
  "Zoom": {
    "apiKey": "z",
    "enabled": true
  },
  "MS-OfficeMail-365": {
    "tenant": "common",
    "clientSecret": "old-secret",
    "clientId": "1b2c3d4e-0000-4000-8000-000000000001"
  },
  "Aardvark": [
    1,
    2.5,
    null
  ]
}
"#
    );
    assert_eq!(
        outcome,
        MergeOutcome {
            entry_added: false,
            secret_written: false,
            secret_present: true
        }
    );
}

#[test]
fn the_secret_is_written_only_when_passed_and_reads_back_exactly() {
    let hostile = "s3cr\"et\\with\nnewline and \u{2019} quote";
    let (text, outcome) =
        merge_integrations(EXISTING, KEY, "id", Some(hostile), path()).expect("merge");
    assert!(outcome.secret_written);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v[KEY]["clientSecret"], hostile);
    assert_eq!(v[KEY]["clientId"], "id");
    assert_eq!(v["Zoom"]["apiKey"], "z");
}

#[test]
fn a_missing_entry_is_appended_without_a_secret() {
    let (text, outcome) =
        merge_integrations("{\"Other\": 1}", KEY, "id", None, path()).expect("merge");
    assert!(outcome.entry_added && !outcome.secret_present);
    assert_eq!(
        text,
        "{\n    \"Other\": 1,\n    \"MS-OfficeMail-365\": {\n        \"clientId\": \"id\"\n    }\n}\n"
    );
}

#[test]
fn broken_or_unexpected_files_are_refused() {
    assert!(matches!(
        merge_integrations("{\"a\": ", KEY, "id", None, path()),
        Err(VendorOutputError::Invalid { .. })
    ));
    assert!(matches!(
        merge_integrations("[1]", KEY, "id", None, path()),
        Err(VendorOutputError::Unexpected { .. })
    ));
    assert!(matches!(
        merge_integrations("{\"MS-OfficeMail-365\": \"x\"}", KEY, "id", None, path()),
        Err(VendorOutputError::Unexpected { .. })
    ));
}

#[test]
fn write_keeps_the_file_and_its_permissions_and_needs_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("integrations.json");
    assert!(matches!(
        write_integrations(&p, KEY, "id", None),
        Err(VendorOutputError::NotFound { .. })
    ));
    fs::write(&p, EXISTING).expect("seed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).expect("chmod");
    }
    let outcome = write_integrations(&p, KEY, "id", Some("new")).expect("write");
    assert!(outcome.secret_written);
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&p).expect("read")).expect("json");
    assert_eq!(v[KEY]["clientSecret"], "new");
    assert_eq!(v[KEY]["tenant"], "common");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    // A broken file is left exactly as it was.
    fs::write(&p, "{ broken").expect("seed");
    assert!(write_integrations(&p, KEY, "id", Some("new")).is_err());
    assert_eq!(fs::read_to_string(&p).expect("read"), "{ broken");
}

#[test]
fn the_displayed_entry_shows_the_secret_only_on_request() {
    let shown = integrations_entry(KEY, "id", Some("the-secret"));
    let v: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(v[KEY]["clientSecret"], "the-secret");
    let hidden = integrations_entry(KEY, "id", None);
    assert!(!hidden.contains("the-secret"));
    assert!(hidden.contains(SECRET_NOT_SHOWN));
}

fn profile(id: PresetId) -> Profile {
    let mut p = Profile::new("contoso", id, Default::default());
    p.client_id = Some("1b2c3d4e-0000-4000-8000-000000000001".into());
    p.mailboxes = vec![
        Mailbox {
            address: "queue1@contoso.com".into(),
            kind: MailboxKind::Shared,
            expect: Expectation::Granted,
        },
        Mailbox {
            address: "ceo@contoso.com".into(),
            kind: MailboxKind::User,
            expect: Expectation::Denied,
        },
        Mailbox {
            address: "queue2@contoso.com".into(),
            kind: MailboxKind::Shared,
            expect: Expectation::Granted,
        },
    ];
    p
}

#[test]
fn vendor_fields_follow_the_preset_and_hide_the_secret_unless_asked() {
    let sinch = preset::preset(PresetId::Sinch).expect("preset");
    let p = profile(PresetId::Sinch);
    let fields = vendor_fields(&p, &sinch, None);
    let labels: Vec<&str> = fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Application registration ID",
            "Directory (tenant) ID",
            "Client secret (the Value)",
            "Queue addresses (one per shared mailbox)"
        ]
    );
    assert_eq!(fields[0].value, "1b2c3d4e-0000-4000-8000-000000000001");
    assert_eq!(fields[1].value, NOT_SET);
    assert_eq!(fields[2].value, secret_placeholder("contoso"));
    assert!(!fields[2].is_secret);
    assert_eq!(fields[3].value, "queue1@contoso.com, queue2@contoso.com");

    let shown = vendor_fields(&p, &sinch, Some("the-secret"));
    assert_eq!(shown[2].value, "the-secret");
    assert!(shown[2].is_secret);
    let text = render_fields(&sinch, &fields);
    assert!(text.starts_with("Enter these in Sinch Contact Pro: System Configurator"));
    assert!(text.contains("  Directory (tenant) ID:"));
}
