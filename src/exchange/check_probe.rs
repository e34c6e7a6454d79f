//! Exchange's verdict per mailbox for `mailscope check` (and the wizard's live checks): the
//! [`ExchangeProbe`] the check run asks. It resumes the Exchange admin sign-in remembered for
//! the profile's tenant and never prompts (the vendor's app never gets Exchange rights); without
//! one the column says which command signs in. Test-ApplicationAccessPolicy and
//! Test-ServicePrincipalAuthorization take one mailbox each, so the mailboxes are tested
//! [`CONCURRENT_TESTS`] at a time over one connection.

use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream;

use super::connect::{connect, signin_config};
use super::endpoints::UNDOCUMENTED;
use super::error::ExchangeError;
use super::target::Target;
use super::verdict::{Access, MailboxVerdict, ScopingTest, test_scoping};
use crate::graph::cloud::CloudEndpoints;
use crate::graph::exchange_column::{
    ExchangeAccess, ExchangeMailbox, ExchangeProbe, ExchangeRole, ExchangeState, ExchangeVerdicts,
    ProbeFuture, ProbeInput,
};

/// Exchange tests in flight at once (each cmdlet takes one mailbox).
pub const CONCURRENT_TESTS: usize = 4;

/// The probe the command line and the wizard hand to the check run.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckProbe;

impl ExchangeProbe for CheckProbe {
    fn verdicts(&self, input: ProbeInput) -> ProbeFuture {
        Box::pin(verdicts(input))
    }
}

/// [`CheckProbe`], shared.
pub fn probe() -> Arc<dyn ExchangeProbe> {
    Arc::new(CheckProbe)
}

fn access(a: Access) -> ExchangeAccess {
    match a {
        Access::Granted => ExchangeAccess::Granted,
        Access::Denied => ExchangeAccess::Denied,
        Access::Partial => ExchangeAccess::Partial,
        Access::Unknown => ExchangeAccess::Unknown,
    }
}

fn mailbox(v: MailboxVerdict) -> ExchangeMailbox {
    ExchangeMailbox {
        address: v.address,
        access: access(v.access),
        answer: v.answer,
        roles: v
            .roles
            .into_iter()
            .map(|r| ExchangeRole {
                role: r.role,
                in_scope: r.in_scope,
            })
            .collect(),
        detail: v.detail,
    }
}

/// `target` narrowed to one of its mailboxes.
fn single(target: &Target, address: &str, reach: bool) -> Target {
    let one = vec![address.to_string()];
    let (must_reach, must_not_reach) = if reach {
        (one, Vec::new())
    } else {
        (Vec::new(), one)
    };
    Target {
        must_reach,
        must_not_reach,
        ..target.clone()
    }
}

