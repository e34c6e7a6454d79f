//! Scoping with RBAC for Applications: a service principal pointer, a management scope over
//! the group's members, and one role assignment per needed `Application Mail.*` role.

use super::exchange::{close_checks, open_checks, require_id, verdict};
use super::script::Script;
use super::warn;

pub(crate) fn body(s: &mut Script) {
    s.section("Service principal in Exchange Online");
    s.comment("Exchange keeps its own pointer to the app's service principal. The object ID comes");
    s.comment(
        "from Entra admin center > Enterprise applications > the app > Overview > Object ID.",
    );
    s.comment(
        "The Object ID under App registrations belongs to a different object and does not work.",
    );
    require_id(s, "ServicePrincipalId", "service principal object ID");
    s.line(
        "$exchangeSp = Get-ServicePrincipal -Identity $ServicePrincipalId -ErrorAction SilentlyContinue",
    );
    s.open("if ($null -ne $exchangeSp) {");
    s.line(
        "Write-Host ('Service principal already known to Exchange: ' + $exchangeSp.DisplayName)",
    );
    s.reopen("} else {");
    s.line("Write-Host 'Registering the service principal with Exchange Online'");
    s.line(
        "New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalId -DisplayName $AppName -WhatIf:$WhatIf",
    );
    s.close("}");

    s.section("Management scope: the members of the group");
    s.comment("The scope's filter names the group by its distinguished name, which the script");
    s.comment("asks Exchange for. The filter is an OPATH string in single quotes, so quote");
    s.comment("characters in the name are doubled before it goes in. Nested groups' members are");
    s.comment("not in scope: list mailboxes directly in the group.");
    s.line("$groupObject = Get-Group -Identity $groupIdentity -ErrorAction SilentlyContinue");
    s.open("if ($null -eq $groupObject) {");
    s.line("Write-Warning ('Group ' + $groupIdentity + ' not found yet (dry run?); the scope needs it.')");
    s.reopen("} else {");
    s.line("$groupDn = [string]$groupObject.DistinguishedName");
    s.line(
        "$scopeFilter = 'MemberOfGroup -eq ''' + ($groupDn -replace '([''\\u2018\\u2019\\u201A\\u201B])', '$1$1') + ''''",
    );
    s.line("$scope = Get-ManagementScope -Identity $ScopeName -ErrorAction SilentlyContinue");
    s.open("if ($null -ne $scope) {");
    s.line("Write-Host ('Management scope already exists: ' + $ScopeName)");
    s.open("if ([string]$scope.RecipientFilter -ne $scopeFilter) {");
    s.line(
        "Write-Warning ('Its filter is ' + $scope.RecipientFilter + '; expected ' + $scopeFilter + '. Fix it with Set-ManagementScope.')",
    );
    s.close("}");
    s.reopen("} else {");
    s.line("Write-Host ('Creating management scope ' + $ScopeName)");
    s.line(
        "New-ManagementScope -Name $ScopeName -RecipientRestrictionFilter $scopeFilter -WhatIf:$WhatIf",
    );
    s.close("}");
    s.close("}");

    s.section("Role assignments");
    s.comment("One assignment per permission the app needs, limited to the scope above.");
    s.open("foreach ($role in $Roles) {");
    s.line(
        "$assignment = @(Get-ManagementRoleAssignment -Role $role -RoleAssignee $ServicePrincipalId -ErrorAction SilentlyContinue | Where-Object { [string]$_.CustomResourceScope -eq $ScopeName })",
    );
    s.open("if ($assignment.Count -gt 0) {");
    s.line("Write-Host ('Role already assigned: ' + $role)");
    s.reopen("} else {");
    s.line("Write-Host ('Assigning ' + $role + ' within ' + $ScopeName)");
    s.line(
        "New-ManagementRoleAssignment -App $ServicePrincipalId -Role $role -CustomResourceScope $ScopeName -WhatIf:$WhatIf",
    );
    s.close("}");
    s.close("}");

    s.section("Remove the tenant-wide consent (do this by hand)");
    s.comment("Exchange adds RBAC grants to whatever Entra has granted. If the app also holds the");
    s.comment("same Mail permissions with admin consent in Entra, it still reaches EVERY mailbox");
    s.comment("and this scoping does nothing. Remove that consent: Entra admin center >");
    s.comment(
        "Enterprise applications > the app > Permissions, or with Microsoft Graph PowerShell:",
    );
    s.comment("  Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All");
    s.comment(
        "  Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $ServicePrincipalId |",
    );
    s.comment(
        "    Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $ServicePrincipalId",
    );
    s.comment("  (the second line removes every app role the app holds; review the list first)");
    s.comment(
        "Test-ServicePrincipalAuthorization below ignores Entra consent, so it cannot see this.",
    );
    warn(
        s,
        "Remember: remove the app's tenant-wide Mail permission consent in Entra, or the scoping has no effect.",
    );

    s.section("Check every mailbox");
    s.comment("InScope is True or False per role (a boolean, not a translated word). RBAC");
    s.comment(
        "changes can take 30 minutes to 2 hours to reach Graph; this test sees them at once.",
    );
    open_checks(s);
    s.open("foreach ($mailbox in $Mailboxes) {");
    s.line(
        "$rows = @(Test-ServicePrincipalAuthorization -Identity $ServicePrincipalId -Resource $mailbox.Address | Where-Object { $Roles -contains [string]$_.RoleName })",
    );
    s.line("$reachable = (@($rows | Where-Object { [string]$_.InScope -eq 'True' }).Count -gt 0)");
    verdict(s);
    s.close("}");
    close_checks(
        s,
        "the test sees changes at once, so check the group members and the scope filter.",
    );
}
