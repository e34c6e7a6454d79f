//! `mailscope demo`: the wizard on a profile pointed at the built-in simulated tenant, with
//! the demo app's secret in memory only and the profile in a temporary home.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mailscope::profile::ProfileStore;
use mailscope::profile::{
    Cloud, CredentialInfo, CredentialKind, Endpoints, Expectation, Mailbox, MailboxKind, PresetId,
    Profile, Scope, ScopeMechanism,
};
use mailscope::secrets::{MemoryStore, Secret, SecretStore, store_client_secret};
use mailscope::sim::{self, Scenario};
use time::OffsetDateTime;

use super::model::{Demo, Model};
use super::theme::Theme;

/// The demo tenant, built in so the demo needs no files.
const DEMO_SCENARIO: &str = include_str!("../../assets/scenarios/demo.toml");

/// The demo app of `assets/scenarios/demo.toml` (Kundo Mail in the Contoso tenant).
pub const DEMO_CLIENT_ID: &str = "b1c2d3e4-0000-4000-8000-000000000001";
pub const DEMO_SECRET_ID: &str = "5e1c0a77-1111-4222-8333-944445555666";
pub const DEMO_SECRET: &str = "demo~secret~value";
pub const DEMO_PROFILE: &str = "demo";
/// The demo's second profile: an app not registered yet, for "Do it for me".
pub const DEMO_NEW_PROFILE: &str = "demo-new";

/// Where the simulated tenant listens.
#[derive(Debug, Clone)]
pub struct SimEndpoints {
    pub authority: String,
    pub graph: String,
    pub ca_file: String,
    pub tenant_id: String,
}

