"""Synthetic sites of N notices, for the build benchmarks and the identity tests.

A synthetic site is a copy of the project's ``source/`` plus N copies of the
python.org Privacy Notice (each with its own title), listed in the navigation
under one group, as a site with many notices (superseded versions, translations)
would be. The same N pages can be written as a plain MkDocs project, so the two
generators are compared on identical Markdown.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

from benchmarks.measure import ROOT

SOURCE = ROOT / "source"
SEED_NOTICE = SOURCE / "python.org" / "Privacy-Notice.md"
GROUP_TITLE = "Synthetic notices"
FOLDER = "synthetic"
# The effective dates of a committed notice's material versions, oldest first.
VERSION_DATES = ("2021-03-01", "2022-06-15", "2023-09-30", "2024-10-04")
GIT = ["git", "-c", "user.name=Benchmark", "-c", "user.email=bench@example.invalid",
       "-c", "commit.gpgsign=false"]


def notice_path(number: int) -> str:
    """URL path (and docname) of synthetic notice *number* (1-based)."""
    return f"{FOLDER}/Notice-{number:03d}"


def notice_text(number: int) -> str:
    """The seed notice with a title of its own."""
    text = SEED_NOTICE.read_text(encoding="utf-8")
    return re.sub(r"^# .*$", f"# Synthetic Notice {number}", text, count=1, flags=re.MULTILINE)


def make_sphinx_source(dest: Path, count: int) -> Path:
    """Copy source/ to *dest* and add *count* notices to it and its navigation."""
    shutil.rmtree(dest, ignore_errors=True)
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


def notice_at(number: int, version: int) -> str:
    """Synthetic notice *number* at its *version*-th material version (0-based):
    its own date, every change up to it, and a sentence naming the date."""
    date = VERSION_DATES[version]
    changes = "".join(
        f"  - date: {day}\n    kind: material\n    summary: Version {index + 1}.\n"
        for index, day in reversed(list(enumerate(VERSION_DATES[: version + 1])))
    )
    text = re.sub(r"(?s)^date: .*?\n---\n", f"date: {date}\nchanges:\n{changes}---\n",
                  notice_text(number), count=1, flags=re.MULTILINE)
    return text.replace("This privacy notice describes",
                        f"Since {date}, this privacy notice describes", 1)


def edit_notice(notice: Path, sentence: str) -> None:
    """Add *sentence* to *notice* as an editor would: a change to a notice's
    words adds its entry to ``changes`` (or the build fails). A page with no
    ``changes`` (MkDocs') gets the sentence alone."""
    text = notice.read_text(encoding="utf-8")
    entry = (f"changes:\n  - date: {datetime.date.today().isoformat()}\n"
             f"    kind: editorial\n    summary: {sentence}\n")
    notice.write_text(text.replace("changes:\n", entry, 1) + f"\n{sentence}\n",
                      encoding="utf-8")


def rename_notice_1(source: Path, suffix: str) -> None:
    """Add *suffix* to the title of notice 1 in the navigation of *source*, in
    place of any it had: a change every page shows in its sidebar."""
    navigation = source / "_data" / "navigation.yaml"
    text = navigation.read_text(encoding="utf-8")
    navigation.write_text(re.sub(r"title: Synthetic Notice 1\b.*",
                                 f"title: Synthetic Notice 1 ({suffix})", text), encoding="utf-8")


def make_committed_source(repo: Path, count: int, versions: int = 1) -> Path:
    """The site of *count* notices (:func:`make_sphinx_source`) as ``source/`` of
    a new git repository *repo*, each notice committed in *versions* material
    versions (one commit per version, all notices at once): the history a real
    build reads its notices' versions from. Returns the source folder."""
    if not 1 <= versions <= len(VERSION_DATES):
        raise ValueError(f"versions must be 1 to {len(VERSION_DATES)}, not {versions}")
    shutil.rmtree(repo, ignore_errors=True)
    source = make_sphinx_source(repo / "source", count)
    subprocess.run([*GIT, "init", "--quiet", str(repo)], check=True)
    first = len(VERSION_DATES) - versions
    for version in range(first, len(VERSION_DATES)):
        for number in range(1, count + 1):
            (source / f"{notice_path(number)}.md").write_text(notice_at(number, version),
                                                              encoding="utf-8")
        subprocess.run([*GIT, "-C", str(repo), "add", "--all"], check=True)
        subprocess.run([*GIT, "-C", str(repo), "commit", "--quiet", "-m", f"Version {version + 1}"],
                       check=True)
    return source


# The site's own roles, written as the text they show: {processor}`Fastly <fastly>`.
_SITE_ROLES = re.compile(r"\{processor(?:-terms)?\}`([^`<]*?)(?: <[^>]*>)?`")


def make_floor_project(dest: Path, count: int, theme: str = "basic") -> Path:
    """The same *count* notices as a bare Sphinx + MyST project: its own conf.py
    (no extension but MyST, Sphinx's plain ``basic`` theme or *theme*; no smart
    quotes and heading ids, as the site) and a home page whose toctree lists
    them. The site's roles become the text they show."""
    shutil.rmtree(dest, ignore_errors=True)
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
        f'html_theme = "{theme}"\n'
        "smartquotes = False\n"
        "myst_heading_anchors = 6\n",
        encoding="utf-8",
    )
    return dest


def make_mkdocs_project(dest: Path, count: int) -> Path:
    """The same *count* notices (and home page) as a MkDocs Material project."""
    shutil.rmtree(dest, ignore_errors=True)
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
