"""Writing imported pages into ``source/``: front matter, body, the files they link, the navigation."""

from __future__ import annotations

import datetime
import posixpath
import re
from pathlib import Path, PurePosixPath

import yaml

from policy_core import yamldata
from policy_core.addresses import page_docnames
from policy_core.front_matter import INFERRED_DATE_FIELD, format_date
from policy_core.heading_ids import live_site_slug

from . import dates
from .convert import Converted
from .site import MkDocsSite, NavEntry, Page

LABEL = re.compile(r"^\(([^)\s]+)\)=\s*$")
HEADING_LINE = re.compile(r"^#{1,6}\s+(.*?)\s*$")
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
    """YAML without anchors and aliases (the site's data files refuse them), lists indented."""

    def ignore_aliases(self, data) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # A long text folded (">-"), as the project's pages write one.
    style = ">" if len(value) > 60 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=78)


def kind_of(page: Page, title: str) -> str:
    words = f"{page.url_path} {title}".lower()
    return next((kind for kind, markers in KIND_WORDS
                 if any(marker in words for marker in markers)), "notice")


def fallback_title(page: Page) -> str:
    """The title MkDocs gives a page with none: its file name, capitalised only when all lower case."""
    stem = page.source.parent.name if page.source.stem == "index" else page.source.stem
    title = stem.replace("-", " ").replace("_", " ").strip()
    return (title.capitalize() if title == title.lower() else title) or "Home"


def destination(source_dir: Path, page: Page) -> Path:
    """Where the page's source goes: an existing source of the same address, else the same layout."""
    candidates = [source_dir / f"{docname}.md" for docname in page_docnames(page.url_path)]
    return next((existing for existing in candidates if existing.exists()),
                candidates[-1] if page.source.stem == "index" else candidates[0])


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
    """A page's front matter (as the build reads it, :mod:`policy_core.yamldata`) and body."""
    text = path.read_text(encoding="utf-8")
    block = yamldata.front_matter_block(text)
    if block is None:
        return {}, text
    body_start = block[1] + len(block[0].split("\n")) if block[0] else block[1]
    body = "\n".join(text.split("\n")[body_start:]).lstrip("\n")
    return yaml.safe_load(block[0]) or {}, body


def history_entry(date: dates.PageDate, shown: bool) -> dict:
    """The change entry of a notice's first version here: what the import knows of it, and no more.

    *shown*: the page showed its last commit's date ("Last updated {{ git_revision_date }}").
    """
    if date.words.lower().startswith("effective"):  # stated as the date it took effect
        summary = (f"Version in effect from {format_date(date.date)}, as the notice states "
                   f"(“{date.words}”), brought over from the previous site.")
    elif date.inferred and shown:
        summary = (f"Text brought over from the previous site, which showed it as last updated "
                   f"{format_date(date.date)}: the date of its last commit there; the notice states no date.")
    elif date.inferred:
        summary = (f"Text brought over from the previous site, dated by its last commit there, "
                   f"{format_date(date.date)}; the notice states no date.")
    else:
        summary = f"Text brought over from the previous site, which states “{date.words}”."
    return {"date": date.date, "kind": "material", "summary": summary}


def new_front_matter(converted: Converted, kind: str, date: dates.PageDate | None) -> dict:
    front: dict = {"description": description(converted)}
    if kind != "notice":
        front["kind"] = kind
    if date is not None:
        front["date"] = date.date
        if date.inferred:
            front[INFERRED_DATE_FIELD] = (f"{date.source}. The page states no date: confirm it,"
                                          " then delete this field.")
    if kind == "notice":
        front["changes"] = [history_entry(date, converted.uses_git_date)]
    return front


def with_change(changes: list[dict], entry: dict) -> list[dict]:
    """*changes* (newest first) with *entry* in its place by date, above the entries of its day.

    Above them: the ids of one day's entries are numbered from the oldest, so
    an entry added on top renames none of theirs.
    """
    position = next((index for index, change in enumerate(changes)
                     if _as_date(change.get("date")) <= entry["date"]), len(changes))
    return [*changes[:position], entry, *changes[position:]]


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def merged_entry(last_change: datetime.date | None, conflicts: int, merged: bool, today: datetime.date) -> dict:
    """The history entry saying what the import did to an existing notice's text."""
    since = f", as last changed there on {format_date(last_change)}" if last_change else ""
    if not merged:
        what = f"Text replaced by the previous site’s text{since}"
    else:
        both = (f"; in {conflicts} passage{'s' if conflicts != 1 else ''} both had changed, the "
                "previous site’s text was taken") if conflicts else ""
        what = f"Text merged with the previous site’s{since}: its changes came over, this notice’s own stayed{both}"
    return {"date": today, "kind": "editorial",
            "summary": f"{what}. The import report holds the redline against the text before. "
                       "Whether the change is material is for an editor to decide: then change this entry."}


def write_with_change(path: Path, entry: dict, body: str) -> None:
    """Write *body* under *path*'s front matter as it is written, *entry* added to its ``changes``.

    The front matter is kept line for line (its wrapping, its comments): only
    the entry's lines go in, at its place by date (:func:`with_change`).
    """
    text = path.read_text(encoding="utf-8")
    block = yamldata.front_matter_block(text)
    front_lines = text.split("\n")[1:1 + len(block[0].split("\n"))]
    front = yaml.safe_load(block[0]) or {}
    position = with_change(front.get("changes") or [], entry).index(entry)
    start = next(index for index, line in enumerate(front_lines) if line.startswith("changes:"))
    items = [index for index, line in enumerate(front_lines) if index > start and re.match(r"\s*- ", line)
             and len(line) - len(line.lstrip()) == len(front_lines[start + 1]) - len(front_lines[start + 1].lstrip())]
    after = next((index for index, line in enumerate(front_lines) if index > start and line[:1].strip()),
                 len(front_lines))
    at = items[position] if position < len(items) else after
    indent = " " * (len(front_lines[start + 1]) - len(front_lines[start + 1].lstrip()))
    dumped = _dump({"changes": [entry]}).split("\n")[1:]
    front_lines[at:at] = [indent + line.removeprefix("  ") for line in dumped if line.strip()]
    path.write_text("---\n" + "\n".join(front_lines) + "\n---\n\n" + body, encoding="utf-8")


