//! What `offboard` would remove: read from the profile's change record (what mailscope
//! created and did not remove since) and kept only where the tenant, as read now, still holds
//! it. An app mailscope created is deleted whole (its secrets, certificates, service principal
//! and consent go with it); otherwise the service principal it created for a vendor's app,
//! else the consent, secrets and certificates it added one by one. Nothing else. The Exchange
//! side is planned by [`super::offboard_exchange`].

use std::collections::BTreeSet;

use crate::changes::{Area, ChangeRecord, Phase};
use crate::entra::TenantView;

/// One removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// `DELETE /applications/{id}`: the app mailscope created, with everything on it.
    DeleteApp { object_id: String, app_id: String },
    /// `DELETE /servicePrincipals/{id}`: the service principal mailscope created (for a
    /// vendor's multi-tenant app), with the consent granted to it.
    DeleteServicePrincipal { id: String },
    /// `DELETE` the delegated grant mailscope created.
    RemoveGrant { grant_id: String },
    /// `DELETE` an app role assignment mailscope made on Microsoft Graph.
    RevokeAppRole {
        resource_sp: String,
        assignment_id: String,
    },
    /// `removePassword` of a secret mailscope added.
    RemoveSecret {
        object_id: String,
        secret_id: String,
    },
    /// Take a certificate mailscope added off the app.
    RemoveCertificate { object_id: String, key_id: String },
}

impl Removal {
    /// The removal in words.
    pub fn describe(&self) -> String {
        match self {
            Removal::DeleteApp { app_id, .. } => format!(
                "Delete the app registration {app_id} that mailscope created (its secrets, certificates, service principal and consent go with it)"
            ),
            Removal::DeleteServicePrincipal { id } => format!(
                "Delete the service principal {id} that mailscope created (and the consent granted to it)"
            ),
            Removal::RemoveGrant { grant_id } => {
                format!("Remove the delegated permission grant {grant_id}")
            }
            Removal::RevokeAppRole { assignment_id, .. } => {
                format!("Revoke the app role assignment {assignment_id}")
            }
            Removal::RemoveSecret { secret_id, .. } => {
                format!("Remove the client secret {secret_id}")
            }
            Removal::RemoveCertificate { key_id, .. } => {
                format!("Remove the certificate {key_id}")
            }
        }
    }

    /// The change record's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Removal::DeleteApp { .. } => "delete-app",
            Removal::DeleteServicePrincipal { .. } => "delete-service-principal",
            Removal::RemoveGrant { .. } => "remove-grant",
            Removal::RevokeAppRole { .. } => "revoke-app-role",
            Removal::RemoveSecret { .. } => "remove-secret",
            Removal::RemoveCertificate { .. } => "remove-certificate",
        }
    }
}

/// What offboarding would do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffboardPlan {
    pub removals: Vec<Removal>,
    /// What the record says mailscope created that the tenant no longer holds, in words.
    pub gone: Vec<String>,
    /// Recorded changes mailscope does not undo here (shared mailboxes it created, Exchange
    /// items without an Exchange sign-in), in words.
    pub by_hand: Vec<String>,
    /// Exchange removals, in the safe order (after a read of what Exchange still holds).
    pub exchange: Vec<crate::exchange::offboard::ExoRemoval>,
    /// The command that signs in to Exchange, when the Exchange items could not be removed
    /// for want of an Exchange sign-in.
    pub exchange_signin: Option<String>,
}

impl OffboardPlan {
    /// Whether nothing would be removed.
    pub fn is_empty(&self) -> bool {
        self.removals.is_empty() && self.exchange.is_empty()
    }
}

/// Values of `key` in the done lines of `actions`.
fn done_values(records: &[ChangeRecord], actions: &[&str], key: &str) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.phase == Phase::Done && r.area == Area::Entra)
        .filter(|r| actions.contains(&r.action.as_str()))
        .filter_map(|r| r.objects.get(key).cloned())
        .collect()
}

