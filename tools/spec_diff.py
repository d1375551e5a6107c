#!/usr/bin/env python3
"""Summarise how an OpenAPI 3.0/3.1 document changed, in words an API owner can review in a minute.

    python tools/spec_diff.py OLD.yaml NEW.yaml [--format text|markdown|json] [--changelog]
    python tools/spec_diff.py --base GITREF [--spec openapi/hubspot-crm-associations-v4.yaml] [--released PATH]

With --base, a GITREF a shallow clone (`git clone --depth 1`, most CI checkouts) lacks is fetched from origin
first; when that fails too, --released PATH (the spec's last released version, committed in openapi/released/)
is compared instead, and without it the error says what to do.

Every change is marked BREAKING or compatible *for existing users of a client generated from the spec*:
the generated client turns operationIds into functions, parameters into keyword arguments, schemas into
model classes and parses responses by status code, so e.g. a renamed operationId or a removed request
property breaks calling code even though the HTTP API would accept the old request.

Exit codes: 0 no breaking changes (or breaking changes acknowledged by a major version bump, or a minor
bump for 0.x versions); 1 breaking changes; 2 usage or parse errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spec_versions import EXTENSION, METHODS, api_versions, versioned_operations

DEFAULT_SPEC = "openapi/hubspot-crm-associations-v4.yaml"
SCHEMA_PREFIX = "#/components/schemas/"
DOC_KEYS = ("summary", "description", "title", "example", "examples")
FORMAT_WIDENINGS = {("int32", "int64"), ("float", "double")}
BOTH = frozenset({"request", "response"})
SECTIONS = (
    *("Info", "Operations", "API versions", "Parameters", "Request body", "Responses", "Security"),
    *("Schemas", "Properties", "Enums", "Required lists", "Documentation"),
)

Json = dict[str, Any]
Directions = frozenset[str]


@dataclass(frozen=True)
class Change:
    kind: str  # one of SECTIONS
    location: str  # e.g. "PUT /crm/v4/... query limit" or "AssociationSpec.associationCategory"
    message: str  # starts with a verb: added / removed / renamed / changed / became ...
    breaking: bool


class SpecError(Exception):
    """A spec that cannot be read or parsed (exit code 2)."""


class MissingRef(SpecError):
    """`--base` names a commit this clone does not have and cannot fetch."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"unknown git ref {ref!r}")
        self.ref = ref


def _deref(doc: Json, node: Any) -> Any:
    """Follow local `$ref`s (any depth) to the node they point at; a dangling or cyclic ref gives {}."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return {} if ref in seen else node
        seen.add(ref)
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        node = target if target is not None else {}
    return node


def _ref(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) else None


def _flatten(doc: Json, node: Any, seen: frozenset[str] = frozenset()) -> Json:
    """Resolve a schema and merge its `allOf` members (properties, required, type...) into one object."""
    ref = _ref(node)
    if ref in seen:
        return {}
    seen = seen | {ref} if ref else seen
    node = _deref(doc, node)
    if not isinstance(node, dict):
        return {}
    if not isinstance(node.get("allOf"), list):
        return node
    merged: Json = {key: value for key, value in node.items() if key != "allOf"}
    properties: Json = {}
    required: list[str] = []
    for part in [*node["allOf"], {k: v for k, v in node.items() if k in ("properties", "required")}]:
        flat = _flatten(doc, part, seen)
        properties.update(flat.get("properties") or {})
        required += flat.get("required") or []
        for key, value in flat.items():
            merged.setdefault(key, value)
    merged["properties"], merged["required"] = properties, list(dict.fromkeys(required))
    return merged


def _types(schema: Json) -> frozenset[str]:
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    return frozenset(types - {"null"})


def _nullable(schema: Json) -> bool:
    declared = schema.get("type")
    return schema.get("nullable") is True or (isinstance(declared, list) and "null" in declared)


def _operations(doc: Json) -> dict[tuple[str, str], tuple[str, Json, Json]]:
    """(method, path with parameter names blanked) -> (path, operation, path item)."""
    found: dict[tuple[str, str], tuple[str, Json, Json]] = {}
    for path, item in (doc.get("paths") or {}).items():
        item = _deref(doc, item)
        for method in METHODS:
            if isinstance(item.get(method), dict):
                found[(method, re.sub(r"\{[^}]*\}", "{}", path))] = (path, item[method], item)
    return found


def _reachable_schemas(doc: Json, node: Any) -> set[str]:
    """Names of component schemas reachable from `node`, following refs of any kind."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            ref = _ref(item)
            if ref is None:
                stack.extend(item.values())
            elif ref not in seen:
                seen.add(ref)
                if ref.startswith(SCHEMA_PREFIX):
                    found.add(ref.removeprefix(SCHEMA_PREFIX))
                stack.append(_deref(doc, item))
    return found


