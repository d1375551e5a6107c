"""Every reference to the repository's docs/ resolves (file and section), and nothing cites files outside the repo."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("overlays", "generated", "tests", "openapi", "tools", "examples", "bench", ".ci")
TOP_LEVEL = (
    "Makefile",
    "pyproject.toml",
    "generator-config.yml",
    "redocly.yaml",
    "README.md",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
)
REFERENCE = re.compile(r"docs/([\w.-]+\.md)(?:`*\s*§\s*([\d.]+)(?:-(\d+))?)?")
# The notes the docs were written from live outside the repository: a comment citing them cannot be followed.
OUTSIDE = ("real-api-" + "quirks", "hubspot-" + "facts", "official-" + "ops", "/work/" + "shared")


def _sources() -> list[Path]:
    files = [ROOT / name for name in TOP_LEVEL if (ROOT / name).is_file()]
    for folder in SCANNED:
        files += [
            path
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".json")
        ]
    return [path for path in files if path != Path(__file__).resolve()]


def _has_section(text: str, number: str) -> bool:
    return re.search(rf"(^|\n)(#+ |\*\*)?{re.escape(number)}\.? ", text) is not None


def test_the_docs_index_links_every_doc() -> None:
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    docs = sorted(path.name for path in (ROOT / "docs").glob("*.md") if path.name != "README.md")
    assert docs and [name for name in docs if f"]({name})" not in index] == []


def test_references_resolve() -> None:
    problems: list[str] = []
    cited = 0
    for path in _sources():
        where = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{where}: cites {name} (outside the repository)" for name in OUTSIDE if name in text]
        for match in REFERENCE.finditer(text):
            cited += 1
            doc = ROOT / "docs" / match.group(1)
            if not doc.is_file():
                problems.append(f"{where}: {match.group(0)}: no such file")
                continue
            numbers = [match.group(2)] if match.group(2) else []
            if match.group(3):
                numbers = [str(n) for n in range(int(match.group(2)), int(match.group(3)) + 1)]
            content = doc.read_text(encoding="utf-8")
            problems += [f"{where}: {match.group(0)}: no section {n}" for n in numbers if not _has_section(content, n)]
    assert problems == []
    assert cited >= 7  # the comments repointed from notes outside the repository


def test_the_docs_own_references_resolve() -> None:
    for doc in (ROOT / "docs").glob("*.md"):
        text = doc.read_text(encoding="utf-8")
        for target, section in re.findall(r"\]\(([\w.-]+\.md)\)(?: §([\d.]+))?", text):
            assert (ROOT / "docs" / target).is_file(), f"{doc.name} links {target}"
            if section:
                assert _has_section((ROOT / "docs" / target).read_text(encoding="utf-8"), section), (doc.name, section)


def test_the_top_level_pages_links_resolve() -> None:
    """README.md and CONTRIBUTING.md link the guides and docs by relative paths (what GitHub shows): each exists."""
    links = 0
    for name in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"\w+:", target):
                continue  # a URL, not a file of the repository
            links += 1
            assert (ROOT / target).exists(), f"{name} links {target}"
    assert links >= 10
