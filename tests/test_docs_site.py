"""The documentation site (`make docs`: mkdocs.yml, docs/, tools/docs_hooks.py) builds offline and renders offline.

The build is ``mkdocs build --strict``, as `make docs` runs it: a broken link, a missing page or anchor, or a public
name without an API reference entry fails it. The built pages load nothing from the network (no Google Fonts, no
CDN script), and headless Chromium (Debian's `chromium`, as in tests/test_spec_docs.py) renders every API reference
page with its scripts running, while a recording proxy sees every request that tries to leave the machine.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support import HEADLESS_CHROMIUM, chromium, load_tool, raw_server

ROOT = Path(__file__).resolve().parents[1]
docs_hooks = load_tool(ROOT / "tools" / "docs_hooks.py")  # loaded by its path, as mkdocs loads it

# A remote load in HTML or CSS: a script, image, frame, stylesheet, font or import from another host.
REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)
# reST that Markdown does not understand: roles and the literal-block marker.
REST = re.compile(r":(?:py:)?(?:class|func|meth|attr|mod|data|exc|obj):|\S::(?:\s|$)|^\.\. \w+::", re.MULTILINE)


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    closed = "http://127.0.0.1:9"  # the build must not need the network: any attempt fails
    env |= {"HTTPS_PROXY": closed, "HTTP_PROXY": closed, "ALL_PROXY": closed, "NO_PROXY": ""}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_every_public_name_has_a_reference_entry(site: Path) -> None:
    names = docs_hooks.public_names()
    assert "hubspot_associations.HubSpotAssociations" in names and "hubspot_associations.emulator.create_app" in names
    assert docs_hooks.missing_references(site) == []


def test_a_missing_reference_fails_the_build_by_name(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site / "reference", copy / "reference")
    errors = copy / "reference" / "errors.html"
    errors.write_text(
        errors.read_text(encoding="utf-8").replace('id="hubspot_associations.StoppedError"', 'id="gone"'),
        encoding="utf-8",
    )
    assert docs_hooks.missing_references(copy) == ["hubspot_associations.StoppedError"]
    with pytest.raises(Exception, match=r"hubspot_associations\.StoppedError"):
        docs_hooks.on_post_build({"site_dir": str(copy)})


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    pages = [*site.rglob("*.html"), *site.rglob("*.css")]
    assert len(pages) > 20
    assert [str(page.relative_to(site)) for page in pages if REMOTE_LOAD.search(page.read_text(encoding="utf-8"))] == []
    assert not (site / "assets" / "external").exists()  # Material's privacy plugin output: nothing was downloaded


def test_the_reference_renders_docstrings_as_markdown(site: Path) -> None:
    problems = []
    for page in sorted((site / "reference").glob("*.html")):
        content = page.read_text(encoding="utf-8")
        text = _text(content)
        problems += [f"{page.name}: {text[max(0, m.start() - 40) : m.end() + 20]!r}" for m in REST.finditer(text)]
        # A doctest outside an "Examples:" section is Markdown's nested quote (>>>), not code.
        problems += [f"{page.name}: a doctest shown as a quote" for _ in re.finditer(r"<blockquote", content)]
    assert problems == []


# Hosts headless Chromium contacts on its own, whatever page it shows (seen in this test's recordings), and the two
# families its services live in: clients<N>.google.com and *.clients.google.com (updates, variations, push/GCM
# registration: android.clients.google.com showed up in 1 full run of 3 under load), *.gvt1.com (downloads). No page
# loads assets from either.
CHROMIUM_OWN_FAMILIES = re.compile(r"(^|\.)clients\d*\.google\.com$|\.gvt1\.com$")
CHROMIUM_OWN_HOSTS = frozenset(
    {
        "accounts.google.com",
        "content-autofill.googleapis.com",
        "optimizationguide-pa.googleapis.com",
        "safebrowsingohttpgateway.googleapis.com",
        "update.googleapis.com",
        "www.google.com",
    }
)


@pytest.fixture
def proxy() -> Iterator[tuple[int, list[str]]]:
    """A proxy that answers nothing and writes down the first line of every request Chromium sends it."""
    requests: list[str] = []

    def record(connection: socket.socket) -> None:
        connection.settimeout(2)
        try:
            requests.append(connection.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))
        except OSError:
            requests.append("(no request line)")

    with raw_server(record) as url:
        yield int(url.rsplit(":", 1)[1]), requests


def _target(request_line: str) -> str:
    """The host a proxied request is for (``CONNECT host:443 ...`` or ``GET http://host/path ...``)."""
    words = request_line.split()
    target = words[1] if len(words) > 1 else request_line
    return re.sub(r"^\w+://", "", target).split("/", 1)[0].rsplit(":", 1)[0]


def _render(page: Path, profile: Path, proxy_port: int) -> str:
    command = [
        chromium(),
        *HEADLESS_CHROMIUM,
        *("--disable-domain-reliability", "--no-pings"),
        f"--user-data-dir={profile}",
        # Every request that would leave the machine goes to the recording proxy instead.
        f"--proxy-server=http://127.0.0.1:{proxy_port}",
        "--proxy-bypass-list=<-loopback>",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_chromium_renders_every_reference_page_offline(
    site: Path, proxy: tuple[int, list[str]], tmp_path: Path
) -> None:
    port, requests = proxy
    pages = sorted((site / "reference").glob("*.html"))
    assert {page.stem for page in pages} >= {"clients", "errors", "models", "auth", "emulator", "object_types"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        doms = list(pool.map(lambda page: _render(page, tmp_path / page.stem, port), pages))
    names = set(docs_hooks.public_names())
    for page, dom in zip(pages, doms, strict=True):
        ids = set(re.findall(r"""\bid="([\w.]+)\"""", dom))
        documented = ids & names
        assert documented or page.stem == "index", f"{page.name}: no documented name rendered"
        # Material's bundle ran (from the site's own assets): its focus-visible polyfill marks the root element.
        assert "js-focus-visible" in dom.split(">", 2)[1], f"{page.name}: the theme's script did not run"
        for name in documented:
            heading = re.search(rf"""<h\d[^>]*\bid="{re.escape(name)}".*?</h\d>""", dom, re.DOTALL)
            assert heading, f"{page.name}: {name} has no heading"
            assert name.rsplit(".", 1)[-1] in _text(heading.group(0)), f"{page.name}: {name}'s heading is empty"
    assert set(docs_hooks.public_names()) <= set().union(*(re.findall(r"""\bid="([\w.]+)\"""", dom) for dom in doms)), (
        "a public name is missing from the rendered reference"
    )
    # Chromium itself calls a few Google services whatever the page (sign-in, updates, connectivity), and not on
    # every start, so an empty page's run is no reliable baseline: its own hosts are listed (CHROMIUM_OWN_HOSTS, none
    # a host a page loads assets from: fonts.googleapis.com or a CDN stays a failure, and the static test above
    # catches any remote reference in the HTML and CSS). The control page shows that a page's own remote load is seen.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="https://assets.example.test/x.png">', encoding="utf-8")
    from_pages = {_target(request) for request in requests}
    foreign = {host for host in from_pages - CHROMIUM_OWN_HOSTS if not CHROMIUM_OWN_FAMILIES.search(host)}
    assert foreign == set(), "the reference pages loaded something from the network"
    _render(control, tmp_path / "control", port)
    assert "assets.example.test" in {_target(request) for request in requests}
