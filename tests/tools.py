"""Reusable helpers for browser / HTML checks in bantin's tests.

No product logic lives here: only ways to drive tools (Chromium via Playwright,
axe-core, the Nu Html Checker, a local static HTTP server).

Everything is installed by ``bash scripts/setup-test.sh``:
  * /usr/bin/chromium                          (Debian package ``chromium``)
  * node_modules/axe-core/axe.min.js           (npm, see package.json)
  * node_modules/vnu-jar/build/dist/vnu.jar    (npm, run with the system ``java``)

Under ``CI=true`` a missing tool FAILS the test (see :func:`require_tool`);
locally it is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import posixpath
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# --------------------------------------------------------------------------- #
# tool availability
# --------------------------------------------------------------------------- #

def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_tool(name: str, available: bool, why: str = "") -> None:
    """Skip (locally) or fail (CI=true) the current test if a tool is missing.

    Under CI a missing browser or checker must never turn into a silent skip.
    """
    if available:
        return
    msg = f"required tool not available: {name}"
    if why:
        msg += f" ({why})"
    msg += "; run `bash scripts/setup-test.sh`"
    if in_ci():
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


def chromium_path() -> Path | None:
    """Path to Debian's Chromium, or None if it is not installed."""
    return CHROMIUM if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK) else None


def java_path() -> str | None:
    return shutil.which("java")


def axe_available() -> bool:
    return AXE_JS.is_file()


def vnu_available() -> bool:
    return VNU_JAR.is_file() and java_path() is not None


def playwright_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- #
# Chromium via Playwright (sync API)
# --------------------------------------------------------------------------- #

def launch_chromium(playwright, **kwargs):
    """Launch Debian's Chromium through a (sync) Playwright instance.

    ``playwright`` is what ``sync_playwright().start()`` / the
    ``playwright_instance`` fixture gives. Extra kwargs go to
    ``playwright.chromium.launch``. Never uses a Playwright-downloaded browser.
    """
    exe = chromium_path()
    require_tool("chromium", exe is not None, f"{CHROMIUM} missing")
    args = list(CHROMIUM_ARGS) + list(kwargs.pop("args", []))
    kwargs.setdefault("headless", True)
    return playwright.chromium.launch(executable_path=str(exe), args=args, **kwargs)


def new_context(browser, **kwargs):
    """A browser context suited to checks: JS on, CSP bypassed.

    ``bypass_csp=True`` lets :func:`run_axe` inject axe even when the page
    under test sends a strict Content-Security-Policy.
    """
    kwargs.setdefault("bypass_csp", True)
    kwargs.setdefault("java_script_enabled", True)
    return browser.new_context(**kwargs)


