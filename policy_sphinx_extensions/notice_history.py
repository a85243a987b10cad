"""The material versions of a notice, read from the git history of its source.

A notice's front matter ``date`` is its effective date, and it moves with
material changes only (:mod:`.dates`). So the states of the file through its
history, grouped by their ``date``, are its material versions, and an
editorial fix is one more state of the version it fixes. Each version's text
is the file as it last was while that date held: a superseded version shows
the editorial fixes made to it before the next version replaced it.

The working tree's file is the newest state (committed or not), so a build
shows the edit being made. A file never committed has no versions yet. A state whose front matter has no readable ISO
``date`` is no version: a build of that commit failed.

Not an extension: :mod:`.versions` reads the histories when a build starts,
and checks the build date with :func:`parse_build_date`; ``make html`` and
``make pdf`` check both before Sphinx starts (``tools/check_build_inputs.py``).
git runs with argument lists; a path is given after ``--`` and a blob by name
on ``git cat-file --batch``'s input, so no file name reaches a shell or is
read as an option.
"""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from .pages import ISO_DATE

SHALLOW_FIX = (
    "this git clone is shallow: it lacks the history every earlier version of the "
    "notices is built from, so the site would publish fewer versions. Fetch the whole "
    "history with `git fetch --unshallow` (Read the Docs: a command before the build in "
    "`.readthedocs.yaml`; GitHub Actions: `actions/checkout` with `fetch-depth: 0`)"
)


class HistoryError(Exception):
    """The history the build needs is missing or cannot be read."""


@dataclass(frozen=True)
class Version:
    """One material version of a notice."""

    date: datetime.date
    text: str
    # The commit its text was last read from; None for the working tree's file.
    commit: str | None
    # The date of the first commit that held this version's date (when the
    # version was announced); None while only the working tree has it.
    announced: datetime.date | None


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        process = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise HistoryError("git is not installed: the notices' versions come from git") from None
    if process.returncode != 0:
        raise HistoryError(
            f"git {args[0]} failed in {root}: {process.stderr.decode(errors='replace').strip()}"
        )
    return process.stdout


def repository_root(path: Path) -> Path | None:
    """The root of the git work tree holding *path*, or None when there is none."""
    try:
        process = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=False,
        )
    except FileNotFoundError:
        return None
    return Path(process.stdout.strip()) if process.returncode == 0 else None


def check_complete(root: Path) -> None:
    """Raise HistoryError when the clone at *root* lacks history (a shallow clone)."""
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == b"true":
        raise HistoryError(SHALLOW_FIX)


def front_matter_date(text: str) -> datetime.date | None:
    """The ``date`` of a notice's front matter, or None when it has no ISO date."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    end = next((n for n, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        return None
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        return None
    date = data.get("date") if isinstance(data, dict) else None
    is_date = isinstance(date, datetime.date) and not isinstance(date, datetime.datetime)
    return date if is_date else None


def parse_build_date(value: str) -> datetime.date:
    """The build date written *value* (``YYYY-MM-DD``); ValueError, saying what
    it must be, for anything else."""
    if ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"must be a date written YYYY-MM-DD, not {value!r}")


def _commits(root: Path, relpath: str, revision: str) -> list[tuple[str, datetime.date, str]]:
    """(commit, commit date, path in that commit) of each commit up to *revision*
    that changed the file, oldest first, following renames.

    Along the first parents only: on the main branch, each merged pull request
    is one state, and a date tried and changed inside it is no version.
    """
    out = _git(
        root, "log", "--first-parent", "--follow", "--format=%x00%H %cs", "--name-only",
        "--end-of-options",
        revision, "--", relpath,
    ).decode()
    found = []
    for record in out.split("\0")[1:]:
        lines = [line for line in record.splitlines() if line]
        if len(lines) < 2:
            continue  # a merge, whose file is that of one of its parents
        commit, day = lines[0].split(" ")
        found.append((commit, datetime.date.fromisoformat(day), lines[1]))
    return found[::-1]


def _blobs(root: Path, names: list[str]) -> list[str | None]:
    """The text of each ``<commit>:<path>``, in one ``git cat-file --batch``."""
    if not names:
        return []
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode())
    texts: list[str | None] = []
    position = 0
    for _ in names:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        position = header_end + 1
        if len(header) != 3 or header[1] != b"blob":
            texts.append(None)
            continue
        size = int(header[2])
        texts.append(out[position : position + size].decode("utf-8", errors="replace"))
        position += size + 1
    return texts


def material_versions(
    root: Path, files: list[Path], revision: str = "HEAD", tree: Path | None = None
) -> dict[Path, list[Version]]:
    """Every material version of each of *files*, oldest first.

    The files are the newest state; their history is that of the repository
    at *root* up to *revision*, at their paths relative to *tree* (by default
    *root*: the files are its working tree's; another *tree* is a revision
    exported from it).
    """
    tree = tree or root
    histories = {
        file: _commits(root, file.relative_to(tree).as_posix(), revision) for file in files
    }
    requests = [f"{commit}:{path}" for history in histories.values() for commit, _, path in history]
    texts = iter(_blobs(root, requests))
    versions = {}
    for file, history in histories.items():
        states = [(commit, day, next(texts)) for commit, day, _ in history]
        if not states:
            # Never committed: a draft, whose date may yet change. It is
            # published at its own address alone until its first commit.
            versions[file] = []
            continue
        states.append((None, None, file.read_text(encoding="utf-8")))
        by_date: dict[datetime.date, Version] = {}
        for commit, day, text in states:
            date = front_matter_date(text) if text is not None else None
            if date is None:
                continue
            announced = by_date[date].announced if date in by_date else day
            by_date[date] = Version(date, text, commit, announced)
        versions[file] = [by_date[date] for date in sorted(by_date)]
    return versions
