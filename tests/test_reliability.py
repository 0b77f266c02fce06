"""Reliability, round 2: a build that exits 0 has lost nothing, a walk always ends, nothing private or
active is published, and faults of the machine are named with what to do.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sitekit import REPO, article, make_site, png, read, run_build, snapshot

T = "content/tin-tuc/"


def site_with(root: Path, **extra: str) -> Path:
    """A small bulletin with one article, plus `extra` files."""
    return make_site(root, {T + "bai-mot.md": article("Bài một"), **extra})


def test_a_section_linked_from_elsewhere_in_the_project_is_followed(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"kho/xay-dung-dang/bai-kho.md": article("Bài trong kho", slug="bai-trong-kho"), T + "bai-mot.md": article("Bài một")})
    (root / "content" / "xay-dung-dang").symlink_to(root / "kho" / "xay-dung-dang", target_is_directory=True)
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert "Bài trong kho" in read(root, "xay-dung-dang/bai-trong-kho/index.html")
    (root / "kho" / "xay-dung-dang" / "bai-kho.md").write_text(article("Bài trong kho, đã sửa", slug="bai-trong-kho"), encoding="utf-8")
    done = run_build(root)  # the stamp looks through the link too: the edit is seen
    assert done.code == 0, done.stderr
    assert "Bài trong kho, đã sửa" in read(root, "xay-dung-dang/bai-trong-kho/index.html")


@pytest.mark.parametrize("command", [(), ("check",)])
def test_loops_of_folder_links_end_with_an_error_naming_the_link(tmp_path: Path, command: tuple[str, ...]) -> None:
    root = site_with(tmp_path / "site")
    (root / "content" / "tin-tuc" / "x").symlink_to("..")
    (root / "content" / "tin-tuc" / "y").symlink_to(".")
    done = run_build(root, *command, timeout=60)
    assert done.code == 1, done.stderr
    assert "content/tin-tuc/x: Liên kết tượng trưng (symlink) này dẫn tới một thư mục đã được đọc" in done.stderr
    assert "content/tin-tuc/y:" in done.stderr
    assert "→ Xoá liên kết này" in done.stderr
    assert "Lỗi nội bộ" not in done.stderr


def test_a_missing_content_folder_is_an_error_and_the_old_site_stays(tmp_path: Path) -> None:
    root = site_with(tmp_path / "site")
    assert run_build(root).code == 0
    shutil.rmtree(root / "content")
    done = run_build(root)
    assert done.code == 1
    assert "content/: Không có thư mục content/" in done.stderr
    assert "Bài một" in read(root, "tin-tuc/bai-mot/index.html")
    assert run_build(root, "check").code == 1


@pytest.mark.parametrize("target", [".git/config", "site.toml", ".bantin", "theme/templates/base.html"])
def test_a_link_to_a_private_file_is_refused(tmp_path: Path, target: str) -> None:
    root = site_with(tmp_path / "site", **{".git/config": "[core]\n\tsecret = 1\n", "theme/templates/base.html": "x"})
    (root / ".bantin").mkdir(exist_ok=True)
    (root / "content" / "tin-tuc" / "lo.txt").symlink_to(root / target)
    done = run_build(root)
    assert done.code == 1, done.stderr
    assert "content/tin-tuc/lo.txt:1: Liên kết tượng trưng (symlink) trỏ tới tệp riêng của dự án" in done.stderr
    assert not (root / "public").exists()


@pytest.mark.parametrize("name, data", [
    ("trang.html", b"<html><script>alert(1)</script></html>"),
    ("ma.js", b"alert(1)"),
    ("hinh.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
    ("hinh2.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("hinh3.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>'),
])
def test_active_files_in_content_are_refused_unless_html_is_trusted(tmp_path: Path, name: str, data: bytes) -> None:
    root = site_with(tmp_path / "site")
    (root / T / name).write_bytes(data)
    done = run_build(root)
    assert done.code == 1, done.stderr
    assert f"content/tin-tuc/{name}: " in done.stderr and "không được đăng" in done.stderr
    assert "trust_html = true" in done.stderr
    assert run_build(root, "check").code == 1
    toml = (root / "site.toml").read_text(encoding="utf-8").replace('per_page = 2', 'per_page = 2\ntrust_html = true')
    (root / "site.toml").write_text(toml, encoding="utf-8")
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert (root / "public" / "tin-tuc" / name).read_bytes() == data


def test_a_plain_svg_is_published_as_it_is(tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><g id="a"/></defs><use xlink:href="#a"/></svg>'
    root = site_with(tmp_path / "site", **{T + "bieu-do.svg": svg.decode()})
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert (root / "public" / "tin-tuc" / "bieu-do.svg").read_bytes() == svg


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_dates_at_the_edge_of_the_calendar_are_an_editor_error(tmp_path: Path, date: str) -> None:
    root = site_with(tmp_path / "site", **{T + "bien.md": article("Ngày ở biên", date=date)})
    done = run_build(root)
    assert done.code == 1, done.stderr
    assert "content/tin-tuc/bien.md:3: " in done.stderr
    assert "Lỗi nội bộ" not in done.stderr


def test_a_build_on_an_ascii_terminal_still_exits_0(tmp_path: Path) -> None:
    root = site_with(tmp_path / "site")
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()  # something readable was said


# ----------------------------------------------------------------------------- as an unprivileged user

def nobody_can_run_python() -> bool:
    """Tell whether the user nobody can start this interpreter and read the engine."""
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c",
                            f"import sys; sys.path.insert(0, {str(REPO)!r}); import bantin"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture
def as_nobody(tmp_path: Path):
    """A folder nobody owns, and a way to run build.py there as nobody (root reads every folder, so faults need another user)."""
    if os.geteuid() != 0 or not shutil.which("setpriv") or not nobody_can_run_python():
        if os.environ.get("CI") == "true":
            pytest.fail("these tests run the build as the user nobody: run them as root, with setpriv, "
                        "and an interpreter nobody can run (scripts/setup-test.sh arranges it)")
        pytest.skip("needs root, setpriv and an interpreter the user nobody can run")
    home = Path(tempfile.mkdtemp(prefix="bantin-nobody-"))
    os.chmod(home, 0o755)
    user = pwd.getpwnam("nobody")

    def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
        for path in [root, *root.rglob("*")]:
            os.lchown(path, user.pw_uid, user.pw_gid)
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                   sys.executable, str(REPO / "build.py"), "--root", str(root), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=root,
                              env=dict(os.environ, HOME=str(home)))

    yield home, run
    shutil.rmtree(home, ignore_errors=True)


def test_an_unreadable_folder_is_an_error_not_a_silent_loss(as_nobody) -> None:
    home, run = as_nobody
    root = site_with(home / "site", **{"content/xay-dung-dang/bai-hai.md": article("Bài hai")})
    done = run(root)
    assert done.returncode == 0, done.stderr
    os.chmod(root / "content" / "xay-dung-dang", 0o000)
    try:
        done = run(root)
        assert done.returncode == 1, done.stderr
        assert "content/xay-dung-dang/: Không đọc được thư mục này" in done.stderr
        assert "chmod" in done.stderr
        assert "Bài hai" in (root / "public" / "xay-dung-dang" / "bai-hai" / "index.html").read_text(encoding="utf-8")
        assert run(root, "check").returncode == 1
    finally:
        os.chmod(root / "content" / "xay-dung-dang", 0o755)


@pytest.mark.parametrize("unreadable", ["tin-tuc/bai-hai.md", "tin-tuc/anh.png"])
def test_an_unreadable_article_or_photo_gets_one_message_from_build_and_check_alike(as_nobody, unreadable: str) -> None:
    home, run = as_nobody
    root = site_with(home / "site", **{T + "bai-hai.md": article("Bài hai", body="![Ảnh chụp](anh.png)"),
                                       T + "bai-ba.md": article("Bài ba", related="[bai-hai.md]", body="Xem [bài hai](bai-hai.md).")})
    (root / T / "anh.png").write_bytes(png(40, 30))
    assert run(root).returncode == 0
    before = snapshot(root / "public")
    os.chmod(root / "content" / unreadable, 0o000)  # only the permissions change: not the size, not the time
    try:
        built, checked = run(root), run(root, "check")
        for done in (built, checked):
            assert done.returncode == 1, done.stderr
            assert f"content/{unreadable}: Không có quyền đọc tệp này" in done.stderr
            assert "chmod a+r" in done.stderr
            assert "Không tìm thấy" not in done.stderr and "Lỗi nội bộ" not in done.stderr  # no knock-on errors
        assert built.stderr.split("\n")[:2] == checked.stderr.split("\n")[:2]
        assert snapshot(root / "public") == before
    finally:
        os.chmod(root / "content" / unreadable, 0o644)
    done = run(root)  # readable again, same size and time: read again, not remembered as unreadable
    assert done.returncode == 0, done.stderr
    assert snapshot(root / "public") == before


def test_a_read_only_output_folder_is_named_and_the_old_site_kept(as_nobody) -> None:
    home, run = as_nobody
    root = site_with(home / "site")
    assert run(root).returncode == 0
    (root / T / "bai-mot.md").write_text(article("Bài một, sửa"), encoding="utf-8")
    os.chmod(root, 0o555)  # the swap needs to rename inside the project
    try:
        done = run(root, "--no-cache")
        assert done.returncode == 1, done.stderr
        assert "Lỗi nội bộ" not in done.stderr
        assert str(root) in done.stderr or "public" in done.stderr
        assert "Bài một</" in (root / "public" / "tin-tuc" / "bai-mot" / "index.html").read_text(encoding="utf-8")
        assert not [p for p in root.iterdir() if ".staging" in p.name]
    finally:
        os.chmod(root, 0o755)


@pytest.mark.parametrize("host", ["", "  "])
def test_serve_refuses_an_empty_host_instead_of_opening_to_every_network(tmp_path: Path, host: str) -> None:
    root = site_with(tmp_path / "site")
    done = run_build(root, "serve", "--port", "0", "--host", host, timeout=30)
    assert done.code == 1, (done.stdout, done.stderr)
    assert "--host rỗng" in done.stderr and "→ Bỏ --host" in done.stderr
    assert not (root / ".bantin" / "preview").exists()


@pytest.mark.parametrize("character", ["\uffff", "\ufffe", "\ufdd0"])
def test_a_character_xml_cannot_carry_never_reaches_a_feed(tmp_path: Path, character: str) -> None:
    root = site_with(tmp_path / "site", **{T + "la.md": article(f"Tiêu đề{character}lạ", body=f"Đoạn{character}văn.")})
    done = run_build(root)
    assert done.code == 1, done.stderr
    assert f"content/tin-tuc/la.md:2: Có ký tự không hợp lệ U+{ord(character):04X} ở cột 15." in done.stderr
    assert "content/tin-tuc/la.md:6: Có ký tự không hợp lệ" in done.stderr
    assert not (root / "public").exists()


def test_typography_in_a_real_build(tmp_path: Path) -> None:
    body = '"Đoàn kết..." là lời Bác dạy.\n\nHà Nội --- mùa thu -- năm ấy.'
    root = site_with(tmp_path / "site", **{T + "chu.md": article("Chữ", body=body)})
    done = run_build(root)
    assert done.code == 0, done.stderr
    page = read(root, "tin-tuc/chu/index.html")
    assert "“Đoàn kết…” là lời Bác dạy." in page
    assert "Hà Nội — mùa thu – năm ấy." in page


# ----------------------------------------------------------------------------- a full disk

@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs of 4 MiB mounted for the test (skipped only where mounting is impossible, failed under CI)."""
    mount = tmp_path / "o-nho"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a tmpfs for the disk-full test: {done.stderr.strip()}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_named_and_the_old_site_kept(small_disk: Path) -> None:
    root = site_with(small_disk / "site")
    done = run_build(root, "--no-cache")
    assert done.code == 0, done.stderr
    before = (root / "public" / "tin-tuc" / "bai-mot" / "index.html").read_bytes()
    (root / T / "bai-mot.md").write_text(article("Bài một, sửa"), encoding="utf-8")
    filler = small_disk / "day.bin"
    with open(filler, "wb", buffering=0) as out:  # fill what is left, so the next build runs out of space
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    done = run_build(root, "--no-cache")
    assert done.code == 1, done.stderr
    assert "Lỗi nội bộ" not in done.stderr
    assert "Giải phóng chỗ trống trên ổ đĩa" in done.stderr
    assert (root / "public" / "tin-tuc" / "bai-mot" / "index.html").read_bytes() == before
    assert not [p for p in root.iterdir() if ".staging" in p.name]


