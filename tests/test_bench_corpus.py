"""The bench corpus builds with bantin, with its own theme and with the theme matched to the Hugo templates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit import REPO, run_build

sys.path.insert(0, str(REPO / "bench"))
import corpus  # noqa: E402


def test_the_matched_theme_builds_every_article_with_what_the_hugo_templates_show(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), "--n", "40", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    site = tmp_path / "bantin"
    corpus.use_matched_theme(site)
    assert 'theme = "bench-theme"' in (site / "site.toml").read_text(encoding="utf-8")
    result = run_build(site)
    assert result.code == 0, result.stderr
    articles = sorted((site / "public").glob("*/*/index.html"))
    pages = [page.read_text(encoding="utf-8") for page in articles if "BT0" in page.read_text(encoding="utf-8")]
    assert len(pages) == 40
    for html in pages:
        assert '<p class="breadcrumb">' in html and '<nav class="prev-next">' in html
        assert "teaser" not in html and "ld+json" not in html and 'class="fontsize' not in html
    section = (site / "public/xay-dung-dang/index.html").read_text(encoding="utf-8")
    assert section.count('<article class="item">') == 10 and "teaser" not in section
