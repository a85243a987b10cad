"""``make import SRC=<checkout of an MkDocs site>``: bring its pages and files over, and prove nothing was lost.

Writes every page MkDocs builds from the site (in its navigation or not) into
``source/`` at its address, every other file it publishes at its path, the
navigation into ``source/_data/navigation.yaml``, and what it wrote from which
blob into ``source/_data/imported.yaml`` (:mod:`.record`): a page or file
unchanged since the last import is left as it is. Then builds the site
(strict), checks every address and each page written against the old site's
rendering (:mod:`.fidelity`), and runs the project's lint
(:mod:`.lint_clean`). The report goes to the terminal and to
``<report dir>/report.txt`` and ``report.json``.

Exit status: 0 when every address came over and every page whole, lint-clean;
1 when the build failed, a page lost text or an id, an address is lost or the
lint finds what the import could not fix (the report names each); 2 when the
site cannot be read.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policy_core.addresses import page_docnames
from policy_core.front_matter import default_kind
from tools import accepted_findings

from . import dates, fidelity, lint_clean, pages
from .convert import convert
from .history import SourceHistory, blob_name
from .merge import Merged, closest, merge
from .processors import cite_page, plain_text, registry
from .record import ImportRecord
from .site import MkDocsSite, SiteError, read_site, split_meta

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class PageReport:
    source: str
    written: str
    url: str
    kind: str
    title: str = ""
    date: str | None = None
    date_source: str = ""
    #: unchanged since the last import (left as it is), new, or replacing this project's text
    state: str = "new"
    #: the date written into the page is inferred ("date-inferred" in its front matter)
    date_to_confirm: bool = False
    conversions: list[str] = field(default_factory=list)
    linked_files: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    plain_processor_links: list[str] = field(default_factory=list)
    #: each commit that changed the page's words on the previous site: "<commit> <date> <subject>"
    history: list[str] = field(default_factory=list)
    redline: str | None = None
    units: int = 0
    ids: int = 0
    lost_units: list[str] = field(default_factory=list)
    lost_ids: list[str] = field(default_factory=list)
    #: text units of the old page whose passage here is this project's own wording (merged)
    kept_here: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not (self.lost_units or self.lost_ids or self.failures)


@dataclass
class FileReport:
    source: str
    written: str
    url: str
    state: str = "new"
    linked_from: list[str] = field(default_factory=list)
    missing: bool = False


@dataclass
class Imported:
    pages: list[PageReport]
    files: list[FileReport]
    theme_files: list[str]
    #: url path -> (the old page's HTML, its conversion) for the proof
    old_html: dict = field(default_factory=dict)
    #: the pages written now, as the project's paths (source/...)
    written: set[str] = field(default_factory=set)
    #: the lint after the import (none when the build failed)
    cleaned: lint_clean.Cleaned = field(default_factory=lambda: lint_clean.Cleaned([]))


def import_site(site: MkDocsSite, project: Path, today: datetime.date, report_dir: Path,
                history: SourceHistory) -> Imported:
    """Write the site's pages and files into *project*'s ``source/``; return what was done."""
    source_dir = project / "source"
    record = ImportRecord.read(source_dir / "_data" / "imported.yaml")
    record.commit = history.head
    processors = registry(source_dir)
    imported = Imported([], [], [str(path) for path in site.theme_files])
    titles: dict[str, str] = {}
    unlinked = set(site.files)
    listed = set(site.nav_pages())
    for page in site.all_pages:
        path = site.docs_dir / page.source
        data = path.read_bytes()
        meta, text, meta_lines = split_meta(data.decode("utf-8"))
        html, converted, given = _as_myst(site, page, meta, text, meta_lines)
        title = given or converted.title
        titles[page.url_path] = title
        # The home page's kind is the build's rule for it; any other page's, its words'.
        kind = pages.kind_of(page, converted.title) if page.url_path else default_kind(
            page_docnames(page.url_path)[0])
        commits = history.commits(path)
        date = None if kind == "site" else (
            dates.stated_date(text, meta_lines + 1) or dates.last_commit_date(commits))
        written = pages.destination(source_dir, page)
        relative = str(written.relative_to(project))
        report = PageReport(
            source=str(page.source), written=relative, url=f"/{page.url_path}/".replace("//", "/"),
            kind=kind, title=title, date=date.date.isoformat() if date else None,
            date_source=date.source if date else "none: the home page has no date" if kind == "site"
            else "none: the page states no date and has no git history"
            + (" (the checkout is shallow: git fetch --unshallow)" if history.shallow else ""),
            conversions=[f"{page.source}:{line}: {message}{_shown_before(site, message)}"
                         for line, message in converted.conversions],
            failures=[f"{page.source}:{line}: {message}" for line, message in converted.failures],
            history=[f"{commit.name[:12]} {commit.date.isoformat()} {commit.subject}"
                     for commit in _wording_commits(site, history, path, commits)],
        )
        imported.pages.append(report)
        linked = pages.linked_files(site, page, text)
        unlinked -= set(linked)
        report.linked_files = [str(name) for name in linked]
        if record.unchanged(str(page.source), blob_name(data), written):
            report.state = "unchanged on the previous site since the last import: left as it is"
            continue
        body, report.cites, report.plain_processor_links = cite_page(converted.text, processors)
        kept_here: list[str] = []
        if not page.url_path:
            converted.removed_lines.append(pages.merge_home(written, converted.text))
            report.state = "the home page's text, above the site map"
            report.conversions.append(f"{page.source}:1: the title '{converted.title}' gives way "
                                      "to the home page's own; its id is kept")
        elif written.exists():
            front, previous = pages.front_matter(written)
            base, base_source = _base(site, page, history, record, commits, previous, processors)
            if base is None:
                merged = Merged(body)
                report.state = "replaces this project's text: no earlier text of the previous site to merge from"
            else:
                merged = merge(base, previous, body)
                kept_here = [plain_text(block, processors) for block in merged.not_taken]
                report.state = (f"merged with this project's text since {base_source}; "
                                f"{len(merged.conflicts)} passages both changed, the previous site's taken"
                                + "".join(f"\n    both changed: {words} …" for words in merged.conflicts))
            merged_text = pages.keep_labels(previous, merged.text)
            if " ".join(merged_text.split()) == " ".join(previous.split()):
                report.state = "the same text as this project's: left as it is"
            else:
                report.redline = _write_redline(report_dir, relative, previous, merged_text)
                if front.get("changes"):
                    pages.write_with_change(written, pages.merged_entry(
                        commits[0].date if commits else None, len(merged.conflicts), base is not None, today),
                        merged_text)
                else:
                    pages.write_page(written, front, merged_text)
        elif kind == "notice" and date is None:
            report.failures.append(f"{page.source}:1: not written: a notice needs a date; state it in the page")
            continue
        else:
            front = pages.new_front_matter(converted, kind, date)
            report.date_to_confirm = bool(date and date.inferred)
            if page not in listed:
                # Served by the previous site, in no navigation: so here too.
                front["orphan"] = True
                report.state = "new; in no navigation, as on the previous site (front matter 'orphan')"
            pages.write_page(written, front, body)
        record.note(str(page.source), blob_name(data), relative)
        imported.old_html[page.url_path] = html, converted, kept_here
        imported.written.add(relative)
        problem = lint_clean.format_page(project, written)
        if problem:
            report.failures.append(f"{relative}:1: make format's fixes failed: {problem}")
    for relative in site.files:
        target = source_dir / relative
        report = FileReport(str(relative), str(target.relative_to(project)), f"/{relative}",
                            linked_from=[page.written for page in imported.pages
                                         if str(relative) in page.linked_files])
        imported.files.append(report)
        data = (site.docs_dir / relative).read_bytes()
        if record.unchanged(str(relative), blob_name(data), target):
            report.state = "unchanged on the previous site since the last import: left as it is"
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        record.note(str(relative), blob_name(data), report.written)
    pages.publish_unlinked(source_dir / "index.md", sorted(str(name) for name in unlinked))
    pages.write_navigation(source_dir, site, titles)
    record.write()
    return imported


def _as_myst(site: MkDocsSite, page, meta: dict, text: str, meta_lines: int):
    """The page's HTML as MkDocs rendered it, its MyST, and the title MkDocs gives it, if any."""
    html = fidelity.render_old(text, site.extensions, site.extension_configs)
    given = page.title or (str(meta["title"]) if meta.get("title") else None)
    converted = convert(text, given or pages.fallback_title(page), fidelity.heading_ids(html),
                        first_line=meta_lines + 1, site_url=site.site_url or "")
    return html, converted, given


