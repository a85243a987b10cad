"""The navigation data file: its schema, hostile values, pages turning from links
into pages, and what a page missing from the navigation is told."""

from __future__ import annotations

import textwrap

import pytest
from bs4 import BeautifulSoup
from conftest import HOME_PAGE, navigation, notice

from policy_core.addresses import (
    docname_at,
    file_url_path,
    page_file,
    page_path,
    page_url,
    redline_path,
    redline_pdf_path,
    site_pdf_path,
)
from policy_sphinx_extensions.navigation.schema import load_navigation
from policy_core.yamldata import DataError

GOOD = navigation(("Example Notice", "example/Notice"), ("Group", [("Elsewhere", "elsewhere/Page")]))
GENERIC = "document isn't included in any toctree"
# A home page and a notice; their builds set up the navigation alone.
PAGES = {"index.md": HOME_PAGE, "example/Notice.md": notice()}
NAVIGATION = ["policy_sphinx_extensions.navigation"]


def write(tmp_path, text):
    path = tmp_path / "navigation.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_navigation_loads(tmp_path):
    navigation = load_navigation(write(tmp_path, GOOD))
    assert [page.path for page in navigation.pages()] == ["example/Notice", "elsewhere/Page"]
    assert [page.line for page in navigation.pages()] == [4, 8]
    assert navigation.live_url(navigation.entries[0]) == (
        "https://policies.python.org/example/Notice/")
    assert navigation.live_site_note == "on policies.python.org"


@pytest.mark.parametrize("path", ["a", "python.org/Privacy-Notice", "a_b/c.d-e/F9"])
def test_good_paths_load(tmp_path, path):
    navigation = load_navigation(write(tmp_path, GOOD.replace("example/Notice", path)))
    assert next(navigation.pages()).path == path


@pytest.mark.parametrize("live_site", [
    "https://policies.python.org/", "https://example.org/policies/", "https://a-b.example/",
])
def test_good_live_sites_load(tmp_path, live_site):
    text = GOOD.replace("https://policies.python.org/", live_site)
    assert load_navigation(write(tmp_path, text)).live_site == live_site


@pytest.mark.parametrize(
    "text, line, message",
    [
        (GOOD.replace("    path: example/Notice\n", ""), 3, "exactly one of 'path' or 'children'"),
        (GOOD.replace("    path: example/Notice\n",
                      "    path: example/Notice\n    children: []\n"), 3, "exactly one of"),
        (GOOD.replace("title: Example Notice", "titel: Example Notice"), 3, "unknown field 'titel'"),
        (GOOD.replace("path: elsewhere/Page", "path: example/Notice"), 8, "listed twice"),
        (GOOD.replace("    children:\n", "    children:\n  - oops\n"), 8, "invalid YAML"),
        ("nav: []\n", 1, "'live_site'"),
    ],
    ids=["neither", "both", "unknown-field", "duplicate", "bad-yaml", "empty"],
)
def test_bad_navigation_names_the_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as raised:
        load_navigation(path)
    assert raised.value.line == line, str(raised.value)
    assert message in raised.value.message
    assert str(raised.value).startswith(f"{path}:{line}: ")


BAD_PATHS = [
    'example/Notice">', "<script>alert(1)</script>", "javascript:alert(1)", "/example/Notice",
    "example/Notice/", "../../etc/passwd", "example/../Notice", "example//Notice",
    "example/Not ice", "example/Notice?x=1", "example/Notice#top", "", "example/.hidden",
    "https://evil.example/x", "[1, 2]",
]
BAD_LIVE_SITES = [
    'https://policies.python.org/">', "https://policies.python.org/<script>/",
    "javascript:alert(1)//", "http://policies.python.org/", "https://policies.python.org",
    "https://user:secret@policies.python.org/", "https://user@policies.python.org/",
    "https://policies.python.org:8443/", "https://policies.python.org/?q=1/",
    "https://policies.python.org/#x/", "https:///", "https://po licies.python.org/",
    'https://policies.python.org/a"b/', "//policies.python.org/", "[1]",
]


