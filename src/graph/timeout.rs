//! How long mailscope waits for an answer: one limit for each request (connecting and the
//! whole answer), set with `check --timeout SECONDS` or `MAILSCOPE_TIMEOUT`; and a host that
//! has not answered once in this run is not waited on again once it timed out twice in a row.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::client::RawResponse;
use super::diagnosis::Diagnosis;

/// The limit for one request when none is given.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Environment variable that sets the limit (seconds) for `check` and the wizard.
pub const TIMEOUT_ENV: &str = "MAILSCOPE_TIMEOUT";

/// The longest limit accepted (seconds).
pub const MAX_TIMEOUT_S: f64 = 600.0;

/// Why a text is not a request limit; each variant holds the text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeoutError {
    #[error("'{0}' is not a number of seconds")]
    NotANumber(String),
    #[error("'{0}' is out of range: give more than 0 and at most {MAX_TIMEOUT_S} seconds")]
    OutOfRange(String),
}

/// Parses a limit in seconds ("20", "2.5"): more than 0, at most [`MAX_TIMEOUT_S`].
pub fn parse_seconds(text: &str) -> Result<Duration, TimeoutError> {
    let s: f64 = text
        .trim()
        .parse()
        .map_err(|_| TimeoutError::NotANumber(text.to_string()))?;
    if !(s.is_finite() && s > 0.0 && s <= MAX_TIMEOUT_S) {
        return Err(TimeoutError::OutOfRange(text.to_string()));
    }
    Ok(Duration::from_secs_f64(s))
}

/// The limit from [`TIMEOUT_ENV`], or the default when it is unset or not a valid number.
pub fn from_env() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| parse_seconds(&v).ok())
        .unwrap_or(DEFAULT_REQUEST_TIMEOUT)
}

/// "20 s", "2.5 s": a limit as messages write it.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Whether one host has answered in this run. A host that never answered and timed out
/// twice in a row (a request sent after its first timeout timed out too) is taken to be
/// silent: later requests to it fail at once with the same diagnosis instead of each waiting
/// out the limit again (with retries, for minutes).
#[derive(Debug, Default)]
pub struct Silence {
    answered: AtomicBool,
    state: Mutex<SilenceState>,
}

#[derive(Debug, Default)]
struct SilenceState {
    /// When the first timeout was seen.
    first_timeout: Option<Instant>,
    /// Set once the host is taken to be silent.
    silent: Option<Diagnosis>,
}

impl Silence {
    /// The diagnosis to return instead of sending, when the host is known to be silent.
    pub fn gave_up(&self) -> Option<Diagnosis> {
        if self.answered.load(Ordering::Relaxed) {
            return None;
        }
        self.state.lock().ok().and_then(|s| s.silent.clone())
    }

    /// Notes how a request sent at `sent_at` ended.
    pub fn record(&self, sent_at: Instant, result: &Result<RawResponse, Diagnosis>) {
        match result {
            Ok(_) => self.answered.store(true, Ordering::Relaxed),
            Err(d) if d.error_code.as_deref() == Some("timeout") => {
                let Ok(mut s) = self.state.lock() else { return };
                match s.first_timeout {
                    None => s.first_timeout = Some(Instant::now()),
                    Some(first) if sent_at >= first => {
                        s.silent.get_or_insert_with(|| given_up(d));
                    }
                    Some(_) => {}
                }
            }
            Err(_) => {}
        }
    }
}

/// `error_code` of requests not sent because their host is silent (never retried).
pub const NO_ANSWER: &str = "no-answer";

fn given_up(timeout: &Diagnosis) -> Diagnosis {
    let mut d = timeout.clone();
    d.summary = format!(
        "{} It has not answered once in this run, so it is not asked again.",
        timeout.summary
    );
    d.error_code = Some(NO_ANSWER.to_string());
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::diagnosis::{NetworkErrorKind, network};

    #[test]
    fn seconds_are_checked() {
        assert_eq!(parse_seconds("20"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_seconds(" 2.5 "), Ok(Duration::from_millis(2500)));
        for bad in ["0", "-1", "nan", "inf", "601", "1e300", "soon", ""] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
        assert!(matches!(parse_seconds("soon"), Err(TimeoutError::NotANumber(t)) if t == "soon"));
        assert!(matches!(parse_seconds("601"), Err(TimeoutError::OutOfRange(t)) if t == "601"));
        assert_eq!(
            parse_seconds("0").map_err(|e| e.to_string()),
            Err("'0' is out of range: give more than 0 and at most 600 seconds".to_string())
        );
        assert_eq!(seconds(Duration::from_secs(20)), "20 s");
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5 s");
    }

    #[test]
    fn a_host_is_given_up_after_two_timeouts_in_a_row_when_it_never_answered() {
        let timeout = Err(network(NetworkErrorKind::Timeout, "h"));
        let silent = Silence::default();
        let first_wave = Instant::now();
        silent.record(first_wave, &Err(network(NetworkErrorKind::Io, "h")));
        silent.record(first_wave, &timeout);
        silent.record(first_wave, &timeout);
        assert!(
            silent.gave_up().is_none(),
            "requests in flight together time out together: one strike"
        );
        silent.record(Instant::now(), &timeout);
        assert_eq!(
            silent.gave_up().and_then(|d| d.error_code).as_deref(),
            Some(NO_ANSWER)
        );

        let answered = Silence::default();
        answered.record(
            Instant::now(),
            &Ok(RawResponse {
                status: 503,
                headers: Vec::new(),
                body: Vec::new(),
            }),
        );
        answered.record(Instant::now(), &timeout);
        answered.record(Instant::now(), &timeout);
        assert!(
            answered.gave_up().is_none(),
            "a stall after answers is retried"
        );
    }
}
