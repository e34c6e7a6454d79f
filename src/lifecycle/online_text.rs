//! `status --online` in words, shared by the command line and the wizard's start screen: why
//! a profile's credentials are not listed (with the fix), and one line per credential.

use super::online::{OnlineCredential, ProfileOnline, Reading};

/// Why a profile's credentials are not listed, and what to do.
pub fn problem(r: &ProfileOnline) -> Option<(String, String)> {
    match &r.reading {
        Reading::Read { .. } => None,
        Reading::NoTenant => Some((
            "names no tenant yet, so there is nothing to read".into(),
            "finish the profile in the wizard".into(),
        )),
        Reading::NoApp {
            client_id: Some(id),
        } => Some((
            format!("the tenant holds no app registration with client ID {id}"),
            format!("run `mailscope entra inspect --profile {}`", r.profile),
        )),
        Reading::NoApp { client_id: None } => Some((
            "no app registration yet (the profile names no client ID)".into(),
            format!(
                "`mailscope entra plan --profile {}` shows what would be created",
                r.profile
            ),
        )),
        Reading::Failed(e) => Some((e.to_string(), e.fix())),
    }
}

/// One credential in one line: what it is, its expiry, what the profile knows of it.
pub fn credential_line(c: &OnlineCredential) -> String {
    let (what, state) = credential_parts(c);
    format!("{what}: {state}")
}

/// The two halves of [`credential_line`]: which credential (kind, ID or thumbprint, name),
/// and its expiry with what the profile knows of it (for narrow screens).
pub fn credential_parts(c: &OnlineCredential) -> (String, String) {
    let what = match (&c.hint, &c.thumbprint) {
        (Some(h), _) => format!("secret {} (starts {h}…)", c.key_id),
        (None, Some(t)) => format!("certificate {t}"),
        (None, None) => format!("{:?} {}", c.kind, c.key_id).to_lowercase(),
    };
    let name = c
        .display_name
        .as_deref()
        .map(|n| format!(" '{n}'"))
        .unwrap_or_default();
    (
        format!("{what}{name}"),
        format!("{}; {}", c.expiry.describe(), c.known.label()),
    )
}
