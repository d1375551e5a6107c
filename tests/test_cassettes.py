"""Cassette tests: the exact requests the SDK sends, and how it reads every documented outcome.

Each test replays ``tests/cassettes/<name>.yaml`` with vcrpy in record mode ``none``, matching on method, path,
query and body: a client that sends anything else (a regenerated path, a renamed parameter, another body) fails,
and so does a client that sends fewer or more requests than were recorded (every interaction must be played).

Recording is switched on by an environment variable (the Makefile sets it):

* ``HUBSPOT_RECORD=emulator`` (``make record``): every case runs against the offline emulator, configured per case
  to produce its outcome (faults from a seed, a rate limit, an expired token, a token without scopes). The random
  loopback port is rewritten to ``http://emulator.test`` before anything is written.
* ``HUBSPOT_RECORD=live`` (``make record-live``): the cases real HubSpot can produce are re-recorded against
  ``https://api.hubapi.com``; the rest (injected faults, 429s, the daily cap) are skipped in this mode only, and keep
  their emulator cassettes. Required: ``HUBSPOT_ACCESS_TOKEN``, ``HUBSPOT_RECORD_FROM_ID`` (a contact id) and
  ``HUBSPOT_RECORD_TO_ID`` (a company id). Optional: ``HUBSPOT_RECORD_MISSING_ID`` (a company id that does not
  exist, default ``9999999999``), ``HUBSPOT_RECORD_LABEL_TYPE_ID`` (a USER_DEFINED contact-to-company type id),
  ``HUBSPOT_RECORD_LIMITED_TOKEN`` (a token without ``crm.objects.companies.write``, for the 403 case) and
  ``HUBSPOT_OAUTH_CLIENT_ID`` / ``HUBSPOT_OAUTH_CLIENT_SECRET`` / ``HUBSPOT_OAUTH_REFRESH_TOKEN`` /
  ``HUBSPOT_OAUTH_EXPIRED_ACCESS_TOKEN`` (for the refresh case), ``HUBSPOT_RECORD_BASE_URL`` (another API origin,
  e.g. a proxy). Live recording writes real associations: use a
  test portal.

Whatever a cassette needs to be replayed (record ids, specs, the base URL, the OAuth client id) is stored in its
``metadata``, so live and emulator cassettes replay side by side. Secrets never reach a cassette: ``Authorization``
and ``Cookie`` request headers are dropped, ``client_secret`` / ``refresh_token`` / ``code`` form fields and
``access_token`` / ``refresh_token`` JSON fields are replaced by ``SCRUBBED``, ``Set-Cookie`` is dropped, and
:func:`test_no_cassette_holds_a_token_or_secret` scans every file to prove it.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
import vcr  # type: ignore[import-untyped]
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]
from vcr.request import Request as VcrRequest  # type: ignore[import-untyped]

from hubspot_associations import (
    AssociationCategory,
    AssociationSpec,
    AsyncHubSpotAssociations,
    AuthenticationError,
    BadRequestError,
    BatchInputError,
    HubSpotAssociations,
    OAuthRefresh,
    OAuthTokens,
    OutcomeStatus,
    PermissionDeniedError,
    RateLimitError,
)
from hubspot_associations.emulator import DEFAULT_SCOPES, DEFAULT_TOKEN, EmulatorConfig, run_emulator_in_thread
from hubspot_associations_api.api.associations import associate_default as generated_default_op

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = Path(__file__).resolve().parent / "cassettes"

RECORD = os.environ.get("HUBSPOT_RECORD", "").strip().lower()
"""``""`` replays (the default, and all CI does); ``"emulator"`` or ``"live"`` re-records."""
if RECORD not in ("", "emulator", "live"):
    raise RuntimeError(f"HUBSPOT_RECORD must be 'emulator', 'live' or unset, not {RECORD!r}")

FAKE_BASE_URL = "http://emulator.test"
"""What the emulator's random ``http://127.0.0.1:<port>`` becomes in cassettes (and where replays are sent)."""
LIVE_BASE_URL = "https://api.hubapi.com"
SCRUBBED = "SCRUBBED"
MATCH_ON = ["method", "path", "query", "body"]

# Emulator credentials. They are as secret as real ones as far as cassettes are concerned: none may be written.
OAUTH_CLIENT_ID = "emulator-client"
OAUTH_CLIENT_SECRET = "emulator-secret"
OAUTH_REFRESH_TOKEN = "emulator-refresh"
EXPIRED_TOKEN = "emulator-expired-access"
INVALID_TOKEN = "invalid-access-0000"
REPLAY_TOKEN = "replay-access-0000"  # replays send it, but nothing checks or stores it
COMPANY_WRITE = "crm.objects.companies.write"

FORM_SECRETS = frozenset({"client_secret", "refresh_token", "code"})
JSON_SECRETS = frozenset({"access_token", "refresh_token"})
LIVE_SECRET_ENV = (
    "HUBSPOT_ACCESS_TOKEN",
    "HUBSPOT_RECORD_LIMITED_TOKEN",
    "HUBSPOT_OAUTH_CLIENT_SECRET",
    "HUBSPOT_OAUTH_REFRESH_TOKEN",
    "HUBSPOT_OAUTH_EXPIRED_ACCESS_TOKEN",
)
SECRET_PATTERNS = (
    re.compile(r"Bearer [A-Za-z0-9._-]{8,}"),
    re.compile(r"pat-[a-z0-9]+-"),
    re.compile(r"\bemu-[A-Za-z0-9_-]{16,}"),  # access tokens the emulator issues on refresh
)
KNOWN_SECRETS = (DEFAULT_TOKEN, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, EXPIRED_TOKEN)

