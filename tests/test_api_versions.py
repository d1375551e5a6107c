"""HubSpot API versions: every operation goes to its version's path, errors read the same, typos fail first.

The expected paths are written out literally (not computed with the SDK's own mapping), so a wrong mapping fails
here. ``tests/cli/test_api_version_cli.py`` covers ``--api-version`` of the CLI, bulk runs and the journal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from spec_versions import METHODS, api_versions, spec_on_every_version, version_path, versioned_operations

from hubspot_associations import (
    API_VERSIONS,
    DEFAULT_API_VERSION,
    ApiVersion,
    AssociationSpec,
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from hubspot_associations import _api_versions as api_versions_module
from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from hubspot_associations.emulator._command import config_from_args
from tests.support import DEFAULT_BODY, PAIR, Server, default_result, hubspot_error, load_tool, pair_result

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "openapi" / "hubspot-crm-associations-v4.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
TOKEN = "pat-na1-00000000-0000-0000-0000-000000000000"

# The two PUTs' paths on each version, as HubSpot's reference pages write them (docs/api-versions.md).
DEFAULT_PATHS = {
    "v4": "/crm/v4/objects/contacts/101/associations/default/companies/202",
    "2026-03": "/crm/objects/2026-03/contacts/101/associations/default/companies/202",
    "2026-09": "/crm/objects/2026-09/contacts/101/associations/default/companies/202",
}
LABELLED_PATHS = {
    "v4": "/crm/v4/objects/contacts/101/associations/companies/202",
    "2026-03": "/crm/objects/2026-03/contacts/101/associations/companies/202",
    "2026-09": "/crm/objects/2026-09/contacts/101/associations/companies/202",
}
BATCH_DEFAULT_PATHS = {
    "v4": "/crm/v4/associations/contacts/companies/batch/associate/default",
    "2026-03": "/crm/associations/2026-03/contacts/companies/batch/associate/default",
    "2026-09": "/crm/associations/2026-09/contacts/companies/batch/associate/default",
}
BATCH_CREATE_PATHS = {
    "v4": "/crm/v4/associations/contacts/companies/batch/create",
    "2026-03": "/crm/associations/2026-03/contacts/companies/batch/create",
    "2026-09": "/crm/associations/2026-09/contacts/companies/batch/create",
}
VERSIONS = list(DEFAULT_PATHS)
MANAGER = AssociationSpec("USER_DEFINED", 36)  # the emulator portal's contact -> company label


def _answers(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/batch/associate/default"):
        return httpx.Response(200, json={"status": "COMPLETE", "results": [default_result(101, 202)]})
    if path.endswith("/batch/create"):
        return httpx.Response(201, json={"status": "COMPLETE", "results": [pair_result(101, 202, ["Manager"])]})
    return httpx.Response(200, json=DEFAULT_BODY) if "/default/" in path else httpx.Response(201, json=PAIR)


def _all_four(client: HubSpotAssociations, from_id: int = 101, to_id: int = 202) -> tuple[Any, Any, Any, Any]:
    """Every operation once, on one contact and one company: the two PUTs, then the two batches."""
    return (
        client.associate_default("contacts", from_id, "companies", to_id),
        client.associate("contacts", str(from_id), "companies", str(to_id), [MANAGER]),
        client.associate_default_batch("contacts", "companies", [(from_id, to_id)]),
        client.associate_batch("contacts", "companies", [(from_id, to_id, [MANAGER])]),
    )


# -- the table: the SDK's, the spec's, every operation ---------------------------------------------------------------


def test_v4_is_the_default_and_the_versions_are_the_three_hubspot_supports() -> None:
    assert DEFAULT_API_VERSION == "v4"
    assert list(API_VERSIONS) == VERSIONS
    assert HubSpotAssociations(TOKEN).api_version == "v4"


def test_the_sdks_table_is_the_specs_table() -> None:
    """The spec (what API owners review) and the SDK (what is sent) declare the same versions and prefixes."""
    declared = {entry["name"]: (entry["objects"], entry["associations"]) for entry in api_versions(SPEC)}
    applied = {name: tuple(prefix for _, prefix in version.prefixes) for name, version in API_VERSIONS.items()}
    assert declared == applied


def test_every_operation_of_the_spec_has_a_path_on_every_version() -> None:
    """So an operation added to the spec (the batch ones) is sent on every version with no code of its own."""
    operations = versioned_operations(SPEC)
    assert operations
    for operation in operations:
        assert operation.paths["v4"] == operation.v4_path
        for name, version in API_VERSIONS.items():
            assert version.path(operation.v4_path) == operation.paths[name]
            if name != "v4":
                assert operation.paths[name].startswith((f"/crm/objects/{name}/", f"/crm/associations/{name}/"))


def test_the_mapping_moves_only_the_prefix() -> None:
    dated = API_VERSIONS["2026-09"]
    assert dated.path("/crm/v4/associations/0-1/0-2/batch/create") == "/crm/associations/2026-09/0-1/0-2/batch/create"
    assert (
        dated.path("/crm/v4/objects/x/1/associations/default/y/2")
        == "/crm/objects/2026-09/x/1/associations/default/y/2"
    )
    assert API_VERSIONS["v4"].path("/crm/v4/objects/a/1/associations/b/2") == "/crm/v4/objects/a/1/associations/b/2"
    with pytest.raises(ValueError, match="no known v4 prefix"):
        dated.path("/crm/v3/objects/contacts")


# -- the wire: both PUTs on every version, sync and async --------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_goes_to_its_versions_path(version: str) -> None:
    server = Server(_answers)
    with HubSpotAssociations(TOKEN, api_version=version, http_client=server.http()) as client:
        assert client.api_version == version
        default, labelled, default_batch, batch = _all_four(client)
    assert default.status == "COMPLETE" and labelled.labels == ["Manager"]
    assert default_batch.all_confirmed and batch.all_confirmed
    assert [(request.method, str(request.url)) for request in server.requests] == [
        ("PUT", f"https://api.hubapi.com{DEFAULT_PATHS[version]}"),
        ("PUT", f"https://api.hubapi.com{LABELLED_PATHS[version]}"),
        ("POST", f"https://api.hubapi.com{BATCH_DEFAULT_PATHS[version]}"),
        ("POST", f"https://api.hubapi.com{BATCH_CREATE_PATHS[version]}"),
    ]
    assert server.requests[1].content == b'[{"associationCategory":"USER_DEFINED","associationTypeId":36}]'
    assert json.loads(server.requests[3].content) == {
        "inputs": [
            {
                "from": {"id": "101"},
                "to": {"id": "202"},
                "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 36}],
            }
        ]
    }


@pytest.mark.parametrize("version", VERSIONS)
async def test_the_async_client_sends_the_same_paths(version: str) -> None:
    server = Server(_answers)
    async with AsyncHubSpotAssociations(TOKEN, api_version=version, http_client=server.async_http()) as client:
        await client.associate_default("contacts", 101, "companies", 202)
        await client.associate("contacts", 101, "companies", 202, 36)
        assert (await client.associate_default_batch("contacts", "companies", [(101, 202)])).all_confirmed
        assert (await client.associate_batch("contacts", "companies", [(101, 202, [MANAGER])])).all_confirmed
    assert [request.url.path for request in server.requests] == [
        DEFAULT_PATHS[version],
        LABELLED_PATHS[version],
        BATCH_DEFAULT_PATHS[version],
        BATCH_CREATE_PATHS[version],
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_base_url_with_a_path_keeps_it_before_the_versions_path(version: str) -> None:
    server = Server(_answers)
    base = "http://proxy.test:8080/hubspot"
    with HubSpotAssociations(TOKEN, base_url=base, api_version=version, http_client=server.http()) as client:
        client.associate_default("contacts", 101, "companies", 202)
        client.base_url = "http://other.test"  # reassigned: the next URL is built from the new base, same version
        client.associate("contacts", 101, "companies", 202, 36)
    assert [str(request.url) for request in server.requests] == [
        f"{base}{DEFAULT_PATHS[version]}",
        f"http://other.test{LABELLED_PATHS[version]}",
    ]


# -- errors read the same on every version ------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_errors_are_typed_as_on_v4(version: str) -> None:
    invalid = hubspot_error(
        400,
        "One or more associations are invalid",
        "c-1",
        "VALIDATION_ERROR",
        context={"INVALID_OBJECT_IDS": ["COMPANY=202"]},
    )
    scopes = hubspot_error(
        403, "missing scopes", "c-2", "MISSING_SCOPES", errors=[{"context": {"requiredGranularScopes": ["a.b"]}}]
    )
    daily = hubspot_error(429, "daily", "c-3", errorType="RATE_LIMIT", policyName="DAILY")
    malformed = hubspot_error(400, "Invalid JSON input: a request body was expected, but none found", "c-4")
    server = Server(invalid, scopes, daily, httpx.Response(404, json={"message": "not found"}), scopes, malformed)
    with HubSpotAssociations(TOKEN, api_version=version, http_client=server.http()) as client:
        with pytest.raises(BadRequestError) as bad:
            client.associate_default("contacts", 101, "companies", 202)
        with pytest.raises(PermissionDeniedError) as denied:
            client.associate("contacts", 101, "companies", 202, 1)
        with pytest.raises(RateLimitError) as limited:
            client.associate_default("contacts", 101, "companies", 202)
        with pytest.raises(NotFoundError):
            client.associate("contacts", 101, "companies", 202, 1)
        with pytest.raises(PermissionDeniedError) as batch_denied:
            client.associate_default_batch("contacts", "companies", [(101, 202)])
        with pytest.raises(BadRequestError) as batch_bad:
            client.associate_batch("contacts", "companies", [(101, 202, 1)])
    assert batch_denied.value.missing_scopes == ("a.b",) and batch_bad.value.status_code == 400
    assert bad.value.invalid_object_ids == ("COMPANY=202",)
    assert denied.value.missing_scopes == ("a.b",)
    assert limited.value.is_daily and limited.value.attempts == 1
    assert [request.url.path for request in server.requests] == [
        DEFAULT_PATHS[version],
        LABELLED_PATHS[version],
        DEFAULT_PATHS[version],
        LABELLED_PATHS[version],
        BATCH_DEFAULT_PATHS[version],
        BATCH_CREATE_PATHS[version],
    ]


# -- a version that does not exist fails before anything is sent ----------------------------------------------------


@pytest.mark.parametrize("typo", ["2026-9", "V4", "v3", "2026-06", " v4", "2026-09\n", "", "2027-03", None, 4])
def test_an_unknown_version_is_refused_before_any_request(typo: object) -> None:
    server = Server()
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(TOKEN, api_version=typo, http_client=server.http())  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        AsyncHubSpotAssociations(TOKEN, api_version=typo, http_client=server.async_http())  # type: ignore[arg-type]
    assert server.calls == 0
    assert info.value.argument == "api_version"
    assert "'v4', '2026-03', '2026-09'" in info.value.reason


@given(st.one_of(st.text(max_size=200), st.binary(max_size=50), st.integers(), st.none(), st.lists(st.text())))
def test_any_other_value_is_an_invalid_input_error_and_nothing_else(value: object) -> None:
    """The version parser takes hostile input (CLI arguments, environment): one typed, short error, always."""
    if isinstance(value, str) and value in API_VERSIONS:
        assert api_versions_module.api_version_of(value).name == value
        return
    with pytest.raises(InvalidInputError) as info:
        api_versions_module.api_version_of(value)
    assert info.value.reason.startswith("must be one of 'v4', '2026-03', '2026-09'; got ")
    assert len(str(info.value)) < 160


def test_a_near_miss_is_named() -> None:
    with pytest.raises(InvalidInputError, match=r"did you mean '2026-09'\?"):
        HubSpotAssociations(TOKEN, api_version="2026-9")
    assert "api_version='2026-03'" in repr(HubSpotAssociations(TOKEN, api_version="2026-03"))


# -- the emulator: every version at once, on HubSpot's paths -------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=3)) as running:
        yield running


def _paths_since(emulator: RunningEmulator, start: int) -> list[tuple[str, str, int]]:
    return emulator.state.request_log[start:]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_emulator_serves_every_operation_and_its_errors_on_every_version(
    emulator: RunningEmulator, version: str
) -> None:
    contact, company = emulator.state.object_ids("0-1")[0], emulator.state.object_ids("0-2")[0]
    start = len(emulator.state.request_log)
    with HubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version=version) as client:
        default = client.associate_default("contacts", contact, "companies", company)
        labelled = client.with_raw_response.associate("contacts", contact, "companies", company, MANAGER)
        default_batch = client.associate_default_batch("contacts", "companies", [(contact, company), (contact, 9)])
        batch = client.associate_batch("contacts", "companies", [(contact, company, [MANAGER]), (9, company, [1])])
        with pytest.raises(BadRequestError) as bad:
            client.associate_default("contacts", contact, "companies", 9_999_999_999)
        with pytest.raises(BadRequestError) as bad_type:
            client.associate("contacts", contact, "companies", company, AssociationSpec("USER_DEFINED", 987654))
    assert {item.association_spec.association_type_id for item in default.results} == {279, 280}
    assert labelled.parsed.labels == ["Manager"]
    assert bad.value.invalid_object_ids == ("COMPANY=9999999999 is not valid",)
    assert bad_type.value.invalid_association_type_ids
    # Each batch: the good input confirmed, the one naming a record that does not exist failed, with its error.
    for result in (default_batch, batch):
        assert [outcome.status.value for outcome in result] == ["confirmed", "failed"]
        error = result[1].error
        assert error is not None and str(error) == "VALIDATION_ERROR: 9 is not a valid ID"
    objects = "/crm/v4/objects" if version == "v4" else f"/crm/objects/{version}"
    batches = "/crm/v4/associations" if version == "v4" else f"/crm/associations/{version}"
    # The Location of the labelled association is on the same version.
    assert labelled.headers["Location"] == f"{emulator.base_url}{objects}/0-1/{contact}/associations/0-2/{company}"
    assert _paths_since(emulator, start) == [
        ("PUT", f"{objects}/contacts/{contact}/associations/default/companies/{company}", 200),
        ("PUT", f"{objects}/contacts/{contact}/associations/companies/{company}", 201),
        ("POST", f"{batches}/contacts/companies/batch/associate/default", 207),
        ("POST", f"{batches}/contacts/companies/batch/create", 207),
        ("PUT", f"{objects}/contacts/{contact}/associations/default/companies/9999999999", 400),
        ("PUT", f"{objects}/contacts/{contact}/associations/companies/{company}", 400),
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_record_with_itself_is_a_bad_request_on_both_puts_on_every_version(
    emulator: RunningEmulator, version: str
) -> None:
    """The emulator's 400 for a self-association (our reading, docs/emulator.md) is a ``BadRequestError`` whose
    ``str()`` carries HubSpot's batch message, sent once (a 400 is never retried), sync and async alike."""
    contact = emulator.state.object_ids("0-1")[1]
    message = f"400 VALIDATION_ERROR: Object {contact} cannot be associated to itself ({contact})"
    start = len(emulator.state.request_log)
    errors: list[BadRequestError] = []
    with HubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version=version) as client:
        with pytest.raises(BadRequestError) as default:
            client.associate_default("contacts", contact, "contacts", contact)
        with pytest.raises(BadRequestError) as labelled:
            client.associate("contacts", contact, "contact", contact, AssociationSpec("HUBSPOT_DEFINED", 449))
        errors += [default.value, labelled.value]

    async def main() -> None:
        async with AsyncHubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version=version) as aio:
            with pytest.raises(BadRequestError) as info:
                await aio.associate_default("0-1", contact, "contacts", contact)
            errors.append(info.value)

    anyio.run(main)
    for error in errors:
        assert str(error).startswith(f"{message} (correlation id ")
        assert error.category == "VALIDATION_ERROR" and error.attempts == 1
    assert [status for _method, _path, status in _paths_since(emulator, start)] == [400, 400, 400]
    assert not [a for a in emulator.state.all_associations() if (a.from_type_id, a.from_id) == (a.to_type_id, a.to_id)]


