"""The API answers only what its OpenAPI schema says (issue 17 §1).

schemathesis runs as an outside client (its own process, over HTTP) against a live server, once
anonymously and once as a bidder with a token, with the checks `not_a_server_error`,
`status_code_conformance`, `content_type_conformance` and `response_schema_conformance`. The
schema's OpenAPI links (marketplace/api.py: LINKS) take its stateful phase from the search and
the bidder's registrations to real listings, auctions and bids, past the 404s of made-up ids.

The run is bounded (few examples per operation, a fixed seed) so CI stays short; raise
SCHEMATHESIS_MAX_EXAMPLES for a longer run on a quiet machine.
"""

import os
import subprocess
import sys

import pytest
from rest_framework.authtoken.models import Token

from tests.contracts.factories import announced_listing, live_auction

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6")
SEED = "17"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("schemathesis")]


def schemathesis(live_server, tmp_path, *headers: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        CHECKS,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "1",  # the live server shares one database connection in SQLite runs
        "--request-timeout",
        "30",
        "--no-color",
        "--suppress-health-check",
        "all",
        "--report-dir",
        str(tmp_path),
    ]
    for header in headers:
        command += ["--header", header]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    # In tmp_path: schemathesis keeps its state in ./.schemathesis, not in the checkout.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path
    )


@pytest.fixture
def exchange():
    """An announced listing (open to registration) and a running auction with two qualified
    bidders; the auction's listing is the search's first result (newest)."""
    announced = announced_listing()
    auction, registrations = live_auction()
    return announced, auction, registrations


def _assert_conforms(result):
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    assert "No issues found" in output or " passed" in output, output[-5000:]


def test_anonymous_clients_get_only_documented_answers(live_server, tmp_path, exchange):
    _assert_conforms(schemathesis(live_server, tmp_path))


def test_bidders_get_only_documented_answers(live_server, tmp_path, exchange):
    _announced, _auction, registrations = exchange
    token = Token.objects.create(user=registrations[0].user)
    _assert_conforms(schemathesis(live_server, tmp_path, f"Authorization: Token {token.key}"))
