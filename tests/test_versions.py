"""Every version of a notice at its own address, and a change announced before it applies
(policy_sphinx_extensions.versions and the modules it sets up).

One git repository, made here, holds a notice committed in two material
versions, an editorial fix of the first, and a third version dated
2027-01-15. It is built once on the day before that date and once on it; the
tests that only read those builds share them.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from xml.etree import ElementTree

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace
from conftest import HOME_PAGE, ROOT, GitProject, navigation, sphinx_build, write_project
from conftest import notice

from policy_core import git_history as notice_history
from policy_core import yamldata
from policy_sphinx_extensions.versions import redlines as version_redlines
from tools import check_build_inputs

BASE_URL = "https://policies.python.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FIRST = [("2024-10-04", "material", "First version.")]
FIXED = [("2025-01-10", "editorial", "Full name.")] + FIRST
SECOND = [("2025-06-01", "material", "Email too.")] + FIXED
THIRD = [("2027-01-15", "material", "Phone too.")] + SECOND


def source_at(date: str, changes, body: str) -> str:
    """A described notice of *date* and *changes*, holding *body*."""
    return notice(f"{body}\n", date=date, changes=changes,
                  fields="description: An example notice.\n")


# The change history (which sets up the versions), and the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.site.feed", "policy_sphinx_extensions.navigation"]
NAVIGATION = navigation(("Example Notice", "example/Notice"), ("Changes", "changes"))
CHANGES = "---\nkind: site\n---\n\n# Changes\n\n```{change-history}\n```\n\n## Versions\n\n```{notice-versions}\n```\n"


def history(repo: GitProject) -> GitProject:
    repo.commit({"index.md": HOME_PAGE, "changes.md": CHANGES, "_data/navigation.yaml": NAVIGATION,
                 "example/Notice.md": source_at(
        "2024-10-04", FIRST, "We collect your name. See [our site](https://www.python.org/).")},
        "First version")
    repo.commit({"example/Notice.md": source_at(
        "2024-10-04", FIXED, "We collect your full name. See [our site](https://www.python.org/).")},
        "Editorial fix")
    repo.commit({"example/Notice.md": source_at(
        "2025-06-01", SECOND,
        "We collect your full name and email. See [our site](https://www.python.org/psf/).")},
        "Second version")
    repo.commit({"example/Notice.md": source_at(
        "2027-01-15", THIRD,
        "We collect your full name, email and phone. See [our site](https://www.python.org/psf/).")},
        "Third version, taking effect on January 15, 2027")
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitProject:
    return history(GitProject(tmp_path_factory.mktemp("versions") / "repo"))


@pytest.fixture(scope="module")
def before(repo):
    """The day before the third version takes effect (no PDFs: read only as pages)."""
    build = sphinx_build(repo.root / "source", repo.root / "_build" / "before", "dirhtml",
                         "-D", "policy_today=2027-01-14", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def on(repo):
    """The day it takes effect, with the PDFs."""
    build = sphinx_build(repo.root / "source", repo.root / "_build" / "on", "dirhtml",
                         "-D", "policy_today=2027-01-15", "-D", "policy_pdf_publish=1",
                         extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    return build


def soup(build, path: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(path), "html.parser")


def text(build, path: str) -> str:
    return soup(build, path).find(attrs={"role": "main"}).get_text(" ", strip=True)


def banner(build, path: str):
    return soup(build, path).select_one(".version-banner")


def test_before_the_date_the_notice_serves_the_version_in_effect_and_announces_the_next(before):
    page = text(before, "example/Notice")
    assert "full name and email." in page and "phone" not in page
    assert "Last updated June 1, 2025" in page
    announcement = banner(before, "example/Notice")
    assert "version-announcement" in announcement["class"]
    assert ("An updated version of this notice takes effect on January 15, 2027"
            in announcement.get_text(" ", strip=True))
    hrefs = [a["href"] for a in announcement.find_all("a")]
    assert hrefs == ["2027-01-15/", "2027-01-15/redline/"]
    upcoming = text(before, "example/Notice/2027-01-15")
    assert "This version takes effect on January 15, 2027" in upcoming and "phone" in upcoming
    # Not "last updated" on a day still to come: it takes effect then.
    assert "Takes effect January 15, 2027" in upcoming and "Last updated" not in upcoming
    # Search finds the notice at its own address, not its versions.
    assert '"phone"' not in (before.outdir / "searchindex.js").read_text()
    assert '"email"' in (before.outdir / "searchindex.js").read_text()


@pytest.mark.pdf  # `on` renders the PDFs
def test_on_the_date_the_notice_serves_the_new_version(on):
    page = text(on, "example/Notice")
    assert "full name, email and phone." in page and "Last updated January 15, 2027" in page
    assert banner(on, "example/Notice") is None
    current = banner(on, "example/Notice/2027-01-15")
    assert "This version is in effect since January 15, 2027" in current.get_text(" ", strip=True)


@pytest.mark.pdf  # `on` renders the PDFs
def test_a_superseded_version_shows_its_text_as_it_last_was_in_effect(on):
    # The editorial fix of January 10, 2025 ("full name") is in it; the
    # second version's words are not.
    page = text(on, "example/Notice/2024-10-04")
    assert "We collect your full name. See our site ." in page and "email" not in page
    shown = banner(on, "example/Notice/2024-10-04")
    assert "version-superseded" in shown["class"]
    assert ("This version was in effect from October 4, 2024 until June 1, 2025."
            in shown.get_text(" ", strip=True))
    assert shown.find("a", string="Read the current version")["href"] == "../"
    second = banner(on, "example/Notice/2025-06-01").get_text(" ", strip=True)
    assert "in effect from June 1, 2025 until January 15, 2027" in second


@pytest.mark.pdf  # `on` renders the PDFs
def test_an_editorial_change_makes_no_version(on):
    versions = json.loads((on.outdir / "versions.json").read_text())["notices"]["example/Notice"]
    assert [entry["date"] for entry in versions] == ["2024-10-04", "2025-06-01", "2027-01-15"]
    assert not (on.outdir / "example/Notice/2025-01-10").exists()


@pytest.mark.pdf  # `on` renders the PDFs
def test_versions_json(before, on):
    def table(build):
        return json.loads((build.outdir / "versions.json").read_text())["notices"]

    assert table(before) == {"example/Notice": [
        {"date": "2024-10-04", "status": "superseded", "url": "/example/Notice/2024-10-04/",
         "in_effect_until": "2025-06-01"},
        {"date": "2025-06-01", "status": "current", "url": "/example/Notice/2025-06-01/",
         "redline": "/example/Notice/2025-06-01/redline/", "in_effect_until": None},
        {"date": "2027-01-15", "status": "upcoming", "url": "/example/Notice/2027-01-15/",
         "redline": "/example/Notice/2027-01-15/redline/", "in_effect_until": None},
    ]}
    after = table(on)["example/Notice"]
    assert after[1]["redline_pdf"] == "/pdf/example-Notice-2025-06-01-redline.pdf"
    current = banner(on, "example/Notice/2027-01-15").find_all("a")
    assert [a["href"] for a in current][-1] == "../../../pdf/example-Notice-2027-01-15-redline.pdf"
    assert [(e["status"], e["in_effect_until"]) for e in after] == [
        ("superseded", "2025-06-01"), ("superseded", "2027-01-15"), ("current", None)]
    assert "redline" not in after[0]
    for entry in after:
        for key in ("url", "pdf", "redline", "redline_pdf"):
            if key in entry:
                path = on.outdir / entry[key].lstrip("/")
                assert (path / "index.html" if entry[key].endswith("/") else path).is_file()


@pytest.mark.pdf  # `on` renders the PDFs
def test_every_version_has_its_pdf(on):
    for name in ("example-Notice-2024-10-04", "example-Notice-2025-06-01",
                 "example-Notice-2027-01-15", "example-Notice-2027-01-15-redline"):
        assert (on.outdir / "pdf" / f"{name}.pdf").read_bytes().startswith(b"%PDF"), name
    pdf_text = subprocess.run(
        ["pdftotext", str(on.outdir / "pdf/example-Notice-2024-10-04.pdf"), "-"],
        capture_output=True, text=True, check=True).stdout
    assert "Superseded version" in pdf_text and "until June 1, 2025" in pdf_text


@pytest.mark.pdf  # `on` renders the PDFs
def test_redline_marks_words_and_link_targets_and_leaves_banners_out(on):
    page = BeautifulSoup((on.outdir / "example/Notice/2027-01-15/redline/index.html")
                         .read_text(), "html.parser")
    words = page.select_one("main p")
    assert [ins.get_text() for ins in words.select("ins")] == [", email", "phone"]
    assert [del_.get_text() for del_ in words.select("del")] == ["email"]
    assert "Superseded version" not in page.get_text() and "Current version" not in page.get_text()
    second = BeautifulSoup((on.outdir / "example/Notice/2025-06-01/redline/index.html")
                           .read_text(), "html.parser")
    note = second.select_one("main .rl-link-change").get_text(" ", strip=True)
    assert "https://www.python.org/" in note and "https://www.python.org/psf/" in note
    words = second.select_one("main p")
    assert [ins.get_text() for ins in words.find_all("ins", recursive=False)] == ["and email"]
    assert words.find_all("del", recursive=False) == []
    assert [a["href"] for a in second.select("header a")] == [
        "../../../../example/Notice/2025-06-01/", "../../../../example/Notice/2024-10-04/",
        "../../../../pdf/example-Notice-2025-06-01-redline.pdf"]


@pytest.mark.pdf  # `on` renders the PDFs
def test_the_sitemap_lists_the_notice_not_its_versions_or_redlines(on):
    # A version page names the notice canonical, and a redline says noindex:
    # the sitemap proposes only the addresses meant to be found.
    for path in ("example/Notice/2024-10-04", "example/Notice/2027-01-15", "example/Notice"):
        canonical = soup(on, path).find("link", rel="canonical")["href"]
        assert canonical == BASE_URL + "example/Notice/", path
    for day in ("2025-06-01", "2027-01-15"):
        redline = soup(on, f"example/Notice/{day}/redline")
        assert redline.find("meta", attrs={"name": "robots"})["content"] == "noindex", day
    sitemap = ElementTree.parse(on.outdir / "sitemap.xml").getroot()
    addresses = sorted(loc.text for loc in sitemap.iter(f"{SITEMAP}loc"))
    assert addresses == [BASE_URL, BASE_URL + "changes/", BASE_URL + "example/Notice/"]


def test_a_change_of_the_redline_templates_rewrites_the_redlines(repo, tmp_path, monkeypatch):
    args = (repo.root / "source", tmp_path / "html", "dirhtml",
            "-D", "policy_today=2027-01-14")
    assert sphinx_build(*args, extensions=EXTENSIONS).returncode == 0
    templates = tmp_path / "templates"
    for folder in version_redlines.TEMPLATES:
        shutil.copytree(folder, templates, dirs_exist_ok=True)
    page = templates / "version-redline.html"
    page.write_text(page.read_text().replace("{% block title %}", "{% block title %}Changed: "),
                    encoding="utf-8")
    monkeypatch.setattr(version_redlines, "TEMPLATES", [templates])
    again = sphinx_build(*args, extensions=EXTENSIONS)
    assert again.returncode == 0, again.output
    assert soup(again, "example/Notice/2027-01-15/redline").title.get_text().startswith("Changed: ")


@pytest.mark.pdf  # `on` renders the PDFs
def test_feed_announces_the_upcoming_version_and_its_taking_effect(repo, before, on):
    announced = repo.git("log", "-1", "--format=%cs")

    def entries(build):
        feed = feedparser.parse((build.outdir / "feed.xml").read_bytes())
        return [(entry.link.removeprefix(BASE_URL), entry.updated[:10]) for entry in feed.entries]

    announcement = ("example/Notice/2027-01-15/#change-2027-01-15", announced)
    taking_effect = ("example/Notice/#change-2027-01-15", "2027-01-15")
    assert announcement in entries(before) and taking_effect not in entries(before)
    assert announcement in entries(on) and taking_effect in entries(on)
    # Each change of the notice once, not once per version.
    assert len(entries(on)) == len(THIRD) + 1


def test_a_rebuild_reads_nothing_when_nothing_changed(repo, tmp_path):
    args = (repo.root / "source", tmp_path / "html", "dirhtml",
            "-D", "policy_today=2027-01-14")
    assert sphinx_build(*args, extensions=EXTENSIONS).returncode == 0
    again = sphinx_build(*args, extensions=EXTENSIONS)
    assert again.returncode == 0 and "reading sources... [" not in again.output, again.output
    # The next day the notice and its versions change status, and are read again.
    moved = sphinx_build(*args[:4], "policy_today=2027-01-15", *args[5:], extensions=EXTENSIONS)
    assert "phone" in moved.page("example/Notice")


def test_a_version_page_deleted_is_written_again_the_same(repo, tmp_path):
    args = (repo.root / "source", tmp_path / "html", "dirhtml", "-D", "policy_today=2027-01-14")
    assert sphinx_build(*args, extensions=EXTENSIONS).returncode == 0
    # A superseded version (read from the history), the current one (made from
    # the notice) and the upcoming one.
    pages = [tmp_path / "html" / "example" / "Notice" / date / "index.html"
             for date in ("2024-10-04", "2025-06-01", "2027-01-15")]
    written = [page.read_bytes() for page in pages]
    for page in pages:
        page.unlink()
    again = sphinx_build(*args, extensions=EXTENSIONS)
    assert again.returncode == 0, again.output
    assert "reading sources... [" not in again.output  # no source changed
    assert [page.read_bytes() if page.is_file() else None for page in pages] == written


def test_a_shallow_clone_fails_naming_the_fix(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo.root}", str(clone)],
                   check=True, capture_output=True)
    build = sphinx_build(clone / "source", tmp_path / "html", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "shallow" in build.output and "git fetch --unshallow" in build.output
    assert "fetch-depth: 0" in build.output
    assert not (tmp_path / "html" / "example").exists()


def test_a_problem_in_the_working_tree_is_reported_once_naming_the_source_file(tmp_path):
    # The notice and its current version's dated page are two pages of the one
    # file, read once and written twice: each problem in it is reported once,
    # with its line, whether found while reading (front matter, a role) or
    # writing (a link, resolved for each page).
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    edited = repo.root / "source/example/Notice.md"
    edited.write_text(source_at("2024-10-04", [("2024-10-04", "substantial", "First.")],
                                "Text {bogus}`x`, [a page](Missing.md)."), encoding="utf-8")
    args = (repo.root / "source", tmp_path / "html", "dirhtml",
            "-D", "policy_today=2026-01-01")
    build = sphinx_build(*args, extensions=EXTENSIONS)
    assert build.returncode != 0
    for message in (f"{edited}:6: ERROR: 'kind' must be one of",
                    f'{edited}:12: WARNING: Unknown interpreted text role "bogus"',
                    f"{edited}:12: WARNING: 'myst' cross-reference target not found: 'Missing.md'"):
        assert build.output.count(message) == 1, build.output
    assert "build finished with problems, 3 warnings" in build.output
    assert ".doctrees" not in build.output
    # Fixed, the edit with its entry: both pages show it.
    edited.write_text(source_at("2024-10-04", FIXED, "Text, edited."), encoding="utf-8")
    fixed = sphinx_build(*args, extensions=EXTENSIONS)
    assert fixed.returncode == 0, fixed.output
    assert "Text, edited." in text(fixed, "example/Notice")
    assert "Text, edited." in text(fixed, "example/Notice/2024-10-04")


def test_the_same_problem_in_two_files_is_reported_for_each(tmp_path):
    # Only a repeat about the same file and line is left out.
    repo = GitProject(tmp_path / "repo")
    broken = source_at("2024-10-04", FIRST, "Text {bogus}`x`.")
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": broken, "example/Other.md": broken})
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2026-01-01", extensions=EXTENSIONS)
    assert build.returncode != 0
    for name in ("Notice", "Other"):
        message = f'source/example/{name}.md:12: WARNING: Unknown interpreted text role "bogus"'
        assert build.output.count(message) == 1, build.output


def test_each_build_of_one_application_reports_its_problems(tmp_path):
    # The live preview builds many times with one application; a problem left
    # unfixed is reported by every build (the document that warned is read again).
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text {bogus}`x`.")})
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(repo.root / "source", ROOT, tmp_path / "html", tmp_path / "html/.doctrees",
                     "dirhtml", status=None, warning=warnings,
                     confoverrides={"policy_pdf_publish": False, "policy_today": "2026-01-01"})
        app.build()
        app.build()
    assert warnings.getvalue().count('Unknown interpreted text role "bogus"') == 2, \
        warnings.getvalue()


@pytest.mark.parametrize("today", ["2027-1-5", "2027-02-30"])
def test_the_build_date_must_be_an_iso_date(project, today):
    build = project({"index.md": HOME_PAGE}, "dirhtml", "-D", f"policy_today={today}",
                    extensions=EXTENSIONS)
    assert build.returncode != 0
    assert f"policy_today (make html TODAY=...) must be a date written YYYY-MM-DD, not {today!r}" \
        in build.output


@pytest.mark.parametrize(("today", "problem"), [
    ("2027-01-15", None), ("", None),
    ("2026-13-45", "TODAY must be a date written YYYY-MM-DD, not '2026-13-45'"),
    ("2027-1-5", "TODAY must be a date written YYYY-MM-DD, not '2027-1-5'"),
    ("x; touch pwned", "TODAY must be a date written YYYY-MM-DD, not 'x; touch pwned'"),
])
def test_make_checks_the_build_date_before_sphinx_starts(tmp_path, today, problem):
    found = check_build_inputs.problems(tmp_path, today)
    assert found == ([] if problem is None else [
        f"{problem}: give the day to build the site as of, such as TODAY=2027-01-15, "
        "or leave TODAY out to build it as of today (UTC)"])


def make_html(tmp_path, srcdir, *variables: str) -> subprocess.CompletedProcess:
    """The Makefile's `make html` of *srcdir* into *tmp_path*/build (the shared
    virtual environment as it is, never reinstalled)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "-o", ".venv/.installed", "html",
         f"SOURCEDIR={srcdir}", f"BUILDDIR={tmp_path / 'build'}", *variables],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )


