"""``make import``: an MkDocs policy site brought over whole (tools/mkdocs_import).

The MkDocs site under ``tests/data/mkdocs_site`` was written for these tests:
one page of each kind and each construct the import converts. It is imported
into a copy of this project, in a git repository whose one commit dates the
pages that state no date.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import conftest
from tools.mkdocs_import import fidelity
from tools.mkdocs_import.__main__ import main
from tools.mkdocs_import.convert import convert

MKDOCS_SITE = Path(__file__).parent / "data" / "mkdocs_site"
GIT_DATE = "2022-06-01T12:00:00+00:00"


def copy_project(target: Path) -> Path:
    """This project to import into: its configuration and its sources."""
    return conftest.copy_project(target, [*conftest.PROJECT_FILES, "source"])


def git_site(target: Path, site: Path = MKDOCS_SITE) -> Path:
    shutil.copytree(site, target)
    environment = {"GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE}
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                     "commit", "-q", "-m", "The site"]):
        subprocess.run(["git", "-C", str(target), *command], check=True, env=environment)
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The test site imported once; returns (exit status, project, report dir, output)."""
    root = tmp_path_factory.mktemp("import")
    project = copy_project(root / "project")
    site = git_site(root / "mkdocs")
    status = main([str(site), "--project", str(project), "--today", "2026-11-30"])
    return status, project, project / "_build" / "import"


def report_of(report_dir: Path) -> dict[str, dict]:
    return {page["source"]: page for page in json.loads((report_dir / "report.json").read_text())}


def test_every_page_comes_over_whole(imported):
    status, project, report_dir = imported
    report = (report_dir / "report.txt").read_text()
    assert status == 0, report
    assert "6 of 6 pages came over whole." in report
    html = report_dir / "html"
    for url in ("Privacy-Notice", "example.org/Terms-of-Service", "example.org/code-of-conduct",
                "example.org/code-of-conduct/Reporting", "reference/Request-Response"):
        assert (html / url / "index.html").is_file(), url


def test_every_id_of_the_old_site_resolves(imported):
    _, _, report_dir = imported
    page = (report_dir / "html" / "example.org" / "Terms-of-Service" / "index.html").read_text()
    # A fourth-level heading, an id set by hand, a repeated title's "_1".
    for ident in ("1-account-controls", "defs", "2-account-security", "2-account-security_1"):
        assert f'id="{ident}"' in page, ident


def test_linked_files_keep_their_address(imported):
    _, _, report_dir = imported
    html = report_dir / "html"
    assert (html / "example.org/code-of-conduct/files/Pledge-Form.pdf").read_bytes().startswith(b"%PDF")
    page = (html / "example.org/code-of-conduct/index.html").read_text()
    assert 'href="files/Pledge-Form.pdf"' in page
    assert "_downloads" not in page


def test_dates_say_where_they_come_from(imported):
    _, project, report_dir = imported
    pages = report_of(report_dir)
    assert pages["Privacy-Notice.md"]["date"] == "2024-03-01"
    assert "stated on line 3" in pages["Privacy-Notice.md"]["date_source"]
    assert pages["example.org/Terms-of-Service.md"]["date"] == "2022-06-01"
    assert "author date of commit" in pages["example.org/Terms-of-Service.md"]["date_source"]
    front = yaml.safe_load((project / "source/Privacy-Notice.md").read_text().split("---")[1])
    assert str(front["date"]) == "2024-03-01"
    assert front["changes"][0]["kind"] == "material"


def test_each_page_gets_its_kind(imported):
    _, _, report_dir = imported
    kinds = {source: page["kind"] for source, page in report_of(report_dir).items()}
    assert kinds["Privacy-Notice.md"] == "notice"
    assert kinds["example.org/code-of-conduct/Reporting.md"] == "procedure"
    assert kinds["reference/Request-Response.md"] == "letter"


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


def test_a_page_that_exists_is_updated_in_place_keeping_its_history(tmp_path):
    project = copy_project(tmp_path / "project")
    existing = project / "source" / "Privacy-Notice.md"
    existing.write_text(
        "---\ndescription: An example notice that was here before the import.\n"
        "date: 2023-05-01\nchanges:\n  - date: 2023-05-01\n    kind: material\n"
        "    summary: First version.\n---\n\n# Example Privacy Notice\n\nOld text.\n",
        encoding="utf-8",
    )
    site = git_site(tmp_path / "mkdocs")
    assert main([str(site), "--project", str(project), "--today", "2026-11-30"]) == 0
    front = yaml.safe_load(existing.read_text().split("---")[1])
    assert front["description"] == "An example notice that was here before the import."
    assert [str(change["date"]) for change in front["changes"]] == ["2024-03-01", "2023-05-01"]
    assert str(front["date"]) == "2024-03-01"
    assert "Old text." not in existing.read_text()


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


@pytest.mark.parametrize("page", ["../outside.md", "/etc/hostname.md", "linked.md"])
def test_a_navigation_entry_out_of_docs_dir_is_refused(tmp_path, capsys, page):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "outside.md").write_text("# Secret\n", encoding="utf-8")
    (site / "docs" / "linked.md").symlink_to(site / "outside.md")
    (site / "mkdocs.yml").write_text(f"site_name: S\nnav:\n  - {page}\n", encoding="utf-8")
    project = conftest.copy_project(tmp_path / "project", [*conftest.PROJECT_FILES, "source"])
    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    assert main([str(site), "--project", str(project)]) == 2
    assert f"the navigation names {page}, which is not in docs_dir" in capsys.readouterr().err
    assert sorted(path.relative_to(project) for path in project.rglob("*")) == before


def test_the_proof_names_lost_text_and_ids():
    old = '<h2 id="1-scope">1. Scope</h2><p>We keep names.</p><ul><li>Emails</li></ul>'
    whole = '<article><h2 id="1-scope">1. Scope<a class="headerlink">#</a></h2>' \
            '<p>We keep names.</p><ul><li>Emails</li></ul></article>'
    assert fidelity.prove(old, whole, []).holds
    lossy = '<article><h2 id="scope">1. Scope</h2><p>We keep.</p><ul><li>Emails</li></ul></article>'
    proof = fidelity.prove(old, lossy, [])
    assert proof.lost_units == ["we keep names"]
    assert proof.lost_ids == ["1-scope"]


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
])
def test_each_construct_is_converted(source, expected):
    assert expected in convert(source, "Fallback").text


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