@pytest.mark.parametrize("command", [(), ("check",)])
def test_one_mistake_gives_one_message_not_knock_on_errors(tmp_path: Path, command: tuple[str, ...]) -> None:
    root = site_with(tmp_path / "site", **{
        T + "a.md": article("Bài A", date="31/02/2014"),
        T + "b.md": article("Bài B", related="[a.md]", body="Xem [bài A](a.md) và ![ảnh](a.md)."),
    })
    done = run_build(root, *command)
    assert done.code == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("content/")]
    assert lines == ["content/tin-tuc/a.md:3: Trường “date”: ngày “31/02/2014” không có thật (kiểm tra ngày và tháng)."]
    assert "1 lỗi" in done.stderr


PNG = png()


def test_file_names_with_spaces_hashes_and_percents_get_urls_that_resolve(tmp_path: Path) -> None:
    root = site_with(tmp_path / "site", **{
        T + "b.md": article("Bài B", image='"anh #1.png"', image_alt="Ảnh", attachments='["tài liệu 100%.pdf"]',
                            body="![ảnh](anh%20%231.png) và [tệp](t%C3%A0i%20li%E1%BB%87u%20100%25.pdf)."),
    })
    (root / T / "anh #1.png").write_bytes(PNG)
    (root / T / "tài liệu 100%.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    done = run_build(root)
    assert done.code == 0, done.stderr
    page = read(root, "tin-tuc/bai-b/index.html")
    assert 'src="/ban-tin/tin-tuc/anh%20%231.2.png"' in page  # its variant, 2 pixels wide
    assert 'srcset="/ban-tin/tin-tuc/anh%20%231.2.webp 2w"' in page
    assert 'href="/ban-tin/tin-tuc/tài%20liệu%20100%25.pdf"' in page
    assert 'content="https://example.org/ban-tin/tin-tuc/anh%20%231.2.png"' in page  # Open Graph
    assert "tin-tuc/anh%20%231.2.png" in read(root, "feed.xml")
    assert (root / "public" / "tin-tuc" / "anh #1.2.png").is_file()  # the variant keeps the file's name
    checked = run_build(root, "check")
    assert checked.code == 0, checked.stderr


def children_of(pid: int) -> list[int]:
    """List the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_worker_that_dies_stops_the_build_with_a_message_not_a_hang(tmp_path: Path) -> None:
    import signal
    import time
    sys.path.insert(0, str(REPO / "bench"))
    import corpus
    corpus.generate(1500, tmp_path / "corpus")
    root = tmp_path / "corpus" / "bantin"
    assert run_build(root, "--jobs", "2").code == 0
    before = (root / "public" / "index.html").read_bytes()
    shutil.rmtree(root / ".bantin")  # a first build again: every file goes to the workers
    (root / "content" / "tin-tuc-su-kien" / "them.md").write_text(article("Bài thêm"), encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (workers := children_of(build.pid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert workers, "the build started no workers"
    time.sleep(0.3)  # into the parse
    os.kill(workers[0], signal.SIGKILL)
    out, err = build.communicate(timeout=60)  # never a hang
    assert build.returncode == 1, err
    assert "Một tiến trình dựng song song bị dừng đột ngột" in err and "--jobs 1" in err
    assert "Lỗi nội bộ" not in err
    assert (root / "public" / "index.html").read_bytes() == before


def test_a_value_yaml_cuts_at_a_hash_is_named_with_the_fix(tmp_path: Path) -> None:
    root = site_with(tmp_path / "site", **{T + "so.md": article("Bài số #1 của năm", image='"anh.png"', image_alt="Ảnh #2",
                                                                 body="Nội dung.", author="Ban biên tập  # ghi chú của tôi")})
    (root / T / "anh.png").write_bytes(PNG)
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert ('content/tin-tuc/so.md:2: cảnh báo: Trường “title”: YAML coi phần từ dấu “#” trở đi là chú thích và bỏ đi, '
            'nên giá trị chỉ còn “Bài số”.') in done.stderr
    assert 'title: "Bài số #1 của năm"' in done.stderr and "“image_alt”" in done.stderr
    assert "“author”" not in done.stderr  # "# ghi chú": a note the editor meant as one
    checked = run_build(root, "check")
    assert checked.code == 0 and "; 2 cảnh báo)" in checked.stdout and "“Bài số”" in checked.stderr  # check agrees
