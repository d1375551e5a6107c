"""Errors carry the number of attempts where they are raised; bulk outcomes and the CLI summary read it from there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from hubspot_associations import (
    APIConnectionError,
    AssociationRow,
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    OAuthRefresh,
    OAuthRefreshError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from hubspot_associations._error_mapping import error_from_parts
from hubspot_associations.cli._bulk_run import run_bulk
from tests.support import FakeClock, clock_seams

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
BUSY = httpx.Response(503, json={"status": "error", "message": "busy"})
INVALID = httpx.Response(
    400, json={"status": "error", "category": "VALIDATION_ERROR", "message": "One or more associations are invalid"}
)


def scripted(*answers: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """Answer each request with the next item (the last one repeats); an exception is raised as a transport error."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = answers[min(len(sent), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)  # a fresh copy

    return handler


def client(handler: Callable[[httpx.Request], httpx.Response], **kwargs: object) -> HubSpotAssociations:
    """A client of ``handler`` on a fake clock: retry waits move the clock, nothing sleeps."""
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return HubSpotAssociations(TOKEN, http_client=http, **clock_seams(FakeClock()), **kwargs)  # type: ignore[arg-type]


def test_a_row_that_got_503_503_400_reports_three_attempts() -> None:
    with client(scripted(BUSY, BUSY, INVALID)) as c:
        (outcome,) = list(c.associate_many([AssociationRow("contacts", 1, "companies", 2)]))
    assert isinstance(outcome.error, BadRequestError)
    assert outcome.error.attempts == 3
    assert outcome.attempts == 3


def test_the_error_raised_by_a_call_carries_its_attempts() -> None:
    with client(scripted(BUSY), max_retries=2) as c, pytest.raises(ServerError) as caught:
        c.associate_default("contacts", "1", "companies", "2")
    assert caught.value.attempts == 3
    with client(scripted(INVALID)) as c, pytest.raises(BadRequestError) as refused:
        c.associate_default("contacts", "1", "companies", "2")
    assert refused.value.attempts == 1
    assert error_from_parts(400, {}, b"").attempts is None  # built outside a call: nobody counted


def test_transport_errors_and_bad_2xx_bodies_carry_attempts_too() -> None:
    with (
        client(scripted(BUSY, httpx.ConnectError("refused")), max_retries=3) as c,
        pytest.raises(APIConnectionError) as caught,
    ):
        c.associate_default("contacts", "1", "companies", "2")
    assert caught.value.attempts == 4
    with (
        client(scripted(BUSY, httpx.Response(200, content=b"<html>"))) as c,
        pytest.raises(UnexpectedResponseError) as odd,
    ):
        c.associate_default("contacts", "1", "companies", "2")
    assert odd.value.attempts == 2


def test_a_daily_429_is_one_attempt() -> None:
    daily = httpx.Response(429, json={"status": "error", "message": "You have reached your daily limit."})
    with client(scripted(BUSY, daily)) as c:
        (outcome,) = list(c.associate_many([AssociationRow("contacts", 1, "companies", 2)]))
    assert isinstance(outcome.error, RateLimitError) and outcome.error.is_daily
    assert outcome.attempts == 2


def test_a_refused_oauth_refresh_carries_attempts() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/"):
            return httpx.Response(400, json={"status": "BAD_REFRESH_TOKEN", "message": "missing or invalid"})
        return httpx.Response(200, json={})

    auth = OAuthRefresh("client-id", "client-secret-123456", "refresh-token-123456", token_url="/oauth/v1/token")
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(auth=auth, http_client=http, **clock_seams(FakeClock())) as c:
        (outcome,) = list(c.associate_many([AssociationRow("contacts", 1, "companies", 2)]))
    assert isinstance(outcome.error, OAuthRefreshError)
    assert outcome.attempts == 1


async def test_async_errors_carry_attempts() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(scripted(BUSY, BUSY, INVALID)))
    async with (
        AsyncHubSpotAssociations(TOKEN, http_client=http, **clock_seams(FakeClock(), asynchronous=True)) as c,
        c.associate_many([AssociationRow("contacts", 1, "companies", 2)]) as run,
    ):
        outcomes = [outcome async for outcome in run]
    assert outcomes[0].attempts == 3 and isinstance(outcomes[0].error, BadRequestError)


def test_cli_bulk_summary_counts_retries_of_failed_rows(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("from_type,from_id,to_type,to_id\ncontacts,1,companies,2\n", encoding="utf-8")
    with client(scripted(BUSY, BUSY, INVALID)) as c:
        summary = run_bulk(
            c,
            rows,
            input_format=None,
            journal_path=tmp_path / "rows.csv.journal",
            journal_mode="new",
            report_path=tmp_path / "rows.failures.csv",
            confirmed={},
            total=1,
            console=Console(file=None, quiet=True),
            show_progress=False,
        )
    assert summary.failed == 1
    assert summary.retries == 2  # 503, 503 absorbed before the final 400


def test_attempts_survive_pickling() -> None:
    import pickle

    with client(scripted(BUSY, INVALID)) as c, pytest.raises(BadRequestError) as caught:
        c.associate_default("contacts", "1", "companies", "2")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, BadRequestError) and copy.attempts == 2
