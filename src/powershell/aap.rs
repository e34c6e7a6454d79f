//! Scoping with an application access policy (the mechanism the vendor guides describe).

use super::exchange::{close_checks, open_checks, verdict};
use super::script::Script;
use super::warn;

pub(crate) fn body(s: &mut Script) {
    s.section("Application access policy");
    s.comment("The policy restricts the app to the members of the group above. Microsoft now");
    s.comment("recommends RBAC for Applications instead of access policies (mailscope writes that");
    s.comment("script with --mechanism rbac); existing policies keep working.");
    s.comment("A new or changed policy can take an hour or more to reach Microsoft Graph, even");
    s.comment("when Test-ApplicationAccessPolicy below already shows the expected result.");
    s.line("$groupNames = @($GroupName, $GroupAlias, $GroupAddress) | Where-Object { $_ }");
    s.open("if ($null -ne $group) {");
    s.line(
        "$groupNames = $groupNames + @([string]$group.Identity, [string]$group.DisplayName, [string]$group.PrimarySmtpAddress)",
    );
    s.close("}");
    s.comment("AccessRight is an enum; its name (RestrictAccess) is the same in every language.");
    s.line(
        "$appPolicies = @(Get-ApplicationAccessPolicy | Where-Object { ($_.AppId -contains $AppId) -and ([string]$_.AccessRight -eq 'RestrictAccess') })",
    );
    s.line(
        "$policy = @($appPolicies | Where-Object { ($groupNames -contains [string]$_.ScopeName) -or ($groupNames -contains [string]$_.ScopeIdentity) })",
    );
    s.open("if ($policy.Count -gt 0) {");
    s.line("Write-Host ('Access policy already exists: ' + $policy[0].Identity)");
    s.reopen("} else {");
    s.line("Write-Host ('Restricting the app to the members of ' + $groupIdentity)");
    s.line(
        "New-ApplicationAccessPolicy -AccessRight RestrictAccess -AppId $AppId -PolicyScopeGroupId $groupIdentity -Description $PolicyDescription -WhatIf:$WhatIf",
    );
    s.close("}");
    s.open("if ($appPolicies.Count -gt $policy.Count) {");
    warn(
        s,
        "The app has other RestrictAccess policies too; it can reach the members of all their groups. Review them with Get-ApplicationAccessPolicy.",
    );
    s.close("}");

    s.section("Check every mailbox");
    s.comment("Test-ApplicationAccessPolicy reports AccessCheckResult as Granted or Denied. Some");
    s.comment(
        "sessions print it translated (Accorde, ...); only then does the script fall back to",
    );
    s.comment(
        "the answer for a random app ID that no policy names, which Exchange grants unless a",
    );
    s.comment("DenyAccess policy covers all apps ('*'). A refused test is reported and counted,");
    s.comment("never allowed to stop the script.");
    open_checks(s);
    s.line("$referenceValue = $null");
    s.line("$referenceTried = $false");
    s.open("foreach ($mailbox in $Mailboxes) {");
    s.open("try {");
    s.line(
        "$result = Test-ApplicationAccessPolicy -Identity $mailbox.Address -AppId $AppId -ErrorAction Stop",
    );
    s.reopen("} catch {");
    s.line(
        "Write-Warning ('Test-ApplicationAccessPolicy failed for ' + $mailbox.Address + ': ' + $_.Exception.Message)",
    );
    s.line("$mismatches = $mismatches + 1");
    s.line("continue");
    s.close("}");
    s.line("$answer = [string]$result.AccessCheckResult");
    s.open("if ($answer -eq 'Granted') {");
    s.line("$reachable = $true");
    s.reopen("} elseif ($answer -eq 'Denied') {");
    s.line("$reachable = $false");
    s.reopen("} else {");
    s.open("if (-not $referenceTried) {");
    s.line("$referenceTried = $true");
    s.open("try {");
    s.line(
        "$reference = Test-ApplicationAccessPolicy -Identity $mailbox.Address -AppId ([guid]::NewGuid().ToString()) -ErrorAction Stop",
    );
    s.line("$referenceValue = [string]$reference.AccessCheckResult");
    s.line("Write-Host ('Result meaning granted in this session: ' + $referenceValue)");
    s.reopen("} catch {");
    s.line(
        "Write-Warning ('The reference check with a random app ID was refused: ' + $_.Exception.Message)",
    );
    s.close("}");
    s.close("}");
    s.open("if (-not $referenceValue) {");
    s.line(
        "Write-Warning ('Cannot read the result ' + $answer + ' for ' + $mailbox.Address + '; check it by hand.')",
    );
    s.line("$mismatches = $mismatches + 1");
    s.line("continue");
    s.close("}");
    s.line("$reachable = ($answer -eq $referenceValue)");
    s.close("}");
    verdict(s);
    s.close("}");
    close_checks(
        s,
        "wait: a policy can take an hour or more to apply. Otherwise check the group members.",
    );
}