def keep_labels(previous: str, body: str) -> str:
    """*body* with the labels *previous* put above a heading, above the same heading in *body*.

    Headings are matched by their id and rank among the headings of that id
    (the second "## Account security" to the second); a label *body* has
    anywhere already is not added again.
    """
    labels: dict[tuple[str, int], list[str]] = {}
    pending: list[str] = []
    seen: dict[str, int] = {}
    for line in previous.split("\n"):
        label, heading = LABEL.match(line), HEADING_LINE.match(line)
        if label:
            pending.append(line.strip())
        elif heading:
            slug = live_site_slug(heading.group(1))
            seen[slug] = seen.get(slug, 0) + 1
            labels[slug, seen[slug]] = pending
            pending = []
        elif line.strip():
            pending = []
    present = {line.strip() for line in body.split("\n") if LABEL.match(line)}
    out: list[str] = []
    seen = {}
    for line in body.split("\n"):
        if heading := HEADING_LINE.match(line):
            slug = live_site_slug(heading.group(1))
            seen[slug] = seen.get(slug, 0) + 1
            out += [label for label in labels.get((slug, seen[slug]), []) if label not in present]
        out.append(line)
    return "\n".join(out)


def write_page(path: Path, front: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumped = _dump(front) if front else ""
    path.write_text(f"---\n{dumped}---\n\n{body}" if dumped else body, encoding="utf-8")


def merge_home(home: Path, converted: str) -> str:
    """Put the old home page's text (*converted*) above the site map; return the title line it leaves out.

    The title gives way to the home page's own, and its id stays, on the text below it.
    """
    text = home.read_text(encoding="utf-8")
    title = re.match(r"\A(?:\(.*\)=\n)?(# .*)\n+", converted)
    body = converted[title.end():] if title else converted
    own_title = re.search(r"^# (.*)$", text, re.MULTILINE)
    old_id = live_site_slug(title.group(1)[2:]) if title else None
    if old_id and not (own_title and live_site_slug(own_title.group(1)) == old_id):
        body = f"({old_id})=\n{body}"
    position = text.find(SITE_MAP)
    if " ".join(body.split()) not in " ".join(text.split()):  # else there already
        earlier = text.find(f"\n({old_id})=\n") if old_id else -1
        if earlier != -1 and position > earlier:
            # Brought over before: the text from its label to the site map is replaced.
            text = text[:earlier + 1] + body + "\n" + text[position:]
        elif position == -1:
            text = text.rstrip("\n") + f"\n\n{body}\n{SITE_MAP}\n```\n"
        else:
            text = text[:position] + body + "\n" + text[position:]
        home.write_text(text, encoding="utf-8")
    return title.group(1) if title else ""


def publish_unlinked(home: Path, files: list[str]) -> None:
    """List *files* (relative to ``source/``) in the home page's ``files``: published though no page links them."""
    front, body = front_matter(home)
    listed = [str(name) for name in front.get("files") or []]
    wanted = listed + [name for name in files if name not in listed]
    if wanted != listed:
        front["files"] = wanted
        write_page(home, front, body)


def linked_files(site: MkDocsSite, page: Page, text: str) -> list[PurePosixPath]:
    """The files the site publishes that *text* links, relative to docs_dir."""
    found = []
    folder = PurePosixPath(page.source).parent
    for target in LINK_TARGET.findall(text):
        if "://" in target or target.startswith(("mailto:", "/")):
            continue
        relative = PurePosixPath(posixpath.normpath(folder / target))
        if relative in site.files and relative not in found:
            found.append(relative)
    return found


def navigation_entries(entries: list[NavEntry], titles: dict[str, str]) -> list[dict]:
    written = []
    for entry in entries:
        if entry.page is not None:
            if entry.page.url_path:  # the home page is the site map itself
                written.append({"title": titles[entry.page.url_path], "path": entry.page.url_path})
        elif entry.children:
            written.append({"title": entry.title, "children": navigation_entries(entry.children, titles)})
    return written


def _flat(entries: list[dict]) -> list[dict]:
    """The page entries of a navigation, at any depth."""
    found = []
    for entry in entries:
        if entry.get("path"):
            found.append({"title": entry["title"], "path": entry["path"]})
        found += _flat(entry.get("children") or [])
    return found


def write_navigation(source_dir: Path, site: MkDocsSite, titles: dict[str, str]) -> None:
    """The MkDocs navigation, then the entries of the current one the import does not replace
    whose page is still here."""
    path = source_dir / "_data" / "navigation.yaml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    current = yaml.safe_load(text) or {} if text else {}
    kept = [entry for entry in _flat(current.get("nav") or []) if entry["path"] not in titles
            and any((source_dir / f"{name}.md").exists() for name in page_docnames(entry["path"]))]
    live_site = site.site_url if (site.site_url or "").startswith("https://") else current.get("live_site")
    data = {"live_site": live_site.rstrip("/") + "/",
            "nav": navigation_entries(site.nav, titles) + kept}
    dumped = _dump(data)
    path.write_text(f"{header}\n{dumped}" if header else dumped, encoding="utf-8")
