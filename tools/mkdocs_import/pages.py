"""Writing imported pages into ``source/``: front matter, body, the files they link, the navigation."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path, PurePosixPath

import yaml

from policy_sphinx_extensions.heading_ids import live_site_slug

from . import dates
from .convert import Converted
from .site import MkDocsSite, NavEntry, Page

FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>#]+)")
SITE_MAP = "```{site-map}"
MIN_DESCRIPTION_WORDS = 6
# Words of a page's address or title that say what kind of page it is; the
# first kind that matches wins, and anything else is a notice.
KIND_WORDS = (
    ("guide", ("guidelines", "guide", "best-practices", "best practices", "contributing")),
    ("procedure", ("procedure",)),
    ("letter", ("letter", "request-response", "request response")),
    ("report", ("report",)),
)


class _Dumper(yaml.SafeDumper):
    """YAML without anchors and aliases: the site's data files refuse them."""

    def ignore_aliases(self, data) -> bool:
        return True


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=78)


def kind_of(page: Page, title: str) -> str:
    words = f"{page.url_path} {title}".lower()
    for kind, markers in KIND_WORDS:
        if any(marker in words for marker in markers):
            return kind
    return "notice"


def fallback_title(page: Page) -> str:
    if page.title:
        return page.title
    stem = page.source.parent.name if page.source.stem == "index" else page.source.stem
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Home"


def destination(source_dir: Path, page: Page) -> Path:
    """Where the page's source goes: an existing source of the same address, else the same layout."""
    as_file = source_dir / f"{page.url_path}.md"
    as_index = source_dir / page.url_path / "index.md"
    for existing in (as_file, as_index):
        if existing.exists():
            return existing
    return as_index if page.source.stem == "index" else as_file


def description(converted: Converted) -> str:
    """The first sentence of the page's first paragraph, as plain text, else its title.

    A "sentence" of a few words ("a. Users.") is a clause label, not one.
    """
    for block in re.split(r"\n\s*\n", converted.text):
        block = block.strip()
        if not block or block[0] in "#`(:|-*>!{" or re.match(r"\d+\.", block):
            continue
        plain = re.sub(r"\{abbr\}`([^`(]+?)\s*\([^`]*\)`", r"\1", block)
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain)
        plain = " ".join(plain.replace("\\", "").split())
        for sentence in re.findall(r"\S.*?[.!?](?=\s|$)", plain):
            if len(sentence.split()) >= MIN_DESCRIPTION_WORDS:
                return sentence[:300]
        break
    return f"{converted.title}."


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1)) or {}, text[match.end():]


def new_front_matter(converted: Converted, kind: str, date: dates.PageDate | None) -> dict:
    front: dict = {"description": description(converted)}
    if kind != "notice":
        front["kind"] = kind
    if kind == "notice":
        front["date"] = date.date
        front["changes"] = [{
            "date": date.date,
            "kind": "material",
            "summary": f"Version in effect from {date.date:%B} {date.date.day}, {date.date.year}, "
                       "as published on the previous site.",
        }]
    return front


def updated_front_matter(front: dict, date: dates.PageDate | None, today: datetime.date) -> dict:
    """An existing page's front matter with an entry for the import, its history kept."""
    changes = list(front.get("changes") or [])
    if date is not None and front.get("date") and date.date > front["date"]:
        front["date"] = date.date
        changes.insert(0, {"date": date.date, "kind": "material",
                           "summary": "Text brought over from the previous site, where it took effect."})
    elif changes:
        changes.insert(0, {"date": today, "kind": "editorial",
                           "summary": "Text brought over from the previous site's source."})
    if changes:
        front["changes"] = changes
    return front


def write_page(path: Path, front: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumped = _dump(front) if front else ""
    path.write_text(f"---\n{dumped}---\n\n{body}" if dumped else body, encoding="utf-8")


def merge_home(home: Path, converted: Converted) -> str:
    """Put the old home page's text above the site map; return the title line it leaves out.

    The title gives way to the home page's own, and its id stays, on the text below it.
    """
    text = home.read_text(encoding="utf-8")
    title = re.match(r"\A(?:\(.*\)=\n)?(# .*)\n+", converted.text)
    body = converted.text[title.end():] if title else converted.text
    own_title = re.search(r"^# (.*)$", text, re.MULTILINE)
    old_id = live_site_slug(title.group(1)[2:]) if title else None
    if old_id and not (own_title and live_site_slug(own_title.group(1)) == old_id):
        body = f"({old_id})=\n{body}"
    position = text.find(SITE_MAP)
    if position == -1:
        text = text.rstrip("\n") + f"\n\n{body}\n{SITE_MAP}\n```\n"
    else:
        text = text[:position] + body + "\n" + text[position:]
    home.write_text(text, encoding="utf-8")
    return title.group(1) if title else ""


def linked_files(site: MkDocsSite, page: Page, text: str) -> list[PurePosixPath]:
    """Files under docs_dir that *text* links, other than pages, relative to docs_dir."""
    found = []
    folder = (site.docs_dir / page.source).parent
    for target in LINK_TARGET.findall(text):
        if "://" in target or target.startswith(("mailto:", "/")) or target.endswith(".md"):
            continue
        path = (folder / target).resolve()
        if path.is_file() and path.is_relative_to(site.docs_dir) and not (folder / target).is_symlink():
            found.append(PurePosixPath(path.relative_to(site.docs_dir).as_posix()))
    return found


def copy_file(site: MkDocsSite, relative: PurePosixPath, source_dir: Path) -> None:
    target = source_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(site.docs_dir / relative, target)


def navigation_entries(entries: list[NavEntry], titles: dict[str, str]) -> list[dict]:
    written = []
    for entry in entries:
        if entry.page is not None:
            if entry.page.url_path:  # the home page is the site map itself
                written.append({"title": titles[entry.page.url_path], "path": entry.page.url_path})
        elif entry.children:
            written.append({"title": entry.title, "children": navigation_entries(entry.children, titles)})
    return written


def write_navigation(path: Path, site: MkDocsSite, titles: dict[str, str], kept: list[dict]) -> None:
    """The MkDocs navigation, then the entries of the current one the import does not replace."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    current = yaml.safe_load(text) or {} if text else {}
    live_site = site.site_url if (site.site_url or "").startswith("https://") else current.get("live_site")
    data = {"live_site": live_site.rstrip("/") + "/",
            "nav": navigation_entries(site.nav, titles) + kept}
    dumped = _dump(data)
    path.write_text(f"{header}\n{dumped}" if header else dumped, encoding="utf-8")
