//! `mailscope entra apply --profile NAME [--yes]`: shows the plan (tenant, signed-in admin,
//! role check), asks before changing anything, carries it out with progress lines that say
//! what is awaited, then proves it. The library ([`mailscope::entra::apply`]) does the work;
//! this prints and asks. No secret value or token is ever printed.

use std::io::{BufRead, IsTerminal, Write};

use mailscope::changes;
use mailscope::entra::apply::StepError;
use mailscope::entra::retry::RetryPolicy;
use mailscope::entra::{
    self, Applied, ApplyContext, ApplyError, ApplyEvent, Plan, Proof, ProofError,
    session_for_profile, words,
};
use mailscope::profile::Companion;
use mailscope::signin::SignedIn;

use super::args::EntraApplyArgs;
use super::entra_cmd::{Setup, cannot_read, header, now, print_plan, setup};
use super::output::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, safe};

const NAME: &str = "entra apply";

/// Runs `mailscope entra apply`.
pub fn run(args: &EntraApplyArgs) -> u8 {
    let s = match setup(NAME, &args.profile) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let signed = match s
        .runtime
        .block_on(session_for_profile(&s.cfg, &s.profile, &s.http, &s.secrets))
    {
        Ok(x) => x,
        Err(e) => return cannot_read(NAME, &e),
    };
    let view = match s.runtime.block_on(entra::read_with(
        &s.endpoints,
        &s.http,
        &signed,
        &s.profile,
        &s.preset,
    )) {
        Ok(v) => v,
        Err(e) => return cannot_read(NAME, &e),
    };
    let plan = entra::plan(&view, &s.profile, &s.preset, &s.endpoints.authority, now());
    let mut out = std::io::stdout();
    header(&view, &mut out);
    print_plan(&plan, &mut out);
    if plan.stop.is_some() {
        return fail(EXIT_USAGE, format!("{NAME}: nothing was changed."));
    }
    if plan.missing_roles().next().is_some() {
        return fail(
            EXIT_CANNOT_RUN,
            format!(
                "{NAME}: {}",
                words::missing_roles(&signed.account.upn, plan.missing_roles())
            ),
        );
    }
    unfinished_note(&s, &plan, &mut out);
    let ctx = ApplyContext {
        endpoints: &s.endpoints,
        http: &s.http,
        token: &signed.access_token,
        account: &signed.account,
        store: &s.store,
        secrets: &s.secrets,
        retry: RetryPolicy::from_env(),
    };
    if plan.actions.is_empty() {
        return prove_and_report(&s, &ctx, &s.profile, &mut out);
    }
    match confirm(args.yes, &plan) {
        Confirm::Yes => {}
        Confirm::No => {
            let _ = writeln!(out, "Nothing was changed.");
            return EXIT_OK;
        }
        Confirm::NoTerminal => {
            return fail(
                EXIT_USAGE,
                format!(
                    "{NAME}: no terminal to ask for confirmation; nothing was changed. Run again with --yes to apply the plan above."
                ),
            );
        }
    }
    let _ = writeln!(out);
    let mut on_event = |e: ApplyEvent| progress(&e, &mut std::io::stdout());
    let applied = s.runtime.block_on(entra::apply(
        &ctx,
        &plan,
        &view,
        &s.profile,
        &s.preset,
        &mut on_event,
    ));
    match applied {
        Ok(a) => {
            summary(&s, &a, &mut out);
            prove_and_report(&s, &ctx, &a.profile, &mut out)
        }
        Err(e) => stopped(&s, &signed, &e),
    }
}

