"""The emulator's batch operations: HubSpot's shapes per input, whole-request 400s, one request against the limit,
idempotency, faults; and the SDK reading a partial batch of 100 against it."""

from __future__ import annotations

from typing import Any

import httpx

from hubspot_associations import AsyncHubSpotAssociations, BatchInputError, OutcomeStatus
from hubspot_associations.emulator import EmulatorConfig, EmulatorState, create_app
from tests.emulator.emulator_support import AUTH, COMPANY, CONTACT, ClientFactory
from tests.support import Server

CREATE = "/crm/v4/associations/contacts/companies/batch/create"
DEFAULT = "/crm/v4/associations/contacts/companies/batch/associate/default"
CONTACT_2, COMPANY_2 = "1000002", "2000002"


def labelled(from_id: str | int, to_id: str | int, *specs: tuple[str, int]) -> dict[str, Any]:
    types = [{"associationCategory": c, "associationTypeId": t} for c, t in specs or [("HUBSPOT_DEFINED", 279)]]
    return {"from": {"id": from_id}, "to": {"id": to_id}, "types": types}


def unlabelled(from_id: str | int, to_id: str | int) -> dict[str, Any]:
    return {"from": {"id": from_id}, "to": {"id": to_id}}


async def test_an_all_good_batch_create_is_201_with_numeric_ids_and_no_optional_keys(client: httpx.AsyncClient) -> None:
    inputs = [labelled(CONTACT, COMPANY, ("USER_DEFINED", 36)), labelled(int(CONTACT_2), COMPANY_2)]
    response = await client.post(CREATE, json={"inputs": inputs}, headers=AUTH)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"status", "results", "startedAt", "completedAt"}
    assert body["results"] == [
        {"fromObjectTypeId": "0-1", "fromObjectId": 1000001, "toObjectTypeId": "0-2", "toObjectId": 2000001,
         "labels": ["Manager"]},
        {"fromObjectTypeId": "0-1", "fromObjectId": 1000002, "toObjectTypeId": "0-2", "toObjectId": 2000002,
         "labels": []},
    ]  # fmt: skip


async def test_a_partial_batch_create_is_207_with_one_item_per_problem(client: httpx.AsyncClient) -> None:
    inputs = [
        labelled(CONTACT, COMPANY),
        labelled(CONTACT, "999"),
        labelled(CONTACT_2, "999"),  # the same unknown id: reported once
        labelled(CONTACT_2, COMPANY_2, ("USER_DEFINED", 3)),
    ]
    body = (await client.post(CREATE, json={"inputs": inputs}, headers=AUTH)).json()
    assert [result["toObjectId"] for result in body["results"]] == [2000001]
    assert body["numErrors"] == 2 and body["errors"] == [
        {"status": "error", "category": "VALIDATION_ERROR", "subCategory": "crm.associations.INVALID_IDENTIFIER",
         "message": "999 is not a valid ID", "context": {"id": ["999"]}},
        {"status": "error", "category": "VALIDATION_ERROR",
         "message": "USER_DEFINED=3 is not a valid association definition id",
         "context": {"associationSpec": ["USER_DEFINED=3"]}},
    ]  # fmt: skip


async def test_self_associations_name_the_id_only_in_the_message(client: httpx.AsyncClient) -> None:
    url = "/crm/v4/associations/contacts/contacts/batch/create"
    inputs = [labelled(CONTACT, CONTACT, ("HUBSPOT_DEFINED", 449))]
    response = await client.post(url, json={"inputs": inputs}, headers=AUTH)
    assert response.status_code == 207
    assert response.json()["results"] == []
    assert response.json()["errors"] == [
        {"status": "error", "category": "VALIDATION_ERROR",
         "message": f"Object {CONTACT} cannot be associated to itself ({CONTACT})"},
    ]  # fmt: skip


async def test_batch_associate_default_answers_both_directions_200_or_207(client: httpx.AsyncClient) -> None:
    ok = await client.post(DEFAULT, json={"inputs": [unlabelled(CONTACT, int(COMPANY))]}, headers=AUTH)
    assert ok.status_code == 200 and set(ok.json()) == {"status", "results", "startedAt", "completedAt"}
    assert [
        (r["from"]["id"], r["to"]["id"], r["associationSpec"]["associationTypeId"]) for r in ok.json()["results"]
    ] == [
        (1000001, 2000001, 279),
        (2000001, 1000001, 280),
    ]
    partial = await client.post(DEFAULT, json={"inputs": [unlabelled(CONTACT, "5")]}, headers=AUTH)
    assert partial.status_code == 207 and partial.json()["errors"][0]["context"] == {"id": ["5"]}


