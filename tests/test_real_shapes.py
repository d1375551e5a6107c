"""Every response shape HubSpot really sends parses as what it is: HubSpot's own documented examples and the looser
batch-error items seen in live traffic.

The two example bodies come from HubSpot's (German) reference pages of the two endpoints. Copies live in
``tests/data/seeds/`` so these tests run from any checkout or sdist; where the pages themselves are at hand (CI keeps
them in ``../shared/seeds/`` beside the clone), a test proves the copies are exactly what the pages print.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from spec_versions import spec_on_every_version

from hubspot_associations import (
    AssociationRow,
    BadRequestError,
    BatchResponsePublicDefaultAssociation,
    HubSpotAssociations,
    LabelsBetweenObjectPair,
    PermissionDeniedError,
)
from hubspot_associations_api.models import ErrorContextObject, ErrorSubCategoryObject

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
DATA = Path(__file__).parent / "data" / "seeds"
# The copy of each page's example response, by the file name of HubSpot's page under ../shared/seeds/.
SEED_COPIES = {
    "000_344877958c0e0c52.txt": "associate_default.json",  # PUT .../associations/default/{toObjectType}/{toObjectId}
    "001_92cfbc136fc83a96.txt": "associate_with_labels.json",  # PUT .../associations/{toObjectType}/{toObjectId}
}
# Set by .ci/run: there the pages must be present, so a missing directory fails instead of skipping.
SEEDS_REQUIRED_ENV = "HUBSPOT_SEEDS_REQUIRED"


def seeds_dir() -> Path:
    override = os.environ.get("HUBSPOT_SEEDS_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def printed_example(page: str) -> str:
    """The example response as the page prints it: from the first line that is exactly ``{`` to the next ``}``."""
    lines = page.splitlines()
    start = lines.index("{")
    end = lines.index("}", start)
    return "\n".join(lines[start : end + 1]) + "\n"


def committed(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def client_answering(status: int, body: bytes, headers: dict[str, str] | None = None) -> HubSpotAssociations:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json", **(headers or {})})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return HubSpotAssociations(TOKEN, http_client=http, max_retries=0)


@pytest.mark.parametrize(("seed", "copy"), sorted(SEED_COPIES.items()))
def test_committed_examples_are_exactly_what_the_seed_pages_print(seed: str, copy: str) -> None:
    directory = seeds_dir()
    if not directory.is_dir():
        if os.environ.get(SEEDS_REQUIRED_ENV):
            pytest.fail(f"{SEEDS_REQUIRED_ENV} is set but {directory} does not exist")
        pytest.skip(f"HubSpot's pages are not beside this checkout ({directory}); CI checks the copies")
    page = (directory / seed).read_text(encoding="utf-8")
    assert (DATA / copy).read_text(encoding="utf-8") == printed_example(page)


def test_default_example_from_hubspots_page_parses_as_success() -> None:
    body = (DATA / "associate_default.json").read_bytes()
    with client_answering(200, body) as client:
        parsed = client.associate_default("contacts", "101", "companies", "202")

    assert isinstance(parsed, BatchResponsePublicDefaultAssociation)
    assert parsed.status == "PENDING"
    assert parsed.results[0].association_spec.association_type_id == 279
    assert parsed.results[0].from_.id == "<string>"
    assert isinstance(parsed.errors, list)
    (error,) = parsed.errors
    assert isinstance(error.sub_category, ErrorSubCategoryObject)  # an object, as HubSpot's page prints it
    assert error.sub_category.to_dict() == {}
    assert isinstance(error.errors, list)
    (detail,) = error.errors
    # Sent as a JSON-encoded string; the SDK decodes it into the object it encodes.
    assert isinstance(detail.context, ErrorContextObject)
    assert detail.context.to_dict() == {"missingScopes": ["scope1", "scope2"]}
    assert detail.sub_category == "<string>"


def test_labelled_example_from_hubspots_page_parses_as_success() -> None:
    body = (DATA / "associate_with_labels.json").read_bytes()
    with client_answering(201, body) as client:
        parsed = client.associate("contacts", "101", "companies", "202", 279)

    assert isinstance(parsed, LabelsBetweenObjectPair)
    assert parsed.labels == ["<string>"]
    assert (parsed.from_object_id, parsed.to_object_id) == ("<string>", "<string>")


SELF_ASSOCIATION_ITEM = {
    "status": "error",
    "category": "VALIDATION_ERROR",
    "message": "Object 211762804612 cannot be associated to itself (211762804612)",
}


def default_body_with(errors: list[Any]) -> bytes:
    body = committed("associate_default.json")
    body.update(status="COMPLETE", numErrors=len(errors), errors=errors)
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(SELF_ASSOCIATION_ITEM, id="no-links-context-subcategory"),
        pytest.param({**SELF_ASSOCIATION_ITEM, "context": '{"missingScopes":["a","b"]}'}, id="context-json-string"),
        pytest.param({**SELF_ASSOCIATION_ITEM, "subCategory": {"code": "SELF"}}, id="subcategory-object"),
        pytest.param({**SELF_ASSOCIATION_ITEM, "subCategory": "crm.associations.SELF"}, id="subcategory-string"),
        pytest.param({"status": "error", "message": "no category at all"}, id="no-category"),
        pytest.param(
            {**SELF_ASSOCIATION_ITEM, "context": {"ids": [1, 2], "nested": {"a": None}, "n": 3}}, id="context-any"
        ),
        pytest.param({**SELF_ASSOCIATION_ITEM, "errors": [{"message": "m", "context": "{}"}]}, id="detail-string"),
    ],
)
def test_batch_error_items_of_real_traffic_parse(item: dict[str, Any]) -> None:
    with client_answering(200, default_body_with([item])) as client:
        parsed = client.associate_default("contacts", "211762804612", "contacts", "211762804612")

    assert isinstance(parsed.errors, list)
    (error,) = parsed.errors
    assert error.message == item["message"]
    assert error.to_dict()["message"] == item["message"]
    if item.get("context") == '{"missingScopes":["a","b"]}':
        assert isinstance(error.context, ErrorContextObject)
        assert error.context["missingScopes"] == ["a", "b"]


def test_a_batch_error_item_with_numeric_ids_keeps_ids_as_strings() -> None:
    body = committed("associate_default.json")
    body["results"][0]["from"]["id"] = 3_000_000_001
    body["results"][0]["to"]["id"] = 7
    body["errors"][0]["id"] = 42
    with client_answering(200, json.dumps(body).encode()) as client:
        parsed = client.associate_default("contacts", "1", "companies", "2")

    assert (parsed.results[0].from_.id, parsed.results[0].to.id) == ("3000000001", "7")
    assert isinstance(parsed.errors, list) and parsed.errors[0].id == "42"


def test_error_context_sent_as_a_json_string_is_decoded_on_the_error() -> None:
    body = {
        "status": "error",
        "message": "This app hasn't been granted all required scopes to make this call.",
        "category": "MISSING_SCOPES",
        "subCategory": {"code": "SCOPES"},
        "errors": [
            {"message": "One or more of the following scopes are required.", "context": '{"missingScopes":["s1","s2"]}'}
        ],
    }
    with client_answering(403, json.dumps(body).encode()) as client, pytest.raises(PermissionDeniedError) as caught:
        client.associate_default("contacts", "1", "companies", "2")

    assert caught.value.errors[0]["context"] == {"missingScopes": ["s1", "s2"]}
    assert caught.value.missing_scopes == ("s1", "s2")
    assert caught.value.sub_category is None  # only a string is a sub-category name; the object stays in json_body


def test_a_batch_error_body_fails_only_its_row_in_bulk() -> None:
    bad = {"status": "error", "category": "VALIDATION_ERROR", "message": "One or more associations are invalid"}
    body = json.dumps({**bad, "context": '{"INVALID_OBJECT_IDS":["CONTACT=9"]}'}).encode()
    with client_answering(400, body) as client:
        (outcome,) = list(client.associate_many([AssociationRow("contacts", 9, "companies", 2)]))

    assert isinstance(outcome.error, BadRequestError)
    assert outcome.error.invalid_object_ids == ("CONTACT=9",)


# -- the spec tells the truth: every body above, and every recorded body, validates against it -------------------

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "hubspot-crm-associations-v4.yaml"
CASSETTES = Path(__file__).parent / "cassettes"


def spec() -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def response_schema(document: dict[str, Any], default: bool | str, status: int) -> dict[str, Any]:
    """The JSON Schema the spec gives the body of ``status`` from one operation, with the components beside it.

    ``default`` picks one of the PUTs (True: the default one); a string is a request path, matched against every
    operation's path template."""
    if isinstance(default, str):
        (operation,) = (
            next(iter(item.values()))
            for path, item in document["paths"].items()
            if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)), default)
        )
    else:
        suffix = (
            "associations/default/{toObjectType}/{toObjectId}"
            if default
            else "associations/{toObjectType}/{toObjectId}"
        )
        (operation,) = (item["put"] for path, item in document["paths"].items() if path.endswith(suffix))
    responses = operation["responses"]
    response = responses.get(str(status)) or responses[f"{status // 100}XX"]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return {**response["content"]["application/json"]["schema"], "components": document["components"]}


