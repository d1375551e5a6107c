"""Tests for tools/vendor.py: the import rewrite, the copy and its stamp, drift checks, and a real vendored install.

The end-to-end test vendors the SDK into a throwaway project (``myapp/_vendor``), creates a venv holding only the
runtime requirements from pyproject.toml (pip, from the package index; one venv per session), and runs both
association calls through ``myapp._vendor.hubspot_associations`` against the emulator served from this venv.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
import venv
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.support import load_tool

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "vendor.py"
vendor = load_tool(SCRIPT)
VendorError = vendor.VendorError

OVERLAY = ROOT / "overlays" / "hubspot_associations"
GENERATED = ROOT / "generated" / "hubspot_associations_api"
SPEC = ROOT / "openapi" / "hubspot-crm-associations-v4.yaml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME_REQUIREMENTS = tuple(PYPROJECT["project"]["dependencies"])
ALLOWED = frozenset(
    {"__future__", *sys.stdlib_module_names, "httpx", "httpcore", "attrs", "attr", "anyio", *vendor.OPTIONAL_IMPORTS}
)


def _bin(venv_dir: Path, name: str) -> Path:
    return venv_dir / ("Scripts" if os.name == "nt" else "bin") / name


def _files(directory: Path) -> set[PurePosixPath]:
    return {
        PurePosixPath(p.relative_to(directory).as_posix())
        for p in directory.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def _make_project(base: Path) -> Path:
    """A consuming project: ``base/myapp`` with an empty ``_vendor`` package; returns the DEST directory."""
    dest = base / "myapp" / "_vendor"
    dest.mkdir(parents=True)
    (base / "myapp" / "__init__.py").write_text('"""A project that vendors hubspot-associations."""\n')
    (dest / "__init__.py").write_text("")
    return dest


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the SDK vendored from this checkout at ``myapp/_vendor/hubspot_associations``."""
    base = tmp_path_factory.mktemp("project")
    vendor.write(_make_project(base))
    return base


@pytest.fixture(scope="session")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with nothing but pyproject's runtime requirements (httpx, attrs, httpcore, sniffio) and their own dependencies."""
    venv_dir = tmp_path_factory.mktemp("runtime") / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONNOUSERSITE": "1"}
    pip = [str(_bin(venv_dir, "python")), "-m", "pip", "install", "--quiet", *RUNTIME_REQUIREMENTS]
    subprocess.run(pip, check=True, env=env, timeout=300)
    return venv_dir


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    """A snapshot of the SDK checkout (overlay, generated, spec, pyproject) that a test may change."""
    root = tmp_path / "sdk"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(OVERLAY, root / "overlays" / "hubspot_associations", ignore=ignore)
    shutil.copytree(GENERATED, root / "generated" / "hubspot_associations_api", ignore=ignore)
    (root / "openapi").mkdir()
    shutil.copy2(SPEC, root / "openapi" / SPEC.name)
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


# --- the rewrite -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "depth", "expected"),
    [
        ("hubspot_associations_api", 0, "._api"),
        ("hubspot_associations_api.models", 0, "._api.models"),
        ("hubspot_associations_api.api.associations", 1, ".._api.api.associations"),
        ("hubspot_associations_api.client", 3, "...._api.client"),
        ("hubspot_associations", 0, "."),
        ("hubspot_associations._errors", 2, "..._errors"),
        ("hubspot_associations_apix", 0, None),
        ("httpx", 0, None),
    ],
)
def test_relative_module(module: str, depth: int, expected: str | None) -> None:
    assert vendor.relative_module(module, depth) == expected


