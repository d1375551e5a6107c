"""The read and remove operations on both clients: the paged GET (all pages, bounded in items, pages and time),
batch read (1,000 ids, 207 partial answers kept, per-id cursors), DELETE of a pair, the two batch archives (204),
each on v4 and the dated versions, against the emulator (in process over loopback) and httpx.MockTransport.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from hubspot_associations import (
    API_VERSIONS,
    APITimeoutError,
    AssociationRow,
    AssociationSpec,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    InvalidInputError,
    OutcomeStatus,
    PagingLimitError,
    RowStatus,
    UnexpectedResponseError,
    next_cursor,
)
from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.support import FakeClock, Server, clock_seams

TOKEN = "pat-na1-SECRET-11111111-2222-3333-4444-555555555555"
VERSIONS = list(API_VERSIONS)
PRIMARY = AssociationSpec("HUBSPOT_DEFINED", 1)


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=30)) as running:
        yield running


def _client(emulator: RunningEmulator, version: str = "v4") -> HubSpotAssociations:
    return HubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version=version, max_batch_size=1000)


def _associate(client: HubSpotAssociations, contact: str, companies: list[str]) -> None:
    for start in range(0, len(companies), 1000):
        pairs = [(contact, company) for company in companies[start : start + 1000]]
        assert client.associate_default_batch("contacts", "companies", pairs).all_confirmed


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_on_every_version(emulator: RunningEmulator, version: str) -> None:
    """A record with 1,200 associations read fully across pages; batch read keeps a 207's results; the DELETE and
    both archives remove exactly what they name; every request on the version's own path."""
    contacts, companies = emulator.state.object_ids("0-1"), emulator.state.object_ids("0-2")
    contact = contacts[VERSIONS.index(version) + 10]
    start = len(emulator.state.request_log)
    with _client(emulator, version) as client:
        _associate(client, contact, companies[:1200])
        raw = client.with_raw_response.list_associations("contacts", contact, "companies")
        assert sorted(item.to_object_id for item in raw.parsed) == sorted(companies[:1200])
        assert raw.status_code == 200 and raw.attempts == 3  # three pages of 500, one attempt each
        assert {spec.type_id for item in raw.parsed for spec in item.association_types} == {279}

        read = client.read_batch("contacts", "companies", [contact, 999, contacts[-1]])
        assert [outcome.status for outcome in read] == [
            OutcomeStatus.CONFIRMED,
            OutcomeStatus.FAILED,  # 999 names no record: the 207's error item
            OutcomeStatus.UNCONFIRMED,  # a record without associations gets no result
        ]
        first = read[0].results[0]
        after = next_cursor(first.paging)
        assert len(first.to) == 500 and after is not None
        rest = client.read_batch("contacts", "companies", [(contact, after)])
        assert len(rest[0].results[0].to) == 500

        client.remove("contacts", contact, "companies", companies[0])
        removed = client.archive_batch("contacts", "companies", [(contact, companies[1]), (contact, companies[2])])
        assert removed.all_confirmed and len(removed) == 2
        client.associate("contacts", contact, "companies", companies[3], [PRIMARY])
        labels = client.archive_labels_batch("contacts", "companies", [(contact, companies[3], [PRIMARY])])
        assert labels.all_confirmed
        left = client.list_associations("contacts", contact, "companies", limit=200)
    assert sorted(item.to_object_id for item in left) == sorted(companies[3:1200])
    third = next(item for item in left if item.to_object_id == companies[3])
    assert [spec.type_id for spec in third.association_types] == [279]  # only the Primary label went
    objects = "/crm/v4/objects" if version == "v4" else f"/crm/objects/{version}"
    batches = "/crm/v4/associations" if version == "v4" else f"/crm/associations/{version}"
    log = emulator.state.request_log[start:]
    assert ("GET", f"{objects}/contacts/{contact}/associations/companies", 200) in log
    assert ("DELETE", f"{objects}/contacts/{contact}/associations/companies/{companies[0]}", 204) in log
    for tail, status in (("read", 207), ("archive", 204), ("labels/archive", 204)):
        assert ("POST", f"{batches}/contacts/companies/batch/{tail}", status) in log


def test_batch_read_takes_1000_ids_and_refuses_more_before_sending(emulator: RunningEmulator) -> None:
    ids = emulator.state.object_ids("0-1")[:1001]
    with _client(emulator) as client:
        assert len(client.read_batch("contacts", "companies", ids[:1000])) == 1000
        start = len(emulator.state.request_log)
        with pytest.raises(InvalidInputError, match="more than 1000 ids"):
            client.read_batch("contacts", "companies", ids)
        assert len(emulator.state.request_log) == start
        with pytest.raises(InvalidInputError, match="after"):
            client.read_batch("contacts", "companies", [(ids[0], "")])
    # The emulator refuses more than 1,000 as HubSpot does: one whole-request 400.
    body = {"inputs": [{"id": i} for i in ids]}
    answer = httpx.post(
        f"{emulator.base_url}/crm/v4/associations/contacts/companies/batch/read",
        json=body,
        headers={"Authorization": f"Bearer {emulator.token}"},
    )
    assert answer.status_code == 400 and "exceeds the limit of 1000" in answer.json()["message"]