/// `created` minus `removed` (IDs compared without case), first occurrence order.
fn still(created: Vec<String>, removed: &[String]) -> Vec<String> {
    let gone: BTreeSet<String> = removed.iter().map(|r| r.to_ascii_lowercase()).collect();
    let mut seen = BTreeSet::new();
    created
        .into_iter()
        .filter(|c| !gone.contains(&c.to_ascii_lowercase()))
        .filter(|c| seen.insert(c.to_ascii_lowercase()))
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The plan from the record and the tenant as read.
pub fn plan(records: &[ChangeRecord], view: &TenantView) -> OffboardPlan {
    let mut out = OffboardPlan::default();
    let app = view.app();
    let created_app = done_values(records, &["create-app"], "app_object_id");
    let app_ids = done_values(records, &["create-app"], "app_id");
    if let (Some(obj), Some(app_id)) = (created_app.last(), app_ids.last()) {
        match app.filter(|a| same(&a.object_id, obj)) {
            Some(_) => out.removals.push(Removal::DeleteApp {
                object_id: obj.clone(),
                app_id: app_id.clone(),
            }),
            None => out
                .gone
                .push(format!("the app registration {app_id} (already deleted)")),
        }
        return out;
    }
    let sps = done_values(
        records,
        &["create-service-principal"],
        "service_principal_id",
    );
    if let Some(sp) = sps.last() {
        if view
            .service_principal
            .as_deref()
            .is_some_and(|s| same(s, sp))
        {
            out.removals
                .push(Removal::DeleteServicePrincipal { id: sp.clone() });
        } else {
            out.gone
                .push(format!("the service principal {sp} (already deleted)"));
        }
    } else if view.service_principal.is_some() {
        let grants = still(
            done_values(records, &["grant-delegated"], "grant_id"),
            &done_values(records, &["grant-delegated"], "removed_grant_id"),
        );
        for g in grants {
            out.removals.push(Removal::RemoveGrant { grant_id: g });
        }
        let assigned = still(
            done_values(records, &["grant-app-role"], "assignment_id"),
            &done_values(records, &["revoke-app-role"], "removed_assignment_id"),
        );
        if let Some(graph) = &view.graph_sp {
            for a in assigned {
                out.removals.push(Removal::RevokeAppRole {
                    resource_sp: graph.clone(),
                    assignment_id: a,
                });
            }
        }
    }
    let Some(app) = app else {
        return out;
    };
    let secrets = still(
        done_values(records, &["add-secret"], "secret_id"),
        &done_values(records, &["remove-secret"], "secret_id"),
    );
    for s in secrets {
        if app.secrets.iter().any(|x| same(&x.key_id, &s)) {
            out.removals.push(Removal::RemoveSecret {
                object_id: app.object_id.clone(),
                secret_id: s,
            });
        } else {
            out.gone
                .push(format!("the client secret {s} (already removed)"));
        }
    }
    let certs = still(
        done_values(records, &["upload-certificate", "add-key"], "key_id"),
        &done_values(records, &["remove-key", "remove-certificate"], "key_id"),
    );
    for k in certs {
        if app.certificates.iter().any(|x| same(&x.key_id, &k)) {
            out.removals.push(Removal::RemoveCertificate {
                object_id: app.object_id.clone(),
                key_id: k,
            });
        } else {
            out.gone
                .push(format!("the certificate {k} (already removed)"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entra::view::{Admin, LookedUp, Organisation, SecretMeta};

    fn view(secrets: &[&str], sp: Option<&str>) -> TenantView {
        let meta = |k: &&str| SecretMeta {
            key_id: k.to_string(),
            display_name: None,
            hint: None,
            end: None,
        };
        let mut app = crate::lifecycle::test_app(secrets.iter().map(meta).collect(), vec![]);
        app.object_id = "obj".into();
        TenantView {
            organisation: Organisation {
                id: "t".into(),
                display_name: "T".into(),
            },
            admin: Admin {
                upn: "a@t".into(),
                role_ids: vec![],
                roles: vec![],
            },
            looked_up: LookedUp::AppId("a".into()),
            apps: vec![app],
            service_principal: sp.map(String::from),
            consented: vec![],
            delegated_grants_read: true,
            graph_sp: Some("graph".into()),
            policy: Default::default(),
            consent: crate::entra::view::ConsentSettings {
                user_consent: None,
                admin_consent_requests: None,
            },
        }
    }

    fn done(action: &str, objects: &[(&str, &str)]) -> ChangeRecord {
        crate::changes::done_line(Area::Entra, action, objects)
    }

    #[test]
    fn a_vendor_app_loses_only_the_service_principal_and_the_secret_mailscope_added() {
        let records = [
            done(
                "create-service-principal",
                &[("service_principal_id", "sp")],
            ),
            done("grant-app-role", &[("assignment_id", "as1")]),
            done("add-secret", &[("secret_id", "s1")]),
            done("add-secret", &[("secret_id", "s2")]),
            done("remove-secret", &[("secret_id", "s1")]),
        ];
        let p = plan(&records, &view(&["s2", "vendors-own"], Some("sp")));
        assert_eq!(
            p.removals,
            [
                Removal::DeleteServicePrincipal { id: "sp".into() },
                Removal::RemoveSecret {
                    object_id: "obj".into(),
                    secret_id: "s2".into()
                }
            ]
        );
    }

    #[test]
    fn a_patched_grant_and_an_existing_service_principal_stay_only_what_was_made_goes() {
        let records = [
            done("grant-delegated", &[("patched_grant_id", "g0")]),
            done("grant-delegated", &[("grant_id", "g1")]),
            done("grant-app-role", &[("assignment_id", "as1")]),
            done("grant-app-role", &[("already_granted", "Mail.Send")]),
            done("add-secret", &[("secret_id", "gone")]),
        ];
        let p = plan(&records, &view(&["vendors-own"], Some("sp")));
        assert_eq!(
            p.removals,
            [
                Removal::RemoveGrant {
                    grant_id: "g1".into()
                },
                Removal::RevokeAppRole {
                    resource_sp: "graph".into(),
                    assignment_id: "as1".into()
                }
            ]
        );
        assert_eq!(p.gone, ["the client secret gone (already removed)"]);
    }

    #[test]
    fn an_app_mailscope_created_is_deleted_whole_and_an_empty_record_plans_nothing() {
        let records = [
            done("create-app", &[("app_object_id", "obj"), ("app_id", "a")]),
            done("add-secret", &[("secret_id", "s1")]),
        ];
        let p = plan(&records, &view(&["s1"], Some("sp")));
        assert_eq!(
            p.removals,
            [Removal::DeleteApp {
                object_id: "obj".into(),
                app_id: "a".into()
            }]
        );
        assert!(plan(&[], &view(&["s1"], Some("sp"))).removals.is_empty());
    }
}
