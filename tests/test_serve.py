"""`python build.py serve`: preview under the sub-path, rebuild and live-reload on save, error page, safety."""

from __future__ import annotations

import asyncio
import html
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
from tornado.websocket import websocket_connect

from bantin.tools.watch import InotifyWatcher
from sitekit import REPO, SITE_TOML, article, make_site, run_build, snapshot

TIMEOUT = 60
PROTOCOL = "http://livereload.com/protocols/official-7"
REBUILT = re.compile(r"^Đã dựng lại \d+ trang \(\d+ tệp thay đổi\) trong \d+ ms$", re.M)
ARTICLE = "/ban-tin/tin-tuc/bai-mot/"


class Served:
    """A `build.py serve` subprocess, with its output collected as it comes."""

    def __init__(self, root: Path, *args: str) -> None:
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONUNBUFFERED="1")
        command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0", *args]
        self.process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, encoding="utf-8")
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [threading.Thread(target=self.collect, args=(stream, lines), daemon=True)
                        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self.readers:
            reader.start()
        found = self.wait_for(lambda: re.search(r"Xem trước tại http://127\.0\.0\.1:(\d+)(/\S*)", self.stdout))
        self.port, self.prefix = int(found.group(1)), found.group(2)

    @staticmethod
    def collect(stream, lines: list[str]) -> None:
        """Keep every line the server prints."""
        for line in stream:
            lines.append(line)

    @property
    def stdout(self) -> str:
        """Everything printed on standard output so far."""
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        """Everything printed on standard error so far."""
        return "".join(self.err)

    def wait_for(self, condition: Callable[[], object], timeout: float = TIMEOUT):
        """Poll until `condition` holds, failing with the server's output if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None and not condition():
                break
            time.sleep(0.05)
        raise AssertionError(f"timed out; server said:\n{self.stdout}\n{self.stderr}")

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
        """GET a raw path (sent exactly as written, no normalisation, no redirects followed)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request("GET", path, headers={"Host": host} if host else {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def reload_after(self, edit: Callable[[], None], ready: Callable[[], bool]) -> dict:
        """Connect like livereload.js, make an edit, and wait for a reload after which `ready()` holds."""
        outcome: dict[str, object] = {}

        def client() -> None:  # a thread of its own: Playwright's sync API may own this thread's event loop
            try:
                outcome["message"] = asyncio.run(self._reload_after(edit, ready))
            except BaseException as error:  # noqa: BLE001 - handed back to the test below
                outcome["error"] = error

        thread = threading.Thread(target=client, daemon=True)
        thread.start()
        thread.join(TIMEOUT * 3)
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        assert "message" in outcome, "the live-reload client never finished"
        return outcome["message"]  # type: ignore[return-value]

    async def _reload_after(self, edit: Callable[[], None], ready: Callable[[], bool]) -> dict:
        socket_ = await websocket_connect(f"ws://127.0.0.1:{self.port}/livereload")
        try:
            async def receive() -> dict:
                message = await asyncio.wait_for(socket_.read_message(), TIMEOUT)
                assert message is not None, "the live-reload socket closed"
                return json.loads(message)

            await socket_.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
            assert (await receive())["command"] == "hello"
            await socket_.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{self.port}{ARTICLE}",
                                                    "plugins": {}}))
            await socket_.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
            assert (await receive())["command"] == "hello"  # so the server has handled "info": we are listening
            edit()
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                message = await receive()
                if message.get("command") == "reload" and ready():
                    return message
            raise AssertionError(f"no reload with the edit; server said:\n{self.stdout}\n{self.stderr}")
        finally:
            socket_.close()

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Stop the server as a terminal would, and return its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        for reader in self.readers:
            reader.join(timeout=5)
        return code


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server over the small bulletin, for tests that only read from it."""
    served = Served(bulletin(tmp_path_factory.mktemp("shared") / "site"))
    yield served
    if served.process.poll() is None:
        served.process.kill()
        served.process.wait(timeout=TIMEOUT)


@pytest.fixture
def serve():
    """Start servers, and make sure none outlives its test."""
    started: list[Served] = []

    def start(root: Path, *args: str) -> Served:
        started.append(Served(root, *args))
        return started[-1]

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait(timeout=TIMEOUT)


def bulletin(root: Path) -> Path:
    """A small site with a published article, a draft and a scheduled article."""
    return make_site(root, {
        "content/tin-tuc/bai-mot.md": article("Bài một", body="Đoạn đầu tiên."),
        "content/tin-tuc/nhap.md": article("Bài nháp", status="draft", body="Nội dung nháp."),
        "content/tin-tuc/hen-gio.md": article("Bài hẹn giờ", date="01/01/2099 08:00", body="Nội dung hẹn giờ."),
    })


def body_of(served: Served, path: str) -> str:
    """Fetch a page that must answer 200."""
    status, _, text = served.get(path)
    assert status == 200, (path, status, text[:500])
    return text


def problem_lines(stderr: str, path: str) -> tuple[str, str]:
    """Return the first `path:line: message` line the terminal showed for a file, and its hint."""
    lines = stderr.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(path + ":"))
    return lines[index], lines[index + 1].strip().removeprefix("→ ")


def test_edit_is_rebuilt_and_reloaded_then_errors_show_and_clear(tmp_path: Path, serve) -> None:
    root = bulletin(tmp_path / "site")
    source = root / "content" / "tin-tuc" / "bai-mot.md"
    served = serve(root)
    assert served.prefix == "/ban-tin/"
    assert re.search(r"^Đã dựng \d+ trang \(bản xem trước\) trong \d+ ms$", served.stdout, re.M)  # printed before the URL

    status, headers, _ = served.get("/")
    assert (status, headers["Location"]) == (302, "/ban-tin/")
    status, headers, _ = served.get("/ban-tin")
    assert (status, headers["Location"]) == (302, "/ban-tin/")

    page = body_of(served, ARTICLE)
    assert "Đoạn đầu tiên." in page
    assert "/livereload.js?port=" in page  # injected as the page is served...
    preview = root / ".bantin" / "preview"
    assert "livereload" not in (preview / "tin-tuc" / "bai-mot" / "index.html").read_text(encoding="utf-8")  # ...never written
    assert served.get("/livereload.js")[0] == 200

    served.reload_after(lambda: source.write_text(article("Bài một", body="Đoạn đã sửa."), encoding="utf-8"),
                        lambda: "Đoạn đã sửa." in body_of(served, ARTICLE))
    served.wait_for(lambda: REBUILT.search(served.stdout))  # the output is read on another thread: wait for it

    broken = "---\ntitle: [Bài một\ndate: 30/12/2014 07:42\n---\n\nĐoạn đã sửa.\n"
    served.reload_after(lambda: source.write_text(broken, encoding="utf-8"),
                        lambda: served.get(ARTICLE)[0] == 500)
    served.wait_for(lambda: "Không dựng lại được: 1 lỗi." in served.stderr)
    line, hint = problem_lines(served.stderr, "content/tin-tuc/bai-mot.md")
    assert line.startswith("content/tin-tuc/bai-mot.md:2: ")
    for path in (ARTICLE, "/ban-tin/", "/ban-tin/luu-tru/", "/ban-tin/khong-co-trang/", "/"):
        status, headers, text = served.get(path)
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8", path
        shown = html.unescape(re.sub(r"<[^>]+>", " ", text))
        assert "content/tin-tuc/bai-mot.md:2" in shown
        assert line.split(": ", 1)[1] in shown  # the same message as in the terminal
        assert hint in shown
        assert "/livereload.js?port=" in text  # so the page comes back by itself once fixed

    served.reload_after(lambda: source.write_text(article("Bài một", body="Đoạn sửa lần hai."), encoding="utf-8"),
                        lambda: served.get(ARTICLE)[0] == 200)
    assert "Đoạn sửa lần hai." in body_of(served, ARTICLE)
    served.wait_for(lambda: re.search(r"^Đã dựng lại \d+ trang \(\d+ tệp thay đổi\) trong \d+ ms – đã hết lỗi, "
                                      r"trang xem trước hiện lại bình thường$", served.stdout, re.M))

    assert served.stop(signal.SIGINT) == 0
    assert served.stdout.rstrip().endswith("Đã dừng bản xem trước.")


@pytest.mark.browser
def test_the_open_tab_follows_the_editor_in_chromium(tmp_path: Path, serve, browser) -> None:
    root = bulletin(tmp_path / "site")
    source = root / "content" / "tin-tuc" / "bai-mot.md"
    served = serve(root)
    context = browser.new_context()  # JavaScript on, the page's own security policy respected
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{served.port}{ARTICLE}")
        connected = "() => Boolean(window.LiveReload && window.LiveReload.connector.protocol)"
        # Mid-reload the new document has no body yet: a predicate that throws ends the wait instead of retrying.
        showing = "(text) => document.body !== null && document.body.innerText.includes(text)"
        page.wait_for_function(connected, timeout=TIMEOUT * 1000)  # the tab has told the server it is open
        source.write_text(article("Bài một", body="Đoạn hiện ngay trong trình duyệt."), encoding="utf-8")
        page.wait_for_function(showing, arg="Đoạn hiện ngay trong trình duyệt.", timeout=TIMEOUT * 1000)
        page.wait_for_function(connected, timeout=TIMEOUT * 1000)
        source.write_text("---\ntitle: Bài một\n---\n\nThiếu ngày.\n", encoding="utf-8")
        page.wait_for_function("() => document.title === 'Lỗi khi dựng bản tin'", timeout=TIMEOUT * 1000)
        assert "content/tin-tuc/bai-mot.md" in page.inner_text("main")
        page.wait_for_function(connected, timeout=TIMEOUT * 1000)
        source.write_text(article("Bài một", body="Đã sửa xong."), encoding="utf-8")
        page.wait_for_function(showing, arg="Đã sửa xong.", timeout=TIMEOUT * 1000)
        assert page.url == f"http://127.0.0.1:{served.port}{ARTICLE}"
    finally:
        context.close()


def test_drafts_and_scheduled_articles_are_badged_in_preview_only(tmp_path: Path, shared: Served) -> None:
    served = shared
    home = body_of(served, "/ban-tin/")
    assert '<span class="badge">Bản nháp</span>' in home and '<span class="badge">Hẹn giờ</span>' in home
    assert '<h1>Bài nháp <span class="badge">Bản nháp</span></h1>' in body_of(served, "/ban-tin/tin-tuc/bai-nhap/")
    assert '<h1>Bài hẹn giờ <span class="badge">Hẹn giờ</span></h1>' in body_of(served, "/ban-tin/tin-tuc/bai-hen-gio/")

    root = bulletin(tmp_path / "site")
    built = run_build(root)
    assert built.code == 0, built.stderr
    public = root / "public"
    assert not (public / "tin-tuc" / "bai-nhap").exists() and not (public / "tin-tuc" / "bai-hen-gio").exists()
    for name, data in snapshot(public).items():
        assert b"livereload" not in data and b'class="badge"' not in data, name


def test_new_folder_of_articles_is_picked_up(tmp_path: Path, serve) -> None:
    root = bulletin(tmp_path / "site")
    served = serve(root)
    incoming = tmp_path / "incoming" / "xay-dung-dang"
    incoming.mkdir(parents=True)
    (incoming / "moi.md").write_text(article("Bài mới", body="Chuyên mục mới có bài."), encoding="utf-8")
    served.reload_after(lambda: incoming.rename(root / "content" / "xay-dung-dang"),
                        lambda: served.get("/ban-tin/xay-dung-dang/bai-moi/")[0] == 200)
    assert "Chuyên mục mới có bài." in body_of(served, "/ban-tin/xay-dung-dang/bai-moi/")
    served.reload_after(lambda: (root / "content" / "xay-dung-dang" / "moi.md").unlink(),
                        lambda: served.get("/ban-tin/xay-dung-dang/bai-moi/")[0] == 404)


def test_theme_folder_created_and_edited_while_serving(tmp_path: Path, serve) -> None:
    root = bulletin(tmp_path / "site")
    served = serve(root)
    theme = tmp_path / "incoming" / "theme"
    (theme / "templates").mkdir(parents=True)
    template = theme / "templates" / "404.html"
    template.write_text('{% extends "base.html" %}{% block main %}<h1>Trang riêng của tòa soạn</h1>{% endblock %}\n',
                        encoding="utf-8")
    missing = "/ban-tin/khong-co/"
    served.reload_after(lambda: theme.rename(root / "theme"),
                        lambda: "Trang riêng của tòa soạn" in served.get(missing)[2])
    edited = root / "theme" / "templates" / "404.html"
    served.reload_after(lambda: edited.write_text(edited.read_text(encoding="utf-8").replace("riêng", "mới"), encoding="utf-8"),
                        lambda: "Trang mới của tòa soạn" in served.get(missing)[2])


@pytest.mark.parametrize("path", [
    "/ban-tin/..%2f..%2fsite.toml",
    "/ban-tin/%2e%2e/%2e%2e/site.toml",
    "/ban-tin/%2e%2e%2f%2e%2e%2fsite.toml",
    "/ban-tin/../../site.toml",
    "/ban-tin/..%2f..%2f.bantin%2fcache",
    "/..%2fsite.toml",
    "/ban-tin//etc/passwd",
    "/ban-tin/%2fetc%2fpasswd",
    "/ban-tin/..%5c..%5csite.toml",
    "/ban-tin/%00",
])
def test_nothing_outside_the_preview_is_served(shared: Served, path: str) -> None:
    served = shared
    assert served.get("/ban-tin/")[0] == 200  # healthy: an error page would hide the real answer
    status, _, text = served.get(path)
    assert status in (403, 404), (path, status)
    assert "base_url" not in text and "root:" not in text
    assert served.get("/ban-tin/khong-co/")[0] == 404
    assert "Không tìm thấy trang" in served.get("/ban-tin/khong-co/")[2]


def test_other_sites_cannot_read_the_preview_through_dns_rebinding(shared: Served) -> None:
    assert shared.get("/ban-tin/", host=f"localhost:{shared.port}")[0] == 200
    status, _, text = shared.get("/ban-tin/", host=f"attacker.example:{shared.port}")
    assert status == 403 and "Bản tin thử" not in text


def test_polling_first_build_broken_then_fixed_and_settings_edits(tmp_path: Path, serve) -> None:
    root = bulletin(tmp_path / "site")
    source = root / "content" / "tin-tuc" / "bai-mot.md"
    source.write_text(article("Bài một", tittle="x"), encoding="utf-8")
    served = serve(root, "--poll")
    status, _, text = served.get(ARTICLE)
    assert status == 500
    assert "content/tin-tuc/bai-mot.md:4" in text and "Trường không hợp lệ “tittle”." in text
    served.wait_for(lambda: "content/tin-tuc/bai-mot.md:4: Trường không hợp lệ “tittle”.\n    → Có phải ý bạn là: “title”?"
                    in served.stderr)

    served.reload_after(lambda: source.write_text(article("Bài một", body="Đã sửa."), encoding="utf-8"),
                        lambda: served.get(ARTICLE)[0] == 200)
    settings = root / "site.toml"
    served.reload_after(lambda: settings.write_text(SITE_TOML.replace("Bản tin thử", "Bản tin đã đổi tên"), encoding="utf-8"),
                        lambda: "Bản tin đã đổi tên" in body_of(served, ARTICLE))
    assert served.stop(signal.SIGTERM) == 0


def test_base_url_override_moves_the_preview(tmp_path: Path, serve) -> None:
    root = bulletin(tmp_path / "site")
    served = serve(root, "--base-url", "https://vidu.github.io/thu-nghiem/")
    assert served.prefix == "/thu-nghiem/"
    assert served.get("/")[1]["Location"] == "/thu-nghiem/"
    assert 'href="/thu-nghiem/tin-tuc/bai-mot/"' in body_of(served, "/thu-nghiem/")
    assert served.get("/ban-tin/")[0] == 404


def children_of(pid: int) -> set[int]:
    """List the processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # not a process, or gone meanwhile
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def gone(pid: int) -> bool:
    """Tell whether a process has exited (a zombie left for init to reap counts as gone)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGHUP])
def test_a_killed_or_hung_up_preview_leaves_no_worker_behind(tmp_path: Path, serve, signum: int) -> None:
    served = serve(bulletin(tmp_path / "site"), "--jobs", "2")
    workers = children_of(served.process.pid)
    assert len(workers) == 2  # the parse workers, forked at the start
    code = served.stop(signum)
    if signum == signal.SIGHUP:  # the terminal closed: a clean stop, as with Ctrl+C
        assert code == 0 and served.stdout.rstrip().endswith("Đã dừng bản xem trước.")
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if not gone(pid)] == []  # an orphan would wait for work until the machine stops


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_build(root, "serve", "--port", str(port), timeout=TIMEOUT)
    assert done.code == 1
    assert done.stderr.startswith(f"Không mở được cổng {port} trên 127.0.0.1: ")
    assert f"→ Cổng có thể đang được dùng: chọn cổng khác, ví dụ --port {port + 1}." in done.stderr


def test_preview_is_never_written_into_the_published_folder(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    done = run_build(root, "serve", "--output", "public", "--port", "0", timeout=TIMEOUT)
    assert done.code == 1
    assert done.stderr == ("Không ghi bản xem trước (có cả bản nháp) vào thư mục xuất bản; "
                           "bỏ --output hoặc chọn thư mục khác.\n")
    assert not (root / "public").exists()


def test_without_a_project_there_is_nothing_to_serve(tmp_path: Path) -> None:
    done = run_build(tmp_path, "serve", "--port", "0", timeout=TIMEOUT)
    assert done.code == 1
    assert done.stderr == ("site.toml: Không tìm thấy tệp cấu hình site.toml.\n"
                           "    → Chạy lệnh trong thư mục dự án, hoặc chỉ thư mục bằng --root.\n")


def test_the_watcher_names_the_files_saved_and_gives_up_when_a_folder_moves(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "tin-tuc").mkdir(parents=True)
    article = content / "tin-tuc" / "bai.md"
    article.write_text("một", encoding="utf-8")
    watcher = InotifyWatcher()
    try:
        watcher.watch(str(content))
        article.write_text("hai", encoding="utf-8")
        (content / "tin-tuc" / ".bai.md.swp").write_text("x", encoding="utf-8")
        watcher.read(lambda: None)
        assert watcher.take_changes() == [str(article)]
        assert watcher.take_changes() == []
        (content / "tin-tuc-moi").mkdir()
        watcher.read(lambda: None)
        assert watcher.take_changes() is None
        assert watcher.take_changes() == []
    finally:
        watcher.close()


def handshake(served: Served, headers: dict[str, str]) -> int:
    """Open the live-reload socket with these headers; return the HTTP status of the handshake (101 when accepted)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest

    async def attempt() -> int:
        request = HTTPRequest(f"ws://127.0.0.1:{served.port}/livereload", headers=headers)
        try:
            connection = await websocket_connect(request)
        except HTTPClientError as error:
            return error.code
        connection.close()
        return 101

    return in_a_thread(attempt)


