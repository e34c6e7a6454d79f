//! `mailscope status`: every profile's credential expiry and its last check, for people and
//! for scheduled tasks (exit 1 when a credential needs attention).

use mailscope::expiry::{self, Expiry, ExpiryLevel};
use mailscope::profile::ProfileStore;

use super::args::StatusArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, fail, safe, safe_json};

struct Row {
    name: String,
    preset: String,
    credential: String,
    expiry: Expiry,
    last_check: Option<String>,
    problem: Option<String>,
}

/// "6 pass, 4 fail, 2 pending, 0 error on 2026-11-22 12:29 UTC", or why there is none.
fn last_check_line(store: &ProfileStore, name: &str) -> Option<String> {
    match mailscope::last_check::load(store, name) {
        Ok(Some(r)) => {
            let c = r.counts;
            let when = r.finished_at;
            Some(format!(
                "{} pass, {} fail, {} pending, {} error on {}-{:02}-{:02} {:02}:{:02} UTC",
                c.pass,
                c.fail,
                c.pending,
                c.error,
                when.year(),
                u8::from(when.month()),
                when.day(),
                when.hour(),
                when.minute()
            ))
        }
        Ok(None) => None,
        Err(e) => Some(format!("unreadable ({e})")),
    }
}

/// The profile store and its profiles' names (or the exit code, said).
pub(super) fn profiles() -> Result<(ProfileStore, Vec<String>), u8> {
    let store = ProfileStore::open_default().map_err(|e| fail(EXIT_CANNOT_RUN, e))?;
    let names = store.list().map_err(|e| fail(EXIT_CANNOT_RUN, e))?;
    Ok((store, names))
}

pub fn run(args: StatusArgs) -> u8 {
    if args.online {
        return super::status_online::run(&args);
    }
    let (store, names) = match profiles() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let today = time::OffsetDateTime::now_utc().date();
    let rows: Vec<Row> = names
        .into_iter()
        .map(|name| match store.load(&name) {
            Ok(p) => Row {
                preset: p.preset.as_str().to_string(),
                credential: p
                    .credential
                    .as_ref()
                    .map_or("-".to_string(), |c| c.kind.as_str().to_string()),
                expiry: expiry::of_profile(&p, today),
                last_check: last_check_line(&store, &name),
                name,
                problem: None,
            },
            Err(e) => Row {
                name,
                preset: "?".into(),
                credential: "?".into(),
                expiry: expiry::classify(None, today),
                last_check: None,
                problem: Some(e.to_string()),
            },
        })
        .collect();
    let attention = rows
        .iter()
        .any(|r| r.expiry.needs_attention(args.warn_days));
    if args.json {
        print_json(&rows, args.warn_days);
    } else {
        print_table(&rows, store.dir());
    }
    if attention { EXIT_FINDINGS } else { EXIT_OK }
}

fn print_table(rows: &[Row], dir: &std::path::Path) {
    if rows.is_empty() {
        println!("No profiles in {}.", safe(&dir.display().to_string()));
        return;
    }
    let width = rows
        .iter()
        .map(|r| safe(&r.name).chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    println!(
        "{:<width$}  {:<8}  {:<11}  CREDENTIAL EXPIRY",
        "PROFILE", "PRESET", "CREDENTIAL"
    );
    for r in rows {
        let mark = match r.expiry.level {
            ExpiryLevel::Expired => "  ✗ renew now: sign-ins fail",
            ExpiryLevel::Urgent => "  ! renew now",
            ExpiryLevel::Soon => "  ! plan the renewal",
            ExpiryLevel::Ok | ExpiryLevel::Unknown => "",
        };
        println!(
            "{:<width$}  {:<8}  {:<11}  {}{mark}",
            safe(&r.name),
            safe(&r.preset),
            safe(&r.credential),
            safe(&r.expiry.describe())
        );
        println!(
            "{:<width$}  last check: {}",
            "",
            safe(
                r.last_check
                    .as_deref()
                    .unwrap_or("never run (mailscope check --profile NAME)")
            )
        );
        if let Some(p) = &r.problem {
            println!("{:<width$}  cannot read: {}", "", safe(p));
        }
    }
}

fn print_json(rows: &[Row], warn_days: i64) {
    let profiles: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "name": r.name,
                "preset": r.preset,
                "credential": r.credential,
                "expires": r.expiry.expires.map(|d| d.to_string()),
                "days_left": r.expiry.days_left,
                "level": r.expiry.level,
                "needs_attention": r.expiry.needs_attention(warn_days),
                "last_check": r.last_check,
                "error": r.problem,
            })
        })
        .collect();
    let json = serde_json::json!({ "warn_days": warn_days, "profiles": profiles }).to_string();
    println!("{}", safe_json(&json));
}
