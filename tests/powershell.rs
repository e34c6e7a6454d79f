//! Generated PowerShell, checked by an independent parser: no parse errors, only the intended
//! commands, and every value evaluating to exactly what went in, for realistic and hostile
//! values. Snapshots show each preset's scripts.

#[path = "powershell/facts.rs"]
mod facts;
#[path = "powershell/fixtures.rs"]
mod fixtures;
#[path = "powershell/hostile.rs"]
mod hostile;
#[path = "powershell/parse.rs"]
mod parse;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use mailscope::powershell::quote::{quote, single_quoted};
use mailscope::powershell::{GeneratedScript, Part, ScriptError, generate};
use mailscope::preset::Preset;
use mailscope::profile::{CredentialKind, MailboxKind, PresetId, Profile, ScopeMechanism};
use proptest::prelude::*;

use fixtures::{Strings, preset_for, profile};
use hostile::{hostile, hostile_strings};

const MECHANISMS: [ScopeMechanism; 2] = [
    ScopeMechanism::ApplicationAccessPolicy,
    ScopeMechanism::Rbac,
];

/// The recorded cmdlet facts (`src/powershell/cmdlet_facts.toml`), read once.
static FACTS: LazyLock<facts::Facts> = LazyLock::new(facts::load);

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The commands each script may run, written down independently of the generator.
fn expected_commands(
    preset: &Preset,
    profile: &Profile,
    part: Part,
    mech: ScopeMechanism,
) -> BTreeSet<String> {
    let mut out = set(&["Write-Host"]);
    if part != Part::Exchange {
        out.extend(set(&[
            "Connect-MgGraph",
            "Get-MgApplication",
            "Select-Object",
            "Update-MgApplication",
            "New-MgApplication",
            "Get-MgServicePrincipal",
            "New-MgServicePrincipal",
            "Get-MgServicePrincipalAppRoleAssignment",
            "ForEach-Object",
            "New-MgServicePrincipalAppRoleAssignment",
            "Out-Null",
            "Get-MgContext",
            "Where-Object",
        ]));
        if preset.delegated_permissions().next().is_some() {
            out.extend(set(&[
                "Get-MgOauth2PermissionGrant",
                "New-MgOauth2PermissionGrant",
                "Update-MgOauth2PermissionGrant",
            ]));
        }
        match preset.default_credential {
            CredentialKind::Secret => out.extend(set(&["Get-Date", "Add-MgApplicationPassword"])),
            CredentialKind::Certificate => {
                out.extend(set(&["Resolve-Path", "New-Object", "Write-Warning"]))
            }
        }
    }
    if part != Part::Entra && preset.scoping.applies {
        out.extend(set(&[
            "Connect-ExchangeOnline",
            "Write-Warning",
            "Get-DistributionGroup",
            "New-DistributionGroup",
            "Get-DistributionGroupMember",
            "ForEach-Object",
            "Get-Recipient",
            "Add-DistributionGroupMember",
            "Where-Object",
        ]));
        if profile
            .mailboxes
            .iter()
            .any(|m| m.kind == MailboxKind::Shared)
        {
            out.extend(set(&["Get-Mailbox", "New-Mailbox"]));
        }
        out.extend(set(match mech {
            ScopeMechanism::ApplicationAccessPolicy => &[
                "Get-ApplicationAccessPolicy",
                "New-ApplicationAccessPolicy",
                "Test-ApplicationAccessPolicy",
            ][..],
            ScopeMechanism::Rbac => &[
                "Get-ServicePrincipal",
                "New-ServicePrincipal",
                "Get-ManagementRoleAssignment",
                "New-ManagementRoleAssignment",
                "Test-ServicePrincipalAuthorization",
            ][..],
        }));
    }
    out
}

/// Parses `g` and checks syntax, commands, the cmdlet facts and values; returns the quoted
/// values after the values block (the script's own constants) and the skeleton.
fn check(g: &GeneratedScript, commands: &BTreeSet<String>) -> (Vec<String>, String) {
    check_as(g, commands, true)
}