def _schema_usage(doc: Json) -> dict[str, set[str]]:
    """Component schema name -> {"request", "response"}: where operations use it, directly or nested."""
    usage: dict[str, set[str]] = {}
    for _path, op, item in _operations(doc).values():
        request = [item.get("parameters"), op.get("parameters"), op.get("requestBody")]
        for direction, part in (("request", request), ("response", op.get("responses"))):
            for name in _reachable_schemas(doc, part):
                usage.setdefault(name, set()).add(direction)
    return usage


def _parameters(doc: Json, op: Json, item: Json) -> dict[tuple[str, str], tuple[Any, Json]]:
    """(location, name) -> (parameter as written, possibly a $ref; resolved parameter)."""
    params: dict[tuple[str, str], tuple[Any, Json]] = {}
    for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
        param = _deref(doc, raw)
        if isinstance(param, dict) and "name" in param:
            params[(str(param.get("in", "query")), str(param["name"]))] = (raw, param)
    return params


def _is_success(code: str) -> bool:
    return code.startswith("2")


def _fmt_types(types: frozenset[str]) -> str:
    return "|".join(sorted(types)) or "any"


def _label(ref: str | None) -> str:
    return ref.rsplit("/", 1)[-1] if ref else "inline schema"


class _Differ:
    def __init__(self, old: Json, new: Json) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.visited: set[tuple[object, object, Directions]] = set()
        self.shared_seen: set[str] = set()
        old_usage, new_usage = _schema_usage(old), _schema_usage(new)
        self.old_usage = old_usage
        self.usage = {
            name: frozenset(old_usage.get(name, set()) | new_usage.get(name, set()))
            for name in {*old_usage, *new_usage}
        }

    def add(self, kind: str, location: str, message: str, breaking: bool = False) -> None:
        self.changes.append(Change(kind, location, message, breaking))

    def docs(self, location: str, old: Json, new: Json) -> None:
        for key in DOC_KEYS:
            if old.get(key) != new.get(key):
                self.add("Documentation", location, f"changed {key}")

    def shared(self, loc: str, old_raw: Any, new_raw: Any) -> str | None:
        """Where to report a comparison: a shared component once, under its own name; else the use site."""
        ref = _ref(old_raw)
        if ref is None or ref != _ref(new_raw):
            return loc
        if ref in self.shared_seen:
            return None
        self.shared_seen.add(ref)
        return ref.removeprefix("#/components/").replace("/", ".")

    def run(self) -> list[Change]:
        old_info, new_info = self.old.get("info") or {}, self.new.get("info") or {}
        if str(old_info.get("version")) != str(new_info.get("version")):
            self.add("Info", "info.version", f"changed version {old_info.get('version')} → {new_info.get('version')}")
        self.docs("info", old_info, new_info)
        self.operations()
        self.api_versions()
        self.security()
        self.schemas()
        return self.changes

    # -- operations ------------------------------------------------------------------------------------------

    def operations(self) -> None:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        for key in sorted({*old_ops, *new_ops}):
            method = key[0].upper()
            if key not in new_ops:
                path, op, _ = old_ops[key]
                self.add("Operations", f"{method} {path}", f"removed operation {op.get('operationId', '')}", True)
            elif key not in old_ops:
                path, op, _ = new_ops[key]
                self.add("Operations", f"{method} {path}", f"added operation {op.get('operationId', '')}")
            else:
                self.operation(f"{method} {new_ops[key][0]}", old_ops[key], new_ops[key])

    def api_versions(self) -> None:
        """HubSpot API versions (`x-hubspot-api-versions`): each version, and each operation's path on it."""
        old, new = ({v["name"]: v for v in api_versions(doc)} for doc in (self.old, self.new))
        for name in [*old, *(name for name in new if name not in old)]:
            loc = f"{EXTENSION} {name}"
            if name not in new:
                self.add("API versions", loc, "removed version (its users lose every path of it)", True)
            elif name not in old:
                self.add("API versions", loc, f"added version ({new[name].get('status') or 'no status'})")
            else:
                for key in ("objects", "associations"):
                    if old[name][key] != new[name][key]:
                        self.add("API versions", loc, f"changed {key} prefix {old[name][key]} → {new[name][key]}", True)
                for key in sorted({*old[name], *new[name]} - {"name", "objects", "associations"}):
                    if old[name].get(key) != new[name].get(key):
                        shown = f"{old[name].get(key)} → {new[name].get(key)}" if key != "shapes" else "note"
                        self.add("API versions", loc, f"changed {key} {shown}")
        # Every operation's path on every version but v4's own (the Operations section covers the spec's paths).
        old_paths, new_paths = (
            {
                (path, op.method.upper(), version): op.operation_id
                for op in versioned_operations(doc)
                for version, path in op.paths.items()
                if path != op.v4_path
            }
            for doc in (self.old, self.new)
        )
        for triple in sorted({*old_paths, *new_paths}):
            path, method, version = triple
            if triple not in new_paths:
                self.add("API versions", f"{method} {path}", f"removed {old_paths[triple]} on {version}", True)
            elif triple not in old_paths:
                self.add("API versions", f"{method} {path}", f"added {new_paths[triple]} on {version}")

    def operation(self, loc: str, old: tuple[str, Json, Json], new: tuple[str, Json, Json]) -> None:
        (_, old_op, old_item), (_, new_op, new_item) = old, new
        if old_op.get("operationId") != new_op.get("operationId"):
            ids = f"{old_op.get('operationId')} → {new_op.get('operationId')}"
            self.add("Operations", loc, f"changed operationId {ids} (generated function renamed)", True)
        if new_op.get("deprecated") and not old_op.get("deprecated"):
            self.add("Operations", loc, "became deprecated")
        self.docs(loc, old_op, new_op)
        self.parameters(loc, _parameters(self.old, old_op, old_item), _parameters(self.new, new_op, new_item))
        self.request_body(loc, old_op.get("requestBody"), new_op.get("requestBody"))
        self.responses(loc, old_op.get("responses") or {}, new_op.get("responses") or {})

    def parameters(
        self,
        loc: str,
        old_raw: dict[tuple[str, str], tuple[Any, Json]],
        new_raw: dict[tuple[str, str], tuple[Any, Json]],
    ) -> None:
        old = {key: param for key, (_, param) in old_raw.items()}
        new = {key: param for key, (_, param) in new_raw.items()}
        removed = [key for key in old if key not in new]
        added = [key for key in new if key not in old]
        pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
        for gone in list(removed):  # same name, other location: moved
            moved = next((key for key in added if key[1] == gone[1]), None)
            if moved:
                self.add("Parameters", f"{loc} {gone[1]}", f"changed location {gone[0]} → {moved[0]}", True)
                removed.remove(gone)
                added.remove(moved)
                pairs.append((gone, moved))
        for where in sorted({key[0] for key in removed}):  # one gone, one new in the same location: renamed
            gone_here = [key for key in removed if key[0] == where]
            new_here = [key for key in added if key[0] == where]
            if len(gone_here) == 1 and len(new_here) == 1:
                (gone,), (came,) = gone_here, new_here
                self.add("Parameters", f"{loc} {where}", f"renamed parameter {gone[1]} → {came[1]} (looks like)", True)
                removed.remove(gone)
                added.remove(came)
                pairs.append((gone, came))
        for where, name in removed:
            self.add("Parameters", f"{loc} {where} {name}", "removed parameter", True)
        for where, name in added:
            required = bool(new[(where, name)].get("required"))
            message = f"added {'required' if required else 'optional'} parameter"
            self.add("Parameters", f"{loc} {where} {name}", message, required)
        pairs += [(key, key) for key in old if key in new]
        for old_key, new_key in pairs:
            site = self.shared(f"{loc} {new_key[0]} {new_key[1]}", old_raw[old_key][0], new_raw[new_key][0])
            if site:
                self.parameter(site, old[old_key], new[new_key])

    def parameter(self, loc: str, old: Json, new: Json) -> None:
        required = bool(new.get("required"))
        if bool(old.get("required")) != required:
            self.add("Parameters", loc, "became required" if required else "became optional", required)
        self.docs(loc, old, new)
        self.schema(old.get("schema") or {}, new.get("schema") or {}, frozenset({"request"}), "Parameters", loc)

    def request_body(self, loc: str, old_raw: Any, new_raw: Any) -> None:
        old, new = _deref(self.old, old_raw), _deref(self.new, new_raw)
        if not old and not new:
            return
        loc = f"{loc} request body"
        if not new:
            self.add("Request body", loc, "removed request body", True)
        elif not old:
            required = bool(new.get("required"))
            self.add("Request body", loc, f"added {'required' if required else 'optional'} request body", required)
        elif where := self.shared(loc, old_raw, new_raw):
            loc = where
            if bool(old.get("required")) != bool(new.get("required")):
                required = bool(new.get("required"))
                self.add("Request body", loc, "became required" if required else "became optional", required)
            self.docs(loc, old, new)
            self.content(
                loc, old.get("content") or {}, new.get("content") or {}, frozenset({"request"}), "Request body"
            )

    def content(self, loc: str, old: Json, new: Json, directions: Directions, kind: str) -> None:
        for media in sorted({*old, *new}):
            if media not in new:
                self.add(kind, loc, f"removed media type {media}", True)
            elif media not in old:
                self.add(kind, loc, f"added media type {media}")
            else:
                where = loc if len(new) == 1 else f"{loc} ({media})"
                old_schema, new_schema = old[media].get("schema") or {}, new[media].get("schema") or {}
                self.schema(old_schema, new_schema, directions, kind, where)

    def responses(self, loc: str, old_written: Json, new_written: Json) -> None:
        old_raw, new_raw = {str(k): v for k, v in old_written.items()}, {str(k): v for k, v in new_written.items()}
        old = {code: _deref(self.old, response) for code, response in old_raw.items()}
        new = {code: _deref(self.new, response) for code, response in new_raw.items()}
        gone_ok = [code for code in old if code not in new and _is_success(code)]
        new_ok = [code for code in new if code not in old and _is_success(code)]
        pairs = [(code, code) for code in old if code in new]
        if len(gone_ok) == 1 and len(new_ok) == 1:
            msg = f"changed success status {gone_ok[0]} → {new_ok[0]} (the client parses by status)"
            self.add("Responses", loc, msg, True)
            pairs.append((gone_ok[0], new_ok[0]))
        else:
            for code in gone_ok:
                self.add("Responses", f"{loc} {code}", "removed success response", True)
            for code in new_ok:
                self.add("Responses", f"{loc} {code}", "added success response")
        for code in sorted(set(new) - set(old) - set(new_ok)):
            self.add("Responses", f"{loc} {code}", "added error response")
        for code in sorted(set(old) - set(new) - set(gone_ok)):
            self.add("Responses", f"{loc} {code}", "removed error response (now an unexpected status)")
        for old_code, new_code in pairs:
            if where := self.shared(f"{loc} {new_code}", old_raw[old_code], new_raw[new_code]):
                self.response(where, old[old_code], new[new_code])

    def response(self, loc: str, old: Json, new: Json) -> None:
        self.docs(loc, old, new)
        old_headers, new_headers = old.get("headers") or {}, new.get("headers") or {}
        for name in sorted({*old_headers, *new_headers}, key=str.lower):
            if name not in new_headers:
                self.add("Responses", f"{loc} header {name}", "removed response header", True)
            elif name not in old_headers:
                self.add("Responses", f"{loc} header {name}", "added response header")
            elif where := self.shared(f"{loc} header {name}", old_headers[name], new_headers[name]):
                old_header, new_header = _deref(self.old, old_headers[name]), _deref(self.new, new_headers[name])
                self.docs(where, old_header, new_header)
                old_schema, new_schema = old_header.get("schema") or {}, new_header.get("schema") or {}
                self.schema(old_schema, new_schema, frozenset({"response"}), "Responses", where)
        self.content(loc, old.get("content") or {}, new.get("content") or {}, frozenset({"response"}), "Responses")

    # -- components ------------------------------------------------------------------------------------------

    def security(self) -> None:
        old = (self.old.get("components") or {}).get("securitySchemes") or {}
        new = (self.new.get("components") or {}).get("securitySchemes") or {}
        for name in sorted({*old, *new}):
            if name not in new:
                self.add("Security", f"securitySchemes.{name}", "removed security scheme", True)
            elif name not in old:
                self.add("Security", f"securitySchemes.{name}", "added security scheme")
            elif _deref(self.old, old[name]).get("type") != _deref(self.new, new[name]).get("type"):
                self.add("Security", f"securitySchemes.{name}", "changed security scheme type", True)

    def schemas(self) -> None:
        old = (self.old.get("components") or {}).get("schemas") or {}
        new = (self.new.get("components") or {}).get("schemas") or {}
        new_refs = _reachable_schemas({}, self.new)  # refs written anywhere in the new document
        for name in sorted({*old, *new}):
            if name not in new:
                if name in new_refs:
                    self.add("Schemas", name, "removed schema that is still referenced", True)
                elif name in self.old_usage:
                    self.add("Schemas", name, "removed schema (its generated model disappears)", True)
                else:
                    self.add("Schemas", name, "removed unused schema")
            elif name not in old:
                self.add("Schemas", name, "added schema")
            else:
                directions = self.usage.get(name) or BOTH  # unused: judge it both ways
                ref = SCHEMA_PREFIX + name
                self.visited.add((ref, ref, directions))
                self.compare(_flatten(self.old, old[name]), _flatten(self.new, new[name]), directions, "Schemas", name)

    # -- schemas ---------------------------------------------------------------------------------------------

    def schema(self, old_raw: Any, new_raw: Any, directions: Directions, kind: str, loc: str) -> None:
        """Compare two schemas at a use site; same-named component refs are compared once, in schemas()."""
        old_ref, new_ref = _ref(old_raw), _ref(new_raw)
        if old_ref and old_ref == new_ref and old_ref.startswith(SCHEMA_PREFIX):
            return
        if old_ref != new_ref:
            self.add(kind, loc, f"changed schema {_label(old_ref)} → {_label(new_ref)}")
        # Document nodes are finite and their ids stable, so this ends cycles; a missing schema is one node.
        key = (old_ref or id(old_raw) if old_raw else None, new_ref or id(new_raw) if new_raw else None, directions)
        if key in self.visited:
            return
        self.visited.add(key)
        self.compare(_flatten(self.old, old_raw), _flatten(self.new, new_raw), directions, kind, loc)

    def compare(self, old: Json, new: Json, directions: Directions, kind: str, loc: str) -> None:
        request, response = "request" in directions, "response" in directions
        used_in = "/".join(sorted(directions))
        old_types, new_types = _types(old), _types(new)
        if old_types != new_types:
            self.add(kind, loc, f"changed type {_fmt_types(old_types)} → {_fmt_types(new_types)}", True)
        elif old.get("format") != new.get("format"):
            formats = (old.get("format"), new.get("format"))
            message = f"changed format {formats[0] or 'none'} → {formats[1] or 'none'}"
            self.add(kind, loc, message, formats not in FORMAT_WIDENINGS)
        if _nullable(old) != _nullable(new):
            became = "nullable" if _nullable(new) else "non-nullable"
            self.add(kind, loc, f"became {became} ({used_in})", response if _nullable(new) else request)
        self.docs(loc, old, new)
        self.enum(old, new, request, response, loc)
        self.properties(old, new, directions, loc)
        if "items" in old or "items" in new:
            self.schema(old.get("items") or {}, new.get("items") or {}, directions, "Properties", f"{loc}[]")
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.schema(old_extra, new_extra, directions, "Properties", f"{loc}{{}}")
        for key in ("oneOf", "anyOf"):
            old_variants = {_label(_ref(s)) if _ref(s) else f"#{i}": s for i, s in enumerate(old.get(key) or [])}
            new_variants = {_label(_ref(s)) if _ref(s) else f"#{i}": s for i, s in enumerate(new.get(key) or [])}
            for label in sorted({*old_variants, *new_variants}):
                if label not in new_variants:
                    self.add(kind, loc, f"removed {key} variant {label}", request)
                elif label not in old_variants:
                    self.add(kind, loc, f"added {key} variant {label}", response)
                else:
                    self.schema(old_variants[label], new_variants[label], directions, kind, f"{loc}<{label}>")

    def enum(self, old: Json, new: Json, request: bool, response: bool, loc: str) -> None:
        if "enum" not in old and "enum" not in new:
            return
        if "enum" not in old or "enum" not in new:
            message = "added enum constraint" if "enum" in new else "removed enum constraint"
            self.add("Enums", loc, f"{message} (generated type changes)", True)
            return
        old_values, new_values = old["enum"] or [], new["enum"] or []
        for value in old_values:
            if value not in new_values:
                self.add("Enums", loc, f"removed enum value {value!r}", True)
        for value in new_values:
            if value not in old_values:
                note = " (clients must tolerate unknown values)" if response else ""
                self.add("Enums", loc, f"added enum value {value!r}{note}")

    def properties(self, old: Json, new: Json, directions: Directions, loc: str) -> None:
        request, response = "request" in directions, "response" in directions
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        removed = [name for name in old_props if name not in new_props]
        added = [name for name in new_props if name not in old_props]
        if len(removed) == 1 and len(added) == 1:
            gone, came = removed[0], added[0]
            if _types(_flatten(self.old, old_props[gone])) == _types(_flatten(self.new, new_props[came])):
                self.add("Properties", loc, f"renamed property {gone} → {came} (looks like)", True)
                removed, added = [], []
        for name in removed:
            self.add("Properties", loc, f"removed property {name} (generated model field disappears)", True)
        for name in added:
            required = name in new_required
            where = " to a request schema" if required and request else ""
            self.add(
                "Properties",
                loc,
                f"added {'required ' if required else ''}property {name}{where}",
                required and request,
            )
        for name in old_props:
            if name not in new_props:
                continue
            if name in new_required and name not in old_required:
                self.add("Required lists", f"{loc}.{name}", "became required", request)
            elif name in old_required and name not in new_required:
                note = " (responses may omit it)" if response else ""
                self.add("Required lists", f"{loc}.{name}", f"became optional{note}", response)
            self.schema(old_props[name], new_props[name], directions, "Properties", f"{loc}.{name}")