fn record_path(s: &Setup) -> String {
    s.store
        .companion_path(&s.profile.name, Companion::Changes)
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Says so when the last run stopped while a call was in flight (a `started` line without
/// its outcome): the plan was made from the tenant as it is now, so it completes the work.
fn unfinished_note(s: &Setup, plan: &Plan, out: &mut dyn Write) {
    let Ok(records) = changes::read(&s.store, &s.profile.name) else {
        return;
    };
    let Some(last) = records.last().map(|r| r.run.clone()) else {
        return;
    };
    let left: Vec<_> = changes::unfinished(&records)
        .into_iter()
        .filter(|r| r.run == last)
        .collect();
    if left.is_empty() {
        return;
    }
    let then = if plan.actions.is_empty() {
        "The tenant, read now, already holds everything the plan needs."
    } else {
        "The plan above was made from the tenant as it is now, so applying it completes the work."
    };
    let _ = writeln!(
        out,
        "\nNote: the last apply stopped while {} change(s) were in flight ({}). {then}",
        left.len(),
        left.iter()
            .map(|r| safe(&r.summary))
            .collect::<Vec<_>>()
            .join("; ")
    );
}

enum Confirm {
    Yes,
    No,
    NoTerminal,
}

fn confirm(yes: bool, plan: &Plan) -> Confirm {
    if yes {
        return Confirm::Yes;
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Confirm::NoTerminal;
    }
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\nApply {} change(s) to {} ({})? [y/N] ",
        plan.actions.len(),
        safe(&plan.tenant.display_name),
        safe(&plan.tenant.id)
    );
    let _ = err.flush();
    let mut line = String::new();
    if stdin.lock().read_line(&mut line).is_err() {
        return Confirm::No;
    }
    if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Confirm::Yes
    } else {
        Confirm::No
    }
}

