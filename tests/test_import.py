"""``make import``: an MkDocs policy site brought over whole (tools/mkdocs_import).

The MkDocs site under ``tests/data/mkdocs_site`` was written for these tests:
one page of each kind and each construct the import converts, a page no
navigation lists, a file no page links and a stylesheet of its theme. It is
imported into a copy of this project, in a git repository whose one commit
dates the pages that state no date.
"""

from __future__ import annotations

import datetime
import os
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import conftest
from conftest import sphinx_in_process
from tools.mkdocs_import import fidelity, lint_clean, pages
from tools.mkdocs_import.__main__ import main
from tools.mkdocs_import.convert import convert, html_as_myst, UnconvertibleHTML
from tools.mkdocs_import.processors import cite_page, registry
from tools.mkdocs_import.site import Page
from pathlib import PurePosixPath

MKDOCS_SITE = Path(__file__).parent / "data" / "mkdocs_site"
GIT_DATE = "2022-06-01T12:00:00+00:00"


def copy_project(target: Path) -> Path:
    """This project to import into: its configuration and its sources."""
    return conftest.copy_project(target, [*conftest.PROJECT_FILES, "tools", "source", "pyproject.toml"])


def git_site(target: Path, site: Path = MKDOCS_SITE) -> Path:
    shutil.copytree(site, target)
    environment = {"GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE}
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                     "commit", "-q", "-m", "The site"]):
        subprocess.run(["git", "-C", str(target), *command], check=True, env=environment)
    return target


SIGNED_COMMIT = """\
tree {tree}
author Test <test@example.invalid> 1654084800 +0000
committer Test <test@example.invalid> 1654084800 +0000
gpgsig -----BEGIN PGP SIGNATURE-----
\x20
 iQEzBAABCAAdFiEEexampleexampleexampleexampleexampleFAmKXtest
 -----END PGP SIGNATURE-----

The site
"""


def hostile_git_site(target: Path, ran: Path) -> tuple[Path, str]:
    """The test site whose one commit is signed, in a repository whose .git/config
    names a program that writes to *ran* whenever git runs it; (the site, its commit)."""
    site = git_site(target)
    program = target.parent / "program"
    program.write_text(f"#!/bin/sh\necho \"$@\" >> {ran}\nexit 1\n", encoding="utf-8")
    program.chmod(0o755)
    git = ["git", "-C", str(site)]
    tree = subprocess.run([*git, "rev-parse", "HEAD^{tree}"], capture_output=True, text=True,
                          check=True).stdout.strip()
    commit = subprocess.run([*git, "hash-object", "-t", "commit", "-w", "--stdin"],
                            input=SIGNED_COMMIT.format(tree=tree), capture_output=True, text=True,
                            check=True).stdout.strip()
    subprocess.run([*git, "update-ref", "HEAD", commit], check=True)
    with (site / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {program}\n"
                     f"[core]\n\tfsmonitor = {program}\n[diff]\n\texternal = {program}\n")
    return site, commit


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The test site imported once; returns (exit status, project, report dir).

    Its checkout is hostile (:func:`hostile_git_site`): git reads its history
    and runs none of the programs its configuration names, so the import is
    what it is from any checkout.
    """
    root = tmp_path_factory.mktemp("import")
    project = copy_project(root / "project")
    site, _ = hostile_git_site(root / "mkdocs", root / "ran")
    status = main([str(site), "--project", str(project), "--today", "2026-11-30"])
    return status, project, project / "_build" / "import"


@pytest.fixture(autouse=True)
def builds_in_process():
    """The import's strict build, in this process (conftest.sphinx_in_process), but for
    the first import (the `imported` fixture), whose build is a process as in `make import`."""
    with sphinx_in_process():
        yield


def report_of(report_dir: Path) -> dict[str, dict]:
    return {page["source"]: page for page in json.loads((report_dir / "report.json").read_text())["pages"]}


def front_of(path: Path) -> dict:
    return pages.front_matter(path)[0]


def test_every_page_comes_over_whole(imported):
    status, project, report_dir = imported
    report = (report_dir / "report.txt").read_text()
    assert status == 0, report
    assert "8 of 8 pages came over whole" in report
    html = report_dir / "html"
    for url in ("Privacy-Notice", "example.org/Terms-of-Service", "example.org/code-of-conduct",
                "example.org/code-of-conduct/Reporting", "reference/Request-Response",
                "reference/EF-Style-Guide", "example.org/reports/annual-report-2023"):
        assert (html / url / "index.html").is_file(), url


def test_every_address_of_the_old_site_resolves(imported):
    """Pages in no navigation and files no page links are addresses too; the theme's are not."""
    _, project, report_dir = imported
    report = (report_dir / "report.txt").read_text()
    assert "10 of 10 addresses of the previous site resolve here (8 pages, 2 files)." in report
    html = report_dir / "html"
    assert (html / "example.org/Member-Form.pdf").read_bytes().startswith(b"%PDF")
    assert front_of(project / "source/index.md")["files"] == ["example.org/Member-Form.pdf"]
    assert front_of(project / "source/example.org/reports/annual-report-2023.md")["orphan"] is True
    assert "stylesheets/extra.css: the previous site's look" in report
    assert not (project / "source/stylesheets").exists()


