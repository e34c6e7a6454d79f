"""One `mailscope sim` for the whole suite, trusted through its CA file, and clients for it.

The sim is the built binary (MAILSCOPE_BIN, set by tests/conformance.rs; else target/debug).
Every request stays on 127.0.0.1: MSAL and azure-identity skip instance discovery (which would
ask login.microsoftonline.com), and msgraph-sdk's base URL is the sim's.
"""

import asyncio
import contextlib
import datetime
import json
import os
import pathlib
import shutil
import ssl
import subprocess
import tempfile

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ROOT = pathlib.Path(__file__).resolve().parents[2]

TENANT = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
FULL = "11111111-0000-4000-8000-000000000001"
SECRET = "full~secret~value"
CERT_APP = "44444444-0000-4000-8000-000000000004"
BASIC = "55555555-0000-4000-8000-000000000005"
BASIC_SECRET = "basic~secret"
NO_SP = "66666666-0000-4000-8000-000000000006"
MAILBOX = "support@contoso.com"
OTHER = "other@contoso.com"
SPARE = "spare@contoso.com"
GLOBAL_ADMIN = "admin@contoso.com"
APP_ADMIN = "appadmin@contoso.com"
NO_ROLE = "reader@contoso.com"
GRAPH_CLI = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

SCENARIO = f"""
tenant_id = "{TENANT}"
tenant_name = "Contoso"
domains = ["contoso.onmicrosoft.com", "contoso.com"]
auto_approve = "{GLOBAL_ADMIN}"
device_code_interval_s = 0

[[admin]]
upn = "{GLOBAL_ADMIN}"
display_name = "Global Admin"
roles = ["Global Administrator"]

[[admin]]
upn = "{APP_ADMIN}"
roles = ["Application Administrator"]

[[admin]]
upn = "{NO_ROLE}"

[[app]]
client_id = "{FULL}"
name = "Conformance"
roles = ["User.Read.All", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite"]
secrets = [{{ id = "aaaaaaaa-0000-4000-8000-000000000001", value = "{SECRET}", expires = "2099-01-01" }}]

[[app]]
client_id = "{CERT_APP}"
name = "Certificate app"
roles = ["Mail.Send"]
certificates = ["app.pem"]

[[app]]
client_id = "{BASIC}"
name = "Read basic"
roles = ["Mail.ReadBasic.All"]
secrets = [{{ id = "bbbbbbbb-0000-4000-8000-000000000001", value = "{BASIC_SECRET}", expires = "2099-01-01" }}]

[[app]]
client_id = "{NO_SP}"
name = "Elsewhere"
service_principal = false
secrets = [{{ id = "cccccccc-0000-4000-8000-000000000001", value = "x", expires = "2099-01-01" }}]

[[mailbox]]
address = "{MAILBOX}"
kind = "shared"
messages = 5

[[mailbox]]
address = "{OTHER}"
display_name = "Other Person"
messages = 2

[[mailbox]]
address = "{SPARE}"
messages = 0

[[mailbox]]
address = "onprem@contoso.com"
kind = "on-premises"
"""


def _certificate(folder: pathlib.Path) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "conformance")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (folder / "app.pem").write_bytes(cert_pem)
    both = folder / "app-with-key.pem"
    both.write_bytes(key_pem + cert_pem)
    return {
        "key_pem": key_pem.decode(),
        "cert_pem": cert_pem.decode(),
        "sha1": cert.fingerprint(hashes.SHA1()).hex().upper(),
        "pem_with_key": str(both),
    }


def _binary() -> str:
    explicit = os.environ.get("MAILSCOPE_BIN")
    if explicit:
        return explicit
    built = ROOT / "target" / "debug" / "mailscope"
    if built.exists():
        return str(built)
    pytest.exit("set MAILSCOPE_BIN or run `cargo build` first", returncode=2)


class Sim:
    """The running sim: its ready line and the credentials the scenario registered."""

    def __init__(self, ready: dict, cert: dict, folder: pathlib.Path):
        self.authority = ready["authority"]
        self.graph = ready["graph"]
        self.ca_file = ready["ca_file"]
        self.tenant_id = ready["tenant_id"]
        self.scope = f"{self.graph}/.default"
        self.cert = cert
        self.folder = folder

    def stats(self) -> dict:
        with httpx.Client(verify=ssl_context(self.ca_file)) as c:
            return c.get(f"{self.authority}/_sim/stats").json()


