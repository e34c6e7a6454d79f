//! `[[app_management.stall]]`: an app management call that is carried out at once but whose
//! answer is held, so a test can kill the client while the call is in flight and find the
//! change in the tenant (an apply interrupted midway, the call landed, the answer lost).

use std::time::Duration;

use serde::Deserialize;

use super::graph_reply::GraphReply;
use super::state::{SimState, lock};

/// `[[app_management.stall]]`: the first `times` successful calls of `route` are carried out,
/// then their answer is held `stall_s` seconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StallCall {
    /// Route template as in `/_sim/stats`, e.g. `POST /v1.0/applications`.
    pub route: String,
    /// How many calls are held (default 1).
    #[serde(default = "super::apps::one")]
    pub times: u32,
    /// How long each answer is held (default 30 s; 0 to 3600).
    #[serde(default = "thirty")]
    pub stall_s: f64,
}

fn thirty() -> f64 {
    30.0
}

/// Validates the entries' `stall_s` (the error names the key).
pub(crate) fn check(stalls: &[StallCall]) -> Result<(), (&'static str, String)> {
    let max = super::scenario_bounds::MAX_WAIT_S;
    match stalls
        .iter()
        .find(|s| !s.stall_s.is_finite() || !(0.0..=max).contains(&s.stall_s))
    {
        Some(_) => Err((
            "app_management.stall.stall_s",
            format!("must be between 0 and {max} seconds"),
        )),
        None => Ok(()),
    }
}

/// How long to hold `reply` to a call of `route`: due for a successful answer while the
/// entry's count lasts (the count goes down, the hold is counted in `/_sim/stats` as
/// `stalled`).
pub(crate) fn due(st: &SimState, route: &str, reply: &GraphReply) -> Option<Duration> {
    if !(200..300).contains(&reply.status) {
        return None;
    }
    let stalls = &st.scenario.app_management.stall;
    let mut r = lock(&st.apps);
    let i = stalls
        .iter()
        .enumerate()
        .position(|(i, s)| s.route == route && r.stalls_left.get(i).is_some_and(|n| *n > 0))?;
    if let Some(n) = r.stalls_left.get_mut(i) {
        *n -= 1;
    }
    drop(r);
    lock(&st.stats).stalled += 1;
    Some(Duration::from_secs_f64(stalls[i].stall_s.max(0.0)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is the failure report
    use super::*;

    fn stall(s: f64) -> StallCall {
        StallCall {
            route: "POST /v1.0/applications".into(),
            times: 1,
            stall_s: s,
        }
    }

    #[test]
    fn a_hold_beyond_an_hour_or_not_a_number_is_refused() {
        assert!(check(&[stall(0.0), stall(3600.0)]).is_ok());
        for bad in [f64::NAN, f64::INFINITY, -1.0, 3600.5] {
            let e = check(&[stall(1.0), stall(bad)]).unwrap_err();
            assert_eq!(e.0, "app_management.stall.stall_s", "{bad}");
        }
    }
}
