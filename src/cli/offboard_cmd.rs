//! `mailscope offboard --profile NAME [--yes]`: shows what mailscope created for the profile
//! and the tenant still holds, asks, removes it ([`mailscope::lifecycle::offboard`] does the
//! work) and prints what was done.

use mailscope::lifecycle::offboard::{Offboarded, offboard};
use mailscope::lifecycle::offboard_plan::OffboardPlan;

use super::args::ConfirmArg;
use super::credential_lifecycle::{ask, finish, load, show, with_ctx};
use super::output::{EXIT_OK, safe};

fn print_plan(plan: &OffboardPlan) {
    for g in &plan.gone {
        println!("  already gone: {}", safe(g));
    }
    for h in &plan.by_hand {
        println!("  not undone here (remove it by hand): {}", safe(h));
    }
    if let Some(cmd) = &plan.exchange_signin {
        println!(
            "  To remove the Exchange items too, sign in to Exchange first: `{}`, then run offboard again.",
            safe(cmd)
        );
    }
    if !plan.is_empty() {
        println!("mailscope created these, and the tenant still holds them:");
    }
    for r in &plan.exchange {
        println!("  - {}", safe(&r.describe()));
    }
    for r in &plan.removals {
        println!("  - {}", safe(&r.describe()));
    }
}

pub fn run(a: &ConfirmArg) -> u8 {
    let name = "offboard";
    let (store, mut profile, preset) = match load(&a.profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let yes = a.yes;
    let mut confirm = |plan: &OffboardPlan| {
        print_plan(plan);
        ask(
            "Remove these from the tenant? Nothing else is touched; the vendor's integration stops working.",
            yes,
        )
        .is_none()
    };
    let out = with_ctx(name, &store, &profile.clone(), async |ctx| {
        offboard(ctx, &mut profile, &preset, &mut confirm, &mut show).await
    });
    finish(name, out, |r| {
        match r {
            Offboarded::Nothing(plan) => {
                print_plan(&plan);
                println!(
                    "Nothing that mailscope created for '{}' is left in the tenant.",
                    safe(&profile.name)
                );
            }
            Offboarded::Declined(_) => {}
            Offboarded::Removed {
                plan,
                keyring_entries,
            } => println!(
                "Offboarded '{}': {} removal(s) made and recorded; {keyring_entries} keyring entr(y/ies) deleted. The profile stays, without app or credential.",
                safe(&profile.name),
                plan.removals.len() + plan.exchange.len()
            ),
        }
        EXIT_OK
    })
}