CASES = (
    "default_association",
    "labelled_one_spec",
    "labelled_several_specs",
    "invalid_object_ids_400",
    "invalid_association_type_400",
    "invalid_token_401",
    "expired_token_401_refresh_then_success",
    "missing_scopes_403",
    "rate_limited_429_then_success",
    "html_502_then_success",
    "json_500_and_503_then_success",
    "daily_limit_429_not_retried",
    "batch_create_all_confirmed",
    "batch_create_partial_207",
    "batch_create_all_failed_207",
    "batch_too_many_inputs_400",
    "batch_default_429_then_success",
    "api_version_2026-03",
    "api_version_2026-09",
)


# -- filters: what a request and a response look like before they are written (or matched) ----------------------


def _header_key(headers: Mapping[str, Any], name: str) -> str | None:
    return next((key for key in headers if key.lower() == name), None)


def scrub_request(request: Any, origin: str | None = None) -> Any:
    """Map the emulator's origin to :data:`FAKE_BASE_URL` and scrub OAuth secrets from form bodies.

    vcrpy applies this to every request before it is recorded *and* before it is matched, so a replayed refresh
    (sending whatever secret the test holds) matches the scrubbed recording.
    """
    headers = request.headers
    if origin and request.uri.startswith(origin):
        request.uri = FAKE_BASE_URL + request.uri[len(origin) :]
        host = _header_key(headers, "host")
        if host is not None:
            headers[host] = httpx.URL(FAKE_BASE_URL).netloc.decode()
    content_type = headers.get(_header_key(headers, "content-type") or "content-type") or ""
    if "application/x-www-form-urlencoded" in content_type and request.body:
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else str(request.body)
        pairs = parse_qsl(body, keep_blank_values=True)
        request.body = urlencode([(key, SCRUBBED if key in FORM_SECRETS else value) for key, value in pairs])
        length = _header_key(headers, "content-length")
        if length is not None:
            headers[length] = str(len(request.body))
    return request


def scrub_response(response: dict[str, Any], origin: str | None = None) -> dict[str, Any]:
    """Drop ``Set-Cookie``, map the emulator's origin in ``Location``, scrub tokens from JSON bodies."""
    headers: dict[str, list[str]] = response["headers"]
    cookie = _header_key(headers, "set-cookie")
    if cookie is not None:
        del headers[cookie]
    location = _header_key(headers, "location")
    if origin and location is not None:
        headers[location] = [value.replace(origin, FAKE_BASE_URL) for value in headers[location]]
    raw = response["body"]["string"]
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return response
    if isinstance(data, dict) and JSON_SECRETS & data.keys():
        data.update({key: SCRUBBED for key in JSON_SECRETS & data.keys()})
        body = json.dumps(data, separators=(",", ":")).encode()
        response["body"]["string"] = body
        length = _header_key(headers, "content-length")
        if length is not None:
            headers[length] = [str(len(body))]
    return response


def make_vcr(record_mode: str, origin: str | None = None) -> Any:
    """The one vcrpy configuration used to record and to replay."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        serializer="yaml",
        record_mode=record_mode,
        match_on=MATCH_ON,
        filter_headers=["authorization", "cookie"],
        before_record_request=lambda request: scrub_request(request, origin),
        before_record_response=lambda response: scrub_response(response, origin),
        decode_compressed_response=True,
    )


# -- recording / replaying one case --------------------------------------------------------------------------------


class _Sleeper:
    """The clients' ``clock=``/``sleep=`` (see :meth:`Case.client`): records every wait, sleeps only while
    recording (the emulator and HubSpot pace on real time); replaying, the clock moves only by the waits, so what
    a replayed call waits is the same on a busy machine as on an idle one (no real time passes between an answer
    and the next pacer claim)."""

    def __init__(self, real: bool) -> None:
        import time

        self.waits: list[float] = []
        self._real = real
        self._start = time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._real:
            import time

            time.sleep(seconds)

    def monotonic(self) -> float:
        """The clock the call's deadline and pacer read: real time while recording; replaying, only the recorded
        (not slept) waits pass."""
        import time

        return time.monotonic() if self._real else self._start + sum(self.waits)


@dataclass
class Case:
    """One cassette in use: its stored parameters, where the client connects, and what the client waited."""

    cassette: Any
    params: dict[str, Any]
    base_url: str
    sleeper: _Sleeper
    emulator: Any = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """``"emulator"`` or ``"live"``: where the cassette was recorded (exact-value checks need the emulator)."""
        return str(self.params["source"])

    @property
    def from_id(self) -> str:
        return str(self.params["from_id"])

    @property
    def to_id(self) -> str:
        return str(self.params["to_id"])

    @property
    def specs(self) -> list[AssociationSpec]:
        return [AssociationSpec(category, type_id) for category, type_id in self.params.get("specs", [])]

    def secret(self, name: str, emulator_value: str) -> str:
        """A credential: the live one from the environment, the emulator's, or a stand-in when replaying."""
        if RECORD == "live":
            return os.environ[name]
        return emulator_value if RECORD == "emulator" else REPLAY_TOKEN

    def client(self, token: str | None = None, **kwargs: Any) -> HubSpotAssociations:
        access = token if token is not None else self.secret("HUBSPOT_ACCESS_TOKEN", DEFAULT_TOKEN)
        kwargs = {"clock": self.sleeper.monotonic, "sleep": self.sleeper.sleep, **kwargs}
        if "auth" in kwargs:
            return HubSpotAssociations(base_url=self.base_url, **kwargs)
        return HubSpotAssociations(access, base_url=self.base_url, **kwargs)