@pytest.fixture(scope="module")
def imported_with_defects(tmp_path_factory):
    """The test site imported with a file the site may not publish and an HTML
    block the import cannot convert; returns (exit status, project, report)."""
    root = tmp_path_factory.mktemp("import-defects")
    site = git_site(root / "mkdocs")
    # A file type the site may not publish: the build refuses it, so its address is lost.
    (site / "docs/example.org/Member-Form.pdf").rename(site / "docs/example.org/Member-Form.html")
    guide = site / "docs/reference/EF-Style-Guide.md"
    guide.write_text(guide.read_text() + "\n<div class=\"box\">\n<p>Boxed words.</p>\n</div>\n\nAfter.\n")
    project = copy_project(root / "project")
    with sphinx_in_process():
        status = main([str(site), "--project", str(project), "--today", "2026-11-30"])
    return status, project, (project / "_build/import/report.txt").read_text()


def test_a_lost_address_is_named_and_fails(imported_with_defects):
    status, _, report = imported_with_defects
    assert status == 1
    assert "LOST address: /example.org/Member-Form.html" in report
    assert "9 of 10 addresses of the previous site resolve here" in report


def test_every_id_of_the_old_site_resolves(imported):
    _, _, report_dir = imported
    page = (report_dir / "html" / "example.org" / "Terms-of-Service" / "index.html").read_text()
    # A fourth-level heading, an id set by hand.
    for ident in ("1-account-controls", "defs", "2-account-security"):
        assert f'id="{ident}"' in page, ident


def import_with(tmp_path: Path, page: str, added: str) -> tuple[int, Path, str]:
    """The test site imported with *added* at the end of *page*: (exit status, project, report)."""
    site = git_site(tmp_path / "mkdocs")
    path = site / "docs" / page
    path.write_text(path.read_text() + added)
    project = copy_project(tmp_path / "project")
    status = main([str(site), "--project", str(project), "--today", "2026-11-30"])
    return status, project, (project / "_build/import/report.txt").read_text()


def test_what_the_import_cannot_make_lint_clean_fails_naming_file_and_line(tmp_path):
    """A repeated heading keeps its old id ("_1"), and the lint's finding on it is the import's failure."""
    status, project, report = import_with(tmp_path, "example.org/Terms-of-Service.md",
                                          "\n#### 2. Account security\n\nThe same again.\n")
    assert status == 1
    assert "LINT source/example.org/Terms-of-Service.md:41: md024: Multiple headings" in report
    assert "8 of 8 pages came over whole" in report
    built = (project / "_build/import/html/example.org/Terms-of-Service/index.html").read_text()
    assert 'id="2-account-security_1"' in built


def test_linked_files_keep_their_address(imported):
    _, _, report_dir = imported
    html = report_dir / "html"
    assert (html / "example.org/code-of-conduct/files/Pledge-Form.pdf").read_bytes().startswith(b"%PDF")
    page = (html / "example.org/code-of-conduct/index.html").read_text()
    assert 'href="files/Pledge-Form.pdf"' in page
    assert "_downloads" not in page


def test_dates_say_where_they_come_from(imported):
    _, project, report_dir = imported
    reports = report_of(report_dir)
    assert reports["Privacy-Notice.md"]["date"] == "2024-03-01"
    assert "stated on line 3" in reports["Privacy-Notice.md"]["date_source"]
    front = front_of(project / "source/Privacy-Notice.md")
    assert front["date"] == datetime.date(2024, 3, 1)
    assert "date-inferred" not in front
    assert front["changes"][0]["summary"].startswith("Version in effect from March 1, 2024, as the notice states")


def test_an_inferred_date_is_marked_listed_and_never_said_to_be_in_effect(imported):
    _, project, report_dir = imported
    reports = report_of(report_dir)
    terms = reports["example.org/Terms-of-Service.md"]
    assert terms["date"] == "2022-06-01"
    assert terms["date_source"].startswith("inferred: author date of the last commit to the page")
    assert terms["date_to_confirm"] and not reports["Privacy-Notice.md"]["date_to_confirm"]
    front = front_of(project / "source/example.org/Terms-of-Service.md")
    assert front["date"] == datetime.date(2022, 6, 1)
    assert "confirm it, then delete this field" in front["date-inferred"]
    assert "in effect" not in front["changes"][0]["summary"]
    assert "the notice states no date" in front["changes"][0]["summary"]
    report = (report_dir / "report.txt").read_text()
    listed = report.split("Dates inferred, for an editor to confirm")[1]
    assert "source/example.org/Terms-of-Service.md: 2022-06-01" in listed
    assert "source/Privacy-Notice.md" not in listed
    # The page's history on the previous site, offered for review.
    assert terms["history"][0].endswith(" 2022-06-01 The site")


