//! The start screen's online status: each profile with a remembered admin sign-in read as
//! `status --online` reads it; the others are left out (nothing to say on the start screen).

use std::sync::Arc;

use mailscope::lifecycle::ProfileOnline;
use mailscope::lifecycle::online::{read_profile, remembered};
use mailscope::profile::Profile;
use mailscope::secrets::SecretStore;

pub async fn read_online(
    profiles: Vec<Profile>,
    secrets: Arc<dyn SecretStore>,
) -> Vec<ProfileOnline> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut rows = Vec::new();
    for p in profiles {
        if remembered(&p, secrets.as_ref()) {
            rows.push(read_profile(&p, secrets.as_ref(), today).await);
        }
    }
    rows
}
