//! The Exchange Online part: connection, shared mailboxes, the mail-enabled security group and
//! its members, then the scoping by the chosen mechanism.

use crate::profile::ScopeMechanism;

use super::inputs::{Inputs, exchange_environment};
use super::script::{Field, Script};
use super::{aap, rbac, say, warn};

/// The Exchange part's variables. With `after_entra`, `$AppId` and `$ServicePrincipalId` may be
/// empty here: the Entra part fills them in once the app exists.
pub(crate) fn values(s: &mut Script, inputs: &Inputs<'_>, after_entra: bool) {
    if !inputs.scoping_applies {
        return;
    }
    s.assign(
        "ExchangeEnvironment",
        exchange_environment(inputs.profile.cloud),
    );
    if !after_entra {
        s.assign("AppId", &inputs.client_id());
        s.assign("AppName", &inputs.app_name);
    }
    s.assign("GroupName", &inputs.group_name);
    s.assign("GroupAlias", &inputs.group_alias);
    s.assign("GroupAddress", &inputs.group_address);
    match inputs.mechanism {
        ScopeMechanism::ApplicationAccessPolicy => {
            s.assign("PolicyDescription", &inputs.description);
        }
        ScopeMechanism::Rbac => {
            if !after_entra {
                s.assign("ServicePrincipalId", &inputs.service_principal_id());
            }
            s.assign_list("Roles", &inputs.exchange_roles());
        }
    }
    let rows: Vec<Vec<(&str, Field<'_>)>> = inputs
        .mailbox_rows()
        .into_iter()
        .map(|(address, shared, expect)| {
            vec![
                ("Address", Field::Text(address)),
                ("Shared", Field::Flag(shared)),
                ("ExpectAccess", Field::Flag(expect)),
            ]
        })
        .collect();
    s.assign_records("Mailboxes", &rows);
}

pub(crate) fn body(s: &mut Script, inputs: &Inputs<'_>) {
    if !inputs.scoping_applies {
        s.section("Exchange Online: nothing to do");
        let reason = inputs
            .preset
            .scoping
            .not_applicable_reason
            .as_deref()
            .unwrap_or("This product does not use mailbox scoping.");
        say(s, reason);
        return;
    }
    s.section("Connect to Exchange Online");
    s.comment("Sign in with an Exchange Administrator (or Organization Management) account.");
    s.comment("Needs the ExchangeOnlineManagement module: Install-Module ExchangeOnlineManagement");
    s.line(
        "Connect-ExchangeOnline -ExchangeEnvironmentName $ExchangeEnvironment -ShowBanner:$false",
    );
    require_id(s, "AppId", "Application (client) ID");
    if inputs.any_shared_mailbox() {
        shared_mailboxes(s);
    }
    group(s, inputs.mechanism);
    members(s);
    match inputs.mechanism {
        ScopeMechanism::ApplicationAccessPolicy => aap::body(s),
        ScopeMechanism::Rbac => rbac::body(s, &inputs.scoped_graph_role_ids()),
    }
}

/// Stops when `$var` is empty, except in a dry run, where a placeholder ID stands in for the
/// object the Entra part would have created.
pub(crate) fn require_id(s: &mut Script, var: &str, what: &str) {
    s.open(&format!("if (-not ${var}) {{"));
    s.open("if (-not $WhatIf) {");
    s.line_q(
        "throw ",
        &format!(
            "No {what} yet: register the app first (or run the Entra part), then run this again."
        ),
        "",
    );
    s.close("}");
    s.line(&format!("${var} = '00000000-0000-0000-0000-000000000000'"));
    say(
        s,
        &format!("Dry run: the app does not exist yet, so a placeholder {what} is used."),
    );
    s.close("}");
}

fn shared_mailboxes(s: &mut Script) {
    s.section("Shared mailboxes");
    s.comment("Shared mailboxes need no licence. Each one the profile lists is created unless a");
    s.comment("mailbox with that address already exists.");
    s.open("foreach ($mailbox in $Mailboxes) {");
    s.open("if (-not $mailbox.Shared) {");
    s.line("continue");
    s.close("}");
    s.line("$existing = Get-Mailbox -Identity $mailbox.Address -ErrorAction SilentlyContinue");
    s.open("if ($null -ne $existing) {");
    s.line("Write-Host ('Shared mailbox already exists: ' + $mailbox.Address)");
    s.reopen("} else {");
    s.line("$mailboxName = $mailbox.Address.Split('@')[0]");
    s.line("Write-Host ('Creating shared mailbox ' + $mailbox.Address)");
    s.line(
        "New-Mailbox -Shared -Name $mailboxName -PrimarySmtpAddress $mailbox.Address -WhatIf:$WhatIf",
    );
    s.close("}");
    s.close("}");
}

fn group(s: &mut Script, mechanism: ScopeMechanism) {
    s.section("Mail-enabled security group");
    s.comment("The group holds exactly the mailboxes the app may reach; the scoping below points");
    s.comment("at it. An existing group with the same address (or name) is reused.");
    if mechanism == ScopeMechanism::Rbac {
        s.comment(
            "RBAC for Applications also accepts a distribution list or a Microsoft 365 group;",
        );
        s.comment("this script creates and fills a mail-enabled security group, and reuses an");
        s.comment("existing distribution list as it is.");
    }
    s.line("$groupIdentity = $GroupName");
    s.open("if ($GroupAddress) {");
    s.line("$groupIdentity = $GroupAddress");
    s.close("}");
    s.line("$group = Get-DistributionGroup -Identity $groupIdentity -ErrorAction SilentlyContinue");
    s.open("if ($null -ne $group) {");
    s.line("Write-Host ('Group already exists: ' + $group.PrimarySmtpAddress)");
    if mechanism == ScopeMechanism::ApplicationAccessPolicy {
        s.comment(
            "GroupType is a flags value such as 'Universal, SecurityEnabled' (not translated).",
        );
        s.open("if ([string]$group.GroupType -notlike '*SecurityEnabled*') {");
        warn(
            s,
            "This group is a distribution list, not a mail-enabled security group. An application access policy needs a security group: choose another name or address.",
        );
        s.close("}");
    }
    s.reopen("} else {");
    s.open("$newGroup = @{");
    s.line("Name = $GroupName");
    s.line("Alias = $GroupAlias");
    s.line("Type = 'Security'");
    s.close("}");
    s.open("if ($GroupAddress) {");
    s.line("$newGroup['PrimarySmtpAddress'] = $GroupAddress");
    s.close("}");
    s.line("Write-Host ('Creating mail-enabled security group ' + $GroupName)");
    s.line("$group = New-DistributionGroup @newGroup -WhatIf:$WhatIf");
    s.close("}");
}

fn members(s: &mut Script) {
    s.section("Group members");
    s.comment("Every mailbox the app must reach is added; members already in the group are left");
    s.comment("alone. A mailbox the app must NOT reach is only reported if it is a member.");
    s.comment("-BypassSecurityGroupManagerCheck lets an Organization Management admin change a");
    s.comment("group whose ManagedBy list does not name them (for example one someone else made).");
    s.line("$members = @()");
    s.open("if ($null -ne $group) {");
    s.line(
        "$members = @(Get-DistributionGroupMember -Identity $groupIdentity -ResultSize Unlimited | ForEach-Object { [string]$_.PrimarySmtpAddress })",
    );
    s.close("}");
    s.open("foreach ($mailbox in $Mailboxes) {");
    s.line("$isMember = $members -contains $mailbox.Address");
    s.open("if ($mailbox.ExpectAccess) {");
    s.open("if ($isMember) {");
    s.line("Write-Host ('Already a member: ' + $mailbox.Address)");
    s.line("continue");
    s.close("}");
    s.line("$recipient = Get-Recipient -Identity $mailbox.Address -ErrorAction SilentlyContinue");
    s.open("if (($null -eq $recipient) -and (-not $WhatIf)) {");
    s.line(
        "Write-Warning ('No mailbox or recipient ' + $mailbox.Address + ' exists; create it first, then run the script again.')",
    );
    s.line("continue");
    s.close("}");
    s.line("Write-Host ('Adding to the group: ' + $mailbox.Address)");
    s.line(
        "Add-DistributionGroupMember -Identity $groupIdentity -Member $mailbox.Address -BypassSecurityGroupManagerCheck -WhatIf:$WhatIf",
    );
    s.reopen("} elseif ($isMember) {");
    s.line(
        "Write-Warning ($mailbox.Address + ' is in the group, but the app must not reach it. Remove it with Remove-DistributionGroupMember.')",
    );
    s.close("}");
    s.close("}");
}

/// The per-mailbox verdict lines shared by both mechanisms' checks: `$reachable` compared
/// with the profile's expectation, counting mismatches in `$mismatches`.
pub(crate) fn verdict(s: &mut Script) {
    s.line("$expected = 'no access'");
    s.open("if ($mailbox.ExpectAccess) {");
    s.line("$expected = 'access'");
    s.close("}");
    s.open("if ($reachable -eq $mailbox.ExpectAccess) {");
    s.line("Write-Host ('as expected (' + $expected + '): ' + $mailbox.Address)");
    s.reopen("} else {");
    s.line("$mismatches = $mismatches + 1");
    s.line(
        "Write-Warning ('NOT as expected, the profile says ' + $expected + ': ' + $mailbox.Address)",
    );
    s.close("}");
}

/// Opens the check loop: skipped in a dry run and when no mailbox is listed.
pub(crate) fn open_checks(s: &mut Script) {
    s.open("if ($WhatIf) {");
    s.line("Write-Host 'Dry run: the checks need the real objects, so they are skipped.'");
    s.reopen("} elseif ($Mailboxes.Count -eq 0) {");
    s.line("Write-Host 'The profile lists no mailboxes to check.'");
    s.reopen("} else {");
    s.line("$mismatches = 0");
}

/// Closes the check loop with a summary.
pub(crate) fn close_checks(s: &mut Script, delay: &str) {
    s.open("if ($mismatches -eq 0) {");
    s.line("Write-Host 'Every mailbox is scoped as the profile expects.'");
    s.reopen("} else {");
    s.line_q(
        "Write-Warning ([string]$mismatches + ",
        &format!(
            " mailbox(es) differ from the profile. If you changed something just now, {delay}"
        ),
        ")",
    );
    s.close("}");
    s.close("}");
}
