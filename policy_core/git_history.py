"""The material versions of a notice, read from the git history of its source.

A notice's front matter ``date`` is its effective date, and it moves with
material changes only (:mod:`.dates`). So the states of the file through its
history, grouped by their ``date``, are its material versions, and an
editorial fix is one more state of the version it fixes. Each version's text
is the file as it last was while that date held: a superseded version shows
the editorial fixes made to it before the next version replaced it.

The working tree's file is the newest state (committed or not), so a build
shows the edit being made. A file never committed has no versions yet. Each
state is read as the build reads the notice (:mod:`.yamldata`, :mod:`.pages`):
a state that breaks a rule, or that changes the notice's words without an
entry in its ``changes``, is reported naming ``file:line`` and the notice's
versions are left out, never passed over for an older text.

Not an extension: :mod:`.versions` reads the histories when a build starts,
and checks the build date with :func:`parse_build_date`; ``make html`` and
``make pdf`` check both before Sphinx starts (``tools/check_build_inputs.py``).
git runs with argument lists; a path is given after ``--`` and a blob by name
on ``git cat-file --batch``'s input, so no file name reaches a shell or is
read as an option.
"""

from __future__ import annotations

import datetime
import functools
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from policy_core import yamldata
from policy_core.page_limits import heading_problem, size_problem
from policy_core.front_matter import ISO_DATE, page_from_front

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


def _git(root: Path, *args: str, stdin: bytes | None = None, failure: str = "") -> bytes:
    """git's output; HistoryError saying *failure* (by default git's own words) when it fails."""
    try:
        process = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise HistoryError("git is not installed: the notices' versions come from git") from None
    if process.returncode != 0:
        reason = failure or process.stderr.decode(errors="replace").strip()
        raise HistoryError(f"git {args[0]} failed in {root}: {reason}")
    return process.stdout


def commit_of(root: Path, revision: str) -> str:
    """The commit *revision* names in the repository at *root*."""
    return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                f"{revision}^{{commit}}", failure=f"{revision!r} names no commit").decode().strip()


def repository_root(path: Path) -> Path | None:
    """The root of the git work tree holding *path*, or None when there is none."""
    try:
        return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())
    except HistoryError:
        return None


def check_complete(root: Path) -> None:
    """Raise HistoryError when the clone at *root* lacks history (a shallow clone)."""
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == b"true":
        raise HistoryError(SHALLOW_FIX)


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
        "--end-of-options", revision, "--", relpath,
    ).decode()
    found = []
    for record in out.split("\0")[1:]:
        lines = [line for line in record.splitlines() if line]
        if len(lines) < 2:
            continue  # a merge, whose file is that of one of its parents
        commit, day = lines[0].split(" ")
        found.append((commit, datetime.date.fromisoformat(day), lines[1]))
    return found[::-1]


def _blobs(root: Path, names: list[str]) -> list[bytes | None]:
    """The bytes of each ``<commit>:<path>``, in one ``git cat-file --batch``."""
    if not names:
        return []
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode())
    texts: list[bytes | None] = []
    position = 0
    for _ in names:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        position = header_end + 1
        if len(header) != 3 or header[1] != b"blob":
            texts.append(None)
            continue
        size = int(header[2])
        texts.append(out[position : position + size])
        position += size + 1
    return texts


@dataclass
class Histories:
    """The material versions of each notice, oldest first, and what keeps a
    notice's versions from being read (its versions are then left out)."""

    versions: dict[Path, list[Version]]
    # The first problem of each file that has one.
    problems: dict[Path, yamldata.DataError]


def _grandfathered(root: Path, checked_after: str) -> set[str]:
    """The commits from before the rule that a change adds an entry: *checked_after*
    and its ancestors; none when it names no commit of this repository."""
    if not checked_after:
        return set()
    try:
        out = _git(root, "rev-list", "--end-of-options", f"{checked_after}^{{commit}}")
    except HistoryError:
        return set()
    return set(out.decode().split())


# MyST's tokens that show a reader no words: the front matter (its fields are
# compared apart), a label keeping an id, a comment.
_NO_WORDS = frozenset({"front_matter", "myst_target", "myst_line_comment"})


def _words(tokens, front: yamldata.Mapping | None) -> tuple:
    """What a state of a notice says: its fields but its dates, and the words
    and link targets in MyST's *tokens* of its text (a line wrapped elsewhere
    or another list marker says the same)."""
    fields = {key: value for key, value in (front or {}).items() if key not in ("date", "changes")}
    words: list[str] = []
    for token in tokens:
        if token.type in _NO_WORDS:
            continue
        # An inline token's content is its Markdown: its children are the words.
        for part in (token.children or []) if token.type == "inline" else [token]:
            words += part.info.split() + part.content.split()
            words += [f"{name}={value}" for name, value in sorted(part.attrs.items())]
    return repr(sorted(fields.items())), words


def _said(text: str, label: str, front, tokens, limits: Limits | None):
    """What a state says (:func:`_words`), as a function reading it once, when
    first asked: from MyST's *tokens*, or from *text* read within *limits*."""
    @functools.cache
    def said() -> tuple:
        read = tokens if tokens is not None else (
            limits.check(text, label) if limits else yamldata.MYST.parse(text))
        return _words(read, front)

    return said


class _State(NamedTuple):
    """A notice's state before the one being read: what it says (a function:
    the Markdown is read only when another state is compared with it), its
    change entries, its text and its date."""

    said: Callable[[], tuple]
    entries: set
    text: str
    date: datetime.date


