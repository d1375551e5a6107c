"""MkDocs hooks of the documentation site (mkdocs.yml `hooks:`): the build fails when a public name has no reference.

Every name in ``hubspot_associations.__all__`` and in the ``__all__`` of each public subpackage
(:data:`PUBLIC_MODULES`) must have an anchor in the built API reference: mkdocstrings gives each documented object
the id of its dotted path (``hubspot_associations.HubSpotAssociations``). A name added to ``__all__`` without a
``::: ...`` entry under docs/reference/ therefore fails ``make docs`` (and ``mkdocs build --strict``) by name.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

__all__ = ["PUBLIC_MODULES", "missing_references", "on_post_build", "public_names", "reference_anchors"]

PUBLIC_MODULES = (
    "hubspot_associations",
    "hubspot_associations.association_types",
    "hubspot_associations.object_types",
    "hubspot_associations.emulator",
    "hubspot_associations.pytest_plugin",
    "hubspot_associations.cli",
)
_ID = re.compile(r"""\bid=["']?([\w.]+)""")


def public_names() -> list[str]:
    """The dotted path of every public name: each module itself and everything in its ``__all__``."""
    names: list[str] = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        names.append(module_name)
        # A public submodule listed in __all__ (association_types, object_types) is documented as a module.
        names += [f"{module_name}.{name}" for name in module.__all__ if f"{module_name}.{name}" not in PUBLIC_MODULES]
    return names


def reference_anchors(site_dir: Path) -> set[str]:
    """The element ids of every page under reference/ of a built site."""
    anchors: set[str] = set()
    for page in (site_dir / "reference").rglob("*.html"):
        anchors |= set(_ID.findall(page.read_text(encoding="utf-8")))
    return anchors


def missing_references(site_dir: Path) -> list[str]:
    anchors = reference_anchors(site_dir)
    return [name for name in public_names() if name not in anchors]


def on_post_build(config: Any, **_: Any) -> None:
    missing = missing_references(Path(config["site_dir"]))
    if missing:
        raise PluginError(
            "public names without an API reference entry (add `::: name` to a page under docs/reference/): "
            + ", ".join(missing)
        )
