//! Access tokens in memory until shortly before they expire; never written anywhere.

use std::time::{Duration, Instant};

use crate::secrets::Secret;

/// Tokens are renewed this long before they expire.
pub const RENEW_BEFORE: Duration = Duration::from_secs(300);

/// The longest lifetime believed from a token endpoint's `expires_in` (Entra's access tokens
/// last at most a day); a larger value, however large, counts as this.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A token's lifetime from the endpoint's `expires_in`, bounded by [`MAX_LIFETIME`]: seconds
/// as a JSON number or a numeric string (the v1 endpoints send `"3599"`); a negative value
/// counts as zero (renew at once); absent or unreadable means Entra's usual 3599 s.
pub fn lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    const USUAL: f64 = 3599.0;
    let secs = match expires_in {
        Some(serde_json::Value::Number(n)) => n.as_f64().unwrap_or(USUAL),
        Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(USUAL),
        _ => USUAL,
    };
    let secs = if secs.is_nan() { USUAL } else { secs };
    Duration::try_from_secs_f64(secs.clamp(0.0, MAX_LIFETIME.as_secs_f64())).unwrap_or(MAX_LIFETIME)
}

/// One cached token.
#[derive(Debug, Clone)]
pub struct CachedToken {
    pub token: Secret,
    pub expires_at: Instant,
}

/// A single-slot cache (one app, one cloud, one tenant).
#[derive(Debug, Default)]
pub struct TokenCache {
    slot: Option<CachedToken>,
}

impl TokenCache {
    /// The token, while it has more than [`RENEW_BEFORE`] left at `now`.
    pub fn get(&self, now: Instant) -> Option<&CachedToken> {
        self.slot
            .as_ref()
            .filter(|t| t.expires_at.saturating_duration_since(now) > RENEW_BEFORE)
    }

    /// Keeps `token` for `expires_in` (at most [`MAX_LIFETIME`]) from `now`.
    pub fn put(&mut self, token: Secret, expires_in: Duration, now: Instant) {
        let lifetime = expires_in.min(MAX_LIFETIME);
        self.slot = Some(CachedToken {
            token,
            expires_at: now.checked_add(lifetime).unwrap_or(now),
        });
    }

    /// Forgets the token if it is `token` (Graph said it expired); a newer one stays.
    pub fn invalidate(&mut self, token: &Secret) {
        if self.slot.as_ref().is_some_and(|t| &t.token == token) {
            self.slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renews_five_minutes_before_expiry() {
        let now = Instant::now();
        let mut c = TokenCache::default();
        assert!(c.get(now).is_none());
        c.put(Secret::new("t1"), Duration::from_secs(3599), now);
        assert!(c.get(now).is_some());
        assert!(c.get(now + Duration::from_secs(3299)).is_none());
        assert!(c.get(now + Duration::from_secs(3200)).is_some());
        c.invalidate(&Secret::new("other"));
        assert!(c.get(now).is_some());
        c.invalidate(&Secret::new("t1"));
        assert!(c.get(now).is_none());
    }

    #[test]
    fn a_huge_expires_in_is_a_day_and_never_panics() {
        let now = Instant::now();
        let of = |v: serde_json::Value| lifetime(Some(&v));
        assert_eq!(of(serde_json::json!(u64::MAX)), MAX_LIFETIME);
        assert_eq!(of(serde_json::json!(1e300)), MAX_LIFETIME);
        assert_eq!(of(serde_json::json!("1e400")), MAX_LIFETIME);
        assert_eq!(of(serde_json::json!(-5)), Duration::ZERO);
        assert_eq!(of(serde_json::json!("3599")), Duration::from_secs(3599));
        assert_eq!(of(serde_json::json!(3599)), Duration::from_secs(3599));
        assert_eq!(of(serde_json::json!("NaN")), Duration::from_secs(3599));
        assert_eq!(of(serde_json::json!(["x"])), Duration::from_secs(3599));
        assert_eq!(lifetime(None), Duration::from_secs(3599));
        let mut c = TokenCache::default();
        c.put(Secret::new("t"), Duration::MAX, now);
        assert!(c.get(now).is_some());
        assert!(c.get(now + MAX_LIFETIME).is_none(), "renewed within a day");
        c.put(Secret::new("t"), of(serde_json::json!(u64::MAX)), now);
        assert!(c.get(now + MAX_LIFETIME - RENEW_BEFORE * 2).is_some());
    }
}
