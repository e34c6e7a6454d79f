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
    s.comment("Test-ApplicationAccessPolicy prints AccessCheckResult in the session's language");
    s.comment("(Granted, Accorde, ...), so the script never compares it with a word. It asks for");
    s.comment("the result of an app ID that no policy names: with no policy Exchange grants");
    s.comment("access, so that value means 'granted' in this session. (Assumes no DenyAccess");
    s.comment("policy for all apps, '*', which would also deny this reference.)");
    open_checks(s);
    s.line("$referenceAppId = [guid]::NewGuid().ToString()");
    s.line(
        "$reference = Test-ApplicationAccessPolicy -Identity $Mailboxes[0].Address -AppId $referenceAppId",
    );
    s.line("$grantedValue = [string]$reference.AccessCheckResult");
    s.line("Write-Host ('Result meaning granted in this session: ' + $grantedValue)");
    s.open("foreach ($mailbox in $Mailboxes) {");
    s.line("$result = Test-ApplicationAccessPolicy -Identity $mailbox.Address -AppId $AppId");
    s.line("$reachable = ([string]$result.AccessCheckResult -eq $grantedValue)");
    verdict(s);
    s.close("}");
    close_checks(
        s,
        "wait: a policy can take an hour or more to apply. Otherwise check the group members.",
    );
}
