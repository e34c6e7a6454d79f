//! When to repeat a request and how long to wait: `Retry-After` exactly (fractions too),
//! otherwise capped exponential backoff with full jitter.

use std::time::Duration;

use super::diagnosis::{Cause, Diagnosis};

/// Added to a server's `Retry-After` so that clock granularity never makes a retry early.
pub const RETRY_AFTER_MARGIN: Duration = Duration::from_millis(25);

/// How persistently to retry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
    /// The longest `Retry-After` honoured; beyond it the cell ends in `error` (throttled).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Whether a failure on attempt `attempt` (1-based) is worth another try.
    pub fn should_retry(&self, d: &Diagnosis, attempt: u32) -> bool {
        attempt < self.max_attempts
            && retryable(d)
            && d.retry_after_s
                .is_none_or(|s| s <= self.max_retry_after.as_secs_f64())
    }

    /// The wait before attempt `attempt + 1`. A server's `Retry-After` counts up to
    /// [`RetryPolicy::max_retry_after`]; beyond it (or not a number) it is that long.
    pub fn delay(&self, attempt: u32, retry_after_s: Option<f64>) -> Duration {
        if let Some(s) = retry_after_s {
            let wait = Duration::try_from_secs_f64(s)
                .unwrap_or(self.max_retry_after)
                .min(self.max_retry_after);
            return wait + RETRY_AFTER_MARGIN;
        }
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let ceiling = exp.min(self.cap);
        // Full jitter, but never less than a tenth of the ceiling.
        let f = 0.1 + 0.9 * fastrand::f64();
        ceiling.mul_f64(f)
    }
}

/// Throttling, 503/504 and network failures other than DNS and TLS (those do not heal) and
/// requests to a host that never answered (see [`crate::graph::timeout::Silence`]).
pub fn retryable(d: &Diagnosis) -> bool {
    match d.cause {
        Cause::Throttled | Cause::ServiceUnavailable => true,
        Cause::Network => !matches!(
            d.error_code.as_deref(),
            Some("dns") | Some("tls") | Some(crate::graph::timeout::NO_ANSWER)
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::diagnosis::{NetworkErrorKind, network};

    fn throttled(after: Option<f64>) -> Diagnosis {
        let mut d = Diagnosis::new(Cause::Throttled, "", "");
        d.retry_after_s = after;
        d
    }

    #[test]
    fn honours_fractional_retry_after_exactly() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(1.5)),
            Duration::from_millis(1500) + RETRY_AFTER_MARGIN
        );
        assert_eq!(
            p.delay(3, Some(0.0)),
            RETRY_AFTER_MARGIN,
            "attempt number does not matter"
        );
    }

    #[test]
    fn a_huge_or_odd_retry_after_never_panics() {
        let p = RetryPolicy::default();
        let cap = p.max_retry_after + RETRY_AFTER_MARGIN;
        for s in [1e300, f64::MAX, f64::INFINITY, f64::NAN, -1.0] {
            assert!(p.delay(1, Some(s)) <= cap, "{s}");
        }
        assert_eq!(p.delay(1, Some(1e300)), cap);
        let header = crate::graph::diagnosis::parse_retry_after("1e300");
        assert!(!p.should_retry(&throttled(header), 1));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for _ in 0..200 {
            let d1 = p.delay(1, None);
            assert!(d1 >= Duration::from_millis(25) && d1 <= Duration::from_millis(250));
            let d3 = p.delay(3, None);
            assert!(d3 >= Duration::from_millis(100) && d3 <= Duration::from_secs(1));
            assert!(p.delay(30, None) <= p.cap);
        }
    }

    #[test]
    fn what_is_retried() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(&throttled(Some(2.0)), 1));
        assert!(!p.should_retry(&throttled(Some(2.0)), p.max_attempts));
        assert!(!p.should_retry(&throttled(Some(600.0)), 1));
        assert!(p.should_retry(&network(NetworkErrorKind::Timeout, "h"), 1));
        assert!(!p.should_retry(&network(NetworkErrorKind::Dns, "h"), 1));
        assert!(!p.should_retry(&Diagnosis::new(Cause::PolicyDenied, "", ""), 1));
    }
}
