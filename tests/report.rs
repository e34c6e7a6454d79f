//! Reports: the JSON form against its published schema, Markdown and HTML by snapshot.

use mailscope::preset;
use mailscope::profile::parse_profile;
use mailscope::report::{
    self, Format, ReportCell, ReportCheck, ReportDiagnosis, ReportExchange, ReportExchangeMailbox,
    ReportToken,
};
use serde_json::Value;

#[path = "common/demo.rs"]
mod demo;

/// A small validator for the JSON Schema subset `docs/report-schema.json` uses: type (one or
/// several), enum, required, properties, additionalProperties: false, items, and local $ref.
fn validate(schema: &Value, root: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, v, path, errors);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            errors.push(format!("{path}: {v} is not of type {types:?}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{path}: {v} not in {e:?}"));
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(k) = req.as_str()
                && !obj.contains_key(k)
            {
                errors.push(format!("{path}: missing {k}"));
            }
        }
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, root, val, &format!("{path}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: unexpected key {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            validate(items, root, item, &format!("{path}[{i}]"), errors);
        }
    }
}

fn schema() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/report-schema.json"
    ))
    .expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn diag(cause: &str, summary: &str, fix: &str, rid: &str) -> Option<ReportDiagnosis> {
    Some(ReportDiagnosis {
        cause: cause.into(),
        summary: summary.into(),
        fix: fix.into(),
        request_id: Some(rid.into()),
        error_code: Some("ErrorAccessDenied".into()),
    })
}

fn sample() -> report::Report {
    let profile =
        parse_profile(include_str!("data/example-profile.toml"), "example").expect("profile");
    let preset = preset::preset(profile.preset).expect("preset");
    let now = time::macros::datetime!(2026-11-22 12:00:00 UTC);
    let cells = vec![
        ReportCell {
            mailbox: "support@contoso.com".into(),
            capability: "read".into(),
            expected: "granted".into(),
            status: Some(200),
            verdict: "pass".into(),
            diagnosis: None,
            at: Some("2026-11-22T12:00:01Z".into()),
        },
        ReportCell {
            mailbox: "ceo@contoso.com".into(),
            capability: "read".into(),
            expected: "denied".into(),
            status: Some(200),
            verdict: "fail".into(),
            diagnosis: diag(
                "policy-missing",
                "The app reached a mailbox it must not | <reach>.",
                "Run the scoping script.",
                "1b4934de-5975-4deb-8632-e80f71ed7c7e",
            ),
            at: Some("2026-11-22T12:00:01Z".into()),
        },
    ];
    let totals = ReportCheck::count(&cells);
    report::build(
        &profile,
        &preset,
        now,
        Some(report::script_hash("New-ApplicationAccessPolicy")),
    )
    .with_results(
        Some(ReportToken {
            acquired: true,
            roles: vec!["Mail.Send".into()],
            missing: vec!["Mail.ReadWrite".into()],
            error: None,
        }),
        Some(ReportCheck {
            started_at: "2026-11-22T12:00:00Z".into(),
            finished_at: "2026-11-22T12:00:02Z".into(),
            complete: true,
            totals,
            cells,
            exchange: Some(ReportExchange {
                state: "tested".into(),
                reason: None,
                mechanism: Some("application-access-policy".into()),
                admin: Some("exo@contoso.com".into()),
                tested_at: Some("2026-11-22T12:00:00Z".into()),
                mailboxes: vec![
                    ReportExchangeMailbox {
                        address: "support@contoso.com".into(),
                        access: "granted".into(),
                        answer: Some("Granted".into()),
                        roles: Vec::new(),
                        detail: None,
                    },
                    ReportExchangeMailbox {
                        address: "ceo@contoso.com".into(),
                        access: "granted".into(),
                        answer: Some("Granted".into()),
                        roles: Vec::new(),
                        detail: Some("in the policy's group | <by hand>".into()),
                    },
                ],
                notes: vec!["Exchange sees a change at once.".into()],
            }),
        }),
    )
}