def test_rewrite_imports_changes_only_the_module_name() -> None:
    source = textwrap.dedent(
        '''\
        """Mentions hubspot_associations_api and `from hubspot_associations_api import x` in prose."""
        from __future__ import annotations

        import httpx  # from hubspot_associations_api import nothing
        from hubspot_associations_api.models import AssociationSpec as _Wire
        from hubspot_associations_api.models import (
            LabelsBetweenObjectPair,  # keep this comment
            PublicObjectId,
        )
        from  hubspot_associations_api . api.associations \\
            import associate_default
        from hubspot_associations import _errors; from hubspot_associations._policy import RateLimitInfo
        from hubspot_associations_apix import unrelated

        def lazy():
            from hubspot_associations_api import client
            yield from client.things()
            raise ValueError("x") from None

        if True: from hubspot_associations_api.types import UNSET
        TEXT = "from hubspot_associations_api import x"
        '''
    )
    expected = textwrap.dedent(
        '''\
        """Mentions hubspot_associations_api and `from hubspot_associations_api import x` in prose."""
        from __future__ import annotations

        import httpx  # from hubspot_associations_api import nothing
        from .._api.models import AssociationSpec as _Wire
        from .._api.models import (
            LabelsBetweenObjectPair,  # keep this comment
            PublicObjectId,
        )
        from  .._api.api.associations \\
            import associate_default
        from .. import _errors; from .._policy import RateLimitInfo
        from hubspot_associations_apix import unrelated

        def lazy():
            from .._api import client
            yield from client.things()
            raise ValueError("x") from None

        if True: from .._api.types import UNSET
        TEXT = "from hubspot_associations_api import x"
        '''
    )
    assert vendor.rewrite_imports(source, 1, "sample.py") == expected


def test_rewrite_imports_keeps_crlf_and_untouched_sources() -> None:
    crlf = "import os\r\nfrom hubspot_associations_api.models import X\r\n"
    assert vendor.rewrite_imports(crlf, 0) == "import os\r\nfrom ._api.models import X\r\n"
    relative = "from .models import X\nfrom ..types import UNSET\n"
    assert vendor.rewrite_imports(relative, 2) is relative


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("import hubspot_associations_api\n", "from hubspot_associations_api import ..."),
        ("import hubspot_associations_api.models as m\n", "from hubspot_associations_api import models"),
        ("import os, hubspot_associations._errors\n", "from hubspot_associations import _errors"),
    ],
)
def test_rewrite_imports_refuses_plain_import_statements(source: str, hint: str) -> None:
    with pytest.raises(VendorError, match=re.escape(hint)):
        vendor.rewrite_imports(source, 0, "bad.py")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("import requests\n", "imports 'requests', not a runtime dependency"),
        ("from starlette.applications import Starlette\n", "imports 'starlette.applications'"),
        ("from hubspot_associations_api import client\n", "absolute import of 'hubspot_associations_api' left"),
        ("from .emulator import run_emulator_in_thread\n", "excluded subpackage hubspot_associations.emulator"),
        ("from . import cli\n", "excluded subpackage hubspot_associations"),
        ("from ... import anything\n", "relative import goes above the vendored package"),
        ("import importlib\nm = importlib.import_module('hubspot_associations_api.models')\n", "dynamic import"),
        ("x = hubspot_associations_api\n", "uses the name 'hubspot_associations_api'"),
    ],
)
def test_import_problems_catches_what_would_break_a_vendored_copy(source: str, problem: str) -> None:
    problems = vendor.import_problems(source, ("hubspot_associations",), ALLOWED, "mod.py")
    assert any(problem in p for p in problems), problems


def test_import_problems_accepts_runtime_imports() -> None:
    source = "import attr\nimport httpx\nfrom attrs import define\nfrom ..types import UNSET\nfrom .. import errors\n"
    logger = 'import logging\nlog = logging.getLogger("hubspot_associations")\n'
    assert vendor.import_problems(source, ("hubspot_associations", "_api", "models"), ALLOWED, "m.py") == []
    assert vendor.import_problems(logger, ("hubspot_associations",), ALLOWED, "m.py") == []


def test_overlay_with_an_eager_emulator_import_cannot_be_vendored(fake_root: Path, tmp_path: Path) -> None:
    init = fake_root / "overlays" / "hubspot_associations" / "__init__.py"
    init.write_text(init.read_text() + "\nfrom . import emulator\n")
    with pytest.raises(VendorError, match=r"__init__\.py:\d+: imports the excluded subpackage"):
        vendor.write(tmp_path / "dest", fake_root)
    assert not (tmp_path / "dest" / "hubspot_associations").exists()


# --- the copy and its stamp ------------------------------------------------------------------------------------