CaseFactory = Callable[..., AbstractContextManager[Case]]


def _default_params() -> dict[str, Any]:
    if RECORD == "live":
        return {
            "source": "live",
            "base_url": os.environ.get("HUBSPOT_RECORD_BASE_URL", LIVE_BASE_URL),
            "from_id": os.environ["HUBSPOT_RECORD_FROM_ID"],
            "to_id": os.environ["HUBSPOT_RECORD_TO_ID"],
            "missing_id": os.environ.get("HUBSPOT_RECORD_MISSING_ID", "9999999999"),
        }
    return {
        "source": "emulator",
        "base_url": FAKE_BASE_URL,
        "from_id": "1000001",  # the first seeded contact
        "to_id": "2000001",  # the first seeded company
        "missing_id": "9999999999",
    }


@pytest.fixture
def case() -> CaseFactory:
    """``with case(name, config=..., live_env=..., params=...) as c``: one cassette, recorded or replayed.

    ``config`` is the emulator configuration that produces the outcome; ``live`` False (or a reason) means real
    HubSpot cannot produce it, ``live_env`` lists the extra variables live recording needs; ``params`` are stored in
    the cassette (values may be callables of the mode, evaluated only when recording).
    """

    @contextmanager
    def open_case(
        name: str,
        *,
        config: EmulatorConfig | None = None,
        live: bool | str = True,
        live_env: tuple[str, ...] = (),
        params: Mapping[str, Any] | None = None,
    ) -> Iterator[Case]:
        if RECORD == "live":
            if live is not True:
                pytest.skip(f"not recordable against real HubSpot: {live or 'needs emulator faults'}")
            required = ("HUBSPOT_ACCESS_TOKEN", "HUBSPOT_RECORD_FROM_ID", "HUBSPOT_RECORD_TO_ID", *live_env)
            missing = [var for var in required if not os.environ.get(var)]
            if missing:
                pytest.skip(f"live recording of {name} needs {', '.join(missing)}")
        path = CASSETTES / f"{name}.yaml"
        if RECORD:
            CASSETTES.mkdir(exist_ok=True)
            path.unlink(missing_ok=True)  # record mode "all" would keep old interactions that no longer match
        elif not path.exists():
            pytest.fail(f"cassette {path.relative_to(ROOT)} is missing: run `make record`")
        sleeper = _Sleeper(real=bool(RECORD))
        with ExitStack() as stack:
            emulator = None
            if RECORD == "emulator":
                emulator = stack.enter_context(run_emulator_in_thread(config or EmulatorConfig()))
            origin = emulator.base_url if emulator is not None else None
            cassette = stack.enter_context(make_vcr("all" if RECORD else "none", origin).use_cassette(path.name))
            defaults = {**_default_params(), **{k: v() if callable(v) else v for k, v in (params or {}).items()}}
            stored: dict[str, Any] = cassette.get_metadata("case", defaults)  # replay: what was recorded
            base_url = emulator.base_url if emulator is not None else str(stored["base_url"])
            yield Case(cassette, stored, base_url, sleeper, emulator)
            if not RECORD:
                assert cassette.all_played, (
                    f"{name}: only {cassette.play_count} of {len(cassette)} recorded requests were sent"
                )

    return open_case


# -- the cases -------------------------------------------------------------------------------------------------


def test_default_association(case: CaseFactory) -> None:
    with case("default_association") as c, c.client() as client:
        raw = client.with_raw_response.associate_default("contacts", c.from_id, "companies", c.to_id)
    assert raw.status_code == 200
    assert raw.attempts == 1
    assert raw.correlation_id
    assert raw.parsed.status == "COMPLETE"
    directions = {(item.from_.id, item.to.id) for item in raw.parsed.results}
    assert (c.from_id, c.to_id) in directions
    assert all(
        item.association_spec.association_category == AssociationCategory.HUBSPOT_DEFINED for item in raw.parsed.results
    )
    if c.source == "emulator":
        assert directions == {(c.from_id, c.to_id), (c.to_id, c.from_id)}
        assert sorted(item.association_spec.association_type_id for item in raw.parsed.results) == [279, 280]
    assert c.sleeper.waits == []


def test_labelled_with_one_spec(case: CaseFactory) -> None:
    with case("labelled_one_spec", params={"specs": [["HUBSPOT_DEFINED", 1]]}) as c, c.client() as client:
        raw = client.with_raw_response.associate("contacts", c.from_id, "companies", c.to_id, c.specs)
    assert raw.status_code in (200, 201)
    assert raw.attempts == 1
    assert raw.correlation_id
    pair = raw.parsed
    assert (pair.from_object_type_id, pair.from_object_id, pair.to_object_type_id, pair.to_object_id) == (
        "0-1",
        c.from_id,
        "0-2",
        c.to_id,
    )
    if c.source == "emulator":
        assert pair.labels == ["Primary"]


