//! Who may call the sim's InvokeCommand: the token's audience must be Exchange Online's
//! resource, a delegated token carries the admin (`upn`, `wids`), an app-only token is refused
//! (401 without Exchange.ManageAsApp, 403 with it: the sim gives apps no Exchange role), and
//! `X-AnchorMailbox` must be present (admin-wire-behaviour §3a).

use axum::http::HeaderMap;

use super::exchange_reply::ExoReply;
use super::state::SimState;
use super::tokens_jwt::{AccessClaims, TokenProblem};

/// Exchange Online's resource per cloud (the token audience) and its application id.
pub(crate) const EXCHANGE_RESOURCES: &[&str] = &[
    "https://outlook.office365.com",
    "https://outlook.office365.us",
    "https://outlook-dod.office365.us",
    "https://webmail.apps.mil",
    "https://outlook.office365.cn",
    "https://partner.outlook.cn",
    "00000002-0000-0ff1-ce00-000000000000",
];

/// The Exchange Online PowerShell public client.
pub(crate) const EXO_POWERSHELL: &str = "fb78d390-0c51-40cd-8e17-fdbfab77341b";

/// The delegated scopes Entra puts in a token of the Exchange Online PowerShell client for
/// `https://outlook.office365.com/.default`. [U] from decoded tokens shown in blog posts.
pub(crate) const EXCHANGE_SCOPES: &str = "AdminApi.AccessAsUser.All FfoPowerShell.AccessAsUser.All RemotePowerShell.AccessAsUser.All VivaFeatures.AccessAsUser.All";

/// The Exchange resource a scope names (`https://outlook.office365.com/.default` →
/// `https://outlook.office365.com`; the application id names the commercial host).
pub(crate) fn exchange_resource(scope: &str) -> Option<&'static str> {
    let lower = scope.to_ascii_lowercase();
    let (resource, _) = lower.rsplit_once('/')?;
    let resource = resource.trim_end_matches('/');
    let found = EXCHANGE_RESOURCES.iter().find(|r| **r == resource)?;
    Some(if found.starts_with("https://") {
        found
    } else {
        EXCHANGE_RESOURCES[0]
    })
}

/// Whether `aud` is an Exchange audience this sim accepts: an Exchange resource, or the sim's
/// own base URL (custom clouds point every service at the sim).
fn accepted_audience(st: &SimState, aud: &str) -> bool {
    aud == st.graph
        || EXCHANGE_RESOURCES
            .iter()
            .any(|r| r.eq_ignore_ascii_case(aud.trim_end_matches('/')))
}

/// Validates the bearer token and the caller; the refusal otherwise.
pub(crate) fn authenticate(st: &SimState, headers: &HeaderMap) -> Result<AccessClaims, ExoReply> {
    let token = super::graph_http::bearer(headers);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let verified = match st.signer_now() {
        Some(signer) => signer.verify_for(token, |aud| accepted_audience(st, aud), now),
        None => Err(TokenProblem::Invalid),
    };
    let who = verified.map_err(|p| {
        ExoReply::unauthorized(match p {
            TokenProblem::Empty => "The access token is missing.",
            TokenProblem::Malformed | TokenProblem::Invalid => "The access token is invalid.",
            TokenProblem::Audience => {
                "The access token's audience is not Exchange Online (request https://outlook.office365.com/.default)."
            }
            TokenProblem::Expired => "The access token has expired.",
        })
    })?;
    if who.upn.is_empty() {
        // App-only: the sim never gives an app an Exchange role.
        return Err(if who.roles.iter().any(|r| r == "Exchange.ManageAsApp") {
            ExoReply::nul_forbidden("The application holds no Exchange role assignment.")
        } else {
            ExoReply::unauthorized("The application lacks the Exchange.ManageAsApp permission.")
        });
    }
    if who.aud == st.graph && !who.appid.eq_ignore_ascii_case(EXO_POWERSHELL) {
        return Err(ExoReply::unauthorized(
            "The access token was issued for Microsoft Graph, not Exchange Online.",
        ));
    }
    Ok(who)
}

/// `X-AnchorMailbox` must be present and start with `UPN:`, `SMTP:`, `APP:` or `MBX:`.
/// [U] what Exchange does without it; the sim refuses with 400 so a client that forgets it
/// fails in tests.
pub(crate) fn check_anchor(headers: &HeaderMap) -> Result<(), ExoReply> {
    let v = headers
        .get("x-anchormailbox")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    let ok = ["UPN:", "SMTP:", "APP:", "MBX:"].iter().any(|p| {
        v.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
            && v.len() > p.len()
    });
    if ok {
        Ok(())
    } else {
        Err(ExoReply::error(
            400,
            "BadRequest",
            "The X-AnchorMailbox header is missing or malformed: send UPN:<admin UPN>.",
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is the failure report
    use super::*;

    #[test]
    fn exchange_scopes_name_their_resource() {
        assert_eq!(
            exchange_resource("https://outlook.office365.com/.default"),
            Some("https://outlook.office365.com")
        );
        assert_eq!(
            exchange_resource("https://outlook.office365.us//.default"),
            Some("https://outlook.office365.us")
        );
        assert_eq!(
            exchange_resource("00000002-0000-0ff1-ce00-000000000000/.default"),
            Some("https://outlook.office365.com")
        );
        assert_eq!(
            exchange_resource("https://graph.microsoft.com/.default"),
            None
        );
        assert_eq!(exchange_resource("openid"), None);
    }

    #[test]
    fn anchor_needs_a_known_prefix() {
        let mut h = HeaderMap::new();
        assert!(check_anchor(&h).is_err());
        h.insert("X-AnchorMailbox", "UPN:admin@contoso.com".parse().unwrap());
        assert!(check_anchor(&h).is_ok());
        h.insert("X-AnchorMailbox", "UPN:".parse().unwrap());
        assert!(check_anchor(&h).is_err());
        h.insert("X-AnchorMailbox", "admin@contoso.com".parse().unwrap());
        assert!(check_anchor(&h).is_err());
    }
}
