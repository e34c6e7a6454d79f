//! The Entra part (Microsoft Graph PowerShell): app registration with the preset's permissions,
//! service principal, admin consent, credential, and the IDs to hand to the vendor.

use crate::preset::PermissionKind;
use crate::profile::CredentialKind;

use super::inputs::{Inputs, graph_environment, ids_for};
use super::permission_ids::MICROSOFT_GRAPH_APP_ID;
use super::script::Script;
use super::{ScriptError, say, warn};

/// The Entra part's variables.
pub(crate) fn values(s: &mut Script, inputs: &Inputs<'_>) -> Result<(), ScriptError> {
    let app_ids = ids_for(
        &inputs.entra_application_permissions(),
        PermissionKind::Application,
    )?;
    let delegated = inputs.delegated_permissions();
    let delegated_ids = ids_for(&delegated, PermissionKind::Delegated)?;
    s.assign("GraphEnvironment", graph_environment(inputs.profile.cloud));
    s.assign("TenantId", &inputs.tenant());
    s.assign("AppId", &inputs.client_id());
    s.assign("AppName", &inputs.app_name);
    s.assign("SignInAudience", inputs.account_type.sign_in_audience());
    s.assign(
        "RedirectUri",
        inputs.profile.redirect_uri.as_deref().unwrap_or_default(),
    );
    s.assign_list("ApplicationPermissionIds", &app_ids);
    s.assign_list("DelegatedPermissionIds", &delegated_ids);
    s.assign("DelegatedScopes", &delegated.join(" "));
    let credential = inputs.profile.credential.as_ref();
    match inputs.credential {
        CredentialKind::Secret => {
            s.assign("SecretName", &format!("{} (mailscope)", inputs.app_name));
            s.assign(
                "SecretLifetimeMonths",
                &inputs.preset.secret_lifetime_months.to_string(),
            );
            let end = credential
                .and_then(|c| c.expires)
                .map(|d| d.to_string())
                .unwrap_or_default();
            s.assign("SecretEndDate", &end);
        }
        CredentialKind::Certificate => {
            let file = credential
                .and_then(|c| c.cert_file.as_deref())
                .unwrap_or_default();
            s.assign("CertificateFile", file);
        }
    }
    Ok(())
}

pub(crate) fn body(s: &mut Script, inputs: &Inputs<'_>) {
    s.section("Connect to Microsoft Graph");
    s.comment(
        "Needs the Microsoft.Graph module: Install-Module Microsoft.Graph -Scope CurrentUser",
    );
    s.comment("Sign in as a Global Administrator or Privileged Role Administrator: granting Graph");
    s.comment("application permissions (admin consent) needs one of those roles.");
    s.open("$connect = @{");
    if inputs.delegated_permissions().is_empty() {
        s.line("Scopes = @('Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All')");
    } else {
        s.line(
            "Scopes = @('Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All', 'DelegatedPermissionGrant.ReadWrite.All')",
        );
    }
    s.line("Environment = $GraphEnvironment");
    s.close("}");
    s.open("if ($TenantId) {");
    s.line("$connect['TenantId'] = $TenantId");
    s.close("}");
    s.line("Connect-MgGraph @connect");
    registration(s, inputs);
    s.open("if ($null -eq $app) {");
    say(
        s,
        "Dry run: the app does not exist yet, so its service principal, consent and credential steps are skipped.",
    );
    s.reopen("} else {");
    service_principal(s);
    consent(s, inputs);
    match inputs.credential {
        CredentialKind::Secret => secret(s),
        CredentialKind::Certificate => certificate(s),
    }
    s.section("The IDs to enter in the vendor's settings and in mailscope");
    s.line("$AppId = [string]$app.AppId");
    s.line("$ServicePrincipalId = [string]$sp.Id");
    s.line("Write-Host ('Application (client) ID: ' + $AppId)");
    s.line("Write-Host ('Directory (tenant) ID:   ' + (Get-MgContext).TenantId)");
    s.line(
        "Write-Host ('Service principal object ID (Enterprise applications): ' + $ServicePrincipalId)",
    );
    s.close("}");
}