def _several_specs() -> list[list[Any]]:
    label_type = os.environ.get("HUBSPOT_RECORD_LABEL_TYPE_ID")
    if RECORD == "live":
        return [["HUBSPOT_DEFINED", 1], ["USER_DEFINED", int(label_type)] if label_type else ["HUBSPOT_DEFINED", 279]]
    return [["HUBSPOT_DEFINED", 1], ["USER_DEFINED", 36]]


def test_labelled_with_several_specs(case: CaseFactory) -> None:
    with case("labelled_several_specs", params={"specs": _several_specs}) as c, c.client() as client:
        assert len(c.specs) == 2
        raw = client.with_raw_response.associate("contacts", c.from_id, "companies", c.to_id, c.specs)
    assert raw.status_code in (200, 201)
    assert raw.attempts == 1
    assert raw.correlation_id
    assert (raw.parsed.from_object_id, raw.parsed.to_object_id) == (c.from_id, c.to_id)
    if c.source == "emulator":
        assert raw.parsed.labels == ["Primary", "Manager"]
        assert c.emulator is None or len(c.emulator.state.associations("0-1", c.from_id)) == 2


@pytest.mark.parametrize("version", ["2026-03", "2026-09"])
def test_every_operation_and_an_error_on_a_dated_api_version(case: CaseFactory, version: str) -> None:
    """The wire path of each operation on each dated version (v4's are the cassettes above): replay matches on the
    path and body, so a client that sent v4's path, or another version's, fails here."""
    params = {"api_version": version, "specs": [["HUBSPOT_DEFINED", 1]]}
    with case(f"api_version_{version}", params=params) as c, c.client(api_version=c.params["api_version"]) as client:
        default = client.with_raw_response.associate_default("contacts", c.from_id, "companies", c.to_id)
        labelled = client.with_raw_response.associate("contacts", c.from_id, "companies", c.to_id, c.specs)
        default_batch = client.associate_default_batch("contacts", "companies", [(c.from_id, c.to_id)])
        batch = client.associate_batch("contacts", "companies", [(c.from_id, c.to_id, c.specs)])
        missing = str(c.params["missing_id"])
        with pytest.raises(BadRequestError) as info:
            client.associate_default("contacts", c.from_id, "companies", missing)
    objects = f"/crm/objects/{version}/contacts/{c.from_id}/associations"
    batches = f"/crm/associations/{version}/contacts/companies/batch"
    assert [request.path for request in c.cassette.requests] == [
        f"{objects}/default/companies/{c.to_id}",
        f"{objects}/companies/{c.to_id}",
        f"{batches}/associate/default",
        f"{batches}/create",
        f"{objects}/default/companies/{missing}",
    ]
    assert default_batch.all_confirmed and batch.all_confirmed
    assert default.status_code == 200 and (c.from_id, c.to_id) in {
        (r.from_.id, r.to.id) for r in default.parsed.results
    }
    assert labelled.status_code in (200, 201) and labelled.parsed.to_object_id == c.to_id
    assert info.value.status_code == 400 and any(missing in value for value in info.value.invalid_object_ids)
    if c.source == "emulator":
        assert labelled.parsed.labels == ["Primary"]


@pytest.mark.parametrize("version", ["v4", "2026-03", "2026-09"])
def test_read_and_remove_on_every_api_version(case: CaseFactory, version: str) -> None:
    """Each read and remove operation once, on each version's path: a record's associations read back, a batch
    read whose 207 keeps the good record's result, a label archived, the pair archived, re-created and DELETEd."""
    params = {"api_version": version, "specs": [["HUBSPOT_DEFINED", 279], ["HUBSPOT_DEFINED", 1]]}
    with (
        case(f"read_and_remove_{version}", params=params) as c,
        c.client(api_version=c.params["api_version"]) as client,
    ):
        missing = str(c.params["missing_id"])
        client.associate("contacts", c.from_id, "companies", c.to_id, c.specs)
        listed = client.with_raw_response.list_associations("contacts", c.from_id, "companies")
        read = client.with_raw_response.read_batch("contacts", "companies", [c.from_id, missing])
        labels = client.with_raw_response.archive_labels_batch("contacts", "companies", [(c.from_id, c.to_id, [1])])
        after_labels = client.list_associations("contacts", c.from_id, "companies")
        archived = client.archive_batch("contacts", "companies", [(c.from_id, c.to_id)])
        client.associate_default("contacts", c.from_id, "companies", c.to_id)
        removed = client.with_raw_response.remove("contacts", c.from_id, "companies", c.to_id)
        after_remove = client.list_associations("contacts", c.from_id, "companies")
    objects = "/crm/v4/objects" if version == "v4" else f"/crm/objects/{version}"
    batches = "/crm/v4/associations" if version == "v4" else f"/crm/associations/{version}"
    assert [(r.method, r.path) for r in c.cassette.requests][1:6] == [
        ("GET", f"{objects}/contacts/{c.from_id}/associations/companies"),
        ("POST", f"{batches}/contacts/companies/batch/read"),
        ("POST", f"{batches}/contacts/companies/batch/labels/archive"),
        ("GET", f"{objects}/contacts/{c.from_id}/associations/companies"),
        ("POST", f"{batches}/contacts/companies/batch/archive"),
    ]
    assert listed.status_code == 200 and listed.correlation_id
    mine = next(item for item in listed.parsed if item.to_object_id == c.to_id)
    assert 1 in {spec.type_id for spec in mine.association_types}
    assert read.status_code == 207 and [o.status for o in read.parsed] == [
        OutcomeStatus.CONFIRMED,
        OutcomeStatus.FAILED,
    ]
    assert labels.status_code == 204 and labels.parsed.all_confirmed and archived.all_confirmed
    still = next(item for item in after_labels if item.to_object_id == c.to_id)
    assert {spec.type_id for spec in still.association_types} == {279}  # only the Primary label went
    assert removed.status_code == 204 and removed.parsed is None
    assert c.to_id not in {item.to_object_id for item in after_remove}
    assert c.sleeper.waits == []


