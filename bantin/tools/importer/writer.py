"""Write imported articles into content/ as drafts, and never over an editor's work.

Each article records where it came from in `extra` (`imported_from`, and `imported_digest`, a
digest of the file as the importer wrote it). Importing the same page again rewrites that file
only while its digest still holds, that is while no editor has touched it; otherwise the
report says so and the file is left alone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from ...stages.config import Config, Section
from ...stages.directives import Register
from ...stages.slugs import slugify
from .text import Imported

DIGEST_LINE = re.compile(r"^\s*imported_digest:.*\n", re.M)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
MAX_SLUG = 60


@dataclass
class Planned:
    """What importing one page does: the article's file and text, the files copied beside it, and what became of it."""

    imported: Imported
    path: Path  # relative to the project
    text: str
    copies: dict[Path, Path] = field(default_factory=dict)  # destination (relative) -> file in the saved copy
    action: str = "new"  # "new", "update", "unchanged", "edited" (left alone), "skipped"
    unknown: list[str] = field(default_factory=list)  # directives named in the text but not in the register


def earlier_imports(content: Path) -> dict[str, Path]:
    """Find the articles earlier imports wrote, by the page each came from."""
    found = {}
    for file in content.rglob("*.md"):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "imported_from:" in text and (match := re.search(r"^\s*imported_from:\s*(.+)$", text, re.M)):
            found[yaml.safe_load(match[1])] = file
    return found


def text_digest(text: str) -> str:
    """Digest an article's text as the importer wrote it (without its own digest line)."""
    return hashlib.sha256(DIGEST_LINE.sub("", text).encode("utf-8")).hexdigest()[:16]


def plan_article(imported: Imported, config: Config, register: Register, section: Section, publish: bool,
                 earlier: dict[str, Path], taken: set[Path]) -> Planned:
    """Decide the file, front matter and body of one imported article, and whether to write it."""
    key = str(imported.source.resolve())
    if not imported.title or not imported.body.strip():
        return Planned(imported, Path(), "", action="skipped")
    date = imported.date or datetime.fromtimestamp(imported.source.stat().st_mtime)
    if imported.date is None:
        imported.notes.append(f"không có ngày đăng: lấy ngày sửa tệp ({date:%d/%m/%Y})")
    path = earlier.get(key)
    relative = path.relative_to(config.root) if path is not None else new_path(imported, date, section, config.root, taken)
    taken.add(relative)
    names = {name: copied_name(relative.stem, name) for name in imported.files}
    body = imported.body
    for old, new in names.items():
        body = body.replace(f"]({old})", f"]({new})").replace(f"]({old} ", f"]({new} ")
    directives, unknown = registered(imported.mentions, register)
    fields = front_matter(imported, date, directives, names, body, publish)
    extra = {"imported_from": key, "old_url": imported.old_url} if imported.old_url else {"imported_from": key}
    text = article_text(fields, extra, body)
    text = text.replace("\n---\n", f"\n  imported_digest: {text_digest(text)}\n---\n", 1)  # the last line of extra
    copies = {relative.parent / names[name]: file for name, file in imported.files.items()}
    return Planned(imported, relative, text, copies, action=action_for(path, text), unknown=unknown)


def new_path(imported: Imported, date: datetime, section: Section, root: Path, taken: set[Path]) -> Path:
    """Name a new article's file: its date and slug, in its section's folder, numbered if the name is taken."""
    slug = slugify(imported.title)
    stem = f"{date:%Y-%m-%d}-{slug if len(slug) <= MAX_SLUG else slug[:MAX_SLUG].rsplit('-', 1)[0]}"
    return unique(Path("content") / section.slug / f"{stem}.md", root, taken)


def registered(mentions: list[str], register: Register) -> tuple[list[str], list[str]]:
    """Split the directives a page names into the register's names for them (once each) and those it does not know."""
    directives: list[str] = []
    unknown: list[str] = []
    for mention in mentions:
        directive = register.find(mention)
        if directive is None:
            unknown.append(mention)
        elif directive.name not in directives:
            directives.append(directive.name)
    return directives, unknown


def front_matter(imported: Imported, date: datetime, directives: list[str], names: dict[str, str], body: str,
                 publish: bool) -> dict[str, object]:
    """Write an imported article's fields, in the content format's order, leaving out those the page did not have."""
    fields: dict[str, object] = {"title": imported.title, "date": f"{date:%d/%m/%Y %H:%M}"}
    if directives:
        fields["directives"] = directives
    for name, value in (("author", imported.author), ("source", imported.origin), ("summary", imported.summary)):
        if value:
            fields[name] = value
    if imported.image is not None:
        fields |= {"image": names[imported.image.name], "image_alt": imported.image_alt or "Ảnh minh họa"}
        if imported.image_caption:
            fields["image_caption"] = imported.image_caption
    attachments = [names[n] for n in imported.files if not n.lower().endswith(IMAGE_SUFFIXES) and f"]({names[n]})" not in body]
    if attachments:
        fields["attachments"] = attachments
    if imported.old_url.startswith("/"):
        fields["aliases"] = [imported.old_url]
    if not publish:
        fields["status"] = "draft"
    return fields


def action_for(path: Path | None, text: str) -> str:
    """Say what writing `text` does to the file an earlier import wrote: nothing new, an update, or nothing (edited)."""
    if path is None:
        return "new"
    current = path.read_text(encoding="utf-8")
    stored = re.search(r"imported_digest:\s*(\w+)", current)
    return "unchanged" if current == text else "update" if stored and stored[1] == text_digest(current) else "edited"


def article_text(fields: dict[str, object], extra: dict[str, str], body: str) -> str:
    """Write front matter and body in the content format (docs/content-format.md), `extra` last, one key a line."""
    matter = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=None)
    matter += yaml.safe_dump({"extra": extra}, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
    return f"---\n{matter}---\n\n{body.strip()}\n"


def unique(path: Path, root: Path, taken: set[Path]) -> Path:
    """Return `path`, or a numbered sibling when that name is taken by another article."""
    candidate, number = path, 2
    while candidate in taken or (root / candidate).exists():
        candidate, number = path.with_name(f"{path.stem}-{number}{path.suffix}"), number + 1
    return candidate


def copied_name(article: str, name: str) -> str:
    """Name a copied image or attachment after its article, so two pages' "image001.jpg" never meet."""
    stem, dot, suffix = name.rpartition(".")
    return f"{article}-{slugify(stem or name)[:40] or 'tep'}{dot}{suffix.lower()}"


def write(planned: Planned, root: Path) -> None:
    """Write an article and copy its files (only those not there already with the same bytes)."""
    target = root / planned.path
    target.parent.mkdir(parents=True, exist_ok=True)
    for destination, file in planned.copies.items():
        copy = root / destination
        data = file.read_bytes()
        if not copy.is_file() or copy.read_bytes() != data:
            copy.write_bytes(data)
    target.write_text(planned.text, encoding="utf-8")