def in_a_thread(coroutine: Callable[[], object]) -> object:
    """Run a coroutine function to its end on a thread of its own (Playwright's sync API may own this thread's loop)."""
    outcome: dict[str, object] = {}

    def client() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine())
        except BaseException as error:  # noqa: BLE001 - handed back below
            outcome["error"] = error

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    thread.join(TIMEOUT)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def test_the_live_reload_socket_and_script_refuse_foreign_hosts_and_origins(shared: Served) -> None:
    own = f"127.0.0.1:{shared.port}"
    assert handshake(shared, {"Host": own, "Origin": f"http://{own}"}) == 101
    assert handshake(shared, {"Host": "evil.example"}) == 403
    assert handshake(shared, {"Host": own, "Origin": "http://evil.example"}) == 403
    assert shared.get("/livereload.js", host="evil.example")[0] == 403
    assert shared.get("/livereload.js")[0] == 200


def test_a_malformed_socket_message_closes_it_without_a_traceback(shared: Served) -> None:
    def garbage(message: str | bytes) -> Callable[[], object]:
        async def send() -> object:
            connection = await websocket_connect(f"ws://127.0.0.1:{shared.port}/livereload")
            await connection.write_message(message, binary=isinstance(message, bytes))
            return await asyncio.wait_for(connection.read_message(), TIMEOUT)
        return send

    assert in_a_thread(garbage("{not json")) is None  # closed by the server
    assert in_a_thread(garbage(b"\xff\x00")) is None
    time.sleep(0.3)
    assert "Traceback" not in shared.stderr
    assert shared.process.poll() is None