/// The demo profile: every answer filled in, so Enter walks through each screen, and the
/// mailboxes chosen so the checks show every kind of outcome.
pub fn demo_profile(sim: &SimEndpoints, now: OffsetDateTime) -> Profile {
    let mut p = Profile::new(DEMO_PROFILE, PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(sim.tenant_id.clone());
    p.client_id = Some(DEMO_CLIENT_ID.into());
    p.app_name = Some("Kundo Mail".into());
    p.endpoints = Some(Endpoints {
        authority: sim.authority.clone(),
        graph: sim.graph.clone(),
        ca_file: Some(sim.ca_file.clone()),
        exchange: None,
    });
    let mut cred = CredentialInfo::new(CredentialKind::Secret);
    cred.secret_id = Some(DEMO_SECRET_ID.into());
    cred.expires = Some(time::macros::date!(2028 - 11 - 22));
    p.credential = Some(cred);
    p.scope = Some(Scope {
        mechanism: ScopeMechanism::ApplicationAccessPolicy,
        group_name: Some("Kundo Mail mailboxes".into()),
        group_address: Some("kundo-mailboxes@contoso.com".into()),
        description: Some("Restrict Kundo Mail app to intended mailboxes".into()),
        // Just now: the billing policy is still propagating, so its cells are pending.
        changed_at: Some(now),
    });
    let mb = |a: &str, kind, expect| Mailbox {
        address: a.into(),
        kind,
        expect,
    };
    use Expectation::{Denied, Granted};
    use MailboxKind::{Shared, User};
    p.mailboxes = vec![
        mb("support@contoso.com", Shared, Granted),
        mb("sales@contoso.com", User, Granted),
        mb("team.lead@contoso.com", User, Granted),
        mb("billing@contoso.com", User, Granted),
        mb("hybrid@contoso.com", User, Granted),
        mb("intern@contoso.com", User, Granted),
        mb("nobody@contoso.com", User, Granted),
        mb("ceo@contoso.com", User, Denied),
    ];
    p
}

/// The second demo profile: the same tenant and mailboxes (but the one not in the directory),
/// an app named "Kundo Mail (new)" that the tenant does not hold, no client ID, no credential
/// and no scoping: Ctrl-D creates the app, its secret and consent in the simulated tenant and
/// fills them in; on the scoping step it makes the group's members and the access policy in
/// the simulated Exchange.
pub fn demo_new_profile(sim: &SimEndpoints, now: OffsetDateTime) -> Profile {
    let mut p = demo_profile(sim, now);
    p.name = DEMO_NEW_PROFILE.into();
    p.client_id = None;
    p.credential = None;
    p.app_name = Some("Kundo Mail (new)".into());
    p.scope = None;
    // Ctrl-D on the scoping step adds every must-reach mailbox to the group: only those the
    // tenant holds (nobody@ is the demo profile's "not in the directory" row).
    p.mailboxes.retain(|m| m.address != "nobody@contoso.com");
    p
}

/// A memory-only secret store holding the demo app's secret (never the user's keyring).
pub fn demo_secrets(profile: &Profile) -> Arc<dyn SecretStore> {
    let store = MemoryStore::new();
    // The in-memory store cannot fail.
    let _ = store_client_secret(&store, profile, &Secret::new(DEMO_SECRET));
    Arc::new(store)
}

/// A private folder for a temporary profile, removed on exit.
pub(crate) struct PrivateHome(PathBuf);

impl PrivateHome {
    pub(crate) fn create() -> Result<PrivateHome, String> {
        let dir = std::env::temp_dir().join(format!(
            "mailscope-demo-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        mailscope::fsutil::create_private_dir(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(PrivateHome(dir))
    }

    pub(crate) fn store(&self) -> ProfileStore {
        ProfileStore::at(&self.0)
    }
}

impl Drop for PrivateHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `mailscope demo`: starts the simulated tenant in this process and opens the wizard on the
/// demo profile. Nothing is written to the user's profiles or keyring.
pub fn run() -> u8 {
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    super::exit_code(rt.block_on(demo()))
}

async fn demo() -> Result<(), String> {
    let scenario = Scenario::from_toml(DEMO_SCENARIO, Path::new("."), "assets/scenarios/demo.toml")
        .map_err(|e| e.to_string())?;
    let setup = |endpoints: &SimEndpoints, now| {
        let mut model = Model::new(now, Theme::from_env());
        model.demo = Some(Demo {
            authority: endpoints.authority.clone(),
        });
        let profile = demo_profile(endpoints, now);
        let secrets = demo_secrets(&profile);
        model.info(format!(
            "Opened '{DEMO_PROFILE}'. Esc lists '{DEMO_NEW_PROFILE}': its app is made by Ctrl-D, Do it for me."
        ));
        Ok((model, profile, secrets))
    };
    let others = |endpoints: &SimEndpoints, now| vec![demo_new_profile(endpoints, now)];
    with_profiles_on_simulated_tenant(scenario, setup, others).await
}

/// What a launch on the simulated tenant shows: the model, the profile to open, its secrets.
pub(crate) type Launch = (Model, Profile, Arc<dyn SecretStore>);

/// Starts `scenario` as a simulated tenant in this process, lets `setup` make the wizard for
/// it, and runs the wizard on that profile in a temporary home until it quits.
pub(crate) async fn on_simulated_tenant(
    scenario: Scenario,
    setup: impl FnOnce(&SimEndpoints, OffsetDateTime) -> Result<Launch, String>,
) -> Result<(), String> {
    with_profiles_on_simulated_tenant(scenario, setup, |_, _| Vec::new()).await
}

/// [`on_simulated_tenant`], with `others` saved beside the profile opened (listed on the
/// start screen).
async fn with_profiles_on_simulated_tenant(
    scenario: Scenario,
    setup: impl FnOnce(&SimEndpoints, OffsetDateTime) -> Result<Launch, String>,
    others: impl FnOnce(&SimEndpoints, OffsetDateTime) -> Vec<Profile>,
) -> Result<(), String> {
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let tenant = sim::start(scenario, listen)
        .await
        .map_err(|e| format!("cannot start the simulated tenant: {e}"))?;
    let endpoints = SimEndpoints {
        authority: tenant.authority.clone(),
        graph: tenant.graph.clone(),
        ca_file: tenant.ca_file.display().to_string(),
        tenant_id: tenant.tenant_id.clone(),
    };
    let result = match (
        PrivateHome::create(),
        setup(&endpoints, OffsetDateTime::now_utc()),
    ) {
        (Ok(home), Ok((mut model, profile, secrets))) => {
            // Saved before the wizard starts, so the start screen always lists them.
            let store = home.store();
            let saved = std::iter::once(profile.clone())
                .chain(others(&endpoints, OffsetDateTime::now_utc()))
                .try_for_each(|p| {
                    store
                        .save(&p)
                        .map(|_| ())
                        .map_err(|e| format!("cannot save the profile '{}': {e}", p.name))
                });
            match saved {
                Ok(()) => {
                    // A message `setup` left (what a replay cannot reproduce) stays over
                    // "Opened".
                    let note = model.status.take();
                    let first = super::nav::open(&mut model, profile, None);
                    if note.is_some() {
                        model.status = note;
                    }
                    super::drive(model, store, secrets, first).await
                }
                Err(e) => Err(e),
            }
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    tenant.shutdown().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_profile_is_valid_and_its_secret_stays_in_memory() {
        let sim = SimEndpoints {
            authority: "https://127.0.0.1:8443".into(),
            graph: "https://127.0.0.1:8443".into(),
            ca_file: "/tmp/ca.pem".into(),
            tenant_id: "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f".into(),
        };
        let p = demo_profile(&sim, crate::tui::tests::harness::NOW);
        assert!(mailscope::profile::check_profile(&p).is_empty());
        let new = demo_new_profile(&sim, crate::tui::tests::harness::NOW);
        assert!(mailscope::profile::check_profile(&new).is_empty());
        assert_eq!(
            (new.client_id.as_deref(), new.credential.is_none()),
            (None, true),
            "Do it for me fills them"
        );
        assert_eq!(new.tenant, p.tenant);
        assert!(
            !new.mailboxes
                .iter()
                .any(|m| m.address == "nobody@contoso.com"),
            "Do it for me in Exchange adds only mailboxes the tenant holds"
        );
        let text = mailscope::profile::render_profile(&p).expect("render");
        assert!(!text.contains(DEMO_SECRET));
        let store = demo_secrets(&p);
        assert!(store.backend().contains("in-memory"));
        let got = mailscope::secrets::client_secret(store.as_ref(), &p)
            .expect("get")
            .expect("stored");
        assert_eq!(got.0.expose(), DEMO_SECRET);
    }
}
