"""Check what a build is given before Sphinx starts: ``make html`` and ``make pdf`` run it.

Sphinx 9 reports any error that stops a build, a bad setting included, as a
crash: its versions, the loaded extensions, a traceback, and a request to
report the problem to Sphinx's developers. Two such errors are an editor's
or a CI setup's to fix, not a fault of the tool: a build date (``TODAY``)
that is no date, and a shallow git clone, which lacks the history the
notices' earlier versions are built from. This checks both first and prints
the message alone, exiting 2, so Sphinx never starts.

The checks are the extension's own (:mod:`policy_core.git_history`),
which stop a build started another way with the same message
(:mod:`policy_sphinx_extensions.build.refusals`; the live preview shows it in its box).

Usage: ``python -m tools.check_build_inputs SOURCEDIR``, with ``TODAY`` in the
environment as the Makefile exports it (empty or unset: today in UTC).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from policy_core.git_history import HistoryError, check_complete, parse_build_date, repository_root


def problems(sourcedir: Path, today: str) -> list[str]:
    """What stops a build of *sourcedir* on the build date *today*, one line each."""
    found = []
    if today:
        try:
            parse_build_date(today)
        except ValueError as error:
            found.append(f"TODAY {error}: give the day to build the site as of, such as "
                         "TODAY=2027-01-15, or leave TODAY out to build it as of today (UTC)")
    root = repository_root(sourcedir)
    if root is not None:
        try:
            check_complete(root)
        except HistoryError as error:
            found.append(f"{root}: {error}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sourcedir", type=Path)
    args = parser.parse_args(argv)
    found = problems(args.sourcedir, os.environ.get("TODAY", ""))
    for problem in found:
        print(f"Error: {problem}", file=sys.stderr)
    return 2 if found else 0


if __name__ == "__main__":
    sys.exit(main())
