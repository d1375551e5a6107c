"""Tests for tools/spec_diff.py: each kind of spec change, its classification, and the command line."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import load_tool

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "spec_diff.py"
spec_diff = load_tool(SCRIPT)
Change = spec_diff.Change
diff_specs = spec_diff.diff_specs

Spec = dict[str, Any]
PATH = "/things/{thingId}"


def base() -> Spec:
    """A small spec: one operation with a path, a query parameter, a request body, responses, headers, refs."""
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ThingInput"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1.0.0"},
        "paths": {
            PATH: {
                "put": {
                    "operationId": "putThing",
                    "summary": "Put a thing",
                    "parameters": [
                        {"$ref": "#/components/parameters/thingId"},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}},
                    ],
                    "requestBody": {"required": True, "content": json_body},
                    "responses": {
                        "201": {
                            "description": "created",
                            "headers": {"X-Id": {"$ref": "#/components/headers/XId"}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        },
                        "400": {"$ref": "#/components/responses/BadRequest"},
                    },
                }
            }
        },
        "components": {
            "parameters": {
                "thingId": {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}
            },
            "headers": {"XId": {"schema": {"type": "string"}}},
            "responses": {
                "BadRequest": {
                    "description": "bad request",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ThingInput": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "note": {"type": "string"},
                    },
                },
                "Thing": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "status": {"type": "string", "enum": ["ACTIVE", "ARCHIVED"]},
                        "count": {"type": "integer", "format": "int64"},
                        "parent": {"$ref": "#/components/schemas/Thing"},  # a cycle
                    },
                },
                "Kind": {"type": "string", "enum": ["A", "B"]},
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
                "Unused": {"type": "object", "properties": {"x": {"type": "string"}}},
            },
        },
    }


def op(doc: Spec) -> Spec:
    result: Spec = doc["paths"][PATH]["put"]
    return result


def schemas(doc: Spec) -> Spec:
    result: Spec = doc["components"]["schemas"]
    return result


def props(doc: Spec, name: str) -> Spec:
    result: Spec = schemas(doc)[name]["properties"]
    return result


def diff(mutate_new: Callable[[Spec], object], mutate_old: Callable[[Spec], object] | None = None) -> list[Any]:
    old, new = base(), base()
    if mutate_old:
        mutate_old(old)
        mutate_old(new)
    mutate_new(new)
    return [change for change in diff_specs(old, new) if change.kind != "Documentation"]


def the_change(changes: list[Any]) -> Any:
    assert len(changes) == 1, changes
    return changes[0]


def rename_limit(doc: Spec) -> None:
    op(doc)["parameters"][1]["name"] = "max"


def move_limit(doc: Spec) -> None:
    op(doc)["parameters"][1]["in"] = "header"


def success_200(doc: Spec) -> None:
    op(doc)["responses"]["200"] = op(doc)["responses"].pop("201")


def rename_path_parameter(doc: Spec) -> None:
    doc["paths"] = {"/things/{id}": doc["paths"][PATH]}
    doc["components"]["parameters"]["thingId"]["name"] = "id"


# (case, mutation of the new spec, kind, words in the message, breaking)
CASES: list[tuple[str, Callable[[Spec], object], str, str, bool]] = [
    ("removed operation", lambda d: d["paths"].pop(PATH), "Operations", "removed operation putThing", True),
    (
        "added operation",
        lambda d: d["paths"].update({"/other": {"get": {"operationId": "getOther", "responses": {}}}}),
        "Operations",
        "added operation getOther",
        False,
    ),
    ("operationId changed", lambda d: op(d).update(operationId="upsertThing"), "Operations", "putThing → upsert", True),
    ("deprecated", lambda d: op(d).update(deprecated=True), "Operations", "became deprecated", False),
    ("removed query parameter", lambda d: op(d)["parameters"].pop(1), "Parameters", "removed parameter", True),
    ("renamed query parameter", rename_limit, "Parameters", "renamed parameter limit → max", True),
    ("renamed path parameter", rename_path_parameter, "Parameters", "renamed parameter thingId → id", True),
    (
        "added optional parameter",
        lambda d: op(d)["parameters"].append({"name": "q", "in": "query"}),
        "Parameters",
        "added optional parameter",
        False,
    ),
    (
        "added required parameter",
        lambda d: op(d)["parameters"].append({"name": "X-Key", "in": "header", "required": True}),
        "Parameters",
        "added required parameter",
        True,
    ),
    (
        "parameter became required",
        lambda d: op(d)["parameters"][1].update(required=True),
        "Parameters",
        "required",
        True,
    ),
    (
        "parameter type changed",
        lambda d: op(d)["parameters"][1].update(schema={"type": "string"}),
        "Parameters",
        "changed type integer → string",
        True,
    ),
    (
        "parameter format widened",
        lambda d: op(d)["parameters"][1]["schema"].update(format="int64"),
        "Parameters",
        "changed format int32 → int64",
        False,
    ),
    ("parameter location changed", move_limit, "Parameters", "changed location query → header", True),
    ("removed request body", lambda d: op(d).pop("requestBody"), "Request body", "removed request body", True),
    ("request body optional", lambda d: op(d)["requestBody"].update(required=False), "Request body", "optional", False),
    (
        "request media type added",
        lambda d: op(d)["requestBody"]["content"].update({"text/plain": {"schema": {"type": "string"}}}),
        "Request body",
        "added media type text/plain",
        False,
    ),
    (
        "request media type changed",
        lambda d: op(d)["requestBody"].update(content={"application/xml": {}}),
        "Request body",
        "media type",
        True,
    ),
    (
        "new required request property",
        lambda d: (
            props(d, "ThingInput").update(size={"type": "integer"}),
            schemas(d)["ThingInput"]["required"].append("size"),
        ),
        "Properties",
        "added required property size to a request schema",
        True,
    ),
    (
        "new optional request property",
        lambda d: props(d, "ThingInput").update(size={"type": "integer"}),
        "Properties",
        "added property size",
        False,
    ),
    (
        "removed request property",
        lambda d: props(d, "ThingInput").pop("note"),
        "Properties",
        "removed property note",
        True,
    ),
    (
        "request property became required",
        lambda d: schemas(d)["ThingInput"]["required"].append("note"),
        "Required lists",
        "became required",
        True,
    ),
    (
        "request property became optional",
        lambda d: schemas(d)["ThingInput"].update(required=[]),
        "Required lists",
        "became optional",
        False,
    ),
    (
        "request property became nullable",
        lambda d: props(d, "ThingInput")["note"].update(type=["string", "null"]),
        "Properties",
        "became nullable",
        False,
    ),
    (
        "removed request enum value",
        lambda d: schemas(d)["Kind"]["enum"].remove("B"),
        "Enums",
        "removed enum value 'B'",
        True,
    ),
    (
        "added request enum value",
        lambda d: schemas(d)["Kind"]["enum"].append("C"),
        "Enums",
        "added enum value 'C'",
        False,
    ),
    ("changed success code", success_200, "Responses", "changed success status 201 → 200", True),
    (
        "removed success response",
        lambda d: op(d)["responses"].pop("201"),
        "Responses",
        "removed success response",
        True,
    ),
    (
        "added error response",
        lambda d: op(d)["responses"].update({"404": {"description": "missing"}}),
        "Responses",
        "added error response",
        False,
    ),
    ("removed error response", lambda d: op(d)["responses"].pop("400"), "Responses", "removed error response", False),
    (
        "removed response header",
        lambda d: op(d)["responses"]["201"].pop("headers"),
        "Responses",
        "removed response header",
        True,
    ),
    (
        "added response header",
        lambda d: op(d)["responses"]["201"]["headers"].update({"X-Rate": {"schema": {"type": "integer"}}}),
        "Responses",
        "added response header",
        False,
    ),
    (
        "removed response property",
        lambda d: props(d, "Thing").pop("count"),
        "Properties",
        "removed property count",
        True,
    ),
    (
        "renamed response property",
        lambda d: props(d, "Thing").update(title=props(d, "Thing").pop("name")),
        "Properties",
        "renamed",
        True,
    ),
    (
        "added response property",
        lambda d: props(d, "Thing").update(size={"type": "integer"}),
        "Properties",
        "added",
        False,
    ),
    (
        "response property type changed",
        lambda d: props(d, "Thing")["id"].update(type="integer"),
        "Properties",
        "changed type string → integer",
        True,
    ),
    (
        "response property format narrowed",
        lambda d: props(d, "Thing")["count"].update(format="int32"),
        "Properties",
        "changed format int64 → int32",
        True,
    ),
    (
        "response property became nullable",
        lambda d: props(d, "Thing")["name"].update(nullable=True),
        "Properties",
        "became nullable",
        True,
    ),
    (
        "response property became optional",
        lambda d: schemas(d)["Thing"]["required"].remove("id"),
        "Required lists",
        "became optional (responses may omit it)",
        True,
    ),
    (
        "response property became required",
        lambda d: schemas(d)["Thing"]["required"].append("count"),
        "Required lists",
        "became required",
        False,
    ),
    (
        "removed response enum value",
        lambda d: props(d, "Thing")["status"]["enum"].remove("ARCHIVED"),
        "Enums",
        "removed enum value 'ARCHIVED'",
        True,
    ),
    (
        "added response enum value",
        lambda d: props(d, "Thing")["status"]["enum"].append("DELETED"),
        "Enums",
        "added enum value 'DELETED' (clients must tolerate unknown values)",
        False,
    ),
    ("added schema", lambda d: schemas(d).update(Extra={"type": "object"}), "Schemas", "added schema", False),
    ("removed unused schema", lambda d: schemas(d).pop("Unused"), "Schemas", "removed unused schema", False),
    ("removed referenced schema", lambda d: schemas(d).pop("Error"), "Schemas", "still referenced", True),
    (
        "removed schema used by operations",
        lambda d: (schemas(d).pop("Kind"), props(d, "ThingInput").update(kind={"type": "string"})),
        "Schemas",
        "removed schema (its generated model disappears)",
        True,
    ),
    ("removed security scheme", lambda d: d["components"].pop("securitySchemes"), "Security", "removed", True),
    (
        "added security scheme",
        lambda d: d["components"]["securitySchemes"].update(oauth={"type": "oauth2"}),
        "Security",
        "added security scheme",
        False,
    ),
    ("version changed", lambda d: d["info"].update(version="1.1.0"), "Info", "changed version 1.0.0 → 1.1.0", False),
]


@pytest.mark.parametrize(
    ("mutate", "kind", "words", "breaking"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_each_kind_of_change_is_classified(
    mutate: Callable[[Spec], object], kind: str, words: str, breaking: bool
) -> None:
    changes = diff(mutate)
    matching = [change for change in changes if words in change.message]
    assert matching, changes
    assert {change.kind for change in matching} == {kind}
    assert any(change.breaking for change in changes) == breaking, changes


def test_identical_specs_have_no_changes() -> None:
    assert diff_specs(base(), base()) == []


def test_request_body_added_optional_or_required() -> None:
    drop_body: Callable[[Spec], object] = lambda d: op(d).pop("requestBody")  # noqa: E731
    optional = the_change(diff(lambda d: op(d).update(requestBody={"content": {}}), drop_body))
    assert (optional.message, optional.breaking) == ("added optional request body", False)
    required = the_change(diff(lambda d: op(d).update(requestBody={"required": True, "content": {}}), drop_body))
    assert (required.message, required.breaking) == ("added required request body", True)


def test_request_body_became_required_and_parameter_became_optional() -> None:
    def loosen(doc: Spec) -> None:
        op(doc)["requestBody"]["required"] = False
        op(doc)["parameters"][1]["required"] = True

    def tighten(doc: Spec) -> None:
        op(doc)["requestBody"]["required"] = True
        op(doc)["parameters"][1]["required"] = False

    param, body = diff(tighten, loosen)
    assert (body.kind, body.message, body.breaking) == ("Request body", "became required", True)
    assert (param.kind, param.message, param.breaking) == ("Parameters", "became optional", False)


def test_removed_media_type_in_response_is_breaking() -> None:
    change = the_change(diff(lambda d: op(d)["responses"]["201"].update(content={})))
    assert (change.kind, change.message, change.breaking) == ("Responses", "removed media type application/json", True)


def test_documentation_changes_are_counted_not_breaking() -> None:
    def reword(doc: Spec) -> None:
        op(doc)["summary"] = "Create or replace a thing"
        props(doc, "Thing")["id"]["description"] = "The id."
        schemas(doc)["Thing"]["example"] = {"id": "1"}

    changes = diff_specs(base(), _mutated(reword))
    assert [c.kind for c in changes] == ["Documentation"] * 3
    assert not any(c.breaking for c in changes)
    text = spec_diff.render(changes, "text", "1.0.0", "1.0.0")
    assert "Documentation: 3 change(s)" in text
    assert "The id." not in text


def _mutated(mutate: Callable[[Spec], object]) -> Spec:
    doc = base()
    mutate(doc)
    return doc


# -- $ref resolution, nesting, direction, cycles ---------------------------------------------------------------


def test_shared_component_parameter_header_and_response_are_resolved_and_reported_once() -> None:
    def change_components(doc: Spec) -> None:
        doc["paths"]["/second/{thingId}"] = {"get": copy.deepcopy(op(doc)) | {"operationId": "getThing"}}
        doc["components"]["parameters"]["thingId"]["schema"] = {"type": "integer"}
        doc["components"]["headers"]["XId"]["schema"] = {"type": "integer"}
        props(doc, "Error")["code"] = {"type": "string"}

    old = _mutated(lambda d: d["paths"].update({"/second/{thingId}": {"get": copy.deepcopy(op(d))}}))
    old["paths"]["/second/{thingId}"]["get"]["operationId"] = "getThing"
    changes = diff_specs(old, _mutated(change_components))
    assert [(c.location, c.message, c.breaking) for c in changes] == [
        ("parameters.thingId", "changed type string → integer", True),
        ("headers.XId", "changed type string → integer", True),
        ("Error", "added property code", False),
    ]


def test_nested_arrays_and_all_of_are_followed() -> None:
    def wrap(doc: Spec) -> None:
        op(doc)["responses"]["201"]["content"]["application/json"]["schema"] = {
            "type": "object",
            "properties": {
                "results": {
                    "type": "array",
                    "items": {
                        "allOf": [{"$ref": "#/components/schemas/Error"}, {"properties": {"at": {"type": "string"}}}]
                    },
                }
            },
        }

    def drop(doc: Spec) -> None:
        wrap(doc)
        items = op(doc)["responses"]["201"]["content"]["application/json"]["schema"]["properties"]["results"]["items"]
        items["allOf"][1]["properties"] = {}

    change = the_change(diff(drop, wrap))
    assert change.location == f"PUT {PATH} 201.results[]"
    assert (change.message, change.breaking) == ("removed property at (generated model field disappears)", True)


def test_swapped_ref_at_use_site_compares_the_schemas_behind_it() -> None:
    def swap(doc: Spec) -> None:
        schemas(doc)["ThingV2"] = copy.deepcopy(schemas(doc)["Thing"])
        del schemas(doc)["ThingV2"]["properties"]["count"]
        op(doc)["responses"]["201"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/ThingV2"}

    messages = {(c.message, c.breaking) for c in diff(swap)}
    assert ("changed schema Thing → ThingV2", False) in messages
    assert ("removed property count (generated model field disappears)", True) in messages


def test_direction_decides_whether_a_change_breaks() -> None:
    def require_x(doc: Spec) -> None:
        schemas(doc)["Unused"]["required"] = ["x"]

    assert the_change(diff(require_x)).breaking  # unused: judged as both request and response

    def use_in(direction: str) -> Callable[[Spec], object]:
        def attach(doc: Spec) -> None:
            ref = {"$ref": "#/components/schemas/Unused"}
            target = props(doc, "ThingInput" if direction == "request" else "Thing")
            target["unused"] = ref

        return attach

    assert the_change(diff(require_x, use_in("request"))).breaking
    assert not the_change(diff(require_x, use_in("response"))).breaking
    usage = spec_diff._schema_usage(base())
    assert usage["Kind"] == {"request"} and usage["Error"] == {"response"} and "Unused" not in usage


def test_one_of_variants_depend_on_direction() -> None:
    def one_of(*types: str) -> Callable[[Spec], object]:
        def set_variants(doc: Spec) -> None:
            variants = [{"type": t} for t in types]
            props(doc, "Thing")["payload"] = {"oneOf": variants}
            props(doc, "ThingInput")["payload"] = {"oneOf": copy.deepcopy(variants)}

        return set_variants

    added = diff(one_of("string", "integer"), one_of("string"))
    assert [(c.location, c.message, c.breaking) for c in added] == [
        ("Thing.payload", "added oneOf variant #1", True),  # the client cannot parse the new shape
        ("ThingInput.payload", "added oneOf variant #1", False),
    ]
    removed = diff(one_of("string"), one_of("string", "integer"))
    assert [(c.location, c.breaking) for c in removed] == [("Thing.payload", False), ("ThingInput.payload", True)]


def test_cycles_terminate() -> None:
    def cyclic(doc: Spec) -> None:
        schemas(doc)["A"] = {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}
        schemas(doc)["B"] = {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}
        schemas(doc)["Loop"] = {"$ref": "#/components/schemas/Loop"}
        schemas(doc)["List"] = {"type": "object"}
        props(doc, "Thing")["a"] = {"$ref": "#/components/schemas/A"}

    def change_cycle(doc: Spec) -> None:
        cyclic(doc)
        schemas(doc)["A2"] = {"allOf": [{"$ref": "#/components/schemas/A2"}], "properties": {"b": {"type": "array"}}}
        props(doc, "Thing")["a"] = {"$ref": "#/components/schemas/A2"}
        props(doc, "Thing")["parent"] = {
            "type": "object",
            "properties": {"parent": {"$ref": "#/components/schemas/Thing"}},
        }
        props(doc, "Thing")["count"]["format"] = "int32"
        schemas(doc)["List"] = {"type": "array", "items": {"$ref": "#/components/schemas/List"}}

    changes = diff(change_cycle, cyclic)
    assert ("Thing.count", "changed format int64 → int32") in {(c.location, c.message) for c in changes}
    assert ("Thing.a.b", "changed type object → array") in {(c.location, c.message) for c in changes}
    assert ("List[]", "changed schema inline schema → List") in {(c.location, c.message) for c in changes}


# -- versions and exit codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "acknowledged"),
    [
        ("1.2.3", "2.0.0", True),
        ("1.2.3", "1.3.0", False),
        ("0.3.0", "0.4.0", True),
        ("0.3.0", "0.3.1", False),
        ("0.9.0", "1.0.0", True),
        ("v4", "v5", True),
        ("draft", "2.0.0", False),
    ],
)
def test_version_bump_acknowledgement(old: str, new: str, acknowledged: bool) -> None:
    assert spec_diff.version_bump_acknowledges(old, new) is acknowledged


def write(tmp_path: Path, name: str, doc: Spec) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return str(path)


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = spec_diff.main(list(argv))
    return code, capsys.readouterr().out


def test_cli_identical_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, "spec.yaml", base())
    assert run_main(capsys, spec, spec) == (0, "OpenAPI diff 1.0.0 → 1.0.0: no changes\n")


def test_cli_breaking_exits_1_unless_the_version_is_bumped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "old.yaml", base())
    broken = _mutated(lambda d: props(d, "Thing").pop("count"))
    code, out = run_main(capsys, old, write(tmp_path, "new.yaml", broken))
    assert code == 1
    assert "BREAKING    Thing: removed property count" in out
    assert "1 breaking change(s)" in out
    broken["info"]["version"] = "2.0.0"
    code, out = run_main(capsys, old, write(tmp_path, "bumped.yaml", broken))
    assert code == 0
    assert out.rstrip().endswith("breaking changes acknowledged by version bump 1.0.0 → 2.0.0")


def test_cli_compatible_changes_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _mutated(lambda d: props(d, "Thing").update(size={"type": "integer"}))
    code, out = run_main(capsys, write(tmp_path, "old.yaml", base()), write(tmp_path, "new.yaml", new))
    assert code == 0
    assert "compatible  Thing: added property size" in out
    assert out.rstrip().endswith("no breaking changes")


def test_cli_markdown_json_and_changelog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(doc: Spec) -> None:
        doc["info"]["version"] = "1.1.0"
        props(doc, "Thing").pop("count")
        props(doc, "Thing")["size"] = {"type": "number"}
        schemas(doc)["Kind"]["enum"].append("C")
        op(doc)["summary"] = "Reworded"

    old, new = write(tmp_path, "old.yaml", base()), write(tmp_path, "new.yaml", _mutated(change))
    code, out = run_main(capsys, old, new, "--format", "markdown")
    assert code == 1
    assert "### Properties\n- **BREAKING** `Thing`: removed property count" in out
    code, out = run_main(capsys, old, new, "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["new_version"] == "1.1.0"
    assert {"kind": "Enums", "location": "Kind", "message": "added enum value 'C'", "breaking": False} in report[
        "changes"
    ]
    code, out = run_main(capsys, old, new, "--changelog")
    assert code == 1
    assert out.startswith("## 1.1.0 - YYYY-MM-DD\n")
    for heading in ("### Breaking", "### Added", "### Documentation"):
        assert heading in out
    assert "- `Thing`: added property size" in out
    assert "- 1 description, summary or example change(s)" in out


def test_cli_usage_and_parse_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, "spec.yaml", base())
    with pytest.raises(SystemExit) as usage:
        spec_diff.main([spec])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as both:
        spec_diff.main([spec, spec, "--base", "HEAD"])
    assert both.value.code == 2
    (tmp_path / "bad.yaml").write_text("openapi: [unclosed", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- not a spec", encoding="utf-8")
    for other in ("bad.yaml", "list.yaml", "missing.yaml"):
        assert spec_diff.main([spec, str(tmp_path / other)]) == 2
    assert "spec_diff:" in capsys.readouterr().err


# -- --base GITREF ------------------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def run_script(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=repo, capture_output=True, text=True, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit has no spec and whose next two commits add and then break it."""
    git(tmp_path, "init", "-q")
    (tmp_path / "README.md").write_text("things\n", encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    (tmp_path / "openapi").mkdir()
    write(tmp_path / "openapi", "hubspot-crm-associations-v4.yaml", base())
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "spec")
    write(tmp_path / "openapi", "hubspot-crm-associations-v4.yaml", _mutated(lambda d: d["paths"].pop(PATH)))
    git(tmp_path, "commit", "-q", "-am", "remove the operation")
    return tmp_path