def test_a_missing_scope_is_typed_alike_on_a_dated_version() -> None:
    config = EmulatorConfig(rate_limit=None, tokens={"narrow": frozenset({"crm.objects.contacts.write"})})
    with (
        run_emulator_in_thread(config) as emulator,
        HubSpotAssociations("narrow", base_url=emulator.base_url, api_version="2026-09") as client,
        pytest.raises(PermissionDeniedError) as info,
    ):
        client.associate_default("contacts", 1000001, "companies", 2000001)
    assert info.value.missing_scopes == ("crm.objects.companies.write",)


def test_an_emulator_serving_one_version_answers_404_elsewhere() -> None:
    """How to prove a client has moved off v4 before HubSpot stops supporting it."""
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, api_versions=("2026-09",))) as emulator:
        with (
            HubSpotAssociations(emulator.token, base_url=emulator.base_url, max_retries=0) as v4,
            pytest.raises(NotFoundError),
        ):
            v4.associate_default("contacts", 1000001, "companies", 2000001)
        with HubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version="2026-09") as moved:
            moved.associate_default("contacts", 1000001, "companies", 2000001)
        assert [status for _, _, status in emulator.state.request_log] == [404, 200]


def test_the_emulator_command_takes_api_versions(capsys: pytest.CaptureFixture[str]) -> None:
    config, _, _ = config_from_args(["--api-version", "2026-09", "--api-version", "2026-03"])
    assert [version.name for version in config.served_api_versions()] == ["2026-03", "2026-09"]
    assert config_from_args([])[0].api_versions is None
    with pytest.raises(SystemExit) as exit_info:
        config_from_args(["--api-version", "2026-9"])
    assert exit_info.value.code == 2
    assert "'v4', '2026-03', '2026-09'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="must be one of"):
        EmulatorConfig(api_versions=("v5",))


