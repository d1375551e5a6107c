"""Logging: off by default, switched on by HUBSPOT_ASSOCIATIONS_LOG, never prints secrets."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from hubspot_associations import _logging
from hubspot_associations._logging import (
    configure_from_env,
    format_request_line,
    log_request,
    log_retry,
    logger,
    safe_path,
)

TOKEN = "pat-na1-SECRET-TOKEN-0000"
PATH = "/crm/v4/objects/0-1/101/associations/default/0-2/202"


@pytest.fixture(autouse=True)
def clean_logger() -> Iterator[None]:
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)


def env_handlers() -> list[logging.Handler]:
    return [h for h in logger.handlers if getattr(h, "_hubspot_associations_env_handler", False)]


def test_logger_name() -> None:
    assert logger.name == "hubspot_associations"


@pytest.mark.parametrize(
    ("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO), (" warning ", logging.WARNING)]
)
def test_configure_from_env_sets_level_and_one_handler(value: str, level: int) -> None:
    assert configure_from_env({"HUBSPOT_ASSOCIATIONS_LOG": value})
    assert configure_from_env({"HUBSPOT_ASSOCIATIONS_LOG": value})
    assert logger.level == level
    assert len(env_handlers()) == 1


@pytest.mark.parametrize("env", [{}, {"HUBSPOT_ASSOCIATIONS_LOG": ""}, {"HUBSPOT_ASSOCIATIONS_LOG": "loud"}])
def test_configure_from_env_without_valid_value_changes_nothing(env: dict[str, str]) -> None:
    level = logger.level
    assert not configure_from_env(env)
    assert logger.level == level
    assert env_handlers() == []


def test_env_var_debug_emits_lines_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUBSPOT_ASSOCIATIONS_LOG", "debug")
    configure_from_env()
    headers = httpx.Headers({"X-HubSpot-Correlation-Id": "corr-123", "Authorization": f"Bearer {TOKEN}"})
    log_request(
        "put", f"https://api.hubapi.com{PATH}?hapikey={TOKEN}", status=201, attempt=1, headers=headers, elapsed=0.25
    )
    err = capsys.readouterr().err
    assert "DEBUG hubspot_associations: PUT " + PATH + " -> 201" in err
    assert "attempt=2" in err
    assert "correlation_id=corr-123" in err
    assert "elapsed=0.250s" in err
    assert TOKEN not in err
    assert "SECRET" not in err


def test_log_request_never_prints_authorization_or_query(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="hubspot_associations")
    request = httpx.Request(
        "GET", f"https://api.hubapi.com{PATH}?access_token={TOKEN}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    log_request(request.method, request.url, status=200, attempt=0, headers=request.headers)
    log_request("GET", str(request.url), status=200, attempt=0, headers=dict(request.headers))
    assert len(caplog.records) == 2
    for record in caplog.records:
        assert record.levelno == logging.DEBUG
        assert TOKEN not in record.getMessage()
        assert "Authorization" not in record.getMessage()


def test_allow_listed_headers_are_logged() -> None:
    line = format_request_line(
        "PUT",
        PATH,
        status=429,
        attempt=0,
        headers={
            "x-hubspot-ratelimit-remaining": "0",
            "X-HubSpot-Correlation-Id": "c-1",
            "Retry-After": "2",
            "Set-Cookie": "session=SECRET",
        },
    )
    assert line == f"PUT {PATH} -> 429 attempt=1 correlation_id=c-1 X-HubSpot-RateLimit-Remaining=0 Retry-After=2"


def test_explicit_correlation_id_and_error_type_only() -> None:
    exc = httpx.ConnectError(f"failed for {TOKEN}")
    line = format_request_line("put", PATH, attempt=2, correlation_id="c-9", error=exc, wait=1.5)
    assert line == f"PUT {PATH} -> ConnectError attempt=3 correlation_id=c-9 wait=1.500s"
    assert format_request_line("get", PATH) == f"GET {PATH} -> - attempt=1"


def test_safe_path() -> None:
    assert safe_path(httpx.URL(f"https://api.hubapi.com{PATH}?a=1#frag")) == PATH
    assert safe_path(f"{PATH}?token={TOKEN}") == PATH
    assert safe_path(f"{PATH}#x") == PATH


def test_log_retry_levels(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hubspot_associations")
    log_retry("PUT", PATH, status=503, attempt=0, wait=0.5, correlation_id="c-1")
    log_retry("PUT", PATH, status=429, attempt=1, wait=10.0, correlation_id="c-2")
    log_retry("PUT", PATH, status=None, attempt=2, wait=1.0, error=httpx.ReadTimeout("slow"))
    levels = [record.levelno for record in caplog.records]
    assert levels == [logging.INFO, logging.WARNING, logging.INFO]
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == f"retrying PUT {PATH} -> 503 attempt=1 correlation_id=c-1 wait=0.500s"
    assert "wait=10.000s" in messages[1]
    assert "ReadTimeout" in messages[2]


def test_disabled_logging_does_not_format(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="hubspot_associations")

    def explode(*args: object, **kwargs: object) -> str:
        raise AssertionError("formatted while disabled")

    monkeypatch.setattr(_logging, "format_request_line", explode)
    log_request("GET", PATH, status=200)
    log_retry("GET", PATH, status=503, attempt=0, wait=1.0)
    log_retry("GET", PATH, status=429, attempt=0, wait=1.0)
    assert caplog.records == []