async def test_whole_request_problems_are_400s(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(batch_input_limit=2)) as (client, state):
        too_many = await client.post(CREATE, json={"inputs": [labelled(CONTACT, COMPANY)] * 3}, headers=AUTH)
        assert too_many.status_code == 400 and too_many.json()["category"] == "VALIDATION_ERROR"
        assert "exceeds the limit of 2" in too_many.json()["message"]
        no_body = await client.post(CREATE, headers=AUTH)
        assert no_body.json()["message"] == "Invalid JSON input: a request body was expected, but none found"
        for body in (b"[]", b'{"inputs": []}', b'{"inputs": [{"from": {"id": true}}]}', b'{"inputs": [{"from"'):
            response = await client.post(CREATE, content=body, headers=AUTH)
            assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"
        missing_types = await client.post(CREATE, json={"inputs": [unlabelled(CONTACT, COMPANY)]}, headers=AUTH)
        assert missing_types.status_code == 400
        assert state.all_associations() == []


async def test_a_batch_is_one_request_against_the_limit_and_idempotent(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(rate_limit=2)) as (client, state):
        inputs = [labelled(int(CONTACT) + n, COMPANY) for n in range(50)]
        first = await client.post(CREATE, json={"inputs": inputs}, headers=AUTH)
        second = await client.post(CREATE, json={"inputs": inputs}, headers=AUTH)
        third = await client.post(CREATE, json={"inputs": inputs}, headers=AUTH)
        assert [first.status_code, second.status_code, third.status_code] == [201, 201, 429]
        assert first.headers["X-HubSpot-RateLimit-Remaining"] == "1"
        assert len(state.all_associations()) == 50 and state.batch_count == 2
        assert state.applied_pairs == 100  # each pair applied by both accepted batches


async def test_faults_apply_to_batches(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=("503",), seed=1)) as (client, state):
        response = await client.post(CREATE, json={"inputs": [labelled(CONTACT, COMPANY)]}, headers=AUTH)
        assert response.status_code == 503 and state.all_associations() == []


async def test_the_sdk_reads_a_partial_batch_of_100_with_7_bad_inputs() -> None:
    state = EmulatorState(EmulatorConfig())
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(state=state)))
    client = AsyncHubSpotAssociations("emulator-token", base_url="http://emulator", http_client=http)
    contacts, companies = state.object_ids("0-1"), state.object_ids("0-2")
    items: list[tuple[str | int, str | int, Any]] = [(contacts[n], int(companies[n]), 279) for n in range(100)]
    bad = {
        3: (contacts[3], "999", 279),  # unknown company
        17: ("12", companies[17], 279),  # unknown contact
        29: (contacts[29], companies[29], [279, 999_999]),  # unknown type
        41: (contacts[41], "998", 279),
        58: (contacts[58], companies[58], 123_456),
        77: ("13", "14", 279),  # two unknown ids
        90: (contacts[90], "997", 279),
    }
    for position, item in bad.items():
        items[position] = item
    raw = await client.with_raw_response.associate_batch("contacts", "companies", items)
    result = raw.parsed
    assert raw.status_code == 207 and len(result.confirmed) == 93 and len(result.failed) == 7 and not result.unconfirmed
    assert [outcome.index for outcome in result.failed] == sorted(bad)
    for outcome in result.failed:
        assert isinstance(outcome.error, BatchInputError)
    reasons = {outcome.index: outcome.error.message for outcome in result.failed if outcome.error}
    assert reasons[3] == "999 is not a valid ID" and "999999" in reasons[29] and "123456" in reasons[58]
    assert all(outcome.status is OutcomeStatus.CONFIRMED for outcome in result if outcome.index not in bad)
    self_pairs = [(contacts[n], contacts[n]) for n in range(3)] + [(contacts[5], contacts[6])]
    default = await client.associate_default_batch("contacts", "contacts", self_pairs)
    assert [outcome.status for outcome in default] == [OutcomeStatus.FAILED] * 3 + [OutcomeStatus.CONFIRMED]
    assert state.batch_count == 2
    # The same answer with ids as strings, without its optional keys, as 200, 201 or 207, reads the same.
    body = raw.http_response.json()
    for result_item in body["results"]:
        result_item["fromObjectId"], result_item["toObjectId"] = (
            str(result_item["fromObjectId"]),
            str(result_item["toObjectId"]),
        )
    for key in ("numErrors", "startedAt", "completedAt", "status"):
        body.pop(key)
    for status in (200, 201, 207):
        server = Server(httpx.Response(status, json=body))
        replay = AsyncHubSpotAssociations("emulator-token", http_client=server.async_http())
        again = await replay.associate_batch("contacts", "companies", items)
        assert [(o.status, o.error and o.error.message) for o in again] == [
            (o.status, o.error and o.error.message) for o in result
        ]
