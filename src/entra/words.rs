//! Apply's outcomes in words, one wording for the command line and the wizard: the proof,
//! the roles an admin lacks, what the tenant returned for a step. Plain text; callers make it
//! terminal-safe where they print it.

use std::collections::BTreeMap;

use super::plan::RoleCheck;
use super::prove::Proof;

/// The proof: a headline, then one line per problem (empty when proven).
pub fn proof(p: &Proof) -> (String, Vec<String>) {
    if p.passed() {
        let roles = if p.token_roles.is_empty() {
            "no application permission, as the preset needs".to_string()
        } else {
            p.token_roles.join(", ")
        };
        return (
            format!(
                "Proven: a token with the new credential holds {roles}; the tenant, read again, has no finding."
            ),
            Vec::new(),
        );
    }
    let mut details = Vec::new();
    if !p.missing_roles().is_empty() {
        details.push(format!("The token lacks {}.", p.missing_roles().join(", ")));
    }
    if !p.extra_roles().is_empty() {
        details.push(format!(
            "The token holds {}, which the preset does not need.",
            p.extra_roles().join(", ")
        ));
    }
    for f in &p.findings {
        details.push(format!(
            "[{}] {} Fix: {}",
            f.cause.code(),
            f.evidence,
            f.fix
        ));
    }
    ("Applied, but not proven:".to_string(), details)
}

/// "a@contoso.com does not hold Privileged Role Administrator or Global Administrator;
/// nothing was changed."
pub fn missing_roles<'a>(upn: &str, roles: impl IntoIterator<Item = &'a RoleCheck>) -> String {
    format!(
        "{upn} does not hold {}; nothing was changed.",
        roles
            .into_iter()
            .map(|r| r.roles.join(" or "))
            .collect::<Vec<_>>()
            .join(", and ")
    )
}

/// What the tenant returned for a step: "app id …, secret id …".
pub fn returned(objects: &BTreeMap<String, String>) -> String {
    objects
        .iter()
        .map(|(k, v)| format!("{} {v}", k.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entra::RoleNeed;

    #[test]
    fn a_proof_that_failed_names_what_is_missing_and_extra() {
        let p = Proof {
            token_roles: vec!["Mail.Send".into(), "User.Read.All".into()],
            expected_roles: vec!["Mail.ReadWrite".into(), "Mail.Send".into()],
            findings: vec![],
        };
        let (head, details) = proof(&p);
        assert_eq!(head, "Applied, but not proven:");
        assert_eq!(
            details,
            [
                "The token lacks Mail.ReadWrite.",
                "The token holds User.Read.All, which the preset does not need."
            ]
        );
    }

    #[test]
    fn missing_roles_join_the_alternatives() {
        let r = RoleCheck {
            need: RoleNeed::GraphAppRoleConsent,
            roles: vec![
                "Privileged Role Administrator".into(),
                "Global Administrator".into(),
            ],
            held: None,
        };
        assert_eq!(
            missing_roles("a@x", [&r]),
            "a@x does not hold Privileged Role Administrator or Global Administrator; nothing was changed."
        );
        let mut o = BTreeMap::new();
        o.insert("secret_id".to_string(), "k".to_string());
        o.insert("app_id".to_string(), "a".to_string());
        assert_eq!(returned(&o), "app id a, secret id k");
    }
}
