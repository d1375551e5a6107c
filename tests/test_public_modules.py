"""Every public module of the package declares ``__all__``: what it exports is a decision, not whatever it imported
(``pyright --verifytypes`` in ``make check`` then measures exactly that surface)."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import hubspot_associations

PACKAGE_DIR = Path(hubspot_associations.__file__).parent


def _public_modules() -> list[str]:
    names = ["hubspot_associations"]
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="hubspot_associations."):
        if not any(part.startswith("_") and part != "__main__" for part in info.name.split(".")):
            names.append(info.name)
    return names


def test_the_public_modules_are_found() -> None:
    assert {"hubspot_associations.object_types", "hubspot_associations.cli.__main__"} <= set(_public_modules())


@pytest.mark.parametrize("name", _public_modules())
def test_every_public_module_declares_all(name: str) -> None:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")  # __main__ modules run on import: read, do not import
    assert "\n__all__" in source, f"{name} has no __all__"
    if not name.endswith("__main__"):
        module = importlib.import_module(name)
        missing = [symbol for symbol in module.__all__ if not hasattr(module, symbol)]
        assert missing == []