# -- the next version is one line ------------------------------------------------------------------------------------


@pytest.fixture
def next_version(monkeypatch: pytest.MonkeyPatch) -> str:
    """HubSpot's 2027-03 release, added the way the next maintainer will: one entry in the SDK's table."""
    monkeypatch.setitem(api_versions_module._VERSIONS, "2027-03", ApiVersion.dated("2027-03"))
    return "2027-03"


def test_adding_a_version_is_one_line(next_version: str) -> None:
    assert list(API_VERSIONS)[-1] == next_version  # the public view follows the table
    server = Server(_answers)
    with HubSpotAssociations(TOKEN, api_version=next_version, http_client=server.http()) as client:
        _all_four(client)
    assert [request.url.path for request in server.requests] == [
        "/crm/objects/2027-03/contacts/101/associations/default/companies/202",
        "/crm/objects/2027-03/contacts/101/associations/companies/202",
        "/crm/associations/2027-03/contacts/companies/batch/associate/default",
        "/crm/associations/2027-03/contacts/companies/batch/create",
    ]
    # The emulator serves it too, and the error for a typo now lists it.
    with (
        run_emulator_in_thread(EmulatorConfig(rate_limit=None, api_versions=(next_version,))) as emulator,
        HubSpotAssociations(emulator.token, base_url=emulator.base_url, api_version=next_version) as client,
    ):
        _, labelled, default_batch, batch = _all_four(client, 1000001, 2000001)
        assert labelled.labels == ["Manager"] and default_batch.all_confirmed and batch.all_confirmed
        assert {path.split("/")[3] for _, path, _ in emulator.state.request_log} == {"2027-03"}
    with pytest.raises(InvalidInputError, match="'2026-09', '2027-03'"):
        HubSpotAssociations(TOKEN, api_version="2027-3")