def diff_specs(old: Json, new: Json) -> list[Change]:
    """All changes from `old` to `new`, each classified breaking or compatible for generated-client users."""
    return _Differ(old, new).run()


# -- versions, rendering, command line ---------------------------------------------------------------------------


def _major_minor(version: object) -> tuple[int, int] | None:
    numbers = [int(n) for n in re.findall(r"\d+", str(version))]
    if not numbers:
        return None
    return numbers[0], (numbers[1] if len(numbers) > 1 else 0)


def version_bump_acknowledges(old_version: object, new_version: object) -> bool:
    """True when the new version bumps the major component (or the minor one, for 0.x versions)."""
    old, new = _major_minor(old_version), _major_minor(new_version)
    if old is None or new is None:
        return False
    if old[0] == 0 and new[0] == 0:
        return new[1] > old[1]
    return new[0] > old[0]


def _verdict(changes: list[Change], old_version: object, new_version: object) -> tuple[str, int]:
    breaking = sum(change.breaking for change in changes)
    if not changes:
        return "no changes", 0
    if not breaking:
        return "no breaking changes", 0
    if version_bump_acknowledges(old_version, new_version):
        return f"breaking changes acknowledged by version bump {old_version} → {new_version}", 0
    return f"{breaking} breaking change(s): bump the major version (minor for 0.x) of info.version", 1