def validate(document: dict[str, Any], default: bool | str, status: int, body: Any) -> None:
    import jsonschema

    schema = response_schema(document, default, status)
    jsonschema.Draft202012Validator(schema).validate(body)


def test_the_seed_examples_and_real_batch_items_validate_against_the_spec() -> None:
    document = spec()
    validate(document, True, 200, committed("associate_default.json"))
    validate(document, False, 201, committed("associate_with_labels.json"))
    body = json.loads(default_body_with([SELF_ASSOCIATION_ITEM, {**SELF_ASSOCIATION_ITEM, "subCategory": {"a": 1}}]))
    body["results"][0]["from"]["id"] = 3_000_000_001
    validate(document, True, 200, body)
    validate(document, True, 429, {"status": "error", "message": "You have reached your daily limit."})
    validate(document, True, 400, {"status": "error", "message": "Unable to infer object type from: cars"})


def test_the_spec_still_rejects_what_is_not_a_result() -> None:
    import jsonschema

    document = spec()
    with pytest.raises(jsonschema.ValidationError):
        validate(document, True, 200, {**committed("associate_default.json"), "results": [{"from": {"id": True}}]})
    with pytest.raises(jsonschema.ValidationError):
        validate(document, True, 400, {"status": "error", "context": "{}"})  # no message


def recorded_json_bodies() -> list[Any]:
    import yaml

    found = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        for number, interaction in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]):
            response, uri = interaction["response"], interaction["request"]["uri"]
            content_type = " ".join(response["headers"].get("content-type", []))
            if "/oauth/" in uri or "json" not in content_type:
                continue  # token endpoint (not in this spec); Cloudflare's HTML pages (the spec allows them)
            body = json.loads(response["body"]["string"])
            found.append(
                pytest.param(httpx.URL(uri).path, response["status"]["code"], body, id=f"{path.stem}-{number}")
            )
    return found


@pytest.mark.parametrize(("path", "status", "body"), recorded_json_bodies())
def test_every_recorded_body_validates_against_the_spec(path: str, status: int, body: Any) -> None:
    # On every API version's path (x-hubspot-api-versions): the spec says the dated versions answer alike.
    validate(spec_on_every_version(spec()), path, status, body)
