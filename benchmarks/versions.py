"""The cost of the notices' versions: a site of 25 notices with 4 versions each.

The versions site is a git repository of 25 synthetic notices (benchmarks/
synthetic.py), each committed in 4 material versions (policy_sphinx_extensions/
versions.py): 100 version pages, 100 version PDFs and 75 redlines beside the
25 notices. The same site without versions is the same 25 notices, at their
last text, outside git history (never committed, so no versions). Both are
built as ``make html`` builds them, PDFs included.

Measures, versions against none: full build; no-op rebuild; rebuild after
editing one notice in the working tree; the number of files written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import synthetic
from benchmarks.measure import PYTHON, ROOT, Figure, Sample, Settings, main_for_area, timed

AREA = "versions"
NOTICES = 25
VERSIONS = len(synthetic.VERSION_DATES)
STRICT = ["-W", "--keep-going", "-n"]


def make_sites(workdir: Path) -> tuple[Path, Path]:
    """(the versions site's source, the same notices without versions)."""
    repo, plain = workdir / "repo", workdir / "plain"
    shutil.rmtree(workdir, ignore_errors=True)
    source = synthetic.make_committed_source(repo, NOTICES, VERSIONS)
    shutil.copytree(source, plain / "source")
    return source, plain / "source"


def build_command(srcdir: Path) -> list[str]:
    return [PYTHON, "-m", "sphinx", "-j", "1", "-b", "dirhtml", "-c", str(ROOT), *STRICT,
            str(srcdir), str(srcdir.parent / "html")]


def _edit(srcdir: Path, marker: str) -> None:
    with (srcdir / f"{synthetic.notice_path(1)}.md").open("a", encoding="utf-8") as stream:
        stream.write(f"\n{marker}\n")


def _files(srcdir: Path) -> int:
    return sum(1 for path in (srcdir.parent / "html").rglob("*") if path.is_file())


def run(settings: Settings) -> list[Figure]:
    versioned, plain = make_sites(settings.workdir / "versions")
    samples: dict[str, dict[Path, list]] = {"full": {}, "noop": {}, "edit": {}}
    for repeat in range(settings.repeats):
        for srcdir in (versioned, plain):
            shutil.rmtree(srcdir.parent / "html", ignore_errors=True)
            samples["full"].setdefault(srcdir, []).append(timed(build_command(srcdir)))
            samples["noop"].setdefault(srcdir, []).append(timed(build_command(srcdir)))
            _edit(srcdir, f"Edited in run {repeat}.")
            samples["edit"].setdefault(srcdir, []).append(timed(build_command(srcdir)))
    labels = {
        "full": f"full build, {NOTICES} notices x {VERSIONS} versions (PDFs included)",
        "noop": "no-op rebuild",
        "edit": "rebuild after editing one notice",
    }
    figures = []
    for key, label in labels.items():
        ours, none = Sample(tuple(samples[key][versioned])), Sample(tuple(samples[key][plain]))
        figures.append(Figure(
            AREA, label, NOTICES, ours.seconds, stock=none.seconds, stock_label="no versions",
            peak_mb=ours.peak_mb, stock_peak_mb=none.peak_mb,
            cpu_seconds=ours.cpu_seconds, stock_cpu_seconds=none.cpu_seconds,
        ))
    figures.append(Figure(AREA, "files written", NOTICES, _files(versioned), unit="files",
                          stock=_files(plain), stock_label="no versions"))
    return figures


if __name__ == "__main__":
    main_for_area(run, __doc__.split("\n\n")[0])
