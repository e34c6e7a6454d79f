//! One cell's verdict from what was expected and what Graph answered, taking Microsoft's
//! documented propagation windows into account.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::diagnosis::{Cause, Diagnosis};
use crate::profile::{Expectation, ScopeMechanism};

/// How a cell ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// As expected.
    Pass,
    /// Not as expected.
    Fail,
    /// Not as expected, but scoping changed recently enough that it may not have propagated.
    Pending,
    /// Could not be decided (network, timeout, service, cancelled).
    Error,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Pending => "pending",
            Verdict::Error => "error",
        }
    }
}

/// How long scoping changes may take to reach Graph. Application access policies: "can take
/// longer than 1 hour"; RBAC for Applications: "between 30 minutes and 2 hours". Both: 2 hours.
pub fn propagation_window(mechanism: Option<ScopeMechanism>) -> Duration {
    match mechanism {
        Some(ScopeMechanism::Rbac) => Duration::hours(2),
        Some(ScopeMechanism::ApplicationAccessPolicy) | None => Duration::hours(2),
    }
}

/// The decision on one cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// For `pending`: when the propagation window closes, so re-check then at the latest.
    pub recheck_after: Option<OffsetDateTime>,
    /// For a `fail` without a Microsoft error (access where refusal was expected).
    pub own_diagnosis: Option<Diagnosis>,
}

/// Decides one cell. `outcome` is the HTTP status of a success, or the diagnosis of a refusal.
pub fn decide(
    expect: Expectation,
    outcome: &Result<u16, Diagnosis>,
    mechanism: Option<ScopeMechanism>,
    changed_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Decision {
    let closes = changed_at.map(|t| t + propagation_window(mechanism));
    let in_window = closes.filter(|c| now < *c);
    let mismatch = |own: Option<Diagnosis>| match in_window {
        Some(c) => Decision {
            verdict: Verdict::Pending,
            recheck_after: Some(c),
            own_diagnosis: own,
        },
        None => Decision {
            verdict: Verdict::Fail,
            recheck_after: None,
            own_diagnosis: own,
        },
    };
    let plain = |verdict| Decision {
        verdict,
        recheck_after: None,
        own_diagnosis: None,
    };
    match (expect, outcome) {
        (Expectation::Granted, Ok(_)) => plain(Verdict::Pass),
        (Expectation::Denied, Ok(_)) => mismatch(Some(unexpectedly_allowed(mechanism))),
        (_, Err(d))
            if d.cause == Cause::MailboxNotFound || d.cause == Cause::MailboxNotRestEnabled =>
        {
            plain(Verdict::Fail)
        }
        (Expectation::Denied, Err(d)) if d.cause.is_access_denial() => plain(Verdict::Pass),
        (Expectation::Granted, Err(d)) if d.cause.is_access_denial() => mismatch(None),
        (_, Err(_)) => plain(Verdict::Error),
    }
}

fn unexpectedly_allowed(mechanism: Option<ScopeMechanism>) -> Diagnosis {
    let fix = match mechanism {
        Some(ScopeMechanism::Rbac) => {
            "Remove tenant-wide Mail application permissions in Entra ID (Exchange adds them to RBAC grants), and check that the role assignment's scope excludes this mailbox (Test-ServicePrincipalAuthorization)."
        }
        _ => {
            "Create the RestrictAccess application access policy for the app's group (New-ApplicationAccessPolicy) and keep this mailbox out of that group; check with Test-ApplicationAccessPolicy."
        }
    };
    Diagnosis::new(
        Cause::PermissionMissing,
        "The app reached this mailbox, which it must not: scoping does not restrict it.",
        fix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denial(cause: Cause) -> Result<u16, Diagnosis> {
        Err(Diagnosis::new(cause, "", ""))
    }

    #[test]
    fn matrix_without_recent_change() {
        let now = OffsetDateTime::now_utc();
        let v = |e, o: &Result<u16, Diagnosis>| decide(e, o, None, None, now).verdict;
        assert_eq!(v(Expectation::Granted, &Ok(200)), Verdict::Pass);
        assert_eq!(v(Expectation::Denied, &Ok(201)), Verdict::Fail);
        assert_eq!(
            v(Expectation::Denied, &denial(Cause::PolicyDenied)),
            Verdict::Pass
        );
        assert_eq!(
            v(Expectation::Denied, &denial(Cause::PermissionMissing)),
            Verdict::Pass
        );
        assert_eq!(
            v(Expectation::Granted, &denial(Cause::PolicyDenied)),
            Verdict::Fail
        );
        assert_eq!(
            v(Expectation::Granted, &denial(Cause::MailboxNotRestEnabled)),
            Verdict::Fail
        );
        assert_eq!(
            v(Expectation::Denied, &denial(Cause::MailboxNotFound)),
            Verdict::Fail
        );
        assert_eq!(
            v(Expectation::Granted, &denial(Cause::Network)),
            Verdict::Error
        );
        assert_eq!(
            v(Expectation::Granted, &denial(Cause::Throttled)),
            Verdict::Error
        );
    }

    #[test]
    fn pending_inside_the_window_only() {
        let now = OffsetDateTime::now_utc();
        let recent = Some(now - Duration::minutes(20));
        let d = decide(
            Expectation::Granted,
            &denial(Cause::PolicyDenied),
            Some(ScopeMechanism::ApplicationAccessPolicy),
            recent,
            now,
        );
        assert_eq!(d.verdict, Verdict::Pending);
        assert_eq!(
            d.recheck_after,
            Some(now - Duration::minutes(20) + Duration::hours(2))
        );
        let allowed = decide(
            Expectation::Denied,
            &Ok(200),
            Some(ScopeMechanism::Rbac),
            recent,
            now,
        );
        assert_eq!(allowed.verdict, Verdict::Pending);
        assert!(allowed.own_diagnosis.is_some());
        let old = Some(now - Duration::hours(3));
        let d = decide(
            Expectation::Granted,
            &denial(Cause::PolicyDenied),
            None,
            old,
            now,
        );
        assert_eq!(d.verdict, Verdict::Fail);
        // A recent change never excuses a passing or an undecidable cell.
        assert_eq!(
            decide(Expectation::Granted, &Ok(200), None, recent, now).verdict,
            Verdict::Pass
        );
        assert_eq!(
            decide(
                Expectation::Granted,
                &denial(Cause::Network),
                None,
                recent,
                now
            )
            .verdict,
            Verdict::Error
        );
    }
}
