"""Every built page of the sample bulletin is valid HTML for the Nu Html Checker (vnu.jar)."""

from __future__ import annotations

import pytest

from sample_site import build_sample
from tools import format_vnu, run_vnu


def test_every_built_page_is_valid_html(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = build_sample(tmp_path_factory)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 40 and out / "404.html" in pages
    errors = run_vnu(pages)  # one java run for the whole site
    assert not errors, format_vnu(errors)