def test_base_mode_compares_the_working_tree_with_a_git_ref(repo: Path) -> None:
    result = run_script(repo, "--base", "HEAD~1")
    assert result.returncode == 1, result.stderr
    assert f"BREAKING    PUT {PATH}: removed operation putThing" in result.stdout
    same = run_script(repo, "--base", "HEAD", "--spec", "openapi/hubspot-crm-associations-v4.yaml")
    assert (same.returncode, same.stdout) == (0, "OpenAPI diff 1.0.0 → 1.0.0: no changes\n")


def test_base_mode_reports_a_new_spec_and_bad_refs(repo: Path) -> None:
    new = run_script(repo, "--base", "HEAD~2")
    assert (new.returncode, new.stdout) == (
        0,
        "new spec: openapi/hubspot-crm-associations-v4.yaml does not exist at HEAD~2\n",
    )
    bad = run_script(repo, "--base", "no-such-ref")
    assert bad.returncode == 2
    assert "unknown git ref 'no-such-ref'" in bad.stderr


# -- shallow clones (`git clone --depth 1`, the default checkout of most CI systems) -------------------------------


def shallow_clone(repo: Path, factory: pytest.TempPathFactory) -> Path:
    clone = factory.mktemp("clone")
    git(clone, "clone", "-q", "--depth", "1", repo.as_uri(), ".")
    assert (clone / ".git" / "shallow").exists()
    return clone


