"""Error answers: authentication, scopes, object types, record ids, association types, malformed bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubspot_associations import API_VERSIONS
from hubspot_associations.emulator import EmulatorConfig
from tests.emulator.emulator_support import AUTH, COMPANY, CONTACT, DEAL, ClientFactory, default_url, labelled_url

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more "
    "details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


def assert_correlated(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert body["correlationId"] == response.headers["X-HubSpot-Correlation-Id"]
    assert body["status"] == "error"
    return body


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic emulator-token"}])
async def test_missing_or_unknown_token_is_401(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.put(default_url("contact", CONTACT, "company", COMPANY), headers=headers)

    assert response.status_code == 401
    assert response.headers["x-hubspot-auth-failure"] == "401 Unauthorized"
    assert "X-HubSpot-RateLimit-Max" not in response.headers
    body = assert_correlated(response)
    assert body["message"] == AUTH_MESSAGE
    assert body["category"] == "INVALID_AUTHENTICATION"


async def test_missing_scope_is_403(emulator_client: ClientFactory) -> None:
    config = EmulatorConfig(tokens={"narrow": frozenset({"crm.objects.contacts.write"})})
    async with emulator_client(config) as (client, state):
        response = await client.put(
            default_url("contact", CONTACT, "company", COMPANY), headers={"Authorization": "Bearer narrow"}
        )

        assert response.status_code == 403
        body = assert_correlated(response)
        assert body["category"] == "MISSING_SCOPES"
        assert body["message"].startswith("This app hasn't been granted all required scopes")
        assert body["errors"] == [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": ["crm.objects.companies.write"]},
            }
        ]
        assert body["links"] == {"scopes": "https://developers.hubspot.com/scopes"}
        assert state.all_associations() == []


async def test_custom_objects_need_custom_scope(emulator_client: ClientFactory) -> None:
    config = EmulatorConfig(tokens={"std": frozenset({"crm.objects.contacts.write"})})
    async with emulator_client(config) as (client, state):
        car = state.object_ids("2-3456")[0]
        response = await client.put(
            default_url("contact", CONTACT, "p_cars", car), headers={"Authorization": "Bearer std"}
        )

        assert response.status_code == 403
        assert response.json()["errors"][0]["context"]["requiredGranularScopes"] == ["crm.objects.custom.write"]


async def test_unknown_object_type_has_no_category(client: httpx.AsyncClient) -> None:
    response = await client.put(default_url("contact", CONTACT, "foo", COMPANY), headers=AUTH)

    assert response.status_code == 400
    body = assert_correlated(response)
    assert body == {
        "status": "error",
        "message": "Unable to infer object type from: foo",
        "correlationId": body["correlationId"],
    }


@pytest.mark.parametrize(
    ("from_id", "to_id", "invalid"),
    [
        ("38374264688", COMPANY, [("CONTACT", "38374264688")]),
        (CONTACT, "abc", [("COMPANY", "abc")]),
        (COMPANY, CONTACT, [("CONTACT", "2000001"), ("COMPANY", "1000001")]),
        ("9" * 5000, COMPANY, [("CONTACT", "9" * 5000)]),  # beyond Python's int-conversion limit
    ],
)
async def test_unknown_record_ids_are_400(
    client: httpx.AsyncClient, from_id: str, to_id: str, invalid: list[tuple[str, str]]
) -> None:
    response = await client.put(default_url("contacts", from_id, "companies", to_id), headers=AUTH)

    assert response.status_code == 400
    body = assert_correlated(response)
    assert body["message"] == "One or more associations are invalid"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["context"] == {
        "objectId": [object_id for _name, object_id in invalid],
        "objectType": [name for name, _object_id in invalid],
        "INVALID_OBJECT_IDS": [f"{name}={object_id} is not valid" for name, object_id in invalid],
    }


async def test_unknown_record_matches_hubspots_wording(client: httpx.AsyncClient) -> None:
    response = await client.put(default_url("contacts", "38374264688", "companies", COMPANY), headers=AUTH)

    assert response.json()["context"] == {
        "objectId": ["38374264688"],
        "objectType": ["CONTACT"],
        "INVALID_OBJECT_IDS": ["CONTACT=38374264688 is not valid"],
    }


@pytest.mark.parametrize(
    ("specs", "invalid"),
    [
        ([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}], ["HUBSPOT_DEFINED=280"]),  # direction
        ([{"associationCategory": "USER_DEFINED", "associationTypeId": 279}], ["USER_DEFINED=279"]),  # category
        ([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 4}], ["HUBSPOT_DEFINED=4"]),  # contact→deal
        (
            [
                {"associationCategory": "USER_DEFINED", "associationTypeId": 999},
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
                {"associationCategory": "INTEGRATOR_DEFINED", "associationTypeId": 36},
            ],
            ["USER_DEFINED=999", "INTEGRATOR_DEFINED=36"],
        ),
    ],
)
async def test_invalid_association_type_ids_are_400(
    emulator_client: ClientFactory, specs: list[dict[str, Any]], invalid: list[str]
) -> None:
    async with emulator_client() as (client, state):
        response = await client.put(labelled_url("contact", CONTACT, "company", COMPANY), headers=AUTH, json=specs)

        assert response.status_code == 400
        body = assert_correlated(response)
        assert body["category"] == "VALIDATION_ERROR"
        assert body["context"] == {
            "associationSpec": invalid,
            "INVALID_ASSOCIATION_TYPE_ID": [f"{spec} is not a valid association definition id" for spec in invalid],
        }
        assert body["message"] == "One or more associations are invalid"
        assert state.all_associations() == []
        assert state.put_count == 0


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"", "Expecting value"),
        (b"{not json", "Expecting property name"),
        (b'{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279}', "java.util.ArrayList"),
        (b"[]", "At least one association spec"),
        (b'[{"associationCategory":"HUBSPOT_DEFINED"}]', "'associationTypeId'"),
        (b'[{"associationTypeId":279}]', "'associationCategory'"),
        (b'[{"associationCategory":"FRIENDS","associationTypeId":279}]', '"FRIENDS"'),
        (b'[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":"x"}]', "`int`"),
        (b"[279]", "AssociationSpec"),
        (b'[{"associationCategory":{},"associationTypeId":1}]', "from Object value"),
        (b'[{"associationCategory":[],"associationTypeId":1}]', "from Array value"),
        (b'[{"associationCategory":"USER_DEFINED","associationTypeId":2147483648}]', "`int` from Integer"),
        (b'[{"associationCategory":"USER_DEFINED","associationTypeId":' + b"9" * 5000 + b"}]", "Number value length"),
        (b"[" * 100_000 + b"]" * 100_000, "nesting depth"),
        (b'["\xc3\x28"]', "Invalid UTF-8"),
    ],
)
async def test_malformed_body_is_400(client: httpx.AsyncClient, content: bytes, detail: str) -> None:
    response = await client.put(labelled_url("contact", CONTACT, "company", COMPANY), headers=AUTH, content=content)

    assert response.status_code == 400
    body = assert_correlated(response)
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"].startswith("Invalid input JSON on line 1, column ")
    assert detail in body["message"]


async def test_pair_without_default_type_is_400(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(portal_labels={})) as (client, state):
        car = state.object_ids("2-3456")[0]
        response = await client.put(default_url("deal", DEAL, "2-3456", car), headers=AUTH)

        assert response.status_code == 400
        assert response.json()["message"] == "There is no default association type from DEAL to CARS"


@pytest.mark.parametrize("version", list(API_VERSIONS))
@pytest.mark.parametrize(
    ("labelled", "from_type", "from_id", "to_type", "to_id"),
    [
        (False, "contacts", CONTACT, "contacts", CONTACT),
        (False, "contact", CONTACT, "0-1", f"00{CONTACT}"),  # the same record in other spellings
        (True, "contacts", CONTACT, "contacts", CONTACT),
        (True, "0-2", COMPANY, "company", COMPANY),
    ],
)
async def test_single_puts_refuse_a_record_with_itself_as_the_batch_does(
    emulator_client: ClientFactory, version: str, labelled: bool, from_type: str, from_id: str, to_type: str, to_id: str
) -> None:
    # Our reading (docs/emulator.md): HubSpot documents no single-PUT answer; this is the batch item's real message.
    url = (labelled_url if labelled else default_url)(from_type, from_id, to_type, to_id)
    specs = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 449 if from_type == "contacts" else 13}]
    async with emulator_client() as (client, state):
        response = await client.put(API_VERSIONS[version].path(url), headers=AUTH, json=specs if labelled else None)

        assert response.status_code == 400
        body = assert_correlated(response)
        record = str(int(from_id))
        assert body == {
            "status": "error",
            "message": f"Object {record} cannot be associated to itself ({record})",
            "correlationId": body["correlationId"],
            "category": "VALIDATION_ERROR",
        }
        assert state.all_associations() == [] and state.put_count == 0
