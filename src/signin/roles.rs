//! Entra directory roles mailscope cares about: display name and role template id (the values
//! of a delegated token's `wids` claim), from Microsoft's permissions reference.

/// `(display name, role template id)`, as in `admin-wire-behaviour.md` §1f.
pub const DIRECTORY_ROLES: [(&str, &str); 6] = [
    (
        "Global Administrator",
        "62e90394-69f5-4237-9190-012177145e10",
    ),
    (
        "Privileged Role Administrator",
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
    ),
    (
        "Application Administrator",
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    ),
    (
        "Cloud Application Administrator",
        "158c047a-c907-4556-b7ef-446551a6b5f7",
    ),
    (
        "Exchange Administrator",
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
    ),
    (
        "Exchange Recipient Administrator",
        "31392ffb-586c-42d1-9346-e59415a2cc4e",
    ),
];

/// The template id of a role named as the portal names it (case-insensitive).
pub fn template_id(name: &str) -> Option<&'static str> {
    DIRECTORY_ROLES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(_, id)| *id)
}

/// The display name of a role template id (case-insensitive); `None` for roles mailscope
/// does not name.
pub fn role_name(template_id: &str) -> Option<&'static str> {
    DIRECTORY_ROLES
        .iter()
        .find(|(_, id)| id.eq_ignore_ascii_case(template_id.trim()))
        .map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_round_trip() {
        assert_eq!(
            template_id("application administrator"),
            Some("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3")
        );
        assert_eq!(
            role_name("62E90394-69F5-4237-9190-012177145E10"),
            Some("Global Administrator")
        );
        assert_eq!(template_id("Helpdesk Administrator"), None);
        assert_eq!(role_name("b79fbf4d-3ef9-4689-8143-76b194e85509"), None);
    }
}
