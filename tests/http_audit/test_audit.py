"""The graphql-http audit suite (the `graphql-http` npm package's serverAudits, run by
audit.mjs beside this file) against a real server: no failures, no warnings, no notices.

The audits send `{ __typename }`-style documents; they run with a viewer's token so that they
exercise GraphQL over HTTP itself rather than the authentication gate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.server import RunningServer, running_server

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
AUDIT_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("http-audit")) as running:
        yield running


def test_the_graphql_over_http_audits_all_pass(server: RunningServer) -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed (make test installs the audit suite)"
    assert (HERE / "node_modules" / "graphql-http").is_dir(), "run `make test` (npm ci here)"
    token = server.command("token", "viewer")
    done = subprocess.run(
        [node, "audit.mjs", f"{server.url}/graphql", token],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=AUDIT_TIMEOUT_SECONDS,
        check=False,
    )
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    not_ok = [result for result in results if result["status"] != "ok"]
    assert not_ok == [], json.dumps(not_ok, indent=1)
    assert len(results) > 50 and done.returncode == 0, done.stdout + done.stderr
