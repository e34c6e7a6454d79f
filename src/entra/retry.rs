//! Riding out Entra's replication: a write that names a freshly created object (or a token
//! request with a fresh secret) is repeated with backoff until it succeeds or the bound is
//! reached. Each wait is announced as a [`Waiting`] event saying what is awaited, so a terminal
//! or a TUI can show "waiting for Entra to replicate the new app (attempt 3 of 8)".
//!
//! Real tenants: 2, 4, 8, 16, 32, 60, 60 s (about three minutes; Microsoft's guidance is to
//! trust the create answer and retry with backoff). Tests use [`RetryPolicy::fast`], chosen
//! by `MAILSCOPE_APPLY_RETRY=fast` ([`RetryPolicy::from_env`]).

use std::future::Future;
use std::time::Duration;

use super::write::WriteError;

/// Environment variable that picks the retry policy (`fast`: milliseconds, for tests and the
/// simulated tenant's demo; anything else or unset: the real one).
pub const RETRY_ENV: &str = "MAILSCOPE_APPLY_RETRY";

/// How long to wait between attempts; attempts in total = waits + 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub waits: Vec<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::real()
    }
}

impl RetryPolicy {
    /// For real tenants: 2, 4, 8, 16, 32, 60, 60 s.
    pub fn real() -> RetryPolicy {
        RetryPolicy {
            waits: [2, 4, 8, 16, 32, 60, 60]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
        }
    }

    /// For tests: the same number of attempts, 10 ms doubling to at most 320 ms (about 1.3 s
    /// in all), so a simulated lag of a few hundred milliseconds is ridden out.
    pub fn fast() -> RetryPolicy {
        RetryPolicy {
            waits: [10, 20, 40, 80, 160, 320, 320]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
        }
    }

    /// No retry at all (one attempt).
    pub fn none() -> RetryPolicy {
        RetryPolicy { waits: Vec::new() }
    }

    /// [`RetryPolicy::fast`] when [`RETRY_ENV`] is `fast`, else [`RetryPolicy::real`].
    pub fn from_env() -> RetryPolicy {
        match std::env::var(RETRY_ENV) {
            Ok(v) if v.trim().eq_ignore_ascii_case("fast") => RetryPolicy::fast(),
            _ => RetryPolicy::real(),
        }
    }

    /// Attempts in total, the first included.
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.waits.len())
            .unwrap_or(u32::MAX - 1)
            .saturating_add(1)
    }

    /// The wait after failed attempt `attempt` (1-based); `None` when the bound is reached.
    /// A server's `Retry-After` is honoured when longer, up to the longest wait.
    pub fn wait_after(&self, attempt: u32, retry_after_s: Option<f64>) -> Option<Duration> {
        let i = usize::try_from(attempt.checked_sub(1)?).ok()?;
        let wait = *self.waits.get(i)?;
        let longest = self.waits.iter().copied().max().unwrap_or(wait);
        let asked = retry_after_s
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .map(|d| d.min(longest));
        Some(asked.map_or(wait, |a| a.max(wait)))
    }
}

/// A wait before another attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// What is awaited, e.g. "Entra to replicate the new app".
    pub awaited: String,
    /// The attempt about to be made (2 or more).
    pub attempt: u32,
    pub of: u32,
    pub wait: Duration,
    /// Why the last attempt did not succeed, in words (never a secret).
    pub reason: String,
}

impl Waiting {
    /// "waiting for Entra to replicate the new app (attempt 3 of 8)".
    pub fn line(&self) -> String {
        format!(
            "waiting for {} (attempt {} of {})",
            self.awaited, self.attempt, self.of
        )
    }
}

