"""tools/dependency_bounds.py: what ``make test-lowest`` / ``make test-newest`` install, read from pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.support import load_tool

ROOT = Path(__file__).resolve().parent.parent
bounds = load_tool(ROOT / "tools" / "dependency_bounds.py")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_lowest_pins_every_runtime_dependency_at_its_floor() -> None:
    pins = [Requirement(pin) for pin in bounds.lowest(PROJECT)]
    assert [pin.name for pin in pins] == [Requirement(line).name for line in PROJECT["dependencies"]]
    for pin, line in zip(pins, PROJECT["dependencies"], strict=True):
        (spec,) = pin.specifier
        assert spec.operator == "==" and spec.version in Requirement(line).specifier  # the floor is allowed


def test_lowest_refuses_a_dependency_without_a_floor() -> None:
    with pytest.raises(SystemExit, match="needs exactly one lower bound"):
        bounds.lowest({"dependencies": ["httpx<1"]})


def test_test_tools_are_the_dev_pins_or_their_names() -> None:
    assert sorted(bounds.test_tools(PROJECT)) == sorted(
        line for line in PROJECT["optional-dependencies"]["dev"] if Requirement(line).name in bounds.TEST_TOOLS
    )
    assert bounds.test_tools(PROJECT, any_version=True) == list(bounds.TEST_TOOLS)
    with pytest.raises(SystemExit, match="pins no trustme"):
        bounds.test_tools({"optional-dependencies": {"dev": ["pytest==9.2.0", "hypothesis==1", "trio==1"]}})
