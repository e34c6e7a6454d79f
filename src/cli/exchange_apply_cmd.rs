//! `mailscope exchange plan` and `mailscope exchange apply`: read Exchange, plan, and (apply)
//! confirm, change, record, then prove with Exchange's own test. The tenant-wide Entra
//! consent is removed only when the admin confirms that step by itself (or passes
//! --remove-consent).

use std::io::{BufRead, IsTerminal, Write};

use mailscope::changes::{self, Area};
use mailscope::exchange::apply::{Context, Event};
use mailscope::exchange::entra_consent::EntraConsent;
use mailscope::exchange::{self, Action, ApplyError, Plan, Target, plan::EntraConsent as Consent};

use super::exchange_args::{ExchangeApplyArgs, ExchangePlanArgs};
use super::exchange_cmd::{
    Setup, cannot_run, header, parse_mechanism, print_test, require_testable, setup,
};
use super::output::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, safe, safe_json};

/// The plan and what it was made from.
struct Planned {
    s: Setup,
    target: Target,
    plan: Plan,
    entra: Option<EntraConsent>,
}

fn make_plan(name: &str, args: &ExchangePlanArgs) -> Result<Planned, u8> {
    let mechanism = parse_mechanism(args.mechanism.as_deref())
        .map_err(|e| fail(EXIT_USAGE, format!("{name}: {e}")))?;
    let mut s = setup(name, &args.profile)?;
    let mut target = Target::of(&s.profile, &s.preset, mechanism);
    require_testable(name, &target)?;
    let view = s
        .runtime
        .block_on(exchange::read(&s.conn.transport, &target))
        .map_err(|e| cannot_run(name, &s.profile.name, &e))?;
    let mut entra = None;
    let mut consent: Consent = None;
    if target.mechanism() == mailscope::profile::ScopeMechanism::Rbac {
        entra = s.runtime.block_on(EntraConsent::connect(
            &s.profile,
            &s.preset,
            &s.endpoints,
            &s.http,
            &s.secrets,
        ));
        if let (Some(e), Some(app), None) = (&entra, &target.app_id, &target.sp_object_id) {
            // The object ID RBAC needs, from Entra; apply keeps it in the profile.
            let id = s
                .runtime
                .block_on(e.service_principal_id(app))
                .ok()
                .flatten();
            target.sp_object_id.clone_from(&id);
            s.profile.service_principal_id = id;
        }
        if let (Some(e), Some(app)) = (&entra, &target.app_id) {
            consent = s
                .runtime
                .block_on(e.scoped_grants(app, &target.names.roles))
                .ok()
                .map(|g| g.into_iter().map(|g| g.permission).collect());
        }
    }
    let plan = exchange::plan(
        &view,
        &target,
        &s.conn.account,
        &s.conn.tenant_id,
        s.profile.scope.as_ref().map(|sc| sc.mechanism),
        &consent,
    );
    Ok(Planned {
        s,
        target,
        plan,
        entra,
    })
}

/// Runs `mailscope exchange plan`.
pub fn plan(args: &ExchangePlanArgs) -> u8 {
    let p = match make_plan("exchange plan", args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut out = std::io::stdout();
    if args.json {
        let text = serde_json::to_string_pretty(&p.plan).unwrap_or_default();
        let _ = writeln!(out, "{}", safe_json(&text));
    } else {
        header(&p.s.conn, &mut out);
        print_plan(&p.plan, &mut out);
    }
    if p.plan.blocked.is_some() {
        EXIT_USAGE
    } else if p.plan.actions.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// The plan in words.
fn print_plan(plan: &Plan, out: &mut dyn Write) {
    match &plan.role.held {
        Some(h) => {
            let _ = writeln!(out, "Exchange role: held ({})", safe(h));
        }
        None => {
            let _ = writeln!(
                out,
                "Exchange role: {} NOT held by {} (an eligible role may need activating in Privileged Identity Management).",
                plan.role.roles.join(" or "),
                safe(&plan.admin)
            );
        }
    }
    if plan.migration {
        let _ = writeln!(
            out,
            "Moving from an application access policy to RBAC for Applications: the scope and role assignments come first and are tested, then the policy is removed."
        );
    }
    if let Some(b) = &plan.blocked {
        let _ = writeln!(out, "\nThe plan stops here: {}", safe(b));
    } else if plan.actions.is_empty() {
        let _ = writeln!(out, "\nNothing to do: Exchange matches the profile.");
    } else {
        let _ = writeln!(out, "\nWhat `exchange apply` would do:");
        for (i, a) in plan.actions.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, safe(&a.describe()));
        }
    }
    for w in &plan.warnings {
        let _ = writeln!(out, "Warning: {}", safe(w));
    }
    for n in &plan.notes {
        let _ = writeln!(out, "Note: {}", safe(n));
    }
}

fn print_json(doc: &serde_json::Value) {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    println!("{}", safe_json(&text));
}

fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "Yes")
}