def test_invalid_object_ids_are_a_400(case: CaseFactory) -> None:
    with case("invalid_object_ids_400") as c, c.client() as client:
        missing = str(c.params["missing_id"])
        with pytest.raises(BadRequestError) as info:
            client.associate_default("contacts", c.from_id, "companies", missing)
    error = info.value
    assert error.status_code == 400
    assert error.category == "VALIDATION_ERROR"
    assert error.correlation_id
    assert any(missing in value for value in error.invalid_object_ids)
    if c.source == "emulator":
        assert error.invalid_object_ids == (f"COMPANY={missing} is not valid",)
    assert c.sleeper.waits == []  # a 400 is never retried (and all_played proves one request)


def test_invalid_association_type_is_a_400(case: CaseFactory) -> None:
    with (
        case("invalid_association_type_400", params={"specs": [["USER_DEFINED", 987654]]}) as c,
        c.client() as client,
        pytest.raises(BadRequestError) as info,
    ):
        client.associate("contacts", c.from_id, "companies", c.to_id, c.specs)
    error = info.value
    assert error.status_code == 400
    assert error.category == "VALIDATION_ERROR"
    assert error.correlation_id
    if c.source == "emulator":
        assert error.invalid_association_type_ids == ("USER_DEFINED=987654 is not a valid association definition id",)
    # Which spec and why, in the text every display shows (live HubSpot words it its own way, under the same key).
    assert "INVALID_ASSOCIATION_TYPE_ID: " in str(error) and "987654" in str(error)
    assert c.sleeper.waits == []


def test_invalid_token_is_a_401(case: CaseFactory) -> None:
    with case("invalid_token_401") as c, c.client(INVALID_TOKEN) as client, pytest.raises(AuthenticationError) as info:
        client.associate_default("contacts", c.from_id, "companies", c.to_id)
    error = info.value
    assert error.status_code == 401
    assert error.category == "INVALID_AUTHENTICATION"
    assert not error.expired
    assert error.correlation_id
    assert c.sleeper.waits == []


OAUTH_ENV = (
    "HUBSPOT_OAUTH_CLIENT_ID",
    "HUBSPOT_OAUTH_CLIENT_SECRET",
    "HUBSPOT_OAUTH_REFRESH_TOKEN",
    "HUBSPOT_OAUTH_EXPIRED_ACCESS_TOKEN",
)


def test_expired_token_is_refreshed_once_then_succeeds(case: CaseFactory) -> None:
    config = EmulatorConfig(tokens={DEFAULT_TOKEN: DEFAULT_SCOPES, EXPIRED_TOKEN: DEFAULT_SCOPES})

    def client_id() -> str:
        return os.environ["HUBSPOT_OAUTH_CLIENT_ID"] if RECORD == "live" else OAUTH_CLIENT_ID

    refreshed: list[OAuthTokens] = []
    with case(
        "expired_token_401_refresh_then_success",
        config=config,
        live_env=OAUTH_ENV,
        params={"oauth_client_id": client_id},
    ) as c:
        if c.emulator is not None:
            c.emulator.state.expire_token(EXPIRED_TOKEN)
        expired = c.secret("HUBSPOT_OAUTH_EXPIRED_ACCESS_TOKEN", EXPIRED_TOKEN)
        auth = OAuthRefresh(
            str(c.params["oauth_client_id"]),
            c.secret("HUBSPOT_OAUTH_CLIENT_SECRET", OAUTH_CLIENT_SECRET),
            c.secret("HUBSPOT_OAUTH_REFRESH_TOKEN", OAUTH_REFRESH_TOKEN),
            access_token=expired,
            token_url="/oauth/v1/token",
            on_refresh=refreshed.append,
        )
        with c.client(auth=auth) as client:
            raw = client.with_raw_response.associate_default("contacts", c.from_id, "companies", c.to_id)
        assert len(c.cassette) == 3  # PUT -> 401 EXPIRED_AUTHENTICATION, POST /oauth/v1/token, PUT -> 200
    assert raw.status_code == 200
    assert raw.attempts == 1  # the refresh and the resend happen inside the auth flow, not as a retry
    assert raw.correlation_id
    assert len(refreshed) == 1
    assert refreshed[0].access_token != expired
    if not RECORD:
        assert refreshed[0].access_token == SCRUBBED  # what the cassette holds instead of the token
    assert c.sleeper.waits == []


