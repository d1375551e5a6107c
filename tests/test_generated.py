"""The generated package alone must survive what real HubSpot sends (fixed by openapi/templates/)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.associations import associate_default, associate_with_labels
from hubspot_associations_api.models import (
    AssociationSpec,
    AssociationSpecAssociationCategory,
    BatchResponsePublicDefaultAssociation,
    BatchResponsePublicDefaultAssociationStatus,
    Error,
    LabelsBetweenObjectPair,
    RateLimitError,
)
from hubspot_associations_api.types import path_segment

DEFAULT_BODY: dict[str, Any] = {
    "status": "COMPLETE",
    "results": [
        {
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
            "from": {"id": "101"},
            "to": {"id": "202"},
        }
    ],
    "startedAt": "2026-11-23T09:30:00.113Z",
    "completedAt": "2026-11-23T09:30:00.161Z",
}


def client_answering(
    status: int, content: bytes | str, content_type: str = "application/json", seen: list[httpx.Request] | None = None
) -> AuthenticatedClient:
    """A generated client whose every request gets this answer; requests are appended to ``seen``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, content=content, headers={"content-type": content_type})

    client = AuthenticatedClient(base_url="https://api.hubapi.com", token="test-token")
    client.set_httpx_client(httpx.Client(base_url="https://api.hubapi.com", transport=httpx.MockTransport(handler)))
    return client


def test_unknown_enum_values_are_kept_not_raised() -> None:
    body = dict(DEFAULT_BODY, status="ARCHIVED")
    body["results"] = [
        dict(body["results"][0], associationSpec={"associationCategory": "TEAM", "associationTypeId": 9})
    ]
    parsed = BatchResponsePublicDefaultAssociation.from_dict(body)

    assert parsed.status == "ARCHIVED"
    assert not parsed.status.is_known
    category = parsed.results[0].association_spec.association_category
    assert category.value == "TEAM" and not category.is_known
    assert isinstance(category, AssociationSpecAssociationCategory)
    assert AssociationSpecAssociationCategory("WORK").is_known
    assert BatchResponsePublicDefaultAssociationStatus.COMPLETE.is_known
    # The unknown value serialises back unchanged.
    assert parsed.to_dict()["status"] == "ARCHIVED"


def test_unknown_enum_value_keeps_the_detailed_response() -> None:
    body = b'{"fromObjectTypeId":"0-1","fromObjectId":"1","toObjectTypeId":"0-2","toObjectId":"2","labels":[]}'
    client = client_answering(201, body)
    spec = AssociationSpec(AssociationSpecAssociationCategory("FUTURE_CATEGORY"), 7)
    response = associate_with_labels.sync_detailed("contacts", "1", "companies", "2", client=client, body=[spec])
    assert isinstance(response.parsed, LabelsBetweenObjectPair)


def test_numeric_ids_are_read_as_strings() -> None:
    pair = LabelsBetweenObjectPair.from_dict(
        {
            "fromObjectTypeId": "0-1",
            "fromObjectId": 3_000_000_001,
            "toObjectTypeId": "0-2",
            "toObjectId": 7,
            "labels": [],
        }
    )
    assert pair.from_object_id == "3000000001"
    assert pair.to_object_id == "7"


@pytest.mark.parametrize("status", [499, 520, 527, 599])
def test_non_standard_status_does_not_raise(status: int) -> None:
    response = associate_default.sync_detailed("contacts", "1", "companies", "2", client=client_answering(status, b""))
    assert response.status_code == status
    assert response.parsed is None


@pytest.mark.parametrize(
    ("status", "content", "content_type"),
    [
        (502, "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", "text/html"),
        (520, "<html><body>Web server is returning an unknown error</body></html>", "text/html"),
        (500, "", "application/json"),
        (400, '{"status":"error","message":"truncated', "application/json"),
        (403, "[1, 2]", "application/json"),
        (200, "not json at all", "text/plain"),
    ],
)
def test_odd_bodies_keep_the_raw_response(status: int, content: str, content_type: str) -> None:
    response = associate_default.sync_detailed(
        "contacts", "1", "companies", "2", client=client_answering(status, content, content_type)
    )
    assert response.status_code == status
    assert response.content == content.encode()
    assert response.parsed is None