/// Exchange's verdict per mailbox of `input.profile`; "not available" with the reason when
/// there is no Exchange sign-in or Exchange cannot be asked.
pub async fn verdicts(input: ProbeInput) -> ExchangeVerdicts {
    let ProbeInput {
        profile,
        preset,
        secrets,
        timeout,
    } = input;
    let target = Target::of(&profile, &preset, None);
    if !target.names.applies {
        return ExchangeVerdicts::not_available("this product's app uses no mailbox scoping");
    }
    if target.app_id.is_none() {
        return ExchangeVerdicts::not_available("the profile has no app (client) ID yet");
    }
    let endpoints = match CloudEndpoints::from_profile(&profile) {
        Ok(e) => e,
        Err(e) => return ExchangeVerdicts::not_available(e.to_string()),
    };
    let Some(mut cfg) = signin_config(&profile, &endpoints) else {
        return ExchangeVerdicts::not_available("the profile names no tenant");
    };
    cfg.request_timeout = timeout;
    let http = match endpoints.http_client(timeout) {
        Ok(h) => h,
        Err(e) => return ExchangeVerdicts::not_available(e.to_string()),
    };
    let conn = match connect(&cfg, &profile, &http, secrets.as_ref()).await {
        Ok(c) => c,
        Err(ExchangeError::NotSignedIn { keyring, .. }) => {
            let mut v = ExchangeVerdicts::no_signin(&profile.name);
            if let (Some(k), Some(r)) = (keyring, v.reason.as_mut()) {
                r.push_str(&format!("; the OS keyring could not be read: {k}"));
            }
            return v;
        }
        Err(e) => return unavailable(&e, &profile.name),
    };
    let singles: Vec<Target> = target
        .mailboxes()
        .map(|(address, reach)| single(&target, address, reach))
        .collect();
    // Made first, so no closure is held across the await (the future stays `Send`).
    let tests: Vec<_> = singles
        .iter()
        .map(|t| test_scoping(&conn.transport, t))
        .collect();
    let results: Vec<Result<ScopingTest, ExchangeError>> = stream::iter(tests)
        .buffered(CONCURRENT_TESTS)
        .collect()
        .await;
    if let Some(Err(e)) = results.iter().find(|r| r.is_err())
        && results.iter().all(Result::is_err)
    {
        return unavailable(e, &profile.name);
    }
    let mut notes = Vec::new();
    let mut mailboxes = Vec::new();
    for (t, r) in singles.iter().zip(results) {
        match r {
            Ok(test) => {
                if notes.is_empty() {
                    notes = test.notes;
                }
                mailboxes.extend(test.mailboxes.into_iter().map(mailbox));
            }
            Err(e) => mailboxes.extend(t.mailboxes().map(|(address, _)| ExchangeMailbox {
                address: address.to_string(),
                access: ExchangeAccess::Unknown,
                answer: None,
                roles: Vec::new(),
                detail: Some(format!("Exchange could not test this mailbox: {e}")),
            })),
        }
    }
    notes.push(UNDOCUMENTED.to_string());
    ExchangeVerdicts {
        state: ExchangeState::Tested,
        reason: None,
        mechanism: Some(target.mechanism()),
        admin: Some(conn.account.upn.clone()).filter(|u| !u.is_empty()),
        tested_at: Some(time::OffsetDateTime::now_utc()),
        mailboxes,
        notes,
    }
}

fn unavailable(e: &ExchangeError, profile: &str) -> ExchangeVerdicts {
    ExchangeVerdicts::not_available(format!("{e}. {}", e.fix_for(profile)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Expectation;

    #[test]
    fn answers_map_one_to_one_and_a_target_narrows_to_one_mailbox() {
        let v = MailboxVerdict {
            address: "a@b.c".into(),
            expect: Expectation::Granted,
            access: Access::Partial,
            answer: None,
            roles: vec![super::super::verdict::RoleInScope {
                role: "Application Mail.Read".into(),
                in_scope: true,
            }],
            outcome: super::super::verdict::Outcome::Fail,
            detail: Some("d".into()),
        };
        let m = mailbox(v);
        assert_eq!(m.access, ExchangeAccess::Partial);
        assert_eq!(m.roles.len(), 1);
        assert!(m.roles[0].in_scope);
        for (a, b) in [
            (Access::Granted, ExchangeAccess::Granted),
            (Access::Denied, ExchangeAccess::Denied),
            (Access::Unknown, ExchangeAccess::Unknown),
        ] {
            assert_eq!(access(a), b);
        }
        let preset = crate::preset::preset(crate::profile::PresetId::Kundo)
            .unwrap_or_else(|e| panic!("{e}"));
        let p = crate::profile::Profile::new(
            "t",
            crate::profile::PresetId::Kundo,
            crate::profile::Cloud::Global,
        );
        let t = Target {
            must_reach: vec!["a@b.c".into(), "b@b.c".into()],
            must_not_reach: vec!["c@b.c".into()],
            ..Target::of(&p, &preset, None)
        };
        let one = single(&t, "c@b.c", false);
        assert_eq!(one.mailboxes().collect::<Vec<_>>(), [("c@b.c", false)]);
        assert_eq!(one.names, t.names);
    }
}