def render(changes: list[Change], fmt: str, old_version: object, new_version: object) -> str:
    verdict, _ = _verdict(changes, old_version, new_version)
    if fmt == "json":
        body = {"old_version": old_version, "new_version": new_version, "verdict": verdict}
        return json.dumps(
            {**body, "changes": [dataclasses.asdict(c) for c in changes]}, indent=2, default=str, ensure_ascii=False
        )
    docs = sum(change.kind == "Documentation" for change in changes)
    breaking = sum(change.breaking for change in changes)
    counts = f"{breaking} breaking, {len(changes) - breaking - docs} compatible, {docs} documentation"
    title = f"OpenAPI diff {old_version} → {new_version}"
    if not changes:
        return f"## {title}\n\n**no changes**" if fmt == "markdown" else f"{title}: no changes"
    lines = [f"## {title}", "", f"{counts}", ""] if fmt == "markdown" else [f"{title}: {counts}", ""]
    for section in SECTIONS[:-1]:
        rows = [change for change in changes if change.kind == section]
        if not rows:
            continue
        lines.append(f"### {section}" if fmt == "markdown" else section)
        for change in rows:
            if fmt == "markdown":
                lines.append(
                    f"- {'**BREAKING**' if change.breaking else 'compatible'} `{change.location}`: {change.message}"
                )
            else:
                lines.append(
                    f"  {'BREAKING' if change.breaking else 'compatible':<11} {change.location}: {change.message}"
                )
        lines.append("")
    if docs:
        lines += [f"Documentation: {docs} change(s) to descriptions, summaries or examples", ""]
    lines.append(f"**{verdict}**" if fmt == "markdown" else verdict)
    return "\n".join(lines)