/// [`check`], with the cmdlet-facts reading optional: the property tests compare each
/// script's skeleton with one whose facts are checked, so they skip it to stay fast.
fn check_as(
    g: &GeneratedScript,
    commands: &BTreeSet<String>,
    with_facts: bool,
) -> (Vec<String>, String) {
    assert!(g.text.is_ascii(), "script is not ASCII");
    let p = parse::parse(&g.text);
    let errors = p.errors();
    assert!(errors.is_empty(), "parse errors: {errors:?}\n{}", g.text);
    assert_eq!(&p.commands(), commands, "commands differ");
    if with_facts {
        let disagreements = facts::check(&p, &FACTS);
        assert!(
            disagreements.is_empty(),
            "the script disagrees with cmdlet_facts.toml:\n{}",
            disagreements.join("\n")
        );
    }
    let quoted: Vec<String> = p.quoted().into_iter().map(|(_, v)| v).collect();
    assert!(quoted.len() >= g.values.len(), "fewer literals than values");
    for (i, v) in g.values.iter().enumerate() {
        assert_eq!(quoted[i], v.value, "value {} ({}) is not exact", i, v.name);
    }
    (quoted[g.values.len()..].to_vec(), p.skeleton())
}

/// Generates and checks one script; returns it with its constants and skeleton.
fn checked(
    id: PresetId,
    strings: &Strings,
    part: Part,
    mech: ScopeMechanism,
) -> (GeneratedScript, Vec<String>, String) {
    checked_as(id, strings, part, mech, true)
}

fn checked_as(
    id: PresetId,
    strings: &Strings,
    part: Part,
    mech: ScopeMechanism,
    with_facts: bool,
) -> (GeneratedScript, Vec<String>, String) {
    let preset = preset_for(id);
    let prof = profile(&preset, strings);
    let g = generate(&prof, &preset, part, Some(mech)).expect("script");
    let expected = expected_commands(&preset, &prof, part, mech);
    let (consts, skel) = check_as(&g, &expected, with_facts);
    (g, consts, skel)
}

fn one(id: PresetId, strings: &Strings, part: Part, mech: ScopeMechanism) -> GeneratedScript {
    checked(id, strings, part, mech).0
}

/// The full text of every call of `name` in `src`, in order.
fn calls_to(src: &str, name: &str) -> Vec<String> {
    parse::parse(src)
        .invocations()
        .into_iter()
        .filter(|(n, _)| n == name)
        .map(|(_, call)| call)
        .collect()
}

/// Kundo's Exchange script for realistic values, checked.
fn kundo_exchange(mech: ScopeMechanism) -> String {
    one(PresetId::Kundo, &Strings::realistic(), Part::Exchange, mech).text
}

#[test]
fn snapshots_for_every_preset_mechanism_and_part() {
    let strings = Strings::realistic();
    for id in PresetId::ALL {
        for mech in MECHANISMS {
            for part in [Part::Exchange, Part::Entra] {
                let g = one(id, &strings, part, mech);
                let name = format!("{}_{}_{}", id.as_str(), mech.as_str(), part.as_str());
                insta::assert_snapshot!(name, g.text);
            }
        }
    }
    let g = one(PresetId::Kundo, &strings, Part::All, ScopeMechanism::Rbac);
    insta::assert_snapshot!("kundo_rbac_all", g.text);
}

#[test]
fn every_create_is_guarded_by_a_lookup() {
    let strings = Strings::realistic();
    let pairs = [
        ("New-Mailbox", "Get-Mailbox"),
        ("New-DistributionGroup", "Get-DistributionGroup"),
        ("Add-DistributionGroupMember", "Get-DistributionGroupMember"),
        ("New-ApplicationAccessPolicy", "Get-ApplicationAccessPolicy"),
        ("New-ServicePrincipal ", "Get-ServicePrincipal "),
        (
            "New-ManagementRoleAssignment",
            "Get-ManagementRoleAssignment",
        ),
        ("New-MgApplication", "Get-MgApplication"),
        ("New-MgServicePrincipal ", "Get-MgServicePrincipal "),
        (
            "New-MgServicePrincipalAppRoleAssignment",
            "Get-MgServicePrincipalAppRoleAssignment",
        ),
        ("New-MgOauth2PermissionGrant", "Get-MgOauth2PermissionGrant"),
        ("Add-MgApplicationPassword", "$existingSecret = "),
        (
            "Update-MgApplication -ApplicationId $app.Id -KeyCredentials",
            "$sameKey = ",
        ),
    ];
    for id in PresetId::ALL {
        for mech in MECHANISMS {
            let text = one(id, &strings, Part::All, mech).text;
            for (create, lookup) in pairs {
                if let Some(at) = text.find(create) {
                    let before = &text[..at];
                    assert!(
                        before.contains(lookup),
                        "{id:?}/{mech:?}: {create} is not preceded by {lookup}"
                    );
                }
            }
            // Every command that changes something takes part in the dry run.
            for (name, call) in parse::parse(&text).invocations() {
                let changes = ["New-", "Add-", "Update-", "Set-", "Remove-"]
                    .iter()
                    .any(|v| name.starts_with(v))
                    && name != "New-Object";
                assert!(
                    !changes || call.contains("-WhatIf:$WhatIf"),
                    "{id:?}/{mech:?}: {call} lacks -WhatIf:$WhatIf"
                );
            }
        }
    }
}

