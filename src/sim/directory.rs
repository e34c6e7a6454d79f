//! The tenant's runtime directory: mailboxes, mail-enabled groups and Exchange's scoping
//! objects, seeded from the scenario and changed through InvokeCommand. Look-ups by address,
//! object id and Exchange identities; group membership (direct and nested) as a [`View`] sees it.

use std::collections::{HashMap, HashSet};

use super::exo_model::{
    DirGroup, ExoConfig, ExoServicePrincipal, Life, Member, Policy, RbacScope, RoleAssignment, View,
};
use super::scenario::{Mailbox, Scenario};
use super::scenario_load::derived_id;

/// Mailboxes, groups and Exchange's configuration (behind one mutex in `SimState`).
pub(crate) struct Directory {
    mailboxes: Vec<Mailbox>,
    by_key: HashMap<String, usize>,
    pub(crate) groups: Vec<DirGroup>,
    pub(crate) exo: ExoConfig,
    /// The `OU=` part of distinguished names (the tenant's initial domain).
    org: String,
}

impl Directory {
    /// The scenario's mailboxes, groups, access policies and role assignments.
    pub(crate) fn new(s: &Scenario) -> Directory {
        let org = s
            .domains
            .iter()
            .find(|d| d.ends_with(".onmicrosoft.com"))
            .or(s.domains.first())
            .cloned()
            .unwrap_or_else(|| "contoso.onmicrosoft.com".into());
        let mut d = Directory {
            mailboxes: Vec::new(),
            by_key: HashMap::new(),
            groups: Vec::new(),
            exo: ExoConfig::default(),
            org,
        };
        for m in &s.mailboxes {
            d.add_mailbox(m.clone());
        }
        for g in &s.groups {
            d.groups.push(DirGroup {
                address: g.address.clone(),
                name: g.name.clone(),
                display_name: g.name.clone(),
                alias: g.address.split('@').next().unwrap_or_default().to_string(),
                kind: g.kind,
                guid: derived_id("group", &g.address),
                managed_by: Vec::new(),
                members: g
                    .members
                    .iter()
                    .map(|a| Member {
                        address: a.clone(),
                        life: Life::seeded(f64::NEG_INFINITY),
                    })
                    .collect(),
            });
        }
        for (i, p) in s.access_policies.iter().enumerate() {
            d.exo.policies.push(Policy {
                identity: policy_identity(&s.tenant_id, &p.app, &format!("scenario{i}")),
                app: p.app.clone(),
                group: p.group.clone(),
                access: p.access,
                description: String::new(),
                life: Life::seeded(p.effective_after_s),
            });
        }
        for r in &s.rbac_assignments {
            let known = d.exo.sps.iter().any(|x| x.app_id == r.app);
            if let (false, Some(app)) = (known, s.app(&r.app)) {
                d.exo.sps.push(ExoServicePrincipal {
                    app_id: app.client_id.clone(),
                    object_id: app.object_id.to_ascii_lowercase(),
                    display_name: app.name.clone(),
                    life: Life::seeded(f64::NEG_INFINITY),
                });
            }
        }
        for (i, r) in s.rbac_assignments.iter().enumerate() {
            d.exo.assignments.push(RoleAssignment {
                name: format!("{}-scenario{i}", r.role),
                app: r.app.clone(),
                role: r.role.clone(),
                scope: r
                    .group
                    .clone()
                    .map_or(RbacScope::Organization, RbacScope::Group),
                life: Life::seeded(r.effective_after_s),
            });
        }
        d
    }

    /// Adds a mailbox (scenario or `New-Mailbox`).
    pub(crate) fn add_mailbox(&mut self, m: Mailbox) {
        let i = self.mailboxes.len();
        self.by_key.insert(m.address.clone(), i);
        self.by_key.insert(m.id.to_ascii_lowercase(), i);
        self.mailboxes.push(m);
    }

    /// The mailbox for an address/UPN or object id (case-insensitive).
    pub(crate) fn find(&self, key: &str) -> Option<&Mailbox> {
        let i = self.by_key.get(&key.trim().to_ascii_lowercase())?;
        self.mailboxes.get(*i)
    }

