"""Seconds to import an MkDocs site of 25 pages (``make import``), beside the build alone.

    .venv/bin/python -m benchmarks.import_speed [--repeats N]

The site is the synthetic one the build benchmarks use, written as an MkDocs
project (24 notices, the python.org Privacy Notice and a home page) in a git
repository. Measured: ``python -m tools.mkdocs_import`` into a fresh copy of
the project (convert, write, build strictly, prove every page); beside it, the
strict build alone of the tree it leaves. The target is at most 10 s.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from benchmarks.measure import PYTHON, ROOT, Figure, Sample, compared, main_for_area, timed
from benchmarks.synthetic import _SITE_ROLES, GIT, make_mkdocs_project

PAGES = 25
# The import runs the project's own lint (tools/, with pyproject.toml's settings).
PROJECT_FILES = ("conf.py", "policy_sphinx_extensions", "policy_core", "_templates", "_static",
                 "source", "tools", "pyproject.toml")


def _mkdocs_site(dest: Path) -> Path:
    """The synthetic pages as an MkDocs site, the site's roles written as their text, in git."""
    make_mkdocs_project(dest, PAGES - 1)
    for page in (dest / "docs").rglob("*.md"):
        page.write_text(_SITE_ROLES.sub(r"\1", page.read_text(encoding="utf-8")), encoding="utf-8")
    environment = {"GIT_AUTHOR_DATE": "2024-10-04T12:00:00+00:00",
                   "GIT_COMMITTER_DATE": "2024-10-04T12:00:00+00:00"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Site"]):
        subprocess.run([*GIT, "-C", str(dest), *command], check=True, env=environment)
    return dest


def _fresh_project(dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, dest / name)
    return dest


def run(settings) -> list[Figure]:
    work = settings.workdir / "import"
    site = _mkdocs_site(work / "mkdocs")
    imports, builds = [], []
    for _ in range(settings.repeats):
        project = _fresh_project(work / "project")
        imports.append(timed([PYTHON, "-m", "tools.mkdocs_import", str(site),
                              "--project", str(project), "--report-dir", str(work / "report")]))
        builds.append(timed([PYTHON, "-m", "sphinx", "-b", "dirhtml", "-E", "-q", "-c", str(project),
                             "-D", "policy_pdf_publish=0", str(project / "source"), str(work / "html")]))
    return [compared("import", "make import of an MkDocs site (target 10 s)", PAGES,
                     Sample(tuple(imports)), Sample(tuple(builds)), "the build alone")]


if __name__ == "__main__":
    main_for_area(run, __doc__.split("\n\n")[0])
