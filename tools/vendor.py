#!/usr/bin/env python3
"""Vendor the SDK into another package, and tell whether a vendored copy has drifted from this checkout.

    python tools/vendor.py write DEST    # writes DEST/hubspot_associations/ (make vendor DEST=...)
    python tools/vendor.py check DEST    # exit 0 current, 1 stale (make vendor-check DEST=...)

DEST is the directory that will *contain* the package, e.g. ``myapp/_vendor``; the copy is then imported as
``myapp._vendor.hubspot_associations``. The copy is one directory:

    DEST/hubspot_associations/           the overlay package (without emulator/ and cli/)
    DEST/hubspot_associations/_api/      the generated hubspot_associations_api package, nested
    DEST/hubspot_associations/_vendored.py, VENDORED.md   the stamp: versions, spec sha256, requirements

Mechanism: files are copied byte for byte, except that absolute imports of ``hubspot_associations_api`` (and of
``hubspot_associations`` itself) in ``from X import ...`` statements are rewritten to relative imports of the
right depth; the generated package already imports itself relatively. The rewrite works on tokens located with
``tokenize`` and is verified with ``ast`` afterwards: the copy must import nothing but itself (relatively), the
standard library and the runtime dependencies in pyproject.toml, and never the excluded subpackages. Anything
it cannot rewrite exactly (``import hubspot_associations_api``, the name used as a string) is an error.

``write`` refuses a DEST/hubspot_associations that is not a previous vendored copy, and replaces a previous copy
as a whole. ``check`` compares the stamp (SDK version, spec sha256, generator, runtime requirements) and every
file with what ``write`` would produce from this checkout now.

Exit codes: 0 written / current; 1 stale (check); 2 usage errors, refused DEST, or a tree that cannot be vendored.
Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "hubspot_associations"
API_PACKAGE = "hubspot_associations_api"
API_SUBPACKAGE = "_api"
OVERLAY_DIR = PurePosixPath("overlays", PACKAGE)
GENERATED_DIR = PurePosixPath("generated", API_PACKAGE)
SPEC_PATH = PurePosixPath("openapi", "hubspot-crm-associations-v4.yaml")
VERSION_FILE = OVERLAY_DIR / "_version.py"
GENERATOR = "openapi-python-client"
EXCLUDED_SUBPACKAGES = ("emulator", "cli", "pytest_plugin")
"""Overlay subpackages left out (Starlette, uvicorn, Typer, Rich, pytest): a vendored copy is runtime-only."""
OPTIONAL_IMPORTS = ("redis",)
"""Optional extras the runtime package may import, only when the feature needing one is used (``shared_limit=``
imports ``redis``): never at ``import hubspot_associations``, so a vendored copy runs without them."""
STAMP_MODULE = "_vendored.py"
STAMP_DOC = "VENDORED.md"
STAMP_MARKER = "# hubspot-associations vendored copy: written by tools/vendor.py"
STAMP_FORMAT = 1
IGNORED_NAMES = ("__pycache__", ".DS_Store")
IGNORED_SUFFIXES = (".pyc", ".pyo")
IMPORT_NAMES = {"attrs": ("attrs", "attr")}
"""Distribution name -> the module names it provides, where they differ from the normalised name."""


class VendorError(Exception):
    """The tree cannot be vendored, or DEST cannot be written (exit code 2)."""


@dataclass(frozen=True)
class Stamp:
    """What a vendored copy was made from."""

    sdk_version: str
    spec_path: str
    spec_sha256: str
    generator: str
    requires_python: str
    runtime_requirements: tuple[str, ...]
    source_commit: str | None
    source_dirty: bool | None

    def comparable(self) -> dict[str, object]:
        """The fields that make a copy stale when they change (not where or when it was made)."""
        return {
            "SDK version": self.sdk_version,
            "spec sha256": self.spec_sha256,
            "generator": self.generator,
            "requires-python": self.requires_python,
            "runtime requirements": self.runtime_requirements,
        }


# --- import rewriting ------------------------------------------------------------------------------------------


def relative_module(module: str, depth: int) -> str | None:
    """The relative form of absolute ``module`` seen from a module ``depth`` packages below the vendored root.

    ``None`` when ``module`` is neither the overlay nor the generated package.

    >>> relative_module("hubspot_associations_api.models", 0)
    '._api.models'
    >>> relative_module("hubspot_associations", 1)
    '..'
    """
    root, *rest = module.split(".")
    if root == API_PACKAGE:
        rest = [API_SUBPACKAGE, *rest]
    elif root != PACKAGE:
        return None
    return "." * (depth + 1) + ".".join(rest)


def _ours(module: str) -> bool:
    return module.split(".")[0] in (PACKAGE, API_PACKAGE)


def _absolute_imports_to_rewrite(tree: ast.AST, filename: str) -> int:
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _ours(node.module):
            count += 1
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _ours(alias.name):
                    parent, _, name = alias.name.rpartition(".")
                    hint = f"from {parent} import {name}" if parent else f"from {alias.name} import ..."
                    raise VendorError(
                        f"{filename}:{node.lineno}: `import {alias.name}` cannot be made relative; write `{hint}`"
                    )
    return count


_STATEMENT_START = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)


def rewrite_imports(source: str, depth: int, filename: str = "<source>") -> str:
    """Rewrite ``from hubspot_associations_api[.x] import ...`` (and ``from hubspot_associations[.x]``) to relative.

    ``depth`` is how many packages below the vendored ``hubspot_associations`` the module sits (0 for its own
    modules, 1 for ``_api/client.py``). Only the module name is replaced: comments, layout and everything
    else stay as they were. Raises :class:`VendorError` for imports that cannot be rewritten exactly.
    """
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        raise VendorError(f"{filename}: cannot parse: {exc}") from None
    expected = _absolute_imports_to_rewrite(tree, filename)
    if not expected:
        return source
    lines = io.StringIO(source).readlines()
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line))
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.COMMENT)
    ]
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string != "from":
            continue
        prev = tokens[i - 1] if i else None
        at_statement_start = (
            prev is None or prev.type in _STATEMENT_START or (prev.type == tokenize.OP and prev.string in (";", ":"))
        )
        if not at_statement_start:  # `yield from`, `raise X from Y`
            continue
        j = i + 1
        while j < len(tokens) and not (tokens[j].type == tokenize.NAME and tokens[j].string == "import"):
            j += 1
        module_tokens = tokens[i + 1 : j]
        module = "".join(t.string for t in module_tokens)
        if not module_tokens or module.startswith(".") or not _ours(module):
            continue
        replacement = relative_module(module, depth)
        assert replacement is not None
        (start_row, start_col), (end_row, end_col) = module_tokens[0].start, module_tokens[-1].end
        edits.append((line_starts[start_row - 1] + start_col, line_starts[end_row - 1] + end_col, replacement))
    if len(edits) != expected:
        raise VendorError(f"{filename}: found {expected} absolute imports to rewrite but located {len(edits)}")
    for start, end, replacement in reversed(edits):
        source = source[:start] + replacement + source[end:]
    return source


def import_problems(source: str, package: Sequence[str], allowed: frozenset[str], filename: str) -> list[str]:
    """Why a (rewritten) module would not work inside another package; empty when it is fine.

    ``package`` is the module's package as parts from the vendored root, e.g. ``("hubspot_associations", "_api")``;
    ``allowed`` the top-level modules it may import absolutely (standard library and runtime dependencies).
    """
    problems: list[str] = []
    tree = ast.parse(source, filename)
    excluded = {(PACKAGE, name) for name in EXCLUDED_SUBPACKAGES}
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in allowed:
                    problems.append(f"{where}: imports {alias.name!r}, not a runtime dependency or standard library")
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            module = node.module or ""
            if _ours(module):
                problems.append(f"{where}: absolute import of {module!r} left")
            elif module.split(".")[0] not in allowed:
                problems.append(f"{where}: imports {module!r}, not a runtime dependency or standard library")
        elif isinstance(node, ast.ImportFrom):
            if node.level > len(package):
                problems.append(f"{where}: relative import goes above the vendored package")
                continue
            base = (*package[: len(package) - node.level + 1], *(node.module.split(".") if node.module else ()))
            targets = [base, *((*base, alias.name) for alias in node.names)]
            if any(target[:2] in excluded for target in targets):
                problems.append(f"{where}: imports the excluded subpackage {'.'.join(base)} (emulator/cli stay out)")
        elif isinstance(node, ast.Name) and node.id in (PACKAGE, API_PACKAGE):
            problems.append(f"{where}: uses the name {node.id!r}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"\w+(\.\w+)*", node.value)
            and _ours(node.value)
            and node.value != PACKAGE  # the logger name "hubspot_associations" is a name, not an import
        ):
            problems.append(f"{where}: the string {node.value!r} looks like a dynamic import of the top-level package")
    return problems


# --- what gets vendored ----------------------------------------------------------------------------------------


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    if not match:
        raise VendorError(f"cannot read the requirement {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _sdk_version(root: Path) -> str:
    path = root / VERSION_FILE
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        if isinstance(target, ast.Name) and target.id == "__version__" and isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise VendorError(f'{VERSION_FILE}: no `__version__ = "..."`')


def current_stamp(root: Path = ROOT) -> Stamp:
    """The stamp a copy written from ``root`` now would carry."""
    try:
        pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        project = pyproject["project"]
        requirements = tuple(str(r) for r in project["dependencies"])
        dev = [str(r) for r in project["optional-dependencies"]["dev"]]
        spec = (root / SPEC_PATH).read_bytes()
        sdk_version = _sdk_version(root)
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise VendorError(f"cannot read the SDK's metadata under {root}: {exc!r}") from None
    pins = [r.replace(" ", "") for r in dev if _requirement_name(r) == GENERATOR]
    if len(pins) != 1 or "==" not in pins[0]:
        raise VendorError(f"pyproject.toml: the dev extra must pin {GENERATOR}==X.Y.Z exactly once, got {pins}")
    commit = _git(root, "rev-parse", "HEAD")
    status = None
    if commit is not None:
        paths = [str(OVERLAY_DIR), str(GENERATED_DIR), str(SPEC_PATH), "pyproject.toml"]
        paths += [f":(exclude){OVERLAY_DIR / name}" for name in EXCLUDED_SUBPACKAGES]
        status = _git(root, "status", "--porcelain", "--", *paths)
    return Stamp(
        sdk_version=sdk_version,
        spec_path=str(SPEC_PATH),
        spec_sha256=hashlib.sha256(spec).hexdigest(),
        generator=pins[0],
        requires_python=str(project.get("requires-python", "")),
        runtime_requirements=requirements,
        source_commit=commit,
        source_dirty=None if status is None else bool(status),
    )


def _allowed_imports(stamp: Stamp) -> frozenset[str]:
    names = {"__future__", *sys.stdlib_module_names, *OPTIONAL_IMPORTS}
    for requirement in stamp.runtime_requirements:
        name = _requirement_name(requirement)
        names.update(IMPORT_NAMES.get(name, (name.replace("-", "_"),)))
    return frozenset(names)


def _source_files(directory: Path, skip_top: Sequence[str] = ()) -> list[PurePosixPath]:
    if not directory.is_dir():
        raise VendorError(f"{directory} is not a directory")
    found = []
    for path in sorted(directory.rglob("*")):
        relative = PurePosixPath(path.relative_to(directory).as_posix())
        if relative.parts[0] in skip_top or any(part in IGNORED_NAMES for part in relative.parts):
            continue
        if path.is_file() and not path.name.endswith(IGNORED_SUFFIXES):
            found.append(relative)
    return found


def build_tree(root: Path = ROOT, stamp: Stamp | None = None) -> dict[PurePosixPath, bytes]:
    """Every file of the vendored package except the stamp, keyed by its path below ``hubspot_associations/``."""
    stamp = stamp or current_stamp(root)
    allowed = _allowed_imports(stamp)
    overlay, generated = root / OVERLAY_DIR, root / GENERATED_DIR
    sources = [(overlay / rel, rel) for rel in _source_files(overlay, EXCLUDED_SUBPACKAGES)]
    sources += [(generated / rel, API_SUBPACKAGE / rel) for rel in _source_files(generated)]
    tree: dict[PurePosixPath, bytes] = {}
    problems: list[str] = []
    reserved = (API_SUBPACKAGE, STAMP_MODULE, STAMP_DOC)
    for source_path, target in sources:
        if source_path.is_relative_to(overlay) and target.parts[0] in reserved:
            raise VendorError(f"{source_path} collides with {target.parts[0]}, which the vendored copy needs")
        data = source_path.read_bytes()
        if target.suffix == ".py":
            filename = str(source_path.relative_to(root))
            package = (PACKAGE, *target.parent.parts)
            text = rewrite_imports(data.decode("utf-8"), len(package) - 1, filename)
            problems += import_problems(text, package, allowed, filename)
            data = text.encode("utf-8")
        tree[target] = data
    if problems:
        raise VendorError("the tree cannot be vendored:\n  " + "\n  ".join(problems))
    return tree


# --- the stamp -------------------------------------------------------------------------------------------------


def _literal(value: object) -> str:
    """A Python literal in the style ruff format writes (double quotes), for the stamp module."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        items = [_literal(item) for item in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if value is None or isinstance(value, bool | int):
        return repr(value)
    raise TypeError(f"no literal for {value!r}")


