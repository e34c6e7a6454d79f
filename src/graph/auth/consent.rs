//! The token's `roles` claim against the preset's application permissions.
//!
//! Only the payload is decoded (no signature check: this is about what Microsoft put in it,
//! not about trusting it). `roles` is absent, not empty, when nothing was consented.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::preset::Preset;
use crate::profile::ScopeMechanism;

/// The claims of an app-only Graph token that matter here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenClaims {
    #[serde(default)]
    pub aud: Option<String>,
    #[serde(default)]
    pub tid: Option<String>,
    #[serde(default)]
    pub appid: Option<String>,
    /// `1` secret, `2` certificate.
    #[serde(default)]
    pub appidacr: Option<String>,
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    #[serde(default)]
    pub exp: Option<i64>,
}

/// Decodes a JWT's payload without verifying it. `None` when it is not a JWT.
pub fn decode_claims(jwt: &str) -> Option<TokenClaims> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What was consented compared with what the preset needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentReport {
    /// Whether the token had a `roles` claim at all.
    pub roles_claim_present: bool,
    /// Needed and present.
    pub granted: Vec<String>,
    /// Needed and absent.
    pub missing: Vec<String>,
    /// Present and not needed (least privilege says remove them).
    pub extra: Vec<String>,
    /// Plain-words explanation, e.g. that RBAC-scoped apps may legitimately lack the roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Compares the token's roles with the preset's application permissions.
pub fn compare(
    claims: &TokenClaims,
    preset: &Preset,
    mechanism: Option<ScopeMechanism>,
) -> ConsentReport {
    let roles = claims.roles.clone().unwrap_or_default();
    let needed: Vec<String> = preset
        .application_permissions()
        .map(|p| p.name.clone())
        .collect();
    let has = |r: &str| roles.iter().any(|x| x.eq_ignore_ascii_case(r));
    let granted: Vec<String> = needed.iter().filter(|n| has(n)).cloned().collect();
    let missing: Vec<String> = needed.iter().filter(|n| !has(n)).cloned().collect();
    let extra: Vec<String> = roles
        .iter()
        .filter(|r| !needed.iter().any(|n| n.eq_ignore_ascii_case(r)))
        .cloned()
        .collect();
    let mut notes = Vec::new();
    if needed.is_empty() {
        notes.push(format!(
            "{} uses delegated permissions only: mailscope can check the credential app-only, not mailbox access, which each user grants when signing in.",
            preset.product
        ));
    }
    if !missing.is_empty() {
        notes.push(if mechanism == Some(ScopeMechanism::Rbac) {
            "Missing roles are expected when access is granted through RBAC for Applications in Exchange Online: those grants never appear in the token. The live mailbox checks decide.".to_string()
        } else {
            format!(
                "The token lacks {}: add them as Application permissions and grant admin consent (new tokens only show the change). Apps scoped with RBAC for Applications may legitimately lack them.",
                missing.join(", ")
            )
        });
    }
    let tenant_wide_mail = granted
        .iter()
        .any(|r| r.starts_with("Mail.") || r.starts_with("MailboxSettings."));
    if mechanism == Some(ScopeMechanism::Rbac) && tenant_wide_mail {
        notes.push("The app also holds tenant-wide Mail permissions in Entra ID; Exchange adds them to its RBAC grants, so RBAC scoping does not restrict it. Remove the Entra grants (or use an application access policy).".to_string());
    }
    ConsentReport {
        roles_claim_present: claims.roles.is_some(),
        granted,
        missing,
        extra,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;
    use crate::profile::PresetId;

    fn jwt(payload: &serde_json::Value) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    #[test]
    fn absent_roles_mean_nothing_consented() {
        let c = decode_claims(&jwt(
            &serde_json::json!({"aud":"https://graph.microsoft.com","tid":"t","appidacr":"1"}),
        ))
        .expect("decodes");
        assert_eq!(c.roles, None);
        let kundo = preset::preset(PresetId::Kundo).expect("preset");
        let r = compare(&c, &kundo, Some(ScopeMechanism::ApplicationAccessPolicy));
        assert!(!r.roles_claim_present);
        assert!(r.granted.is_empty());
        assert_eq!(r.missing.len(), kundo.application_permissions().count());
        assert!(r.notes[0].contains("admin consent"));
        let rbac = compare(&c, &kundo, Some(ScopeMechanism::Rbac));
        assert!(rbac.notes[0].contains("RBAC for Applications"));
    }

    #[test]
    fn granted_missing_extra() {
        let c = decode_claims(&jwt(
            &serde_json::json!({"roles":["Mail.ReadWrite","User.Read.All"]}),
        ))
        .expect("decodes");
        let emplifi = preset::preset(PresetId::Emplifi).expect("preset");
        let r = compare(&c, &emplifi, Some(ScopeMechanism::Rbac));
        assert_eq!(r.granted, vec!["Mail.ReadWrite"]);
        assert_eq!(r.missing, vec!["Mail.Send"]);
        assert_eq!(r.extra, vec!["User.Read.All"]);
        assert!(r.notes.iter().any(|n| n.contains("tenant-wide")));
    }

    #[test]
    fn delegated_only_preset_says_so() {
        let lexzur = preset::preset(PresetId::Lexzur).expect("preset");
        let r = compare(&TokenClaims::default(), &lexzur, None);
        assert!(r.missing.is_empty());
        assert!(r.notes[0].contains("delegated permissions only"));
        assert!(decode_claims("not-a-jwt").is_none());
    }
}