#[test]
fn missing_ids_are_reported_not_guessed() {
    let preset = preset_for(PresetId::Kundo);
    let mut prof = profile(&preset, &Strings::realistic());
    prof.service_principal_id = None;
    let err = generate(&prof, &preset, Part::Exchange, Some(ScopeMechanism::Rbac));
    assert!(matches!(err, Err(ScriptError::Missing { .. })), "{err:?}");
    assert!(generate(&prof, &preset, Part::All, Some(ScopeMechanism::Rbac)).is_ok());
    prof.client_id = None;
    let err = generate(&prof, &preset, Part::Exchange, None);
    assert!(matches!(err, Err(ScriptError::Missing { .. })), "{err:?}");
}

#[test]
fn rbac_leaves_mail_permissions_out_of_entra_consent() {
    let strings = Strings::realistic();
    let aap = one(PresetId::Kundo, &strings, Part::Entra, MECHANISMS[0]);
    let rbac = one(PresetId::Kundo, &strings, Part::Entra, ScopeMechanism::Rbac);
    let mail_send = "b633e1c5-b582-4048-a93e-9f11b44c7e96";
    assert!(aap.values.iter().any(|v| v.value == mail_send));
    assert!(!rbac.values.iter().any(|v| v.value == mail_send));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any value: the script parses, runs only the intended commands, every value reads back
    /// exactly, and everything outside the values (code and constants) is identical to the
    /// script for plain values.
    #[test]
    fn hostile_values_cannot_change_the_script(
        strings in hostile_strings(),
        preset_ix in 0..PresetId::ALL.len(),
        part_ix in 0..Part::ALL.len(),
        mech_ix in 0..2usize,
    ) {
        let id = PresetId::ALL[preset_ix];
        let (part, mech) = (Part::ALL[part_ix], MECHANISMS[mech_ix]);
        let (hostile, h_consts, h_skel) = checked_as(id, &strings, part, mech, false);
        let (plain, p_consts, p_skel) = checked_as(id, &strings.benign(), part, mech, false);
        prop_assert_eq!(hostile.values.len(), plain.values.len());
        prop_assert_eq!(h_consts, p_consts);
        prop_assert_eq!(h_skel, p_skel);
    }

    /// The quoting function alone, in an assignment and as a command argument.
    #[test]
    fn quote_reads_back_exactly(v in hostile()) {
        for src in [
            format!("$v = {}\n", quote(&v)),
            format!("Write-Host -Object {} -NoNewline\n", quote(&v)),
        ] {
            let p = parse::parse(&src);
            prop_assert!(p.errors().is_empty(), "{:?}", p.errors());
            let q = p.quoted();
            prop_assert_eq!(q.len(), 1);
            prop_assert_eq!(&q[0].1, &v);
            prop_assert!(p.commands().iter().all(|c| c == "Write-Host"));
        }
        // The raw form (Unicode kept, all five single quotes doubled) also reads back.
        prop_assert_eq!(parse::eval_literal(&single_quoted(&v)), v);
    }
}

#[test]
fn the_evaluator_catches_an_undoubled_unicode_quote() {
    // tree-sitter sees one literal here; PowerShell ends it at U+2019.
    let src = "$v = 'a\u{2019}b'\n";
    let p = parse::parse(src);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.quoted()));
    assert!(
        r.is_err(),
        "evaluator accepted a string PowerShell would end early"
    );
}

