//! Assembling a report from a profile, its preset and the last results. Nothing secret is
//! reachable from these inputs: the profile holds no secrets and results hold no tokens.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::model::*;
use crate::expiry;
use crate::preset::{PermissionKind, Preset};
use crate::profile::{MailboxKind, Profile};

/// Hex SHA-256 of a generated script, so a report can show which script was run.
pub fn script_hash(script: &str) -> String {
    Sha256::digest(script.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub use crate::timefmt::rfc3339;

/// The report for a profile, without results; add them with [`Report::with_results`].
pub fn build(
    profile: &Profile,
    preset: &Preset,
    now: OffsetDateTime,
    script_sha256: Option<String>,
) -> Report {
    let cred = profile.credential.as_ref();
    let exp = expiry::of_profile(profile, now.date());
    let scope = profile.scope.as_ref();
    Report {
        schema: SCHEMA.to_string(),
        generated_at: rfc3339(now),
        mailscope_version: env!("CARGO_PKG_VERSION").to_string(),
        profile: ReportProfile {
            name: profile.name.clone(),
            preset: profile.preset.as_str().to_string(),
            product: preset.product.clone(),
            cloud: profile.cloud.as_str().to_string(),
            tenant: profile.tenant.clone(),
            client_id: profile.client_id.clone(),
            app_name: profile.app_name.clone(),
            credential: ReportCredential {
                kind: cred.map_or("none", |c| c.kind.as_str()).to_string(),
                secret_id: cred.and_then(|c| c.secret_id.clone()),
                thumbprint_sha1: cred.and_then(|c| c.thumbprint_sha1.clone()),
                thumbprint_sha256: cred.and_then(|c| c.thumbprint_sha256.clone()),
                expires: exp.expires.map(|d| d.to_string()),
                days_left: exp.days_left,
            },
            mailboxes: profile
                .mailboxes
                .iter()
                .map(|m| ReportMailbox {
                    address: m.address.clone(),
                    kind: match m.kind {
                        MailboxKind::User => "user",
                        MailboxKind::Shared => "shared",
                    }
                    .to_string(),
                    expect: m.expect.as_str().to_string(),
                })
                .collect(),
        },
        // Only what this profile asks for: optional permissions it did not choose are left out.
        permissions: preset
            .requested(&profile.optional_permissions)
            .map(|p| ReportPermission {
                name: p.name.clone(),
                kind: p.kind.as_str().to_string(),
                optional: p.optional,
                reason: p.reason.clone(),
                in_token: None,
            })
            .collect(),
        scoping: ReportScoping {
            applies: preset.scoping.applies,
            mechanism: scope.map(|s| s.mechanism.as_str().to_string()),
            group_name: scope.and_then(|s| s.group_name.clone()),
            group_address: scope.and_then(|s| s.group_address.clone()),
            changed_at: scope.and_then(|s| s.changed_at).map(rfc3339),
            script_sha256,
        },
        token: None,
        check: None,
    }
}

impl Report {
    /// Adds the last token/consent result and check matrix, marking which application
    /// permissions the token carried.
    pub fn with_results(mut self, token: Option<ReportToken>, check: Option<ReportCheck>) -> Self {
        if let Some(t) = &token
            && t.acquired
        {
            for p in &mut self.permissions {
                if p.kind == PermissionKind::Application.as_str() {
                    p.in_token = Some(t.roles.iter().any(|r| r == &p.name));
                }
            }
        }
        self.token = token;
        self.check = check;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_list_only_the_permissions_the_profile_asks_for() {
        use crate::profile::{Cloud, PresetId};
        let sinch = crate::preset::preset(PresetId::Sinch).expect("preset");
        let mut profile = Profile::new("contoso-sinch", PresetId::Sinch, Cloud::Global);
        let now = OffsetDateTime::UNIX_EPOCH;
        let names = |r: &Report| -> Vec<(String, bool)> {
            r.permissions
                .iter()
                .map(|p| (p.name.clone(), p.optional))
                .collect()
        };
        let plain = build(&profile, &sinch, now, None);
        assert_eq!(names(&plain), [("Mail.ReadWrite".to_string(), false)]);
        profile.optional_permissions = vec!["Mail.Send".into()];
        let chosen = build(&profile, &sinch, now, None);
        assert_eq!(
            names(&chosen),
            [
                ("Mail.ReadWrite".to_string(), false),
                ("Mail.Send".to_string(), true)
            ]
        );
    }

    #[test]
    fn script_hash_is_sha256_hex() {
        assert_eq!(
            script_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
