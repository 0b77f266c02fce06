"""Deploying and publishing, end to end: the GitHub Pages workflow, sub-path hosting, rsync, reproducible
output, and the publishing rules (drafts, scheduled and expiring articles)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml

from bantin.pipeline import BuildRequest, build
from sitekit import REPO, article, make_site, read, run_build, snapshot
from tools import require_tool, serve_directory

WORKFLOW = REPO / ".github" / "workflows" / "deploy.yml"
DOCS = REPO / "docs" / "deploy.md"
OWNER, NAME = "vidu", "ban-tin-thu"
RSYNC = "rsync -av --delete --checksum public/ user@host:/var/www/ban-tin/"
COPY = "cp -a public/. /var/www/html/ban-tin/"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def workflow() -> dict:
    """The deploy workflow, parsed (YAML 1.1 reads the key `on` as True)."""
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def step(job: dict, uses: str | None = None, run: str | None = None) -> dict:
    """Find the one step of a job that uses an action, or whose command starts a certain way."""
    found = [s for s in job["steps"] if (uses and s.get("uses", "").startswith(uses + "@"))
             or (run and s.get("run", "").startswith(run))]
    assert len(found) == 1, (uses, run, job["steps"])
    return found[0]


def copy_sample(target: Path) -> Path:
    """Copy the sample bulletin (content and settings; the default theme comes with bantin)."""
    shutil.copytree(REPO / "content", target / "content")
    shutil.copy2(REPO / "site.toml", target / "site.toml")
    return target


def run_workflow_build(root: Path) -> subprocess.CompletedProcess:
    """Run the workflow's build step as the Actions runner would: bash, in the checkout, with its variables."""
    command = step(workflow()["jobs"]["build"], run="python build.py")["run"]
    command = command.replace("python build.py", f"{shlex.quote(sys.executable)} {shlex.quote(str(REPO / 'build.py'))}", 1)
    env = dict(os.environ, GITHUB_REPOSITORY=f"{OWNER}/{NAME}", GITHUB_REPOSITORY_OWNER=OWNER)
    return subprocess.run(["bash", "-e", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=300)


class Page(HTMLParser):
    """Every href/src/srcset of a page, and every id it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.links.append(value)
            elif name == "srcset" and value:  # "a.480.webp 480w, a.800.webp 800w": every candidate is a link
                self.links += [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
            elif name == "id" and value:
                self.ids.add(value)


def unreached(statuses: dict[str, int], public: Path) -> set[str]:
    """List the files of a built site that the crawl never reached, except redirects from old addresses."""
    reached = set()
    for url in statuses:
        path = unquote(urlsplit(url).path).split("/", 2)[2]
        reached.add(path + "index.html" if path.endswith("/") or not path else path)
    files = {name for name, data in snapshot(public).items() if b'http-equiv="refresh"' not in data}
    return files - reached


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET a URL, following redirects as a browser would."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def crawl(start: str, public_origin: str) -> tuple[dict[str, int], list[str]]:
    """Follow every internal link from the home page, robots.txt and 404.html under `start`;
    return each URL's status and every problem met."""
    local = urlsplit(start)
    prefix = local.path

    def localise(url: str) -> str | None:
        """Map a link to the test server, or None when it leaves the site."""
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data", "javascript"):
            return None
        if f"{parts.scheme}://{parts.netloc}" == public_origin:
            url = parts._replace(scheme=local.scheme, netloc=local.netloc).geturl()
        elif parts.netloc != local.netloc:
            return None
        return url

    statuses: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []
    problems: list[str] = []
    queue = [start + "404.html", start + "robots.txt", start]
    while queue:
        url = queue.pop()
        if url in statuses:
            continue
        status, kind, data = fetch(url)
        statuses[url] = status
        if status != 200:
            continue
        if "html" in kind:
            page = Page()
            page.feed(data.decode("utf-8"))
            ids[url], found = page.ids, page.links
        elif url.endswith(".xml"):
            found = [unquote(m.decode()) for m in re.findall(rb'(?:<loc>|href=")([^<"]+)', data)]
        elif url.endswith("robots.txt"):
            found = re.findall(r"^Sitemap: (\S+)$", data.decode("utf-8"), re.M)
        else:
            continue
        for link in found:
            target = localise(urljoin(url, link))
            if target is None:
                continue
            target, fragment = urldefrag(target)
            if not urlsplit(target).path.startswith(prefix):
                problems.append(f"{url}: link {link!r} leaves the sub-path {prefix}")
                continue
            if fragment:
                fragments.append((url, target, fragment))
            queue.append(target)
    problems += [f"{url}: {status}" for url, status in statuses.items() if status != 200]
    problems += [f"{source}: no id {fragment!r} on {target}" for source, target, fragment in fragments
                 if target in ids and fragment not in ids[target]]
    return statuses, problems


# ----------------------------------------------------------------------------- GitHub Pages

@pytest.fixture(scope="module")
def pages_site(tmp_path_factory) -> Path:
    """The sample bulletin, built by the workflow's own command for github.com/vidu/ban-tin-thu."""
    root = copy_sample(tmp_path_factory.mktemp("pages"))
    done = run_workflow_build(root)
    assert done.returncode == 0, done.stderr
    return root


def test_workflow_builds_and_publishes_with_the_pages_actions() -> None:
    data = workflow()
    assert data["on"]["push"] == {"branches": ["main"]}
    assert data["on"]["schedule"], "scheduled articles need a periodic build to go live"
    assert "workflow_dispatch" in data["on"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_job, deploy_job = data["jobs"]["build"], data["jobs"]["deploy"]
    assert step(build_job, uses="actions/checkout")
    python = step(build_job, uses="actions/setup-python")["with"]["python-version"]
    assert python == "3.11"
    assert step(build_job, run="python -m pip install")["run"] == "python -m pip install -r requirements.txt"
    assert step(build_job, run="python build.py")["run"] == (
        'python build.py --base-url "https://${GITHUB_REPOSITORY_OWNER}.github.io/${GITHUB_REPOSITORY#*/}/"')
    output = re.search(r'^output = "(.+)"$', (REPO / "site.toml").read_text(encoding="utf-8"), re.M).group(1)
    assert step(build_job, uses="actions/upload-pages-artifact")["with"] == {"path": output}
    assert deploy_job["needs"] == "build"
    assert deploy_job["environment"]["name"] == "github-pages"
    assert step(deploy_job, uses="actions/deploy-pages")["id"] == "deployment"


def test_workflow_command_builds_for_the_repository_address(pages_site: Path) -> None:
    home = read(pages_site, "index.html")
    assert f'<link rel="canonical" href="https://{OWNER}.github.io/{NAME}/">' in home
    assert f'href="/{NAME}/tin-tuc-su-kien/"' in home
    assert 'href="/ban-tin/' not in home


def test_every_link_resolves_when_served_under_the_repository_path(pages_site: Path) -> None:
    with serve_directory(pages_site / "public", prefix=f"/{NAME}/") as base:
        statuses, problems = crawl(base, f"https://{OWNER}.github.io")
    assert problems == []
    assert unreached(statuses, pages_site / "public") == set()  # every page, feed and file was checked


# ----------------------------------------------------------------------------- a sub-path on any web server

def test_sub_path_deploy_copied_into_a_web_root(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "site")
    done = run_build(root, "--base-url", "https://example.org/ban-tin/")
    assert done.code == 0, done.stderr
    web_root = tmp_path / "var-www-html"
    (web_root / "khac").mkdir(parents=True)  # the server's other content stays untouched
    (web_root / "khac" / "index.html").write_text("<p>khác</p>", encoding="utf-8")
    (web_root / "ban-tin").mkdir()
    copy = shlex.split(COPY.replace("/var/www/html/", f"{web_root}/"))
    subprocess.run(copy, cwd=root, check=True)
    with serve_directory(web_root) as base:
        statuses, problems = crawl(base + "ban-tin/", "https://example.org")
        assert fetch(base + "khac/")[0] == 200
    assert problems == []
    assert unreached(statuses, root / "public") == set()


def test_rsync_mirrors_the_site_and_removes_what_was_taken_down(tmp_path: Path) -> None:
    require_tool("rsync", shutil.which("rsync") is not None, "apt-get install rsync")
    root = copy_sample(tmp_path / "site")
    server = tmp_path / "server" / "var" / "www" / "ban-tin"
    server.mkdir(parents=True)
    command = shlex.split(RSYNC.replace("user@host:/var/www/ban-tin/", f"{server}/"))
    assert run_build(root).code == 0
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    assert snapshot(server) == snapshot(root / "public")
    taken_down = "tin-tuc-su-kien/2021-06-01-toan-van-ket-luan-01-kl-tw.md"
    (root / "content" / taken_down).unlink()
    assert run_build(root).code == 0
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    assert snapshot(server) == snapshot(root / "public")
    assert not any("toan-van-ket-luan-01" in name for name in snapshot(server))


def test_rebuilding_gives_byte_identical_output(tmp_path: Path) -> None:
    builds = []
    root = tmp_path / "site"
    # from scratch twice (different hash seeds), again over the first with its caches, and without caches
    for seed, clean, options in (("1", True, []), ("2", True, []), ("3", False, []), ("4", False, ["--no-cache"])):
        if clean:
            shutil.rmtree(root, ignore_errors=True)
            copy_sample(root)
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), *options],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        builds.append(snapshot(root / "public"))
    assert builds[0] == builds[1] == builds[2] == builds[3]


def test_docs_show_the_tested_commands() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert RSYNC in docs
    assert "python build.py --base-url https://example.org/ban-tin/" in docs
    assert COPY in docs
    shown = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    assert shown == WORKFLOW.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- publishing rules

def test_draft_is_built_only_with_drafts(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": article("Bài đã đăng"),
                                         "content/tin-tuc/b.md": article("Bài nháp", status="draft")})
    assert run_build(root).code == 0
    assert not (root / "public" / "tin-tuc" / "bai-nhap").exists()
    assert "Bài nháp" not in read(root, "index.html") + read(root, "feed.xml") + read(root, "sitemap.xml")
    assert run_build(root, "--drafts").code == 0
    assert "<h1>Bài nháp</h1>" in read(root, "tin-tuc/bai-nhap/index.html")  # no preview badge in a real build


def test_scheduled_article_is_published_by_the_first_build_after_its_time(tmp_path: Path) -> None:
    due = datetime(2030, 5, 19, 7, 30, tzinfo=HANOI)
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": article("Bài đã đăng"),
                                         "content/tin-tuc/b.md": article("Bài hẹn giờ", date="19/05/2030 07:30")})
    page = root / "public" / "tin-tuc" / "bai-hen-gio" / "index.html"
    build(BuildRequest(root, now=due - timedelta(minutes=1)))
    assert not page.exists() and "Bài hẹn giờ" not in read(root, "feed.xml")
    build(BuildRequest(root, now=due))
    assert page.exists() and "Bài hẹn giờ" in read(root, "feed.xml") + read(root, "index.html")


