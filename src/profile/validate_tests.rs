//! Table tests: each rule has cases that fail if the rule is removed.

use super::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 22);

#[test]
fn client_ids() {
    let ok = [
        (
            "b1c2d3e4-0000-4000-8000-000000000001",
            "b1c2d3e4-0000-4000-8000-000000000001",
        ),
        (
            "  B1C2D3E4-0000-4000-8000-00000000000A ",
            "b1c2d3e4-0000-4000-8000-00000000000a",
        ),
        (
            "{b1c2d3e4-0000-4000-8000-000000000001}",
            "b1c2d3e4-0000-4000-8000-000000000001",
        ),
    ];
    for (input, want) in ok {
        assert_eq!(client_id(input).as_deref(), Ok(want), "{input}");
    }
    let bad = [
        ("", "Enter the Application"),
        (
            "b1c2d3e4-0000-4000-8000-00000000001",
            "not an Application (client) ID",
        ),
        (
            "b1c2d3e40000400080000000000000001",
            "not an Application (client) ID",
        ),
        (
            "g1c2d3e4-0000-4000-8000-000000000001",
            "not an Application (client) ID",
        ),
        ("00000000-0000-0000-0000-000000000000", "all-zero"),
        ("Kundo Mail", "not an Application (client) ID"),
    ];
    for (input, want) in bad {
        let e = client_id(input).expect_err(input);
        assert!(e.0.contains(want), "{input}: {e}");
    }
}

#[test]
fn tenants() {
    assert_eq!(
        tenant("8F2B6C1E-4D3A-4B5C-9E7F-0A1B2C3D4E5F").as_deref(),
        Ok("8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f")
    );
    assert_eq!(
        tenant(" Contoso.onmicrosoft.com ").as_deref(),
        Ok("contoso.onmicrosoft.com")
    );
    assert_eq!(tenant("contoso.com").as_deref(), Ok("contoso.com"));
    let bad = [
        ("", "Enter the Directory"),
        ("common", "multi-tenant alias"),
        ("organizations", "multi-tenant alias"),
        ("00000000-0000-0000-0000-000000000000", "all-zero"),
        ("8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5", "mistyped GUID"),
        ("contoso", "neither a tenant ID"),
        ("{{tenantid}}", "neither a tenant ID"),
        ("con toso.com", "neither a tenant ID"),
    ];
    for (input, want) in bad {
        let e = tenant(input).expect_err(input);
        assert!(e.0.contains(want), "{input}: {e}");
    }
}

#[test]
fn mail_addresses() {
    assert_eq!(
        mail_address(" Support@Contoso.com ").as_deref(),
        Ok("support@contoso.com")
    );
    assert_eq!(
        mail_address("first.last+tag@sub.contoso.co.uk").as_deref(),
        Ok("first.last+tag@sub.contoso.co.uk")
    );
    let bad = [
        ("", "Enter an email"),
        ("support", "no @"),
        ("support@", "not a domain"),
        ("support@contoso", "not a domain"),
        ("@contoso.com", "part before @"),
        ("sup port@contoso.com", "part before @"),
        ("a..b@contoso.com", "part before @"),
        ("support@-contoso.com", "not a domain"),
    ];
    for (input, want) in bad {
        let e = mail_address(input).expect_err(input);
        assert!(e.0.contains(want), "{input}: {e}");
    }
}

#[test]
fn redirect_uris() {
    for ok in [
        "https://myServer/app4legal/api/v2/core/user_authorization_callback",
        "http://localhost:8080/callback",
        "http://127.0.0.1/cb",
    ] {
        assert!(redirect_uri(ok).is_ok(), "{ok}");
    }
    let bad = [
        ("myServer/api", "not a full URL"),
        ("http://lexzur.contoso.com/cb", "only for localhost"),
        ("ftp://contoso.com/cb", "must start with https"),
        ("https://contoso.com/cb#top", "cannot contain '#'"),
        ("https://*.contoso.com/cb", "Wildcards"),
        ("https://contoso.com/*", "Wildcards"),
    ];
    for (input, want) in bad {
        let e = redirect_uri(input).expect_err(input);
        assert!(e.0.contains(want), "{input}: {e}");
    }
}

