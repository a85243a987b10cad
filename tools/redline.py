"""Redline of the notices between two git revisions, as a reader sees them.

    python -m tools.redline --base BASE [--head HEAD] [--out _build/redline]

Both revisions are built (``tools.revisions``); each notice's rendered text
is compared, not its Markdown, so re-wrapped lines or another list marker
show no difference. For every notice that changed, a self-contained HTML
page shows the notice with deleted words struck and inserted words marked,
changed link targets as old -> new address, unchanged sections folded, and a
summary: sections touched, words in and out, links changed. The summary
counts the notice's own text: its dates and change history are shown, after
the text, but not counted, and the page's "Download PDF" link is no part of
it. ``index.html`` lists the notices with their counts. Each page is also
written as a PDF beside it, with every section in full.

The redline itself (the words a reader sees, their comparison, the pages and
their PDFs) is :mod:`policy_core.redline`, which the build's redlines of each
version share.

Exit status: 0 with the redline written (also when no notice changed), 2 for
a revision that cannot be resolved or built.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

from policy_core.addresses import page_file, page_path
from policy_core.redline.page import (
    NoticeRedline,
    notice_redline,
    redline_templates,
    write_redline_pdf,
)
from policy_core.redline.text import Block, extract_blocks
from tools.revisions import BuiltRevision, RevisionError, build_revisions, commits_between


def _blocks(revision: BuiltRevision, docname: str, base_url: str) -> list[Block]:
    path = page_path(docname)
    page = revision.html / page_file(path)
    if not page.exists():
        return []
    return extract_blocks(page.read_text(encoding="utf-8"), urljoin(base_url, path))


def redline_notice(base: BuiltRevision, head: BuiltRevision, docname: str, base_url: str):
    """The redline of one notice, or None when a reader would see no difference."""
    redline = notice_redline(
        docname, _blocks(base, docname, base_url), _blocks(head, docname, base_url)
    )
    return redline if redline.touched or (redline.history and redline.history.touched) else None


def write_redline(
    base: BuiltRevision, head: BuiltRevision, out: Path, commits: list[str]
) -> list[NoticeRedline]:
    """Write the redline pages and index under *out* (emptied first)."""
    base_url = head.config.html_baseurl or "https://example.invalid/"
    docnames = sorted(set(base.notices()) | set(head.notices()))
    redlines = [r for d in docnames if (r := redline_notice(base, head, d, base_url))]
    unchanged = [d for d in docnames if d not in {r.docname for r in redlines}]

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    environment = redline_templates()
    common = {"base": base, "head": head, "commits": commits}
    page = environment.get_template("redline.html")
    for redline in redlines:
        target = out / redline.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        index_url = "../" * redline.filename.count("/") + "index.html"
        html = page.render(redline=redline, index_url=index_url, for_pdf=False, **common)
        target.write_text(html, encoding="utf-8")
        # On paper nothing is folded and there is no other page to go to.
        write_redline_pdf(
            page.render(redline=redline, index_url="", for_pdf=True, **common),
            out / redline.pdf_filename,
        )
    (out / "index.html").write_text(
        environment.get_template("redline-index.html").render(
            redlines=redlines, unchanged=unchanged, **common
        ),
        encoding="utf-8",
    )
    return redlines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the git revision before the change")
    parser.add_argument("--head", default="HEAD", help="the git revision after it (HEAD)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the git repository")
    parser.add_argument("--out", type=Path, default=Path("_build/redline"))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="redline-") as workdir:
        try:
            base, head = build_revisions(
                args.repo, {"base": args.base, "head": args.head}, Path(workdir)
            )
        except RevisionError as error:
            print(f"redline: error: {error}", file=sys.stderr)
            return 2
        redlines = write_redline(base, head, args.out, commits_between(args.repo, base, head))

    print(f"Redline of the notices, {base.label} -> {head.label}:")
    for redline in redlines:
        counts = redline.counts
        print(
            f"  {args.out / redline.filename}: {redline.status}, "
            f"{len(redline.touched)} section(s) touched, +{counts.words_in} / "
            f"-{counts.words_out} words, {len(counts.links)} link(s) changed; "
            f"PDF: {args.out / redline.pdf_filename}"
        )
    if not redlines:
        print("  no notice reads differently")
    print(f"Index: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