/// Runs `call` until it succeeds, fails with an error `retry` does not accept, or the policy's
/// bound is reached (then the last error is returned). `on_wait` hears about each wait.
pub async fn with_retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    awaited: &str,
    retry: impl Fn(&E) -> Option<Option<f64>>,
    on_wait: &mut dyn FnMut(Waiting),
    mut call: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                let Some(retry_after) = retry(&e) else {
                    return Err(e);
                };
                let Some(wait) = policy.wait_after(attempt, retry_after) else {
                    return Err(e);
                };
                attempt += 1;
                on_wait(Waiting {
                    awaited: awaited.to_string(),
                    attempt,
                    of: policy.attempts(),
                    wait,
                    reason: e.to_string(),
                });
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Which [`WriteError`]s to retry: replication and Microsoft's transient errors (with their
/// `Retry-After`).
pub fn write_retryable(e: &WriteError) -> Option<Option<f64>> {
    match e {
        WriteError::Replicating { .. } => Some(None),
        WriteError::Transient { retry_after_s, .. } => Some(*retry_after_s),
        _ => None,
    }
}

/// [`with_retry`] for Graph writes.
pub async fn retry_write<T, F, Fut>(
    policy: &RetryPolicy,
    awaited: &str,
    on_wait: &mut dyn FnMut(Waiting),
    call: F,
) -> Result<T, WriteError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, WriteError>>,
{
    with_retry(policy, awaited, write_retryable, on_wait, call).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn replicating() -> WriteError {
        WriteError::Replicating {
            what: "create the service principal".into(),
            code: "NoBackingApplicationObject".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn the_real_policy_is_bounded_and_the_fast_one_is_quick() {
        let real = RetryPolicy::real();
        assert_eq!(real.attempts(), 8);
        assert_eq!(real.wait_after(1, None), Some(Duration::from_secs(2)));
        assert_eq!(real.wait_after(7, None), Some(Duration::from_secs(60)));
        assert_eq!(real.wait_after(8, None), None);
        // Retry-After counts when longer, bounded by the longest wait.
        assert_eq!(real.wait_after(1, Some(5.0)), Some(Duration::from_secs(5)));
        assert_eq!(
            real.wait_after(1, Some(9999.0)),
            Some(Duration::from_secs(60))
        );
        let fast = RetryPolicy::fast();
        assert_eq!(fast.attempts(), real.attempts());
        let total: Duration = fast.waits.iter().sum();
        assert!(total < Duration::from_secs(2), "{total:?}");
        assert_eq!(RetryPolicy::none().wait_after(1, None), None);
    }

    #[tokio::test]
    async fn retries_replication_until_it_succeeds_and_says_what_it_awaits() {
        let calls = Cell::new(0);
        let mut heard = Vec::new();
        let out = retry_write(
            &RetryPolicy::fast(),
            "Entra to replicate the new app",
            &mut |w| heard.push(w.line()),
            || {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move { if n < 3 { Err(replicating()) } else { Ok(n) } }
            },
        )
        .await;
        assert_eq!(out, Ok(3));
        assert_eq!(
            heard,
            [
                "waiting for Entra to replicate the new app (attempt 2 of 8)",
                "waiting for Entra to replicate the new app (attempt 3 of 8)"
            ]
        );
    }

    #[tokio::test]
    async fn stops_at_the_bound_and_at_other_errors() {
        let calls = Cell::new(0);
        let policy = RetryPolicy {
            waits: vec![Duration::from_millis(1); 2],
        };
        let out: Result<(), _> = retry_write(&policy, "x", &mut |_| {}, || {
            calls.set(calls.get() + 1);
            async { Err(replicating()) }
        })
        .await;
        assert!(out.is_err_and(|e| e.is_replication()));
        assert_eq!(calls.get(), 3);
        calls.set(0);
        let out: Result<(), _> = retry_write(&policy, "x", &mut |_| {}, || {
            calls.set(calls.get() + 1);
            async {
                Err(WriteError::Denied {
                    what: "x".into(),
                    message: "m".into(),
                })
            }
        })
        .await;
        assert!(matches!(out, Err(WriteError::Denied { .. })));
        assert_eq!(calls.get(), 1);
    }
}
