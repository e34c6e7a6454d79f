"""Graph app management through msgraph-sdk with an admin's delegated token (MSAL's device code
flow): an application with requiredResourceAccess, a secret from addPassword, its service
principal, an app role assignment and an AllPrincipals delegated grant, `$filter` on appId;
then the new secret through MSAL's client credentials (its token's `roles` hold the granted
role), removePassword and the old secret refused; addKey with a proof-of-possession JWT.
Microsoft's errors arrive as `ODataError`."""

import base64
import uuid

import msal
import pytest
from msgraph.generated.applications.applications_request_builder import (
    ApplicationsRequestBuilder,
)
from msgraph.generated.applications.item.add_password.add_password_post_request_body import (
    AddPasswordPostRequestBody,
)
from msgraph.generated.applications.item.remove_password.remove_password_post_request_body import (
    RemovePasswordPostRequestBody,
)
from msgraph.generated.models.application import Application
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.o_auth2_permission_grant import OAuth2PermissionGrant
from msgraph.generated.models.password_credential import PasswordCredential
from msgraph.generated.models.required_resource_access import RequiredResourceAccess
from msgraph.generated.models.resource_access import ResourceAccess
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.service_principals.service_principals_request_builder import (
    ServicePrincipalsRequestBuilder,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration

from conftest import APP_ADMIN, GLOBAL_ADMIN, NO_ROLE, StaticToken, admin_token, expect, graph_client
from test_tokens import claims

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
MAIL_SEND = uuid.UUID("b633e1c5-b582-4048-a93e-9f11b44c7e96")  # Kiota models hold GUIDs as UUID
ADMIN_SCOPES = [
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "DelegatedPermissionGrant.ReadWrite.All",
]


def admin_graph(sim, upn):
    return graph_client(sim, StaticToken(admin_token(sim, upn, ADMIN_SCOPES)))


@pytest.fixture(scope="module")
def admin(sim, run):
    return admin_graph(sim, GLOBAL_ADMIN)


@pytest.fixture(scope="module")
def graph_sp(admin, run):
    sp = run(admin.service_principals_with_app_id(GRAPH_APP_ID).get())
    assert sp.app_id == GRAPH_APP_ID
    assert any(r.id == MAIL_SEND and r.value == "Mail.Send" for r in sp.app_roles)
    return sp


def new_app(admin, run, name):
    body = Application(
        display_name=name,
        sign_in_audience="AzureADMyOrg",
        required_resource_access=[
            RequiredResourceAccess(
                resource_app_id=GRAPH_APP_ID,
                resource_access=[ResourceAccess(id=MAIL_SEND, type="Role")],
            )
        ],
    )
    return run(admin.applications.post(body))


def grant_mail_send(graph, graph_sp, sp):
    """POST appRoleAssignedTo on Microsoft Graph's service principal: Mail.Send for `sp`."""
    return graph.service_principals.by_service_principal_id(graph_sp.id).app_role_assigned_to.post(
        AppRoleAssignment(principal_id=sp.id, resource_id=graph_sp.id, app_role_id=MAIL_SEND)
    )


def token_for(sim, client_id, secret):
    app = msal.ConfidentialClientApplication(
        client_id,
        client_credential=secret,
        authority=f"{sim.authority}/{sim.tenant_id}",
        instance_discovery=False,
        verify=sim.ca_file,
    )
    return app.acquire_token_for_client(scopes=[sim.scope])


def test_an_app_from_creation_to_a_token_with_its_granted_role(sim, admin, graph_sp, run):
    app = new_app(admin, run, "Conformance created")
    assert app.id and app.app_id and app.created_date_time
    rra = app.required_resource_access[0]
    assert (rra.resource_app_id, rra.resource_access[0].id) == (GRAPH_APP_ID, MAIL_SEND)

    added = run(
        admin.applications.by_application_id(app.id).add_password.post(
            AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="ci"))
        )
    )
    assert added.secret_text and added.key_id
    assert added.hint == added.secret_text[:3]
    assert added.end_date_time > added.start_date_time

    sp = run(admin.service_principals.post(ServicePrincipal(app_id=app.app_id)))
    assert sp.app_id == app.app_id and sp.id != app.id

    assignment = run(grant_mail_send(admin, graph_sp, sp))
    assert (str(assignment.principal_id), assignment.app_role_id) == (sp.id, MAIL_SEND)
    assert assignment.principal_type == "ServicePrincipal"

    grant = run(
        admin.oauth2_permission_grants.post(
            OAuth2PermissionGrant(
                client_id=sp.id, consent_type="AllPrincipals", resource_id=graph_sp.id,
                scope="User.Read",
            )
        )
    )
    assert grant.id and grant.scope == "User.Read"

    apps_query = ApplicationsRequestBuilder.ApplicationsRequestBuilderGetQueryParameters(
        filter=f"appId eq '{app.app_id}'"
    )
    found = run(admin.applications.get(RequestConfiguration(query_parameters=apps_query)))
    assert [a.id for a in found.value] == [app.id]
    assert [p.key_id for p in found.value[0].password_credentials] == [added.key_id]
    assert found.value[0].password_credentials[0].secret_text is None
    sps_query = ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(
        filter=f"appId eq '{app.app_id}'"
    )
    sps = run(admin.service_principals.get(RequestConfiguration(query_parameters=sps_query)))
    assert [s.id for s in sps.value] == [sp.id]
    assigned = run(
        admin.service_principals.by_service_principal_id(sp.id).app_role_assignments.get()
    )
    assert [a.app_role_id for a in assigned.value] == [MAIL_SEND]

    token = token_for(sim, app.app_id, added.secret_text)
    assert "access_token" in token, token
    assert claims(token["access_token"])["roles"] == ["Mail.Send"]

    # The same assignment again: Graph's 400, as a typed ODataError.
    expect(run, grant_mail_send(admin, graph_sp, sp), 400, "Request_BadRequest")

    run(
        admin.applications.by_application_id(app.id).remove_password.post(
            RemovePasswordPostRequestBody(key_id=added.key_id)
        )
    )
    refused = token_for(sim, app.app_id, added.secret_text)
    assert refused["error"] == "invalid_client", refused
    assert 7000215 in refused["error_codes"]

    run(admin.applications.by_application_id(app.id).delete())
    expect(run, admin.applications.by_application_id(app.id).get(), 404, "Request_ResourceNotFound")


