"""Synthetic sites of N notices, for the build benchmarks and the identity tests.

A synthetic site is a copy of the project's ``source/`` plus N copies of the
python.org Privacy Notice (each with its own title), listed in the navigation
under one group, as a site with many notices (superseded versions, translations)
would be. The same N pages can be written as a plain MkDocs project, so the two
generators are compared on identical Markdown.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
SEED_NOTICE = SOURCE / "python.org" / "Privacy-Notice.md"
GROUP_TITLE = "Synthetic notices"
FOLDER = "synthetic"


def notice_path(number: int) -> str:
    """URL path (and docname) of synthetic notice *number* (1-based)."""
    return f"{FOLDER}/Notice-{number:03d}"


def notice_text(number: int) -> str:
    """The seed notice with a title of its own."""
    text = SEED_NOTICE.read_text(encoding="utf-8")
    return re.sub(r"^# .*$", f"# Synthetic Notice {number}", text, count=1, flags=re.MULTILINE)


def make_sphinx_source(dest: Path, count: int) -> Path:
    """Copy source/ to *dest* and add *count* notices to it and its navigation."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SOURCE, dest)
    for number in range(1, count + 1):
        path = dest / f"{notice_path(number)}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notice_text(number), encoding="utf-8")
    if count:
        entries = "".join(
            f"      - title: Synthetic Notice {number}\n        path: {notice_path(number)}\n"
            for number in range(1, count + 1)
        )
        navigation = dest / "_data" / "navigation.yaml"
        with navigation.open("a", encoding="utf-8") as stream:
            stream.write(f"\n  - title: {GROUP_TITLE}\n    children:\n{entries}")
    return dest


# The site's own roles, written as the text they show: {processor}`Fastly <fastly>`.
_SITE_ROLES = re.compile(r"\{processor(?:-terms)?\}`([^`<]*?)(?: <[^>]*>)?`")


def make_floor_project(dest: Path, count: int) -> Path:
    """The same *count* notices as a bare Sphinx + MyST project: its own conf.py
    (no extension but MyST, Sphinx's plain ``basic`` theme; no smart quotes and
    heading ids, as the site) and a home page whose toctree lists them. The
    site's roles become the text they show."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    pages = ["python.org/Privacy-Notice", *(notice_path(n) for n in range(1, count + 1))]
    texts = [SEED_NOTICE.read_text(encoding="utf-8"), *(notice_text(n) for n in range(1, count + 1))]
    for page, text in zip(pages, texts, strict=True):
        path = dest / f"{page}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_SITE_ROLES.sub(r"\1", text), encoding="utf-8")
    (dest / "index.md").write_text(
        "# Python Software Foundation Policies\n\n```{toctree}\n" + "\n".join(pages) + "\n```\n",
        encoding="utf-8",
    )
    (dest / "conf.py").write_text(
        'project = "Python Software Foundation Policies"\n'
        'extensions = ["myst_parser"]\n'
        'source_suffix = {".md": "markdown"}\n'
        'html_theme = "basic"\n'
        "smartquotes = False\n"
        "myst_heading_anchors = 6\n",
        encoding="utf-8",
    )
    return dest


def make_mkdocs_project(dest: Path, count: int) -> Path:
    """The same *count* notices (and home page) as a MkDocs Material project."""
    if dest.exists():
        shutil.rmtree(dest)
    docs = dest / "docs"
    (docs / FOLDER).mkdir(parents=True)
    (docs / "index.md").write_text(
        (SOURCE / "index.md").read_text(encoding="utf-8").split("```{site-map}")[0],
        encoding="utf-8",
    )
    (docs / "python.org").mkdir()
    shutil.copy(SEED_NOTICE, docs / "python.org" / "Privacy-Notice.md")
    nav = ["  - index.md", "  - python.org/Privacy-Notice.md", f"  - {GROUP_TITLE}:"]
    for number in range(1, count + 1):
        (docs / f"{notice_path(number)}.md").write_text(notice_text(number), encoding="utf-8")
        nav.append(f"      - {notice_path(number)}.md")
    (dest / "mkdocs.yml").write_text(
        "site_name: Python Software Foundation Policies\n"
        "theme:\n  name: material\n"
        "plugins:\n  - search\n"
        "nav:\n" + "\n".join(nav) + "\n",
        encoding="utf-8",
    )
    return dest
