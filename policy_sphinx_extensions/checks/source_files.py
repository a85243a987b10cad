"""The files a build reads and publishes: plain files, inside the tree, with plain names.

Checked before any document is read, on every build, each failure naming the
file; the build then stops, so nothing of such a file reaches the output:

* a symbolic link (or a device, a pipe) under the source directory, or under
  ``html_static_path``, ``html_extra_path`` or ``templates_path``: Sphinx
  follows links, so it would read or publish whatever file of the machine
  the link names;
* a name under the source directory outside ``SOURCE_NAME`` (letters,
  digits, ``.``, ``_``, ``-`` and ``/``): a page's name is written into other
  pages (furo's next and previous links, the sidebar, the search index); a
  file the pages link may also have spaces in its own name
  (``LINKED_FILE_NAME``), as it has on the live site;
* a file over ``policy_max_source_bytes``;
* a page or data file (``READ_AS_TEXT``) that is not UTF-8, named with the
  line of its first other character (:func:`policy_core.yamldata.decode`):
  Sphinx would stop on it with a crash report, or show it with characters
  replaced;
* in the static folders, a file of a type other than ``PUBLISHED_SUFFIXES``
  (stylesheets, pictures, fonts);
* two sources of one page: ``X.md`` and ``X/index.md`` are both ``/X/`` on
  the site (``dirhtml``), and one would silently replace the other;
* a stylesheet or template that loads anything from another host
  (:mod:`.remote_resources`), named with its line.

An editor's own files beside the pages (``EDITOR_COPY``, ``EDITOR_LOCK``) are
passed over in the source directory: nothing of them is built or published,
and refusing them would stop every build while a page is open in the editor.

Why not per document: a link under ``_static/`` is published without being
read, and a page's name reaches every other page, so the whole tree is looked
at once, and a failure stops the build instead of being reported beside it.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from policy_sphinx_extensions.checks import remote_resources
from policy_core import yamldata
from policy_core.addresses import page_path
from policy_sphinx_extensions.build.refusals import refuse

logger = logging.getLogger(__name__)

# No part of a path starts with "-": tools that pass it to a command would
# read it as an option.
SOURCE_NAME = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._\-]*(/[A-Za-z0-9._][A-Za-z0-9._\-]*)*")
# A file the pages link (a form as PDF) keeps the name it has on the live site,
# spaces and all: its address is written quoted, and no page is named after it.
LINKED_FILE_NAME = re.compile(r"[A-Za-z0-9._][A-Za-z0-9 ._\-]*(?<! )")

# An editor's backups (Notice.md~) and autosaves (#Notice.md#), passed over
# when they are plain files: Sphinx reads none as a page (none ends in .md) and
# no page can link one (sources.py allows a few suffixes only). A folder or a
# link of such a name is checked as any other: Sphinx would read through it.
EDITOR_COPY = re.compile(r".*~|#.*#")
# Editors' locks (.#Notice.md, a symbolic link while a page has unsaved
# changes): Sphinx passes over every path of this prefix itself.
EDITOR_LOCK = ".#"


# What static folders may publish. A page, an SVG or an XML file served from
# the site's own address runs its scripts there when a browser opens it, and
# Sphinx renders a static file named *_t or *.jinja as a template, which can
# run Python on the build machine.
PUBLISHED_SUFFIXES = frozenset({".css", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico",
                                ".woff", ".woff2", ".txt"})

# What the build reads as text under the source directory: the pages and the
# data files (navigation, processors). A file the pages link is published as
# it is, whatever its bytes.
READ_AS_TEXT = frozenset({".md", ".yaml", ".yml"})


def _walk(root: Path):
    """*root* and every entry under it, links included and not followed."""
    if not root.exists() and not root.is_symlink():
        return
    yield root
    if root.is_symlink():
        return
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories + files:
            yield Path(directory, name)


def _plain_name(path: Path, relative: str) -> bool:
    """Whether *relative*, the path of *path* under the source directory, is plain."""
    if SOURCE_NAME.fullmatch(relative):
        return True
    folder, _, name = relative.rpartition("/")
    return (path.suffix != ".md" and path.is_file()
            and (not folder or SOURCE_NAME.fullmatch(folder) is not None)
            and LINKED_FILE_NAME.fullmatch(name) is not None)


def tree_problems(root: Path, *, names: bool = False, max_bytes: int | None = None,
                  suffixes: frozenset[str] | None = None, editor_files: bool = False,
                  text: frozenset[str] = frozenset()):
    """(path, line, message) for each file under *root* a build may not read or
    publish; line 1 for a problem of the whole file (editors jump to file:line).

    *editor_files*: pass over an editor's copies and locks (``EDITOR_COPY``, ``EDITOR_LOCK``).
    *text*: the suffixes of the files read as text, which must be UTF-8.
    """
    for path in sorted(_walk(root)):
        mode = path.lstat().st_mode
        if editor_files and path != root and (
                path.name.startswith(EDITOR_LOCK)
                or (stat.S_ISREG(mode) and EDITOR_COPY.fullmatch(path.name))):
            continue
        if stat.S_ISLNK(mode):
            yield path, 1, (f"a symbolic link (to {os.readlink(path)!r}) may not be built or "
                            "published")
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            yield path, 1, "only plain files and folders may be built or published"
            continue
        relative = path.relative_to(root).as_posix()
        if names and path != root and not _plain_name(path, relative):
            yield path, 1, (f"the name {relative!r} may hold only letters, digits, '.', '_', "
                            "'-' and '/', and no part of it may start with '-'")
        if suffixes is not None and stat.S_ISREG(mode) and path.suffix.lower() not in suffixes:
            yield path, 1, (f"a {path.suffix or 'suffix-less'} file may not be published "
                            f"here: only {', '.join(sorted(suffixes))}")
        oversized = (max_bytes is not None and stat.S_ISREG(mode)
                     and path.stat().st_size > max_bytes)
        if oversized:
            yield path, 1, (f"the file is {path.stat().st_size:,} bytes, over the limit of "
                            f"{max_bytes:,}")
        # A file over the limit is refused as it is: it is never read.
        elif stat.S_ISREG(mode) and path.suffix.lower() in text:
            try:
                yamldata.read_text(path)
            except yamldata.DataError as error:
                yield path, error.line, error.message


def stylesheets_and_templates(confdir: Path, config) -> list[Path]:
    """Every file of the folders the site's stylesheets and templates come from.

    policy_pdf_stylesheets are the site's, under _static/; what any stylesheet
    of a PDF loads is refused by the PDF renderer's own fetcher (pdf/render.py).
    """
    folders = [confdir / entry for entry in [*config.templates_path,
                                             *getattr(config, "html_static_path", []),
                                             *getattr(config, "html_extra_path", [])]]
    folders += remote_resources.PROJECT_TEMPLATES
    return [path for folder in folders for path in sorted(_walk(folder)) if path.is_file()]


def _check(app: Sphinx, env, docnames) -> None:
    problems = list(tree_problems(Path(app.srcdir), names=True, editor_files=True,
                                  max_bytes=app.config.policy_max_source_bytes,
                                  text=READ_AS_TEXT))
    confdir = Path(app.confdir)
    for entry in [*getattr(app.config, "html_static_path", []),
                  *getattr(app.config, "html_extra_path", [])]:
        problems += tree_problems(confdir / entry, suffixes=PUBLISHED_SUFFIXES)
    for entry in app.config.templates_path:
        problems += tree_problems(confdir / entry)

    pages = defaultdict(list)
    for docname in sorted(env.found_docs):
        pages[page_path(docname)].append(env.doc2path(docname))
    for address, paths in pages.items():
        if len(paths) > 1:
            problems += [(paths[0], 1, f"two sources for the page /{address}: "
                                       + " and ".join(str(path) for path in paths))]

    problems += remote_resources.file_problems(stylesheets_and_templates(confdir, app.config))
    for path, line, message in problems:
        logger.error(message, location=f"{path}:{line}", type="policy", subtype="source-file")
    if problems:
        refuse(f"Build stopped: the {len(problems)} problem(s) above may not be built "
               "(docs/security.md): nothing was read or written")


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_max_source_bytes", 1_000_000, "env", types=[int])
    # Before reading, on every build (the live preview's too).
    app.connect("env-before-read-docs", _check)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