fn registration(s: &mut Script, inputs: &Inputs<'_>) {
    s.section("App registration");
    s.comment("Found by its client ID when the profile has one, else by its display name; an");
    s.comment("existing app is updated so its permissions, audience and redirect URI match.");
    if inputs.rbac() {
        s.comment("RBAC for Applications grants the Mail permissions in Exchange, scoped to the");
        s.comment(
            "group's mailboxes. They are therefore NOT requested here: requested permissions",
        );
        s.comment("invite a tenant-wide 'Grant admin consent' that would undo the scoping.");
    }
    s.line("$resourceAccess = @()");
    s.open("foreach ($id in $ApplicationPermissionIds) {");
    s.line("$resourceAccess += @{ Id = $id; Type = 'Role' }");
    s.close("}");
    s.open("foreach ($id in $DelegatedPermissionIds) {");
    s.line("$resourceAccess += @{ Id = $id; Type = 'Scope' }");
    s.close("}");
    s.line_q("$graphAppId = ", MICROSOFT_GRAPH_APP_ID, "");
    s.line("$requiredAccess = @()");
    s.open("if ($resourceAccess.Count -gt 0) {");
    s.line(
        "$requiredAccess = @(@{ ResourceAppId = $graphAppId; ResourceAccess = $resourceAccess })",
    );
    s.close("}");
    if inputs.personal_accounts() {
        s.comment(
            "Personal Microsoft accounts sign in with v2 access tokens only: Graph refuses the",
        );
        s.comment(
            "audience AzureADandPersonalMicrosoftAccount unless api.requestedAccessTokenVersion",
        );
        s.comment("is 2, so both are set in the same request.");
    }
    s.open("$appSettings = @{");
    s.line("DisplayName = $AppName");
    s.line("SignInAudience = $SignInAudience");
    s.line("RequiredResourceAccess = $requiredAccess");
    if inputs.personal_accounts() {
        s.line("Api = @{ RequestedAccessTokenVersion = 2 }");
    }
    s.close("}");
    s.open("if ($RedirectUri) {");
    s.line("$appSettings['Web'] = @{ RedirectUris = @($RedirectUri) }");
    s.close("}");
    s.comment("OData string literals double their quotes, like PowerShell's single-quoted ones.");
    s.open("if ($AppId) {");
    s.line("$appFilter = 'appId eq ''' + $AppId.Replace('''', '''''') + ''''");
    s.reopen("} else {");
    s.line("$appFilter = 'displayName eq ''' + $AppName.Replace('''', '''''') + ''''");
    s.close("}");
    s.line("$app = Get-MgApplication -Filter $appFilter | Select-Object -First 1");
    s.open("if ($null -ne $app) {");
    s.line(
        "Write-Host ('App registration already exists: ' + $app.AppId + '; updating its settings')",
    );
    s.line("Update-MgApplication -ApplicationId $app.Id @appSettings -WhatIf:$WhatIf");
    s.reopen("} else {");
    s.line("Write-Host ('Registering the app ' + $AppName)");
    s.line("$app = New-MgApplication @appSettings -WhatIf:$WhatIf");
    s.close("}");
}

fn service_principal(s: &mut Script) {
    s.section("Service principal (the app's entry under Enterprise applications)");
    s.comment("A brand-new app can take a little while to appear everywhere in Entra; if a step");
    s.comment("below fails with 'does not exist', wait a minute and run the script again.");
    s.line(
        "$sp = Get-MgServicePrincipal -Filter ('appId eq ''' + $app.AppId + '''') | Select-Object -First 1",
    );
    s.open("if ($null -ne $sp) {");
    s.line("Write-Host ('Service principal already exists: ' + $sp.Id)");
    s.reopen("} else {");
    s.line("Write-Host 'Creating the service principal'");
    s.line("$sp = New-MgServicePrincipal -AppId $app.AppId -WhatIf:$WhatIf");
    s.close("}");
    s.line_q(
        "$graphSp = Get-MgServicePrincipal -Filter ",
        &format!("appId eq '{MICROSOFT_GRAPH_APP_ID}'"),
        " | Select-Object -First 1",
    );
}

fn consent(s: &mut Script, inputs: &Inputs<'_>) {
    s.section("Admin consent");
    s.comment("Application permissions are consented as app role assignments on Microsoft Graph;");
    s.comment("assignments the app already holds are skipped.");
    s.line(
        "$assigned = @(Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -All | ForEach-Object { [string]$_.AppRoleId })",
    );
    s.open("foreach ($id in $ApplicationPermissionIds) {");
    s.open("if ($assigned -contains $id) {");
    s.line("Write-Host ('Already consented: ' + $id)");
    s.reopen("} else {");
    s.line("Write-Host ('Consenting application permission ' + $id)");
    s.line(
        "New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -PrincipalId $sp.Id -ResourceId $graphSp.Id -AppRoleId $id -WhatIf:$WhatIf | Out-Null",
    );
    s.close("}");
    s.close("}");
    if inputs.delegated_permissions().is_empty() {
        return;
    }
    s.comment("Delegated permissions: one tenant-wide grant (for all users) listing the scopes.");
    if let Some(note) = &inputs.preset.consent_note {
        s.comment("Users can also consent for themselves instead, depending on tenant settings:");
        s.comment(note);
    }
    s.line(
        "$grant = Get-MgOauth2PermissionGrant -Filter ('clientId eq ''' + $sp.Id + ''' and consentType eq ''AllPrincipals''') | Where-Object { $_.ResourceId -eq $graphSp.Id } | Select-Object -First 1",
    );
    s.open("if ($null -eq $grant) {");
    s.line("Write-Host ('Consenting for all users: ' + $DelegatedScopes)");
    s.line(
        "New-MgOauth2PermissionGrant -ClientId $sp.Id -ConsentType 'AllPrincipals' -ResourceId $graphSp.Id -Scope $DelegatedScopes -WhatIf:$WhatIf | Out-Null",
    );
    s.reopen("} elseif ($grant.Scope -ne $DelegatedScopes) {");
    s.line("Write-Host ('Updating the consented scopes to: ' + $DelegatedScopes)");
    s.line(
        "Update-MgOauth2PermissionGrant -OAuth2PermissionGrantId $grant.Id -Scope $DelegatedScopes -WhatIf:$WhatIf",
    );
    s.reopen("} else {");
    s.line("Write-Host 'Delegated permissions already consented'");
    s.close("}");
}

