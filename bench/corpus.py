#!/usr/bin/env python3
"""Generate the benchmark corpus: the SAME N Vietnamese articles in three site layouts.

    python3 bench/corpus.py --n 1000 --out bench/corpus/1000

writes
    OUT/bantin/   site.toml, content/<section>/*.md, content/directives.toml, content/pages/
    OUT/pelican/  pelicanconf.py, content/*.md (Pelican metadata headers), content/pages/
    OUT/hugo/     hugo.toml, content/<section>/*.md, layouts/ (minimal theme)
    OUT/manifest.json   one entry per article: section, slug, file name, marker

Article i depends only on (seed, i), so the first 1000 articles of a 10000 corpus are the
1000 corpus. Every article is ~700 words, has a few `##` headings, a list, bold text, an
external link and (except the first) an internal link to an earlier article, and ends with
a unique ASCII marker `BT000123` that run.py uses to count the article pages really written.

`--mix 0.5` gives about half the articles one block that no fast path takes: a pipe table, a
footnote, an attribute list or a raw HTML box (real bulletins have them; the plain corpus has
none). The mixed blocks come from their own random stream, so the rest of each article is the
plain corpus's, word for word.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import tomllib
import unicodedata
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vocab as V  # noqa: E402

CORPUS_VERSION = 4  # bump when the generated text changes, so run.py regenerates
DEFAULT_SEED = 20160515
REPO = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/"
SITE_TITLE = "Bản tin Học tập và làm theo Bác"
START = dt.datetime(2011, 6, 1, 7, 0)
TARGET_WORDS = 500  # body words before the fixed furniture (list, links, byline): ~700 in all
STEP_MINUTES = 95  # article i is dated about START + i*95 min (50 000 articles reach 2020)
LINK = "\x00LINK\x00"  # placeholder for the internal link target, rendered per layout


# ----------------------------------------------------------------------------- helpers

def slugify(text: str) -> str:
    """ASCII slug of Vietnamese text: 'Đảng ủy xã An Phú' -> 'dang-uy-xa-an-phu'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def qs(text: str) -> str:
    """A double-quoted scalar valid in YAML and TOML (JSON string syntax)."""
    return json.dumps(text, ensure_ascii=False)


def person(rng: Random, with_title: bool = False) -> str:
    """A Vietnamese full name; with_title prefixes Ông/Bà to match."""
    if rng.random() < 0.55:
        name = f"{rng.choice(V.FAMILY)} {rng.choice(V.MIDDLE_M)} {rng.choice(V.GIVEN_M)}"
        return f"Ông {name}" if with_title else name
    name = f"{rng.choice(V.FAMILY)} {rng.choice(V.MIDDLE_F)} {rng.choice(V.GIVEN_F)}"
    return f"Bà {name}" if with_title else name


def sentence(rng: Random, place: str) -> str:
    """One sentence of 15-35 words."""
    kind = rng.random()
    opener = rng.choice(V.OPENERS) + " " if rng.random() < 0.5 else ""
    if kind < 0.55:
        s = f"{opener}{rng.choice(V.SUBJECTS)} {rng.choice(V.VERBS)} {rng.choice(V.OBJECTS)}, {rng.choice(V.COMPLEMENTS)}"
    elif kind < 0.75:
        stat = rng.choice(V.STATS).format(a=rng.randint(3, 250), b=rng.randint(120, 9000), p=rng.randint(85, 100))
        s = f"{opener}ở {place}, {stat}"
    elif kind < 0.88:
        s = (f"{opener}thấm nhuần lời dạy của Bác {rng.choice(V.QUOTES)}, {rng.choice(V.SUBJECTS)} "
             f"{rng.choice(V.VERBS)} {rng.choice(V.OBJECTS)}")
    else:
        o1, o2 = rng.sample(V.OBJECTS, 2)
        s = f"{opener}{rng.choice(V.SUBJECTS)} {rng.choice(V.VERBS)} {o1} và {o2}, {rng.choice(V.COMPLEMENTS)}"
    s = s[0].upper() + s[1:]
    return s + "."