def render_changelog(changes: list[Change], new_version: object) -> str:
    buckets: dict[str, list[str]] = {"Breaking": [], "Added": [], "Changed": []}
    for change in changes:
        if change.kind not in ("Documentation", "Info"):  # the version is the entry's heading
            bucket = "Breaking" if change.breaking else "Added" if change.message.startswith("added") else "Changed"
            buckets[bucket].append(f"- `{change.location}`: {change.message}")
    docs = sum(change.kind == "Documentation" for change in changes)
    if docs:
        buckets["Documentation"] = [f"- {docs} description, summary or example change(s)"]
    lines = [f"## {new_version} - YYYY-MM-DD", ""]
    for title, items in buckets.items():
        if items:
            lines += [f"### {title}", "", *items, ""]
    if not changes:
        lines += ["- No API changes.", ""]
    return "\n".join(lines)


def _load(text: str, origin: str) -> Json:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise SpecError(f"{origin}: not an OpenAPI document (no top-level 'openapi' key)")
    try:
        versioned_operations(doc)  # every version entry well formed, every path expressible on each version
    except ValueError as exc:
        raise SpecError(f"{origin}: {exc}") from exc
    return doc


def _read(path: str) -> Json:
    try:
        return _load(Path(path).read_text(encoding="utf-8"), path)
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror}") from exc


