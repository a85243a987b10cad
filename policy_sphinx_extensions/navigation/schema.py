"""The navigation file, ``source/_data/navigation.yaml``: its schema and checks.

Every value is checked before any reaches a page: a ``path`` is a URL path of
letters, digits, ``.``, ``_``, ``-`` and ``/`` (no ``..``, no slash at either
end), ``live_site`` an https origin with a host name and nothing else. A bad
value raises :class:`~policy_core.yamldata.DataError` naming the
file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from policy_core import yamldata
from policy_core.addresses import page_url

# A URL path: segments of letters, digits, "_", "-" and ".", not starting
# with "." (so never "." or ".."), joined by single slashes.
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]*"
PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
# A host name: dot-separated labels of letters, digits and inner hyphens.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
FIELDS = {"title", "path", "children"}


@dataclass(frozen=True)
class Entry:
    """A page (``path`` set) or a group of entries (``children`` set)."""

    title: str
    line: int
    path: str | None = None
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Navigation:
    path: Path
    live_site: str
    entries: tuple[Entry, ...]

    @property
    def live_site_note(self) -> str:
        """Where a page not built here is, as its link says: "on policies.python.org"."""
        return f"on {urlsplit(self.live_site).hostname}"

    def pages(self, entries: tuple[Entry, ...] | None = None):
        """Every page entry, in reading order."""
        for entry in self.entries if entries is None else entries:
            if entry.path is not None:
                yield entry
            yield from self.pages(entry.children)

    def live_url(self, entry: Entry) -> str:
        return page_url(entry.path, base=self.live_site)


def is_path(value) -> bool:
    return isinstance(value, str) and PATH.fullmatch(value) is not None and ".." not in value


def is_https_origin(value) -> bool:
    """An https URL of a host name and a folder path: no user, port, query or fragment."""
    if not isinstance(value, str) or not value.endswith("/"):
        return False
    parts = urlsplit(value)
    folder = parts.path.strip("/")
    return (parts.scheme == "https" and HOST.fullmatch(parts.netloc) is not None
            and (not folder or is_path(folder)) and value == f"https://{parts.netloc}{parts.path}")


def load_navigation(path: Path) -> Navigation:
    """Read and check the navigation file; raise DataError naming the line."""
    data = yamldata.load_file(path)
    if not isinstance(data, yamldata.Mapping):
        raise yamldata.DataError(path, 1, "expected the fields 'live_site' and 'nav'")
    live_site = data.get("live_site")
    if not is_https_origin(live_site):
        raise yamldata.DataError(
            path, data.line_of("live_site"),
            "'live_site' must be an https:// address of a host name ending in '/', "
            "with no user, password, port, query or fragment, e.g. https://policies.python.org/")
    entries = _entries(data.get("nav"), path, data.line_of("nav"))
    navigation = Navigation(path, live_site, entries)
    seen: set[str] = set()
    for page in navigation.pages():
        if page.path in seen:
            raise yamldata.DataError(path, page.line, f"page {page.path!r} is listed twice")
        seen.add(page.path)
    return navigation


def _entries(items, path: Path, line: int) -> tuple[Entry, ...]:
    if not isinstance(items, list) or not items:
        raise yamldata.DataError(path, line, "expected a non-empty list of entries")
    return tuple(_entry(item, path, line) for item in items)


def _entry(item, path: Path, parent_line: int) -> Entry:
    if not isinstance(item, yamldata.Mapping):
        raise yamldata.DataError(path, parent_line, "each entry must be a mapping with a 'title'")
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        raise yamldata.DataError(path, item.line_of(unknown[0]), f"unknown field {unknown[0]!r}")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise yamldata.DataError(path, item.line, "an entry needs a non-empty 'title'")
    if ("path" in item) == ("children" in item):
        raise yamldata.DataError(path, item.line,
                                 f"entry {title!r} needs exactly one of 'path' or 'children'")
    if "children" in item:
        children = _entries(item["children"], path, item.line_of("children"))
        return Entry(title, item.line, children=children)
    if not is_path(item["path"]):
        raise yamldata.DataError(
            path, item.line_of("path"),
            f"entry {title!r}: 'path' must be a URL path of letters, digits, '.', '_', '-' "
            "and '/', with no '..' and no slash at either end, e.g. python.org/Privacy-Notice")
    return Entry(title, item.line_of("path"), path=item["path"])