def assert_message_alone(process, message: str) -> None:
    # The editor's mistake, said once; not Sphinx's report of a crash.
    assert process.returncode != 0
    assert process.stdout == ""
    assert process.stderr.splitlines()[0] == f"Error: {message}", process.stderr
    assert process.stderr.count("Error: ") == 1
    for crash in ("Traceback", "Sphinx version", "sphinx-doc", "Running Sphinx"):
        assert crash not in process.stderr, process.stderr


@pytest.mark.parametrize("today", ["2026-13-45", "x; touch pwned", "2027-01-15"])
def test_make_html_with_a_bad_date_says_so_alone(tmp_path, today):
    srcdir = write_project(tmp_path / "source", {"index.md": HOME_PAGE})
    process = make_html(tmp_path, srcdir, f"TODAY={today}")
    if today == "2027-01-15":
        assert process.returncode == 0, process.stdout + process.stderr
        assert (tmp_path / "build/html/index.html").is_file()
        return
    assert_message_alone(process, check_build_inputs.problems(srcdir, today)[0])
    assert not (tmp_path / "build").exists()
    assert not (tmp_path / "pwned").exists() and not (ROOT / "pwned").exists()


def test_make_html_in_a_shallow_clone_says_so_alone(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo.root}", str(clone)],
                   check=True, capture_output=True)
    process = make_html(tmp_path, clone / "source")
    assert_message_alone(process, f"{clone}: {notice_history.SHALLOW_FIX}")
    assert not (tmp_path / "build").exists()


