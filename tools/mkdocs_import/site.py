"""An MkDocs site as its ``mkdocs.yml`` describes it: pages, navigation, Markdown extensions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml


class SiteError(Exception):
    """``mkdocs.yml`` cannot be read as a site: the message names the file and what is wrong."""


class _MkDocsLoader(yaml.SafeLoader):
    """Safe YAML that reads MkDocs' own tags (``!ENV``, ``!relative``, ``!!python/name``) as None.

    Their values are settings of the old build (environment variables, Python
    objects), none of which the import uses; nothing is executed or looked up.
    """


_MkDocsLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)

# MkDocs always enables these, whatever mkdocs.yml lists.
MKDOCS_DEFAULT_EXTENSIONS = ("toc", "tables", "fenced_code")


META = re.compile(r"\A---\n(.*?\n)(?:---|\.\.\.)\n", re.DOTALL)


def split_meta(text: str) -> tuple[dict, str, int]:
    """A page's MkDocs meta-data (YAML front matter), its Markdown, and the lines the meta-data took.

    MkDocs reads the meta-data off before Python-Markdown sees the page: a
    ``title`` there names the page, and the rest are settings of the old build.
    """
    match = META.match(text)
    if not match:
        return {}, text, 0
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text, 0  # not meta-data, as MkDocs too would read it
    return (meta if isinstance(meta, dict) else {}), text[match.end():], match.group(0).count("\n")


@dataclass(frozen=True)
class Page:
    """A page of the site: its source under ``docs_dir`` and its title in the navigation."""

    source: PurePosixPath
    title: str | None

    @property
    def url_path(self) -> str:
        """The page's address without slashes at either end (``""`` for the home page)."""
        parts = self.source.with_suffix("").parts
        if parts[-1] == "index":
            parts = parts[:-1]
        return "/".join(parts)


@dataclass
class NavEntry:
    """A page (``page`` set) or a group of entries."""

    title: str | None
    page: Page | None = None
    children: list[NavEntry] = field(default_factory=list)


@dataclass
class MkDocsSite:
    root: Path
    docs_dir: Path
    site_url: str | None
    extensions: list[str]
    extension_configs: dict[str, dict]
    nav: list[NavEntry]

    def pages(self, entries: list[NavEntry] | None = None) -> list[Page]:
        found: list[Page] = []
        for entry in self.nav if entries is None else entries:
            if entry.page is not None:
                found.append(entry.page)
            found.extend(self.pages(entry.children))
        return found


def read_site(root: Path) -> MkDocsSite:
    config_file = root / "mkdocs.yml"
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_MkDocsLoader)  # noqa: S506
    except OSError as error:
        raise SiteError(f"{config_file}: cannot be read ({error.strerror})") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise SiteError(f"{config_file}:{line}: invalid YAML: {error.problem}") from None
    if not isinstance(config, dict):
        raise SiteError(f"{config_file}:1: not an MkDocs configuration")
    docs_dir = (root / str(config.get("docs_dir") or "docs")).resolve()
    if not docs_dir.is_relative_to(root.resolve()) or not docs_dir.is_dir():
        raise SiteError(f"{config_file}: docs_dir {docs_dir} is not a folder inside the site")
    extensions, configs = _extensions(config.get("markdown_extensions") or [], config_file)
    raw_nav = config.get("nav")
    if raw_nav is None:
        nav = [NavEntry(None, Page(path, None)) for path in _all_pages(docs_dir)]
    else:
        nav = _nav(raw_nav, config_file, docs_dir)
    site_url = config.get("site_url")
    return MkDocsSite(root, docs_dir, site_url if isinstance(site_url, str) else None,
                      extensions, configs, nav)


def _extensions(raw, config_file: Path) -> tuple[list[str], dict[str, dict]]:
    names: list[str] = list(MKDOCS_DEFAULT_EXTENSIONS)
    configs: dict[str, dict] = {}
    for item in raw:
        if isinstance(item, str):
            name, options = item, {}
        elif isinstance(item, dict) and len(item) == 1:
            name, options = next(iter(item.items()))
            options = options if isinstance(options, dict) else {}
        else:
            raise SiteError(f"{config_file}: markdown_extensions has an entry it cannot read: {item!r}")
        if name not in names:
            names.append(name)
        # Options that name Python objects (a slugify function) were read as None.
        configs[name] = {key: value for key, value in options.items() if value is not None}
    return names, configs


def _all_pages(docs_dir: Path) -> list[PurePosixPath]:
    return sorted(PurePosixPath(path.relative_to(docs_dir).as_posix()) for path in docs_dir.rglob("*.md"))


def _nav(raw, config_file: Path, docs_dir: Path) -> list[NavEntry]:
    if not isinstance(raw, list):
        raise SiteError(f"{config_file}: 'nav' must be a list")
    entries = []
    for item in raw:
        title, value = (None, item) if isinstance(item, str) else (
            next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (None, None)
        )
        if isinstance(value, list):
            entries.append(NavEntry(str(title), children=_nav(value, config_file, docs_dir)))
        elif isinstance(value, str) and value.endswith(".md") and "://" not in value:
            source = PurePosixPath(value)
            path = docs_dir / source
            # A page is written at its path under source/: none may lead out of docs_dir.
            if ".." in source.parts or source.is_absolute() or path.is_symlink() \
                    or not path.resolve().is_relative_to(docs_dir) or not path.is_file():
                raise SiteError(f"{config_file}: the navigation names {value}, which is not in docs_dir")
            entries.append(NavEntry(title, Page(source, title)))
        elif isinstance(value, str):
            continue  # a link to another site: not a page of this one
        else:
            raise SiteError(f"{config_file}: a navigation entry it cannot read: {item!r}")
    return entries
