//! Credential expiry: days left and how loudly to warn (60 and 14 days, and expired).

use serde::Serialize;
use time::Date;

use crate::profile::Profile;

/// Days before expiry at which the wizard and `status` start warning.
pub const WARN_EARLY_DAYS: i64 = 60;
/// Days before expiry at which the warning becomes urgent.
pub const WARN_URGENT_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExpiryLevel {
    /// More than 60 days left.
    Ok,
    /// 60 days or fewer: plan the renewal.
    Soon,
    /// 14 days or fewer: renew now.
    Urgent,
    /// Past its end date: sign-ins fail (AADSTS7000222 for secrets).
    Expired,
    /// No expiry recorded in the profile.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expiry {
    pub expires: Option<Date>,
    /// Negative once expired.
    pub days_left: Option<i64>,
    pub level: ExpiryLevel,
}

impl Expiry {
    /// Whether `status --warn-days N` should exit non-zero for this credential.
    pub fn needs_attention(&self, warn_days: i64) -> bool {
        self.days_left.is_some_and(|d| d <= warn_days) || self.level == ExpiryLevel::Expired
    }

    /// One line for people: "expires 2028-11-22 (731 days)".
    pub fn describe(&self) -> String {
        match (self.expires, self.days_left) {
            (Some(d), Some(n)) if n < 0 => format!("expired {d} ({} days ago)", -n),
            (Some(d), Some(0)) => format!("expires today ({d})"),
            (Some(d), Some(1)) => format!("expires tomorrow ({d})"),
            (Some(d), Some(n)) => format!("expires {d} ({n} days left)"),
            _ => "expiry not recorded".to_string(),
        }
    }
}

/// Classifies a date against today.
pub fn classify(expires: Option<Date>, today: Date) -> Expiry {
    let Some(d) = expires else {
        return Expiry {
            expires: None,
            days_left: None,
            level: ExpiryLevel::Unknown,
        };
    };
    let days = (d - today).whole_days();
    let level = if days < 0 {
        ExpiryLevel::Expired
    } else if days <= WARN_URGENT_DAYS {
        ExpiryLevel::Urgent
    } else if days <= WARN_EARLY_DAYS {
        ExpiryLevel::Soon
    } else {
        ExpiryLevel::Ok
    };
    Expiry {
        expires: Some(d),
        days_left: Some(days),
        level,
    }
}

/// The expiry of a profile's credential.
pub fn of_profile(p: &Profile, today: Date) -> Expiry {
    classify(p.credential.as_ref().and_then(|c| c.expires), today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    #[test]
    fn thresholds() {
        let cases = [
            (date!(2026 - 11 - 21), ExpiryLevel::Expired, -1),
            (date!(2026 - 11 - 22), ExpiryLevel::Urgent, 0),
            (date!(2026 - 12 - 06), ExpiryLevel::Urgent, 14),
            (date!(2026 - 12 - 07), ExpiryLevel::Soon, 15),
            (date!(2027 - 01 - 21), ExpiryLevel::Soon, 60),
            (date!(2027 - 01 - 22), ExpiryLevel::Ok, 61),
        ];
        for (d, level, days) in cases {
            let e = classify(Some(d), TODAY);
            assert_eq!((e.level, e.days_left), (level, Some(days)), "{d}");
        }
        assert_eq!(classify(None, TODAY).level, ExpiryLevel::Unknown);
    }

    #[test]
    fn attention_follows_warn_days() {
        let e = classify(Some(date!(2026 - 12 - 22)), TODAY);
        assert_eq!(e.days_left, Some(30));
        assert!(e.needs_attention(30));
        assert!(!e.needs_attention(29));
        assert!(classify(Some(date!(2020 - 01 - 01)), TODAY).needs_attention(0));
        assert!(!classify(None, TODAY).needs_attention(30));
    }

    #[test]
    fn descriptions() {
        assert_eq!(
            classify(Some(date!(2026 - 11 - 20)), TODAY).describe(),
            "expired 2026-11-20 (2 days ago)"
        );
        assert_eq!(
            classify(Some(date!(2026 - 11 - 23)), TODAY).describe(),
            "expires tomorrow (2026-11-23)"
        );
        assert_eq!(
            classify(Some(date!(2028 - 11 - 22)), TODAY).describe(),
            "expires 2028-11-22 (731 days left)"
        );
    }
}