def test_missing_scopes_are_a_403(case: CaseFactory) -> None:
    config = EmulatorConfig(tokens={DEFAULT_TOKEN: DEFAULT_SCOPES - {COMPANY_WRITE}})
    with case("missing_scopes_403", config=config, live_env=("HUBSPOT_RECORD_LIMITED_TOKEN",)) as c:
        token = c.secret("HUBSPOT_RECORD_LIMITED_TOKEN", DEFAULT_TOKEN)
        with c.client(token) as client, pytest.raises(PermissionDeniedError) as info:
            client.associate_default("contacts", c.from_id, "companies", c.to_id)
    error = info.value
    assert error.status_code == 403
    assert error.category == "MISSING_SCOPES"
    assert error.correlation_id
    assert error.missing_scopes
    if c.source == "emulator":
        assert error.missing_scopes == (COMPANY_WRITE,)
    assert c.sleeper.waits == []


def use_the_window(c: Case) -> None:
    """Recording: another request of the same app has just used the emulator's one-request window."""
    if c.emulator is not None:
        state = c.emulator.state
        grant = state.token(DEFAULT_TOKEN)
        assert grant is not None
        assert state.consume_quota(grant).policy is None


def test_rate_limited_429_is_retried_after_the_window(case: CaseFactory) -> None:
    config = EmulatorConfig(rate_limit=1, rate_window_s=0.5)
    with case("rate_limited_429_then_success", config=config, live="a 429 cannot be provoked safely") as c:
        use_the_window(c)
        with c.client() as client:
            raw = client.with_raw_response.associate_default("contacts", c.from_id, "companies", c.to_id)
    assert raw.status_code == 200
    assert raw.attempts == 2
    assert raw.correlation_id
    assert raw.rate_limit is not None and raw.rate_limit.max == 1
    # The 429 said Remaining 0 in a 500 ms window: the client waits the whole window (plus jitter), not a backoff.
    assert any(0.5 <= wait <= 0.55 for wait in c.sleeper.waits), c.sleeper.waits


def test_html_502_is_retried(case: CaseFactory) -> None:
    # Seed 1 draws a fault first (0.13 < 0.5) and none next.
    config = EmulatorConfig(fault_rate=0.5, faults=("502_html",), seed=1)
    with case("html_502_then_success", config=config, live="needs an injected 502") as c, c.client() as client:
        raw = client.with_raw_response.associate_default("contacts", c.from_id, "companies", c.to_id)
    assert raw.status_code == 200
    assert raw.attempts == 2
    assert raw.correlation_id
    assert len(c.sleeper.waits) == 1 and 0.375 <= c.sleeper.waits[0] <= 0.5  # first backoff: 0.5 s minus jitter
    assert "<html>" in "".join(_strings(c.cassette.responses[0]["body"]["string"]))
    assert c.cassette.responses[0]["status"]["code"] == 502


def test_json_500_then_json_503_are_retried(case: CaseFactory) -> None:
    # Seed 1 with rate 0.7 and two kinds draws 500, then 503, then no fault. HubSpot's own 5xx are JSON.
    config = EmulatorConfig(fault_rate=0.7, faults=("500", "503"), seed=1)
    with (
        case("json_500_and_503_then_success", config=config, live="needs injected 5xx") as c,
        c.client() as client,
    ):
        raw = client.with_raw_response.associate("contacts", c.from_id, "companies", c.to_id, 279)
    assert raw.status_code == 201
    assert raw.attempts == 3
    assert raw.correlation_id
    assert [response["status"]["code"] for response in c.cassette.responses] == [500, 503, 201]
    assert len(c.sleeper.waits) == 2 and c.sleeper.waits[1] > c.sleeper.waits[0] * 1.4  # exponential backoff


def test_daily_limit_429_is_not_retried(case: CaseFactory) -> None:
    config = EmulatorConfig(daily_limit=1)
    with (
        case("daily_limit_429_not_retried", config=config, live="would spend a portal's daily quota") as c,
        c.client() as client,
    ):
        first = client.with_raw_response.associate_default("contacts", c.from_id, "companies", c.to_id)
        with pytest.raises(RateLimitError) as info:
            client.associate_default("contacts", c.from_id, "companies", c.to_id)
    assert first.attempts == 1
    assert first.rate_limit is not None and first.rate_limit.daily_remaining == 0
    error = info.value
    assert error.status_code == 429
    assert error.is_daily
    assert error.policy_name == "DAILY"
    assert error.retry_after is None
    assert error.correlation_id
    assert c.sleeper.waits == []  # no retry, no wait: all_played shows exactly two requests were sent


# -- batches ---------------------------------------------------------------------------------------------------------


def test_batch_create_all_confirmed(case: CaseFactory) -> None:
    with case("batch_create_all_confirmed", params={"specs": [["HUBSPOT_DEFINED", 279]]}) as c, c.client() as client:
        raw = client.with_raw_response.associate_batch(
            "contacts", "companies", [(c.from_id, c.to_id, c.specs), (c.from_id, c.to_id, [1])]
        )
    assert raw.status_code in (200, 201) and raw.attempts == 1 and raw.correlation_id
    assert [outcome.status for outcome in raw.parsed] == [OutcomeStatus.CONFIRMED] * 2
    assert raw.parsed[0].results[0].from_object_id == c.from_id
    assert c.sleeper.waits == []


