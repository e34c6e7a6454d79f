"""429 and 503 through msgraph-sdk, from a second sim (throttling.toml) whose [faults] refuse
the first mailbox calls. With the retry handler told not to retry (a RetryHandlerOption with
max_retries=0 on the request), each arrives as ODataError with Graph's code and its Retry-After
header; left on, the handler waits out the Retry-After the sim gave (early_retries stays 0)."""

import pathlib
import time

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_http.middleware.options import RetryHandlerOption

from conftest import another_sim, expect, graph_client, secret_credential

HERE = pathlib.Path(__file__).resolve().parent
MESSAGES = "GET /v1.0/users/{id}/messages"


@pytest.fixture(scope="module")
def throttling(sim):
    """The second sim (after the first, whose fixture clears proxies for 127.0.0.1)."""
    with another_sim(HERE, "throttling.toml") as throttling_sim:
        yield throttling_sim


@pytest.fixture(scope="module")
def throttled_graph(throttling, run):
    return graph_client(throttling, secret_credential(throttling))


def refusals(stats) -> int:
    """429s and 503s the sim has answered on the messages route."""
    counts = stats["requests"].get(MESSAGES, {})
    return counts.get("429", 0) + counts.get("503", 0)


def test_429_and_503_arrive_as_odata_errors_when_not_retried(throttling, throttled_graph, run):
    # Runs first: the scenario's first mailbox call is throttled, the next two are stale.
    no_retry = RequestConfiguration(options=[RetryHandlerOption(max_retries=0)])
    messages = throttled_graph.users.by_user_id("refused@contoso.com").messages
    started = time.monotonic()
    err = expect(run, messages.get(request_configuration=no_retry), 429, "TooManyRequests")
    assert err.response_headers["retry-after"] == "1"
    assert err.error.inner_error is not None
    assert throttling.stats()["early_retries"] == 0
    err = expect(run, messages.get(request_configuration=no_retry), 503, "MailboxInfoStale")
    both = time.monotonic() - started
    assert err.response_headers["retry-after"] == "1"
    assert "is currently on backend" in err.error.message
    # The same request came back within a second of the 429 that said "Retry-After: 1": the
    # sim counts it as early (so the zero in the next test is a measurement, not a constant).
    if both < 1.0:
        assert throttling.stats()["early_retries"] == 1


def test_retry_handler_waits_out_retry_after(throttling, throttled_graph, run):
    before = throttling.stats()
    started = time.monotonic()
    page = run(throttled_graph.users.by_user_id("patient@contoso.com").messages.get())
    waited = time.monotonic() - started
    after = throttling.stats()
    assert len(page.value) == 1, "served after the retries"
    refused = refusals(after) - refusals(before)
    assert refused >= 1, "the scenario refuses at least this call's first attempt"
    assert after["early_retries"] == before["early_retries"], "no retry came back early"
    assert waited >= refused * 1.0, (waited, refused)