FETCH_TIMEOUT = 60.0  # seconds for `git fetch` to deepen a shallow clone; CI networks can be slow, never a hang


def _git(*args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # a remote that wants a password fails instead of prompting
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(["git", *args], 1, "", f"git {args[0]} took over {timeout:.0f} s")
    except OSError as exc:
        return subprocess.CompletedProcess(["git", *args], 127, "", f"cannot run git: {exc.strerror}")


def _has_commit(ref: str) -> bool:
    return _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0


def _deepen(ref: str) -> str | None:
    """Fetch enough history for `ref` into a shallow clone: the ref to read afterwards, or None with the reason
    printed to stderr. `HEAD~N`/`HEAD^` deepen the clone by N commits; a name (branch, tag, sha) is fetched."""
    if _git("rev-parse", "--is-shallow-repository").stdout.strip() != "true":
        return None
    relative = re.fullmatch(r"HEAD(?:~(\d*)|(\^+))", ref)
    if relative:
        depth = int(relative.group(1) or 1) if relative.group(2) is None else len(relative.group(2))
        fetched, target = _git("fetch", "--quiet", f"--deepen={depth}", timeout=FETCH_TIMEOUT), ref
    else:
        fetched, target = _git("fetch", "--quiet", "--depth=1", "origin", ref, timeout=FETCH_TIMEOUT), "FETCH_HEAD"
    if fetched.returncode == 0 and _has_commit(target):
        return target
    lines = [line.strip() for line in fetched.stderr.splitlines() if line.strip()]
    reason = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else None)
    reason = reason or "the fetched history does not reach it"
    print(f"spec_diff: {ref!r} is not in this shallow clone and fetching it failed: {reason}", file=sys.stderr)
    return None


