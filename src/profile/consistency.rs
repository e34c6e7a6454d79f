//! Whole-profile validation: every field by its rule, plus the rules that span fields
//! (duplicate mailboxes, a mailbox expected both reachable and refused, custom endpoints).

use std::collections::HashMap;

use super::model::{Cloud, Expectation, Mailbox, OLDEST_PROFILE_VERSION, PROFILE_VERSION, Profile};
use super::validate::{self, Invalid};
use crate::tomlfile::KeySeg;

/// A problem with one value of a profile, with the key path it sits at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub path: Vec<KeySeg>,
    pub problem: Invalid,
}

fn at(path: &[KeySeg], problem: Invalid) -> FieldProblem {
    FieldProblem {
        path: path.to_vec(),
        problem,
    }
}

fn key(k: &str) -> KeySeg {
    KeySeg::from(k)
}

/// Mailbox-list rules, by index: duplicates, and one address with both expectations.
pub fn mailbox_list(mailboxes: &[Mailbox]) -> Vec<(usize, Invalid)> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, (usize, Expectation)> = HashMap::new();
    for (i, m) in mailboxes.iter().enumerate() {
        let addr = m.address.trim().to_ascii_lowercase();
        match seen.get(&addr) {
            Some((first, exp)) if *exp != m.expect => out.push((
                i,
                Invalid(format!(
                    "{addr} is listed as must-reach (granted) and as must-not-reach (denied); entry {} says {}. Keep one.",
                    first + 1,
                    exp.as_str()
                )),
            )),
            Some((first, _)) => out.push((
                i,
                Invalid(format!("{addr} is already listed (entry {}). Remove the duplicate.", first + 1)),
            )),
            None => {
                seen.insert(addr, (i, m.expect));
            }
        }
    }
    out
}

/// Checks a loaded profile. Absent optional values are fine; present ones must be valid.
pub fn check_profile(p: &Profile) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if let Some(problem) = version_problem(p.version) {
        out.push(at(&[key("version")], problem));
    }
    if let Err(e) = validate::profile_name(&p.name) {
        out.push(at(&[key("name")], e));
    }
    if let Some(t) = &p.tenant
        && let Err(e) = validate::tenant(t)
    {
        out.push(at(&[key("tenant")], e));
    }
    if let Some(c) = &p.client_id
        && let Err(e) = validate::client_id(c)
    {
        out.push(at(&[key("client_id")], e));
    }
    if let Some(n) = &p.app_name
        && let Err(e) = validate::display_name(n, "app name", 120)
    {
        out.push(at(&[key("app_name")], e));
    }
    if let Some(r) = &p.redirect_uri
        && let Err(e) = validate::redirect_uri(r)
    {
        out.push(at(&[key("redirect_uri")], e));
    }
    if let Some(sp) = &p.service_principal_id
        && validate::parse_guid(sp).is_none()
    {
        out.push(at(
            &[key("service_principal_id")],
            Invalid(format!(
                "the service principal's Object ID is a GUID; copy it from Enterprise applications > the app > Overview.{}",
                validate::likely_guid_hint(sp)
            )),
        ));
    }
    if let Some(c) = &p.credential
        && let Some(id) = &c.secret_id
        && validate::parse_guid(id).is_none()
    {
        out.push(at(
            &[key("credential"), key("secret_id")],
            Invalid(format!(
                "the Secret ID is a GUID from the Secret ID column of Certificates & secrets.{}",
                validate::likely_guid_hint(id)
            )),
        ));
    }
    match (p.cloud, &p.endpoints) {
        (Cloud::Custom, None) => out.push(at(
            &[key("cloud")],
            Invalid(
                "cloud = \"custom\" needs an [endpoints] table with authority and graph URLs."
                    .into(),
            ),
        )),
        (Cloud::Custom, Some(ep)) => {
            let urls = [("authority", &ep.authority), ("graph", &ep.graph)];
            let exchange = ep.exchange.as_ref().map(|u| ("exchange", u));
            for (name, url) in urls.into_iter().chain(exchange) {
                if !url.starts_with("https://") || reqwest::Url::parse(url).is_err() {
                    out.push(at(
                        &[key("endpoints"), key(name)],
                        Invalid(format!("'{url}' is not an https:// URL.")),
                    ));
                }
            }
        }
        // [endpoints] with another cloud is kept (profiles are exchanged as files) but unused.
        (_, _) => {}
    }
    if let Some(s) = &p.scope {
        if let Some(a) = &s.group_address
            && let Err(e) = validate::mail_address(a)
        {
            out.push(at(&[key("scope"), key("group_address")], e));
        }
        if let Some(n) = &s.group_name
            && let Err(e) = validate::display_name(n, "group name", 64)
        {
            out.push(at(&[key("scope"), key("group_name")], e));
        }
    }
    out.extend(optional_permissions(p));
    out.extend(vendor_app(p));
    for (i, m) in p.mailboxes.iter().enumerate() {
        if let Err(e) = validate::mail_address(&m.address) {
            out.push(at(&[key("mailbox"), KeySeg::Index(i), key("address")], e));
        }
    }
    for (i, e) in mailbox_list(&p.mailboxes) {
        out.push(at(&[key("mailbox"), KeySeg::Index(i), key("address")], e));
    }
    out
}