def test_copy_is_one_directory_without_emulator_cli_or_caches(project: Path) -> None:
    dest = project / "myapp" / "_vendor"
    package = dest / "hubspot_associations"
    assert sorted(p.name for p in dest.iterdir()) == ["__init__.py", "hubspot_associations"]
    files = _files(package)
    overlay = {f for f in _files(OVERLAY) if f.parts[0] not in ("emulator", "cli", "pytest_plugin")}
    generated = {PurePosixPath("_api") / f for f in _files(GENERATED)}
    assert files == overlay | generated | {PurePosixPath("_vendored.py"), PurePosixPath("VENDORED.md")}
    assert not (package / "emulator").exists() and not (package / "cli").exists()
    assert (package / "py.typed").is_file() and (package / "_api" / "py.typed").is_file()


def test_every_module_imports_only_itself_relatively_and_runtime_dependencies(project: Path) -> None:
    package = project / "myapp" / "_vendor" / "hubspot_associations"
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 30
    for path in modules:
        parts = ("hubspot_associations", *path.parent.relative_to(package).parts)
        source = path.read_text(encoding="utf-8")
        assert vendor.import_problems(source, parts, ALLOWED, str(path)) == []
        absolute = [
            node.module
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
        ]
        assert not [m for m in absolute if m.split(".")[0].startswith("hubspot_associations")], path


def test_only_import_lines_differ_from_the_sources(project: Path) -> None:
    package = project / "myapp" / "_vendor" / "hubspot_associations"
    for source_dir, prefix in ((OVERLAY, PurePosixPath()), (GENERATED, PurePosixPath("_api"))):
        for relative in _files(source_dir):
            if relative.parts[0] in ("emulator", "cli", "pytest_plugin"):
                continue
            original = (source_dir / relative).read_bytes().splitlines()
            copied = (package / prefix / relative).read_bytes().splitlines()
            assert len(original) == len(copied), relative
            for before, after in zip(original, copied, strict=True):
                if before != after:
                    assert before.lstrip().startswith(b"from hubspot_associations"), (relative, before)
                    assert after.lstrip().startswith(b"from ."), (relative, after)


def test_stamp_records_version_spec_generator_and_requirements(project: Path) -> None:
    package = project / "myapp" / "_vendor" / "hubspot_associations"
    version = re.search(r'__version__ = "([^"]+)"', (OVERLAY / "_version.py").read_text())
    assert version
    generator = [r for r in PYPROJECT["project"]["optional-dependencies"]["dev"] if r.startswith("openapi-python")]
    assert generator == ["openapi-python-client==0.29.1"]
    spec_sha256 = hashlib.sha256(SPEC.read_bytes()).hexdigest()

    stamp = vendor.read_stamp(package)
    assert stamp.sdk_version == version.group(1)
    assert stamp.spec_sha256 == spec_sha256
    assert stamp.spec_path == "openapi/hubspot-crm-associations-v4.yaml"
    assert stamp.generator == "openapi-python-client==0.29.1"
    assert stamp.runtime_requirements == RUNTIME_REQUIREMENTS
    assert [vendor._requirement_name(r) for r in stamp.runtime_requirements] == [
        "httpx",
        "attrs",
        "httpcore",
        "sniffio",
        "anyio",
    ]
    assert stamp.requires_python == PYPROJECT["project"]["requires-python"]

    namespace: dict[str, Any] = {}
    exec((package / "_vendored.py").read_text(), namespace)
    assert namespace["VENDORED"] == {
        "stamp_format": 1,
        "sdk_version": version.group(1),
        "spec_path": "openapi/hubspot-crm-associations-v4.yaml",
        "spec_sha256": spec_sha256,
        "generator": "openapi-python-client==0.29.1",
        "requires_python": PYPROJECT["project"]["requires-python"],
        "runtime_requirements": RUNTIME_REQUIREMENTS,
        "excluded_subpackages": ("emulator", "cli", "pytest_plugin"),
        "source_commit": stamp.source_commit,
        "source_dirty": stamp.source_dirty,
    }
    doc = (package / "VENDORED.md").read_text()
    for fact in (version.group(1), spec_sha256, "openapi-python-client==0.29.1", *RUNTIME_REQUIREMENTS):
        assert fact in doc
    assert "myapp._vendor.hubspot_associations" in doc and "make vendor-check" in doc