@pytest.mark.parametrize("value", BAD_PATHS)
def test_bad_path_fails_naming_its_line(tmp_path, value):
    text = GOOD.replace("path: elsewhere/Page", f"path: '{value}'")
    with pytest.raises(DataError) as raised:
        load_navigation(write(tmp_path, text))
    assert raised.value.line == 8
    assert "'path' must be a URL path" in raised.value.message


@pytest.mark.parametrize("value", BAD_LIVE_SITES)
def test_bad_live_site_fails_naming_its_line(tmp_path, value):
    text = GOOD.replace("live_site: https://policies.python.org/", f"live_site: '{value}'")
    with pytest.raises(DataError) as raised:
        load_navigation(write(tmp_path, text))
    assert raised.value.line == 1
    assert "'live_site' must be an https:// address" in raised.value.message


def built_files_hold(build, payload: str) -> list[str]:
    """The published files holding *payload* (the build cache, .doctrees, is not published)."""
    return [
        str(path) for path in build.outdir.rglob("*")
        if path.is_file() and ".doctrees" not in path.parts and payload.encode() in path.read_bytes()
    ]


@pytest.mark.parametrize("field, value, line", [
    ("path", 'elsewhere/Page"><script>alert(1)</script>', 8),
    ("live_site", 'https://policies.python.org/"><script>alert(1)</script>/', 1),
    ("path", "javascript:alert(1)", 8),
    ("live_site", "javascript:alert(1)//", 1),
])
def test_hostile_values_fail_the_build_and_reach_no_file(project, field, value, line):
    files = dict(PAGES)
    old = "live_site: https://policies.python.org/" if field == "live_site" else (
        "path: elsewhere/Page")
    files["_data/navigation.yaml"] = GOOD.replace(old, f"{field}: '{value}'")
    build = project(files, extensions=NAVIGATION)
    assert build.returncode != 0
    assert f"_data/navigation.yaml:{line}: " in build.output
    assert f"'{field}' must be" in build.output
    assert built_files_hold(build, "alert(1)") == []


def test_hostile_titles_reach_pages_escaped(project):
    files = dict(PAGES)
    files["_data/navigation.yaml"] = GOOD.replace(
        "title: Elsewhere", "title: '\"><script>alert(1)</script>'"
    ).replace("title: Group", "title: '<img src=x onerror=alert(2)>'")
    build = project(files, extensions=NAVIGATION)
    assert build.returncode == 0, build.output
    assert built_files_hold(build, "<script>alert(1)") == []
    assert built_files_hold(build, "<img src=x") == []
    home = BeautifulSoup(build.page(""), "html.parser")
    assert [a.get_text() for a in home.select(".sidebar-tree a.live-site")] == [
        '"><script>alert(1)</script> (on policies.python.org)']
    assert [label.get_text() for label in home.select(".sidebar-tree label.nav-group")] == [
        "<img src=x onerror=alert(2)>"]
    assert home.select_one(".site-map a.live-site").get_text() == '"><script>alert(1)</script>'


def test_adding_a_source_turns_a_link_into_a_page(project):
    files = dict(PAGES)
    files["_data/navigation.yaml"] = GOOD
    soup = BeautifulSoup(project(files, extensions=NAVIGATION).page(""), "html.parser")
    hrefs = [a["href"] for a in soup.select(".site-map a")]
    assert hrefs == ["example/Notice/", "https://policies.python.org/elsewhere/Page/"]
    assert "(on policies.python.org)" in soup.select_one(".site-map").get_text()

    files["elsewhere/Page.md"] = files["example/Notice.md"].replace("Example Notice", "Page")
    soup = BeautifulSoup(project(files, extensions=NAVIGATION).page(""), "html.parser")
    hrefs = [a["href"] for a in soup.select(".site-map a")]
    assert hrefs == ["example/Notice/", "elsewhere/Page/"]


