"""HubSpot's API versions as the spec declares them (`x-hubspot-api-versions`), for the tools that show them.

The spec's `paths` are HubSpot's v4 paths. Each entry of the top-level `x-hubspot-api-versions` list names a version
and its two path prefixes (`objects`: what `/crm/v4/objects/` becomes, `associations`: what
`/crm/v4/associations/` becomes). `spec_docs.py` renders every operation's path per version, `spec_diff.py` diffs
them, and `schemathesis_emulator.py` tests the emulator on all of them; the SDK applies the same table
(`overlays/hubspot_associations/_api_versions.py`, kept equal by `tests/test_api_versions.py`).
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

EXTENSION = "x-hubspot-api-versions"
V4_PREFIXES = {"objects": "/crm/v4/objects/", "associations": "/crm/v4/associations/"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Json = dict[str, Any]


class VersionedOperation(NamedTuple):
    method: str  # lower case, as in the spec
    operation_id: str
    v4_path: str  # the spec's own path
    paths: dict[str, str]  # version name -> that version's path of the operation (v4's is the spec's own)


def api_versions(spec: Json) -> list[Json]:
    """The spec's version entries, each with a string `name`, `objects` and `associations` (else ValueError)."""
    entries = spec.get(EXTENSION) or []
    if not isinstance(entries, list):
        raise ValueError(f"{EXTENSION} must be a list of versions")
    for entry in entries:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in ("name", *V4_PREFIXES)):
            raise ValueError(f"{EXTENSION}: every entry needs a string name, objects and associations: {entry!r}")
    return entries


def version_path(version: Json, v4_path: str) -> str:
    """`v4_path` on `version`: its v4 prefix replaced by the version's (ValueError when it has neither prefix)."""
    for family, v4_prefix in V4_PREFIXES.items():
        if v4_path.startswith(v4_prefix):
            return str(version[family]) + v4_path[len(v4_prefix) :]
    raise ValueError(f"{v4_path} is under neither {' nor '.join(V4_PREFIXES.values())}")


def versioned_operations(spec: Json) -> list[VersionedOperation]:
    """Every operation of the spec with its path on every declared version, in the spec's order."""
    versions = api_versions(spec)
    found = []
    for v4_path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                paths = {str(version["name"]): version_path(version, v4_path) for version in versions}
                found.append(VersionedOperation(method, str(operation.get("operationId", "")), v4_path, paths))
    return found


def spec_on_every_version(spec: Json) -> Json:
    """A copy of `spec` whose `paths` hold every operation on every version (operationIds suffixed per version),
    for tools that take one OpenAPI document and should exercise all versions' paths."""
    versions = api_versions(spec)
    result = copy.deepcopy(spec)
    result["paths"] = {}
    for version in versions:
        suffix = "" if version_path(version, "/crm/v4/objects/") == "/crm/v4/objects/" else f"_{version['name']}"
        for v4_path, item in (spec.get("paths") or {}).items():
            item = copy.deepcopy(item)
            for method in METHODS:
                if isinstance(item.get(method), dict) and suffix:
                    item[method]["operationId"] = f"{item[method].get('operationId', method)}{suffix}"
            result["paths"][version_path(version, v4_path)] = item
    return result