def test_verify_many_reads_each_record_across_its_pages(emulator: RunningEmulator) -> None:
    contact = emulator.state.object_ids("0-1")[40]
    companies = emulator.state.object_ids("0-2")[:1200]
    with _client(emulator) as client:
        _associate(client, contact, companies[:1199])
        rows = [
            AssociationRow("contacts", contact, "companies", company, line=n) for n, company in enumerate(companies)
        ]
        checks = list(client.verify_many(rows))
    assert [check.row.line for check in checks] == list(range(1200))  # input order
    assert [check.status for check in checks] == [RowStatus.PRESENT] * 1199 + [RowStatus.MISSING]


def test_verify_many_splits_a_read_whose_answer_is_larger_than_the_body_cap(emulator: RunningEmulator) -> None:
    """Many records with many associations: the answer outgrows max_response_bytes, so the ids are read again in
    halves (the cap holds, nothing is left unverified); a single record's page beyond the cap is unverified."""
    contacts = emulator.state.object_ids("0-1")[60:70]
    companies = emulator.state.object_ids("0-2")[:100]
    with _client(emulator) as client:
        for contact in contacts:
            _associate(client, contact, companies)
    rows = [AssociationRow("contacts", c, "companies", company) for c in contacts for company in companies]
    start = len(emulator.state.request_log)
    with HubSpotAssociations(emulator.token, base_url=emulator.base_url, max_response_bytes=20_000) as small:
        checks = list(small.verify_many(rows))
        assert {check.status for check in checks} == {RowStatus.PRESENT}
        reads = [entry for entry in emulator.state.request_log[start:] if entry[1].endswith("/batch/read")]
        assert len(reads) > 1
    with HubSpotAssociations(emulator.token, base_url=emulator.base_url, max_response_bytes=1_000) as tiny:
        checks = list(tiny.verify_many(rows[:1]))
    assert checks[0].status is RowStatus.UNVERIFIED and "max_response_bytes" in checks[0].message


# -- bounds of the paged read, through MockTransport ------------------------------------------------------------------


def _endless(request: httpx.Request) -> httpx.Response:
    """A server that always has one more page, with a new cursor each time."""
    after = int(request.url.params.get("after", "0"))
    body = {
        "results": [{"toObjectId": after + 1, "associationTypes": []}],
        "paging": {"next": {"after": str(after + 1)}},
    }
    return httpx.Response(200, json=body)


def test_a_server_paging_forever_is_cut_by_max_pages_and_max_items() -> None:
    server = Server(_endless)
    with HubSpotAssociations(TOKEN, http_client=server.http()) as client:
        with pytest.raises(PagingLimitError, match="max_pages=5") as pages:
            client.list_associations("contacts", 1, "companies", max_pages=5)
        assert pages.value.items == 5 and server.calls == 5
        with pytest.raises(PagingLimitError, match="max_items=3"):
            client.list_associations("contacts", 1, "companies", max_items=3)


def test_a_cursor_sent_twice_stops_at_once() -> None:
    body = {"results": [], "paging": {"next": {"after": "same"}}}
    server = Server(lambda request: httpx.Response(200, json=body))
    client = HubSpotAssociations(TOKEN, http_client=server.http())
    with client, pytest.raises(PagingLimitError, match="twice"):
        client.list_associations("contacts", 1, "companies")
    assert server.calls == 2


def test_the_timeout_is_the_budget_of_every_page_together() -> None:
    clock = FakeClock()

    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 4.0  # each page takes 4 s of the fake clock
        return _endless(request)

    server = Server(slow)
    client = HubSpotAssociations(TOKEN, http_client=server.http(), **clock_seams(clock))
    with client, pytest.raises(APITimeoutError, match="budget was spent after 3 page"):
        client.list_associations("contacts", 1, "companies", timeout=10.0)
    assert server.calls == 3


def test_hostile_pages_and_204s_are_typed_errors() -> None:
    server = Server(
        httpx.Response(200, json={"results": [], "paging": {"next": {"after": ["x"]}}}),
        httpx.Response(200, json={"results": [{"toObjectId": None, "associationTypes": []}]}),
        httpx.Response(204, json={"unexpected": True}),
    )
    with HubSpotAssociations(TOKEN, http_client=server.http(), max_retries=0) as client:
        for _ in range(2):
            with pytest.raises(UnexpectedResponseError):
                client.list_associations("contacts", 1, "companies")
        with pytest.raises(UnexpectedResponseError):
            client.remove("contacts", 1, "companies", 2)
    assert server.calls == 3


