"""`make spec-docs` (tools/spec_docs.py): one HTML file that renders the whole reference with no network.

Headless Chromium (Debian's `chromium`; `.ci/run` installs it) opens the page with every network path closed (an
unreachable proxy, a resolver that resolves nothing, the page's own Content-Security-Policy) and dumps the DOM after
Redoc has run; what the spec declares must be in it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from spec_versions import api_versions, version_path

from tests.support import HEADLESS_CHROMIUM, chromium

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "hubspot-crm-associations-v4.yaml"
REDOC = ROOT / "node_modules" / "redoc" / "bundles" / "redoc.standalone.js"
_spec = importlib.util.spec_from_file_location("spec_docs", ROOT / "tools" / "spec_docs.py")
assert _spec and _spec.loader
spec_docs = importlib.util.module_from_spec(_spec)
sys.modules["spec_docs"] = spec_docs
_spec.loader.exec_module(spec_docs)

METHODS = ("get", "put", "post", "delete", "patch")


class _Sections(HTMLParser):
    """Text and <strong> labels of the rendered page, per operation (Redoc's `operation/<operationId>` anchors)."""

    def __init__(self) -> None:
        super().__init__()
        self.current = ""
        self.text: dict[str, list[str]] = {"": []}
        self.strong: dict[str, list[str]] = {"": []}
        self._skip = 0
        self._in_strong = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        anchor = dict(attrs).get("id") or ""
        if anchor.startswith("operation/") and anchor != f"operation/{self.current}":
            self.current = anchor.removeprefix("operation/")
            self.text.setdefault(self.current, [])
            self.strong.setdefault(self.current, [])
        self._in_strong = tag == "strong"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "strong":
            self._in_strong = False

    def handle_data(self, data: str) -> None:
        if self._skip or not data.strip():
            return
        self.text[self.current].append(data.strip())
        if self._in_strong:
            self.strong[self.current].append(data.strip())


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spec-docs") / "index.html"
    assert REDOC.is_file(), "node_modules/redoc is missing: run `make install`"
    assert spec_docs.main(["--spec", str(SPEC), "--redoc", str(REDOC), "--output", str(out)]) == 0
    return out


def test_the_page_fetches_nothing(page: Path) -> None:
    static = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", static, re.IGNORECASE)
    assert "Content-Security-Policy" in static and "default-src 'none'" in static and "connect-src 'none'" in static
    assert "cdn." not in static.split("<script", 1)[0]


def test_the_page_renders_the_whole_reference_offline(page: Path, tmp_path: Path) -> None:
    command = [
        chromium(),
        *HEADLESS_CHROMIUM,
        f"--user-data-dir={tmp_path / 'profile'}",
        # Network blocked: every request goes to a proxy that is not there, and no name resolves.
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=20000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    sections = _Sections()
    sections.feed(done.stdout)
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    components = spec["components"]
    operations = 0
    for v4_path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            operations += 1
            name = operation["operationId"]
            assert name in sections.text, f"{name} is not rendered"
            text = " ".join(sections.text[name])
            assert operation["summary"] in text
            for version in api_versions(spec):  # its path on every HubSpot API version, in the operation's own table
                shown = f"{method.upper()} {version_path(version, v4_path)}"
                assert shown in sections.text[name], f"{name}: {version['name']} path {shown} is not shown"
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if "$ref" in parameter:
                    parameter = components["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
                # Its own text node (a name inside another, objectId in fromObjectId, does not count).
                assert parameter["name"] in sections.text[name], f"{name}: parameter {parameter['name']} is not shown"
            codes = {label.split()[0] for label in sections.strong[name] if re.fullmatch(r"[1-5](\d\d|XX)", label)}
            assert codes == set(operation["responses"]), f"{name}: responses shown {sorted(codes)}"
            # The first response's first example is the sample shown without a click: all of it, as JSON.
            first = next(iter(operation["responses"].values()))
            if "content" not in first:  # a 204: nothing to show
                continue
            example = next(iter(first["content"]["application/json"]["examples"].values()))["value"]
            assert _compact(json.dumps(example, ensure_ascii=False)) in _compact(text), f"{name}: example not shown"
    assert operations == 9
    intro = sections.text[""]
    assert [version["name"] for version in api_versions(spec)] == ["v4", "2026-03", "2026-09"]
    for version in api_versions(spec):
        assert version["name"] in intro and f"{version['objects']}…" in intro, f"{version['name']} not in the intro"
    assert "Loading" not in " ".join(sections.text[""])