def test_outside_git_the_notices_build_alone(project):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": source_at(
        "2024-10-04", FIRST, "Text.")}, "dirhtml", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert json.loads((build.outdir / "versions.json").read_text()) == {"notices": {}}
    assert not (build.outdir / "example/Notice/2024-10-04").exists()


def test_ci_and_read_the_docs_fetch_the_whole_history():
    for workflow in (ROOT / ".github/workflows").glob("*.yml"):
        steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"].values()
                 for step in job["steps"]]
        for step in steps:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("fetch-depth") == 0, workflow.name
    commands = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())["build"]["commands"]
    build = next(n for n, command in enumerate(commands) if command.startswith("make html"))
    assert any("git fetch --unshallow" in command for command in commands[:build])


def test_changes_page_lists_every_version_with_its_addresses(before):
    listed = soup(before, "changes").select_one("ul.notice-versions")
    lines = [li.p for li in listed.select("ul ul > li")]
    assert [line.get_text(" ", strip=True) for line in lines] == [
        "January 15, 2027 (upcoming, takes effect on January 15, 2027): this version · redline",
        "June 1, 2025 (current, in effect since June 1, 2025): this version · redline",
        ("October 4, 2024 (superseded, in effect from October 4, 2024 until June 1, 2025):"
         " this version"),
    ]
    assert [a["href"] for a in lines[0].find_all("a")] == [
        "../example/Notice/2027-01-15/", "../example/Notice/2027-01-15/redline/"]
    history = soup(before, "changes").select_one("ul.site-change-history").get_text(" ", strip=True)
    assert "Announced: an updated version takes effect on January 15, 2027." in history