def test_bad_arguments_are_refused_before_any_request() -> None:
    server = Server(_endless)
    with HubSpotAssociations(TOKEN, http_client=server.http()) as client:
        for kwargs in ({"limit": 501}, {"limit": 0}, {"max_items": 0}, {"max_pages": -1}):
            with pytest.raises(InvalidInputError):
                client.list_associations("contacts", 1, "companies", **kwargs)
        with pytest.raises(InvalidInputError):
            client.remove("contacts", "x", "companies", 2)
        with pytest.raises(InvalidInputError):
            client.archive_batch("contacts", "companies", [])
    assert server.calls == 0


def test_archive_bodies_are_hubspots() -> None:
    server = Server(lambda request: httpx.Response(204))
    with HubSpotAssociations(TOKEN, http_client=server.http()) as client:
        client.archive_batch("contacts", "companies", [(101, 202)])
        client.archive_labels_batch("contacts", "companies", [(101, 202, [PRIMARY])])
    assert json.loads(server.requests[0].content) == {"inputs": [{"from": {"id": "101"}, "to": [{"id": "202"}]}]}
    assert json.loads(server.requests[1].content) == {
        "inputs": [
            {
                "from": {"id": "101"},
                "to": {"id": "202"},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
            }
        ]
    }
    assert server.requests[1].url.path == "/crm/v4/associations/contacts/companies/batch/labels/archive"


# -- the async client --------------------------------------------------------------------------------------------------


async def test_the_async_client_reads_and_removes_alike(emulator: RunningEmulator) -> None:
    contact = emulator.state.object_ids("0-1")[50]
    companies = emulator.state.object_ids("0-2")[:600]
    with _client(emulator, "2026-09") as sync:
        _associate(sync, contact, companies)
    async with AsyncHubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version="2026-09") as client:
        items = await client.list_associations("contacts", contact, "companies")
        assert len(items) == 600
        read = await client.read_batch("contacts", "companies", [contact])
        assert read[0].ok and len(read[0].results[0].to) == 500
        await client.remove("contacts", contact, "companies", companies[0])
        assert (await client.archive_batch("contacts", "companies", [(contact, companies[1])])).all_confirmed
        raw = await client.with_raw_response.archive_labels_batch(
            "contacts", "companies", [(contact, companies[2], [279])]
        )
        assert raw.status_code == 204 and raw.parsed.all_confirmed
        left = await client.list_associations("contacts", contact, "companies", limit=100)
    assert len(left) == 597


def test_an_archive_answered_with_a_body_is_read_like_any_batch_answer() -> None:
    """HubSpot documents a bare 204; should an archive ever answer with errors, they fail the inputs they name and
    nothing else is claimed (no result can confirm a removal)."""
    body = {
        "status": "COMPLETE",
        "results": [],
        "errors": [{"status": "error", "category": "VALIDATION_ERROR", "message": "999 is not a valid ID"}],
    }
    server = Server(httpx.Response(207, json=body))
    with HubSpotAssociations(TOKEN, http_client=server.http()) as client:
        result = client.archive_batch("contacts", "companies", [(101, 999), (101, 202)])
    assert [outcome.status for outcome in result] == [OutcomeStatus.FAILED, OutcomeStatus.UNCONFIRMED]


async def test_the_async_client_verifies_and_removes_alike(emulator: RunningEmulator) -> None:
    contact = emulator.state.object_ids("0-1")[80]
    companies = emulator.state.object_ids("0-2")[:30]
    with _client(emulator) as sync:
        _associate(sync, contact, companies[:20])
    rows = [AssociationRow("contacts", contact, "companies", company, line=n) for n, company in enumerate(companies)]

    async def rows_async() -> AsyncIterator[AssociationRow]:
        for row in rows:
            yield row

    async with AsyncHubSpotAssociations(emulator.token, base_url=emulator.base_url, max_batch_size=7) as client:
        checks = [check async for check in client.verify_many(rows_async(), batch_size=8)]
        assert [check.status for check in checks] == [RowStatus.PRESENT] * 20 + [RowStatus.MISSING] * 10
        removed = [check async for check in client.remove_many(rows[:10])]
        assert [check.status for check in removed] == [RowStatus.REMOVED] * 10
        again = [check.status async for check in client.verify_many(rows)]
    assert again == [RowStatus.MISSING] * 10 + [RowStatus.PRESENT] * 10 + [RowStatus.MISSING] * 10