def test_batch_create_partial_is_a_207_read_per_input(case: CaseFactory) -> None:
    with case("batch_create_partial_207") as c, c.client() as client:
        missing = str(c.params["missing_id"])
        items = [(c.from_id, missing, [279]), (c.from_id, c.to_id, [279]), (c.from_id, c.to_id, [987_654])]
        raw = client.with_raw_response.associate_batch("contacts", "companies", items)
    assert raw.status_code == 207 and raw.attempts == 1
    failed_id, confirmed, failed_type = raw.parsed
    assert (failed_id.status, confirmed.status, failed_type.status) == (
        OutcomeStatus.FAILED,
        OutcomeStatus.CONFIRMED,
        OutcomeStatus.FAILED,
    )
    assert isinstance(failed_id.error, BatchInputError) and missing in failed_id.error.ids
    if c.source == "emulator":
        assert failed_id.error.sub_category == "crm.associations.INVALID_IDENTIFIER"
        assert failed_type.error is not None and "987654" in failed_type.error.message


def test_batch_create_all_failed_is_a_207_with_no_results(case: CaseFactory) -> None:
    with case("batch_create_all_failed_207") as c, c.client() as client:
        missing = int(c.params["missing_id"])
        raw = client.with_raw_response.associate_batch(
            "contacts", "companies", [(c.from_id, missing, 279), (c.from_id, missing - 1, 279)]
        )
    assert raw.status_code == 207 and raw.attempts == 1
    assert [outcome.status for outcome in raw.parsed] == [OutcomeStatus.FAILED] * 2
    assert raw.parsed[0].error is not raw.parsed[1].error  # each input its own reason


def test_batch_over_the_input_cap_is_a_whole_request_400(case: CaseFactory) -> None:
    config = EmulatorConfig(batch_input_limit=2)
    with (
        case("batch_too_many_inputs_400", config=config, live="HubSpot's input cap is not documented") as c,
        c.client(max_batch_size=3) as client,
        pytest.raises(BadRequestError) as info,
    ):
        client.associate_default_batch("contacts", "companies", [(c.from_id, c.to_id)] * 3)
    assert info.value.status_code == 400 and info.value.category == "VALIDATION_ERROR" and info.value.correlation_id
    assert c.sleeper.waits == []


def test_batch_429_is_retried_as_one_request(case: CaseFactory) -> None:
    config = EmulatorConfig(rate_limit=1, rate_window_s=0.5)
    with case("batch_default_429_then_success", config=config, live="a 429 cannot be provoked safely") as c:
        use_the_window(c)
        with c.client() as client:
            raw = client.with_raw_response.associate_default_batch("contacts", "companies", [(c.from_id, c.to_id)])
    assert raw.status_code == 200 and raw.attempts == 2
    assert [outcome.status for outcome in raw.parsed] == [OutcomeStatus.CONFIRMED]
    assert len(raw.parsed[0].results) == 2  # both directions
    assert any(0.5 <= wait <= 0.55 for wait in c.sleeper.waits), c.sleeper.waits


# -- replay is strict ----------------------------------------------------------------------------------------------

replay_only = pytest.mark.skipif(bool(RECORD), reason="replay checks, not run while recording")


