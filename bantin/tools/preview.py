"""The preview server behind `serve`: the bulletin under its deploy sub-path, rebuilding and reloading the browser on every save.

The preview lives in ROOT/.bantin/preview. Rebuilds run on the server's own thread, so a
request never sees a half-written preview: it simply waits for the rebuild to finish.
A failed rebuild never stops the server; every page shows the problems until they are fixed.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.netutil import bind_sockets

from .common import report_problems, request_from
from ..stages.config import load_config
from ..pipeline import BuildRequest
from ..problems import BuildError, Problem, errors_only
from ..stages.theme import theme_dirs
from ..speed.patcher import PreviewSession
from .watch import make_watcher

PREVIEW_FOLDER = Path(".bantin") / "preview"
SETTLE_SECONDS = 0.01  # one save may be several file events (a backup, then the file): rebuild once, a moment later
POLL_MILLISECONDS = 500
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LIVE_SCRIPT = ('<script>(function(){var s=document.createElement("script");var port=window.location.port||'
               '(window.location.protocol=="https:"?443:80);s.src="//"+window.location.hostname+":"+port+'
               '"/livereload.js?port="+port;document.head.appendChild(s);})();</script>')


class Preview:
    """The preview and its state: the folder, its sub-path, and the problems of the last rebuild."""

    def __init__(self, request: BuildRequest, output: Path, debug: bool) -> None:
        """Prepare a session writing into `output`; nothing is built yet."""
        self.request, self.output, self.debug = request, output, debug
        self.session = PreviewSession(request, output)
        self.prefix = "/"
        self.problems: tuple[Problem, ...] = ()
        self.warnings: tuple[Problem, ...] = ()
        self.attempts = 0
        self.hosts: frozenset[str] | None = LOOPBACK
        self.dirty = False
        self.scheduled = False

    def rebuild(self, changed: list[str] | None = None) -> bool:
        """Rebuild the preview, report the outcome in the terminal, and remember any problems.

        `changed` lists the files the watcher saw change (None: it cannot tell, so look at every file).
        """
        started = time.perf_counter()
        self.attempts += 1
        try:
            self.prefix = load_config(self.request.root, self.request.base_url).base_path
            result = self.session.rebuild(changed)
        except BuildError as error:
            return self.failed(error.problems)
        except Exception as error:  # an engine bug must not stop the preview either
            if self.debug:
                traceback.print_exc()
            return self.failed((Problem("bantin", 0, f"Lỗi nội bộ của bantin: {error!r}",
                                        "Chạy lại với --debug để xem chi tiết, rồi báo cho nhóm phát triển."),))
        milliseconds = round((time.perf_counter() - started) * 1000)
        fixed = " – đã hết lỗi, trang xem trước hiện lại bình thường" if self.problems else ""
        if self.attempts > 1:
            print(f"Đã dựng lại {result.pages} trang ({result.report.written} tệp thay đổi) trong {milliseconds} ms{fixed}",
                  flush=True)
        else:
            print(f"Đã dựng {result.pages} trang (bản xem trước) trong {milliseconds} ms", flush=True)
        if result.warnings != self.warnings:
            report_problems(result.warnings)
        self.problems, self.warnings = (), result.warnings
        return True

    def failed(self, problems: tuple[Problem, ...]) -> bool:
        """Keep serving, and show the problems in the terminal and in the browser."""
        self.problems = errors_only(problems) or tuple(problems)
        report_problems(problems)
        print(f"Không dựng lại được: {len(self.problems)} lỗi. Trình duyệt đang hiện trang báo lỗi; "
              "sửa tệp rồi lưu lại, trang sẽ tự hiện lại.", file=sys.stderr, flush=True)
        return False

    def changed(self) -> None:
        """Note that a watched file changed (livereload's watcher calls this)."""
        self.dirty = True

    def refresh(self, watcher: Watcher) -> None:
        """Rebuild after a change, then tell every open tab to reload."""
        self.scheduled = self.dirty = False
        take_changes = getattr(watcher, "take_changes", None)  # livereload's polling watcher cannot name them
        self.rebuild(take_changes() if take_changes else None)
        LiveReloadHandler.reload_waiters("*")  # "*" asks for a full page reload, never a CSS-only one


def error_page(problems: tuple[Problem, ...]) -> str:
    """Render the page shown in place of every page while the site cannot be built."""
    items = []
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        hint = f'<p class="hint">→ {html.escape(problem.hint)}</p>' if problem.hint else ""
        items.append(f'<li><p><code class="where">{html.escape(where)}</code></p>'
                     f'<p class="message">{html.escape(problem.message)}</p>{hint}</li>')
    return ('<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>Lỗi khi dựng bản tin</title>\n<style>body{font:17px/1.5 system-ui,sans-serif;max-width:50rem;'
            'margin:2rem auto;padding:0 1rem;color:#1a1a1a}h1{color:#a4161a}li{margin:0 0 1.2rem}'
            '.where{font-weight:bold}.hint{color:#444;white-space:pre-wrap}</style>\n</head>\n<body>\n<main>\n'
            f'<h1>Không dựng được bản tin ({len(problems)} lỗi)</h1>\n'
            '<p>Sửa các lỗi dưới đây rồi lưu tệp: trang sẽ tự tải lại.</p>\n'
            f'<ul>\n{"".join(items)}\n</ul>\n</main>\n</body>\n</html>\n')


class PreviewHandler(web.StaticFileHandler):
    """Serve the preview folder under the site's sub-path, or the error page while the build is broken."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        """Serve files from the preview folder only."""
        super().initialize(path=str(preview.output), default_filename="index.html")
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        """Answer one request: error page, redirect to the sub-path, or a file of the preview."""
        if not host_allowed(self.preview, self.request):
            raise web.HTTPError(403)  # another site's page reaching 127.0.0.1 through DNS rebinding
        if self.preview.problems:
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(error_page(self.preview.problems))
            return
        prefix = self.preview.prefix.lstrip("/")
        if prefix and path in ("", prefix.rstrip("/")):
            self.redirect(self.preview.prefix)  # temporary: base_url may change while serving
            return
        if "\0" in path or not path.startswith(prefix):
            raise web.HTTPError(404)
        await super().get(path[len(prefix):], include_body)

    def compute_etag(self) -> None:
        """Skip ETags: tornado caches them per path forever, but preview files change."""
        return None

    def should_return_304(self) -> bool:
        """Always send the current file."""
        return False

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        """Never let the browser cache a preview file."""
        return 0

    def set_extra_headers(self, path: str) -> None:
        """Tell the browser to fetch every file afresh."""
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Show the site's own 404 page for missing files, and a plain line otherwise."""
        page = self.preview.output / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
            return
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("Không được phép truy cập địa chỉ này.\n" if status_code == 403 else f"Lỗi {status_code}.\n")


def host_allowed(preview: Preview, request: Any) -> bool:
    """Tell whether a request names a host this preview answers (a page elsewhere reaching 127.0.0.1 by DNS rebinding does not)."""
    return preview.hosts is None or request.host_name in preview.hosts


class SocketHandler(LiveReloadHandler):
    """livereload's socket, for pages of this preview only: the same Host check as pages, and an Origin of the same host."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        """Remember the preview whose hosts are allowed."""
        self.preview = preview

    def prepare(self) -> None:
        """Refuse a foreign Host before the handshake."""
        if not host_allowed(self.preview, self.request):
            raise web.HTTPError(403)

    def check_origin(self, origin: str) -> bool:
        """Accept only a page served by this preview (the same host and port)."""
        return urlsplit(origin).netloc.lower() == self.request.host.lower()

    def on_message(self, message: str | bytes) -> None:
        """Answer livereload.js; close the socket on a message that is not its protocol, instead of a traceback."""
        try:
            super().on_message(message)
        except (ValueError, TypeError, AttributeError, KeyError):
            self.close(1003, "not the livereload protocol")


class ScriptHandler(LiveReloadJSHandler):
    """livereload.js, for this preview's hosts only."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        """Remember the preview whose hosts are allowed."""
        self.preview = preview

    def prepare(self) -> None:
        """Refuse a foreign Host."""
        if not host_allowed(self.preview, self.request):
            raise web.HTTPError(403)


class PreviewServer(Server):
    """livereload's server, serving the preview under its sub-path through our own handler."""

    def __init__(self, preview: Preview, watcher: Watcher) -> None:
        """Serve `preview`, learning of changes from `watcher`."""
        super().__init__(watcher=watcher)
        self.preview = preview

    def application(self, sockets: list[Any]) -> HTTPServer:  # type: ignore[override]
        """Build the tornado application (live-reload socket + preview files) and listen on `sockets`."""
        LiveReloadHandler.watcher, LiveReloadHandler.live_css = self.watcher, False

        class Injector(LiveScriptInjector):
            script = LIVE_SCRIPT.encode()

        handlers = [(r"/livereload", SocketHandler, {"preview": self.preview}),
                    (r"/livereload.js", ScriptHandler, {"preview": self.preview}),
                    *self.get_web_handlers(Injector.script)]
        app = web.Application(handlers=handlers, transforms=[Injector], debug=False, compress_response=False)
        server = HTTPServer(app)
        server.add_sockets(sockets)
        return server

    def get_web_handlers(self, script: bytes) -> list[Any]:
        """Route every other address to the preview handler, which knows the current sub-path."""
        return [(r"/(.*)", PreviewHandler, {"preview": self.preview})]


def preview_folder(arguments: argparse.Namespace) -> Path:
    """Return the folder the preview is written to: .bantin/preview unless --output says otherwise."""
    root = Path(arguments.root).resolve()
    return (root / arguments.output).resolve() if arguments.output else root / PREVIEW_FOLDER


def watched_paths(request: BuildRequest) -> list[Path]:
    """List what an edit can touch: content/, the theme folders and site.toml."""
    root = Path(request.root).resolve()
    paths = [root / "site.toml", root / "content", root / "theme"]
    try:
        config = load_config(root, request.base_url)
        paths += theme_dirs(config.root, config.theme)
    except BuildError:
        pass  # the first rebuild reports it; the default theme and theme/ are watched anyway
    return list(dict.fromkeys(paths))


def watch(server: PreviewServer, paths: list[Path]) -> None:
    """Register every path with the watcher; each change marks the preview for a rebuild."""
    for path in paths:
        server.watch(str(path), server.preview.changed)


def start_watching(server: PreviewServer, paths: list[Path]) -> Callable[[], None]:
    """Start watching; return what stops it. Falls back to livereload's polling if inotify runs out."""
    try:
        watch(server, paths)
    except OSError:
        close = getattr(server.watcher, "close", None)
        if close:
            close()
        print("Không theo dõi được mọi thư mục bằng inotify: chuyển sang quét định kỳ.", file=sys.stderr, flush=True)
        server.watcher = Watcher()
        watch(server, paths)
    poll = lambda: settle(server)  # noqa: E731 - a callback
    if server.watcher.start(poll):
        return getattr(server.watcher, "close", lambda: None)
    scanner = PeriodicCallback(poll, POLL_MILLISECONDS)
    scanner.start()
    return scanner.stop


def settle(server: PreviewServer) -> None:
    """Ask the watcher what changed; rebuild once the burst of events is over."""
    server.watcher.examine()
    preview = server.preview
    if preview.dirty and not preview.scheduled:
        preview.scheduled = True
        IOLoop.current().call_later(SETTLE_SECONDS, preview.refresh, server.watcher)


def listen(host: str, port: int) -> list[Any] | None:
    """Open the listening sockets (port 0 picks a free one), or explain why not."""
    try:
        return bind_sockets(port, host)
    except OSError as error:
        print(f"Không mở được cổng {port} trên {host}: {error.strerror}.\n"
              f"    → Cổng có thể đang được dùng: chọn cổng khác, ví dụ --port {port + 1 if port else 8001}.", file=sys.stderr)
        return None


def restrict_hosts(preview: Preview, host: str) -> None:
    """Accept requests by the names of the address listened on; warn when that is not this machine only."""
    if host in LOOPBACK:
        return
    preview.hosts = None if host in ("0.0.0.0", "::", "") else LOOPBACK | {host.lower()}
    print(f"Cảnh báo: bản xem trước (có cả bản nháp) mở cho mọi máy kết nối được tới {host}.", file=sys.stderr, flush=True)


async def until_stopped() -> None:
    """Wait for Ctrl+C (SIGINT), SIGTERM, or the terminal closing (SIGHUP)."""
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()


async def run(preview: Preview, host: str, port: int, poll: bool) -> int:
    """Listen, build, then serve and rebuild until SIGINT or SIGTERM."""
    watcher, note = make_watcher(poll)
    if note:
        print(note, file=sys.stderr, flush=True)
    sockets = listen(host, port)
    if sockets is None:
        return 1
    restrict_hosts(preview, host)
    server = PreviewServer(preview, watcher)
    stop_watching = start_watching(server, watched_paths(preview.request))
    http = server.application(sockets)
    preview.rebuild()
    shown = f"[{host}]" if ":" in host else host
    print(f"Xem trước tại http://{shown}:{sockets[0].getsockname()[1]}{preview.prefix}  (Ctrl+C để dừng)", flush=True)
    await until_stopped()
    stop_watching()
    http.stop()
    print("Đã dừng bản xem trước.", flush=True)
    return 0


def main(arguments: argparse.Namespace) -> int:
    """Serve the preview until interrupted."""
    request = request_from(arguments, preview=True)
    output = preview_folder(arguments)
    try:
        config = load_config(Path(arguments.root), arguments.base_url)
        if arguments.output and config.output == output:
            print("Không ghi bản xem trước (có cả bản nháp) vào thư mục xuất bản; bỏ --output hoặc chọn thư mục khác.",
                  file=sys.stderr)
            return 1
    except BuildError as error:
        if not (Path(arguments.root) / "site.toml").is_file():
            report_problems(error.problems)
            return 1
    preview = Preview(request, output, getattr(arguments, "debug", False))
    return asyncio.run(run(preview, arguments.host, arguments.port, arguments.poll))
