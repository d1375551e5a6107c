"""What ``import hubspot_associations`` and one sync call load: behaviour (which modules), not timing.

A cold process (a CLI run, a cron job, a serverless function) pays for every module it imports. The sync call path
needs the two operations, the models of their results and the error tree; it does not need asyncio (or anyio),
the generated client (the overlay sends its own requests), the generated error-body models (only an error
response is parsed into them), the overlay's error-body parser (``_error_body``, loaded by the first error), the
bulk machinery and its run-wide failure rule, the CLI or the emulator. bench/cold.py measures the time.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
import hubspot_associations
after_import = sorted(sys.modules)
if sys.argv[1] == "call":
    import httpx
    from hubspot_associations import HubSpotAssociations
    body = {"status": "COMPLETE", "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:00:01Z",
            "results": [{"associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
                         "from": {"id": "1"}, "to": {"id": "2"}}]}
    pair = {"fromObjectTypeId": "0-1", "fromObjectId": 1, "toObjectTypeId": "0-2", "toObjectId": 2, "labels": []}
    def answer(request):
        return httpx.Response(200, json=body if b"/default/" in request.url.raw_path else pair)
    http = httpx.Client(transport=httpx.MockTransport(answer))
    with HubSpotAssociations("pat-na1-00000000-0000-0000-0000-000000000000", http_client=http) as client:
        assert client.associate_default("contacts", 1, "companies", 2).results[0].to.id == "2"
        assert client.associate("contacts", 1, "companies", 2, 279).to_object_id == "2"
print(json.dumps({"after_import": after_import, "after_call": sorted(sys.modules)}))
"""

# Modules (and their submodules) the sync path must not load. asyncio/anyio/sniffio/trio: imported when the async
# client is used. hubspot_associations_api.client: the generated client classes; the overlay builds requests with
# the operations' _get_kwargs and sends them itself.
_NEVER_ON_SYNC_PATH = (
    "asyncio",
    "anyio",
    "sniffio",
    "trio",
    "hubspot_associations.cli",
    "hubspot_associations.emulator",
    "hubspot_associations.association_types",
    "hubspot_associations._bulk",  # associate_many imports it
    "hubspot_associations._error_body",  # the first error response imports it
    "hubspot_associations._run_failure",  # the CLI's bulk, or `hubspot_associations.run_wide_failure`, imports it
    "hubspot_associations._oauth",  # `hubspot_associations.OAuthRefresh` (and the CLI's OAuth flags) import it
    "hubspot_associations._error_mapping",  # the first error response imports it
    "hubspot_associations._policy",  # the first error or transport failure imports it
    "hubspot_associations_api.client",
    "hubspot_associations_api.errors",  # raised only by the generated client's own functions
)

# The generated models the two success results are made of. Every other model is imported when a response needs
# it: the error-body models, and the optional parts of a batch result (per-item `errors`, `links`) when present.
_RESULT_MODELS = {
    "hubspot_associations_api.models." + name
    for name in (
        "association_spec",
        "association_spec_association_category",
        "batch_response_public_default_association",
        "batch_response_public_default_association_status",
        "public_default_association",
        "public_object_id",
        "labels_between_object_pair",
    )
}