def test_copy_type_checks_strictly_inside_the_consuming_package(project: Path) -> None:
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-version", "3.11", "-p", "myapp"]
    done = subprocess.run(mypy, cwd=project, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


# --- writing over things ---------------------------------------------------------------------------------------


def test_write_refuses_a_directory_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "_vendor"
    theirs = dest / "hubspot_associations" / "__init__.py"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("# someone's own code\n")
    assert vendor.main(["write", str(dest)]) == 2
    assert "not a readable vendored-copy stamp" in capsys.readouterr().err
    assert theirs.read_text() == "# someone's own code\n"
    assert sorted(p.name for p in dest.iterdir()) == ["hubspot_associations"]


def test_write_refuses_the_package_directory_itself_and_files(tmp_path: Path) -> None:
    with pytest.raises(VendorError, match=r"contains hubspot_associations/ .*, not "):
        vendor.write(tmp_path / "hubspot_associations")
    (tmp_path / "file").write_text("")
    with pytest.raises(VendorError, match="is not a directory"):
        vendor.write(tmp_path / "file")


def test_write_replaces_a_previous_copy_and_nothing_else(fake_root: Path, tmp_path: Path) -> None:
    dest = _make_project(tmp_path)
    (dest / "other_lib.py").write_text("OTHER = 1\n")
    package = vendor.write(dest, fake_root)
    (package / "stray.py").write_text("")
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    (fake_root / "overlays" / "hubspot_associations" / "_version.py").write_text('__version__ = "9.9.9"\n')

    assert vendor.write(dest, fake_root) == package
    assert vendor.read_stamp(package).sdk_version == "9.9.9"
    assert not (package / "stray.py").exists() and not (package / "__pycache__").exists()
    assert sorted(p.name for p in dest.iterdir()) == ["__init__.py", "hubspot_associations", "other_lib.py"]
    assert vendor.check(dest, fake_root).current


# --- drift ------------------------------------------------------------------------------------------------------


def test_check_cli_reports_a_current_copy(project: Path) -> None:
    dest = project / "myapp" / "_vendor"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "check", str(dest)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"{dest / 'hubspot_associations'}: current (SDK ")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("spec", "spec sha256: vendored '"),
        ("version", "SDK version: vendored '"),
        ("requirements", "runtime requirements: vendored ("),
        ("generated", "1 file(s) differ from this checkout: _api/client.py"),
    ],
)
def test_check_reports_a_stale_copy(
    fake_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, reason: str
) -> None:
    dest = tmp_path / "_vendor"
    vendor.write(dest, fake_root)
    assert vendor.main(["check", str(dest), "--root", str(fake_root)]) == 0
    assert ": current (SDK " in capsys.readouterr().out
    if change == "spec":
        spec = fake_root / "openapi" / SPEC.name
        spec.write_text(spec.read_text() + "\n# a change\n")
    elif change == "version":
        (fake_root / "overlays" / "hubspot_associations" / "_version.py").write_text('__version__ = "0.0.1"\n')
    elif change == "requirements":
        pyproject = fake_root / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace('"attrs>=23.2"', '"attrs>=24.1"'))
    else:
        client = fake_root / "generated" / "hubspot_associations_api" / "client.py"
        client.write_text(client.read_text() + "\n")

    assert vendor.main(["check", str(dest), "--root", str(fake_root)]) == 1
    out = capsys.readouterr().out
    assert ": STALE against the SDK at " in out.splitlines()[0]
    assert f"  - {reason}" in out
    assert out.rstrip().endswith(f"Re-vendor with: make vendor DEST={dest}")


def test_check_reports_edited_missing_and_extra_files(fake_root: Path, tmp_path: Path) -> None:
    dest = tmp_path / "_vendor"
    package = vendor.write(dest, fake_root)
    (package / "_errors.py").write_text("# edited\n")
    (package / "_api" / "types.py").unlink()
    (package / "_api" / "local_patch.py").write_text("")
    (package / "__pycache__").mkdir(exist_ok=True)  # bytecode is not drift

    result = vendor.check(dest, fake_root)
    assert not result.current
    assert "  - 1 file(s) differ from this checkout: _errors.py" in result.lines
    assert "  - 1 file(s) missing: _api/types.py" in result.lines
    assert "  - 1 file(s) extra: _api/local_patch.py" in result.lines
    assert vendor.check(package, fake_root).lines == result.lines  # DEST may also name the package itself