def _base(site: MkDocsSite, page, history: SourceHistory, record: ImportRecord, commits: list,
          previous: str, processors: dict) -> tuple[str | None, str]:
    """The previous site's text this project's page was made from, as MyST, and which it is.

    The text of the last import, when the record names it; else the version in
    the page's history closest in words to this project's page.
    """
    def body(raw: str) -> str:
        meta, text, meta_lines = split_meta(raw)
        return cite_page(_as_myst(site, page, meta, text, meta_lines)[1].text, processors)[0]

    entry = record.entries.get(str(page.source))
    raw = history.blob_text(entry["blob"]) if entry else None
    if raw is not None:
        return body(raw), "the last import"
    versions = {body(raw): commit for commit in commits
                if (raw := history.text_at(commit, site.docs_dir / page.source)) is not None}
    base = closest(list(versions), previous)
    if base is None:
        return None, ""
    commit = versions[base]
    return base, f"the previous site's text of {commit.date.isoformat()} ({commit.name[:12]}), closest to it"


def _wording_commits(site: MkDocsSite, history: SourceHistory, path: Path, commits: list) -> list:
    """The *commits* (newest first) that changed the page's words as MkDocs rendered them."""
    changed, before = [], None
    for commit in reversed(commits):
        text = history.text_at(commit, path)
        words = fidelity.words_of(fidelity.render_old(split_meta(text)[1], site.extensions,
                                                      site.extension_configs)) if text else []
        if words != before:
            changed.append(commit)
        before = words
    return changed[::-1]


