//! Apply against a scripted Exchange (a local server answering each cmdlet from a queue of
//! recorded bodies): the calls, their parameters as JSON data, the change record, the profile's
//! scope; an object that already exists counts as made; a failure stops the run and is
//! recorded; an admin without the Exchange role changes nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::*;
use crate::exchange::plan::plan;
use crate::exchange::read::ExchangeView;
use crate::exchange::steps::snake;
use crate::profile::{Cloud, Expectation, Mailbox, MailboxKind, PresetId, ScopeMechanism};
use crate::secrets::Secret;
use crate::signin::Account;

type Answers = Arc<Mutex<HashMap<String, VecDeque<(u16, Value)>>>>;

#[derive(Clone, Default)]
struct Scripted {
    calls: Arc<Mutex<Vec<(String, Value)>>>,
    answers: Answers,
}

async fn answer(State(s): State<Scripted>, body: Bytes) -> axum::response::Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let cmdlet = body["CmdletInput"]["CmdletName"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if let Ok(mut c) = s.calls.lock() {
        c.push((cmdlet.clone(), body["CmdletInput"]["Parameters"].clone()));
    }
    let (status, reply) = s
        .answers
        .lock()
        .ok()
        .and_then(|mut a| a.get_mut(&cmdlet).and_then(VecDeque::pop_front))
        .unwrap_or((200, json!({"value": []})));
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        axum::Json(reply),
    )
        .into_response()
}

impl Scripted {
    fn on(&self, cmdlet: &str, status: u16, reply: Value) {
        if let Ok(mut a) = self.answers.lock() {
            a.entry(cmdlet.to_string())
                .or_default()
                .push_back((status, reply));
        }
    }

    fn calls(&self) -> Vec<(String, Value)> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    async fn transport(&self) -> Transport {
        let app = axum::Router::new()
            .route(
                "/adminapi/beta/{tenant}/InvokeCommand",
                axum::routing::post(answer),
            )
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Transport::new(
            reqwest::Client::new(),
            &base,
            "tid",
            Secret::new("tok"),
            "admin@contoso.com",
        )
    }
}

fn failure(kind: &str, text: &str) -> Value {
    json!({"error": {"code": "BadRequest", "message": "Error executing cmdlet",
        "details": [{"code": "Context", "message": format!("Ex1|{kind}|{text}")}]}})
}

fn profile() -> Profile {
    let mut p = Profile::new("contoso", PresetId::Kundo, Cloud::Global);
    p.tenant = Some("contoso.com".into());
    p.client_id = Some("b1c2d3e4-0000-4000-8000-000000000001".into());
    p.mailboxes = vec![
        Mailbox {
            address: "support@contoso.com".into(),
            kind: MailboxKind::Shared,
            expect: Expectation::Granted,
        },
        Mailbox {
            address: "sales@contoso.com".into(),
            kind: MailboxKind::User,
            expect: Expectation::Granted,
        },
    ];
    p
}

fn admin(exchange_admin: bool) -> Account {
    Account {
        upn: "admin@contoso.com".into(),
        role_ids: if exchange_admin {
            vec!["29232cdf-9323-42fd-ade2-1d097af3e4de".into()]
        } else {
            vec![]
        },
        ..Account::default()
    }
}

struct Run {
    result: Result<Applied, ApplyError>,
    profile: Profile,
    records: Vec<crate::changes::ChangeRecord>,
}

async fn run_apply(fake: &Scripted, exchange_admin: bool) -> Run {
    let dir = tempfile::tempdir().expect("dir");
    let store = ProfileStore::at(dir.path());
    let mut p = profile();
    store.save(&p).expect("save");
    let preset = crate::preset::preset(PresetId::Kundo).expect("preset");
    let target = Target::of(&p, &preset, Some(ScopeMechanism::ApplicationAccessPolicy));
    let view = ExchangeView {
        shared_missing: vec!["support@contoso.com".into()],
        ..ExchangeView::default()
    };
    let plan = plan(&view, &target, &admin(exchange_admin), "tid", None, &None);
    let t = fake.transport().await;
    let mut events = Vec::new();
    let mut on_event = |e: Event| events.push(e);
    let result = apply(
        Context {
            transport: &t,
            target: &target,
            store: &store,
            profile: &mut p,
            consent: None,
        },
        &plan,
        &mut on_event,
    )
    .await;
    Run {
        result,
        profile: store.load("contoso").expect("load"),
        records: crate::changes::read(&store, "contoso").expect("records"),
    }
}

