//! The start screen shows what `status --online` shows: loading the profiles asks the runner
//! to read them online (it reads only those with a remembered admin sign-in), and the answer
//! is drawn under each profile.

use mailscope::expiry::classify;
use mailscope::lifecycle::online::Reading;
use mailscope::lifecycle::{CredKind, Known, OnlineCredential, ProfileOnline};
use time::macros::date;

use super::harness::Harness;
use super::update_tests::kundo;
use crate::tui::effect::Effect;
use crate::tui::msg::{ListedProfile, Reply};

fn listed(name: &str) -> ListedProfile {
    let mut p = kundo(Some("summary"));
    p.name = name.into();
    ListedProfile {
        name: name.into(),
        profile: Ok(p),
        last_check: None,
        last_run: None,
    }
}

fn rows() -> Vec<ProfileOnline> {
    let today = date!(2026 - 11 - 22);
    let cred = |key_id: &str, end, known, hint: &str, name: Option<&str>| OnlineCredential {
        kind: CredKind::Secret,
        key_id: key_id.into(),
        display_name: name.map(String::from),
        hint: Some(hint.into()),
        thumbprint: None,
        expiry: classify(Some(end), today),
        known,
    };
    vec![
        ProfileOnline {
            profile: "contoso-kundo".into(),
            tenant: Some("contoso.onmicrosoft.com".into()),
            reading: Reading::Read {
                app_id: "b1c2d3e4-0000-4000-8000-000000000001".into(),
                app_name: "Kundo Mail".into(),
                credentials: vec![
                    cred(
                        "9a1b0000-0000-4000-8000-000000000002",
                        date!(2026 - 12 - 02),
                        Known::Unknown,
                        "xK9",
                        Some("old"),
                    ),
                    cred(
                        "5e1c0a77-1111-4222-8333-944445555666",
                        date!(2028 - 05 - 20),
                        Known::InUse,
                        "Qp2",
                        None,
                    ),
                ],
            },
        },
        ProfileOnline {
            profile: "fabrikam-kundo".into(),
            tenant: Some("fabrikam.onmicrosoft.com".into()),
            reading: Reading::NoApp {
                client_id: Some("b1c2d3e4-0000-4000-8000-000000000001".into()),
            },
        },
    ]
}

#[test]
fn loaded_profiles_are_read_online_and_the_answer_is_kept() {
    let mut h = Harness::new();
    h.take();
    let broken = ListedProfile {
        name: "broken".into(),
        profile: Err("cannot be read".into()),
        last_check: None,
        last_run: None,
    };
    h.reply(Reply::ProfilesLoaded(Ok(vec![
        listed("contoso-kundo"),
        broken,
    ])));
    let fx = h.take();
    let [Effect::ReadOnline(asked)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(asked.len(), 1, "only profiles that could be read");
    assert_eq!(asked[0].name, "contoso-kundo");
    h.reply(Reply::Online(rows()));
    assert!(h.take().is_empty());
    assert_eq!(h.model.start.online, rows());
    // No saved profile: nothing to read.
    let mut empty = Harness::new();
    empty.take();
    empty.reply(Reply::ProfilesLoaded(Ok(Vec::new())));
    assert!(empty.take().is_empty());
}

#[test]
fn start_screen_with_online_status() {
    let mut h = Harness::new();
    h.model.start.profiles = Some(vec![
        listed("contoso-kundo"),
        listed("fabrikam-kundo"),
        listed("unread-kundo"),
    ]);
    h.model.start.online = rows();
    let screen = h.screen();
    assert!(
        screen.contains("'old'") && screen.contains("not known to the profile"),
        "{screen}"
    );
    insta::assert_snapshot!("start_online", screen);
}