def render_stamp_module(stamp: Stamp) -> str:
    """``_vendored.py``: the stamp as typed constants and one ``VENDORED`` dict."""
    constants = {
        "STAMP_FORMAT": ("", STAMP_FORMAT),
        "SDK_VERSION": ("", stamp.sdk_version),
        "SPEC_PATH": ("", stamp.spec_path),
        "SPEC_SHA256": ("", stamp.spec_sha256),
        "GENERATOR": ("", stamp.generator),
        "REQUIRES_PYTHON": ("", stamp.requires_python),
        "RUNTIME_REQUIREMENTS": ("[tuple[str, ...]]", stamp.runtime_requirements),
        "EXCLUDED_SUBPACKAGES": ("[tuple[str, ...]]", EXCLUDED_SUBPACKAGES),
        "SOURCE_COMMIT": ("[str | None]", stamp.source_commit),
        "SOURCE_DIRTY": ("[bool | None]", stamp.source_dirty),
    }
    lines = [
        STAMP_MARKER,
        '"""Where this vendored copy of hubspot-associations came from. Generated: re-vendor instead of editing."""',
        "",
        "from typing import Final",
        "",
        *(f"{name}: Final{annotation} = {_literal(value)}" for name, (annotation, value) in constants.items()),
        "",
        "VENDORED: Final[dict[str, object]] = {",
        *(f'    "{name.lower()}": {name},' for name in constants),
        "}",
        '"""All of the above in one dict, e.g. to log at startup."""',
        "",
    ]
    return "\n".join(lines)