def test_history_groups_states_by_date_and_a_draft_has_no_version(repo, tmp_path):
    source = repo.root / "source" / "example"
    found = notice_history.material_versions(repo.root, [source / "Notice.md"]).versions
    versions = found[source / "Notice.md"]
    assert [str(v.date) for v in versions] == ["2024-10-04", "2025-06-01", "2027-01-15"]
    # The first version as it last was: after its editorial fix.
    assert "We collect your full name. See" in versions[0].text
    assert versions[0].commit == repo.git("rev-parse", "HEAD~2")  # the editorial fix
    assert versions[-1].commit is None  # the working tree's file
    draft = source / "Draft.md"
    draft.write_text(source_at("2024-10-04", FIRST, "Draft."), encoding="utf-8")
    try:
        assert notice_history.material_versions(repo.root, [draft]).versions == {draft: []}
    finally:
        draft.unlink()


def test_a_new_notice_dated_ahead_is_published_with_the_date_it_takes_effect(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": source_at(
        "2027-03-01", [("2027-03-01", "material", "First.")], "New text.")})
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2027-01-14", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    shown = banner(build, "example/Notice").get_text(" ", strip=True)
    assert "This notice takes effect on March 1, 2027" in shown
    assert "New text." in text(build, "example/Notice")
    table = json.loads((build.outdir / "versions.json").read_text())["notices"]
    assert [(v["date"], v["status"]) for v in table["example/Notice"]] == [
        ("2027-03-01", "upcoming")]


