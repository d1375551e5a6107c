"""Property: whatever arrives (paths, methods, headers, bodies), the emulator answers like HubSpot and never 5xx.

Every answer without an injected fault is a 2xx or 4xx with a correlation id; JSON bodies carry HubSpot's content
type (and error bodies ``status``, ``message`` and the same ``correlationId``); a 405 names the allowed methods.
With faults injected, a 5xx is only ever one of the configured fault kinds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hubspot_associations.emulator import ConnectionDropped, EmulatorConfig, create_app
from hubspot_associations.emulator._facts import CLOUDFLARE_ERRORS, FAULT_KINDS, JSON_CONTENT_TYPE
from tests.emulator.emulator_support import COMPANY, CONTACT

# -- strategies ------------------------------------------------------------------------------------------------------

_ids = st.one_of(
    st.sampled_from([CONTACT, COMPANY, "3000001", "5000001", "20000000001"]),
    st.sampled_from([CONTACT, COMPANY, "1000002", "2000002", "0", "-1", "1e3", "0001000001"]),
    st.integers(min_value=0, max_value=10**25).map(str),
    st.integers(min_value=4_290, max_value=4_400).map(lambda n: "9" * n),  # around the int-conversion limit
    st.text(min_size=1, max_size=20),
)
_types = st.one_of(
    st.sampled_from(["contact", "contacts", "0-1", "company", "0-2", "deals", "0-5", "2-3456", "p_cars"]),
    st.sampled_from(["contacts", "companies", "default", "CONTACT", "p12345_cars", "2-1"]),
    st.text(min_size=1, max_size=20),
)
_segment = st.one_of(_ids, _types)


def _path(template: str, *segments: str) -> str:
    """A path as a client sends it: each generated segment percent-encoded (a ``/`` inside one as ``%2F``)."""
    return template.format(*(quote(segment, safe="") for segment in segments))


_LABELLED = "/crm/v4/objects/{}/{}/associations/{}/{}"
_DEFAULT = "/crm/v4/objects/{}/{}/associations/default/{}/{}"
_BATCHES = (
    "/crm/v4/associations/{}/{}/batch/create",
    "/crm/v4/associations/{}/{}/batch/associate/default",
    "/crm/v4/associations/{}/{}/batch/read",
    "/crm/v4/associations/{}/{}/batch/archive",
    "/crm/v4/associations/{}/{}/batch/labels/archive",
)
_PAGE = "/crm/v4/objects/{}/{}/associations/{}"
_good_types = st.sampled_from(["contact", "0-1", "companies", "0-2"])
_good_ids = st.sampled_from([CONTACT, COMPANY, "1000002", "2000002"])
_paths = st.one_of(
    st.builds(lambda *parts: _path(_LABELLED, *parts), _good_types, _good_ids, _good_types, _good_ids),
    st.builds(lambda *parts: _path(_DEFAULT, *parts), _good_types, _good_ids, _good_types, _good_ids),
    st.builds(lambda *parts: _path(_LABELLED, *parts), _types, _ids, _types, _ids),
    st.builds(lambda *parts: _path(_DEFAULT, *parts), _types, _ids, _types, _ids),
    st.builds(lambda template, *parts: _path(template, *parts), st.sampled_from(_BATCHES), _good_types, _good_types),
    st.builds(lambda template, *parts: _path(template, *parts), st.sampled_from(_BATCHES), _types, _types),
    st.builds(lambda *parts: _path(_PAGE, *parts), _good_types, _good_ids, _good_types),
    st.builds(
        lambda path, query: f"{path}?{query}",
        st.builds(lambda *parts: _path(_PAGE, *parts), _good_types, _good_ids, _good_types),
        st.sampled_from(["limit=0", "limit=501", "limit=1&after=1", "after=x", "limit=99999999999999", "after="]),
    ),
    st.sampled_from(
        [
            "/oauth/v1/token",
            "/oauth/v3/token",
            "/_emulator/stats",
            "/_emulator/associations",
            "/_emulator/associations/remove",
            "/",
        ]
    ),
    st.lists(_segment, max_size=8).map(lambda parts: _path("/{}" * len(parts), *parts)),
)
_methods = st.one_of(
    st.just("PUT"),
    st.just("PUT"),
    st.just("POST"),
    st.sampled_from(["GET", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    st.text(alphabet=st.characters(min_codepoint=65, max_codepoint=90), min_size=1, max_size=10),
)
_header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=60
)
_authorization = st.one_of(
    st.just("Bearer emulator-token"),
    st.just("Bearer emulator-token"),
    st.builds(lambda value: f"Bearer {value}", _header_values),
    _header_values,
)
_headers = st.dictionaries(
    st.sampled_from(["Authorization", "Content-Type", "Accept", "X-Anything", "Content-Encoding", "Cookie"]),
    _header_values,
    max_size=4,
).flatmap(lambda headers: st.builds(lambda auth: {**headers, "Authorization": auth}, _authorization))

_json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"]),
)
_json_values = st.recursive(
    _json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_spec_like = st.fixed_dictionaries(
    {"associationCategory": _json_values, "associationTypeId": st.one_of(_json_values, st.integers())}
)
_valid_specs = st.lists(
    st.sampled_from(
        [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
            {"associationCategory": "USER_DEFINED", "associationTypeId": 36},
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280},
            {"associationCategory": "USER_DEFINED", "associationTypeId": 5003},
        ]
    ),
    min_size=1,
    max_size=3,
)
_record = st.one_of(st.builds(lambda i: {"id": i}, st.one_of(_ids, st.integers(), _json_values)), _json_values)
_batch_input = st.fixed_dictionaries(
    {"from": _record, "to": _record}, optional={"types": st.one_of(_valid_specs, st.lists(_spec_like, max_size=2))}
)
_bodies = st.one_of(
    _valid_specs.map(lambda value: json.dumps(value).encode()),
    _valid_specs.map(lambda value: json.dumps(value).encode()),
    st.lists(_batch_input, max_size=6).map(lambda inputs: json.dumps({"inputs": inputs}).encode()),
    st.lists(
        st.fixed_dictionaries({"id": st.one_of(_ids, st.integers(), _json_values)}, optional={"after": _json_values})
    ).map(lambda inputs: json.dumps({"inputs": inputs}).encode()),
    st.lists(st.fixed_dictionaries({"from": _record, "to": st.one_of(st.lists(_record, max_size=3), _record)})).map(
        lambda inputs: json.dumps({"inputs": inputs}).encode()
    ),
    st.lists(_json_values, max_size=3).map(lambda rows: json.dumps({"associations": rows}).encode()),
    st.just(b""),
    st.binary(max_size=200),
    _json_values.map(lambda value: json.dumps(value).encode()),
    st.lists(_spec_like, max_size=4).map(lambda value: json.dumps(value).encode()),
    st.integers(min_value=1, max_value=120_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(min_value=4_290, max_value=6_000).map(
        lambda digits: b'[{"associationCategory":"USER_DEFINED","associationTypeId":' + b"7" * digits + b"}]"
    ),
)


# -- checks ----------------------------------------------------------------------------------------------------------


def _check_answer(method: str, response: httpx.Response) -> None:
    correlation_id = response.headers.get("X-HubSpot-Correlation-Id")
    assert correlation_id, (response.status_code, response.headers, response.text[:300])
    content_type = response.headers.get("content-type", "")
    if response.status_code in CLOUDFLARE_ERRORS:
        return
    if response.status_code == 204:  # the DELETE and the archives: no body, as HubSpot answers them
        assert response.content == b""
        return
    assert content_type == JSON_CONTENT_TYPE
    if response.status_code == 405:
        assert response.headers.get("Allow")
    if method == "HEAD":
        return
    body: Any = response.json()
    if response.status_code >= 400 and isinstance(body, dict) and "error" not in body:
        assert body["status"] == "error"
        assert isinstance(body["message"], str)
        assert body["correlationId"] == correlation_id


class _Client:
    """Sends one request at a time to an app in process; app exceptions propagate (so a bug cannot hide)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._runner = asyncio.Runner()
        transport = httpx.ASGITransport(app=create_app(config), raise_app_exceptions=True)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://emulator")

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> httpx.Response:
        raw_headers = [(name.encode("ascii"), value.encode("latin-1")) for name, value in headers.items()]
        return self._runner.run(self._client.request(method, path, headers=raw_headers, content=body))

    def close(self) -> None:
        self._runner.run(self._client.aclose())
        self._runner.close()


