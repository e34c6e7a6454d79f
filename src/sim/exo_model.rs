//! The Exchange objects of the tenant's runtime model (groups, access policies, service
//! principal pointers, management scopes, role assignments) and when each one counts.
//!
//! Every object has a [`Life`]: Exchange (the Test- cmdlets, the Get- cmdlets) sees a change at
//! once, Graph only `propagation_s` after it ([`View`]).

use super::scenario::{AccessRight, GroupKind};

/// Who looks at the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum View {
    /// Exchange itself: every change counts at once.
    Exchange,
    /// Graph at this sim time (seconds since start): changes count after propagation.
    Graph(f64),
}

/// When an object starts and stops counting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Life {
    /// Sim time of creation (`-inf` for the scenario's objects).
    pub(crate) created_s: f64,
    /// Graph counts it from this sim time.
    pub(crate) effective_s: f64,
    /// Sim time of removal, if removed.
    pub(crate) removed_s: Option<f64>,
    /// Graph stops counting it at this sim time (`inf` while not removed).
    pub(crate) gone_s: f64,
}

impl Life {
    /// A scenario object that Graph counts after `effective_after_s`.
    pub(crate) fn seeded(effective_after_s: f64) -> Life {
        Life {
            created_s: f64::NEG_INFINITY,
            effective_s: effective_after_s,
            removed_s: None,
            gone_s: f64::INFINITY,
        }
    }

    /// An object created now through InvokeCommand.
    pub(crate) fn created(now: f64, propagation_s: f64) -> Life {
        Life {
            created_s: now,
            effective_s: now + propagation_s,
            removed_s: None,
            gone_s: f64::INFINITY,
        }
    }

    /// Marks it removed now; Graph keeps counting it for `propagation_s`.
    pub(crate) fn remove(&mut self, now: f64, propagation_s: f64) {
        self.removed_s = Some(now);
        self.gone_s = now + propagation_s;
    }

    /// Whether it exists for Exchange (not removed).
    pub(crate) fn exists(&self) -> bool {
        self.removed_s.is_none()
    }

    /// Whether it counts in `view`.
    pub(crate) fn counts(&self, view: View) -> bool {
        match view {
            View::Exchange => self.exists(),
            View::Graph(now) => now >= self.effective_s && now < self.gone_s,
        }
    }
}

/// Marks removed the existing object whose name `parts` gives as `id` (any case); false when
/// there is none.
pub(crate) fn remove_by<T>(
    items: &mut [T],
    id: &str,
    now: f64,
    propagation_s: f64,
    parts: impl Fn(&mut T) -> (&str, &mut Life),
) -> bool {
    for item in items.iter_mut() {
        let (name, life) = parts(item);
        if life.exists() && name.eq_ignore_ascii_case(id.trim()) {
            life.remove(now, propagation_s);
            return true;
        }
    }
    false
}

/// A direct member of a group (a mailbox or group address) and since when it counts.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) address: String,
    pub(crate) life: Life,
}

/// A mail-enabled group.
#[derive(Debug, Clone)]
pub(crate) struct DirGroup {
    /// Primary SMTP address, lower case.
    pub(crate) address: String,
    /// `Name` (also `Identity`).
    pub(crate) name: String,
    pub(crate) display_name: String,
    pub(crate) alias: String,
    pub(crate) kind: GroupKind,
    /// Object GUID (`Guid`, `ExternalDirectoryObjectId`).
    pub(crate) guid: String,
    /// `ManagedBy`: UPNs of the admins who may change its members without
    /// `-BypassSecurityGroupManagerCheck` (empty for the scenario's groups).
    pub(crate) managed_by: Vec<String>,
    pub(crate) members: Vec<Member>,
}

/// An application access policy.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub(crate) identity: String,
    /// Client id, lower case.
    pub(crate) app: String,
    /// Scope group address.
    pub(crate) group: String,
    pub(crate) access: AccessRight,
    pub(crate) description: String,
    pub(crate) life: Life,
}

/// Exchange's pointer to an Entra service principal (`New-ServicePrincipal`).
#[derive(Debug, Clone)]
pub(crate) struct ExoServicePrincipal {
    /// Client id, lower case.
    pub(crate) app_id: String,
    /// The enterprise application's object id, lower case.
    pub(crate) object_id: String,
    pub(crate) display_name: String,
    pub(crate) life: Life,
}

/// A management scope (`New-ManagementScope -RecipientRestrictionFilter`).
#[derive(Debug, Clone)]
pub(crate) struct MgmtScope {
    pub(crate) name: String,
    pub(crate) filter: String,
    /// The group named by `MemberOfGroup -eq '…'` (as written: DN, address or name).
    pub(crate) member_of: String,
    pub(crate) life: Life,
}

/// What a role assignment reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RbacScope {
    /// The whole organization.
    Organization,
    /// Direct members of a group (`-RecipientGroupScope`; the scenario's `group`): its address.
    Group(String),
    /// A management scope (`-CustomResourceScope`): its name.
    Custom(String),
}

/// A management role assignment to an app.
#[derive(Debug, Clone)]
pub(crate) struct RoleAssignment {
    pub(crate) name: String,
    /// Client id, lower case.
    pub(crate) app: String,
    /// Role name, e.g. "Application Mail.Read".
    pub(crate) role: String,
    pub(crate) scope: RbacScope,
    pub(crate) life: Life,
}

/// Exchange's scoping configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExoConfig {
    pub(crate) policies: Vec<Policy>,
    pub(crate) sps: Vec<ExoServicePrincipal>,
    pub(crate) scopes: Vec<MgmtScope>,
    pub(crate) assignments: Vec<RoleAssignment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_sees_changes_after_propagation_exchange_at_once() {
        let mut l = Life::created(10.0, 2.0);
        assert!(l.counts(View::Exchange));
        assert!(!l.counts(View::Graph(11.9)));
        assert!(l.counts(View::Graph(12.0)));
        l.remove(20.0, 2.0);
        assert!(!l.counts(View::Exchange));
        assert!(l.counts(View::Graph(21.0)));
        assert!(!l.counts(View::Graph(22.0)));
        assert!(Life::seeded(0.0).counts(View::Graph(0.0)));
    }
}