@pytest.mark.parametrize("jobs", [(), ("-j", "2")], ids=["serial", "parallel"])
def test_page_missing_from_the_navigation_is_told_the_entry_to_add(project, jobs):
    files = dict(PAGES)
    files["stray/Page.md"] = files["example/Notice.md"].replace("Example Notice", "Stray: Page")
    others = ["other/Page", "more/A", "more/B", "more/C"]  # over 5 documents: read in parallel
    for other in others:
        files[f"{other}.md"] = files["example/Notice.md"].replace("Example Notice", "Other")
    build = project(files, "dirhtml", *jobs, extensions=NAVIGATION)
    assert build.returncode != 0
    assert "stray/Page.md: WARNING: no entry of " in build.output
    assert "_data/navigation.yaml leads to this page: add one where readers should find it" in (
        build.output)
    assert "    - title: 'Stray: Page'\n      path: stray/Page\n" in build.output
    for other in others:
        assert f"{other}.md: WARNING: no entry of " in build.output
    assert GENERIC not in build.output


def test_navigation_path_with_a_typo_is_told_the_path_to_write(project):
    files = dict(PAGES)
    files["_data/navigation.yaml"] = GOOD.replace("path: example/Notice", "path: example/Notise")
    build = project(files, extensions=NAVIGATION)
    assert build.returncode != 0
    assert (
        "_data/navigation.yaml:4: WARNING: navigation entry 'Example Notice' has path "
        "'example/Notise', which no page has, and no entry leads to "
    ) in build.output
    assert "example/Notice.md: if that is the page, write its path here: " in build.output
    assert "`path: example/Notice`" in build.output
    assert GENERIC not in build.output


def test_once_fixed_the_next_build_passes(project):
    files = dict(PAGES)
    files["_data/navigation.yaml"] = GOOD.replace("path: example/Notice", "path: example/Notise")
    assert project(files, extensions=NAVIGATION).returncode != 0
    files["_data/navigation.yaml"] = GOOD
    fixed = project(files, extensions=NAVIGATION)
    assert fixed.returncode == 0, fixed.output
    assert "no entry" not in fixed.output
    assert 'href="example/Notice/"' in fixed.page("")
    # Broken again: the page is reported again, though only the home page is re-read.
    files["_data/navigation.yaml"] = GOOD.replace("path: example/Notice", "path: other/Page")
    again = project(files, extensions=NAVIGATION)
    assert again.returncode != 0
    assert "example/Notice.md: WARNING: no entry of " in again.output


@pytest.mark.parametrize("docname, path", [
    ("index", ""), ("a/b", "a/b/"), ("a/index", "a/"), ("python.org/Privacy-Notice",
                                                        "python.org/Privacy-Notice/"),
])
def test_page_path_and_back(docname, path):
    assert page_path(docname) == path
    assert docname_at(path, {docname}) == docname
    assert docname_at(path.rstrip("/"), {docname}) == docname
    assert file_url_path(page_file(path)) == path


@pytest.mark.parametrize("relative_file, path", [
    ("index.html", ""), ("a/b/index.html", "a/b/"), ("search.html", "search.html"),
    ("a/notindex.html", "a/notindex.html"),
])
def test_a_built_file_s_url_path(relative_file, path):
    assert file_url_path(relative_file) == path


def test_a_version_s_redline_and_pdfs_under_its_page_and_the_pdf_folder():
    assert redline_path("a/2024-10-04") == "a/2024-10-04/redline/"
    assert site_pdf_path("pdf", "a/index") == "pdf/a.pdf"
    assert redline_pdf_path("pdf", "a/2024-10-04") == "pdf/a-2024-10-04-redline.pdf"


def test_page_urls_absolute_and_relative():
    assert page_url("a/b", base="https://policies.python.org/") == (
        "https://policies.python.org/a/b/")
    assert page_url("index", base="https://policies.python.org/") == (
        "https://policies.python.org/")
    assert page_url("c", start="a/b") == "../../c/"
    assert page_url("index", start="a/b") == "../../"
    assert page_url("a/b", start="index") == "a/b/"
    assert page_url("a/index", start="a/b") == "../"
    assert docname_at("missing", {"a/b"}) is None
    with pytest.raises(TypeError):
        page_url("a/b")