@pytest.mark.parametrize(
    ("status", "content", "model"),
    [
        (400, b'{"status":"error","message":"Unable to infer object type from: foo","correlationId":"x"}', Error),
        (429, b'{"status":"error","message":"You have reached your daily limit."}', RateLimitError),
    ],
)
def test_error_bodies_without_category_or_policy_name_are_parsed(status: int, content: bytes, model: type) -> None:
    # Only `message` is required: real bodies omit category (infer errors, every 429) and sometimes policyName.
    response = associate_default.sync_detailed(
        "contacts", "1", "companies", "2", client=client_answering(status, content)
    )
    assert isinstance(response.parsed, Error | RateLimitError) and isinstance(response.parsed, model)
    assert response.parsed.message == json.loads(content)["message"]


def test_documented_error_body_is_parsed() -> None:
    body = (
        b'{"status":"error","message":"One or more associations are invalid","correlationId":"c-1",'
        b'"category":"VALIDATION_ERROR","context":{"INVALID_OBJECT_IDS":["CONTACT=9"]}}'
    )
    response = associate_default.sync_detailed("contacts", "9", "companies", "2", client=client_answering(400, body))
    assert isinstance(response.parsed, Error)
    assert response.parsed.category == "VALIDATION_ERROR"
    assert response.parsed.status == "error"
    assert response.parsed.context is not None


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("contacts", "contacts"),
        ("2-99", "2-99"),
        ("p123_cars", "p123_cars"),
        (101, "101"),
        ("a/b c", "a%2Fb%20c"),
        ("ü?#", "%C3%BC%3F%23"),
        ("", ""),
    ],
)
def test_path_segments_are_percent_encoded_only_when_needed(value: object, segment: str) -> None:
    assert path_segment(value) == segment


def test_a_path_parameter_cannot_add_segments() -> None:
    seen: list[httpx.Request] = []
    client = client_answering(200, json.dumps(DEFAULT_BODY), seen=seen)
    associate_default.sync_detailed("contacts", "1/../../x", "companies", "2", client=client)
    assert seen[0].url.raw_path == b"/crm/v4/objects/contacts/1%2F..%2F..%2Fx/associations/default/companies/2"


def test_success_body_is_parsed_and_path_is_quoted() -> None:
    seen: list[httpx.Request] = []
    client = client_answering(200, json.dumps(DEFAULT_BODY), seen=seen)
    response = associate_default.sync_detailed("p_cars", "1", "2-99", "2", client=client)
    assert isinstance(response.parsed, BatchResponsePublicDefaultAssociation)
    assert response.parsed.results[0].from_.id == "101"
    assert seen[0].method == "PUT"
    assert seen[0].url.path == "/crm/v4/objects/p_cars/1/associations/default/2-99/2"
    assert seen[0].content == b""


def test_response_and_file_are_small_value_types() -> None:
    """types.Response and types.File are plain classes (not attrs: see docs/performance.md) that keep the fields,
    keyword construction, repr and equality the standalone client's users had."""
    import io

    from hubspot_associations_api.types import File, Response

    first: Response[str] = Response(status_code=201, content=b"{}", headers={"a": "b"}, parsed=None)
    assert first == Response(201, b"{}", {"a": "b"}, None)
    assert first != Response(200, b"{}", {"a": "b"}, None)
    assert repr(first) == "Response(status_code=201, content=b'{}', headers={'a': 'b'}, parsed=None)"
    first.parsed = "changed"  # mutable, as the attrs class was
    assert first.parsed == "changed"
    with pytest.raises(AttributeError):
        first.other = 1  # type: ignore[attr-defined]  # slotted: no stray attributes
    payload = io.BytesIO(b"x")
    upload = File(payload=payload, file_name="a.csv", mime_type="text/csv")
    assert upload.to_tuple() == ("a.csv", payload, "text/csv")
    assert upload == File(payload, "a.csv", "text/csv")
    assert "file_name='a.csv'" in repr(upload)