@dataclass(frozen=True)
class Limits:
    """The size and heading count of every page (policy_max_source_bytes,
    policy_max_headings), which hold for every state of a notice too."""

    max_bytes: int
    max_headings: int

    def check(self, text: str, label: str):
        """MyST's tokens of *text*; DataError when it is over a limit."""
        problem = size_problem(text, self.max_bytes)
        tokens = yamldata.MYST.parse(text) if problem is None else []
        problem = problem or heading_problem(tokens, self.max_headings)
        if problem is not None:
            raise yamldata.DataError(label, *problem)
        return tokens


def _history(file: Path, relpath: str, states, grandfathered: set[str],
             limits: Limits | None) -> list[Version]:
    """The versions of one notice from its *states* (commit, day, text, path: a
    commit's text as git's bytes), oldest first, the working tree's last;
    DataError for a state that breaks a rule."""
    try:
        current_front = yamldata.front_matter_of_text(states[-1][2], file)
        page_from_front(current_front, file)
    except yamldata.DataError:
        # The working tree's file: the notice is then read from it alone, and
        # its page reports the mistake (dates.py, the same rules), once. No
        # older text stands in for it.
        return []
    by_date: dict[datetime.date, Version] = {}
    before: _State | None = None
    page_text = states[-1][2]
    for commit, day, text, path in states:
        label = str(file) if commit is None else f"{commit[:12]}:{path}"
        checked = commit is None or commit not in grandfathered
        if text is None:
            continue  # not a file in that commit (a submodule, a link): no state of it
        try:
            # A text that is not UTF-8 is reported at its commit, never
            # published with its characters replaced.
            text = text if commit is None else yamldata.decode(text, label)
        except yamldata.DataError:
            if not checked:
                continue  # a build of that commit failed, before the rule
            raise
        if before is not None and text == before.text:
            # The text of the state before (the working tree's file as last
            # committed, most often), read and checked as that was: the same
            # version, at a later commit.
            date = before.date
            by_date[date] = Version(date, text, commit, by_date[date].announced)
            continue
        # The working tree's file is checked as the page it is (source_files, page_parser),
        # and so is a commit's text that is the same: read here, within the
        # limits, only if a state is compared with it.
        is_page = text == page_text
        tokens = limits.check(text, label) if commit is not None and limits and not is_page else None
        try:
            front = (current_front if commit is None
                     else yamldata.front_matter_of_text(text, label))
            page = page_from_front(front, label)
        except yamldata.DataError:
            if not checked:
                continue  # a build of that commit failed, before the rule
            raise
        if page.kind != "notice":
            continue
        entries = set(page.dates.changes)
        said = _said(text, label, front, tokens, limits if commit is not None else None)
        if checked and before is not None and entries <= before.entries and said() != before.said():
            what = "the working tree's file" if commit is None else f"commit {commit[:12]}"
            raise yamldata.DataError(label, front.line_of("changes"), (
                f"{what} changes the words of the notice {relpath} and adds no entry to its "
                "'changes': add one (editorial, or material with a new date), so the "
                f"version of {page.dates.date.isoformat()} never shows words it did not have"))
        date = page.dates.date
        before = _State(said, entries, text, date)
        announced = by_date[date].announced if date in by_date else day
        by_date[date] = Version(date, text, commit, announced)
    return [by_date[date] for date in sorted(by_date)]


def material_versions(
    root: Path, files: list[Path], revision: str = "HEAD", tree: Path | None = None,
    checked_after: str = "", limits: Limits | None = None,
) -> Histories:
    """Every material version of each of *files*, oldest first.

    The files are the newest state; their history is that of the repository
    at *root* up to *revision*, at their paths relative to *tree* (by default
    *root*: the files are its working tree's; another *tree* is a revision
    exported from it).

    Every state is read as the build reads a notice: a text that is not
    UTF-8, front matter that does not parse or a date that is no
    ``YYYY-MM-DD`` is a problem naming ``file:line`` (``<commit>:<path>:line``
    in the history), never a state passed over. A state that changes what
    the notice says without adding an entry to its ``changes`` is one too.
    The states of *checked_after* and its ancestors are from before these
    rules: they are read as far as they can be, and their changes are not
    checked. Every committed state is within *limits* (the build's), as
    every page is.
    """
    tree = tree or root
    relpaths = {file: file.relative_to(tree).as_posix() for file in files}
    histories = {file: _commits(root, relpaths[file], revision) for file in files}
    requests = [f"{commit}:{path}" for history in histories.values() for commit, _, path in history]
    texts = iter(_blobs(root, requests))
    grandfathered = _grandfathered(root, checked_after)
    result = Histories({}, {})
    for file, history in histories.items():
        states = [(commit, day, next(texts), path) for commit, day, path in history]
        result.versions[file] = []
        if not states:
            # Never committed: a draft, whose date may yet change. It is
            # published at its own address alone until its first commit.
            continue
        try:
            states.append((None, None, yamldata.read_text(file), relpaths[file]))
        except yamldata.DataError:
            # A working tree's file that is not UTF-8 is refused, once, before
            # any page is read (source_files); no older text stands in for it.
            continue
        try:
            result.versions[file] = _history(file, relpaths[file], states, grandfathered, limits)
        except yamldata.DataError as problem:
            result.problems[file] = problem
    return result
