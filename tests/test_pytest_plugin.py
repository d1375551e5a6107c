"""The pytest plugin: the ``hubspot_emulator`` fixture, the testing guide's example run as is, and pytest without the extra."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import anyio
import pytest

from hubspot_associations import AuthenticationError, OAuthTokens, PermissionDeniedError
from hubspot_associations.emulator import Association
from hubspot_associations.pytest_plugin import HubSpotEmulator

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guides" / "testing.md"
GUIDE_MARKER = "<!-- pytest-plugin-example -->"


def guide_example() -> str:
    """The python block right after the testing guide's marker."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(re.escape(GUIDE_MARKER) + r"\s*```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/guides/testing.md lost its pytest plugin example"
    return match.group(1)


def run_pytest(directory: Path, *args: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """pytest in a fresh interpreter rooted in ``directory`` (no repository config), plugins from entry points."""
    code = f"{prelude}import sys, pytest; sys.exit(pytest.main({['-q', '-p', 'no:cacheprovider', *args]!r}))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=directory, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_guides_example_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / "test_guide_example.py").write_text(guide_example(), encoding="utf-8")

    result = run_pytest(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"\b(\d+) passed\b", result.stdout)
    assert passed and int(passed.group(1)) >= 4, result.stdout  # async tests may run once per installed backend
    assert "failed" not in result.stdout and "error" not in result.stdout, result.stdout


def test_pytest_runs_without_the_emulator_extra(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            def test_unrelated():
                assert 1 + 1 == 2

            def test_wants_the_emulator(hubspot_emulator):
                pass
            """
        ),
        encoding="utf-8",
    )
    # As if starlette and uvicorn were not installed: importing them fails, find_spec finds nothing.
    prelude = "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None; "

    result = run_pytest(tmp_path, "-p", "no:schemathesis", prelude=prelude)

    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"1 passed", result.stdout) and re.search(r"1 error", result.stdout), result.stdout
    assert "pip install 'hubspot-associations[emulator]'" in result.stdout
    assert "Traceback" not in result.stdout


def test_fixture_gives_url_credentials_and_a_fresh_state(hubspot_emulator: HubSpotEmulator) -> None:
    assert hubspot_emulator.base_url.startswith("http://127.0.0.1:")
    assert hubspot_emulator.token == "emulator-token"
    assert hubspot_emulator.oauth_token_url == f"{hubspot_emulator.base_url}/oauth/v1/token"
    assert (hubspot_emulator.oauth_client_id, hubspot_emulator.oauth_client_secret) == (
        "emulator-client",
        "emulator-secret",
    )
    assert hubspot_emulator.oauth_refresh_token == "emulator-refresh"
    assert hubspot_emulator.associations() == []
    assert hubspot_emulator.state.request_log == []
    with hubspot_emulator.client() as client:
        client.associate("contacts", "1000001", "companies", "2000001", 279)
    assert hubspot_emulator.associations() == [Association("0-1", "1000001", "0-2", "2000001", "HUBSPOT_DEFINED", 279)]


def test_each_test_starts_afresh(hubspot_emulator: HubSpotEmulator) -> None:
    # Runs after the test above (same session emulator): nothing of it is left, and the config is the default.
    assert hubspot_emulator.associations() == []
    assert hubspot_emulator.config.fault_rate == 0.0 and hubspot_emulator.config.rate_limit == 190


@pytest.mark.hubspot_emulator(tokens={"narrow": frozenset({"crm.objects.contacts.write"})})
def test_marker_configures_the_emulator(hubspot_emulator: HubSpotEmulator) -> None:
    assert hubspot_emulator.token == "narrow"  # the first token of this test's config
    with hubspot_emulator.client(max_retries=0) as client, pytest.raises(PermissionDeniedError):
        client.associate_default("contacts", "1000001", "companies", "2000001")
    with (
        hubspot_emulator.client(access_token="emulator-token", max_retries=0) as client,
        pytest.raises(AuthenticationError),
    ):
        client.associate_default("contacts", "1000001", "companies", "2000001")


def test_knobs_keep_the_stored_data(hubspot_emulator: HubSpotEmulator) -> None:
    with hubspot_emulator.client(max_retries=0) as client:
        client.associate_default("contacts", "1000001", "companies", "2000001")
        hubspot_emulator.set_rate_limit(5, 1.0, daily=100)
        response = client.with_raw_response.associate_default("contacts", "1000001", "companies", "2000002")
    assert response.rate_limit is not None and response.rate_limit.max == 5
    assert response.rate_limit.daily_remaining == 99
    assert len(hubspot_emulator.associations()) == 2


def test_expire_token_and_oauth_with_the_async_client(hubspot_emulator: HubSpotEmulator) -> None:
    refreshed: list[OAuthTokens] = []

    async def scenario() -> None:
        auth = hubspot_emulator.oauth(on_refresh=refreshed.append)
        async with hubspot_emulator.async_client(auth=auth) as client:
            await client.associate_default("contacts", "1000001", "companies", "2000001")
            hubspot_emulator.expire_token(refreshed[0].access_token)
            await client.associate_default("contacts", "1000001", "companies", "2000001")

    anyio.run(scenario)
    assert hubspot_emulator.state.token_grants == 2
    assert hubspot_emulator.state.counts_by_status[401] == 1
