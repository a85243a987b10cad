"""The cost of the notices' versions: a site of 25 notices with 4 versions each.

The versions site is a git repository of 25 synthetic notices (benchmarks/
synthetic.py), each committed in 4 material versions (policy_sphinx_extensions/
versions.py): 100 version pages, 100 version PDFs and 75 redlines beside the
25 notices. The same site without versions is the same 25 notices, at their
last text, outside git history (never committed, so no versions). Both are
built as ``make html`` builds them, PDFs included.

Measures, versions against none: full build; no-op rebuild; rebuild after
editing one notice in the working tree; the number of files written. Then,
as CI builds a pull request that changes one notice, with the PDF cache
(``policy_pdf_cache_dir``) restored from main's build: the clean build's
time, and the PDFs it rendered.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import synthetic
from benchmarks.build_speed import sphinx_command
from benchmarks.measure import Figure, Sample, Settings, compared, main_for_area, timed

AREA = "versions"
NOTICES = 25
VERSIONS = len(synthetic.VERSION_DATES)


def make_sites(workdir: Path) -> tuple[Path, Path]:
    """(the versions site's source, the same notices without versions)."""
    repo, plain = workdir / "repo", workdir / "plain"
    shutil.rmtree(workdir, ignore_errors=True)
    source = synthetic.make_committed_source(repo, NOTICES, VERSIONS)
    shutil.copytree(source, plain / "source")
    return source, plain / "source"


def build_command(srcdir: Path, cache: Path | None = None) -> list[str]:
    """make html's build (its PDFs included), with the PDF cache *cache* if given."""
    kept = ("-D", f"policy_pdf_cache_dir={cache}") if cache else ()
    return sphinx_command(srcdir, srcdir.parent / "html", jobs="1", pdfs=True, options=kept)


def _edit(srcdir: Path, marker: str) -> None:
    synthetic.edit_notice(srcdir / f"{synthetic.notice_path(1)}.md", marker)


def _files(srcdir: Path) -> int:
    return sum(1 for path in (srcdir.parent / "html").rglob("*") if path.is_file())


def run(settings: Settings) -> list[Figure]:
    versioned, plain = make_sites(settings.workdir / "versions")
    labels = {
        "full": f"full build, {NOTICES} notices x {VERSIONS} versions (PDFs included)",
        "noop": "no-op rebuild",
        "edit": "rebuild after editing one notice",
    }
    runs = {srcdir: {key: [] for key in labels} for srcdir in (versioned, plain)}
    for repeat in range(settings.repeats):
        for srcdir, site_runs in runs.items():
            shutil.rmtree(srcdir.parent / "html", ignore_errors=True)
            site_runs["full"].append(timed(build_command(srcdir)))
            site_runs["noop"].append(timed(build_command(srcdir)))
            _edit(srcdir, f"Edited in run {repeat}.")
            site_runs["edit"].append(timed(build_command(srcdir)))
    samples = {srcdir: {key: Sample(tuple(found)) for key, found in site_runs.items()}
               for srcdir, site_runs in runs.items()}
    figures = [compared(AREA, label, NOTICES, samples[versioned][key], samples[plain][key],
                        "no versions") for key, label in labels.items()]
    figures.append(Figure(AREA, "files written", NOTICES, _files(versioned), unit="files",
                          stock=_files(plain), stock_label="no versions"))
    return figures + pull_request(settings, versioned, samples[versioned]["full"])


def pull_request(settings: Settings, srcdir: Path, cold: Sample) -> list[Figure]:
    """CI's clean build of a pull request that changes one notice, with the PDF
    cache restored from main's build: the PDFs rendered (new in the cache)."""
    cache = settings.workdir / "versions-pdf-cache"
    shutil.rmtree(cache, ignore_errors=True)
    html = srcdir.parent / "html"
    shutil.rmtree(html, ignore_errors=True)
    timed(build_command(srcdir, cache))  # main's build, which fills the cache
    _edit(srcdir, "Changed by the pull request.")
    shutil.rmtree(html)
    before = set(cache.glob("*.pdf"))
    run = timed(build_command(srcdir, cache))
    rendered = len(set(cache.glob("*.pdf")) - before)
    published = sum(1 for _ in (html / "pdf").glob("*.pdf"))
    return [
        Figure(AREA, "clean build of a pull request changing one notice, PDF cache restored",
               NOTICES, run.seconds, cpu_seconds=run.cpu_seconds, peak_mb=run.peak_mb,
               stock=cold.seconds, stock_cpu_seconds=cold.cpu_seconds,
               stock_label="clean build, no cache"),
        Figure(AREA, "PDFs rendered by that build (notices and redlines)", NOTICES, rendered,
               unit="PDFs", stock=published, stock_label="PDFs published"),
    ]


if __name__ == "__main__":
    main_for_area(run, __doc__.split("\n\n")[0])
