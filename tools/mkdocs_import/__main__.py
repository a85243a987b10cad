"""``make import SRC=<checkout of an MkDocs site>``: bring its pages over, and prove nothing was lost.

Writes every page of the site's navigation into ``source/`` at its address,
the files the pages link beside them, the navigation into
``source/_data/navigation.yaml``; then builds the site (strict) and checks
each page against the old site's rendering (:mod:`.fidelity`). The report goes
to the terminal and to ``<report dir>/report.txt`` and ``report.json``.

Exit status: 0 when every page came over whole; 1 when the build failed or a
page lost text or an id (the report names them); 2 when the site cannot be read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from . import dates, fidelity, pages
from .convert import convert
from .site import MkDocsSite, SiteError, read_site, split_meta

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class PageReport:
    source: str
    written: str
    url: str
    kind: str
    date: str | None
    date_source: str
    conversions: list[str] = field(default_factory=list)
    linked_files: list[str] = field(default_factory=list)
    units: int = 0
    ids: int = 0
    lost_units: list[str] = field(default_factory=list)
    lost_ids: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not (self.lost_units or self.lost_ids or self.missing_files)


def import_site(site: MkDocsSite, project: Path, today: datetime.date) -> tuple[list[PageReport], dict]:
    """Write the site's pages into *project*'s ``source/``; return their reports and old renderings."""
    source_dir = project / "source"
    reports, old_html, titles = [], {}, {}
    shallow = dates.is_shallow(site.root)
    for page in site.pages():
        meta, text, meta_lines = split_meta((site.docs_dir / page.source).read_text(encoding="utf-8"))
        html = fidelity.render_old(text, site.extensions, site.extension_configs)
        title = page.title or (str(meta["title"]) if meta.get("title") else pages.fallback_title(page))
        converted = convert(text, title, fidelity.heading_ids(html), first_line=meta_lines + 1,
                            site_url=site.site_url or "")
        titles[page.url_path] = page.title or (str(meta["title"]) if meta.get("title") else converted.title)
        kind = pages.kind_of(page, converted.title)
        date = dates.stated_date(text, meta_lines + 1) or dates.git_date(site.root, site.docs_dir / page.source)
        written = source_dir / "index.md" if not page.url_path else pages.destination(source_dir, page)
        report = PageReport(
            source=str(page.source), written=str(written.relative_to(project)), url=f"/{page.url_path}/".replace("//", "/"),
            kind=kind, date=date.date.isoformat() if date else None,
            date_source=date.source if date else "none: the page states no date and has no git history"
            + (" (the checkout is shallow: git fetch --unshallow)" if shallow else ""),
            conversions=[f"{page.source}:{line}: {message}{_shown_before(site, message)}"
                         for line, message in converted.conversions],
        )
        if not page.url_path:
            removed_title = pages.merge_home(written, converted)
            converted.removed_lines.append(removed_title)
            report.conversions.append(f"{page.source}:1: the title '{converted.title}' gives way "
                                      "to the home page's own; its id is kept")
        elif written.exists():
            front, _ = pages.front_matter(written)
            pages.write_page(written, pages.updated_front_matter(front, date, today), converted.text)
        elif kind == "notice" and date is None:
            report.lost_units.append("not written: a notice needs an effective date; state it in the page")
            reports.append(report)
            continue
        else:
            pages.write_page(written, pages.new_front_matter(converted, kind, date), converted.text)
        for relative in pages.linked_files(site, page, text):
            pages.copy_file(site, relative, source_dir)
            report.linked_files.append(str(relative))
        old_html[page.url_path] = html, converted
        reports.append(report)
    navigation = source_dir / "_data" / "navigation.yaml"
    imported = set(titles)
    kept = [entry for entry in _flat(_current_nav(navigation))
            if entry["path"] not in imported and _has_source(source_dir, entry["path"])]
    pages.write_navigation(navigation, site, titles, kept)
    return reports, old_html


def _shown_before(site: MkDocsSite, conversion: str) -> str:
    """What the live site showed instead, where its Markdown did not know the construct."""
    if conversion.startswith("admonition") and "admonition" not in site.extensions:
        return " (the site's Markdown has no admonition extension: its page showed the text as written)"
    if conversion.startswith("abbreviation") and "abbr" not in site.extensions:
        return " (the site's Markdown has no abbr extension: its page showed the definition as text)"
    return ""


def _current_nav(navigation: Path) -> list[dict]:
    if not navigation.exists():
        return []
    return (yaml.safe_load(navigation.read_text(encoding="utf-8")) or {}).get("nav") or []


def _flat(entries: list[dict]) -> list[dict]:
    """The page entries of a navigation, at any depth."""
    found = []
    for entry in entries:
        if entry.get("path"):
            found.append({"title": entry["title"], "path": entry["path"]})
        found += _flat(entry.get("children") or [])
    return found


def _has_source(source_dir: Path, path: str | None) -> bool:
    return bool(path) and ((source_dir / f"{path}.md").exists() or (source_dir / path / "index.md").exists())


def build(project: Path, outdir: Path) -> subprocess.CompletedProcess:
    """The strict build of the imported tree, without PDFs (the proof reads the pages)."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-E", "-q", "-c", str(project),
         "-W", "--keep-going", "-n", "-D", "policy_pdf_publish=0",
         str(project / "source"), str(outdir)],
        capture_output=True, text=True, check=False,
    )


