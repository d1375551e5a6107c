"""Contains some shared types for properties"""

import re
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, TypeVar
from urllib.parse import quote


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


class File:
    """Contains information for file uploads"""

    __slots__ = ("file_name", "mime_type", "payload")

    def __init__(self, payload: BinaryIO, file_name: str | None = None, mime_type: str | None = None) -> None:
        self.payload = payload
        self.file_name = file_name
        self.mime_type = mime_type

    def __repr__(self) -> str:
        return f"File(payload={self.payload!r}, file_name={self.file_name!r}, mime_type={self.mime_type!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, File):
            return NotImplemented
        return (self.payload, self.file_name, self.mime_type) == (other.payload, other.file_name, other.mime_type)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the attrs class it replaces

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


class Response(Generic[T]):
    """A response from an endpoint"""

    __slots__ = ("content", "headers", "parsed", "status_code")

    def __init__(
        self, status_code: HTTPStatus | int, content: bytes, headers: MutableMapping[str, str], parsed: T | None
    ) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = headers
        self.parsed = parsed

    def __repr__(self) -> str:
        return (
            f"Response(status_code={self.status_code!r}, content={self.content!r}, headers={self.headers!r}, "
            f"parsed={self.parsed!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Response):
            return NotImplemented
        mine = (self.status_code, self.content, self.headers, self.parsed)
        return mine == (other.status_code, other.content, other.headers, other.parsed)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the attrs class it replaces


def http_status(status_code: int) -> HTTPStatus | int:
    """The HTTPStatus for a code, or the plain int for codes it does not know (499, 520-527)."""
    try:
        return HTTPStatus(status_code)
    except ValueError:
        return status_code


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")


def path_segment(value: object) -> str:
    """``value`` percent-encoded as one path segment, like ``quote(str(value), safe="")``.

    Ids and object type names are nearly always unreserved characters only; those skip ``quote``, which
    is several times slower than one regex match (docs/performance.md).
    """
    text = str(value)
    if _UNRESERVED.fullmatch(text):
        return text
    return quote(text, safe="")


def str_from_json(value: T) -> T | str:
    """Ids documented as strings often arrive as JSON numbers; keep them as str (never bool)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "http_status",
    "path_segment",
    "str_from_json",
]