# --------------------------------------------------------------------------- #
# static HTTP server
# --------------------------------------------------------------------------- #

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler serving ``directory`` under URL ``prefix``."""

    prefix = "/"

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".xml": "application/xml",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
        ".woff2": "font/woff2",
        ".txt": "text/plain",
    }

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _outside_prefix(self) -> bool:
        path = urllib.parse.urlsplit(self.path).path
        return self.prefix != "/" and not path.startswith(self.prefix)

    def send_head(self):
        path = urllib.parse.urlsplit(self.path).path
        if self.prefix != "/" and path == self.prefix.rstrip("/"):
            # /bantin -> /bantin/ like a real host would do
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self._outside_prefix():
            self.send_error(404, "Not Found (outside site prefix)")
            return None
        return super().send_head()

    def translate_path(self, path):
        # Strip the prefix, then let the stdlib map the rest into `directory`.
        url_path = urllib.parse.urlsplit(path).path
        if self.prefix != "/" and url_path.startswith(self.prefix):
            rest = "/" + url_path[len(self.prefix):]
            query = path[len(url_path):]
            path = rest + query
        return super().translate_path(path)


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Browsers drop connections all the time; don't spray tracebacks.
        pass


def _normalise_prefix(prefix: str) -> str:
    prefix = "/" + prefix.strip("/")
    prefix = posixpath.normpath(prefix)
    return "/" if prefix == "/" else prefix + "/"


@contextlib.contextmanager
def serve_directory(path: os.PathLike | str, prefix: str = "/") -> Iterator[str]:
    """Serve ``path`` over HTTP on 127.0.0.1 (free port) and yield the base URL.

    With ``prefix='/bantin/'`` the folder appears at ``http://127.0.0.1:PORT/bantin/``
    (the yielded URL includes the prefix, with a trailing slash); any path outside
    the prefix answers 404, and ``/bantin`` redirects to ``/bantin/``.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise NotADirectoryError(root)
    pfx = _normalise_prefix(prefix)
    handler = type("Handler", (_QuietHandler,), {"prefix": pfx})
    handler = functools.partial(handler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name=f"serve:{port}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}{pfx}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- #
# axe-core (accessibility)
# --------------------------------------------------------------------------- #

_AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  });
  return result.violations;
}
"""


def run_axe(page, tags: Sequence[str] = AXE_TAGS) -> list[dict]:
    """Inject axe-core into a loaded Playwright (sync) page and return its violations.

    The page's context must have JavaScript enabled; use :func:`new_context`
    (``bypass_csp=True``) if pages set a Content-Security-Policy.
    Each violation is axe's dict: ``id``, ``impact``, ``help``, ``helpUrl``, ``nodes``...
    """
    require_tool("axe-core", axe_available(), f"{AXE_JS} missing")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN_JS, list(tags))


def format_axe(violations: Iterable[dict]) -> str:
    """Readable one-line-per-node summary, for assertion messages."""
    lines = []
    for v in violations:
        targets = [", ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])]
        lines.append(f"[{v.get('impact')}] {v.get('id')}: {v.get('help')} -> {targets}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Nu Html Checker (vnu.jar)
# --------------------------------------------------------------------------- #

def _url_to_path(url: str) -> str:
    if url.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    return url


def run_vnu(paths: Sequence[os.PathLike | str], *, errors_only: bool = True,
            timeout: float = 600) -> list[dict]:
    """Validate many HTML files with ONE ``java -jar vnu.jar`` run.

    Returns one dict per message: ``url``, ``path``, ``line``, ``column``,
    ``type``, ``message``, ``extract``. With ``errors_only`` (default) only
    errors (and non-document errors, e.g. unreadable file) are returned.
    Directories may be passed too: vnu then checks the HTML files in them.
    """
    require_tool("java", java_path() is not None, "needed to run vnu.jar")
    require_tool("vnu-jar", VNU_JAR.is_file(), f"{VNU_JAR} missing")
    paths = [str(Path(p)) for p in paths]
    if not paths:
        return []
    cmd = [java_path(), "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
    if errors_only:
        cmd.append("--errors-only")
    if any(Path(p).is_dir() for p in paths):
        cmd.append("--skip-non-html")
    cmd += paths
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    raw = proc.stderr.strip() or proc.stdout.strip()  # vnu writes its JSON to stderr
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"vnu produced no JSON (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        ) from exc
    wanted = {"error", "non-document-error"} if errors_only else None
    out = []
    for m in data.get("messages", []):
        if wanted is not None and m.get("type") not in wanted:
            continue
        url = m.get("url", "")
        out.append({
            "url": url,
            "path": _url_to_path(url),
            "line": m.get("firstLine", m.get("lastLine")),
            "column": m.get("firstColumn", m.get("lastColumn")),
            "type": m.get("type"),
            "subtype": m.get("subType"),
            "message": m.get("message", ""),
            "extract": m.get("extract", ""),
        })
    return out


def format_vnu(messages: Iterable[dict]) -> str:
    """Readable ``path:line:col: message`` lines, for assertion messages."""
    return "\n".join(
        f"{m['path']}:{m['line']}:{m['column']}: {m['type']}: {m['message']}" for m in messages
    )