def read_stamp(package_dir: Path) -> Stamp:
    """Parse ``_vendored.py`` of a vendored copy without importing it."""
    path = package_dir / STAMP_MODULE
    try:
        text = path.read_text(encoding="utf-8")
        if not text.startswith(STAMP_MARKER):
            raise VendorError(f"{path} was not written by tools/vendor.py")
        values: dict[str, object] = {}
        for node in ast.parse(text, str(path)).body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                try:
                    values[node.target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
        fields: Mapping[str, object] = values
        requirements = fields["RUNTIME_REQUIREMENTS"]
        commit, dirty = fields.get("SOURCE_COMMIT"), fields.get("SOURCE_DIRTY")
        return Stamp(
            sdk_version=str(fields["SDK_VERSION"]),
            spec_path=str(fields["SPEC_PATH"]),
            spec_sha256=str(fields["SPEC_SHA256"]),
            generator=str(fields["GENERATOR"]),
            requires_python=str(fields["REQUIRES_PYTHON"]),
            runtime_requirements=tuple(str(r) for r in requirements) if isinstance(requirements, tuple) else (),
            source_commit=commit if isinstance(commit, str) else None,
            source_dirty=dirty if isinstance(dirty, bool) else None,
        )
    except (OSError, UnicodeDecodeError, SyntaxError, KeyError) as exc:
        raise VendorError(f"{path}: not a readable vendored-copy stamp ({exc!r})") from None


def render_stamp_doc(stamp: Stamp) -> str:
    """``VENDORED.md``: the stamp for people reading the consuming repository."""
    if stamp.source_commit is None:
        source = "unknown (not a git checkout)"
    else:
        source = f"`{stamp.source_commit}`" + (" with uncommitted changes" if stamp.source_dirty else "")
    requirements = ", ".join(f"`{r}`" for r in stamp.runtime_requirements)
    excluded = " and ".join(f"`{name}/`" for name in EXCLUDED_SUBPACKAGES)
    return f"""# Vendored hubspot-associations {stamp.sdk_version}

This directory is a vendored copy of the hubspot-associations SDK: the `{PACKAGE}` package with the generated
`{API_PACKAGE}` client nested inside it as `{API_SUBPACKAGE}/`. It was written by `tools/vendor.py`
(`make vendor DEST=...` in the SDK repository). Do not edit it: re-vendor instead.

| | |
|---|---|
| SDK version | {stamp.sdk_version} |
| OpenAPI spec | `{stamp.spec_path}`, sha256 `{stamp.spec_sha256}` |
| Generator | `{stamp.generator}` |
| Python | `{stamp.requires_python}` |
| Runtime requirements | {requirements} |
| Source commit | {source} |

## Using it

Import it through your own package, for example
`from myapp._vendor.{PACKAGE} import HubSpotAssociations` (the prefix is wherever you vendored it). Add the
runtime requirements above to your project's dependencies; nothing else is needed. Every import inside the copy
is relative, so it never imports a top-level `{PACKAGE}` or `{API_PACKAGE}`, and it can live next to an
installed hubspot-associations of another version. It logs to the `{PACKAGE}` logger like the installed SDK.

Left out: {excluded} (they need Starlette, uvicorn, Typer and Rich). For the offline emulator in your tests,
install `hubspot-associations[emulator]` in your test environment.

The same facts are available at runtime: `from myapp._vendor.{PACKAGE}._vendored import VENDORED`.
Keep linters and formatters off this directory: any change makes `vendor-check` report it as edited.

## Checking for drift

In a checkout of the SDK at the version you want to track:

    make vendor-check DEST=path/to/myapp/_vendor

exits 0 when this copy is current, and 1 when it is stale (different SDK version, spec, generator or runtime
requirements, or files that differ from what `make vendor` would write now), saying what differs.
"""


# --- write and check -------------------------------------------------------------------------------------------


def _package_dir(dest: Path) -> Path:
    if dest.name == PACKAGE:
        raise VendorError(f"DEST is the directory that contains {PACKAGE}/ (such as myapp/_vendor), not {dest}")
    if dest.exists() and not dest.is_dir():
        raise VendorError(f"{dest} exists and is not a directory")
    return dest / PACKAGE


def write(dest: Path, root: Path = ROOT) -> Path:
    """Write (or replace) ``dest/hubspot_associations``; returns that directory."""
    target = _package_dir(dest)
    if target.is_symlink() or target.exists():
        if target.is_symlink() or not target.is_dir():
            raise VendorError(f"refusing to replace {target}: it is not a directory written by tools/vendor.py")
        read_stamp(target)  # raises when it is not a previous vendored copy: never overwrite someone's files
    stamp = current_stamp(root)
    tree = build_tree(root, stamp)
    tree[PurePosixPath(STAMP_MODULE)] = render_stamp_module(stamp).encode("utf-8")
    tree[PurePosixPath(STAMP_DOC)] = render_stamp_doc(stamp).encode("utf-8")
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{PACKAGE}.new-", dir=dest))
    old: Path | None = None
    try:
        for relative, data in tree.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        staging.chmod(0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{PACKAGE}.old-", dir=dest))
            target.rename(old / PACKAGE)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and (old / PACKAGE).exists() and not target.exists():
            (old / PACKAGE).rename(target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return target


@dataclass(frozen=True)
class CheckResult:
    current: bool
    lines: tuple[str, ...]


def _short(values: Sequence[PurePosixPath], limit: int = 5) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def check(dest: Path, root: Path = ROOT) -> CheckResult:
    """Compare the copy under ``dest`` with what :func:`write` would produce from ``root`` now."""
    target = dest if dest.name == PACKAGE and (dest / STAMP_MODULE).exists() else _package_dir(dest)
    if not target.is_dir():
        raise VendorError(f"no vendored copy at {target} (write one with: make vendor DEST={dest})")
    vendored, now = read_stamp(target), current_stamp(root)
    reasons = [
        f"{what}: vendored {was!r}, this checkout {is_!r}"
        for (what, was), is_ in zip(vendored.comparable().items(), now.comparable().values(), strict=True)
        if was != is_
    ]
    expected = build_tree(root, now)
    actual = {
        PurePosixPath(rel)
        for rel in _source_files(target)
        if rel.parent != PurePosixPath(".") or rel.name not in (STAMP_MODULE, STAMP_DOC)
    }
    changed = sorted(rel for rel in actual & expected.keys() if (target / rel).read_bytes() != expected[rel])
    missing = sorted(expected.keys() - actual)
    extra = sorted(actual - expected.keys())
    for label, paths in (("differ from this checkout", changed), ("missing", missing), ("extra", extra)):
        if paths:
            reasons.append(f"{len(paths)} file(s) {label}: {_short(paths)}")
    summary = f"SDK {vendored.sdk_version}, spec sha256 {vendored.spec_sha256[:12]}, {vendored.generator}"
    if not reasons:
        return CheckResult(True, (f"{target}: current ({summary})",))
    return CheckResult(
        False,
        (
            f"{target}: STALE against the SDK at {root.resolve()} (vendored: {summary})",
            *(f"  - {reason}" for reason in reasons),
            f"Re-vendor with: make vendor DEST={target.parent}",
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/vendor.py", description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("write", "write DEST/hubspot_associations (replacing a previous vendored copy)"),
        ("check", "exit 0 if DEST's vendored copy is current, 1 if it is stale"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("dest", type=Path, metavar="DEST", help="the directory that contains the copy")
        command.add_argument("--root", type=Path, default=ROOT, help="SDK checkout to use (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        if args.command == "write":
            target = write(args.dest, args.root)
            stamp = read_stamp(target)
            print(f"vendored hubspot-associations {stamp.sdk_version} into {target}")
            print(f"  import it as <your package>.{PACKAGE}; requirements: {', '.join(stamp.runtime_requirements)}")
            if not (args.dest / "__init__.py").exists():
                print(
                    f"  note: {args.dest} has no __init__.py; add one if {args.dest.name} should be a regular package"
                )
            return 0
        result = check(args.dest, args.root)
    except VendorError as exc:
        print(f"vendor {args.command}: {exc}", file=sys.stderr)
        return 2
    print("\n".join(result.lines))
    return 0 if result.current else 1


if __name__ == "__main__":
    sys.exit(main())
