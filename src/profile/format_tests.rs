//! The profile format's versions: version 1 files load with the same meaning and are written
//! as version 2, version 2 keys round-trip, and a newer version is refused.

use super::*;

const V1: &str = include_str!("../../tests/data/example-profile.toml");

fn parse(text: &str) -> Result<Profile, crate::tomlfile::FileError> {
    parse_profile(text, "p.toml")
}

#[test]
fn a_version_1_file_loads_unchanged_in_meaning_and_is_written_as_version_2() {
    let p = parse(V1).expect("the documented version-1 example loads");
    assert_eq!(p.version, PROFILE_VERSION);
    assert_eq!(PROFILE_VERSION, 2);
    assert_eq!(p.name, "contoso-kundo");
    assert_eq!(p.tenant.as_deref(), Some("contoso.onmicrosoft.com"));
    assert_eq!(
        p.client_id.as_deref(),
        Some("b1c2d3e4-0000-4000-8000-000000000001")
    );
    assert_eq!(p.mailboxes.len(), 2);
    assert!(p.vendor_app.is_none());
    let ep = p.endpoints.as_ref().expect("endpoints");
    assert_eq!(ep.exchange, None);
    let rendered = render_profile(&p).expect("renders");
    assert!(rendered.contains("version = 2"), "{rendered}");
    assert!(!rendered.contains("vendor_app") && !rendered.contains("exchange"));
    // Saved as version 2, the same profile in every other respect.
    let again = parse(&rendered).expect("reloads");
    assert_eq!(again, p);
    let as_v1 = parse(&V1.replacen("version = 1", "version = 2", 1)).expect("v2 header");
    assert_eq!(as_v1, p, "version 1 and 2 mean the same for version-1 keys");
}

const V2_KEYS: &str = r#"
[vendor_app]
app_id = "21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36"
"#;

#[test]
fn version_2_keys_round_trip() {
    let text = "version = 2\nname = \"contoso-lexzur\"\npreset = \"lexzur\"\ncloud = \"custom\"\n\
         [endpoints]\nauthority = \"https://127.0.0.1:8443\"\ngraph = \"https://127.0.0.1:8443\"\n\
         exchange = \"https://127.0.0.1:8443/\"\n"
        .to_string()
        + V2_KEYS;
    let p = parse(&text).expect("loads");
    assert_eq!(
        p.vendor_app.as_ref().and_then(|v| v.app_id.as_deref()),
        Some("21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36")
    );
    assert_eq!(
        p.exchange_endpoint().as_deref(),
        Some("https://127.0.0.1:8443")
    );
    let rendered = render_profile(&p).expect("renders");
    assert_eq!(parse(&rendered).expect("round trip"), p);
    assert!(rendered.contains("[vendor_app]"), "{rendered}");
    // The table alone (chosen, not yet confirmed) survives a save too.
    let mut chosen = p.clone();
    chosen.vendor_app = Some(VendorApp::default());
    let rendered = render_profile(&chosen).expect("renders");
    let back = parse(&rendered).expect("round trip");
    assert_eq!(back.vendor_app, Some(VendorApp::default()), "{rendered}");
}

#[test]
fn a_newer_or_impossible_version_is_refused_with_a_clear_message() {
    let e = parse(&V1.replacen("version = 1", "version = 3", 1)).expect_err("refused");
    assert_eq!(e.key.as_deref(), Some("version"));
    assert_eq!(e.line, Some(1));
    assert!(
        e.message.contains("newer mailscope") && e.message.contains("versions 1 to 2"),
        "{e}"
    );
    let e = parse(&V1.replacen("version = 1", "version = 0", 1)).expect_err("refused");
    assert!(e.message.contains("no profile format version 0"), "{e}");
}

#[test]
fn exchange_endpoint_defaults_per_cloud() {
    let host = |c| Profile::new("x", PresetId::Kundo, c).exchange_endpoint();
    assert_eq!(
        host(Cloud::Global).as_deref(),
        Some("https://outlook.office365.com")
    );
    assert_eq!(
        host(Cloud::Gcc).as_deref(),
        Some("https://outlook.office365.com")
    );
    assert_eq!(
        host(Cloud::GccHigh).as_deref(),
        Some("https://outlook.office365.us")
    );
    assert_eq!(
        host(Cloud::Dod).as_deref(),
        Some("https://outlook-dod.office365.us")
    );
    assert_eq!(
        host(Cloud::China).as_deref(),
        Some("https://outlook.office365.cn")
    );
    assert_eq!(host(Cloud::Custom), None);
    let bad = "version = 2\nname = \"x\"\npreset = \"kundo\"\ncloud = \"custom\"\n[endpoints]\n\
               authority = \"https://a\"\ngraph = \"https://a\"\nexchange = \"http://a\"\n";
    let e = parse(bad).expect_err("refused");
    assert_eq!(e.key.as_deref(), Some("endpoints.exchange"));
}

fn lexzur(extra: &str) -> String {
    format!("version = 2\nname = \"l\"\npreset = \"lexzur\"\n{extra}")
}

#[test]
fn vendor_app_ids_are_checked_and_the_likely_guid_shown() {
    let printed = lexzur("[vendor_app]\napp_id = \"21e7e0d8-bedf4a60-a5eb-fd0ae1571d36\"\n");
    let e = parse(&printed).expect_err("the guide's ID as printed is not a GUID");
    assert_eq!(e.key.as_deref(), Some("vendor_app.app_id"));
    assert!(
        e.message.contains("21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36"),
        "{e}"
    );
    assert!(e.message.contains("LEXZUR App"), "{e}");
    let chosen = parse(&lexzur("[vendor_app]\n")).expect("chosen, not yet confirmed");
    assert_eq!(chosen.vendor_app, Some(VendorApp::default()));
    let other_client = lexzur(
        "client_id = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\
         [vendor_app]\napp_id = \"21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36\"\n",
    );
    let e = parse(&other_client).expect_err("client id differs");
    assert_eq!(e.key.as_deref(), Some("client_id"));
    let kundo = "version = 2\nname = \"k\"\npreset = \"kundo\"\n[vendor_app]\n";
    let e = parse(kundo).expect_err("Kundo has no vendor app");
    assert_eq!(e.key.as_deref(), Some("vendor_app"));
    assert!(e.message.contains("no vendor-hosted app"), "{e}");
}

#[test]
fn the_documented_example_loads_and_round_trips() {
    let doc = include_str!("../../docs/profile-format.md");
    let example = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/profile-format.md holds a TOML example");
    let p = parse(example).expect("the documented example is valid");
    assert_eq!(p.version, 2);
    assert!(p.uses_vendor_app());
    assert!(p.endpoints.as_ref().is_some_and(|e| e.exchange.is_some()));
    let again = parse(&render_profile(&p).expect("renders")).expect("round trip");
    assert_eq!(again, p);
}
