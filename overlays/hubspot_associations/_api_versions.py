"""HubSpot's API versions, and the one place where a request's v4 path becomes its version's path.

The spec, and so the generated ``_get_kwargs``, names every operation by its v4 path. HubSpot's dated versions
(``2026-03``, ``2026-09``, a new one every March and September) keep each path below one of two prefixes and move
only the prefix (``docs/api-versions.md``):

* v4: ``/crm/v4/objects/…`` and ``/crm/v4/associations/…``;
* a dated version, e.g. 2026-09: ``/crm/objects/2026-09/…`` and ``/crm/associations/2026-09/…``.

:meth:`ApiVersion.path` applies that mapping to whatever path an operation's ``_get_kwargs`` returns, so an
operation added to the spec is served on every version with no code of its own (``BaseClient._call`` calls it for
every request, before the URL is built). Adding HubSpot's next version is one line in :data:`_VERSIONS`. The spec
lists the same table under ``x-hubspot-api-versions`` for API owners; ``tests/test_api_versions.py`` keeps the two
equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ._validation import InvalidInputError

__all__ = ["API_VERSIONS", "DEFAULT_API_VERSION", "ApiVersion", "api_version_of"]

V4_OBJECTS: Final = "/crm/v4/objects/"
V4_ASSOCIATIONS: Final = "/crm/v4/associations/"


class ApiVersion:
    """One HubSpot API version: its name and where its two path families live.

    Examples:
        >>> ApiVersion.dated("2026-09").path("/crm/v4/objects/0-1/101/associations/default/0-2/202")
        '/crm/objects/2026-09/0-1/101/associations/default/0-2/202'
    """

    __slots__ = ("name", "prefixes")

    def __init__(self, name: str, objects: str, associations: str) -> None:
        self.name: str = name
        """As HubSpot writes it: ``"v4"``, ``"2026-09"``."""
        self.prefixes: tuple[tuple[str, str], ...] = ((V4_OBJECTS, objects), (V4_ASSOCIATIONS, associations))
        """``(v4 prefix, this version's prefix)`` for each path family."""

    @classmethod
    def dated(cls, name: str) -> ApiVersion:
        """A date-based version (``YYYY-MM``): ``/crm/objects/{name}/…`` and ``/crm/associations/{name}/…``."""
        return cls(name, f"/crm/objects/{name}/", f"/crm/associations/{name}/")

    def path(self, v4_path: str) -> str:
        """``v4_path`` (what a generated ``_get_kwargs`` returns) on this version."""
        for v4_prefix, prefix in self.prefixes:
            if v4_path.startswith(v4_prefix):
                return prefix + v4_path[len(v4_prefix) :]
        # Every path of the spec starts with one of the prefixes (tests/test_api_versions.py checks it), so this is
        # a new family of paths whose versioned prefixes belong in this module first.
        raise ValueError(f"{v4_path!r} is under no known v4 prefix; add its family to _api_versions.py")

    def __repr__(self) -> str:
        return f"ApiVersion({self.name!r})"


_VERSIONS: dict[str, ApiVersion] = {
    version.name: version
    for version in (
        ApiVersion("v4", V4_OBJECTS, V4_ASSOCIATIONS),  # HubSpot stops supporting it on 2027-03-30
        ApiVersion.dated("2026-03"),
        ApiVersion.dated("2026-09"),
    )
}

API_VERSIONS: Final[Mapping[str, ApiVersion]] = MappingProxyType(_VERSIONS)
"""Every version the SDK speaks, oldest first: ``{"v4": ApiVersion("v4"), "2026-03": …, "2026-09": …}``."""

DEFAULT_API_VERSION: Final = "v4"
"""The version a client speaks unless told otherwise: the one HubSpot's documentation of both PUTs names."""


def api_version_of(value: object, argument: str = "api_version") -> ApiVersion:
    """The :class:`ApiVersion` named ``value``; else :class:`InvalidInputError` listing the supported ones."""
    version = _VERSIONS.get(value) if isinstance(value, str) else None
    if version is not None:
        return version
    supported = ", ".join(repr(name) for name in _VERSIONS)
    hint = ""
    if isinstance(value, str):
        import difflib  # only a wrong version pays for it

        close = difflib.get_close_matches(value.strip(), list(_VERSIONS), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    raise InvalidInputError(argument, f"must be one of {supported}; got {shown}{hint}")