def prove(reports: list[PageReport], old_html: dict, outdir: Path) -> None:
    for report in reports:
        url_path = report.url.strip("/")
        if url_path not in old_html:
            continue
        built = outdir / url_path / "index.html"
        if not built.exists():
            report.lost_units.append(f"the built page {built} does not exist")
            continue
        html, converted = old_html[url_path]
        proof = fidelity.prove(html, built.read_text(encoding="utf-8"), converted.removed_lines)
        report.units, report.ids = proof.units, proof.ids
        report.lost_units += proof.lost_units
        report.lost_ids += proof.lost_ids
        report.missing_files = [name for name in report.linked_files if not (outdir / name).is_file()]


def render(reports: list[PageReport], build_output: str) -> str:
    lines = []
    for report in reports:
        state = "whole" if report.whole else "LOST TEXT OR IDS"
        lines.append(f"{report.source} → {report.written} ({report.url}, {report.kind}): {state}")
        lines.append(f"  date: {report.date or '-'} ({report.date_source})")
        lines.append(f"  proof: {report.units} text units and {report.ids} ids of the old page, "
                     f"{len(report.lost_units)} units and {len(report.lost_ids)} ids lost")
        lines += [f"  conversion: {conversion}" for conversion in report.conversions]
        lines += [f"  linked file: {name}" for name in report.linked_files]
        lines += [f"  LOST text: {unit}" for unit in report.lost_units]
        lines += [f"  LOST id: #{ident}" for ident in report.lost_ids]
        lines += [f"  MISSING file: {name}" for name in report.missing_files]
    if build_output:
        lines += ["", "The strict build failed:", build_output.rstrip()]
    whole = sum(report.whole for report in reports)
    lines += ["", f"{whole} of {len(reports)} pages came over whole."]
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
    reports, old_html = import_site(site, args.project.resolve(), args.today)
    built = build(args.project.resolve(), report_dir / "html")
    prove(reports, old_html, report_dir / "html")
    text = render(reports, built.stdout + built.stderr if built.returncode else "")
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "report.txt").write_text(text, encoding="utf-8")
    (report_dir / "report.json").write_text(
        json.dumps([asdict(report) for report in reports], indent=2) + "\n", encoding="utf-8"
    )
    print(text, end="")
    print(f"Report: {report_dir / 'report.txt'}")
    return 0 if built.returncode == 0 and all(report.whole for report in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
