"""Property-based: whatever a server answers, a call returns its result or raises a ``HubSpotError`` — nothing else.

Random status codes, headers and bodies (invalid UTF-8, wrong JSON types, huge numbers, deep nesting, HubSpot's own
example bodies with one field replaced by anything) go to the API response, to the OAuth token response and into
``associate_many``. Header names and values may be any bytes (latin-1, UTF-8, invalid UTF-8, controls, the token
itself): the answers are built from raw bytes, as a server sends them. Bounded: a few hundred examples in a few
seconds, no real sleeping.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubspot_associations import (
    APIStatusError,
    AssociationRow,
    AsyncHubSpotAssociations,
    BatchResponsePublicDefaultAssociation,
    HubSpotAssociations,
    HubSpotError,
    LabelsBetweenObjectPair,
    OAuthRefresh,
    OAuthRefreshError,
    UnexpectedResponseError,
)
from tests.support import FakeClock

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
SEEDS = Path(__file__).parent / "data" / "seeds"
EXAMPLES = [json.loads((SEEDS / name).read_text(encoding="utf-8")) for name in sorted(p.name for p in SEEDS.iterdir())]
BOUNDED = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def _replace(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the node that ``path`` picks (each step an index into a dict's keys or a list) set to ``new``."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    value[key] = _replace(value[key], path[1:], new)
    return value


@st.composite
def mutated_examples(draw: st.DrawFn) -> bytes:
    body = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    path = draw(st.lists(st.integers(min_value=0, max_value=50), max_size=5))
    return json.dumps(_replace(body, path, draw(json_values))).encode()


@st.composite
def deep_nesting(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(min_value=900, max_value=100_000))
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
    return opener * depth + b"1" + closer * depth


bodies = st.one_of(
    st.binary(max_size=300),  # mostly invalid UTF-8 and not JSON
    json_values.map(lambda value: json.dumps(value).encode()),
    mutated_examples(),
    deep_nesting(),
    st.integers(min_value=4300, max_value=20_000).map(lambda digits: b"9" * digits),  # beyond int() conversion
    st.just(b'{"message": "\xff\xfe\xfd", "category": "VALIDATION_ERROR"}'),
    st.just(b'{"status":"error","message":"x","context":"{\\"a\\":[1e999]}","subCategory":{}}'),
    st.sampled_from([b"<html><title>502 Bad Gateway</title></html>", b"", b"null", b"[]", b'"text"', b"1e999"]),
)
header_names = st.sampled_from(
    [
        "Retry-After",
        "retry-after-ms",
        "X-HubSpot-RateLimit-Max",
        "X-HubSpot-RateLimit-Remaining",
        "X-HubSpot-RateLimit-Interval-Milliseconds",
        "X-HubSpot-RateLimit-Daily",
        "X-HubSpot-RateLimit-Daily-Remaining",
        "X-HubSpot-Correlation-Id",
        "Content-Type",
        "Content-Encoding",
        "WWW-Authenticate",
        "Set-Cookie",
        "Authorization",
    ]
).map(str.encode) | st.binary(min_size=1, max_size=20)
header_values = st.one_of(
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.encode),
    st.sampled_from(["gzip", "br", "deflate", "0", "-1", "1e999", "nan", "Wed, 21 Oct 2015 07:28:00 -0000"]).map(
        str.encode
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda number: str(number).encode()),
    st.binary(max_size=40),  # any bytes: invalid UTF-8, controls, NUL
    st.text(max_size=20).map(lambda text: text.encode("utf-8", "surrogatepass")),  # any UTF-8 (٣, é, emoji...)
    st.text(max_size=20).map(lambda text: text.encode("latin-1", "replace")),
    st.sampled_from(["٣".encode(), "été".encode("latin-1"), b"\xff\xfe", f"Bearer {TOKEN}\u00e9".encode()]),
)
statuses = st.one_of(st.integers(min_value=100, max_value=599), st.sampled_from([200, 201, 400, 401, 429, 502]))


@attrs.frozen
class Answer:
    """One drawn answer; every request gets a fresh :class:`httpx.Response` built from it."""

    status: int
    headers: list[tuple[bytes, bytes]]  # raw, as on the wire: httpx would encode text as ASCII
    body: bytes

    def response(self) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, content=self.body)


answers = st.builds(Answer, statuses, st.lists(st.tuples(header_names, header_values), max_size=5), bodies)


def serving(drawn: list[Answer]) -> Callable[[httpx.Request], httpx.Response]:
    queue: Iterator[Answer] = iter(drawn)
    last = drawn[-1]

    def handler(request: httpx.Request) -> httpx.Response:
        return next(queue, last).response()

    return handler


def no_sleep(*, asynchronous: bool = False) -> dict[str, Any]:
    """``sleep=`` for a client whose waits (single calls and bulk workers alike) return at once. The clock stays
    real: on a clock that never moves, a row that starts as another row's 429 holds the pacer has a wait exactly
    as long as its budget, which ends it before its first attempt; these properties are about answers, not that."""
    fake = FakeClock()
    return {"sleep": fake.async_sleep if asynchronous else fake.sleep}


def assert_only_tree_errors(call: Callable[[], object], secret: str | None = None) -> None:
    """``call`` returns a documented result or raises a tree error that shows itself, without ``secret``."""
    try:
        result = call()
    except HubSpotError as error:
        # What the SDK shows of an error (CLI, logs) must not fail either, nor show the token.
        assert str(error) and repr(error)
        assert isinstance(error, APIStatusError | UnexpectedResponseError | OAuthRefreshError) or error.attempts
        if secret is not None:
            assert secret not in str(error)
            if isinstance(error, APIStatusError | UnexpectedResponseError):
                assert all(secret.encode() not in value for _name, value in error.headers.raw)
        return
    assert isinstance(result, BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair)


@BOUNDED
@given(st.lists(answers, min_size=1, max_size=3), st.booleans())
def test_any_api_response_gives_a_result_or_a_tree_error(responses: list[Answer], labelled: bool) -> None:
    http = httpx.Client(transport=httpx.MockTransport(serving(responses)))
    with HubSpotAssociations(TOKEN, http_client=http, max_retries=2, **no_sleep()) as client:
        if labelled:
            assert_only_tree_errors(lambda: client.associate("contacts", "1", "companies", "2", 279), TOKEN)
        else:
            assert_only_tree_errors(lambda: client.associate_default("contacts", "1", "companies", "2"), TOKEN)


huge_numbers = st.integers(min_value=10**300, max_value=10**400) | st.sampled_from([1e308, -1.0, 0])
token_bodies = st.fixed_dictionaries(
    {"access_token": st.just("new-access-token-0123456789") | json_values},
    optional={
        "expires_in": huge_numbers | json_values,
        "refresh_token": st.just("rotated-refresh-token-0123") | json_values,
        "scopes": st.lists(json_values, max_size=3) | json_values,
        "token_type": json_values,
    },
).map(lambda body: json.dumps(body).encode())
token_answers = st.builds(
    Answer,
    st.sampled_from([200, 200, 400, 401, 500]) | statuses,
    st.lists(st.tuples(header_names, header_values), max_size=3),
    token_bodies | bodies,
)
expired = {
    "status": "error",
    "message": "The OAuth token used to make this call expired",
    "category": "EXPIRED_AUTHENTICATION",
}
api_answers = st.builds(
    Answer,
    st.sampled_from([401, 401, 200]) | statuses,
    st.lists(st.tuples(header_names, header_values), max_size=3),
    st.just(json.dumps(expired).encode()) | bodies,
)


@BOUNDED
@given(token_answers, api_answers, st.booleans())
def test_any_token_response_gives_a_result_or_a_tree_error(token: Answer, api: Answer, has_access_token: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return (token if request.url.path == "/oauth/v1/token" else api).response()

    auth = OAuthRefresh(
        "client-id",
        "client-secret-123456",
        "refresh-token-123456",
        access_token="old-access-token-0123456789" if has_access_token else None,
        token_url="/oauth/v1/token",
    )
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(auth=auth, http_client=http, max_retries=1, **no_sleep()) as client:
        assert_only_tree_errors(lambda: client.associate_default("contacts", "1", "companies", "2"))


@settings(BOUNDED, max_examples=40)
@given(st.lists(answers, min_size=1, max_size=6))
def test_associate_many_yields_one_outcome_per_row_whatever_the_answers(responses: list[Answer]) -> None:
    rows = [AssociationRow("contacts", n, "companies", n + 1, specs=[279] if n % 2 else ()) for n in range(1, 5)]
    http = httpx.Client(transport=httpx.MockTransport(serving(responses)))
    with HubSpotAssociations(TOKEN, http_client=http, max_retries=1, **no_sleep()) as client:
        outcomes = list(client.associate_many(rows, concurrency=2))
    assert sorted(outcome.index for outcome in outcomes) == [0, 1, 2, 3]
    for outcome in outcomes:
        assert (outcome.result is None) != (outcome.error is None)
        assert outcome.error is None or isinstance(outcome.error, HubSpotError)
        assert outcome.attempts >= 1


@settings(BOUNDED, max_examples=40)
@given(st.lists(answers, min_size=1, max_size=3))
async def test_the_async_client_too(responses: list[Answer]) -> None:
    # Run by anyio's plugin on asyncio and on trio, like every async test.
    http = httpx.AsyncClient(transport=httpx.MockTransport(serving(responses)))
    async with AsyncHubSpotAssociations(
        TOKEN, http_client=http, max_retries=1, **no_sleep(asynchronous=True)
    ) as client:
        try:
            await client.associate_default("contacts", "1", "companies", "2")
        except HubSpotError as error:
            assert str(error) and repr(error)
            assert TOKEN not in str(error)