    /// A recipient as Exchange resolves `-Identity`: address, object id, alias or name.
    pub(crate) fn mailbox_by_identity(&self, key: &str) -> Option<&Mailbox> {
        let key = strip_smtp(key);
        self.find(key).or_else(|| {
            self.mailboxes.iter().find(|m| {
                m.display_name.eq_ignore_ascii_case(key)
                    || m.address
                        .split('@')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(key))
            })
        })
    }

    /// The group `-Identity` names: address, name, alias, display name, DN or GUID.
    pub(crate) fn group(&self, key: &str) -> Option<&DirGroup> {
        let key = strip_smtp(key);
        self.groups.iter().find(|g| {
            [&g.address, &g.name, &g.alias, &g.display_name, &g.guid]
                .iter()
                .any(|v| v.eq_ignore_ascii_case(key))
                || self.dn(g).eq_ignore_ascii_case(key)
        })
    }

    /// The group with this address, mutable.
    pub(crate) fn group_mut(&mut self, address: &str) -> Option<&mut DirGroup> {
        self.groups.iter_mut().find(|g| g.address == address)
    }

    /// A group's distinguished name as Exchange Online shows it.
    pub(crate) fn dn(&self, g: &DirGroup) -> String {
        format!(
            "CN={},OU={},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM",
            g.name, self.org
        )
    }

    /// Whether an address (mailbox or group) or name is taken.
    pub(crate) fn address_taken(&self, address: &str) -> bool {
        self.find(address).is_some() || self.groups.iter().any(|g| g.address == address)
    }

    /// Whether a recipient name is taken.
    pub(crate) fn name_taken(&self, name: &str) -> bool {
        self.groups
            .iter()
            .any(|g| g.name.eq_ignore_ascii_case(name))
            || self.mailboxes.iter().any(|m| {
                m.display_name.eq_ignore_ascii_case(name)
                    || m.address
                        .split('@')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(name))
            })
    }

    /// Direct membership (RBAC scopes: nested members are out of scope).
    pub(crate) fn is_direct_member(&self, group: &str, address: &str, view: View) -> bool {
        self.groups.iter().any(|g| {
            g.address == group
                && g.members
                    .iter()
                    .any(|m| m.address == address && m.life.counts(view))
        })
    }

    /// Membership including nested groups (application access policies). [U] the cmdlet doc
    /// says nested groups apply since 2024-11; operators reported otherwise before.
    /// A policy scoped to a user mailbox names the user itself.
    pub(crate) fn is_member(&self, group: &str, address: &str, view: View) -> bool {
        if group == address {
            return true;
        }
        let mut stack = vec![group.to_string()];
        let mut visited = HashSet::new();
        while let Some(cur) = stack.pop() {
            if !visited.insert(cur.clone()) {
                continue;
            }
            let Some(g) = self.groups.iter().find(|g| g.address == cur) else {
                continue;
            };
            for m in g.members.iter().filter(|m| m.life.counts(view)) {
                if m.address == address {
                    return true;
                }
                stack.push(m.address.clone());
            }
        }
        false
    }

    /// All mailboxes, in scenario then creation order.
    pub(crate) fn mailboxes(&self) -> &[Mailbox] {
        &self.mailboxes
    }
}

/// `SMTP:a@b` → `a@b`.
fn strip_smtp(key: &str) -> &str {
    let key = key.trim();
    match key.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("smtp:") => &key[5..],
        _ => key,
    }
}

/// An access policy's identity: `{tenant}\{app}:S-1-5-21-…;{guid}` as the cmdlet doc shows it.
pub(crate) fn policy_identity(tenant: &str, app: &str, salt: &str) -> String {
    let guid = derived_id("policy", &format!("{app}:{salt}"));
    format!("{tenant}\\{app}:{};{guid}", sid(&format!("{app}:{salt}")))
}

/// A security identifier shaped like Exchange's, derived from a name.
pub(crate) fn sid(name: &str) -> String {
    let id = derived_id("sid", name);
    let n: Vec<u32> = id
        .split('-')
        .take(4)
        .map(|p| u32::from_str_radix(&p[..p.len().min(8)], 16).unwrap_or(0) % 1_000_000_000)
        .collect();
    format!(
        "S-1-5-21-{}-{}-{}-{}",
        n.first().copied().unwrap_or(1),
        n.get(1).copied().unwrap_or(2),
        n.get(2).copied().unwrap_or(3),
        n.get(3).copied().unwrap_or(4)
    )
}