def test_base_mode_deepens_a_shallow_clone_to_reach_the_ref(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    clone = shallow_clone(repo, tmp_path_factory)
    result = run_script(clone, "--base", "HEAD~1")
    assert result.returncode == 1, result.stderr
    assert f"BREAKING    PUT {PATH}: removed operation putThing" in result.stdout
    sha = subprocess.check_output(["git", "rev-parse", "HEAD~1"], cwd=repo, text=True).strip()
    named = run_script(shallow_clone(repo, tmp_path_factory), "--base", sha)
    assert named.returncode == 1, named.stderr
    assert f"BREAKING    PUT {PATH}: removed operation putThing" in named.stdout


def test_base_mode_in_a_shallow_clone_that_cannot_fetch(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    clone = shallow_clone(repo, tmp_path_factory)
    git(clone, "remote", "set-url", "origin", (clone / "gone").as_uri())
    bare = run_script(clone, "--base", "HEAD~1")
    assert bare.returncode == 2
    assert "'HEAD~1' is not in this shallow clone and fetching it failed" in bare.stderr
    assert "fetching it failed: fatal: " in bare.stderr  # git's own reason, not its advice
    assert "git fetch --unshallow" in bare.stderr and "--released PATH" in bare.stderr
    released = write(tmp_path_factory.mktemp("released"), "released.yaml", base())
    fallback = run_script(clone, "--base", "HEAD~1", "--released", released)
    assert fallback.returncode == 1, fallback.stderr
    assert f"comparing with the last released spec {released} (version 1.0.0) instead of 'HEAD~1'" in fallback.stderr
    assert f"BREAKING    PUT {PATH}: removed operation putThing" in fallback.stdout


def test_the_released_spec_is_the_latest_changelog_version() -> None:
    """openapi/released/ holds the spec as of the newest openapi/CHANGELOG.md entry (make spec-diff's fallback)."""
    root = SCRIPT.parents[1]
    released = yaml.safe_load((root / "openapi/released/hubspot-crm-associations-v4.yaml").read_text(encoding="utf-8"))
    changelog = (root / "openapi/CHANGELOG.md").read_text(encoding="utf-8")
    newest = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert newest.startswith(f"## {released['info']['version']} - ")