def _write_redline(report_dir: Path, written: str, previous: str, merged: str) -> str:
    """The change from this project's text to the imported one, as a unified diff in the report."""
    redline = report_dir / "redline" / f"{written}.diff"
    redline.parent.mkdir(parents=True, exist_ok=True)
    redline.write_text("".join(difflib.unified_diff(
        previous.splitlines(keepends=True), merged.splitlines(keepends=True),
        fromfile=f"{written} (before the import)", tofile=f"{written} (the previous site's text)",
    )), encoding="utf-8")
    return str(redline)


def _shown_before(site: MkDocsSite, conversion: str) -> str:
    """What the live site showed instead, where its Markdown did not know the construct."""
    if conversion.startswith("admonition") and "admonition" not in site.extensions:
        return " (the site's Markdown has no admonition extension: its page showed the text as written)"
    if conversion.startswith("abbreviation") and "abbr" not in site.extensions:
        return " (the site's Markdown has no abbr extension: its page showed the definition as text)"
    return ""


def build(project: Path, outdir: Path) -> subprocess.CompletedProcess:
    """The strict build of the imported tree, without PDFs (the proof reads the pages)."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-E", "-q", "-c", str(project),
         "-W", "--keep-going", "-n", "-D", "policy_pdf_publish=0",
         str(project / "source"), str(outdir)],
        capture_output=True, text=True, check=False,
    )


def prove(imported: Imported, outdir: Path) -> None:
    """Every address of the previous site resolves in the build; every page written now lost nothing."""
    for report in imported.pages:
        url_path = report.url.strip("/")
        built = outdir / url_path / "index.html"
        if not built.is_file():
            report.lost_units.append(f"the address {report.url} does not resolve: {built} was not built")
            continue
        if url_path not in imported.old_html:
            continue
        html, converted, kept_here = imported.old_html[url_path]
        proof = fidelity.prove(html, built.read_text(encoding="utf-8"), converted.removed_lines, kept_here)
        report.units, report.ids, report.kept_here = proof.units, proof.ids, proof.kept_here
        report.lost_units += proof.lost_units
        report.lost_ids += proof.lost_ids
    for report in imported.files:
        report.missing = not (outdir / report.source).is_file()


def render(imported: Imported, build_output: str) -> str:
    lines = []
    for report in imported.pages:
        state = "whole" if report.whole else "LOST TEXT OR IDS"
        lines.append(f"{report.source} → {report.written} ({report.url}, {report.kind}): {state}")
        lines.append(f"  title: {report.title}")
        lines.append(f"  {report.state}")
        inferred = "INFERRED, to confirm: " if report.date_to_confirm else ""
        lines.append(f"  date: {report.date or '-'} ({inferred}{report.date_source})")
        lines.append(f"  proof: {report.units} text units and {report.ids} ids of the old page, "
                     f"{len(report.lost_units)} units and {len(report.lost_ids)} ids lost")
        listed = [
            ("conversion", report.conversions), ("linked file", report.linked_files),
            ("cites processor", report.cites),
            ("registered processor address left a plain link", report.plain_processor_links),
            ("redline against this project's text before", [report.redline] if report.redline else []),
            ("words changed on the previous site by", report.history),
            ("this project's wording kept for", report.kept_here), ("FAILED", report.failures),
            ("LOST text", report.lost_units), ("LOST id", [f"#{ident}" for ident in report.lost_ids]),
        ]
        lines += [f"  {label}: {value}" for label, values in listed for value in values]
    for report in imported.files:
        linked = f"linked from {', '.join(report.linked_from)}" if report.linked_from else \
            "linked from no page: published by the home page's front matter 'files'"
        state = "LOST: not published" if report.missing else "published"
        lines.append(f"{report.source} → {report.written} ({report.url}, file): {state}; {linked}; {report.state}")
    lines += [f"{name}: the previous site's look (mkdocs.yml theme, extra_css, extra_javascript), "
              "not brought over" for name in imported.theme_files]
    if build_output:
        lines += ["", "The strict build failed:", build_output.rstrip()]
    for page, words in sorted(imported.cleaned.words.items()):
        lines.append(f"{page}: added to the spelling word list: {', '.join(words)}")
    if imported.cleaned.accepted:
        lines += ["", "The previous site's words, kept as it published them; accepted in"
                      f" {accepted_findings.ACCEPTED} for an editor to correct (with a changes entry) or keep:"]
        lines += [f"  KEPT {finding}" for finding in imported.cleaned.accepted]
    if imported.cleaned.findings:
        lines += ["", "make lint would fail, on what the import could not make clean:"]
        lines += [f"  LINT {finding}" for finding in imported.cleaned.findings]
    inferred = [report for report in imported.pages if report.date_to_confirm]
    if inferred:
        lines += ["", "Dates inferred, for an editor to confirm (front matter 'date-inferred'):"]
        lines += [f"  {report.written}: {report.date}" for report in inferred]
    whole = sum(report.whole for report in imported.pages)
    lost = [report.url for report in imported.pages if any("does not resolve" in unit for unit in report.lost_units)]
    lost += [report.url for report in imported.files if report.missing]
    units = sum(report.units for report in imported.pages)
    ids = sum(report.ids for report in imported.pages)
    lines += ["", f"{whole} of {len(imported.pages)} pages came over whole "
                  f"({units} text units and {ids} ids proved).",
              f"{len(imported.pages) + len(imported.files) - len(lost)} of "
              f"{len(imported.pages) + len(imported.files)} addresses of the previous site resolve here "
              f"({len(imported.pages)} pages, {len(imported.files)} files)."]
    lines += [f"LOST address: {url}" for url in lost]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make import", description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="a checkout of the MkDocs site (holding mkdocs.yml)")
    parser.add_argument("--project", type=Path, default=ROOT, help="the project to import into")
    parser.add_argument("--report-dir", type=Path, default=None, help="default: <project>/_build/import")
    parser.add_argument("--today", type=datetime.date.fromisoformat,
                        default=datetime.datetime.now(datetime.UTC).date())
    args = parser.parse_args(argv)
    report_dir = args.report_dir or args.project / "_build" / "import"
    try:
        site = read_site(args.src.resolve())
    except SiteError as error:
        print(f"make import: {error}", file=sys.stderr)
        return 2
    report_dir.mkdir(parents=True, exist_ok=True)
    with SourceHistory(site.root) as history:
        imported = import_site(site, args.project.resolve(), args.today, report_dir, history)
    built = build(args.project.resolve(), report_dir / "html")
    prove(imported, report_dir / "html")
    if built.returncode == 0:
        imported.cleaned = lint_clean.clean(args.project.resolve(), report_dir / "lint",
                                            imported.written)
    text = render(imported, built.stdout + built.stderr if built.returncode else "")
    (report_dir / "report.txt").write_text(text, encoding="utf-8")
    (report_dir / "report.json").write_text(json.dumps(
        {"pages": [asdict(report) for report in imported.pages],
         "files": [asdict(report) for report in imported.files],
         "theme_files": imported.theme_files}, indent=2) + "\n", encoding="utf-8")
    print(text, end="")
    print(f"Report: {report_dir / 'report.txt'}")
    whole = all(report.whole for report in imported.pages) and not any(
        report.missing for report in imported.files)
    return 0 if built.returncode == 0 and whole and not imported.cleaned.findings else 1


if __name__ == "__main__":
    sys.exit(main())