@contextmanager
def _replay(name: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    with make_vcr("none").use_cassette(f"{name}.yaml") as cassette:
        yield cassette, cassette.get_metadata("case", None)


@contextmanager
def _replay_client(name: str) -> Iterator[tuple[Any, dict[str, Any], HubSpotAssociations]]:
    with _replay(name) as (cassette, params), HubSpotAssociations(REPLAY_TOKEN, base_url=params["base_url"]) as client:
        yield cassette, params, client


@replay_only
def test_replay_fails_when_an_id_changes() -> None:
    with (
        _replay_client("default_association") as (_cassette, params, client),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        client.associate_default("contacts", params["from_id"], "companies", str(int(params["to_id"]) + 1))


@replay_only
def test_replay_fails_when_the_generated_path_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a regenerated client with a renamed path segment would send is not in the cassette."""
    original = generated_default_op._get_kwargs

    def renamed(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result: dict[str, Any] = original(*args, **kwargs)
        result["url"] = result["url"].replace("/associations/default/", "/associations/defaults/")
        return result

    monkeypatch.setattr(generated_default_op, "_get_kwargs", renamed)
    with (
        _replay_client("default_association") as (_cassette, params, client),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        client.associate_default("contacts", params["from_id"], "companies", params["to_id"])


@replay_only
def test_replay_fails_when_the_body_changes() -> None:
    other = AssociationSpec("USER_DEFINED", 1)  # same type id as recorded, another category: only the body differs
    with (
        _replay_client("labelled_one_spec") as (_cassette, params, client),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        client.associate("contacts", params["from_id"], "companies", params["to_id"], other)


@replay_only
def test_replay_fails_on_a_request_more_than_recorded() -> None:
    with _replay_client("default_association") as (cassette, params, client):
        client.associate_default("contacts", params["from_id"], "companies", params["to_id"])
        assert cassette.all_played
        with pytest.raises(CannotOverwriteExistingCassetteException):
            client.associate_default("contacts", params["from_id"], "companies", params["to_id"])


@replay_only
async def test_async_client_sends_the_same_requests() -> None:
    with _replay("labelled_several_specs") as (cassette, params):
        specs = [AssociationSpec(category, type_id) for category, type_id in params["specs"]]
        async with AsyncHubSpotAssociations(REPLAY_TOKEN, base_url=params["base_url"]) as client:
            raw = await client.with_raw_response.associate(
                "contacts", params["from_id"], "companies", params["to_id"], specs
            )
        assert cassette.all_played
    assert raw.attempts == 1
    assert raw.parsed.from_object_id == params["from_id"]


# -- no secrets in cassettes ---------------------------------------------------------------------------------------


def test_filters_scrub_secrets_and_the_emulator_origin() -> None:
    origin = "http://127.0.0.1:54321"
    form = urlencode(
        {
            "grant_type": "refresh_token",
            "client_id": "cid",
            "client_secret": "s3cret",
            "refresh_token": "r3fresh",
            "code": "c0de",
        }
    )
    request = VcrRequest(
        "POST", f"{origin}/oauth/v1/token", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    scrubbed = dict(parse_qsl(scrub_request(request, origin).body.decode()))
    assert request.uri == f"{FAKE_BASE_URL}/oauth/v1/token"
    assert scrubbed == {
        "grant_type": "refresh_token",
        "client_id": "cid",
        "client_secret": SCRUBBED,
        "refresh_token": SCRUBBED,
        "code": SCRUBBED,
    }

    body = json.dumps(
        {"access_token": "emu-abcdefghijklmnopqrstuvwx", "refresh_token": "r3fresh", "expires_in": 1800}
    ).encode()
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Set-Cookie": ["__cf_bm=x"], "Content-Length": [str(len(body))], "Location": [f"{origin}/x"]},
        "body": {"string": body},
    }
    result = scrub_response(response, origin)
    data = json.loads(result["body"]["string"])
    assert data == {"access_token": SCRUBBED, "refresh_token": SCRUBBED, "expires_in": 1800}
    assert result["headers"] == {
        "Content-Length": [str(len(result["body"]["string"]))],
        "Location": [f"{FAKE_BASE_URL}/x"],
    }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
    elif isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def test_no_cassette_holds_a_token_or_secret() -> None:
    files = sorted(path for path in CASSETTES.rglob("*") if path.is_file())
    missing = [name for name in CASES if not (CASSETTES / f"{name}.yaml").exists()]
    assert not missing, f"missing cassettes (run `make record`): {missing}"
    literals = [*KNOWN_SECRETS, *(value for var in LIVE_SECRET_ENV if len(value := os.environ.get(var, "")) >= 8)]
    for path in files:
        # The raw text, and every string of the parsed YAML (a !!binary body would hide a token from the text).
        texts = [path.read_text("utf-8", "replace")]
        data = yaml.safe_load(texts[0]) if path.suffix == ".yaml" else None
        texts.extend(_strings(data))
        for text in texts:
            for literal in literals:
                assert literal not in text, f"{path.name} holds a known secret"
            for pattern in SECRET_PATTERNS:
                assert not pattern.search(text), f"{path.name} matches {pattern.pattern}"
        for interaction in (data or {}).get("interactions", []):
            headers = {key.lower() for key in interaction["request"].get("headers", {})}
            assert not headers & {"authorization", "cookie"}, f"{path.name} keeps a credential header"
            body = interaction["request"].get("body") or ""
            for key, value in parse_qsl(body if isinstance(body, str) else body.decode(), keep_blank_values=True):
                assert key not in FORM_SECRETS or value == SCRUBBED, f"{path.name} request holds {key}"
            try:
                reply = json.loads(interaction["response"]["body"]["string"])
            except (TypeError, ValueError):
                continue
            if isinstance(reply, dict):
                for key in JSON_SECRETS & reply.keys():
                    assert reply[key] == SCRUBBED, f"{path.name} response holds {key}"


# -- regeneration guard --------------------------------------------------------------------------------------------


def _differences(left: filecmp.dircmp[str], prefix: str = "") -> list[str]:
    found = [f"{prefix}{name}" for name in (*left.left_only, *left.right_only, *left.diff_files, *left.funny_files)]
    for name, sub in left.subdirs.items():
        found.extend(_differences(sub, f"{prefix}{name}/"))
    return found


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make (the Makefile's GENERATE is the command)")
def test_regenerating_from_the_spec_changes_nothing(tmp_path: Path) -> None:
    """The Makefile's own ``$(GENERATE)`` into a temp dir gives exactly generated/ (``make check-generated`` too)."""
    package = "hubspot_associations_api"
    out = tmp_path / package
    extra = tmp_path / "regenerate.mk"
    extra.write_text("_regenerate_into:\n\t$(GENERATE) --output-path $(OUT) >/dev/null\n\ttouch $(OUT)/py.typed\n")
    venv_bin = str(Path(sys.executable).parent)  # the tools of the Python running the tests (also from an sdist)
    env = {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = ["make", "--no-print-directory", "-f", "Makefile", "-f", str(extra), "_regenerate_into", f"OUT={out}"]
    result = subprocess.run(
        [*command, f"BIN={venv_bin}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    comparison = filecmp.dircmp(out, ROOT / "generated" / package, ignore=["__pycache__"])
    differences = _differences(comparison)
    assert not differences, (
        f"generated/ differs from what {package} regenerates to (run `make generate`): {differences}"
    )