def paragraph(rng: Random, place: str, n: int | None = None) -> str:
    return " ".join(sentence(rng, place) for _ in range(n or rng.randint(3, 5)))


def words(text: str) -> int:
    return len(text.split())


# ----------------------------------------------------------------------------- one article

def section_of(rng: Random) -> int:
    return rng.choices(range(len(V.SECTIONS)), weights=V.SECTION_WEIGHTS)[0]


def make_article(seed: int, i: int) -> dict:
    """Everything about article i except its final (de-duplicated) title/slug."""
    rng = Random(f"bantin-bench-{seed}-{i}")
    sec = section_of(rng)
    section_slug = V.SECTIONS[sec][0]
    district = rng.choice(V.DISTRICTS)
    province = rng.choice(V.PROVINCES)
    place = f"huyện {district}"
    date = START + dt.timedelta(minutes=i * STEP_MINUTES + rng.randint(0, 80))
    year = date.year
    author = person(rng)
    interviewee = ""

    if section_slug == "tin-tuc-su-kien":
        event = rng.choice(V.EVENTS).format(k=rng.choice([3, 5, 10]), y=year, d=district)
        title = f"{rng.choice(V.UNITS)} {district} {event}"
    elif section_slug == "xay-dung-dang":
        title = f"{rng.choice(V.UNITS)} {district} ({province}) {rng.choice(V.PARTY_ACTIONS)}"
    elif section_slug == "guong-nguoi-tot-viec-tot":
        title = f"{rng.choice(V.PERSON_ROLES)} {person(rng)} {rng.choice(V.DEEDS).format(d=district)}"
    else:
        role = rng.choice(V.INTERVIEW_ROLES)
        interviewee = person(rng, with_title=True)
        name = interviewee.split(" ", 1)[1]
        title = f"{role} {district} {name}: Về {rng.choice(V.INTERVIEW_TOPICS)}"
    title = title[0].upper() + title[1:]

    # directives: 0-2, only those issued before the article
    available = [d for d in V.DIRECTIVES if d[3] <= date.strftime("%Y-%m-%d")]
    k = rng.choices([0, 1, 2], weights=[25, 55, 20])[0]
    directives = [f"{d[0]} {d[1]}" for d in rng.sample(available, min(k, len(available)))]

    target = rng.randint(TARGET_WORDS - 50, TARGET_WORDS + 50)
    blocks = build_body(rng, place, interviewee, target, link=i > 0)
    lead = blocks[0][1]
    summary = lead.split(". ")[0].rstrip(".") + "."
    link_to = rng.randrange(i) if i > 0 else None
    return {
        "id": i, "section": section_slug, "title": nfc(title), "date": date, "author": author,
        "summary": nfc(summary), "directives": directives, "blocks": blocks, "link_to": link_to,
        "marker": f"BT{i:06d}",
    }


