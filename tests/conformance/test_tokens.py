"""Tokens from the sim's token endpoint through MSAL Python and azure-identity."""

import base64
import json

import msal
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CertificateCredential, ClientSecretCredential

from conftest import CERT_APP, FULL, NO_SP, SECRET


def claims(jwt: str) -> dict:
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def msal_app(sim, client_id, credential):
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=credential,
        authority=f"{sim.authority}/{sim.tenant_id}",
        instance_discovery=False,
        verify=sim.ca_file,
    )


def test_msal_secret(sim):
    app = msal_app(sim, FULL, SECRET)
    result = app.acquire_token_for_client(scopes=[sim.scope])
    assert "access_token" in result, result
    c = claims(result["access_token"])
    assert (c["appid"], c["appidacr"], c["tid"]) == (FULL, "1", sim.tenant_id)
    assert "Mail.Send" in c["roles"]


def test_msal_certificate_sha1_thumbprint_x5t(sim):
    cred = {"private_key": sim.cert["key_pem"], "thumbprint": sim.cert["sha1"]}
    result = msal_app(sim, CERT_APP, cred).acquire_token_for_client(scopes=[sim.scope])
    assert "access_token" in result, result
    assert claims(result["access_token"])["appidacr"] == "2"


def test_msal_certificate_sha256_x5t_s256(sim):
    cred = {"private_key": sim.cert["key_pem"], "public_certificate": sim.cert["cert_pem"]}
    result = msal_app(sim, CERT_APP, cred).acquire_token_for_client(scopes=[sim.scope])
    assert "access_token" in result, result
    assert claims(result["access_token"])["appid"] == CERT_APP


def test_msal_errors_arrive_as_its_error_dict(sim):
    bad = msal_app(sim, FULL, "wrong").acquire_token_for_client(scopes=[sim.scope])
    assert bad["error"] == "invalid_client"
    assert 7000215 in bad["error_codes"]
    unknown = msal_app(sim, FULL, SECRET).acquire_token_for_client(
        scopes=["https://graph.microsoft.us/.default"]
    )
    assert unknown["error"] == "invalid_resource", unknown
    assert unknown["error_codes"] == [500011]
    no_sp = msal_app(sim, NO_SP, "x").acquire_token_for_client(scopes=[sim.scope])
    assert no_sp["error"] == "invalid_client", no_sp
    assert no_sp["error_codes"] == [7000229]
    other = msal_app(sim, "77777777-0000-4000-8000-000000000007", "x")
    missing = other.acquire_token_for_client(scopes=[sim.scope])
    assert missing["error"] == "unauthorized_client"
    assert missing["error_codes"] == [700016]


def test_azure_identity_secret(sim):
    cred = ClientSecretCredential(
        sim.tenant_id, FULL, SECRET, authority=sim.authority, disable_instance_discovery=True
    )
    token = cred.get_token(sim.scope)
    assert claims(token.token)["appid"] == FULL
    assert token.expires_on > 0


def test_azure_identity_certificate(sim):
    cred = CertificateCredential(
        sim.tenant_id,
        CERT_APP,
        certificate_path=sim.cert["pem_with_key"],
        authority=sim.authority,
        disable_instance_discovery=True,
    )
    token = cred.get_token(sim.scope)
    assert claims(token.token)["appidacr"] == "2"


def test_azure_identity_errors_name_the_aadsts_code(sim):
    cred = ClientSecretCredential(
        sim.tenant_id, FULL, "wrong", authority=sim.authority, disable_instance_discovery=True
    )
    with pytest.raises(ClientAuthenticationError) as e:
        cred.get_token(sim.scope)
    assert "AADSTS7000215" in str(e.value)
    cred = ClientSecretCredential(
        sim.tenant_id, NO_SP, "x", authority=sim.authority, disable_instance_discovery=True
    )
    with pytest.raises(ClientAuthenticationError) as e:
        cred.get_token(sim.scope)
    assert "AADSTS7000229" in str(e.value)