def _run(probe: str, *args: str) -> str:
    """The output of ``probe`` in a fresh interpreter.

    ``-I``: no PYTHONPATH or user site, like an installed package (the dev venv's editable install still applies).
    """
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe, *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _loaded(mode: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = json.loads(_run(_PROBE, mode).splitlines()[-1])
    return result


def _offending(modules: list[str]) -> list[str]:
    never = [m for m in modules if any(m == p or m.startswith(p + ".") for p in _NEVER_ON_SYNC_PATH)]
    models = [m for m in modules if m.startswith("hubspot_associations_api.models.") and m not in _RESULT_MODELS]
    return never + models


@pytest.mark.parametrize("mode", ["import", "call"])
def test_the_sync_path_loads_only_what_it_needs(mode: str) -> None:
    loaded = _loaded(mode)
    assert _offending(loaded["after_import"]) == []
    assert _offending(loaded["after_call"]) == []
    labelled = (
        "hubspot_associations_api.models.labels_between_object_pair",
        "hubspot_associations_api.api.associations.associate_with_labels",
        "hubspot_associations._models",  # AssociationSpec (an attrs class): the first labelled call, or the name
    )
    assert not set(labelled) & set(loaded["after_import"])  # the first labelled call loads them
    if mode == "call":  # the probe really made both calls, so the path above is the real one
        assert set(labelled) <= set(loaded["after_call"])


@pytest.mark.parametrize("name", [m for m in _NEVER_ON_SYNC_PATH if m.startswith("hubspot_associations.")])
def test_each_module_kept_off_the_path_exists(name: str) -> None:
    # A renamed module would make its entry above pass without meaning anything.
    assert importlib.util.find_spec(name) is not None


def test_an_error_response_loads_the_error_body_parser() -> None:
    probe = (
        "import sys, httpx, hubspot_associations\n"
        "from hubspot_associations._error_mapping import error_from_response\n"
        "before = 'hubspot_associations._error_body' in sys.modules\n"
        "error = error_from_response(httpx.Response(400, json={'message': 'm', 'context': '{a=[1]}'}))\n"
        "print(before, 'hubspot_associations._error_body' in sys.modules, error.context)\n"
    )
    assert _run(probe).strip().split(maxsplit=2) == ["False", "True", "{'a': ['1']}"]


def test_the_generated_models_are_still_all_importable_by_name() -> None:
    import hubspot_associations_api
    import hubspot_associations_api.models as models

    for name in models.__all__:
        assert getattr(models, name).__name__ == name
    assert set(models.__all__) <= set(dir(models))
    assert hubspot_associations_api.Client.__name__ == "Client"
    with pytest.raises(AttributeError, match="no attribute 'NoSuchModel'"):
        models.NoSuchModel  # noqa: B018


def test_optional_parts_of_a_result_are_parsed_when_present() -> None:
    from hubspot_associations_api.models import (
        BatchResponsePublicDefaultAssociation,
        BatchResponsePublicDefaultAssociationLinks,
        StandardError,
    )

    body = {
        "status": "COMPLETE",
        "startedAt": "2026-01-01T00:00:00Z",
        "completedAt": "2026-01-01T00:00:01Z",
        "results": [],
        "numErrors": 1,
        "errors": [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "m",
                "context": {"id": ["1"]},
                "errors": [{"message": "detail", "context": {"id": ["1"]}}],
                "links": {},
            }
        ],
        "links": {"self": "https://example.invalid/"},
    }
    parsed = BatchResponsePublicDefaultAssociation.from_dict(body)
    assert isinstance(parsed.errors, list) and isinstance(parsed.errors[0], StandardError)
    details = parsed.errors[0].errors
    assert isinstance(details, list) and details[0].message == "detail"
    assert isinstance(parsed.links, BatchResponsePublicDefaultAssociationLinks)
    assert parsed.to_dict()["errors"][0]["message"] == "m"


def test_oauth_names_resolve_on_first_use() -> None:
    probe = (
        "import sys, hubspot_associations\n"
        "before = 'hubspot_associations._oauth' in sys.modules\n"
        "from hubspot_associations import OAuthRefresh, OAuthRefreshError, OAuthTokens\n"
        "import hubspot_associations._oauth as oauth\n"
        "same = (OAuthRefresh, OAuthRefreshError, OAuthTokens) == (oauth.OAuthRefresh, oauth.OAuthRefreshError, "
        "oauth.OAuthTokens)\n"
        "print(before, same, issubclass(OAuthRefreshError, hubspot_associations.HubSpotError))\n"
    )
    assert _run(probe).split() == ["False", "True", "True"]