@pytest.fixture(scope="module")
def plain() -> Iterator[_Client]:
    client = _Client(EmulatorConfig(rate_limit=None, daily_limit=None))
    yield client
    client.close()


@pytest.fixture(scope="module")
def faulty() -> Iterator[_Client]:
    config = EmulatorConfig(rate_limit=3, rate_window_s=60.0, daily_limit=50, fault_rate=0.5, faults=tuple(FAULT_KINDS))
    client = _Client(config)
    yield client
    client.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=_methods, path=_paths, headers=_headers, body=_bodies)
def test_no_5xx_without_faults(plain: _Client, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
    response = plain.request(method, path, headers, body)

    event(f"status {response.status_code}")
    assert response.status_code < 500, response.text[:500]
    _check_answer(method, response)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=_methods, path=_paths, headers=_headers, body=_bodies)
def test_5xx_only_from_injected_faults(
    faulty: _Client, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    try:
        response = faulty.request(method, path, headers, body)
    except ConnectionDropped:
        return  # the "drop" and "drop_after_commit" faults
    if response.status_code >= 500:
        assert response.status_code in {500, 503, *CLOUDFLARE_ERRORS}
        # Every HubSpot operation may get a fault (the reads and removals too); nothing else does.
        operations = {("PUT", "objects"), ("GET", "objects"), ("DELETE", "objects"), ("POST", "associations")}
        assert (method, path.split("/")[3]) in operations
    _check_answer(method, response)