def test_check_without_a_copy_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert vendor.main(["check", str(tmp_path)]) == 2
    assert "no vendored copy at" in capsys.readouterr().err


# --- end to end: a runtime-only venv, imported from inside another package --------------------------------------

E2E_SCRIPT = """
import importlib.util, json, sys
project, base_url, token, contact, company, contact2, company2 = sys.argv[1:]
sys.path.insert(0, project)  # -I: no PYTHONPATH, no user site, no script directory

import myapp._vendor.hubspot_associations as hubspot_associations
from myapp._vendor.hubspot_associations import HubSpotAssociations
from myapp._vendor.hubspot_associations._vendored import VENDORED
from myapp._vendor.hubspot_associations.association_types import CONTACT_TO_COMPANY

print(f"vendored SDK imported as {hubspot_associations.__name__} from {hubspot_associations.__file__}", file=sys.stderr)
with HubSpotAssociations(token, base_url=base_url, max_retries=0) as client:
    default = client.associate_default("contacts", contact, "companies", company)
    labelled = client.associate("contacts", contact2, "companies", company2, CONTACT_TO_COMPANY)
print(json.dumps({
    "name": hubspot_associations.__name__,
    "file": hubspot_associations.__file__,
    "client_module": HubSpotAssociations.__module__,
    "sdk_version": VENDORED["sdk_version"],
    "prefix": sys.prefix,
    "top_level_modules": sorted(m for m in sys.modules if m.split(".")[0] in ("hubspot_associations", "hubspot_associations_api")),
    "wire_modules": sorted(m for m in sys.modules if m.startswith("myapp._vendor.hubspot_associations._api")),
    "importable": {m: importlib.util.find_spec(m) is not None for m in ("hubspot_associations_api", "starlette", "typer")},
    "default": [[r.from_.id, r.to.id, r.association_spec.association_type_id] for r in default.results],
    "labelled": [labelled.from_object_id, labelled.to_object_id, labelled.labels],
}))
"""


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=1)) as running:
        yield running


def _run_vendored(python: Path, project: Path, emulator: Any, ids: tuple[str, str, str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [str(python), "-I", "-c", E2E_SCRIPT, str(project), emulator.base_url, emulator.token, *ids],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=project.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert result["name"] == "myapp._vendor.hubspot_associations"
    assert result["file"] == str(project / "myapp" / "_vendor" / "hubspot_associations" / "__init__.py")
    assert result["client_module"] == "myapp._vendor.hubspot_associations._client"
    assert result["top_level_modules"] == []
    assert "myapp._vendor.hubspot_associations._api.api.associations.associate_default" in result["wire_modules"]
    contact, company, contact2, company2 = ids
    assert result["default"][0][:2] == [contact, company]
    assert result["labelled"][:2] == [contact2, company2]
    return result


def test_vendored_copy_works_in_a_venv_with_only_runtime_requirements(
    project: Path, runtime_venv: Path, emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = ("1000001", "2000001", "1000002", "2000002")
    result = _run_vendored(_bin(runtime_venv, "python"), project, emulator, ids)
    with capsys.disabled():  # in the CI log even when the test passes
        print(f"\n[vendor e2e] runtime-only venv {result['prefix']}: imported {result['name']} from {result['file']}")
    assert Path(result["prefix"]) == runtime_venv
    assert result["importable"] == {"hubspot_associations_api": False, "starlette": False, "typer": False}
    pairs = {(a.from_type_id, a.from_id, a.to_type_id, a.to_id, a.type_id) for a in emulator.state.all_associations()}
    assert ("0-1", "1000001", "0-2", "2000001", 279) in pairs  # the default contact -> company type
    assert ("0-1", "1000002", "0-2", "2000002", 279) in pairs


def test_vendored_copy_ignores_an_installed_sdk(project: Path, emulator: Any) -> None:
    """In the dev venv the top-level packages are importable, and the vendored copy still uses only itself."""
    result = _run_vendored(Path(sys.executable), project, emulator, ("1000003", "2000003", "1000004", "2000004"))
    assert result["importable"]["hubspot_associations_api"] is True
    stamp = vendor.read_stamp(project / "myapp" / "_vendor" / "hubspot_associations")
    assert result["sdk_version"] == stamp.sdk_version