#[test]
fn json_matches_the_published_schema_and_reads_back() {
    let r = sample();
    let text = report::render(&r, Format::Json).expect("json");
    let v: Value = serde_json::from_str(&text).expect("json");
    let schema = schema();
    let mut errors = Vec::new();
    validate(&schema, &schema, &v, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report::parse_json(&text).expect("reads back"), r);
    // The validator itself rejects what the schema forbids.
    let mut bad = v.clone();
    bad["check"]["cells"][0]["verdict"] = Value::from("maybe");
    bad["profile"]["colour"] = Value::from("blue");
    let mut errors = Vec::new();
    validate(&schema, &schema, &bad, "$", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(report::parse_json(&text.replace(report::SCHEMA, "mailscope-report/9")).is_err());
    // A version 1 report (no Exchange verdict) is still read.
    let mut v1 = v.clone();
    v1["schema"] = Value::from("mailscope-report/1");
    v1["check"]
        .as_object_mut()
        .expect("check")
        .remove("exchange");
    let old = report::parse_json(&v1.to_string()).expect("reads /1");
    assert_eq!(old.check.expect("check").exchange, None);
}

#[test]
fn permissions_are_marked_from_the_token() {
    let r = sample();
    let send = r
        .permissions
        .iter()
        .find(|p| p.name == "Mail.Send")
        .expect("send");
    let rw = r
        .permissions
        .iter()
        .find(|p| p.name == "Mail.ReadWrite")
        .expect("rw");
    assert_eq!((send.in_token, rw.in_token), (Some(true), Some(false)));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(report::render(&sample(), Format::Markdown).expect("md"));
}

#[test]
fn html_snapshot_is_self_contained_and_escaped() {
    let html = report::render(&sample(), Format::Html).expect("html");
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html.contains("http://") && !html.contains("src="),
        "no external resources"
    );
    assert!(html.contains("must not | &lt;reach&gt;."));
    insta::assert_snapshot!(html);
}

/// The report of a real check run on the demo tenant, with the values that change from run to
/// run (times, request ids, the simulator's port) made stable for snapshots.
async fn demo_report() -> report::Report {
    let sim = demo::sim(demo::DEMO).await;
    let profile = demo::demo_profile(&sim);
    let run = demo::check(&profile, "demo~secret~value").await;
    sim.shutdown().await;
    let preset = preset::preset(profile.preset).expect("preset");
    let now = time::macros::datetime!(2026-11-22 12:00:00 UTC);
    let mut r = report::build(&profile, &preset, now, None).with_check_run(Some(&run));
    r.scoping.changed_at = Some("2026-11-22T12:00:00Z".into());
    if let Some(c) = r.check.as_mut() {
        c.started_at = "2026-11-22T12:00:01Z".into();
        c.finished_at = "2026-11-22T12:00:02Z".into();
        for cell in &mut c.cells {
            cell.at = Some("2026-11-22T12:00:01Z".into());
            if let Some(d) = cell.diagnosis.as_mut() {
                d.request_id = d.request_id.as_ref().map(|_| "request-id".into());
                if let Some(i) = d.summary.find("re-check after ") {
                    d.summary.truncate(i);
                }
            }
        }
    }
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_report_in_every_format() {
    let r = demo_report().await;
    let totals = r.check.as_ref().expect("check").totals;
    assert!(
        totals.pass > 0 && totals.fail > 0 && totals.pending > 0,
        "{totals:?}"
    );
    let json = report::render(&r, Format::Json).expect("json");
    let schema = schema();
    let mut errors = Vec::new();
    validate(
        &schema,
        &schema,
        &serde_json::from_str(&json).expect("json"),
        "$",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    insta::assert_snapshot!(
        "demo_markdown",
        report::render(&r, Format::Markdown).expect("md")
    );
    insta::assert_snapshot!("demo_html", report::render(&r, Format::Html).expect("html"));
}