def build_body(rng: Random, place: str, interviewee: str, target: int, link: bool) -> list:
    """A list of (kind, payload) blocks: p (paragraph), h2, ul. An interview (interviewee set)
    has **BTV:** questions and **Ông/Bà X:** answers instead of headings."""
    blocks: list = [("p", paragraph(rng, place, 2))]
    headings = rng.sample(V.HEADINGS, 3)
    interview = bool(interviewee)
    if interview:
        questions = rng.sample(V.QUESTIONS, 4)
    # the fixed furniture: bold, external link, internal link, list
    ext_text, ext_url = rng.choice(V.LINK_TEXTS)
    total = words(blocks[0][1])
    part = 0
    q = 0
    while total < target:
        if part < 3 and (len(blocks) - 1) % 3 == 0:
            if interview:
                if q < len(questions):
                    ask = questions[q] if interviewee.startswith("Ông") else questions[q].replace(" ông ", " bà ")
                    blocks.append(("p", f"**BTV:** {ask}"))
                    q += 1
                    answer = paragraph(rng, place, 3)
                    blocks.append(("p", f"**{interviewee}:** {answer}"))
                    total += words(answer) + 8
                    part += 1
                    continue
            else:
                blocks.append(("h2", headings[part]))
                total += words(headings[part])
                part += 1
                continue
        text = paragraph(rng, place)
        blocks.append(("p", text))
        total += words(text)
    # decorate: bold phrase in paragraph 1, external link in a middle paragraph,
    # internal link near the end, a list after the second heading/question
    paras = [n for n, b in enumerate(blocks) if b[0] == "p" and not b[1].startswith("**")]
    first = paras[1] if len(paras) > 1 else paras[0]
    bold = rng.choice(V.OBJECTS)
    blocks[first] = ("p", blocks[first][1] + f" Nổi bật là **{bold}** ở {place}.")
    mid = paras[len(paras) // 2]
    blocks[mid] = ("p", blocks[mid][1] + f" Xem [{ext_text}]({ext_url}) để biết thêm chi tiết.")
    items = rng.sample(V.LIST_ITEMS, rng.randint(3, 5))
    pos = len(blocks) * 2 // 3
    blocks.insert(pos, ("ul", items))
    blocks.insert(pos, ("p", "Thời gian tới, địa phương tập trung thực hiện các giải pháp:"))
    if link:
        last = [n for n, b in enumerate(blocks) if b[0] == "p"][-1]
        blocks[last] = ("p", blocks[last][1] + f" Cùng chủ đề, mời bạn đọc xem lại [{LINK}].")
    return blocks


# ----------------------------------------------------------------------------- whole corpus

MIXED_KINDS = ("table", "footnote", "attributes", "html")


def mixed_block(seed: int, i: int, mix: float) -> tuple[str, str] | None:
    """The block that takes article i off the plain fast path, or None (about 1 - mix of the articles)."""
    rng = Random(f"bantin-bench-mix-{seed}-{i}")
    if rng.random() >= mix:
        return None
    kind = rng.choice(MIXED_KINDS)
    district = rng.choice(V.DISTRICTS)
    if kind == "table":
        rows = [f"| {rng.choice(V.UNITS)} {district} | {rng.randint(12, 480)} | {rng.randint(60, 100)}% |" for _ in range(rng.randint(3, 6))]
        text = "| Đơn vị | Số đảng viên | Tỷ lệ tham gia |\n|---|---:|---:|\n" + "\n".join(rows)
    elif kind == "footnote":
        text = (f"Kết quả được tổng hợp từ báo cáo của {rng.choice(V.UNITS).lower()} {district}[^1].\n\n"
                f"[^1]: Số liệu tính đến cuối quý {rng.randint(1, 4)}.")
    elif kind == "attributes":
        text = f"Nhiều mô hình hay ở {district} được nhân rộng.\n{{: .lead }}"
    else:
        text = f'<div class="box">\n<p>Ghi nhận tại {district}: {rng.randint(3, 40)} mô hình điển hình.</p>\n</div>'
    return kind, nfc(text)


def make_corpus(n: int, seed: int, mix: float = 0.0) -> list[dict]:
    arts = [make_article(seed, i) for i in range(n)]
    for i, a in enumerate(arts):
        block = mixed_block(seed, i, mix) if mix else None
        if block:
            a["blocks"].insert(len(a["blocks"]) // 2, ("raw", block[1]))
            a["mixed"] = block[0]
    titles: set[str] = set()
    slugs: set[str] = set()
    for a in arts:  # de-duplicate in id order, so a smaller corpus is a prefix of a larger one
        base, k = a["title"], 1
        title, slug = base, slugify(base)
        while title in titles or slug in slugs:
            k += 1
            title = f"{base} (kỳ {k})"
            slug = slugify(title)
        titles.add(title)
        slugs.add(slug)
        a["title"], a["slug"] = title, slug
        a["file"] = f"{a['date']:%Y-%m-%d}-{slug}.md"
    return arts


def render_body(a: dict, arts: list[dict], link_fmt) -> str:
    out = []
    for kind, payload in a["blocks"]:
        if kind == "h2":
            out.append(f"## {payload}")
        elif kind == "ul":
            out.append("\n".join(f"- {item}." for item in payload))
        else:
            if LINK in payload:
                t = arts[a["link_to"]]
                payload = payload.replace(f"[{LINK}]", f"[{t['title']}]({link_fmt(t)})")
            out.append(payload)
    out.append(f"*{a['author']} – {a['marker']}*")
    return nfc("\n\n".join(out) + "\n")


def directives_toml() -> str:
    parts = ["# Sổ đăng ký văn bản chỉ đạo (bench corpus).\n"]
    for kind, number, issuer, date, title, summary, aliases in V.DIRECTIVES:
        parts.append(
            "[[directive]]\n"
            f"kind = {qs(kind)}\nnumber = {qs(number)}\nissuer = {qs(issuer)}\ndate = {date}\n"
            f"title = {qs(title)}\nsummary = {qs(summary)}\n"
            f"aliases = [{', '.join(qs(x) for x in aliases)}]\n")
    return "\n".join(parts)


EMBEDDED_SITE_TOML = """\
[site]
title = "Bản tin Học tập và làm theo Bác"
tagline = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
lang = "vi"
timezone = "Asia/Ho_Chi_Minh"
base_url = "https://example.org/"
output = "public"
per_page = 10
""" + "".join(f"""
[[sections]]
slug = "{s}"
name = "{n}"
description = "{d}"
""" for s, n, d in V.SECTIONS) + """
[footer]
governing_body = "Cơ quan chủ quản: Ban Tuyên giáo Tỉnh ủy (ví dụ)"
licence = "Giấy phép số 00/GP-TTĐT (ví dụ)"
licence_issuer = "Sở Thông tin và Truyền thông cấp"
editor_in_chief = "Chịu trách nhiệm nội dung: Trưởng Ban biên tập (ví dụ)"
address = "Số 1, đường Ví Dụ, phường Mẫu, tỉnh Mẫu"
phone = "0200 000 0000"
email = "bantin@example.org"
republish_notice = "Ghi rõ nguồn “Bản tin Học tập và làm theo Bác” khi phát hành lại thông tin từ trang này."
"""


NO_SEARCH = ("\n# Hugo and Pelican build no search index here: compared like for like (bench/search.py measures search).\n"
             "[search]\nenabled = false\n")


def site_toml() -> str:
    """The repo's site.toml with base_url at the domain root (so articles land at
    OUT/<section>/<slug>/index.html), search off; the embedded copy if the repo's lacks our sections."""
    return site_toml_with_search() + NO_SEARCH


def site_toml_with_search() -> str:
    """The repo's site.toml with base_url at the domain root, or the embedded copy."""
    try:
        text = (REPO / "site.toml").read_text(encoding="utf-8")
        text = re.sub(r'(?m)^base_url\s*=.*$', f'base_url = "{BASE_URL}"', text)
        data = tomllib.loads(text)
        have = {s.get("slug") for s in data.get("sections", [])}
        if all(s in have for s, _, _ in V.SECTIONS) and data["site"]["base_url"] == BASE_URL:
            return "# Copied from the repo's site.toml by bench/corpus.py (base_url changed).\n" + text
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        pass
    return "# bench/corpus.py embedded site.toml\n" + EMBEDDED_SITE_TOML


ABOUT_TITLE = "Giới thiệu Bản tin"
ABOUT_BODY = ("Bản tin Học tập và làm theo Bác là ấn phẩm điện tử của Ban Tuyên giáo, phản ánh kết quả "
              "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở cơ sở.\n")


# ----------------------------------------------------------------------------- bantin

# ----------------------------------------------------------------------------- bantin, matched theme

# A bantin theme doing what the Hugo templates below do, for `run.py --bantin-theme matched`:
# the same head, menu and footer, articles with breadcrumb, date, author, sapo, content,
# directive links and two section neighbours, lists of title, date and summary. bantin's own
# theme does more on every page (teaser cards of related and nearby articles, JSON-LD, Open
# Graph, the text-size control), so the default comparison measures more work for bantin.
# Templates not given here (home, directive index, archive, 404...) come from bantin's theme.
MATCHED_THEME = {
    "base.html": """\
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if page.url != "/" %}{{ page.title }} – {% endif %}{{ config.title }}</title>
<meta name="description" content="{{ (page.description or config.title)|truncate(160, end='…') }}">
<link rel="canonical" href="{{ page.url|absolute_url }}">
{% block feeds %}{% endblock %}
<style>body{font-family:sans-serif;max-width:60rem;margin:auto}nav a{margin-right:1em}</style>
</head>
<body>
<header>
  <p class="site-title"><a href="{{ '/'|url }}">{{ config.title }}</a></p>
  <nav>
    {% set current = menu_current(page.url) %}{% for item in config.menu %}<a href="{{ item.url|url }}"{% if item.url in current %} aria-current="page"{% endif %}>{{ item.title }}</a>{% endfor %}
  </nav>
</header>
<main>
{% block main %}{% endblock %}
</main>
<footer>
  <p>Cơ quan chủ quản: Ban Tuyên giáo Tỉnh ủy (ví dụ) · Giấy phép số 00/GP-TTĐT (ví dụ)</p>
  <p>Ghi rõ nguồn “{{ config.title }}” khi phát hành lại thông tin từ trang này.</p>
</footer>
</body>
</html>
""",
    "article.html": """\
{% extends "base.html" %}
{% set article = data.article %}
{% block main %}
<article>
  <p class="breadcrumb"><a href="{{ '/'|url }}">Trang chủ</a>{% if data.section %} › <a href="{{ ('/' ~ data.section.slug ~ '/')|url }}">{{ data.section.name }}</a>{% endif %}</p>
  <h1>{{ article.title }}</h1>
  <p class="meta"><time datetime="{{ article.date|iso }}">{{ article.date|date_short }}</time>{% if article.author %} · {{ article.author }}{% endif %}</p>
  {% if article.summary_written %}<p class="sapo"><strong>{{ article.summary }}</strong></p>{% endif %}
  <div class="content">{{ data.body_html|safe }}</div>
  {% if data.directives %}
  <section class="directives"><h2>Văn bản liên quan</h2>
    <ul>{% for directive in data.directives %}<li><a href="{{ directive.url|url }}">{{ directive.name }}</a></li>{% endfor %}</ul>
  </section>
  {% endif %}
  <nav class="prev-next">
    {% for teaser in data.others[:2] %}<a href="{{ teaser.url|url }}">{{ teaser.title }}</a>{% endfor %}
  </nav>
</article>
{% endblock %}
""",
    "_listing.html": """\
{% for teaser in data.teasers %}
<article class="item">
  <h2><a href="{{ teaser.url|url }}">{{ teaser.title }}</a></h2>
  <p class="meta">{{ teaser.date|date_short }}</p>
  <p>{{ teaser.summary }}</p>
</article>
{% endfor %}
{% set pager = data.pager %}{% include "_pager.html" %}
""",
}


def use_matched_theme(root: Path) -> None:
    """Give a bantin corpus copy the matched theme (in bench-theme/) and name it in site.toml."""
    for name, text in MATCHED_THEME.items():
        (root / "bench-theme" / "templates").mkdir(parents=True, exist_ok=True)
        (root / "bench-theme" / "templates" / name).write_text(text, encoding="utf-8")
    (root / "bench-theme" / "static").mkdir(exist_ok=True)
    toml = (root / "site.toml").read_text(encoding="utf-8")
    (root / "site.toml").write_text(toml.replace("[site]\n", '[site]\ntheme = "bench-theme"\n', 1), encoding="utf-8")


def write_bantin(root: Path, arts: list[dict]) -> None:
    content = root / "content"
    for s, _, _ in V.SECTIONS:
        (content / s).mkdir(parents=True, exist_ok=True)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(site_toml(), encoding="utf-8")
    (content / "directives.toml").write_text(directives_toml(), encoding="utf-8")
    (content / "pages" / "gioi-thieu.md").write_text(
        f"---\ntitle: {qs(ABOUT_TITLE)}\nslug: gioi-thieu\ndate: 01/06/2011\n---\n\n{ABOUT_BODY}", encoding="utf-8")

    def link(t: dict) -> str:
        return f"../{t['section']}/{t['file']}"

    for a in arts:
        fm = [
            "---",
            f"title: {qs(a['title'])}",
            f"date: {a['date']:%d/%m/%Y %H:%M}",
            f"section: {a['section']}",
        ]
        if a["directives"]:
            fm.append(f"directives: [{', '.join(qs(d) for d in a['directives'])}]")
        fm += [f"author: {qs(a['author'])}", f"summary: {qs(a['summary'])}", f"slug: {a['slug']}", "---", ""]
        text = "\n".join(fm) + "\n" + render_body(a, arts, link)
        (content / a["section"] / a["file"]).write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- pelican

PELICANCONF = '''\
# Pelican settings for the bench corpus (generated by bench/corpus.py).
# Kept comparable to bantin: pretty URLs /<category>/<slug>/, category, tag and index
# pages paginated by 10, the default theme (notmyidea), default Atom feeds; no author pages.
AUTHOR = "Ban biên tập"
SITENAME = "Bản tin Học tập và làm theo Bác"
SITEURL = "https://example.org"
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y %H:%M"

ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds like bantin's: the 20 newest items, for the whole site, each category and each
# tag (bantin: each directive). Pelican's defaults give the first two.
FEED_MAX_ITEMS = 20
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# Content cache, so that "rebuild with nothing changed" can reuse parsed articles.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "mtime"

RELATIVE_URLS = True
'''


def write_pelican(root: Path, arts: list[dict]) -> None:
    content = root / "content"
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    (content / "pages" / "gioi-thieu.md").write_text(
        f"Title: {ABOUT_TITLE}\nSlug: gioi-thieu\nDate: 2011-06-01 00:00\n\n{ABOUT_BODY}", encoding="utf-8")
    names = {s: n for s, n, _ in V.SECTIONS}

    def link(t: dict) -> str:
        return "{filename}/" + t["file"]

    for a in arts:
        meta = [
            f"Title: {a['title']}",
            f"Date: {a['date']:%Y-%m-%d %H:%M}",
            f"Category: {names[a['section']]}",
        ]
        if a["directives"]:
            meta.append(f"Tags: {', '.join(a['directives'])}")
        meta += [f"Author: {a['author']}", f"Summary: {a['summary']}", f"Slug: {a['slug']}", ""]
        (content / a["file"]).write_text("\n".join(meta) + "\n" + render_body(a, arts, link), encoding="utf-8")


# ----------------------------------------------------------------------------- hugo

HUGO_TOML = '''\
# Hugo settings for the bench corpus (generated by bench/corpus.py).
baseURL = "https://example.org/"
locale = "vi"
defaultContentLanguage = "vi"
titleCaseStyle = "none"
removePathAccents = true
title = "Bản tin Học tập và làm theo Bác"
timeZone = "Asia/Ho_Chi_Minh"
enableRobotsTXT = false

[pagination]
pagerSize = 10

[taxonomies]
tag = "tags"

# the menu of the repo's site.toml
[[menus.main]]
name = "Trang chủ"
url = "/"
weight = 1
[[menus.main]]
name = "Tin tức – Sự kiện"
url = "/tin-tuc-su-kien/"
weight = 2
[[menus.main]]
name = "Xây dựng Đảng"
url = "/xay-dung-dang/"
weight = 3
[[menus.main]]
name = "Gương người tốt, việc tốt"
url = "/guong-nguoi-tot-viec-tot/"
weight = 4
[[menus.main]]
name = "Phỏng vấn"
url = "/phong-van/"
weight = 5
[[menus.main]]
name = "Văn bản chỉ đạo"
url = "/tags/"
weight = 6

# feeds of the 20 newest items, like bantin's (Hugo's default is every page)
[services.rss]
limit = 20

[markup.goldmark.extensions]
typographer = true

# the mixed corpus's raw HTML boxes and {: .lead } attribute lists, as bantin and Pelican read them
[markup.goldmark.renderer]
unsafe = true
[markup.goldmark.parser.attribute]
block = true
'''

BASEOF = '''\
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Summary }}{{ . | plainify | truncate 160 }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
<style>body{font-family:sans-serif;max-width:60rem;margin:auto}nav a{margin-right:1em}</style>
</head>
<body>
<header>
  <p class="site-title"><a href="{{ "/" | relURL }}">{{ site.Title }}</a></p>
  {{/* the menu comes from config, as bantin's [[menu]]; `range site.Sections` here would walk
       the whole page tree on every page (quadratic: 10x the CPU at 10 000 articles) */}}
  <nav>
    {{ range site.Menus.main }}<a href="{{ .URL | relURL }}"{{ if $.IsMenuCurrent "main" . }} aria-current="page"{{ end }}>{{ .Name }}</a>{{ end }}
  </nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>
  <p>Cơ quan chủ quản: Ban Tuyên giáo Tỉnh ủy (ví dụ) · Giấy phép số 00/GP-TTĐT (ví dụ)</p>
  <p>Ghi rõ nguồn “{{ site.Title }}” khi phát hành lại thông tin từ trang này.</p>
</footer>
</body>
</html>
'''

SINGLE = '''\
{{ define "main" }}
<article>
  <p class="breadcrumb"><a href="{{ "/" | relURL }}">Trang chủ</a>{{ with .Parent }}{{ if not .IsHome }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</p>
  <h1>{{ .Title }}</h1>
  {{ if not .Date.IsZero }}<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006 15:04" }}</time>{{ with .Params.author }} · {{ . }}{{ end }}</p>{{ end }}
  {{ with .Params.summary }}<p class="sapo"><strong>{{ . }}</strong></p>{{ end }}
  <div class="content">{{ .Content }}</div>
  {{ with .GetTerms "tags" }}
  <section class="directives"><h2>Văn bản liên quan</h2>
    <ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
  </section>
  {{ end }}
  <nav class="prev-next">
    {{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
    {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  </nav>
</article>
{{ end }}
'''

LIST = '''\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Description }}<p>{{ . }}</p>{{ end }}
{{ if eq .Kind "taxonomy" }}
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ else }}
{{ $pager := .Paginate .RegularPages }}
{{ range $pager.Pages }}
<article class="item">
  <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="meta">{{ .Date.Format "02/01/2006 15:04" }}</p>
  <p>{{ .Summary | plainify }}</p>
</article>
{{ end }}
{{ partial "pager.html" . }}
{{ end }}
{{ end }}
'''

PAGER = '''\
{{ $p := .Paginator }}
{{ if gt $p.TotalPages 1 }}
<nav class="pagination">
  {{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">Trang trước</a>{{ end }}
  <span>Trang {{ $p.PageNumber }} / {{ $p.TotalPages }}</span>
  {{ with $p.Next }}<a rel="next" href="{{ .URL }}">Trang sau</a>{{ end }}
</nav>
{{ end }}
'''

INDEX = '''\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{/* the standalone page has build.list = never, so site.RegularPages is just the articles;
     filtering here (where …) would run once per home pager page: quadratic */}}
{{ $pager := .Paginate site.RegularPages }}
{{ range $pager.Pages }}
<article class="item">
  <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="meta">{{ .Date.Format "02/01/2006 15:04" }} · {{ .Parent.Title }}</p>
  <p>{{ .Summary | plainify }}</p>
</article>
{{ end }}
{{ partial "pager.html" . }}
{{ end }}
'''


def write_hugo(root: Path, arts: list[dict]) -> None:
    content = root / "content"
    layouts = root / "layouts"
    (layouts / "_default").mkdir(parents=True, exist_ok=True)
    (layouts / "partials").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    (layouts / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    (layouts / "partials" / "pager.html").write_text(PAGER, encoding="utf-8")
    (layouts / "index.html").write_text(INDEX, encoding="utf-8")
    content.mkdir(parents=True, exist_ok=True)
    for s, name, desc in V.SECTIONS:
        (content / s).mkdir(parents=True, exist_ok=True)
        (content / s / "_index.md").write_text(
            f"---\ntitle: {qs(name)}\ndescription: {qs(desc)}\n---\n", encoding="utf-8")
    (content / "gioi-thieu.md").write_text(
        f"---\ntitle: {qs(ABOUT_TITLE)}\nslug: gioi-thieu\ndate: 2011-06-01T00:00:00+07:00\n"
        f"build:\n  list: never\n---\n\n{ABOUT_BODY}",
        encoding="utf-8")

    def link(t: dict) -> str:
        return '{{< relref "/' + t["section"] + "/" + t["file"] + '" >}}'

    for a in arts:
        fm = [
            "---",
            f"title: {qs(a['title'])}",
            f"date: {a['date']:%Y-%m-%dT%H:%M:00}+07:00",
        ]
        if a["directives"]:
            fm.append(f"tags: [{', '.join(qs(d) for d in a['directives'])}]")
        fm += [f"author: {qs(a['author'])}", f"summary: {qs(a['summary'])}", f"slug: {a['slug']}", "---", ""]
        text = "\n".join(fm) + "\n" + render_body(a, arts, link)
        (content / a["section"] / a["file"]).write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- main

def generate(n: int, out: Path, seed: int = DEFAULT_SEED, mix: float = 0.0) -> dict:
    arts = make_corpus(n, seed, mix)
    if out.exists():
        if any(out.iterdir()) and not (out / "manifest.json").exists():
            raise SystemExit(f"{out} exists and is not a corpus folder (no manifest.json); refusing to delete it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_bantin(out / "bantin", arts)
    write_pelican(out / "pelican", arts)
    write_hugo(out / "hugo", arts)
    total_words = sum(words(render_body(a, arts, lambda t: "x")) for a in arts)
    manifest = {
        "version": CORPUS_VERSION, "n": n, "seed": seed, "mix": mix,
        "mixed": {kind: sum(a.get("mixed") == kind for a in arts) for kind in MIXED_KINDS},
        "mean_words": round(total_words / max(n, 1), 1),
        "sections": [s for s, _, _ in V.SECTIONS],
        "directives": [f"{d[0]} {d[1]}" for d in V.DIRECTIVES],
        "articles": [{"id": a["id"], "section": a["section"], "slug": a["slug"], "file": a["file"],
                      "marker": a["marker"], "title": a["title"]} for a in arts],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of articles")
    ap.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--mix", type=float, default=0.0, help="share of articles given a table, footnote, attribute list or raw HTML")
    args = ap.parse_args()
    m = generate(args.n, args.out, args.seed, args.mix)
    print(f"wrote {m['n']} articles (mean {m['mean_words']} words) to {args.out}/{{bantin,pelican,hugo}}")


if __name__ == "__main__":
    main()
