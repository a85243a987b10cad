"""Build the site as it is at git revisions, for the tools that compare two.

A revision's files are exported with ``git archive`` into a temporary folder
(the working tree is never touched) and built there with that revision's own
``conf.py`` and extensions, by the Sphinx of the running environment, the way
``make html`` builds (``dirhtml``). Several revisions build at once.
"""

from __future__ import annotations

import functools
import io
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.config import Config
from sphinx.util.tags import Tags

from policy_core.front_matter import source_is_notice
from policy_core.git_history import HistoryError, commit_of

SOURCE_DIR = "source"


class RevisionError(Exception):
    """A revision that cannot be resolved, exported or built."""


# The values the tools read that a builder or an extension adds (not Sphinx's
# core), with the defaults their setup() gives them.
# policy_site_pages: set in the conf.py of revisions from before page kinds.
ADDED_VALUES = {"policy_site_pages": None, "html_baseurl": ""}


def read_config(confdir: Path, **extension_defaults: Any) -> Config:
    """The configuration the ``conf.py`` in *confdir* sets, read as Sphinx reads it.

    Sphinx's core values come with Sphinx's defaults. A value a builder or an
    extension adds is named with the default its ``setup()`` gives it
    (``read_config(root, policy_site_pages=["index"]).policy_site_pages``).
    conf.py runs in its own folder, as in a build; the import path it extends
    is put back afterwards, so another revision's modules are never imported.
    """
    saved_path = sys.path[:]
    try:
        config = Config.read(confdir, overrides={}, tags=Tags())
    finally:
        sys.path[:] = saved_path
    for name, default in extension_defaults.items():
        config.add(name, default, "env", ())
    return config


@dataclass(frozen=True)
class BuiltRevision:
    """One revision, exported to *tree* and built into *html*."""

    name: str
    commit: str
    tree: Path
    html: Path

    @property
    def label(self) -> str:
        return f"{self.name} ({self.commit[:12]})"

    @functools.cached_property
    def config(self) -> Config:
        """This revision's conf.py, as its build read it."""
        return read_config(self.tree, **ADDED_VALUES)

    def notices(self) -> list[str]:
        """The documents of this revision that are notices: of the front matter
        ``kind`` notice, or, in a revision from before page kinds, not listed in
        its conf.py as site pages."""
        listed = self.config.policy_site_pages
        if listed is not None:
            return [docname for docname in self.docnames() if docname not in listed]
        source = self.tree / SOURCE_DIR
        return [docname for docname in self.docnames()
                if source_is_notice(source / f"{docname}.md", docname, self.config.root_doc)]

    def docnames(self) -> list[str]:
        """Every MyST document of the revision (folders starting with ``_`` hold data)."""
        source = self.tree / SOURCE_DIR
        return sorted(
            path.relative_to(source).with_suffix("").as_posix()
            for path in source.rglob("*.md")
            if not any(part.startswith("_") for part in path.relative_to(source).parts)
        )


def _git(repo: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=not binary, check=False
    )


def resolve(repo: Path, revision: str) -> str:
    """The commit *revision* names (:func:`policy_core.git_history.commit_of`:
    one argument of git's, never an option), or RevisionError saying why not."""
    try:
        return commit_of(repo, revision)
    except HistoryError:
        raise RevisionError(
            f"{revision!r} is not a revision of the git repository at {repo}: give a branch, "
            "a tag or a commit (list them with git branch --all, git tag, git log --oneline)"
        ) from None


def commits_between(repo: Path, base: BuiltRevision, head: BuiltRevision) -> list[str]:
    """``<short hash> <subject>`` of each commit in HEAD and not in BASE, newest first."""
    process = _git(repo, "log", "--format=%h %s", f"{base.commit}..{head.commit}")
    return process.stdout.splitlines() if process.returncode == 0 else []


def export(repo: Path, commit: str, dest: Path) -> None:
    process = _git(repo, "archive", "--format=tar", commit, binary=True)
    if process.returncode != 0:
        raise RevisionError(f"git archive {commit} failed: {process.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(process.stdout)) as archive:
        # No link is written: a link of a revision could name any file of the
        # machine (/etc/passwd) for its build to read, and tarfile's own
        # filter would stop on one with a traceback, not a message.
        for member in archive.getmembers():
            if member.issym() or member.islnk():
                raise RevisionError(
                    f"{commit[:12]}:{member.name} is a link (to {member.linkname!r}): a "
                    "revision is built from plain files only; remove the link in that revision")
        try:
            archive.extractall(dest, filter="data")
        except tarfile.FilterError as error:
            raise RevisionError(f"{commit[:12]}: {error}: a revision is built from plain "
                                "files only") from None


def build_revisions(repo: Path, revisions: dict[str, str], workdir: Path) -> list[BuiltRevision]:
    """Export and build each of *revisions* (name -> revision) under *workdir*, at once.

    Raises RevisionError naming the revision whose build failed, with its output.
    """
    repo = repo.resolve()
    # Every revision is checked before anything is built.
    commits = {name: resolve(repo, revision) for name, revision in revisions.items()}
    pending = []
    for name, revision in revisions.items():
        commit = commits[name]
        tree = workdir / name
        export(repo, commit, tree)
        built = BuiltRevision(revision, commit, tree, tree / "_build" / "html")
        process = subprocess.Popen(
            [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-q", "--keep-going",
             # The pages alone: no tool comparing revisions reads the PDFs
             # (a revision from before they were off by default renders them).
             "-D", "policy_pdf_publish=0",
             # The notices' earlier versions: the export's history is the repository's.
             "-D", f"policy_versions_repository={repo}", "-D", f"policy_versions_revision={commit}",
             "-c", str(tree), str(tree / SOURCE_DIR), str(built.html)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        pending.append((built, process))
    failures = []
    for built, process in pending:
        output, _ = process.communicate()
        if process.returncode != 0:
            failures.append(f"the site at {built.label} does not build:\n{output.strip()}")
    if failures:
        raise RevisionError("\n\n".join(failures))
    return [built for built, _ in pending]