/// Runs `mailscope exchange apply`.
pub fn apply(args: &ExchangeApplyArgs) -> u8 {
    let name = "exchange apply";
    let Planned {
        mut s,
        target,
        plan,
        entra,
    } = match make_plan(name, &args.plan) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // With --json the words go to standard error and one JSON document to standard output.
    let json = args.plan.json;
    let mut out: Box<dyn Write> = if json {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    header(&s.conn, &mut out);
    print_plan(&plan, &mut out);
    if plan.blocked.is_some() {
        if json {
            print_json(&serde_json::json!({ "plan": plan }));
        }
        return EXIT_USAGE;
    }
    if let Ok(records) = changes::read(&s.store, &s.profile.name) {
        let open = changes::unfinished(&records)
            .into_iter()
            .filter(|r| r.area == Area::Exchange)
            .count();
        if open > 0 {
            let _ = writeln!(
                out,
                "Note: an earlier apply stopped during {open} step(s); the plan above was made from a fresh read of Exchange, so this run completes it."
            );
        }
    }
    if plan.changes_tenant() && !args.yes {
        if !std::io::stdin().is_terminal() {
            return fail(
                EXIT_USAGE,
                format!("{name}: no terminal to confirm on; pass --yes to apply"),
            );
        }
        let n = plan.actions.iter().filter(|a| a.changes_tenant()).count();
        if !ask(&format!(
            "Apply {n} change(s) to tenant {}?",
            s.conn.tenant_id
        )) {
            let _ = writeln!(out, "Nothing was changed.");
            return EXIT_OK;
        }
    }
    let wants_consent = plan
        .actions
        .iter()
        .any(|a| matches!(a, Action::RemoveEntraConsent { .. }));
    let consent_ok = wants_consent
        && (args.remove_consent
            || (!args.yes
                && std::io::stdin().is_terminal()
                && ask(
                    "Also remove the app's tenant-wide Entra consent for the scoped permissions (Graph then reaches only the scoped mailboxes)?",
                )));
    let consent = if consent_ok { entra.as_ref() } else { None };
    let mut err = std::io::stderr();
    let mut on_event = |e: Event| match e {
        Event::Started { n, of, what } => {
            let _ = writeln!(err, "[{n}/{of}] {}", safe(&what));
        }
        Event::Skipped { n, why } => {
            let _ = writeln!(err, "[{n}] skipped: {}", safe(&why));
        }
    };
    let cx = Context {
        transport: &s.conn.transport,
        target: &target,
        store: &s.store,
        profile: &mut s.profile,
        consent,
    };
    let result = s
        .runtime
        .block_on(exchange::apply::apply(cx, &plan, &mut on_event));
    let applied = match result {
        Ok(a) => a,
        Err(ApplyError::NotVerified(test)) => {
            print_test(&test, &s.conn, &mut out);
            return fail(
                EXIT_FINDINGS,
                format!("{name}: {}", ApplyError::NotVerified(test.clone())),
            );
        }
        Err(ApplyError::Step {
            error,
            step,
            action,
        }) => {
            return fail(
                EXIT_CANNOT_RUN,
                format!(
                    "{name}: step {step} ({action}) failed: {error}\n  The steps before it are done and recorded in the change record beside the profile.\n  Fix: {}",
                    error.fix_for(&s.profile.name)
                ),
            );
        }
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("{name}: {e}")),
    };
    for w in &applied.skipped {
        let _ = writeln!(out, "Left out: {}", safe(w));
    }
    if !applied.done.is_empty() {
        let _ = writeln!(
            out,
            "Applied {} step(s); recorded as run {} in the change record beside the profile.",
            applied.done.len(),
            safe(&applied.run)
        );
    }
    let _ = writeln!(out);
    match s
        .runtime
        .block_on(exchange::test_scoping(&s.conn.transport, &target))
    {
        Ok(test) => {
            print_test(&test, &s.conn, &mut out);
            let _ = writeln!(
                out,
                "Next: `mailscope check --profile {}` shows when Microsoft Graph follows.",
                safe(&s.profile.name)
            );
            if json {
                print_json(&serde_json::json!({
                    "plan": plan,
                    "run": applied.run,
                    "done": applied.done,
                    "skipped": applied.skipped,
                    "test": test,
                }));
            }
            if test.all_pass() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            }
        }
        Err(e) => cannot_run(name, &s.profile.name, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::exchange::plan::RoleCheck;
    use mailscope::profile::ScopeMechanism;

    fn printed(p: &Plan) -> String {
        let mut out = Vec::new();
        print_plan(p, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn the_plan_names_the_role_the_steps_the_stop_and_the_undocumented_endpoint() {
        let mut p = Plan {
            tenant_id: "t".into(),
            admin: "a@contoso.com".into(),
            mechanism: ScopeMechanism::Rbac,
            migration: true,
            role: RoleCheck {
                roles: vec![
                    "Exchange Administrator".into(),
                    "Global Administrator".into(),
                ],
                held: None,
            },
            actions: vec![Action::VerifyRbac],
            blocked: None,
            warnings: vec!["w".into()],
            notes: vec![exchange::endpoints::UNDOCUMENTED.into()],
        };
        let text = printed(&p);
        assert!(
            text.contains(
                "Exchange Administrator or Global Administrator NOT held by a@contoso.com"
            ),
            "{text}"
        );
        assert!(text.contains("Privileged Identity Management"), "{text}");
        assert!(text.contains("then the policy is removed"), "{text}");
        assert!(text.contains("  1. Test every mailbox"), "{text}");
        assert!(text.contains("Warning: w"), "{text}");
        assert!(text.contains("Microsoft does not document"), "{text}");
        p.blocked = Some("a distribution list".into());
        let text = printed(&p);
        assert!(
            text.contains("The plan stops here: a distribution list"),
            "{text}"
        );
        assert!(!text.contains("  1. "), "{text}");
    }
}