def ssl_context(ca_file: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


def start_sim(folder: pathlib.Path, scenario: str = "scenario.toml"):
    """Starts `mailscope sim` on `folder / scenario`; returns the process and ready line."""
    proc = subprocess.Popen(
        [_binary(), "sim", "--scenario", str(folder / scenario), "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"mailscope sim exited ({proc.wait()}) without a ready line")
    return proc, json.loads(line)


def stop_sim(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def another_sim(folder: pathlib.Path, scenario: str = "scenario.toml"):
    """A further sim on `folder / scenario` for one test module (start it after the `sim`
    fixture, which clears the proxies for 127.0.0.1); stopped on leaving."""
    proc, ready = start_sim(folder, scenario)
    try:
        yield Sim(ready, None, folder)
    finally:
        stop_sim(proc)


def new_folder() -> tuple[pathlib.Path, dict]:
    folder = pathlib.Path(tempfile.mkdtemp(prefix="mailscope-conformance-"))
    cert = _certificate(folder)
    (folder / "scenario.toml").write_text(SCENARIO)
    return folder, cert


@pytest.fixture(scope="session")
def sim():
    folder, cert = new_folder()
    proc = None
    try:
        proc, ready = start_sim(folder)
        for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            os.environ[var] = ready["ca_file"]
        for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            os.environ.pop(var, None)
        os.environ["NO_PROXY"] = "127.0.0.1,localhost"
        yield Sim(ready, cert, folder)
    finally:
        if proc is not None:
            stop_sim(proc)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def run():
    """Runs a coroutine on the suite's one event loop (the SDK's HTTP client lives on it)."""
    loop = asyncio.new_event_loop()
    yield loop.run_until_complete
    loop.close()


def graph_client(sim: Sim, credential):
    """msgraph-sdk's GraphServiceClient against the sim, authenticated by `credential`."""
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph_core import GraphClientFactory

    auth = AzureIdentityAuthenticationProvider(
        credential, scopes=[sim.scope], allowed_hosts=["127.0.0.1"]
    )
    http = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(verify=ssl_context(sim.ca_file), base_url=f"{sim.graph}/v1.0")
    )
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = f"{sim.graph}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def secret_credential(sim: Sim, client_id: str = FULL, secret: str = SECRET):
    from azure.identity import ClientSecretCredential

    return ClientSecretCredential(
        sim.tenant_id,
        client_id,
        secret,
        authority=sim.authority,
        disable_instance_discovery=True,
        connection_verify=sim.ca_file,
    )


@pytest.fixture(scope="session")
def graph(sim, run):
    return graph_client(sim, secret_credential(sim))


@pytest.fixture(scope="session")
def basic_graph(sim, run):
    return graph_client(sim, secret_credential(sim, BASIC, BASIC_SECRET))


def odata_error(run, coro):
    """The msgraph-sdk ODataError that `coro` raises."""
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    with pytest.raises(ODataError) as e:
        run(coro)
    return e.value


def expect(run, coro, status, code):
    """`coro` raises ODataError with this HTTP status and Graph error code (and a message)."""
    err = odata_error(run, coro)
    assert (err.response_status_code, err.error.code) == (status, code), err.error.message
    assert err.error.message
    return err


def public_app(sim: Sim, client_id: str = GRAPH_CLI):
    """MSAL's PublicClientApplication for the sim (Microsoft Graph Command Line Tools by default).
    Its requests session ignores the environment: REQUESTS_CA_BUNDLE names the first sim's CA,
    and requests lets it win over the session's own `verify`."""
    import msal
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = sim.ca_file
    return msal.PublicClientApplication(
        client_id,
        authority=f"{sim.authority}/{sim.tenant_id}",
        instance_discovery=False,
        http_client=session,
    )


def sim_hook(sim: Sim, path: str, body: dict) -> httpx.Response:
    """POSTs `body` to one of the sim's test hooks (`/_sim/...`)."""
    with httpx.Client(verify=ssl_context(sim.ca_file)) as c:
        return c.post(f"{sim.authority}/_sim/{path}", json=body)


def admin_token(sim: Sim, upn: str, permissions: list[str]) -> dict:
    """MSAL's device code flow for `upn`, approved through the sim's hook; the token result."""
    app = public_app(sim)
    flow = app.initiate_device_flow(scopes=[f"{sim.graph}/{p}" for p in permissions])
    assert "user_code" in flow, flow
    approved = sim_hook(sim, "devicecode/approve", {"user_code": flow["user_code"], "upn": upn})
    assert approved.status_code < 300, approved.text
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    return result


class StaticToken:
    """A TokenCredential (azure-core's protocol) that hands msgraph-sdk one MSAL token."""

    def __init__(self, result: dict):
        self.token = result["access_token"]
        self.expires_on = int(datetime.datetime.now().timestamp()) + int(result["expires_in"])

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken(self.token, self.expires_on)