def _git_show(ref: str, spec: str) -> str | None:
    """The spec's text at `ref`, or None when the file does not exist there. A ref a shallow clone lacks is fetched
    first; `MissingRef` when it cannot be."""
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode:
        raise SpecError(f"--base needs a git repository: {top.stderr.strip()}")
    try:
        relative = Path(spec).resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    except ValueError as exc:
        raise SpecError(f"{spec} is outside the git repository") from exc
    if not _has_commit(ref):
        fetched = _deepen(ref)
        if fetched is None:
            raise MissingRef(ref)
        ref = fetched
    shown = _git("show", f"{ref}:{relative}")
    return shown.stdout if shown.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("old", nargs="?", help="old spec (YAML or JSON)")
    parser.add_argument("new", nargs="?", help="new spec (YAML or JSON)")
    parser.add_argument("--base", metavar="GITREF", help="compare --spec at GITREF with the working tree")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec path for --base (default {DEFAULT_SPEC})")
    parser.add_argument(
        "--released",
        metavar="PATH",
        help="with --base: the last released spec, compared with instead when GITREF is missing and cannot be fetched",
    )
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument("--changelog", action="store_true", help="print a markdown entry for openapi/CHANGELOG.md")
    args = parser.parse_args(argv)
    if args.base and (args.old or args.new):
        parser.error("give either OLD NEW or --base GITREF, not both")
    if not args.base and not (args.old and args.new):
        parser.error("give OLD and NEW specs, or --base GITREF")
    try:
        if args.base:
            new = _read(args.spec)
            try:
                old_text = _git_show(args.base, args.spec)
            except MissingRef as missing:
                if not args.released:
                    raise SpecError(
                        f"{missing}: in a shallow clone run `git fetch --unshallow` (or --deepen=N), "
                        "pass another --base, or --released PATH to compare with the last released spec"
                    ) from None
                old = _read(args.released)
                print(
                    f"spec_diff: comparing with the last released spec {args.released} "
                    f"(version {(old.get('info') or {}).get('version')}) instead of {args.base!r}",
                    file=sys.stderr,
                )
            else:
                if old_text is None:
                    print(f"new spec: {args.spec} does not exist at {args.base}")
                    return 0
                old = _load(old_text, f"{args.base}:{args.spec}")
        else:
            old, new = _read(args.old), _read(args.new)
    except SpecError as exc:
        print(f"spec_diff: {exc}", file=sys.stderr)
        return 2
    changes = diff_specs(old, new)
    old_version, new_version = (old.get("info") or {}).get("version"), (new.get("info") or {}).get("version")
    if args.changelog:
        print(render_changelog(changes, new_version))
    else:
        print(render(changes, args.format, old_version, new_version))
    return _verdict(changes, old_version, new_version)[1]


if __name__ == "__main__":
    sys.exit(main())
