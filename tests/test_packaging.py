"""The distributions: metadata, LICENSE in wheel and sdist, and an sdist from which the tests run (as distribution
packagers run them). One build per session (~2 s, no network: the pinned setuptools from the dev extra)."""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(sdist, wheel, build output): the wheel is built from the sdist, so it proves the sdist builds."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel, done.stdout + done.stderr


def test_the_build_prints_no_deprecation_warning(dist: tuple[Path, Path, str]) -> None:
    output = dist[2]
    assert "Successfully built" in output
    assert "deprecat" not in output.lower()
    assert "BuildBackendWarning" not in output


def test_the_wheel_carries_the_license_and_the_metadata(dist: tuple[Path, Path, str]) -> None:
    with zipfile.ZipFile(dist[1]) as wheel:
        names = wheel.namelist()
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
        metadata = email.parser.Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
    assert license_text.startswith("MIT License") and "hubspot-associations contributors" in license_text
    assert {"hubspot_associations/py.typed", "hubspot_associations_api/py.typed"} <= set(names)
    assert not [name for name in names if name.startswith("tests/")]
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    assert metadata["Author"] == "hubspot-associations contributors"
    classifiers = set(metadata.get_all("Classifier") or ())
    assert {"Typing :: Typed", "Framework :: AsyncIO", "Framework :: Trio"} <= classifiers
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in (11, 12, 13)} <= classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX expression is the one home


@pytest.fixture(scope="module")
def unpacked(dist: tuple[Path, Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sdist")
    with tarfile.open(dist[0]) as sdist:
        sdist.extractall(target, filter="data")
    (root,) = target.iterdir()
    return root


def test_the_sdist_holds_what_the_tests_need(unpacked: Path) -> None:
    for needed in (
        "LICENSE",
        "Makefile",
        "generator-config.yml",
        "package.json",
        "package-lock.json",
        "openapi/hubspot-crm-associations-v4.yaml",
        "openapi/released/hubspot-crm-associations-v4.yaml",
        "openapi/templates/model.py.jinja",
        "tools/spec_diff.py",
        "tools/spec_docs.py",
        "docs/README.md",
        "tests/cli/conftest.py",
        "tests/emulator/conftest.py",
        "tests/cassettes/default_association.yaml",
        "overlays/hubspot_associations/py.typed",
        "generated/hubspot_associations_api/py.typed",
    ):
        assert (unpacked / needed).is_file(), needed
    tracked = subprocess.run(["git", "ls-files", "tests"], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode == 0:  # every committed test file, helper and cassette is in the sdist
        missing = [name for name in tracked.stdout.splitlines() if not (unpacked / name).is_file()]
        assert missing == []
    assert not list(unpacked.rglob("__pycache__"))


def test_pytest_runs_from_the_sdist(unpacked: Path) -> None:
    """A small slice (cassettes, the emulator's and the CLI's conftest) against the sdist's own code."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(unpacked / "overlays"), str(unpacked / "generated")])}
    env.pop("PYTEST_ADDOPTS", None)
    where = subprocess.run(
        [sys.executable, "-c", "import hubspot_associations, hubspot_associations_api as a; print(a.__file__)"],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(unpacked)
    tests = ["tests/test_cassettes.py", "tests/emulator/test_emulator_oauth.py", "tests/cli/test_associate.py"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout
