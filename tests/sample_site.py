"""The sample bulletin (site.toml + content/ of the repository), built once per test session.

Theme tests share one build: a copy of the sample in a temporary folder, built with
`build.py --root`, so the repository's own public/ is never touched. `base_url` keeps
its /ban-tin/ sub-path; serve the output with `serve_directory(out, prefix="/ban-tin/")`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitekit import REPO, run_build

PREFIX = "/ban-tin/"
_built: dict[str, Path] = {}

# One page of each kind, by URL under the sub-path; checked to exist after the build.
PAGES = {
    "home": "",
    "article": "tin-tuc-su-kien/dang-bo-cac-co-quan-tinh-487-viec-lam-theo-bac-cua-tap-the-cap-uy-trong-nam-2023/",
    "interview": "phong-van/truong-ban-tuyen-giao-dang-uy-khoi-lam-theo-bac-phai-bat-dau-tu-viec-cu-the/",
    "section": "xay-dung-dang/",
    "directive": "van-ban/2016/chi-thi-05-ct-tw/",
    "directives": "van-ban/",
    "page": "gioi-thieu-ban-tin/",
    "archive": "luu-tru/",
    "year": "luu-tru/2024/",
    "404": "404.html",
}


def build_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sample site once and return its output folder."""
    if "out" not in _built:
        root = tmp_path_factory.mktemp("sample")
        shutil.copy2(REPO / "site.toml", root / "site.toml")
        shutil.copytree(REPO / "content", root / "content")
        result = run_build(root, "build", "--no-cache")
        assert result.code == 0, result.stderr
        out = root / "public"
        missing = [url for url in PAGES.values() if not page_file(out, url).is_file()]
        assert not missing, f"the sample no longer has these pages: {missing}"
        _built["out"] = out
    return _built["out"]


def page_file(out: Path, url: str) -> Path:
    """Return the file that serves a site-relative URL."""
    return out / url if url.endswith(".html") else out / url / "index.html"