def test_an_earlier_version_links_what_the_notice_links(tmp_path):
    # Its text is read from under the doctree folder; a relative link still
    # resolves from the notice's own folder.
    navigation = NAVIGATION.replace("  - title: Changes\n    path: changes\n",
                                    "  - title: Other\n    path: example/Other\n")
    linked = "See [the other notice](Other.md)."
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE, "_data/navigation.yaml": navigation,
                 "example/Other.md": source_at("2024-10-04", FIRST, "Other."),
                 "example/Notice.md": source_at("2024-10-04", FIRST, linked)})
    repo.commit({"example/Notice.md": source_at("2025-06-01", SECOND, f"Changed. {linked}")})
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2026-01-01", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    link = soup(build, "example/Notice/2024-10-04").find("a", string="the other notice")
    assert link["href"] == "../../Other/"


def test_a_date_changed_inside_a_merged_branch_is_no_version(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "One.")})
    repo.git("switch", "--quiet", "-c", "change")
    tried = [("2025-05-01", "material", "Tried.")] + FIRST
    repo.commit({"example/Notice.md": source_at("2025-05-01", tried, "Two.")})
    repo.commit({"example/Notice.md": source_at("2025-06-01", SECOND, "Two.")})
    repo.git("switch", "--quiet", "main")
    repo.git("-c", "user.name=Test", "-c", "user.email=test@example.invalid",
             "merge", "--quiet", "--no-ff", "-m", "Merge", "change")
    file = repo.root / "source/example/Notice.md"
    dates = [str(v.date) for v in notice_history.material_versions(repo.root, [file]).versions[file]]
    assert dates == ["2024-10-04", "2025-06-01"]


