"""Admin sign-in through MSAL's PublicClientApplication and azure-identity: the device code
flow (approved, declined, pending, expired) with the sim's `/_sim/devicecode/*` hooks standing
in for the browser, the authorization code flow with PKCE on a loopback redirect (the
scenario's `auto_approve` admin signs in), and the refresh token behind `acquire_token_silent`."""

import pathlib
import urllib.parse

import httpx
import pytest
from azure.identity import DeviceCodeCredential

from conftest import (
    APP_ADMIN,
    GLOBAL_ADMIN,
    GRAPH_CLI,
    another_sim,
    public_app,
    sim_hook,
    ssl_context,
)
from test_tokens import claims

HERE = pathlib.Path(__file__).resolve().parent
GLOBAL_ADMIN_ROLE = "62e90394-69f5-4237-9190-012177145e10"
APPLICATION_ADMIN_ROLE = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"


def scopes(sim, *names):
    return [f"{sim.graph}/{n}" for n in names]


def test_device_flow_approved_gives_a_delegated_token(sim):
    app = public_app(sim)
    flow = app.initiate_device_flow(scopes=scopes(sim, "Application.ReadWrite.All"))
    assert flow["user_code"] and flow["verification_uri"], flow
    assert flow["user_code"] in flow["message"]
    approved = sim_hook(sim, "devicecode/approve", {"user_code": flow["user_code"], "upn": APP_ADMIN})
    assert approved.status_code < 300, approved.text
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    c = claims(result["access_token"])
    assert (c["upn"], c["appid"], c["appidacr"], c["idtyp"]) == (APP_ADMIN, GRAPH_CLI, "0", "user")
    assert c["scp"].split() == ["Application.ReadWrite.All"]
    assert c["wids"] == [APPLICATION_ADMIN_ROLE]
    assert c["tid"] == sim.tenant_id
    # MSAL asks for openid, profile and offline_access itself: an id token and a refresh token.
    assert result["id_token_claims"]["preferred_username"] == APP_ADMIN
    assert result["refresh_token"]


def test_device_code_redeemed_once(sim):
    app = public_app(sim)
    flow = app.initiate_device_flow(scopes=scopes(sim, "User.Read"))
    sim_hook(sim, "devicecode/approve", {"user_code": flow["user_code"]})
    assert "access_token" in app.acquire_token_by_device_flow(dict(flow))
    again = app.acquire_token_by_device_flow(dict(flow))
    assert again["error"] == "bad_verification_code", again


@pytest.fixture(scope="module")
def manual(sim):
    """A sim without `auto_approve` (devicecode.toml), started after the first (which clears
    the proxies for 127.0.0.1): its device codes wait for the test's approve or decline."""
    with another_sim(HERE, "devicecode.toml") as manual_sim:
        yield manual_sim


@pytest.fixture(scope="module")
def expiring(sim, tmp_path_factory):
    """devicecode.toml with `device_code_lifetime_s = 0`: its device codes expire at once."""
    folder = tmp_path_factory.mktemp("expiring")
    text = (HERE / "devicecode.toml").read_text()
    (folder / "scenario.toml").write_text("device_code_lifetime_s = 0\n" + text)
    with another_sim(folder) as expiring_sim:
        yield expiring_sim


def test_device_flow_pending_until_approved(manual):
    app = public_app(manual)
    flow = app.initiate_device_flow(scopes=scopes(manual, "User.Read"))
    # MSAL's documented way to stop its polling after one request: expires_at 0. Its loop
    # checks that once per second of `interval`, and the sim's interval is 0 (no waiting).
    flow["expires_at"] = 0
    flow["interval"] = 1
    pending = app.acquire_token_by_device_flow(flow)
    assert pending["error"] == "authorization_pending", pending
    assert 70016 in pending["error_codes"]
    sim_hook(manual, "devicecode/approve", {"user_code": flow["user_code"]})
    result = app.acquire_token_by_device_flow(flow)
    assert claims(result["access_token"])["upn"] == GLOBAL_ADMIN, result


def test_device_flow_declined(manual):
    app = public_app(manual)
    flow = app.initiate_device_flow(scopes=scopes(manual, "User.Read"))
    declined = sim_hook(manual, "devicecode/decline", {"user_code": flow["user_code"]})
    assert declined.status_code < 300, declined.text
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "authorization_declined", result
    assert "access_token" not in result


def test_device_flow_expired(expiring):
    app = public_app(expiring)
    flow = app.initiate_device_flow(scopes=scopes(expiring, "User.Read"))
    assert flow["expires_in"] == 0, flow
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "expired_token", result
    assert 70020 in result["error_codes"]