def test_future_option_and_real_clock(tmp_path: Path) -> None:
    soon = datetime.now(HANOI) + timedelta(days=2)
    past = datetime.now(HANOI) - timedelta(minutes=2)
    root = make_site(tmp_path / "site", {
        "content/tin-tuc/a.md": article("Bài vừa đến giờ", date=f"{past:%d/%m/%Y %H:%M}"),
        "content/tin-tuc/b.md": article("Bài hẹn giờ", date=f"{soon:%d/%m/%Y %H:%M}"),
    })
    assert run_build(root).code == 0
    assert (root / "public" / "tin-tuc" / "bai-vua-den-gio").is_dir()
    assert not (root / "public" / "tin-tuc" / "bai-hen-gio").exists()
    assert run_build(root, "--future").code == 0
    assert (root / "public" / "tin-tuc" / "bai-hen-gio").is_dir()


def test_expiring_article_is_taken_down_by_the_first_build_after(tmp_path: Path) -> None:
    ends = datetime(2030, 6, 1, 0, 0, tzinfo=HANOI)
    root = make_site(tmp_path / "site", {
        "content/tin-tuc/a.md": article("Bài thường"),
        "content/tin-tuc/b.md": article("Thông báo tạm thời", expires="01/06/2030"),
        "content/tin-tuc/c.md": article("Thông báo đã hết hạn", expires="01/01/2015"),
    })
    page = root / "public" / "tin-tuc" / "thong-bao-tam-thoi" / "index.html"
    build(BuildRequest(root, now=ends - timedelta(minutes=1)))
    assert page.exists()
    build(BuildRequest(root, now=ends))
    assert not page.exists()
    everything = "".join(snapshot(root / "public")[name].decode("utf-8", "replace")
                         for name in snapshot(root / "public") if name.endswith((".html", ".xml")))
    assert "Thông báo tạm thời" not in everything and "Thông báo đã hết hạn" not in everything
    assert run_build(root, "--drafts", "--future").code == 0
    assert not (root / "public" / "tin-tuc" / "thong-bao-da-het-han").exists()  # no option brings it back