# An edit is never lost: every state of a notice is read by the build's rules.

NEW_SENTENCE = "We also collect your postal address."


@pytest.mark.parametrize("front_matter, line", [
    # A date that is no YYYY-MM-DD; front matter that does not parse.
    ("date: 2024-10-04\n", None),
    ("date: 2024-10-4\n", 3),
    ("date: October 4, 2024\n", 3),
    # A line indented as code does not end the front matter for MyST: it
    # continues the date ("2024-10-04 ---"), or the description before it.
    ("date: 2024-10-04\n    ---\n", 3),
    ("    ---\ndate: 2024-10-04\n", None),
    ("date: [2024-10-04\n", 4),
])
def test_an_edit_with_a_broken_front_matter_fails_and_is_never_older_text(
        tmp_path, front_matter, line):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    edited = repo.root / "source/example/Notice.md"
    good = source_at("2024-10-04", FIXED, f"Text. {NEW_SENTENCE}")
    edited.write_text(good.replace("date: 2024-10-04\n", front_matter, 1), encoding="utf-8")
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2026-01-01", extensions=EXTENSIONS)
    if line is None:  # the good one beside them
        assert build.returncode == 0, build.output
        assert NEW_SENTENCE in text(build, "example/Notice/2024-10-04")
    else:
        assert build.returncode != 0
        assert f"{edited}:{line}: ERROR: " in build.output, build.output
        assert not (tmp_path / "html/example/Notice/2024-10-04").exists()
    # The page shows the editor's words, never the committed text in their place.
    assert NEW_SENTENCE in text(build, "example/Notice")


