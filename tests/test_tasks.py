"""Pages on their way to the worker processes: lean pickles that unpickle to the very same pages."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bantin.config import load_config
from bantin.parse import ParseCache
from bantin.pipeline import BuildRequest, load_site
from bantin.tasks import TeaserTable, pack, teasers_of
from sitekit import REPO, article, make_site, snapshot


def many_articles(count: int) -> dict[str, str]:
    """Articles that link to one another through their sections, dates and directives."""
    return {f"content/{'tin-tuc' if n % 3 else 'xay-dung-dang'}/bai-{n}.md":
            article(f"Bài thứ {n}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2015 + n % 8} 08:00",
                    body=f"Đoạn **{n}** về học tập và làm theo gương Bác. Xem [bài 1](../tin-tuc/bai-1.md).",
                    summary=f"Tóm tắt bài {n}.",
                    directives="[Chỉ thị 05]" if n % 2 else "[Kết luận 01]")
            for n in range(count)}


def loaded_site(tmp_path: Path, count: int = 30):
    """Assemble a site model in this process."""
    root = make_site(tmp_path / "site", many_articles(count))
    site, _ = load_site(load_config(root), BuildRequest(root, jobs=1), ParseCache(None))
    return site


def test_pages_sent_with_a_teaser_table_come_back_equal_and_share_one_copy_of_each_teaser(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    articles = [page for page in site.pages if page.template == "article.html"]
    with TeaserTable(teasers_of(site)) as table:
        first, second = (pickle.loads(pack(batch, table)) for batch in (articles[:15], articles[15:]))
        assert os.path.getsize(table.file) > 0
    assert first + second == articles
    shown = {teaser.url: teaser for page in first for teaser in page.data.related + page.data.others}
    again = [teaser for page in second for teaser in page.data.related + page.data.others if teaser.url in shown]
    assert again and all(teaser is shown[teaser.url] for teaser in again)  # read from the table, not pickled per batch
    assert not os.path.exists(table.file)


def test_a_batch_names_a_teaser_instead_of_carrying_it(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    page = next(page for page in site.pages if page.template == "article.html" and page.data.related)
    with TeaserTable(teasers_of(site)) as table:
        lean, whole = pack([page], table), pack([page])
    title = page.data.related[0].title.encode()
    assert title in whole and title not in lean


def test_a_batch_carries_an_articles_body_once_with_where_its_links_point(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    page = next(page for page in site.pages if page.template == "article.html")
    assert 'href="bantin:tin-tuc/bai-1.md"' in page.data.article.body_html  # the record as parsed, not a resolved copy
    assert page.data.links == (("tin-tuc/bai-1.md", "/ban-tin/tin-tuc/bai-thu-1/", None),)
    assert 'href="/ban-tin/tin-tuc/bai-thu-1/"' in page.data.body_html and "bantin:" not in page.data.body_html
    packed = pack([page])
    assert packed.count("làm theo gương Bác".encode()) == 1
    assert pickle.loads(packed)[0].data.body_html == page.data.body_html


def test_a_teaser_missing_from_the_table_travels_whole(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    page = next(page for page in site.pages if page.template == "article.html" and page.data.related)
    stranger = replace(page.data.related[0], title="Một bài không có trong bảng")
    changed = replace(page, data=replace(page.data, related=(stranger,)))
    with TeaserTable(teasers_of(site)) as table:
        assert pickle.loads(pack([changed], table)) == [changed]


def test_a_later_build_never_reads_an_earlier_builds_teasers_even_from_a_file_of_the_same_name(tmp_path: Path) -> None:
    old, new = loaded_site(tmp_path / "old", 10), loaded_site(tmp_path / "new", 12)
    old_pages, new_pages = ([page for page in site.pages if page.template == "article.html"] for site in (old, new))
    with TeaserTable(teasers_of(old)) as first:
        assert pickle.loads(pack(old_pages, first)) == old_pages
    with TeaserTable(teasers_of(new)) as second:
        os.replace(second.file, first.file)  # a temporary name may come round again
        second.file = first.file
        assert pickle.loads(pack(new_pages, second)) == new_pages


def test_a_parallel_build_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(230))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, TMPDIR=str(temporary))
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", "2"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list(temporary.iterdir()) == []
    one = make_site(tmp_path / "one", many_articles(230))
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(one), "--jobs", "1", "--no-cache"], check=True,
                   capture_output=True, timeout=300)
    assert snapshot(root / "public") == snapshot(one / "public")