def test_guides_procedures_and_letters_keep_the_date_readers_saw(imported):
    _, project, _ = imported
    assert front_of(project / "source/example.org/code-of-conduct/Reporting.md")["date"] == \
        datetime.date(2023, 1, 5)
    letter = front_of(project / "source/reference/Request-Response.md")
    assert letter["date"] == datetime.date(2022, 6, 1)
    assert "date-inferred" in letter


def test_titles_are_the_ones_readers_saw(imported):
    _, project, report_dir = imported
    reports = report_of(report_dir)
    assert reports["reference/EF-Style-Guide.md"]["title"] == "EF Style Guide"
    assert "# EF Style Guide" in (project / "source/reference/EF-Style-Guide.md").read_text()
    assert reports["reference/Request-Response.md"]["title"] == "Request Response Letter"


@pytest.mark.parametrize(("source", "title"), [
    ("reference/SSDF-Answer.md", "SSDF Answer"),
    ("reference/request-answer.md", "Request answer"),
    ("example/index.md", "Example"),
])
def test_a_title_from_the_file_name_is_the_one_mkdocs_gives(source, title):
    assert pages.fallback_title(Page(PurePosixPath(source), None)) == title


def test_each_page_gets_its_kind(imported):
    _, _, report_dir = imported
    kinds = {source: page["kind"] for source, page in report_of(report_dir).items()}
    assert kinds["Privacy-Notice.md"] == "notice"
    assert kinds["example.org/code-of-conduct/Reporting.md"] == "procedure"
    assert kinds["reference/Request-Response.md"] == "letter"
    assert kinds["reference/EF-Style-Guide.md"] == "guide"
    assert kinds["example.org/reports/annual-report-2023.md"] == "report"
    assert kinds["index.md"] == "site"


def test_the_old_home_page_text_is_above_the_site_map(imported):
    _, project, report_dir = imported
    home = (project / "source" / "index.md").read_text()
    assert home.index("for every site it runs") < home.index("```{site-map}")
    built = (report_dir / "html" / "index.html").read_text()
    assert 'id="example-policies"' in built


def test_navigation_has_the_live_titles_and_keeps_the_site_pages(imported):
    _, project, _ = imported
    navigation = yaml.safe_load((project / "source/_data/navigation.yaml").read_text())
    assert navigation["live_site"] == "https://policies.example.org/"
    text = json.dumps(navigation)
    assert '"title": "Reporting an Incident", "path": "example.org/code-of-conduct/Reporting"' in text
    assert '"title": "Code of conduct", "path": "example.org/code-of-conduct"' in text
    assert '"path": "Third-Party-Processors"' in text


def test_the_report_lists_each_conversion_with_its_line(imported):
    _, _, report_dir = imported
    report = (report_dir / "report.txt").read_text()
    for conversion in (
        "Privacy-Notice.md:9: abbreviation EF",
        "Privacy-Notice.md:5: remote image → link",
        "Privacy-Notice.md:7: <example.org> → example.org",
        "Privacy-Notice.md:21: admonition 'note'",
        "Privacy-Notice.md:29: template placeholder line removed",
        "example.org/Terms-of-Service.md:9: heading level H4 → H3",
        "example.org/code-of-conduct/index.md:7: hard line break",
        "example.org/code-of-conduct/index.md:1: no H1",
        "reference/Request-Response.md:4: no H1: title 'Request Response Letter'",
        "reference/Request-Response.md:9: hard line break",
    ):
        assert conversion in report, conversion


