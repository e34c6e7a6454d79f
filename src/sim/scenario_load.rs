//! Reads scenario TOML into [`Scenario`]: raw serde types with spans, then validation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use toml::Spanned;

use super::certs;
use super::scenario::{
    AccessPolicy, App, AppSecret, Group, Mailbox, MailboxKind, RbacAssignment, Scenario,
    ScenarioError,
};
use super::scenario_raw::{RawApp, RawScenario};

/// Locates errors in the source text.
pub(crate) struct Ctx<'a> {
    pub(crate) text: &'a str,
    origin: &'a str,
}

impl Ctx<'_> {
    /// An error at a byte offset of the text.
    pub(crate) fn err_at(&self, offset: usize, key: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.origin.to_string(),
            line: self.line_of(offset),
            key: key.to_string(),
            message,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn err<T>(&self, at: &Spanned<T>, key: &str, message: impl Into<String>) -> ScenarioError {
        self.err_at(at.span().start, key, message.into())
    }

    /// Maps a toml/serde error to file, line and the key written on that line.
    fn toml_error(&self, e: &toml::de::Error) -> ScenarioError {
        let start = e.span().map(|s| s.start).unwrap_or(0);
        let line = self.line_of(start);
        let text = self.text.lines().nth(line - 1).unwrap_or("").trim();
        let missing = e
            .message()
            .split_once("missing field `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(field, _)| field.to_string());
        let key = match text.split_once('=') {
            _ if missing.is_some() => missing.unwrap_or_default(),
            Some((k, _)) if !text.starts_with('[') => k.trim().to_string(),
            _ => text.trim_matches(|c| c == '[' || c == ']').to_string(),
        };
        ScenarioError::Invalid {
            file: self.origin.to_string(),
            line,
            key,
            message: e.message().trim().to_string(),
        }
    }
}

/// Parses and validates scenario text.
pub(crate) fn load(text: &str, base_dir: &Path, origin: &str) -> Result<Scenario, ScenarioError> {
    let cx = Ctx { text, origin };
    let raw: RawScenario = toml::from_str(text).map_err(|e| cx.toml_error(&e))?;
    super::scenario_bounds::check(&cx, &raw)?;
    let tenant_id = raw.tenant_id.get_ref().to_ascii_lowercase();
    if uuid::Uuid::parse_str(&tenant_id).is_err() {
        return Err(cx.err(&raw.tenant_id, "tenant_id", "must be a GUID"));
    }
    let mut domains = Vec::new();
    for d in &raw.domains {
        let v = d.get_ref().to_ascii_lowercase();
        if !super::tenant::looks_like_domain(&v) {
            return Err(cx.err(d, "domains", format!("'{v}' is not a domain name")));
        }
        domains.push(v);
    }
    let tenant_name = raw.tenant_name.clone().unwrap_or_else(|| {
        let first = domains.first().map(String::as_str).unwrap_or("tenant");
        let label = first.split('.').next().unwrap_or(first);
        let mut c = label.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    });
    let apps = load_apps(&cx, &raw.app, base_dir)?;
    let (mailboxes, groups) = load_directory(&cx, &raw)?;
    let group_set: BTreeSet<&str> = groups.iter().map(|g| g.address.as_str()).collect();
    let check_app = |s: &Spanned<String>, key: &str| -> Result<String, ScenarioError> {
        let v = s.get_ref().to_ascii_lowercase();
        if apps.iter().any(|a| a.client_id == v) {
            Ok(v)
        } else {
            Err(cx.err(s, key, format!("no [[app]] has client_id '{v}'")))
        }
    };
    let check_group = |s: &Spanned<String>, key: &str| -> Result<String, ScenarioError> {
        let v = s.get_ref().to_ascii_lowercase();
        if group_set.contains(v.as_str()) {
            Ok(v)
        } else {
            Err(cx.err(s, key, format!("no [[group]] has address '{v}'")))
        }
    };
    let mut access_policies = Vec::new();
    for p in &raw.access_policy {
        access_policies.push(AccessPolicy {
            app: check_app(&p.app, "access_policy.app")?,
            group: check_group(&p.group, "access_policy.group")?,
            access: p.access,
            effective_after_s: p.effective_after_s,
        });
    }
    let mut rbac_assignments = Vec::new();
    for r in &raw.rbac_assignment {
        if !super::authz::is_known_rbac_role(r.role.get_ref()) {
            return Err(cx.err(
                &r.role,
                "rbac_assignment.role",
                format!("unknown role '{}'", r.role.get_ref()),
            ));
        }
        let group = match &r.group {
            Some(g) => Some(check_group(g, "rbac_assignment.group")?),
            None => None,
        };
        rbac_assignments.push(RbacAssignment {
            app: check_app(&r.app, "rbac_assignment.app")?,
            role: r.role.get_ref().clone(),
            group,
            effective_after_s: r.effective_after_s,
        });
    }
    let app_management = super::apps::check_app_management(&cx, &raw.app_management)?;
    let exchange = super::exchange_setup::check(&cx, &raw.exchange)?;
    let signin = super::scenario_signin::load(&cx, &raw)?;
    Ok(Scenario {
        origin: origin.to_string(),
        tenant_id,
        tenant_name,
        domains,
        latency_ms: raw.latency_ms,
        jitter_ms: raw.jitter_ms,
        token_lifetime_s: raw.token_lifetime_s,
        apps,
        mailboxes,
        groups,
        access_policies,
        rbac_assignments,
        faults: raw.faults,
        app_management,
        exchange,
        signin,
    })
}

fn load_apps(cx: &Ctx<'_>, raw: &[RawApp], base: &Path) -> Result<Vec<App>, ScenarioError> {
    let mut apps: Vec<App> = Vec::new();
    for a in raw {
        let client_id = a.client_id.get_ref().to_ascii_lowercase();
        if uuid::Uuid::parse_str(&client_id).is_err() {
            return Err(cx.err(&a.client_id, "app.client_id", "must be a GUID"));
        }
        if apps.iter().any(|x| x.client_id == client_id) {
            return Err(cx.err(&a.client_id, "app.client_id", "duplicate app"));
        }
        let mut roles = Vec::new();
        for r in &a.roles {
            if !super::authz::is_known_app_role(r.get_ref()) {
                let msg = format!("unknown application permission '{}'", r.get_ref());
                return Err(cx.err(r, "app.roles", msg));
            }
            roles.push(r.get_ref().clone());
        }
        let mut secrets = Vec::new();
        for s in &a.secrets {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            let expires = time::Date::parse(s.expires.get_ref(), &fmt).map_err(|_| {
                cx.err(
                    &s.expires,
                    "app.secrets.expires",
                    "expected a date YYYY-MM-DD",
                )
            })?;
            secrets.push(AppSecret {
                id: s.id.clone(),
                value: s.value.clone(),
                expires,
            });
        }
        let mut certificates = Vec::new();
        for c in &a.certificates {
            let path = base.join(c.get_ref());
            let cert = certs::load_certificate(&path)
                .map_err(|m| cx.err(c, "app.certificates", format!("{}: {m}", path.display())))?;
            certificates.push(cert);
        }
        let object_id = a
            .object_id
            .clone()
            .unwrap_or_else(|| derived_id("sp", &client_id));
        apps.push(App {
            client_id,
            name: a.name.clone(),
            object_id,
            roles,
            secrets,
            certificates,
            disabled: a.disabled,
            service_principal: a.service_principal,
        });
    }
    Ok(apps)
}

/// A stable GUID-shaped id derived from a name.
pub(crate) fn derived_id(kind: &str, name: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{kind}:{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn load_directory(
    cx: &Ctx<'_>,
    raw: &RawScenario,
) -> Result<(Vec<Mailbox>, Vec<Group>), ScenarioError> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for g in &raw.group {
        let addr = g.address.get_ref().to_ascii_lowercase();
        if groups.contains_key(&addr) {
            return Err(cx.err(&g.address, "group.address", "duplicate group"));
        }
        if !addr.contains('@') {
            let m = format!("'{addr}' is not an address");
            return Err(cx.err(&g.address, "group.address", m));
        }
        let local = addr.split('@').next().unwrap_or(&addr).to_string();
        order.push((addr.clone(), g.name.clone().unwrap_or(local), g.kind));
        groups.insert(addr, Vec::new());
    }
    let mut mailboxes: Vec<Mailbox> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |cx: &Ctx<'_>,
                   at: &Spanned<String>,
                   address: String,
                   mb: (MailboxKind, Option<String>, Option<String>, u32),
                   member_of: &[Spanned<String>],
                   groups: &mut BTreeMap<String, Vec<String>>|
     -> Result<(), ScenarioError> {
        if !address.contains('@') {
            return Err(cx.err(at, "address", format!("'{address}' is not an address")));
        }
        if !seen.insert(address.clone()) || groups.contains_key(&address) {
            return Err(cx.err(at, "address", format!("duplicate address '{address}'")));
        }
        for g in member_of {
            let ga = g.get_ref().to_ascii_lowercase();
            match groups.get_mut(&ga) {
                Some(members) => members.push(address.clone()),
                None => {
                    return Err(cx.err(g, "member_of", format!("no [[group]] has address '{ga}'")));
                }
            }
        }
        let (kind, id, name, messages) = mb;
        let local = address.split('@').next().unwrap_or(&address).to_string();
        mailboxes.push(Mailbox {
            id: id.unwrap_or_else(|| derived_id("user", &address)),
            display_name: name.unwrap_or(local),
            address,
            kind,
            messages,
        });
        Ok(())
    };
    for m in &raw.mailbox {
        let address = m.address.get_ref().to_ascii_lowercase();
        let props = (m.kind, m.id.clone(), m.display_name.clone(), m.messages);
        add(cx, &m.address, address, props, &m.member_of, &mut groups)?;
    }
    for r in &raw.mailbox_range {
        if !r.pattern.get_ref().contains("{n}") {
            return Err(cx.err(&r.pattern, "mailbox_range.pattern", "must contain {n}"));
        }
        for n in r.start..r.start.saturating_add(r.count) {
            let address = r
                .pattern
                .get_ref()
                .replace("{n}", &n.to_string())
                .to_ascii_lowercase();
            let props = (r.kind, None, None, r.messages);
            add(cx, &r.pattern, address, props, &r.member_of, &mut groups)?;
        }
    }
    for g in &raw.group {
        let addr = g.address.get_ref().to_ascii_lowercase();
        for m in &g.members {
            let v = m.get_ref().to_ascii_lowercase();
            if !seen.contains(&v) && !groups.contains_key(&v) {
                let msg = format!("'{v}' is neither a [[mailbox]] nor a [[group]]");
                return Err(cx.err(m, "group.members", msg));
            }
            if let Some(list) = groups.get_mut(&addr) {
                list.push(v);
            }
        }
    }
    let groups = order
        .into_iter()
        .map(|(address, name, kind)| {
            let members = groups.remove(&address).unwrap_or_default();
            Group {
                address,
                name,
                kind,
                members,
            }
        })
        .collect();
    Ok((mailboxes, groups))
}