#[test]
fn expiry_dates() {
    assert_eq!(expiry("2028-11-22", TODAY), Ok(date!(2028 - 11 - 22)));
    assert_eq!(expiry("2026-11-23", TODAY), Ok(date!(2026 - 11 - 23)));
    let bad = [
        ("22/11/2028", "not a date"),
        ("2026-11-22", "expired"),
        ("2025-01-01", "expired"),
        ("2028-11-23", "at most 24 months"),
    ];
    for (input, want) in bad {
        let e = expiry(input, TODAY).expect_err(input);
        assert!(e.0.contains(want), "{input}: {e}");
    }
}

#[test]
fn month_arithmetic_clamps_to_month_end() {
    assert_eq!(add_months(date!(2026 - 08 - 31), 6), date!(2027 - 02 - 28));
    assert_eq!(add_months(date!(2026 - 11 - 22), 24), date!(2028 - 11 - 22));
    assert_eq!(add_months(date!(2027 - 12 - 15), 1), date!(2028 - 01 - 15));
}

#[test]
fn secret_values_and_the_secret_id_mistake() {
    assert!(client_secret("Abc8Q~x5yZ.u-0123456789abcdefghijklmnopq", None).is_ok());
    let id = "5e1c0a77-1111-4222-8333-944445555666";
    let e = client_secret(id, None).expect_err("guid");
    assert!(
        e.0.contains("Secret ID") && e.0.contains("Value column"),
        "{e}"
    );
    let e =
        client_secret("my-secret-id-label-xyz", Some("my-secret-id-label-xyz")).expect_err("id");
    assert!(e.0.contains("Secret ID"), "{e}");
    assert!(
        client_secret("", None)
            .expect_err("empty")
            .0
            .contains("Paste")
    );
    assert!(
        client_secret("abc def ghi jkl mno pqr", None)
            .expect_err("space")
            .0
            .contains("space")
    );
    assert!(
        client_secret("short~value", None)
            .expect_err("short")
            .0
            .contains("40 characters")
    );
}

#[test]
fn profile_names() {
    assert_eq!(
        profile_name("contoso-kundo").as_deref(),
        Ok("contoso-kundo")
    );
    for bad in [
        "",
        "../etc",
        "a/b",
        ".hidden",
        "with space",
        &"x".repeat(65),
    ] {
        assert!(profile_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn display_names() {
    assert_eq!(
        display_name(" Kundo Mail ", "app name", 120).as_deref(),
        Ok("Kundo Mail")
    );
    assert!(display_name("", "app name", 120).is_err());
    assert!(
        display_name(&"x".repeat(121), "app name", 120)
            .expect_err("long")
            .0
            .contains("120")
    );
    assert!(
        display_name("a\nb", "group name", 64)
            .expect_err("ctl")
            .0
            .contains("line breaks")
    );
}

#[test]
fn a_guid_with_a_hyphen_missing_is_refused_with_the_likely_intended_value() {
    // As LEXZUR's guide prints its multi-tenant app's ID.
    let printed = "21e7e0d8-bedf4a60-a5eb-fd0ae1571d36";
    assert_eq!(parse_guid(printed), None, "never accepted as it is");
    assert_eq!(
        likely_guid(printed).as_deref(),
        Some("21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36")
    );
    let e = client_id(printed).expect_err("refused");
    assert!(
        e.0.contains("did the source mean 21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36?"),
        "{e}"
    );
    let e = tenant("8f2b6c1e4d3a-4b5c-9e7f-0a1b2c3d4e5f").expect_err("refused");
    assert!(e.0.contains("8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"), "{e}");
    // No suggestion where there is nothing likely to suggest.
    assert_eq!(likely_guid("21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36"), None);
    assert_eq!(likely_guid("21e7e0d8-bedf4a60-a5eb-fd0ae1571d3"), None);
    assert_eq!(likely_guid("contoso.onmicrosoft.com"), None);
    assert!(
        !client_id("not-a-guid")
            .expect_err("refused")
            .0
            .contains("did the source mean")
    );
}