def test_admins_without_the_role_get_403(sim, admin, graph_sp, run):
    nobody = admin_graph(sim, NO_ROLE)
    err = expect(run, nobody.applications.post(Application(display_name="x")), 403,
                 "Authorization_RequestDenied")
    assert "Insufficient privileges" in err.error.message
    # An Application Administrator creates apps but may not grant Microsoft Graph app roles.
    app_admin = admin_graph(sim, APP_ADMIN)
    app = new_app(app_admin, run, "Made by an application admin")
    sp = run(app_admin.service_principals.post(ServicePrincipal(app_id=app.app_id)))
    expect(run, grant_mail_send(app_admin, graph_sp, sp), 403, "Authorization_RequestDenied")
    run(admin.applications.by_application_id(app.id).delete())


def test_a_second_service_principal_is_409(sim, admin, run):
    app = new_app(admin, run, "Twice")
    run(admin.service_principals.post(ServicePrincipal(app_id=app.app_id)))
    expect(
        run,
        admin.service_principals.post(ServicePrincipal(app_id=app.app_id)),
        409,
        "Request_MultipleObjectsWithSameKeyValue",
    )
    run(admin.applications.by_application_id(app.id).delete())


def proof_for(app_object_id: str, key_pem: str, thumbprint_sha1: str) -> str:
    """The addKey/removeKey proof: a JWT signed by a certificate the application holds, with
    `aud` 00000002-0000-0000-c000-000000000000 and `iss` the application's object id."""
    import time

    import jwt

    now = int(time.time())
    x5t = base64.urlsafe_b64encode(bytes.fromhex(thumbprint_sha1)).decode().rstrip("=")
    return jwt.encode(
        {"aud": "00000002-0000-0000-c000-000000000000", "iss": app_object_id,
         "nbf": now, "exp": now + 600},
        key_pem,
        algorithm="RS256",
        headers={"x5t": x5t},
    )


def test_add_key_with_a_proof_of_possession(sim, admin, run, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from msgraph.generated.applications.item.add_key.add_key_post_request_body import (
        AddKeyPostRequestBody,
    )
    from msgraph.generated.applications.item.remove_key.remove_key_post_request_body import (
        RemoveKeyPostRequestBody,
    )
    from msgraph.generated.models.key_credential import KeyCredential

    from conftest import _certificate

    def der(pem: str) -> bytes:
        cert = x509.load_pem_x509_certificate(pem.encode())
        return cert.public_bytes(serialization.Encoding.DER)

    first, second = sim.cert, _certificate(tmp_path)
    app = new_app(admin, run, "Certificate rollover")
    item = admin.applications.by_application_id(app.id)
    # The first certificate goes in with PATCH keyCredentials (addKey needs a proof from one).
    run(item.patch(Application(key_credentials=[KeyCredential(
        type="AsymmetricX509Cert", usage="Verify", key=der(first["cert_pem"]), display_name="first",
    )])))
    body = AddKeyPostRequestBody(
        key_credential=KeyCredential(
            type="AsymmetricX509Cert", usage="Verify", key=der(second["cert_pem"]),
            display_name="second",
        ),
        proof=proof_for(app.id, second["key_pem"], second["sha1"]),
    )
    # A proof signed by a key the application does not hold yet: 401, as Graph answers.
    expect(run, item.add_key.post(body), 401, "Authentication_MissingOrMalformed")
    body.proof = proof_for(app.id, first["key_pem"], first["sha1"])
    added = run(item.add_key.post(body))
    assert added.key_id and added.key is None
    assert added.display_name == "second"
    creds = run(item.get()).key_credentials
    assert sorted(c.display_name for c in creds) == ["first", "second"]
    # customKeyIdentifier (Edm.Binary, "a 40-character binary type") holds the SHA-1
    # thumbprint's hex text, as Graph shows it; Kiota hands it over base64-decoded.
    thumbprints = {c.display_name: base64.b64encode(c.custom_key_identifier).decode() for c in creds}
    assert thumbprints == {"first": first["sha1"], "second": second["sha1"]}
    # removeKey of the first certificate, proved with the second.
    first_id = next(c.key_id for c in creds if c.display_name == "first")
    run(item.remove_key.post(RemoveKeyPostRequestBody(
        key_id=first_id, proof=proof_for(app.id, second["key_pem"], second["sha1"]),
    )))
    assert [c.display_name for c in run(item.get()).key_credentials] == ["second"]
    run(item.delete())
