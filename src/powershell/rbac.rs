//! Scoping with RBAC for Applications: a service principal pointer and one role assignment per
//! needed `Application Mail.*` role, each limited to the group's direct members.

use super::exchange::{close_checks, open_checks, require_id, verdict};
use super::script::Script;
use super::warn;

/// `scoped_role_ids` are the Graph app-role IDs of the permissions Exchange grants here; the
/// comment on removing the tenant-wide consent names exactly those.
pub(crate) fn body(s: &mut Script, scoped_role_ids: &[String]) {
    service_principal(s);
    assignments(s);
    consent_note(s, scoped_role_ids);

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
        "the test sees changes at once, so check the group members and the role assignments.",
    );
}

fn service_principal(s: &mut Script) {
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
        "$exchangeSp = New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalId -DisplayName $AppName -WhatIf:$WhatIf",
    );
    s.close("}");
    s.comment("The names Exchange may show for the app in a role assignment (RoleAssigneeName).");
    s.line("$spNames = @($ServicePrincipalId, $AppId)");
    s.open("if ($null -ne $exchangeSp) {");
    s.line(
        "$spNames = $spNames + @([string]$exchangeSp.Identity, [string]$exchangeSp.Name, [string]$exchangeSp.DisplayName, [string]$exchangeSp.ObjectId)",
    );
    s.close("}");
    s.line("$spNames = @($spNames | Where-Object { $_ })");
    s.line(
        "$isThisApp = { ([string]$_.RoleAssigneeType -eq 'ServicePrincipal') -and ($spNames -contains [string]$_.RoleAssigneeName) }",
    );
}

fn assignments(s: &mut Script) {
    s.section("Role assignments, limited to the group's members");
    s.comment("One assignment per permission the app needs. -RecipientGroupScope (Exchange Online");
    s.comment("only) limits it to the group's direct members: members of nested groups are not in");
    s.comment("scope, so list mailboxes directly in the group. A rerun finds the assignment by");
    s.comment("listing the role's assignments scoped to the group (Get-ManagementRoleAssignment");
    s.comment("-Role -RecipientGroupScope) and keeping the ones this app holds.");
    s.comment("A filter-based management scope does the same job, for example:");
    s.code_comment(
        "  New-ManagementScope -Name 'App mailboxes' -RecipientRestrictionFilter \"MemberOfGroup -eq '<group DN>'\"",
    );
    s.code_comment(
        "  New-ManagementRoleAssignment -App <object ID> -Role 'Application Mail.Read' -CustomResourceScope 'App mailboxes'",
    );
    s.open("foreach ($role in $Roles) {");
    s.line(
        "$appAssignments = @(Get-ManagementRoleAssignment -Role $role -ErrorAction SilentlyContinue | Where-Object $isThisApp)",
    );
    s.line("$groupAssignments = @()");
    s.open("if ($null -ne $group) {");
    s.line(
        "$groupAssignments = @(Get-ManagementRoleAssignment -Role $role -RecipientGroupScope $groupIdentity -ErrorAction SilentlyContinue | Where-Object $isThisApp)",
    );
    s.close("}");
    s.open("if ($groupAssignments.Count -gt 0) {");
    s.line(
        "Write-Host ('Role already assigned: ' + $role + ' (' + $groupAssignments[0].Name + ')')",
    );
    s.reopen("} else {");
    s.line("Write-Host ('Assigning ' + $role + ' to the members of ' + $groupIdentity)");
    s.line(
        "New-ManagementRoleAssignment -App $ServicePrincipalId -Role $role -RecipientGroupScope $groupIdentity -WhatIf:$WhatIf",
    );
    s.close("}");
    s.open("if ($appAssignments.Count -gt $groupAssignments.Count) {");
    s.line(
        "Write-Warning ('The app holds other assignments of ' + $role + ' as well, which add to this scope. Review them with Get-ManagementRoleAssignment -Role ''' + $role + '''')",
    );
    s.close("}");
    s.close("}");
}

fn consent_note(s: &mut Script, scoped_role_ids: &[String]) {
    s.section("Remove the tenant-wide consent (do this by hand)");
    s.comment("Exchange adds RBAC grants to whatever Entra has granted. If the app also holds the");
    s.comment("same Mail permissions with admin consent in Entra, it still reaches EVERY mailbox");
    s.comment("and this scoping does nothing. Remove that consent: Entra admin center >");
    s.comment(
        "Enterprise applications > the app > Permissions, or with Microsoft Graph PowerShell",
    );
    s.comment("in this session ($ServicePrincipalId is the object ID above). These lines remove");
    s.comment("only the Mail roles scoped here, each by its assignment ID:");
    for line in consent_removal(scoped_role_ids) {
        s.code_comment(&line);
    }
    s.comment(
        "Test-ServicePrincipalAuthorization below ignores Entra consent, so it cannot see this.",
    );
    warn(
        s,
        "Remember: remove the app's tenant-wide Mail permission consent in Entra, or the scoping has no effect.",
    );
}

/// The commented Graph PowerShell lines that remove the app's tenant-wide consent to exactly
/// the Graph app roles (by ID) that RBAC grants in Exchange, one assignment at a time.
pub(crate) fn consent_removal(role_ids: &[String]) -> Vec<String> {
    let ids = role_ids
        .iter()
        .map(|id| super::quote::quote(id))
        .collect::<Vec<_>>()
        .join(", ");
    [
        "  Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All".to_string(),
        format!("  $scopedRoleIds = @({ids})"),
        "  Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $ServicePrincipalId -All |"
            .to_string(),
        "    Where-Object { $scopedRoleIds -contains [string]$_.AppRoleId } |".to_string(),
        "    ForEach-Object {".to_string(),
        "      Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $ServicePrincipalId -AppRoleAssignmentId $_.Id".to_string(),
        "    }".to_string(),
    ]
    .to_vec()
}