#[test]
fn the_checks_notice_an_extra_command_and_a_changed_value() {
    let strings = Strings::realistic();
    let mut g = one(PresetId::Kundo, &strings, Part::Exchange, MECHANISMS[0]);
    let preset = preset_for(PresetId::Kundo);
    let expected = expected_commands(
        &preset,
        &profile(&preset, &strings),
        Part::Exchange,
        MECHANISMS[0],
    );
    let with_extra = format!("{}Remove-Mailbox -Identity x\n", g.text);
    let p = parse::parse(&with_extra);
    assert_ne!(p.commands(), expected, "an extra command went unnoticed");
    g.text = g
        .text
        .replacen("'Contoso app mailboxes'", "'Contoso app mailboxes '", 1);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&g, &expected)));
    assert!(r.is_err(), "a changed value went unnoticed");
}

/// The lines of the script between the heading `title` and the next heading.
fn section<'a>(text: &'a str, title: &str) -> &'a str {
    let start = text
        .find(&format!("# {title}\n"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &text[start..];
    let body = rest.find("# ---").map_or(rest, |i| &rest[i + 4..]);
    let end = body.find("\n\n").unwrap_or(body.len());
    &body[..end]
}

#[test]
fn personal_accounts_get_v2_access_tokens_in_the_same_request() {
    let strings = Strings::realistic();
    let lexzur = one(PresetId::Lexzur, &strings, Part::Entra, MECHANISMS[0]).text;
    let settings = section(&lexzur, "App registration");
    let block = &settings[settings.find("$appSettings = @{").expect("settings")..];
    let block = &block[..block.find("\n}").expect("end of settings")];
    assert!(block.contains("SignInAudience = $SignInAudience"));
    assert!(
        block.contains("Api = @{ RequestedAccessTokenVersion = 2 }"),
        "{block}"
    );
    // Both New-MgApplication and Update-MgApplication take the same settings.
    assert!(settings.contains("Update-MgApplication -ApplicationId $app.Id @appSettings"));
    assert!(settings.contains("New-MgApplication @appSettings"));
    let kundo = one(PresetId::Kundo, &strings, Part::Entra, MECHANISMS[0]).text;
    assert!(!kundo.contains("RequestedAccessTokenVersion"));
}

#[test]
fn members_are_added_even_when_the_admin_is_not_a_group_manager() {
    for mech in MECHANISMS {
        let text = kundo_exchange(mech);
        let adds = calls_to(&text, "Add-DistributionGroupMember");
        assert_eq!(adds.len(), 1);
        assert!(
            adds[0].contains(" -BypassSecurityGroupManagerCheck "),
            "{}",
            adds[0]
        );
    }
}

#[test]
fn the_security_group_warning_is_for_access_policies_only() {
    let aap = kundo_exchange(MECHANISMS[0]);
    let rbac = kundo_exchange(ScopeMechanism::Rbac);
    assert!(aap.contains("An application access policy needs a security group"));
    assert!(!rbac.contains("needs a security group"));
    assert!(!rbac.contains("SecurityEnabled"));
    assert!(rbac.contains("distribution list or a Microsoft 365 group"));
}

/// RBAC: one assignment per role with -RecipientGroupScope, found again on a rerun by the
/// documented -Role listing filtered on this app, never by -RoleAssignee (not documented for
/// service principals).
#[test]
fn rbac_assignments_are_group_scoped_and_found_again_in_a_documented_way() {
    let text = kundo_exchange(ScopeMechanism::Rbac);
    let lookups = calls_to(&text, "Get-ManagementRoleAssignment");
    assert_eq!(lookups.len(), 2);
    assert!(
        lookups
            .iter()
            .all(|c| c.contains("-Role $role") && !c.contains("-RoleAssignee")),
        "{lookups:?}"
    );
    assert!(lookups[1].contains("-RecipientGroupScope $groupIdentity"));
    assert!(text.contains("[string]$_.RoleAssigneeType -eq 'ServicePrincipal'"));
    assert!(text.contains("$spNames -contains [string]$_.RoleAssigneeName"));
    for c in &lookups {
        let at = text.find(c.as_str()).expect("call in text");
        let line_end = text[at..].find('\n').expect("eol") + at;
        assert!(text[at..line_end].contains("| Where-Object $isThisApp)"));
    }
    let creates = calls_to(&text, "New-ManagementRoleAssignment");
    assert_eq!(creates.len(), 1);
    assert!(creates[0].contains("-RecipientGroupScope $groupIdentity"));
    assert!(!text.contains("New-ManagementScope -Name $"));
}

/// The commented one-liner removes only the scoped Mail roles, one assignment ID at a time,
/// and parses as PowerShell.
#[test]
fn the_consent_removal_lines_remove_only_the_scoped_mail_roles() {
    let text = kundo_exchange(ScopeMechanism::Rbac);
    let body = section(&text, "Remove the tenant-wide consent (do this by hand)");
    let code: String = body
        .lines()
        .filter_map(|l| l.strip_prefix("#   "))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = parse::parse(&code);
    assert!(p.errors().is_empty(), "{:?}\n{code}", p.errors());
    assert_eq!(facts::check(&p, &FACTS), Vec::<String>::new());
    assert_eq!(
        p.commands(),
        set(&[
            "Connect-MgGraph",
            "Get-MgServicePrincipalAppRoleAssignment",
            "Where-Object",
            "ForEach-Object",
            "Remove-MgServicePrincipalAppRoleAssignment",
        ])
    );
    let ids: Vec<String> = p.quoted().into_iter().map(|(_, v)| v).collect();
    // Kundo: Mail.Send and Mail.ReadWrite, the roles RBAC grants in Exchange.
    assert_eq!(
        ids,
        [
            "b633e1c5-b582-4048-a93e-9f11b44c7e96",
            "e2a3a72e-5f79-4c64-b1b1-878b674786c9"
        ]
    );
    let remove = p
        .invocations()
        .into_iter()
        .find(|(n, _)| n == "Remove-MgServicePrincipalAppRoleAssignment")
        .expect("remove")
        .1;
    assert!(remove.contains("-ServicePrincipalId $ServicePrincipalId"));
    assert!(remove.contains("-AppRoleAssignmentId $_.Id"));
    assert!(
        !code.contains("| Remove-Mg"),
        "piped into Remove cannot bind"
    );
    assert!(code.contains("$scopedRoleIds -contains [string]$_.AppRoleId"));
}

/// Test-ApplicationAccessPolicy: Granted/Denied as documented, the random-app reference only
/// as a fallback, and no test call can stop the script.
#[test]
fn access_policy_checks_read_granted_and_denied_and_survive_refusals() {
    let text = kundo_exchange(MECHANISMS[0]);
    let checks = &text[text.find("# Check every mailbox").expect("checks")..];
    let granted = checks
        .find("if ($answer -eq 'Granted') {")
        .expect("granted");
    let denied = checks
        .find("} elseif ($answer -eq 'Denied') {")
        .expect("denied");
    let fallback = checks.find("[guid]::NewGuid()").expect("fallback");
    assert!(granted < denied && denied < fallback);
    let tests = calls_to(checks, "Test-ApplicationAccessPolicy");
    assert_eq!(tests.len(), 2);
    for call in &tests {
        assert!(call.ends_with("-ErrorAction Stop"), "{call}");
        let at = checks.find(call.as_str()).expect("call");
        let before = &checks[..at];
        let open_try = before.rfind("try {").expect("inside try");
        assert!(
            before[open_try..].matches('}').count() == 0,
            "{call} not in try"
        );
    }
}

/// Sinch's Mail.Send is optional: requested, consented and scoped only when the profile
/// chooses it (least privilege by default).
#[test]
fn optional_permissions_are_requested_only_when_chosen() {
    let mail_send = "b633e1c5-b582-4048-a93e-9f11b44c7e96";
    let preset = preset_for(PresetId::Sinch);
    let mut prof = profile(&preset, &Strings::realistic());
    let script = |prof: &Profile, mech| {
        let g = generate(prof, &preset, Part::All, Some(mech)).expect("script");
        check(&g, &expected_commands(&preset, prof, Part::All, mech));
        g
    };
    let values =
        |g: &GeneratedScript| -> Vec<String> { g.values.iter().map(|v| v.value.clone()).collect() };
    let aap = script(&prof, MECHANISMS[0]);
    assert!(!values(&aap).contains(&mail_send.to_string()));
    let rbac = script(&prof, ScopeMechanism::Rbac);
    assert!(values(&rbac).contains(&"Application Mail.ReadWrite".to_string()));
    assert!(!values(&rbac).contains(&"Application Mail.Send".to_string()));
    assert!(!rbac.text.contains(mail_send));

    prof.optional_permissions = vec!["Mail.Send".into()];
    let aap = script(&prof, MECHANISMS[0]);
    assert!(values(&aap).contains(&mail_send.to_string()));
    let rbac = script(&prof, ScopeMechanism::Rbac);
    assert!(values(&rbac).contains(&"Application Mail.Send".to_string()));
    // The consent-removal lines name it too, since RBAC now grants it in Exchange.
    assert!(rbac.text.contains(mail_send));
}

/// The record's checks catch what the reference rules out: a piped Remove-Mg... that cannot
/// bind, parameters from two sets, a switch given a value, a missing required parameter, an
/// unrecorded cmdlet, and an output property nobody documented.
#[test]
fn the_facts_check_catches_calls_the_reference_rules_out() {
    let cases = [
        (
            "Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $x | Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $x\n",
            "Remove-MgServicePrincipalAppRoleAssignment: no parameter set",
        ),
        (
            "Get-ManagementRoleAssignment -Identity $a -Role $r\n",
            "Get-ManagementRoleAssignment: no parameter set",
        ),
        (
            "Add-DistributionGroupMember -Identity $g -Member $m -BypassSecurityGroupManagerCheck $true\n",
            "switch -BypassSecurityGroupManagerCheck given a value",
        ),
        (
            "Test-ApplicationAccessPolicy -Identity $m\n",
            "Test-ApplicationAccessPolicy: no parameter set",
        ),
        (
            "Set-Mailbox -Identity $m\n",
            "Set-Mailbox is not in cmdlet_facts.toml",
        ),
        (
            "$r = Test-ApplicationAccessPolicy -Identity $m -AppId $a\n$x = $r.Result\n",
            "output property Result is not recorded",
        ),
        (
            "Get-ManagementRoleAssignment -Role $r | Where-Object { $_.CustomResourceScope }\n",
            "output property CustomResourceScope is not recorded",
        ),
        (
            "$f = { $_.Bogus }\nGet-ManagementRoleAssignment -Role $r | Where-Object $f\n",
            "output property Bogus is not recorded",
        ),
        (
            "$g = @(Get-DistributionGroup -Identity $g)\n$x = $g[0].Members\n",
            "output property Members is not recorded",
        ),
    ];
    for (src, expected) in cases {
        let p = parse::parse(src);
        assert!(p.errors().is_empty(), "{src}");
        let found = facts::check(&p, &FACTS);
        assert!(
            found.iter().any(|f| f.contains(expected)),
            "{src}: expected {expected:?}, got {found:?}"
        );
    }
}

/// Every recorded cmdlet is used by some script (no stale facts) and names its Microsoft page.
#[test]
fn every_recorded_cmdlet_is_used_and_sourced() {
    let strings = Strings::realistic();
    let mut used = BTreeSet::new();
    for id in PresetId::ALL {
        let preset = preset_for(id);
        let mut prof = profile(&preset, &strings);
        prof.optional_permissions = preset
            .optional_permissions()
            .map(|p| p.name.clone())
            .collect();
        for mech in MECHANISMS {
            for part in Part::ALL {
                let g = generate(&prof, &preset, part, Some(mech)).expect("script");
                used.extend(parse::parse(&g.text).commands());
            }
        }
    }
    used.insert("Remove-MgServicePrincipalAppRoleAssignment".to_string());
    assert_eq!(facts::names(&FACTS), used);
    for c in &FACTS.cmdlets {
        assert!(
            c.source.starts_with("https://learn.microsoft.com/"),
            "{}: {}",
            c.name,
            c.source
        );
        assert!(!c.sets.is_empty(), "{} has no parameter set", c.name);
        assert!(
            c.outputs.is_empty() || c.outputs_source.is_some(),
            "{}: outputs need a source",
            c.name
        );
    }
}