/// Which profile format versions this build reads: [`OLDEST_PROFILE_VERSION`] to
/// [`PROFILE_VERSION`]. A newer file is refused rather than half understood.
fn version_problem(version: u32) -> Option<Invalid> {
    if version > PROFILE_VERSION {
        Some(Invalid(format!(
            "this file is profile format version {version}, written by a newer mailscope; this mailscope reads versions {OLDEST_PROFILE_VERSION} to {PROFILE_VERSION}. Update mailscope to use it (nothing was changed)."
        )))
    } else if version < OLDEST_PROFILE_VERSION {
        Some(Invalid(format!(
            "there is no profile format version {version}; this mailscope reads versions {OLDEST_PROFILE_VERSION} to {PROFILE_VERSION} (see docs/profile-format.md)."
        )))
    } else {
        None
    }
}

/// `[vendor_app]`: only for a preset that names a vendor-hosted app; its `app_id` a GUID (the
/// likely intended one shown when hyphens are misplaced); `client_id`, when present, the same.
fn vendor_app(p: &Profile) -> Vec<FieldProblem> {
    let Some(chosen) = &p.vendor_app else {
        return Vec::new();
    };
    let Ok(preset) = crate::preset::preset(p.preset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let Some(offered) = &preset.vendor_app else {
        out.push(at(
            &[key("vendor_app")],
            Invalid(format!(
                "{} has no vendor-hosted app to use instead of your own app registration. Remove [vendor_app].",
                preset.product
            )),
        ));
        return out;
    };
    let Some(id) = &chosen.app_id else {
        return out;
    };
    match validate::parse_guid(id) {
        None => out.push(at(
            &[key("vendor_app"), key("app_id")],
            Invalid(format!(
                "the vendor app's ID is a GUID; the guide prints {} as '{}'.{}",
                offered.name,
                offered.app_id_as_printed,
                validate::likely_guid_hint(id)
            )),
        )),
        Some(g) => {
            if let Some(c) = &p.client_id
                && validate::parse_guid(c).is_some_and(|c| c != g)
            {
                out.push(at(
                    &[key("client_id")],
                    Invalid(format!(
                        "with [vendor_app], the client ID is the vendor app's ID {g}. Remove client_id or set it to that ID."
                    )),
                ));
            }
        }
    }
    out
}

/// `optional_permissions` names only optional permissions of the profile's preset, once each.
fn optional_permissions(p: &Profile) -> Vec<FieldProblem> {
    if p.optional_permissions.is_empty() {
        return Vec::new();
    }
    let Ok(preset) = crate::preset::preset(p.preset) else {
        return Vec::new();
    };
    let offered: Vec<&str> = preset
        .optional_permissions()
        .map(|x| x.name.as_str())
        .collect();
    let offered_text = if offered.is_empty() {
        format!("{} has no optional permissions", preset.product)
    } else {
        format!("{} offers: {}", preset.product, offered.join(", "))
    };
    let mut out = Vec::new();
    for (i, name) in p.optional_permissions.iter().enumerate() {
        let path = [key("optional_permissions"), KeySeg::Index(i)];
        let listed = preset.permissions.iter().find(|x| &x.name == name);
        let problem = match listed {
            _ if p.optional_permissions[..i].contains(name) => {
                Some(format!("{name} is listed twice. Remove the duplicate."))
            }
            Some(x) if !x.optional => Some(format!(
                "{name} is always requested for {}, so it is not a choice. Remove it from optional_permissions.",
                preset.product
            )),
            Some(_) => None,
            None => Some(format!(
                "'{name}' is not a permission of {} ({offered_text}). Names are written as in the portal, e.g. Mail.Send.",
                preset.product
            )),
        };
        if let Some(message) = problem {
            out.push(at(&path, Invalid(message)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::model::{MailboxKind, PresetId};

    fn mb(a: &str, e: Expectation) -> Mailbox {
        Mailbox {
            address: a.into(),
            kind: MailboxKind::User,
            expect: e,
        }
    }

    #[test]
    fn duplicates_and_conflicts_are_reported_at_the_later_entry() {
        let list = [
            mb("a@contoso.com", Expectation::Granted),
            mb("A@Contoso.com", Expectation::Granted),
            mb("b@contoso.com", Expectation::Denied),
            mb("b@contoso.com", Expectation::Granted),
        ];
        let problems = mailbox_list(&list);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].0, 1);
        assert!(problems[0].1.0.contains("already listed"));
        assert_eq!(problems[1].0, 3);
        assert!(
            problems[1].1.0.contains("must-reach") && problems[1].1.0.contains("must-not-reach")
        );
    }

    #[test]
    fn a_fresh_profile_has_no_problems() {
        let p = Profile::new("contoso-kundo", PresetId::Kundo, Cloud::Global);
        assert!(check_profile(&p).is_empty());
    }

    #[test]
    fn optional_permissions_must_be_optional_ones_of_the_preset() {
        let mut p = Profile::new("contoso-sinch", PresetId::Sinch, Cloud::Global);
        p.optional_permissions = vec!["Mail.Send".into()];
        assert!(check_profile(&p).is_empty());
        p.optional_permissions = vec![
            "Mail.Send".into(),
            "Mail.ReadWrite".into(),
            "Mail.Sned".into(),
            "Mail.Send".into(),
        ];
        let problems = check_profile(&p);
        let at: Vec<_> = problems.iter().map(|x| x.path.clone()).collect();
        assert_eq!(
            at,
            (1..4)
                .map(|i| vec![key("optional_permissions"), KeySeg::Index(i)])
                .collect::<Vec<_>>()
        );
        assert!(problems[0].problem.0.contains("always requested"));
        assert!(
            problems[1]
                .problem
                .0
                .contains("'Mail.Sned' is not a permission")
        );
        assert!(problems[1].problem.0.contains("offers: Mail.Send"));
        assert!(problems[2].problem.0.contains("listed twice"));
        let mut kundo = Profile::new("contoso-kundo", PresetId::Kundo, Cloud::Global);
        kundo.optional_permissions = vec!["Mail.Send".into()];
        let problems = check_profile(&kundo);
        assert!(
            problems[0].problem.0.contains("always requested"),
            "{problems:?}"
        );
    }

    #[test]
    fn optional_permissions_in_a_file_are_located_and_old_files_load_unchanged() {
        let old = "version = 1\nname = \"contoso-sinch\"\npreset = \"sinch\"\n";
        let p = crate::profile::parse_profile(old, "old.toml").expect("version-1 file loads");
        assert!(p.optional_permissions.is_empty());
        let rendered = crate::profile::render_profile(&p).expect("renders");
        assert!(!rendered.contains("optional_permissions"), "{rendered}");
        let chosen = format!("{old}optional_permissions = [\"Mail.Send\"]\n");
        let p = crate::profile::parse_profile(&chosen, "p.toml").expect("loads");
        assert_eq!(p.optional_permissions, ["Mail.Send"]);
        let again = crate::profile::render_profile(&p).expect("renders");
        assert_eq!(
            crate::profile::parse_profile(&again, "p.toml").expect("round trip"),
            p
        );
        let bad = format!("{old}optional_permissions = [\"Mail.Send\", \"Mail.Sned\"]\n");
        let e = crate::profile::parse_profile(&bad, "p.toml").expect_err("refused");
        assert_eq!(e.line, Some(4));
        assert_eq!(e.key.as_deref(), Some("optional_permissions[2]"));
        assert!(e.message.contains("Mail.Sned"), "{e}");
    }

    #[test]
    fn custom_cloud_needs_https_endpoints() {
        let mut p = Profile::new("x", PresetId::Custom, Cloud::Custom);
        assert!(check_profile(&p)[0].problem.0.contains("[endpoints]"));
        p.endpoints = Some(crate::profile::model::Endpoints {
            authority: "http://127.0.0.1:1".into(),
            graph: "https://127.0.0.1:1".into(),
            ca_file: None,
            exchange: None,
        });
        let problems = check_profile(&p);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, [key("endpoints"), key("authority")]);
    }
}
