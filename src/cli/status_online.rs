//! `mailscope status --online`: every credential of every profile's app as Entra holds it,
//! read with the remembered admin sign-in per tenant ([`mailscope::lifecycle::online`]).
//! Exit 1 when any credential expires within `--warn-days` (or has expired), else 3 when a
//! profile's tenant could not be read (no sign-in among the reasons), else 0.

use mailscope::lifecycle::online::{self, Reading};
use mailscope::lifecycle::{Known, OnlineCredential, ProfileOnline};
use mailscope::secrets::KeyringStore;
use serde_json::json;

use super::args::StatusArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, fail, safe, safe_json};

pub fn run(args: &StatusArgs) -> u8 {
    let (store, names) = match super::status_cmd::profiles() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")),
    };
    let secrets = KeyringStore::open();
    let today = time::OffsetDateTime::now_utc().date();
    let mut rows = Vec::new();
    let mut unloadable = Vec::new();
    for name in names {
        match store.load(&name) {
            Ok(p) => rows.push(runtime.block_on(online::read_profile(&p, &secrets, today))),
            Err(e) => unloadable.push((name, e.to_string())),
        }
    }
    if args.json {
        print_json(&rows, &unloadable, args.warn_days);
    } else {
        print_text(&rows, &unloadable, args.warn_days, store.dir());
    }
    exit_code(&rows, !unloadable.is_empty(), args.warn_days)
}

/// 1 when a credential needs attention, else 3 when something could not be read, else 0.
fn exit_code(rows: &[ProfileOnline], unloadable: bool, warn_days: i64) -> u8 {
    if rows.iter().any(|r| r.needs_attention(warn_days)) {
        EXIT_FINDINGS
    } else if unloadable || rows.iter().any(ProfileOnline::unread) {
        EXIT_CANNOT_RUN
    } else {
        EXIT_OK
    }
}

/// Why a profile's credentials are not listed, and what to do.
fn problem(r: &ProfileOnline) -> Option<(String, String)> {
    match &r.reading {
        Reading::Read { .. } => None,
        Reading::NoTenant => Some((
            "names no tenant yet, so there is nothing to read".into(),
            "finish the profile in the wizard".into(),
        )),
        Reading::NoApp {
            client_id: Some(id),
        } => Some((
            format!("the tenant holds no app registration with client ID {id}"),
            format!("run `mailscope entra inspect --profile {}`", r.profile),
        )),
        Reading::NoApp { client_id: None } => Some((
            "no app registration yet (the profile names no client ID)".into(),
            format!(
                "`mailscope entra plan --profile {}` shows what would be created",
                r.profile
            ),
        )),
        Reading::Failed(e) => Some((e.to_string(), e.fix())),
    }
}

fn credential_line(c: &OnlineCredential) -> String {
    let what = match (&c.hint, &c.thumbprint) {
        (Some(h), _) => format!("secret {} (starts {h}…)", c.key_id),
        (None, Some(t)) => format!("certificate {t}"),
        (None, None) => format!("{:?} {}", c.kind, c.key_id).to_lowercase(),
    };
    let name = c
        .display_name
        .as_deref()
        .map(|n| format!(" '{n}'"))
        .unwrap_or_default();
    format!("{what}{name}: {}; {}", c.expiry.describe(), c.known.label())
}

fn print_text(
    rows: &[ProfileOnline],
    unloadable: &[(String, String)],
    warn_days: i64,
    dir: &std::path::Path,
) {
    if rows.is_empty() && unloadable.is_empty() {
        println!("No profiles in {}.", safe(&dir.display().to_string()));
        return;
    }
    for r in rows {
        let tenant = r.tenant.as_deref().unwrap_or("no tenant");
        match (&r.reading, problem(r)) {
            (
                Reading::Read {
                    app_id,
                    app_name,
                    credentials,
                },
                _,
            ) => {
                println!(
                    "{} (tenant {}): app '{}' ({})",
                    safe(&r.profile),
                    safe(tenant),
                    safe(app_name),
                    safe(app_id)
                );
                if credentials.is_empty() {
                    println!("  no secrets or certificates in Entra");
                }
                for c in credentials {
                    let mark = if c.expiry.needs_attention(warn_days) {
                        "!"
                    } else {
                        " "
                    };
                    println!("  {mark} {}", safe(&credential_line(c)));
                }
                if credentials.iter().any(|c| c.known == Known::Unknown) {
                    println!(
                        "    Credentials the profile does not know may belong to someone else; remove them in the Entra admin center only once no one uses them."
                    );
                }
            }
            (_, Some((why, fix))) => {
                println!(
                    "{} (tenant {}): {}",
                    safe(&r.profile),
                    safe(tenant),
                    safe(&why)
                );
                println!("  Fix: {}", safe(&fix));
            }
            (_, None) => {}
        }
    }
    for (name, e) in unloadable {
        println!("{}: cannot read the profile: {}", safe(name), safe(e));
    }
}

fn print_json(rows: &[ProfileOnline], unloadable: &[(String, String)], warn_days: i64) {
    let mut profiles: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let (status, app, creds) = match &r.reading {
                Reading::Read {
                    app_id,
                    app_name,
                    credentials,
                } => (
                    "read",
                    json!({"app_id": app_id, "display_name": app_name}),
                    credentials
                        .iter()
                        .map(|c| {
                            json!({
                                "kind": c.kind,
                                "key_id": c.key_id,
                                "display_name": c.display_name,
                                "hint": c.hint,
                                "thumbprint": c.thumbprint,
                                "expires": c.expiry.expires.map(|d| d.to_string()),
                                "days_left": c.expiry.days_left,
                                "level": c.expiry.level,
                                "known": c.known,
                                "needs_attention": c.expiry.needs_attention(warn_days),
                            })
                        })
                        .collect::<Vec<_>>(),
                ),
                Reading::NoTenant => ("no-tenant", serde_json::Value::Null, vec![]),
                Reading::NoApp { .. } => ("no-app", serde_json::Value::Null, vec![]),
                Reading::Failed(_) if r.not_signed_in() => {
                    ("not-signed-in", serde_json::Value::Null, vec![])
                }
                Reading::Failed(_) => ("error", serde_json::Value::Null, vec![]),
            };
            let (error, fix) = problem(r).unzip();
            json!({
                "name": r.profile,
                "tenant": r.tenant,
                "status": status,
                "app": app,
                "credentials": creds,
                "needs_attention": r.needs_attention(warn_days),
                "error": error,
                "fix": fix,
            })
        })
        .collect();
    for (name, e) in unloadable {
        profiles.push(json!({"name": name, "status": "unreadable-profile", "error": e}));
    }
    let json = json!({ "warn_days": warn_days, "online": true, "profiles": profiles }).to_string();
    println!("{}", safe_json(&json));
}
