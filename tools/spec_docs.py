#!/usr/bin/env python3
"""Write the spec's HTML reference as one file that renders with no network: `make spec-docs`.

    python tools/spec_docs.py [--spec openapi/hubspot-crm-associations-v4.yaml]
        [--redoc node_modules/redoc/bundles/redoc.standalone.js] [--output spec-docs/index.html]

The page inlines Redoc's standalone bundle (the npm package pinned in package-lock.json) and the spec as JSON, uses
the system's fonts, and carries a Content-Security-Policy that forbids every fetch, so a reviewer on a laptop, in a
CI artifact or behind a firewall sees exactly what a connected browser shows. Redocly CLI's `build-docs` loads Redoc
from a CDN, which is why this is not it.

HubSpot serves every operation on several API versions (the spec's `x-hubspot-api-versions`, see spec_versions.py):
the page shows a table of the versions in the introduction and, in each operation, its path on every version.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from spec_versions import api_versions, versioned_operations

DEFAULT_SPEC = "openapi/hubspot-crm-associations-v4.yaml"
DEFAULT_REDOC = "node_modules/redoc/bundles/redoc.standalone.js"
DEFAULT_OUTPUT = "spec-docs/index.html"

SANS = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'
MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace'
# Redoc options: every response expanded and every example level open, so the page shows the whole reference
# without clicks (and a headless browser's DOM holds all of it); system fonts instead of web fonts.
REDOC_OPTIONS: dict[str, Any] = {
    "expandResponses": "all",
    "jsonSampleExpandLevel": "all",
    "requiredPropsFirst": True,
    "hideLoading": True,
    "theme": {"typography": {"fontFamily": SANS, "headings": {"fontFamily": SANS}, "code": {"fontFamily": MONO}}},
}
# Nothing may be fetched: styles and scripts are inline (Redoc as a data: URL), Redoc's search worker and the spec
# download are blob: URLs it creates itself.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' data: blob:; worker-src blob:; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; "
    "form-action 'none'"
)


class SpecDocsError(Exception):
    """A missing or unreadable input (exit code 2)."""


def _json_in_html(value: object) -> str:
    """JSON that cannot end or confuse the <script> element it sits in: `<`, `>` and `&` as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cell(value: object) -> str:
    return str(value if value is not None else "-").replace("|", "\\|").replace("\n", " ").strip()


def with_version_paths(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` whose introduction lists the API versions and whose operations each show their path on
    every version (Markdown tables, which Redoc renders)."""
    versions = api_versions(spec)
    if not versions:
        return spec
    shown = copy.deepcopy(spec)
    rows = [
        f"| `{_cell(v['name'])}` | {_cell(v.get('status'))} | {_cell(v.get('released'))} | "
        f"{_cell(v.get('supportedUntil'))} | `{_cell(v['objects'])}…` | `{_cell(v['associations'])}…` |"
        for v in versions
    ]
    info = shown.setdefault("info", {})
    info["description"] = "\n".join(
        [
            str(info.get("description") or "").rstrip(),
            "",
            "## HubSpot API versions",
            "",
            "| version | status | released | supported until | objects paths | associations paths |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    for op in versioned_operations(spec):
        operation = shown["paths"][op.v4_path][op.method]
        table = [f"| `{_cell(name)}` | `{op.method.upper()} {path}` |" for name, path in op.paths.items()]
        operation["description"] = "\n".join(
            [
                str(operation.get("description") or "").rstrip(),
                "",
                "**Path on each HubSpot API version**",
                "",
                "| version | path |",
                "|---|---|",
                *table,
            ]
        )
    return shown


def render(spec: dict[str, Any], redoc_bundle: str) -> str:
    """The whole page: Redoc's bundle, the spec and the options, inline."""
    title = html.escape(str((spec.get("info") or {}).get("title") or "API reference"))
    # The bundle holds `<!--` and `<script` in its regexes, which would change how the HTML parser ends an inline
    # script; as a base64 data: URL it is opaque to the parser and still needs no network.
    bundle = base64.b64encode(redoc_bundle.encode("utf-8")).decode("ascii")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<div id="redoc-container"></div>
<script src="data:text/javascript;base64,{bundle}"></script>
<script>
Redoc.init({_json_in_html(spec)}, {_json_in_html(REDOC_OPTIONS)}, document.getElementById("redoc-container"));
</script>
</body>
</html>
"""


def build(spec_path: Path, redoc_path: Path, output: Path) -> None:
    try:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecDocsError(f"cannot read the spec {spec_path}: {exc}") from exc
    if not isinstance(spec, dict) or "openapi" not in spec:
        raise SpecDocsError(f"{spec_path} is not an OpenAPI document")
    try:
        bundle = redoc_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecDocsError(f"cannot read Redoc's bundle {redoc_path} ({exc.strerror}): run `make install`") from exc
    try:
        shown = with_version_paths(spec)
    except ValueError as exc:
        raise SpecDocsError(f"{spec_path}: {exc}") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(shown, bundle), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--spec", default=DEFAULT_SPEC, type=Path)
    parser.add_argument("--redoc", default=DEFAULT_REDOC, type=Path, help="Redoc's standalone bundle")
    parser.add_argument("--output", "-o", default=DEFAULT_OUTPUT, type=Path)
    args = parser.parse_args(argv)
    try:
        build(args.spec, args.redoc, args.output)
    except SpecDocsError as exc:
        print(f"spec_docs: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB, renders offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
