"""Successful association PUTs, object type forms, idempotency and the inspection routes."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubspot_associations.emulator import Association, EmulatorConfig, EmulatorState, create_app
from tests.emulator.emulator_support import (
    AUTH,
    COMPANY,
    CONTACT,
    DEAL,
    TICKET,
    ClientFactory,
    default_url,
    labelled_url,
)

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def test_default_put_returns_both_directions(client: httpx.AsyncClient) -> None:
    response = await client.put(default_url("contacts", CONTACT, "companies", COMPANY), headers=AUTH)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "COMPLETE"
    assert body["results"] == [
        {
            "from": {"id": CONTACT},
            "to": {"id": COMPANY},
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
        },
        {
            "from": {"id": COMPANY},
            "to": {"id": CONTACT},
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280},
        },
    ]
    assert ISO_MS.match(body["startedAt"]) and ISO_MS.match(body["completedAt"])
    assert uuid.UUID(response.headers["X-HubSpot-Correlation-Id"]).version == 4
    assert response.headers["X-HubSpot-RateLimit-Max"] == "190"
    assert response.headers["X-HubSpot-RateLimit-Remaining"] == "189"
    assert response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert response.headers["X-HubSpot-RateLimit-Daily"] == "1000000"  # private-app tokens get daily headers
    assert response.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "999999"
    assert response.headers["content-type"] == "application/json;charset=utf-8"


@pytest.mark.parametrize(
    ("from_type", "from_id", "to_type", "to_id", "forward", "reverse"),
    [
        ("contact", CONTACT, "deal", DEAL, 4, 3),
        ("contact", CONTACT, "ticket", TICKET, 15, 16),
        ("company", COMPANY, "deal", DEAL, 342, 341),
        ("company", COMPANY, "ticket", TICKET, 340, 339),
        ("deal", DEAL, "ticket", TICKET, 27, 28),
        ("contact", CONTACT, "contact", "1000002", 449, 449),
    ],
)
async def test_default_type_ids_per_pair(
    client: httpx.AsyncClient, from_type: str, from_id: str, to_type: str, to_id: str, forward: int, reverse: int
) -> None:
    response = await client.put(default_url(from_type, from_id, to_type, to_id), headers=AUTH)

    specs = [result["associationSpec"]["associationTypeId"] for result in response.json()["results"]]
    assert specs == [forward, reverse]


async def test_labelled_put_returns_201_with_numeric_ids_and_labels(client: httpx.AsyncClient) -> None:
    specs = [
        {"associationCategory": "USER_DEFINED", "associationTypeId": 36},
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
    ]
    response = await client.put(labelled_url("contacts", CONTACT, "companies", COMPANY), headers=AUTH, json=specs)

    assert response.status_code == 201
    assert response.json() == {
        "fromObjectTypeId": "0-1",
        "fromObjectId": int(CONTACT),
        "toObjectTypeId": "0-2",
        "toObjectId": int(COMPANY),
        "labels": ["Manager", "Primary"],
    }
    assert response.headers["Location"] == f"http://emulator/crm/v4/objects/0-1/{CONTACT}/associations/0-2/{COMPANY}"


async def test_unlabeled_hubspot_defined_type_gives_no_labels(client: httpx.AsyncClient) -> None:
    specs = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 4}]
    response = await client.put(labelled_url("0-1", CONTACT, "0-3", DEAL), headers=AUTH, json=specs)

    assert response.status_code == 201
    assert response.json()["labels"] == []


async def test_repeated_puts_store_one_association_but_count_every_put(emulator_client: ClientFactory) -> None:
    async with emulator_client() as (client, state):
        for _ in range(3):
            await client.put(default_url("contact", CONTACT, "company", COMPANY), headers=AUTH)
        specs = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]
        await client.put(labelled_url("0-1", CONTACT, "0-2", COMPANY), headers=AUTH, json=specs)

        assert state.put_count == 4
        assert state.all_associations() == [Association("0-1", CONTACT, "0-2", COMPANY, "HUBSPOT_DEFINED", 279)]
        assert state.associations("0-1", CONTACT) == state.all_associations()
        assert state.associations("0-2", COMPANY) == []


@pytest.mark.parametrize(
    ("from_type", "to_type"),
    [("contact", "company"), ("CONTACTS", "Companies"), ("0-1", "0-2"), ("Contact", "0-2")],
)
async def test_object_type_forms(emulator_client: ClientFactory, from_type: str, to_type: str) -> None:
    async with emulator_client() as (client, state):
        response = await client.put(default_url(from_type, CONTACT, to_type, COMPANY), headers=AUTH)

        assert response.status_code == 200
        assert state.all_associations()[0][:4] == ("0-1", CONTACT, "0-2", COMPANY)


@pytest.mark.parametrize("custom", ["2-3456", "p_cars", "p12345_cars", "P_CARS"])
async def test_custom_object_forms_and_big_ids(emulator_client: ClientFactory, custom: str) -> None:
    async with emulator_client() as (client, state):
        car = state.object_ids("2-3456")[0]
        assert int(car) > 2**31

        default = await client.put(default_url("contacts", CONTACT, custom, car), headers=AUTH)
        specs = [{"associationCategory": "USER_DEFINED", "associationTypeId": 5003}]
        labelled = await client.put(labelled_url("contacts", CONTACT, custom, car), headers=AUTH, json=specs)

        assert [r["associationSpec"]["associationTypeId"] for r in default.json()["results"]] == [5001, 5002]
        assert labelled.json() == {
            "fromObjectTypeId": "0-1",
            "fromObjectId": int(CONTACT),
            "toObjectTypeId": "2-3456",
            "toObjectId": int(car),
            "labels": ["Driver"],
        }


def test_seeded_object_ids() -> None:
    state = EmulatorState(EmulatorConfig(seed_objects={"0-1": 3, "0-2": 2}))

    assert state.object_ids("0-1") == ["1000001", "1000002", "1000003"]
    assert state.object_ids("0-2") == ["2000001", "2000002"]
    assert state.object_ids("0-3") == []


async def test_inspection_routes_need_no_auth_and_reset(client: httpx.AsyncClient) -> None:
    await client.put(default_url("deal", DEAL, "ticket", TICKET), headers=AUTH)
    await client.put(default_url("deal", DEAL, "ticket", TICKET), headers=AUTH)
    await client.put(default_url("deal", "1", "ticket", TICKET), headers=AUTH)

    listed = (await client.get("/_emulator/associations")).json()
    stats = (await client.get("/_emulator/stats")).json()

    assert listed == [
        {
            "fromObjectTypeId": "0-3",
            "fromObjectId": DEAL,
            "toObjectTypeId": "0-5",
            "toObjectId": TICKET,
            "associationCategory": "HUBSPOT_DEFINED",
            "associationTypeId": 27,
        }
    ]
    assert stats == {
        "put_count": 2,
        "batch_count": 0,
        "applied_pairs": 2,
        "token_grants": 0,
        "counts_by_status": {"200": 2, "400": 1},
        "unique_associations": 1,
        "unique_pairs": 1,
    }
    assert (await client.post("/_emulator/reset")).json() == {"status": "reset"}
    assert (await client.get("/_emulator/associations")).json() == []
    assert (await client.get("/_emulator/stats")).json()["put_count"] == 0


async def test_request_log_and_status_counts(emulator_client: ClientFactory) -> None:
    async with emulator_client() as (client, state):
        await client.put(default_url("contact", CONTACT, "company", COMPANY), headers=AUTH)
        await client.put(default_url("contact", CONTACT, "company", COMPANY))

        path = default_url("contact", CONTACT, "company", COMPANY)
        assert state.request_log == [("PUT", path, 200), ("PUT", path, 401)]
        assert state.counts_by_status == {200: 1, 401: 1}


async def test_unknown_route_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/crm/v4/nothing")

    assert response.status_code == 404
    assert response.json()["correlationId"] == response.headers["X-HubSpot-Correlation-Id"]
    assert response.headers["content-type"] == "application/json;charset=utf-8"


async def test_wrong_method_is_json_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.get(default_url("contact", CONTACT, "company", COMPANY), headers=AUTH)

    assert response.status_code == 405
    assert response.headers["Allow"] == "PUT"
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    body = response.json()
    assert body["correlationId"] == response.headers["X-HubSpot-Correlation-Id"]
    assert body["message"] == "HTTP method GET is not supported"


async def test_inspection_routes_carry_a_correlation_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/_emulator/stats")

    assert uuid.UUID(response.headers["X-HubSpot-Correlation-Id"])
    assert response.headers["content-type"] == "application/json;charset=utf-8"


def test_create_app_exposes_state_and_rejects_conflicting_config() -> None:
    state = EmulatorState()
    assert create_app(state=state).state.emulator is state
    assert isinstance(create_app().state.emulator, EmulatorState)
    with pytest.raises(ValueError, match="either config"):
        create_app(EmulatorConfig(), state)


_rows = st.builds(
    Association,
    st.sampled_from(["0-1", "0-2"]),
    st.sampled_from(["1", "2"]),
    st.sampled_from(["0-1", "0-2"]),
    st.sampled_from(["1", "2"]),
    st.just("HUBSPOT_DEFINED"),
    st.sampled_from([1, 279]),
)
_pairs = st.tuples(*[st.sampled_from(choices) for choices in (["0-1", "0-2"], ["1", "2"]) * 2])
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("apply"), st.lists(_rows, max_size=4)),
        st.tuples(st.just("remove"), st.lists(_pairs, max_size=2), st.none() | st.just([("HUBSPOT_DEFINED", 1)])),
    ),
    max_size=12,
)


@given(_steps)
def test_stats_counts_kept_as_associations_change_match_a_recount(steps: list[tuple[Any, ...]]) -> None:
    state = EmulatorState(EmulatorConfig())
    sent: list[tuple[str, str, str, str]] = []
    for step in steps:
        if step[0] == "apply":
            state.apply(step[1], batch=True)
            sent += list({row[:4] for row in step[1]})
        else:
            state.remove(step[1], step[2])
        stored = state.all_associations()
        assert state.association_counts() == (len(stored), len({row[:4] for row in stored}))
    assert state.applied_pairs == len(sent)  # each request's distinct pairs, repeats across requests included