#[tokio::test]
async fn apply_calls_each_cmdlet_once_with_json_values_and_records_it() {
    let fake = Scripted::default();
    fake.on(
        "New-DistributionGroup",
        200,
        json!({"value": [{"Identity": "Kundo Mail mailboxes", "PrimarySmtpAddress": "kundo-mailboxes@contoso.com"}]}),
    );
    fake.on(
        "Add-DistributionGroupMember",
        400,
        failure(
            "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException",
            "The recipient support@contoso.com already exists in the members of this group.",
        ),
    );
    let run = run_apply(&fake, true).await;
    let applied = run.result.expect("applied");
    let names: Vec<String> = fake.calls().into_iter().map(|(c, _)| c).collect();
    assert_eq!(
        names,
        [
            "New-Mailbox",
            "New-DistributionGroup",
            "Add-DistributionGroupMember",
            "Add-DistributionGroupMember",
            "New-ApplicationAccessPolicy"
        ]
    );
    let calls = fake.calls();
    assert_eq!(calls[0].1["Shared"], true);
    assert_eq!(calls[1].1["Type"], "Security");
    assert_eq!(calls[2].1["BypassSecurityGroupManagerCheck"], true);
    assert_eq!(calls[4].1["AccessRight"], "RestrictAccess");
    assert_eq!(calls[4].1["PolicyScopeGroupId"], "Kundo Mail mailboxes");
    assert_eq!(applied.done.len(), 6, "{applied:?}");
    let phases: Vec<_> = run.records.iter().map(|r| r.phase).collect();
    assert_eq!(phases.len(), 10);
    assert!(run.records.iter().all(|r| r.area == Area::Exchange));
    assert_eq!(
        run.records[3].objects.get("identity").map(String::as_str),
        Some("Kundo Mail mailboxes")
    );
    assert_eq!(
        run.records[5]
            .objects
            .get("already_existed")
            .map(String::as_str),
        Some("true")
    );
    let scope = run.profile.scope.expect("scope saved");
    assert_eq!(scope.mechanism, ScopeMechanism::ApplicationAccessPolicy);
    assert!(scope.changed_at.is_some());
}

#[test]
fn record_keys_are_snake_case() {
    assert_eq!(snake("PrimarySmtpAddress"), "primary_smtp_address");
    assert_eq!(
        snake("ExternalDirectoryObjectId"),
        "external_directory_object_id"
    );
    assert_eq!(snake("Identity"), "identity");
    assert_eq!(snake("ObjectID"), "object_id");
}

#[tokio::test]
async fn a_failure_stops_and_is_recorded_and_a_missing_role_changes_nothing() {
    let fake = Scripted::default();
    fake.on(
        "New-ApplicationAccessPolicy",
        400,
        failure(
            "Microsoft.Exchange.Management.Tasks.ApplicationAccessPolicyException",
            "The group is not a security principal.",
        ),
    );
    let run = run_apply(&fake, true).await;
    match run.result {
        Err(ApplyError::Step {
            error: ExchangeError::NotSecurityPrincipal { .. },
            step,
            ..
        }) => assert_eq!(step, 5),
        other => panic!("{other:?}"),
    }
    let last = run.records.last().expect("records");
    assert_eq!(last.phase, Phase::Failed);
    assert_eq!(last.action, "new-access-policy");
    assert!(crate::changes::unfinished(&run.records).is_empty());
    assert!(run.profile.scope.is_some_and(|s| s.changed_at.is_some()));

    let fake = Scripted::default();
    let run = run_apply(&fake, false).await;
    assert!(
        matches!(run.result, Err(ApplyError::MissingRole { .. })),
        "{:?}",
        run.result
    );
    assert!(fake.calls().is_empty());
    assert!(run.records.is_empty());
    assert!(run.profile.scope.is_none());
}
