//! Directory look-ups: users by address or object id, group membership (direct and nested).

use std::collections::{HashMap, HashSet};

use super::scenario::{Mailbox, Scenario};

/// Indexes over the scenario's users and groups.
pub(crate) struct Directory {
    by_key: HashMap<String, usize>,
    direct: HashMap<String, HashSet<String>>,
    transitive: HashMap<String, HashSet<String>>,
}

impl Directory {
    /// Builds the indexes.
    pub(crate) fn new(s: &Scenario) -> Directory {
        let mut by_key = HashMap::new();
        for (i, m) in s.mailboxes.iter().enumerate() {
            by_key.insert(m.address.clone(), i);
            by_key.insert(m.id.clone(), i);
        }
        let direct: HashMap<String, HashSet<String>> = s
            .groups
            .iter()
            .map(|g| (g.address.clone(), g.members.iter().cloned().collect()))
            .collect();
        let mut transitive = HashMap::new();
        for g in direct.keys() {
            let mut out = HashSet::new();
            let mut stack = vec![g.clone()];
            let mut visited = HashSet::new();
            while let Some(cur) = stack.pop() {
                if !visited.insert(cur.clone()) {
                    continue;
                }
                for m in direct.get(&cur).into_iter().flatten() {
                    if direct.contains_key(m) {
                        stack.push(m.clone());
                    } else {
                        out.insert(m.clone());
                    }
                }
            }
            transitive.insert(g.clone(), out);
        }
        Directory {
            by_key,
            direct,
            transitive,
        }
    }

    /// The mailbox index for an address/UPN or object id (case-insensitive).
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        self.by_key.get(&key.to_ascii_lowercase()).copied()
    }

    /// Direct membership (RBAC scopes: nested members are out of scope).
    pub(crate) fn is_direct_member(&self, group: &str, m: &Mailbox) -> bool {
        self.direct
            .get(group)
            .is_some_and(|s| s.contains(&m.address))
    }

    /// Membership including nested groups (application access policies). [U] the cmdlet doc
    /// says nested groups apply since 2024-11; operators reported otherwise before.
    pub(crate) fn is_member(&self, group: &str, m: &Mailbox) -> bool {
        self.transitive
            .get(group)
            .is_some_and(|s| s.contains(&m.address))
    }
}