def commit_site(site: Path, message: str, date: str) -> None:
    subprocess.run(["git", "-C", str(site), "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                    "commit", "-q", "-am", message], check=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})


def copy_of(imported, target: Path) -> tuple[Path, Path]:
    """A copy of the imported project and of its site (the first import's outcome) in *target*."""
    status, project, _ = imported
    assert status == 0
    return (shutil.copytree(project.parent / "mkdocs", target / "mkdocs", symlinks=True),
            shutil.copytree(project, target / "project", symlinks=True))


@pytest.fixture(scope="module")
def imported_older(tmp_path_factory):
    """The test site with an older notice (a typo, no processors section), imported once.

    Its terms of service changed twice since the first commit: once only
    rewrapped, once reworded.
    """
    root = tmp_path_factory.mktemp("import-older")
    site = git_site(root / "mkdocs")
    terms = site / "docs/example.org/Terms-of-Service.md"
    first_terms = terms.read_text()
    terms.write_text(first_terms.replace("You control your account.", "You control\nyour account."))
    commit_site(site, "Wrap a line", "2023-01-01T12:00:00+00:00")
    notice = site / "docs/Privacy-Notice.md"
    older = notice.read_text().replace("may collect the following", "may colect the following")
    notice.write_text(older.split("## 3. Processors")[0])
    commit_site(site, "The notice as it was", "2023-03-01T12:00:00+00:00")
    terms.write_text(first_terms.replace("You control your account.", "You alone control your account."))
    commit_site(site, "Say who controls the account", "2024-02-02T12:00:00+00:00")
    project = copy_project(root / "project")
    with sphinx_in_process():
        status = main([str(site), "--project", str(project), "--today", "2026-11-01"])
    return status, project, project / "_build" / "import"


@pytest.mark.parametrize("record", [True, False])
def test_a_page_that_exists_is_merged_keeping_its_structure_with_a_redline(
    imported_older, tmp_path, record
):
    """The project's own fixes and markup stay, the previous site's later changes come over.

    The text the page was made from is the last import's (the record), or else
    the version of the page's history closest to it.
    """
    site, project = copy_of(imported_older, tmp_path)  # imported on 2026-11-01
    notice = site / "docs/Privacy-Notice.md"
    newer = (MKDOCS_SITE / "docs/Privacy-Notice.md").read_text()
    arguments = [str(site), "--project", str(project), "--today"]
    page = project / "source/Privacy-Notice.md"
    # The project's editors fix a word, label a heading and date their fix.
    text = page.read_text().replace("may colect", "may collect").replace(
        "## 1. Information We Collect", "(information)=\n## 1. Information We Collect")
    page.write_text(text.replace("changes:\n", "# Reviewed by counsel.\nchanges:\n  - date: 2026-11-29\n"
                                                "    kind: editorial\n    summary: Corrected a word.\n", 1))
    edited_front = page.read_text().split("\n---\n")[0].split("\n")
    if not record:
        (project / "source/_data/imported.yaml").unlink()
    notice.write_text(newer.replace("may collect the following", "may colect the following"))
    commit_site(site, "Processors named", "2024-05-01T12:00:00+00:00")
    assert main([*arguments, "2026-11-30"]) == 0, (project / "_build/import/report.txt").read_text()
    front, body = pages.front_matter(page)
    # The front matter as the editors wrote it, line for line, with the import's entry added.
    merged_front = page.read_text().split("\n---\n")[0].split("\n")
    remaining = iter(merged_front)
    assert all(line in remaining for line in edited_front)  # in order, none lost
    assert merged_front[5] == "  - date: 2026-11-30"
    assert [str(change["date"]) for change in front["changes"]] == ["2026-11-30", "2026-11-29", "2024-03-01"]
    assert front["changes"][0]["kind"] == "editorial"
    assert front["changes"][0]["summary"].startswith(
        "Text merged with the previous site’s, as last changed there on May 1, 2024: its changes came over")
    assert front["date"] == datetime.date(2024, 3, 1)
    assert "may collect the following information:" in body and "colect" not in body
    assert "(information)=\n## 1. Information We Collect" in body
    assert "- {processor}`Fastly <fastly>` to deliver the example.org pages. {processor-terms}`fastly`" in body
    redline = (project / "_build/import/redline/source/Privacy-Notice.md.diff").read_text()
    assert "+- {processor}`Fastly <fastly>`" in redline
    report = report_of(project / "_build/import")["Privacy-Notice.md"]
    assert report["kept_here"] == ["the ef may colect the following information"]
    assert report["cites"] == ["fastly"]
    assert ("since the last import" if record else "closest to it") in report["state"]


def test_where_both_changed_a_passage_the_previous_sites_text_is_taken_and_named():
    from tools.mkdocs_import.merge import merge
    base = "# T\n\nFirst.\n\n- a\n- b\n\n## H\n\nOld body.\n"
    project = "# T\n\nFirst,\nrewrapped.\n\n- a\n- b\n\n(h)=\n## H\n\nOur body.\n"
    live = "# T\n\nFirst.\n\n- a\n- b\n- c\n\n## H\n\nTheir body.\n"
    merged = merge(base, project, live)
    # The project's rewrapping stays; its label and body, changed where the other side changed
    # the body, give way (the import puts labels back above their headings: pages.keep_labels).
    assert merged.text == "# T\n\nFirst,\nrewrapped.\n\n- a\n- b\n- c\n\n## H\n\nTheir body.\n"
    assert merged.conflicts == ["## H Their body."]
    assert merged.not_taken == ["First."]
    assert pages.keep_labels(project, merged.text).endswith("- c\n\n(h)=\n## H\n\nTheir body.\n")


def test_the_processors_page_knows_who_cites_whom(imported):
    _, project, report_dir = imported
    body = (project / "source/Privacy-Notice.md").read_text()
    assert "- {processor}`Fastly <fastly>` to deliver the example.org pages. {processor-terms}`fastly`" in body
    processors = json.loads((report_dir / "html" / "processors.json").read_text())
    fastly = next(entry for entry in processors["processors"] if entry["id"] == "fastly")
    assert "Privacy-Notice" in [cited["notice"] for cited in fastly["cited_by"]], fastly


def test_a_processor_sentence_worded_otherwise_keeps_its_words():
    text = ("- Fastly to deliver pages. Their use is subject to the "
            "[Data Processing Terms](https://www.fastly.com/data-processing) and nothing else.\n")
    cited, found, plain = cite_page(text, registry(conftest.ROOT / "source"))
    assert cited == "- {processor}`Fastly <fastly>` to deliver pages. Their use is subject to the " \
        "[Data Processing Terms](https://www.fastly.com/data-processing) and nothing else.\n"
    assert found == ["fastly"]
    assert plain == ["https://www.fastly.com/data-processing"]
    assert cite_page("- Fastly, nothing linked.\n", registry(conftest.ROOT / "source"))[1] == []


def test_a_notice_without_any_date_is_not_written_and_fails(tmp_path):
    site = tmp_path / "mkdocs"
    shutil.copytree(MKDOCS_SITE, site)  # no git history, and the page states no date
    project = copy_project(tmp_path / "project")
    assert main([str(site), "--project", str(project)]) == 1
    report = (project / "_build/import/report.txt").read_text()
    assert "none: the page states no date and has no git history" in report
    assert not (project / "source/example.org/Terms-of-Service.md").exists()


def test_a_site_that_cannot_be_read_names_the_file(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text("nav: [\n", encoding="utf-8")
    assert main([str(tmp_path), "--project", str(copy_project(tmp_path / "project"))]) == 2
    assert "mkdocs.yml:2: invalid YAML" in capsys.readouterr().err


def tree_of(project: Path) -> list:
    return sorted((path.relative_to(project), path.read_bytes() if path.is_file() else b"")
                  for path in project.rglob("*") if "_build" not in path.parts)


def refused(tmp_path: Path, site: Path, capsys) -> str:
    """Import *site*, which must be refused (exit 2) with nothing of the project changed; its message."""
    project = copy_project(tmp_path / "project")
    before = tree_of(project)
    assert main([str(site), "--project", str(project)]) == 2
    assert tree_of(project) == before
    return capsys.readouterr().err


@pytest.mark.parametrize("page", ["../outside.md", "/etc/hostname.md", "missing.md"])
def test_a_navigation_entry_out_of_docs_dir_is_refused(tmp_path, capsys, page):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "outside.md").write_text("# Secret\n", encoding="utf-8")
    (site / "docs" / "inside.md").write_text("# Inside\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text(f"site_name: S\nnav:\n  - {page}\n", encoding="utf-8")
    assert f"the navigation names {page}, which is not in docs_dir" in refused(tmp_path, site, capsys)


@pytest.mark.parametrize("link", ["leak.md", "folder", "form.pdf", "folder-inside"])
@pytest.mark.parametrize("nav", [False, True])
def test_a_page_or_file_that_is_or_passes_through_a_link_is_refused(tmp_path, capsys, link, nav):
    """With a navigation or without one (every page of docs_dir), a link is refused before anything is written."""
    site = tmp_path / "site"
    docs = site / "docs"
    (docs / "real").mkdir(parents=True)
    (docs / "real" / "page.md").write_text("# A page of the site\n\nIts words.\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret words of the machine\n", encoding="utf-8")
    if link == "leak.md":
        (docs / "leak.md").symlink_to(outside / "secret.md")
    elif link == "folder":
        (docs / "folder").symlink_to(outside)
    elif link == "form.pdf":
        (docs / "form.pdf").symlink_to(outside / "secret.md")
    else:  # a link to a folder inside docs_dir: a page reached through it is refused too
        (docs / "folder-inside").symlink_to(docs / "real")
    listed = {"leak.md": "leak.md", "folder": "folder/secret.md", "form.pdf": "real/page.md",
              "folder-inside": "folder-inside/page.md"}[link]
    nav = f"nav:\n  - {listed}\n" if nav else ""
    (site / "mkdocs.yml").write_text(f"site_name: S\n{nav}", encoding="utf-8")
    assert f"docs/{link}: a symbolic link in docs_dir" in refused(tmp_path, site, capsys)


def test_a_site_without_links_and_without_navigation_comes_over(tmp_path):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "Guide.md").write_text("# A Short Guide\n\nWords of the guide.\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    git_site(tmp_path / "git", site)
    project = copy_project(tmp_path / "project")
    assert main([str(tmp_path / "git"), "--project", str(project)]) == 0
    assert "Words of the guide." in (project / "source/Guide.md").read_text()


def test_git_runs_with_no_configuration_of_the_imported_folder(imported, tmp_path):
    """The folder's .git/config names programs: git reads its history and runs none of them."""
    _, project, report_dir = imported
    ran = project.parent / "ran"
    assert not ran.exists(), ran.read_text()
    commit = subprocess.run(["git", "-C", str(project.parent / "mkdocs"), "rev-parse", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    # The configuration is hostile: git itself, run in such a folder, runs the program.
    site, _ = hostile_git_site(tmp_path / "mkdocs", tmp_path / "ran")
    subprocess.run(["git", "-C", str(site), "log", "-1", "--", "docs/Privacy-Notice.md"],
                   capture_output=True, check=False)
    assert (tmp_path / "ran").exists()
    terms = report_of(report_dir)["example.org/Terms-of-Service.md"]
    assert terms["date"] == "2022-06-01"
    assert terms["history"] == [f"{commit[:12]} 2022-06-01 The site"]


def test_the_proof_names_lost_text_and_ids():
    old = '<h2 id="1-scope">1. Scope</h2><p>We keep names.</p><ul><li>Emails</li></ul>'
    whole = '<article><h2 id="1-scope">1. Scope<a class="headerlink">#</a></h2>' \
            '<p>We keep names.</p><ul><li>Emails</li></ul></article>'
    assert fidelity.prove(old, whole, []).holds
    lossy = '<article><h2 id="scope">1. Scope</h2><p>We keep.</p><ul><li>Emails</li></ul></article>'
    proof = fidelity.prove(old, lossy, [])
    assert proof.lost_units == ["we keep names"]
    assert proof.lost_ids == ["1-scope"]


def test_the_proof_reads_a_code_block_and_only_the_built_page_s_main_content():
    old = "<p>Run it:</p><pre><code>make html</code></pre>"
    kept = '<article role="main"><p>Run it:</p><pre>make html</pre></article>'
    assert fidelity.prove(old, kept, []).holds
    moved = '<nav><pre>make html</pre></nav><article role="main"><p>Run it:</p></article>'
    assert fidelity.prove(old, moved, []).lost_units == ["make html"]


@pytest.mark.parametrize(("source", "expected"), [
    ('!!! note "Heads up"\n    Body text.\n', '```{admonition} Heads up\n:class: note\nBody text.\n```'),
    ("!!! warning\n    Careful.\n", "```{warning}\nCareful.\n```"),
    ("*[EF]: Example Foundation\n\nThe EF and `EF`.\n",
     "The {abbr}`EF (Example Foundation)` and `EF`."),
    ("Street 1  \nTown\n", "Street 1\\\nTown"),
    ("![badge](https://img.example/b.svg)\n", "[badge](https://img.example/b.svg)"),
    ("From <python.org> users.\n", "From python.org users."),
    ("# T\n\n## A\n\n#### B\n\n#### C\n\n### D\n", "## A\n\n### B\n\n### C\n\n### D"),
    ("Text.\n", "# Fallback\n\nText."),
    ("See [the terms](http://example.org/terms).\n", "See [the terms](https://example.org/terms)."),
    ("[![CC](https://img.example/cc.png)](https://creativecommons.org/)\n",
     "[CC](https://creativecommons.org/)"),
    ("# T\n\n```\n!!! note\n<python.org>\n```\n", "```\n!!! note\n<python.org>\n```"),
    ("# T\n\nScope\n-----\n\nText.\n", "## Scope\n\n\nText."),
    ("# T\n\n# Attribution\n\n## Sources\n", "## Attribution\n\n### Sources"),
    ("# T\n\nThe cases:\n- one\n- two\n", "The cases:\n\n- one\n- two"),
    ("See the notice (https://example.org/privacy/).\n", "See the notice (<https://example.org/privacy/>)."),
    ("[a](https://example.org/a) and `https://example.org/b`\n", "[a](https://example.org/a) and `https://example.org/b`"),
])
def test_each_construct_is_converted(source, expected):
    assert expected in convert(source, "Fallback").text


@pytest.mark.parametrize(("source", "expected"), [
    ("# Isn't it?\n\nThe users' data, 30 days' notice.\n", "# Isn’t it?\n\nThe users’ data, 30 days’ notice.\n"),
    ("Say 'we have a report' now.\n", "Say ‘we have a report’ now.\n"),
    ('Read "[the guide](https://example.org/)” first.\n', "Read “[the guide](https://example.org/)” first.\n"),
    ("Code `it's` and [a link](https://example.org/it's) stay.\n",
     "Code `it's` and [a link](https://example.org/it's) stay.\n"),
])
def test_quotes_of_an_imported_page_take_the_form_their_place_tells(source, expected):
    assert lint_clean.typographic_quotes(source) == expected


def test_a_root_relative_link_leads_where_it_led_on_the_live_site():
    converted = convert("# T\n\nSee [the procedures](/psf/conduct/enforcement).\n", "T",
                        site_url="https://policies.example.org/")
    assert "[the procedures](https://policies.example.org/psf/conduct/enforcement)" in converted.text


def test_placeholder_lines_are_removed_and_reported():
    converted = convert("# T\n\nUpdated: {{ git_revision_date_localized }}\n", "T")
    assert "{{" not in converted.text
    assert converted.removed_lines == ["Updated: {{ git_revision_date_localized }}"]
    assert converted.uses_git_date


def test_a_heading_whose_old_id_differs_gets_a_target():
    converted = convert("# T\n\n## Definitions {#defs}\n", "T", ["t", "defs"])
    assert "(defs)=\n## Definitions" in converted.text
    assert "{#defs}" not in converted.text


def test_an_html_table_comes_over_as_a_markdown_table(imported):
    _, project, report_dir = imported
    body = (project / "source/example.org/code-of-conduct/Reporting.md").read_text()
    assert "| Step | Who \\& when |\n| --- | --- |\n| Write down what happened | The reporter, *soon* |" in body
    assert "<table" not in body and "<td" not in body
    built = (report_dir / "html/example.org/code-of-conduct/Reporting/index.html").read_text()
    assert "<td><p>The reporter, <em>soon</em></p></td>" in built or "The reporter, <em>soon</em>" in built
    assert "example.org/code-of-conduct/Reporting.md:14: HTML table → Markdown table" in \
        (report_dir / "report.txt").read_text()


@pytest.mark.parametrize(("html", "expected"), [
    ("<table><tr><th>A</th><th>B</th></tr><tr><td>1 | 2</td><td><code>x</code></td></tr></table>",
     ["| A | B |", "| --- | --- |", "| 1 \\| 2 | `x` |"]),
    ('<table id="steps"><tr><td>one<br>two</td><td><a href="https://example.org/">the site</a></td></tr></table>',
     ["(steps)=", "```{list-table}", ":header-rows: 0", "", "* - one\\\n    two",
      "  - [the site](<https://example.org/>)", "```"]),
])
def test_each_html_table_form_is_converted(html, expected):
    assert html_as_myst(html) == expected


@pytest.mark.parametrize(("html", "problem"), [
    ("<div>Words</div>", "an HTML <div> block"),
    ("<table><tr><td><img src='x.png'></td></tr></table>", "a <img> in an HTML table"),
    ("<table><tr><td colspan='2'>A</td></tr></table>", "merged cells"),
    ("<table><tr><td>A</td></tr><tr><td>B</td><td>C</td></tr></table>", "different numbers of cells"),
])
def test_an_html_block_that_cannot_be_converted_is_named(html, problem):
    with pytest.raises(UnconvertibleHTML, match=problem):
        html_as_myst(html)


def test_an_html_block_left_out_fails_naming_file_and_line(imported_with_defects):
    status, project, report = imported_with_defects
    assert status == 1
    assert "FAILED: reference/EF-Style-Guide.md:3: an HTML <div> block: left out" in report
    written = (project / "source/reference/EF-Style-Guide.md").read_text()
    assert "<div" not in written and "After." in written


def sources_of(project: Path) -> dict[str, bytes]:
    """What an import writes: the sources, the spelling word list and the accepted findings."""
    paths = [*(project / "source").rglob("*"), project / lint_clean.WORDLIST, project / "tools/accepted-findings.yaml"]
    return {str(path.relative_to(project)): path.read_bytes() for path in sorted(paths) if path.is_file()}


def test_a_second_import_changes_nothing_and_keeps_an_editors_change(imported, tmp_path):
    site, project = copy_of(imported, tmp_path)  # imported on 2026-11-30
    arguments = [str(site), "--project", str(project), "--today"]
    first = sources_of(project)
    # An editor's change to a page the previous site has not changed since.
    terms = project / "source/example.org/Terms-of-Service.md"
    terms.write_text(terms.read_text().replace("You control your account.", "You alone control your account."))
    edited = sources_of(project)
    assert [name for name in edited if edited[name] != first[name]] == [
        "source/example.org/Terms-of-Service.md"]
    # Imported again, nothing changes: every page and file as it was, the editor's change with them.
    assert main([*arguments, "2026-12-02"]) == 0
    assert sources_of(project) == edited
    assert "left as it is" in (project / "_build/import/report.txt").read_text()
    page = site / "docs/example.org/Terms-of-Service.md"
    page.write_text(page.read_text().replace("You keep your password secret.", "You keep your password safe."))
    assert main([*arguments, "2026-12-03"]) == 0
    # A page the previous site changed comes over again, merged: its change, and the editor's, stay.
    assert "You keep your password safe." in terms.read_text()
    assert "You alone control your account." in terms.read_text()
    assert "+You keep your password safe." in \
        (project / "_build/import/redline/source/example.org/Terms-of-Service.md.diff").read_text()
    after = sources_of(project)
    assert sorted(name for name in after if after[name] != edited.get(name)) == [
        "source/_data/imported.yaml", "source/example.org/Terms-of-Service.md"]


def test_the_imports_entry_takes_its_place_among_newer_and_older_entries():
    changes = [{"date": datetime.date(2026, 11, 29), "kind": "editorial", "summary": "Newer."},
               {"date": datetime.date(2024, 10, 4), "kind": "material", "summary": "Older."}]
    entry = {"date": datetime.date(2026, 2, 10), "kind": "editorial", "summary": "The import's."}
    assert [change["summary"] for change in pages.with_change(changes, entry)] == ["Newer.", "The import's.", "Older."]
    same_day = {"date": datetime.date(2026, 11, 29), "kind": "editorial", "summary": "Same day."}
    assert [change["summary"] for change in pages.with_change(changes, same_day)] == ["Same day.", "Newer.", "Older."]


def test_the_history_offered_is_each_commit_that_changed_the_words(imported_older):
    status, _, report_dir = imported_older
    assert status == 0
    terms = report_of(report_dir)["example.org/Terms-of-Service.md"]
    assert [entry.split(" ", 1)[1] for entry in terms["history"]] == [
        "2024-02-02 Say who controls the account", "2022-06-01 The site"]
    # The date readers saw is the last commit's, whatever it changed.
    assert terms["date"] == "2024-02-02"


@pytest.mark.parametrize(("shown", "summary"), [
    (True, "Text brought over from the previous site, which showed it as last updated June 1, 2022: "
           "the date of its last commit there; the notice states no date."),
    (False, "Text brought over from the previous site, dated by its last commit there, June 1, 2022; "
            "the notice states no date."),
])
def test_a_notices_first_entry_says_what_is_known_of_its_date(shown, summary):
    from tools.mkdocs_import.dates import PageDate
    inferred = PageDate(datetime.date(2022, 6, 1), "inferred: a commit", inferred=True)
    assert pages.history_entry(inferred, shown)["summary"] == summary
    stated = PageDate(datetime.date(2022, 6, 1), "stated", words="Last updated June 1, 2022")
    assert pages.history_entry(stated, shown)["summary"] == \
        "Text brought over from the previous site, which states “Last updated June 1, 2022”."


@pytest.mark.parametrize("layout", ["packed refs", "detached", "linked work tree", "no repository"])
def test_the_history_is_read_from_the_refs_as_files(tmp_path, layout):
    from tools.mkdocs_import.history import SourceHistory
    site = git_site(tmp_path / "mkdocs")
    git = ["git", "-C", str(site)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    if layout == "packed refs":
        subprocess.run([*git, "pack-refs", "--all"], check=True)
    elif layout == "detached":
        subprocess.run([*git, "checkout", "-q", "--detach"], check=True)
    elif layout == "linked work tree":
        subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "linked")], check=True)
        site = tmp_path / "linked"
    else:
        shutil.rmtree(site / ".git")
    with SourceHistory(site) as history:
        commits = history.commits(site / "docs" / "Privacy-Notice.md")
        if layout == "no repository":
            assert (history.head, commits) == (None, [])
        else:
            assert history.head == head
            assert [commit.name for commit in commits] == [head]
            assert history.text_at(commits[0], site / "docs" / "Privacy-Notice.md").startswith("# Example Privacy")


def test_a_link_saying_only_here_takes_in_its_clause_with_the_same_words(imported):
    _, project, report_dir = imported
    page = (project / "source/example.org/code-of-conduct/Reporting.md").read_text()
    assert ("(a timeline helps; [an example is here](https://example.org/timeline), and "
            "[a form here](https://example.org/form)).]") in page
    report = (report_dir / "report.txt").read_text()
    assert "Reporting.md:10: link text 'here' → 'an example is here' (the same words)" in report


@pytest.mark.parametrize(("line", "widened"), [
    ("Sizes vary; the table is [here](https://example.org/t).", "Sizes vary; [the table is here](https://example.org/t)."),
    ("- Read [more](https://example.org/m)", "- [Read more](https://example.org/m)"),
    ("One, or the other is [link](https://example.org/l).", "One, or [the other is link](https://example.org/l)."),
    ("The *guide* is [here](https://example.org/g).", None),
    ("[Here](https://example.org/h) it is.", None),
])
def test_only_a_link_with_plain_words_before_it_is_widened_and_md059_then_passes(line, widened):
    from pymarkdown.api import PyMarkdownApi

    def md059(text: str) -> list:
        scan = PyMarkdownApi().configuration_file_path(str(conftest.ROOT / "pyproject.toml")).scan_string(text)
        return [failure for failure in scan.scan_failures if failure.rule_id.lower() == "md059"]

    converted = convert(f"# T\n\n{line}\n", "T").text
    assert md059(f"# T\n\n{line}\n")
    if widened is None:
        assert line in converted and md059(converted)
    else:
        assert widened in converted and not md059(converted)


def test_words_only_an_editor_may_correct_are_kept_and_accepted_for_review(imported, tmp_path):
    from tools import policy_lint

    status, project, report_dir = imported
    assert status == 0
    page = project / "source/example.org/code-of-conduct/Reporting.md"
    assert "(https://example.org/form)).]" in page.read_text()
    accepted = yaml.safe_load((project / "tools/accepted-findings.yaml").read_text())
    assert accepted == [{"page": "example.org/code-of-conduct/Reporting.md", "rule": "unbalanced-brackets",
                         "line": next(line for line in page.read_text().splitlines() if line.endswith(").]")),
                         "why": lint_clean.KEPT_AS_WRITTEN}]
    assert ("KEPT source/example.org/code-of-conduct/Reporting.md:16: unbalanced-brackets:"
            " ']' closes nothing in this paragraph") in (report_dir / "report.txt").read_text()
    # Corrected by an editor, the entry no longer accepts anything and is named, at its line.
    _, copy = copy_of(imported, tmp_path)
    corrected = copy / "source/example.org/code-of-conduct/Reporting.md"
    corrected.write_text(corrected.read_text().replace(")).]", "))."))
    findings = policy_lint.check_paths([copy / "source"], copy / "source")
    assert [(finding.line, finding.rule) for finding in findings] == [(6, "accepted-finding")]
    assert findings[0].message.startswith("example.org/code-of-conduct/Reporting.md has no 'unbalanced-brackets'")