def auth_code_sign_in(sim, app, names, **kwargs):
    """MSAL's auth code flow with PKCE; the authorize URL is fetched as the browser would, the
    sim signs in its auto_approve admin (or the login_hint) and redirects with the code."""
    flow = app.initiate_auth_code_flow(
        scopes(sim, *names), redirect_uri="http://localhost:8765", **kwargs
    )
    assert flow["code_verifier"] and "code_challenge=" in flow["auth_uri"]
    with httpx.Client(verify=ssl_context(sim.ca_file), follow_redirects=False) as c:
        answer = c.get(flow["auth_uri"])
    assert answer.status_code == 302, answer.text
    location = urllib.parse.urlsplit(answer.headers["location"])
    assert (location.scheme, location.netloc) == ("http", "localhost:8765")
    reply = dict(urllib.parse.parse_qsl(location.query))
    assert reply["state"] == flow["state"]
    return flow, reply


def test_auth_code_with_pkce(sim):
    app = public_app(sim)
    flow, reply = auth_code_sign_in(sim, app, ["Application.ReadWrite.All", "User.Read"])
    result = app.acquire_token_by_auth_code_flow(flow, reply)
    assert "access_token" in result, result
    c = claims(result["access_token"])
    assert c["upn"] == GLOBAL_ADMIN
    assert set(c["scp"].split()) == {"Application.ReadWrite.All", "User.Read"}
    assert c["wids"] == [GLOBAL_ADMIN_ROLE]
    assert c["aud"] == sim.graph


def test_auth_code_login_hint_and_single_use(sim):
    app = public_app(sim)
    flow, reply = auth_code_sign_in(sim, app, ["User.Read"], login_hint=APP_ADMIN)
    first = app.acquire_token_by_auth_code_flow(dict(flow), reply)
    assert claims(first["access_token"])["upn"] == APP_ADMIN, first
    again = app.acquire_token_by_auth_code_flow(dict(flow), reply)
    assert again["error"] == "invalid_grant", again
    assert 54005 in again["error_codes"]


def test_auth_code_wrong_verifier_refused(sim):
    app = public_app(sim)
    flow, reply = auth_code_sign_in(sim, app, ["User.Read"])
    flow["code_verifier"] = "x" * 43
    result = app.acquire_token_by_auth_code_flow(flow, reply)
    assert result["error"] == "invalid_grant", result
    assert 501481 in result["error_codes"]


def test_acquire_token_silent_uses_the_refresh_token(sim):
    app = public_app(sim)
    flow, reply = auth_code_sign_in(sim, app, ["User.Read"])
    first = app.acquire_token_by_auth_code_flow(flow, reply)
    (account,) = app.get_accounts(username=GLOBAL_ADMIN)
    cached = app.acquire_token_silent(scopes(sim, "User.Read"), account=account)
    assert cached["access_token"] == first["access_token"]
    assert cached["token_source"] == "cache"
    refreshed = app.acquire_token_silent(
        scopes(sim, "User.Read"), account=account, force_refresh=True
    )
    assert refreshed["token_source"] == "identity_provider", refreshed
    assert refreshed["access_token"] != first["access_token"]
    assert claims(refreshed["access_token"])["upn"] == GLOBAL_ADMIN
    # Another Graph permission through the same refresh token (Entra's refresh tokens are
    # multi-resource and carry no fixed scope).
    more = app.acquire_token_silent(scopes(sim, "Mail.Read"), account=account)
    assert claims(more["access_token"])["scp"] == "Mail.Read", more
    # Revoked: MSAL gets invalid_grant and acquire_token_silent answers with the error.
    assert sim_hook(sim, "signin/revoke", {"upn": GLOBAL_ADMIN}).status_code < 300
    gone = app.acquire_token_silent_with_error(
        scopes(sim, "User.Read"), account=account, force_refresh=True
    )
    assert gone["error"] == "invalid_grant", gone
    assert 50173 in gone["error_codes"]


def test_azure_identity_device_code_credential(sim):
    seen = {}

    def approve(verification_uri, user_code, expires_on):
        seen["uri"] = verification_uri
        sim_hook(sim, "devicecode/approve", {"user_code": user_code, "upn": APP_ADMIN})

    cred = DeviceCodeCredential(
        client_id=GRAPH_CLI,
        tenant_id=sim.tenant_id,
        authority=sim.authority,
        disable_instance_discovery=True,
        connection_verify=sim.ca_file,
        prompt_callback=approve,
    )
    token = cred.get_token(f"{sim.graph}/User.Read")
    c = claims(token.token)
    assert (c["upn"], c["scp"]) == (APP_ADMIN, "User.Read")
    assert seen["uri"]