# -- the spec tools show each version's paths ------------------------------------------------------------------------


def _spec_with(versions: list[dict[str, Any]]) -> dict[str, Any]:
    return {**SPEC, "x-hubspot-api-versions": versions}


def test_spec_diff_lists_a_new_versions_paths_and_calls_a_removed_one_breaking() -> None:
    spec_diff = load_tool(ROOT / "tools" / "spec_diff.py")
    versions = api_versions(SPEC)
    added = [
        *versions,
        {"name": "2027-03", "objects": "/crm/objects/2027-03/", "associations": "/crm/associations/2027-03/"},
    ]
    changes = spec_diff.diff_specs(SPEC, _spec_with(added))
    assert all(change.kind == "API versions" and not change.breaking for change in changes)
    assert {change.location for change in changes} == {
        "x-hubspot-api-versions 2027-03",
        *(f"{op.method.upper()} {version_path(added[-1], op.v4_path)}" for op in versioned_operations(SPEC)),
    }
    removed = spec_diff.diff_specs(SPEC, _spec_with(versions[:-1]))
    assert removed and all(change.breaking for change in removed)
    moved = [*versions[:-1], {**versions[-1], "objects": "/crm/objects/v2026-09/"}]
    assert any(
        "changed objects prefix" in change.message and change.breaking
        for change in spec_diff.diff_specs(SPEC, _spec_with(moved))
    )


def test_spec_diff_refuses_a_path_no_version_can_express(tmp_path: Path) -> None:
    spec_diff = load_tool(ROOT / "tools" / "spec_diff.py")
    odd = {**SPEC, "paths": {**SPEC["paths"], "/crm/v3/things": SPEC["paths"][next(iter(SPEC["paths"]))]}}
    (tmp_path / "odd.yaml").write_text(yaml.safe_dump(odd), encoding="utf-8")
    assert spec_diff.main([str(SPEC_PATH), str(tmp_path / "odd.yaml")]) == 2


def test_the_spec_on_every_version_keeps_operation_ids_unique() -> None:
    expanded = spec_on_every_version(SPEC)
    ids = [op["operationId"] for item in expanded["paths"].values() for key, op in item.items() if key in METHODS]
    assert len(ids) == len(set(ids)) == len(VERSIONS) * len(versioned_operations(SPEC))
    assert "associateDefault" in ids and "associateDefault_2026-09" in ids