fn secret(s: &mut Script) {
    s.section("Client secret");
    s.comment("A secret is added once; a second run finds it by name and leaves it. Its value is");
    s.comment(
        "shown only here, once: paste it into the vendor's settings and store it in mailscope.",
    );
    s.line(
        "$existingSecret = @($app.PasswordCredentials | Where-Object { $_.DisplayName -eq $SecretName })",
    );
    s.open("if ($existingSecret.Count -gt 0) {");
    s.line(
        "Write-Host ('A secret named ' + $SecretName + ' already exists (expires ' + $existingSecret[0].EndDateTime + '). Its value cannot be shown again.')",
    );
    s.reopen("} else {");
    s.line("$endDate = (Get-Date).ToUniversalTime().AddMonths([int]$SecretLifetimeMonths)");
    s.open("if ($SecretEndDate) {");
    s.line(
        "$endDate = [datetime]::ParseExact($SecretEndDate, 'yyyy-MM-dd', [System.Globalization.CultureInfo]::InvariantCulture)",
    );
    s.close("}");
    s.open("$passwordCredential = @{");
    s.line("DisplayName = $SecretName");
    s.line("EndDateTime = $endDate");
    s.close("}");
    s.line(
        "$secret = Add-MgApplicationPassword -ApplicationId $app.Id -PasswordCredential $passwordCredential -WhatIf:$WhatIf",
    );
    s.open("if ($null -ne $secret) {");
    s.line("Write-Host ('Client secret VALUE (shown once, expires ' + $secret.EndDateTime + '):')");
    s.line("Write-Host $secret.SecretText");
    s.close("}");
    s.close("}");
}

fn certificate(s: &mut Script) {
    s.section("Certificate");
    s.comment(
        "Uploads the certificate's public part. Update-MgApplication replaces the app's whole",
    );
    s.comment("certificate list, so when the app already has a different certificate the script");
    s.comment("skips the upload and asks for a portal upload instead (Certificates & secrets >");
    s.comment("Certificates > Upload certificate), which keeps the existing one.");
    s.line("$certificatePath = (Resolve-Path -LiteralPath $CertificateFile).ProviderPath");
    s.line(
        "$certificate = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $certificatePath",
    );
    s.line("$thumbprint = [System.Convert]::ToBase64String($certificate.GetCertHash())");
    s.line("$existingKeys = @($app.KeyCredentials)");
    s.line(
        "$sameKey = @($existingKeys | Where-Object { $_.CustomKeyIdentifier -and ([System.Convert]::ToBase64String($_.CustomKeyIdentifier) -eq $thumbprint) })",
    );
    s.open("if ($sameKey.Count -gt 0) {");
    s.line("Write-Host ('Certificate already uploaded: ' + $certificate.Thumbprint)");
    s.reopen("} elseif ($existingKeys.Count -gt 0) {");
    warn(
        s,
        "The app already has another certificate. Upload this one in the portal (Certificates & secrets > Certificates > Upload certificate) so the existing one is kept.",
    );
    s.reopen("} else {");
    s.open("$keyCredential = @{");
    s.line("Type = 'AsymmetricX509Cert'");
    s.line("Usage = 'Verify'");
    s.line("Key = $certificate.RawData");
    s.line("DisplayName = $certificate.Subject");
    s.close("}");
    s.line("Write-Host ('Uploading certificate ' + $certificate.Thumbprint)");
    s.line(
        "Update-MgApplication -ApplicationId $app.Id -KeyCredentials @($keyCredential) -WhatIf:$WhatIf",
    );
    s.close("}");
}
