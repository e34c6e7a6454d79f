//! Access tokens in memory until shortly before they expire; never written anywhere.

use std::time::{Duration, Instant};

use crate::secrets::Secret;

/// Tokens are renewed this long before they expire.
pub const RENEW_BEFORE: Duration = Duration::from_secs(300);

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

    pub fn put(&mut self, token: Secret, expires_in: Duration, now: Instant) {
        self.slot = Some(CachedToken {
            token,
            expires_at: now + expires_in,
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
}
