"""The imported checkout's git history, read without any configuration of that checkout.

A checkout's ``.git/config`` can name programs git runs (``gpg.program`` with
``log.showSignature``, ``core.fsmonitor``, ``diff.external``, an
``include.path`` leading to more): the folder being imported is not trusted.
So git never runs in it. The history is read in an empty bare repository made
for the purpose, whose objects are the checkout's (``objects/info/alternates``,
read as data); the commit to read is found by reading ``HEAD`` and the refs as
files. git runs with no system or global configuration either, with an
environment of its own, and gets an argument list.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import NamedTuple

OBJECT_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class Commit(NamedTuple):
    name: str
    date: datetime.date  # the author date
    subject: str


def blob_name(data: bytes) -> str:
    """The git object name of a file holding *data* (as ``git hash-object``), without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _git_dir(start: Path) -> tuple[Path, Path] | None:
    """The git directory of the checkout *start* is in, and its top folder."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git, folder
        if dot_git.is_file():  # a linked work tree: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (folder / text.removeprefix("gitdir:").strip()).resolve(), folder
            return None
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _resolve_head(git_dir: Path, common_dir: Path) -> str | None:
    head = _read(git_dir / "HEAD")
    for _ in range(5):  # a symbolic ref may name another
        if OBJECT_NAME.fullmatch(head):
            return head
        if not head.startswith("ref: refs/"):
            return None
        name = head.removeprefix("ref: ")
        if ".." in PurePosixPath(name).parts:
            return None
        loose = _read(common_dir / name) or _read(git_dir / name)
        if loose:
            head = loose
            continue
        for line in _read(common_dir / "packed-refs").splitlines():
            parts = line.split(" ", 1)
            if len(parts) == 2 and parts[1] == name:
                return parts[0] if OBJECT_NAME.fullmatch(parts[0]) else None
        return None
    return None


class SourceHistory:
    """The history of the checkout at *root*; empty when it is in no git repository.

    Use as a context manager: it holds the empty repository it reads through.
    """

    def __init__(self, root: Path) -> None:
        self.head: str | None = None
        self.shallow = False
        self._top: Path | None = None
        self._scratch: Path | None = None
        found = _git_dir(root)
        if found is None:
            return
        git_dir, self._top = found
        common = _read(git_dir / "commondir")
        common_dir = (git_dir / common).resolve() if common else git_dir
        self.head = _resolve_head(git_dir, common_dir)
        self._objects = common_dir / "objects"
        self._shallow_file = common_dir / "shallow"
        self.shallow = self._shallow_file.is_file()

    def __enter__(self) -> SourceHistory:
        if self.head is None or not self._objects.is_dir():
            self.head = None
            return self
        self._scratch = Path(tempfile.mkdtemp(prefix="import-history-"))
        self._git("init", "--quiet", "--bare", f"--object-format={'sha256' if len(self.head) == 64 else 'sha1'}",
                  str(self._scratch), git_dir=None)
        (self._scratch / "objects" / "info" / "alternates").write_text(f"{self._objects.resolve()}\n")
        if self.shallow:
            shutil.copyfile(self._shallow_file, self._scratch / "shallow")
        return self

    def __exit__(self, *exc) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _git(self, *args: str, git_dir: Path | None) -> subprocess.CompletedProcess:
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self._scratch or tempfile.gettempdir()),
            "LC_ALL": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
        }
        prefix = ["git", "--no-pager", f"--git-dir={git_dir}"] if git_dir else ["git"]
        return subprocess.run([*prefix, *args], capture_output=True, encoding="utf-8", errors="replace", check=False,
                              env=environment, cwd=self._scratch or tempfile.gettempdir())

    def _relative(self, path: Path) -> str | None:
        if self._scratch is None:  # set only with a head and a top folder
            return None
        top, path = self._top.resolve(), path.resolve()
        return path.relative_to(top).as_posix() if path.is_relative_to(top) else None

    def text_at(self, commit: Commit, path: Path) -> str | None:
        """The file *path* as *commit* holds it (None where it has no such file)."""
        relative = self._relative(path)
        return None if relative is None else self._blob(f"{commit.name}:{relative}")

    def blob_text(self, name: str) -> str | None:
        """The text of the blob *name* (a page as an earlier import read it), if the history holds it."""
        if self._scratch is None or not OBJECT_NAME.fullmatch(name):
            return None
        return self._blob(name)

    def _blob(self, spec: str) -> str | None:
        process = self._git("cat-file", "blob", spec, git_dir=self._scratch)
        return process.stdout if process.returncode == 0 else None

    def commits(self, path: Path) -> list[Commit]:
        """Each commit that changed the file *path*, newest first (none outside a repository)."""
        relative = self._relative(path)
        if relative is None:
            return []
        process = self._git("log", "--no-show-signature", "--no-renames", "--format=%H%x00%as%x00%s",
                            self.head, "--", relative, git_dir=self._scratch)
        if process.returncode != 0:
            return []
        fields = (line.split("\0", 2) for line in process.stdout.splitlines())
        return [Commit(name, datetime.date.fromisoformat(date), subject)
                for name, date, subject in fields]
