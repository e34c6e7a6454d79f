//! The help pop-up: what the current screen is for and every key it takes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::Model;
use crate::tui::screens::send_prompt;
use crate::tui::step::Step;

/// The send opt-in, on the checks screen of presets with Mail.Send.
const SEND_HELP: &str = "Sending is proven only on request: m asks for a recipient, and every run then mails one test message per must-reach mailbox to it (must-not-reach mailboxes should refuse). The address is kept until you quit, never saved; empty the field to stop sending.";

/// "Do it for me", on the app registration, credential and permissions screens.
const DOIT_HELP: &str = "Ctrl-D, Do it for me: sign in as an admin (the tenant must be filled in), read the tenant, show the plan with the tenant and your roles, and after your y create the app, its secret or certificate and the admin consent, then fill these fields. Nothing changes before y; Esc cancels. Not offered for a report opened read-only.";

/// What the screen showing is for: the start screen (`None`) or a step.
fn about(step: Option<Step>) -> &'static [&'static str] {
    match step {
        None => &[
            "Pick a saved onboarding to continue where you left off, or start a new one.",
            "A new onboarding asks for the vendor (it decides permissions, wording and which steps apply), the Microsoft cloud, and a profile name.",
            "Progress is saved after every step; profiles hold no secrets.",
        ],
        Some(Step::AppRegistration) => &[
            "Register the app in the Microsoft Entra admin center (entra.microsoft.com). Older guides call it Azure Active Directory.",
            "Identity > Applications > App registrations > New registration. Use the name and account type shown; add the redirect URI only when one is listed.",
            "After Register, the Overview page shows the Application (client) ID and the Directory (tenant) ID: paste them here. Each is checked as you type.",
            "Prefer a script to portal clicks? Ctrl-S saves the Microsoft Graph PowerShell that registers the app with these values.",
            DOIT_HELP,
        ],
        Some(Step::Credential) => &[
            "Client secret: Certificates & secrets > Client secrets > New client secret. Copy the Value column right away (it is shown once), not the Secret ID.",
            "The value is stored in your OS keyring as soon as you continue; it is never written to a file. Ctrl-R shows what you typed.",
            "Certificate: Ctrl-G makes a self-signed RSA certificate, writes the public .cer for upload and keeps the private key in the keyring. Compare the thumbprint with the portal's. Ctrl-O imports an existing PEM or PFX.",
            DOIT_HELP,
        ],
        Some(Step::Permissions) => &[
            "API permissions > Add a permission > Microsoft Graph. Pick Application permissions (or Delegated, as listed) and tick exactly these.",
            "Then press Grant admin consent for <your organization> and confirm; the status column turns green.",
            "v gets a token with your credential and lists the application permissions it really carries. New consent can take a few minutes to show.",
            "Below it, when an admin sign-in is remembered, is what Entra itself holds for the app (entra inspect's findings: consent, extra permissions, the secret's real expiry).",
            DOIT_HELP,
        ],
        Some(Step::Branding) => &[
            "Optional: Branding & properties lets you set a logo and names users recognise.",
            "Enter or s continues; nothing is checked here.",
        ],
        Some(Step::Mailboxes) => &[
            "List the mailboxes the app must reach, and at least one it must NOT reach: that proves the scoping works.",
            "a adds; paste many at once (one per line, or separated by commas). Words after an address: denied, granted, shared, user. Tab switches new entries between must-reach and must-not-reach.",
            "i imports a text or CSV file. Space flips reach/not-reach, s user/shared, d removes. Invalid and duplicate entries are refused with the reason.",
        ],
        Some(Step::Scoping) => &[
            "Scoping restricts the app to a mail-enabled security group. The script creates the group (EAC: Recipients > Groups > Mail-enabled security), adds the must-reach mailboxes, and applies the policy or RBAC scope.",
            "Tab moves to the script (arrows and PgUp/PgDn scroll it): c copies it (works over SSH), s saves it as a .ps1 file. Run it in PowerShell with the ExchangeOnlineManagement module; -WhatIf shows what it would change.",
            "After running it press r: the time is recorded, because Exchange can take an hour or more before Graph follows the change.",
            "Ctrl-D, Do it for me in Exchange: a second sign-in, as an Exchange admin through Exchange Online PowerShell's public client; the plan (group, members, shared mailboxes, policy or RBAC as chosen above; a distribution list or a member that must not be reached is shown, never changed); after your y each step, then Exchange's own test per mailbox, and the time is recorded as r does. It uses the endpoint Exchange Online PowerShell itself calls, which Microsoft does not document: the script stays the documented path.",
        ],
        Some(Step::Checks) => &[
            "Each mailbox is tried with each capability the permissions allow. pass: as expected. FAIL: not as expected (see the fix). pending: the scoping changed recently and may not have reached Graph yet. error: could not be decided.",
            "←→↑↓ pick a cell to see its diagnosis and request-id (quote it in a Microsoft support ticket). f shows problems only, r re-runs, w re-checks cells that can still change by themselves (pending propagation, throttling) every 30 s, up to 2 h 15 min.",
        ],
        Some(Step::Summary) => &[
            "Enter these values in the vendor's settings. c copies the selected value.",
            "The secret is shown and copied only after you press S; it comes from your keyring.",
            "Set a reminder before the credential expires.",
        ],
    }
}

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let popup = super::centered(area, 76, 20);
    super::clear(frame, popup);
    let block = super::pane("Help (Esc closes)", model, true);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines: Vec<Line> = Vec::new();
    if model.read_only() {
        lines.push(Line::from(Span::styled(
            "A customer's report, read-only: it shows what they saw when it was made. Enter and Esc move between the token, the check table and the summary; f shows only problems. Nothing here can be changed or run; `mailscope replay` re-runs the report on a simulated tenant.",
            model.theme.warn(),
        )));
        lines.push(Line::default());
    }
    for p in about(model.step()) {
        lines.push(Line::from(*p));
        lines.push(Line::default());
    }
    let sends = model
        .wizard()
        .is_some_and(|w| send_prompt::offered(&w.preset, &w.profile.optional_permissions));
    if model.step() == Some(Step::Checks) && sends && !model.read_only() {
        lines.push(Line::from(SEND_HELP));
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled("Keys here", model.theme.title())));
    let keys: Vec<String> = super::footer_keys(model)
        .into_iter()
        .map(|(k, h)| format!("{k} {h}"))
        .collect();
    lines.push(Line::from(keys.join(" · ")));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
