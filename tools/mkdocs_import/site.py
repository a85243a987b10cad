"""An MkDocs site as its ``mkdocs.yml`` describes it: pages, navigation, Markdown extensions."""

from __future__ import annotations

import os
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
# The names MkDocs reads as pages; every other file under docs_dir it publishes as it is.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


META = re.compile(r"\A---\n(.*?\n)(?:---|\.\.\.)\n", re.DOTALL)


def split_meta(text: str) -> tuple[dict, str, int]:
    """A page's MkDocs meta-data (YAML front matter), its Markdown, and the lines the meta-data took.

    MkDocs reads the meta-data off before Python-Markdown sees the page: a
    ``title`` there names the page, and the rest are settings of the old build.
    """
    if not (match := META.match(text)):
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
        return "/".join(parts[:-1] if parts[-1] == "index" else parts)


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
    #: every page MkDocs builds, in the navigation or not, the navigation's first
    all_pages: list[Page] = field(default_factory=list)
    #: every other file MkDocs publishes from docs_dir, relative to it
    files: list[PurePosixPath] = field(default_factory=list)
    #: files of the old site's look (theme logo, extra_css): not content, not brought over
    theme_files: list[PurePosixPath] = field(default_factory=list)

    def nav_pages(self, entries: list[NavEntry] | None = None) -> list[Page]:
        found: list[Page] = []
        for entry in self.nav if entries is None else entries:
            if entry.page is not None:
                found.append(entry.page)
            found.extend(self.nav_pages(entry.children))
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
    sources, files = published(docs_dir)
    raw_nav = config.get("nav")
    nav = [NavEntry(None, Page(path, None)) for path in sources] if raw_nav is None \
        else _nav(raw_nav, config_file, set(sources))
    site_url = config.get("site_url")
    site = MkDocsSite(root, docs_dir, site_url if isinstance(site_url, str) else None,
                      extensions, configs, nav)
    in_nav = site.nav_pages()
    listed = {page.source for page in in_nav}
    site.all_pages = in_nav + [Page(path, None) for path in sources if path not in listed]
    look = _theme_files(config)
    site.files = [path for path in files if path not in look]
    site.theme_files = [path for path in files if path in look]
    return site


def published(docs_dir: Path) -> tuple[list[PurePosixPath], list[PurePosixPath]]:
    """The pages and the other files MkDocs publishes from *docs_dir*, relative to it.

    As MkDocs does, names starting with ``.`` are left out, and a ``README.md``
    beside an ``index.md`` is no page. A symbolic link among them is refused:
    a page or file is read at its path, and a link could lead anywhere.
    """
    pages, files = [], []
    for folder, folders, names in os.walk(docs_dir):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted([*folders, *names]):
            path = Path(folder) / name
            if not name.startswith(".") and path.is_symlink():
                raise SiteError(f"{path}: a symbolic link in docs_dir: the import reads only files")
        for name in sorted(names):
            if name.startswith("."):
                continue
            relative = PurePosixPath((Path(folder) / name).relative_to(docs_dir).as_posix())
            if relative.suffix.lower() not in MARKDOWN_SUFFIXES:
                files.append(relative)
            elif not (relative.stem.upper() == "README" and (Path(folder) / "index.md").exists()):
                pages.append(relative)
    return pages, files


def _theme_files(config: dict) -> set[PurePosixPath]:
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    named = [theme.get("logo"), theme.get("favicon"),
             *(config.get("extra_css") or []), *(config.get("extra_javascript") or [])]
    return {PurePosixPath(name) for name in named if isinstance(name, str) and "://" not in name}


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


def _nav(raw, config_file: Path, sources: set[PurePosixPath]) -> list[NavEntry]:
    if not isinstance(raw, list):
        raise SiteError(f"{config_file}: 'nav' must be a list")
    entries = []
    for item in raw:
        title, value = (None, item) if isinstance(item, str) else (
            next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (None, None)
        )
        if isinstance(value, list):
            entries.append(NavEntry(str(title), children=_nav(value, config_file, sources)))
        elif isinstance(value, str) and value.endswith(".md") and "://" not in value:
            source = PurePosixPath(value)
            # A page is written at its path under source/: only a page found
            # in docs_dir, through no link, is one.
            if source not in sources:
                raise SiteError(f"{config_file}: the navigation names {value}, which is not in docs_dir")
            entries.append(NavEntry(title, Page(source, title)))
        elif isinstance(value, str):
            continue  # a link to another site: not a page of this one
        else:
            raise SiteError(f"{config_file}: a navigation entry it cannot read: {item!r}")
    return entries