/// One progress line per event.
fn progress(e: &ApplyEvent, out: &mut dyn Write) {
    let _ = match e {
        ApplyEvent::Started { step, of, summary } => {
            writeln!(out, "[{step}/{of}] {}", safe(summary))
        }
        ApplyEvent::Waiting(w) => writeln!(out, "      {}", safe(&w.line())),
        ApplyEvent::Done { objects, .. } if objects.is_empty() => writeln!(out, "      done"),
        ApplyEvent::Done { objects, .. } => writeln!(
            out,
            "      done: {}",
            objects
                .iter()
                .map(|(k, v)| format!("{k} {}", safe(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ApplyEvent::Proving { what } => writeln!(out, "Proving: {}", safe(what)),
    };
}

/// What was applied: the Secret ID and expiry, the record, the next step.
fn summary(s: &Setup, a: &Applied, out: &mut dyn Write) {
    let _ = writeln!(out, "\nApplied {} change(s).", a.steps.len());
    if let Some(id) = a.profile.client_id.as_deref() {
        let _ = writeln!(out, "Client ID: {}", safe(id));
    }
    if let Some(id) = a.fact("secret_id") {
        let _ = writeln!(
            out,
            "Client secret: Secret ID {} expires {} (its value is in the OS keyring, never shown).",
            safe(id),
            safe(a.fact("expires").unwrap_or("?"))
        );
    }
    if let Some(t) = a.fact("thumbprint") {
        let _ = writeln!(
            out,
            "Certificate: SHA-1 {} expires {} (private key in the OS keyring).",
            safe(t),
            safe(a.fact("expires").unwrap_or("?"))
        );
    }
    let _ = writeln!(
        out,
        "Recorded in {} (run {}); the profile '{}' is saved with the IDs.",
        safe(&record_path(s)),
        safe(&a.run),
        safe(&a.profile.name)
    );
}

fn prove_and_report(
    s: &Setup,
    ctx: &ApplyContext<'_>,
    profile: &mailscope::profile::Profile,
    out: &mut dyn Write,
) -> u8 {
    let _ = writeln!(out);
    let mut on_event = |e: ApplyEvent| progress(&e, &mut std::io::stdout());
    let proof = s
        .runtime
        .block_on(entra::prove(ctx, profile, &s.preset, &mut on_event));
    let next = format!(
        "Next: `mailscope check --profile {}` proves mailbox access mailbox by mailbox.",
        profile.name
    );
    match proof {
        Ok(p) if p.passed() => {
            proven(&p, out);
            let _ = writeln!(out, "{}", safe(&next));
            EXIT_OK
        }
        Ok(p) => {
            not_proven(&p, out);
            EXIT_FINDINGS
        }
        Err(e) => proof_failed(&e),
    }
}

fn proven(p: &Proof, out: &mut dyn Write) {
    let (head, _) = words::proof(p);
    let _ = writeln!(out, "{}", safe(&head));
}

fn not_proven(p: &Proof, out: &mut dyn Write) {
    let (head, details) = words::proof(p);
    let _ = writeln!(out, "{}", safe(&head));
    for d in details {
        let _ = writeln!(out, "  {}", safe(&d));
    }
}

fn proof_failed(e: &ProofError) -> u8 {
    let _ = fail(
        EXIT_FINDINGS,
        format!("{NAME}: applied, but not proven: {e}\n  Fix: {}", e.fix()),
    );
    EXIT_FINDINGS
}

fn stopped(s: &Setup, signed: &SignedIn, e: &ApplyError) -> u8 {
    let (code, message) = stop_message(&s.profile.name, &record_path(s), &signed.account.upn, e);
    fail(code, message)
}

/// Why apply stopped, and its exit code.
fn stop_message(profile: &str, record: &str, upn: &str, e: &ApplyError) -> (u8, String) {
    match e {
        ApplyError::MissingRoles(roles) => (
            EXIT_CANNOT_RUN,
            format!("{NAME}: {}", words::missing_roles(upn, roles)),
        ),
        ApplyError::Record(r) => (
            EXIT_CANNOT_RUN,
            format!("{NAME}: {r}; the change was not made."),
        ),
        ApplyError::Step {
            step,
            summary,
            error,
            objects,
        } => {
            let left = if objects.is_empty() {
                String::new()
            } else {
                format!(
                    "\n  What the tenant returned for this step: {}",
                    words::returned(objects)
                )
            };
            let code = if matches!(error, StepError::Profile(_)) {
                EXIT_USAGE
            } else {
                EXIT_CANNOT_RUN
            };
            (
                code,
                format!(
                    "{NAME}: stopped at step {step} ({summary}): {error}{left}\n  Fix: {}\n  Steps before it are done; {record} says exactly what was changed. Running `mailscope entra apply --profile {profile}` again completes the plan.",
                    error.fix()
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::entra::RoleNeed;
    use mailscope::entra::write::WriteError;
    use std::collections::BTreeMap;

    #[test]
    fn a_missing_role_is_named_and_nothing_changed() {
        let e = ApplyError::MissingRoles(vec![mailscope::entra::plan::RoleCheck {
            need: RoleNeed::GraphAppRoleConsent,
            roles: vec![
                "Privileged Role Administrator".into(),
                "Global Administrator".into(),
            ],
            held: None,
        }]);
        let (code, text) = stop_message("p", "p.changes.jsonl", "a@contoso.com", &e);
        assert_eq!(code, EXIT_CANNOT_RUN);
        assert!(
            text.contains("a@contoso.com does not hold Privileged Role Administrator or Global Administrator; nothing was changed."),
            "{text}"
        );
    }

    #[test]
    fn a_step_refused_by_the_tenant_names_the_record_and_the_rerun() {
        let mut objects = BTreeMap::new();
        objects.insert("secret_id".to_string(), "k-1".to_string());
        let e = ApplyError::Step {
            step: 3,
            summary: "Add a client secret".into(),
            error: StepError::Graph(WriteError::Denied {
                what: "add a client secret".into(),
                message: "Insufficient privileges to complete the operation.".into(),
            }),
            objects,
        };
        let (code, text) = stop_message("p", "/h/p.changes.jsonl", "a", &e);
        assert_eq!(code, EXIT_CANNOT_RUN);
        for want in [
            "stopped at step 3 (Add a client secret): Microsoft Graph refused to add a client secret",
            "What the tenant returned for this step: secret id k-1",
            "Privileged Identity Management",
            "/h/p.changes.jsonl says exactly what was changed",
            "`mailscope entra apply --profile p` again completes the plan",
        ] {
            assert!(text.contains(want), "{want:?} not in {text}");
        }
    }

    #[test]
    fn progress_says_what_is_awaited_and_a_proof_failure_what_is_wrong() {
        let mut out = Vec::new();
        progress(
            &ApplyEvent::Waiting(mailscope::entra::retry::Waiting {
                awaited: "Entra to replicate the new app".into(),
                attempt: 3,
                of: 8,
                wait: std::time::Duration::from_secs(4),
                reason: "r".into(),
            }),
            &mut out,
        );
        let p = Proof {
            token_roles: vec!["Mail.Send".into()],
            expected_roles: vec!["Mail.ReadWrite".into(), "Mail.Send".into()],
            findings: vec![],
        };
        not_proven(&p, &mut out);
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(
            text.contains("waiting for Entra to replicate the new app (attempt 3 of 8)"),
            "{text}"
        );
        assert!(text.contains("The token lacks Mail.ReadWrite."), "{text}");
    }
}