def test_a_committed_state_with_a_broken_date_fails_naming_its_commit(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    broken = repo.commit({"example/Notice.md": source_at("2024-10-04", FIXED, "Text, edited.")
                          .replace("date: 2024-10-04\n", "date: 2024-10-4\n", 1)})
    repo.commit({"example/Notice.md": source_at("2024-10-04", FIXED, "Text, edited.")})
    args = (repo.root / "source", tmp_path / "html", "dirhtml", "-D", "policy_today=2026-01-01")
    build = sphinx_build(*args, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert f"{broken[:12]}:source/example/Notice.md:3: ERROR: 'date' must be an ISO date" in (
        build.output), build.output
    # Named as from before the rules (policy_notice_changes_checked_after), it is passed over.
    grandfathered = sphinx_build(*args, "-D", f"policy_notice_changes_checked_after={broken}",
                                 extensions=EXTENSIONS)
    assert grandfathered.returncode == 0, grandfathered.output


def test_a_committed_state_not_saved_as_utf8_fails_naming_its_commit(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    fixed = source_at("2024-10-04", FIXED, "Text at the Caf\u00e9.")
    (repo.root / "source/example/Notice.md").write_bytes(fixed.encode("latin-1"))
    latin = repo.commit({}, "Saved as Latin-1")
    repo.commit({"example/Notice.md": fixed}, "Saved as UTF-8")
    args = (repo.root / "source", tmp_path / "html", "dirhtml", "-D", "policy_today=2026-01-01")
    build = sphinx_build(*args, extensions=EXTENSIONS)
    assert build.returncode != 0
    line = fixed.count("\n")
    assert (f"{latin[:12]}:source/example/Notice.md:{line}: ERROR: {yamldata.NOT_UTF8}"
            in build.output), build.output
    # Never published with its characters replaced.
    assert not (tmp_path / "html/example/Notice/2024-10-04").exists()
    # Named as from before the rules (policy_notice_changes_checked_after), it is passed over.
    grandfathered = sphinx_build(*args, "-D", f"policy_notice_changes_checked_after={latin}",
                                 extensions=EXTENSIONS)
    assert grandfathered.returncode == 0, grandfathered.output
    assert "Caf\u00e9" in text(grandfathered, "example/Notice/2024-10-04")
    # The working tree's file saved as Latin-1 again: refused once, at its line.
    notice = repo.root / "source/example/Notice.md"
    notice.write_bytes(fixed.encode("latin-1"))
    build = sphinx_build(*args, extensions=EXTENSIONS)
    assert build.returncode == 2
    assert build.output.count(yamldata.NOT_UTF8) == 1, build.output
    assert f"{notice}:{line}: ERROR: {yamldata.NOT_UTF8}" in build.output, build.output


SILENT = "We collect your name and, now, your postal address."


def test_a_commit_changing_the_words_without_a_change_entry_fails_naming_it(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    silent = repo.commit({"example/Notice.md": source_at("2024-10-04", FIRST, SILENT)}, "Silent")
    args = (repo.root / "source", tmp_path / "html", "dirhtml", "-D", "policy_today=2026-01-01")
    build = sphinx_build(*args, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert (f"{silent[:12]}:source/example/Notice.md:4: ERROR: commit {silent[:12]} changes "
            "the words of the notice source/example/Notice.md and adds no entry to its "
            "'changes'") in build.output, build.output
    # The dated page of October 4, 2024 is not published with words it never had.
    assert not (tmp_path / "html/example/Notice/2024-10-04").exists()
    # The commits up to one named in the configuration are from before the rule.
    grandfathered = sphinx_build(*args, "-D", f"policy_notice_changes_checked_after={silent}",
                                 extensions=EXTENSIONS)
    assert grandfathered.returncode == 0, grandfathered.output


@pytest.mark.parametrize("working_tree, fails", [("Text.", True), (None, False)])
def test_a_commit_changing_the_words_fails_when_the_working_tree_has_the_text_before_it(
        tmp_path, working_tree, fails):
    """The state with the working tree's text is read only when a later one is
    compared with it: the commit after it is still checked against its words."""
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    silent = repo.commit({"example/Notice.md": source_at(
        "2024-10-04", FIRST if fails else FIXED, SILENT)}, "Silent")
    if working_tree is not None:
        (repo.root / "source/example/Notice.md").write_text(
            source_at("2024-10-04", FIRST, working_tree), encoding="utf-8")
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2026-01-01", extensions=EXTENSIONS)
    if not fails:  # the good one beside it: the same commit with its entry
        assert build.returncode == 0, build.output
        return
    assert build.returncode != 0
    assert (f"{silent[:12]}:source/example/Notice.md:4: ERROR: commit {silent[:12]} changes "
            "the words of the notice source/example/Notice.md") in build.output, build.output


def test_a_change_with_its_entry_shows_under_its_date_with_the_entry(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": source_at(
        "2024-10-04", FIRST, "Text.\n\n- One\n- Two")})
    # Re-wrapped, with another list marker: the same words, no entry needed.
    repo.commit({"example/Notice.md": source_at("2024-10-04", FIRST, "Text.\n\n* One\n*   Two")})
    repo.commit({"example/Notice.md": source_at("2024-10-04", FIXED, f"{SILENT}\n\n* One\n* Two")})
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2026-01-01", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    dated = text(build, "example/Notice/2024-10-04")
    assert SILENT in dated and "Full name." in dated


def test_the_working_tree_changing_the_words_without_an_entry_fails(tmp_path):
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": source_at("2024-10-04", FIRST, "Text.")})
    edited = repo.root / "source/example/Notice.md"
    edited.write_text(source_at("2024-10-04", FIRST, SILENT), encoding="utf-8")
    args = (repo.root / "source", tmp_path / "html", "dirhtml", "-D", "policy_today=2026-01-01")
    build = sphinx_build(*args, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert (f"{edited}:4: ERROR: the working tree's file changes the words of the notice "
            "source/example/Notice.md") in build.output, build.output
    edited.write_text(source_at("2024-10-04", FIXED, SILENT), encoding="utf-8")
    fixed = sphinx_build(*args, extensions=EXTENSIONS)
    assert fixed.returncode == 0, fixed.output
    dated = text(fixed, "example/Notice/2024-10-04")
    assert SILENT in dated and "Full name." in dated  # the editorial entry with the words


@pytest.mark.parametrize("old_body, message", [
    ("We collect your name. " * 60_000, "bytes, over the limit of 1,000,000 (policy_max_source_bytes)"),
    ("## A\n\nText.\n\n" * 1_000, "the page has 1,001 headings, over the limit of 1,000"),
    ("We collect your name.", None),
])
def test_the_page_limits_hold_for_every_version_in_the_history(tmp_path, old_body, message):
    repo = GitProject(tmp_path / "repo")
    old = repo.commit({"index.md": HOME_PAGE,
                       "example/Notice.md": source_at("2024-10-04", FIRST, old_body)})
    repo.commit({"example/Notice.md": source_at("2025-06-01", SECOND, "We collect your email.")})
    build = sphinx_build(repo.root / "source", tmp_path / "html", "dirhtml",
                         "-D", "policy_today=2026-01-01", extensions=EXTENSIONS)
    if message is None:  # the good one beside them
        assert build.returncode == 0, build.output
        assert "We collect your name." in text(build, "example/Notice/2024-10-04")
        return
    assert build.returncode != 0
    assert f"{old[:12]}:source/example/Notice.md:" in build.output
    assert message in build.output, build.output
    assert not (tmp_path / "html/example/Notice/2024-10-04").exists()
    assert "We collect your email." in text(build, "example/Notice")


@pytest.mark.parametrize("inferred", [True, False])
def test_a_date_inferred_is_never_said_to_be_in_effect(git_project, inferred):
    """A notice whose front matter marks its date as inferred is "last updated" then, not "in effect since"."""
    page = source_at("2024-10-04", FIRST, "We collect your name.")
    if inferred:
        page = page.replace("date: 2024-10-04\n", "date: 2024-10-04\ndate-inferred: The previous site's last commit.\n", 1)
    git_project.commit({"index.md": HOME_PAGE,
                        "changes.md": CHANGES, "_data/navigation.yaml": NAVIGATION,
                        "example/Notice.md": page}, "First version")
    build = sphinx_build(git_project.root / "source", git_project.root / "_build" / "html", "dirhtml",
                         "-D", "policy_today=2025-01-01", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    changes, dated = text(build, "changes"), banner(build, "example/Notice/2024-10-04").get_text(" ", strip=True)
    if inferred:
        assert "current, last updated October 4, 2024, a date not yet confirmed" in changes
        assert "last updated October 4, 2024, a date not yet confirmed" in dated
        assert "in effect" not in changes + dated
    else:
        assert "current, in effect since October 4, 2024" in changes
        assert "This version is in effect since October 4, 2024" in dated


def test_a_notices_labels_are_its_own_and_on_each_version_page(git_project):
    """A label keeps a section's old id on the notice and on its versions; a reference leads to the notice."""
    labelled = "(what-we-collect)=\n## 1. Information\n\n{body}\n"
    git_project.commit({"index.md": HOME_PAGE + "\nSee [what we collect](what-we-collect).\n", "changes.md": CHANGES,
                        "_data/navigation.yaml": NAVIGATION,
                        "example/Notice.md": source_at("2024-10-04", FIRST,
                                                       labelled.format(body="Your name."))},
                       "First version")
    git_project.commit({"example/Notice.md": source_at("2025-06-01", SECOND[:1] + FIRST,
                                                       labelled.format(body="Your name and email."))},
                       "Second version")
    build = sphinx_build(git_project.root / "source", git_project.root / "_build" / "html", "dirhtml",
                         "-D", "policy_today=2025-07-01", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    for page in ("example/Notice", "example/Notice/2024-10-04", "example/Notice/2025-06-01"):
        assert 'id="what-we-collect"' in build.page(page), page
    assert 'href="example/Notice/#what-we-collect"' in build.page("")


@pytest.mark.parametrize("build", ["before", pytest.param("on", marks=pytest.mark.pdf)])
def test_no_published_file_names_a_folder_of_the_machine(repo, build, request):
    """The search index lists each page's source file as a path under the
    source folder, a notice with versions too: never where the build ran."""
    outdir = request.getfixturevalue(build).outdir
    assert '"example/Notice.md"' in (outdir / "searchindex.js").read_text(encoding="utf-8")
    for path in outdir.rglob("*"):
        if path.is_file() and ".doctrees" not in path.parts and path.suffix in (
                ".html", ".js", ".json", ".xml", ".txt", ".inv"):
            assert str(repo.root) not in path.read_text(encoding="utf-8", errors="replace"), path
