"""The navigation data file: its schema, and pages turning from links into pages."""

from __future__ import annotations

import textwrap

import pytest
from bs4 import BeautifulSoup

from policy_sphinx_extensions.navigation import load_navigation
from policy_sphinx_extensions.yamldata import DataError
from test_strict_build import notice

GOOD = """\
live_site: https://policies.python.org/
nav:
  - title: Example Notice
    path: example/Notice
  - title: Group
    children:
      - title: Elsewhere
        path: elsewhere/Page
"""


def write(tmp_path, text):
    path = tmp_path / "navigation.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_navigation_loads(tmp_path):
    navigation = load_navigation(write(tmp_path, GOOD))
    assert [page.path for page in navigation.pages()] == ["example/Notice", "elsewhere/Page"]
    assert navigation.live_url(navigation.entries[0]) == (
        "https://policies.python.org/example/Notice/")


@pytest.mark.parametrize(
    "text, line, message",
    [
        (GOOD.replace("https://policies.python.org/", "http://example.org"), 1, "'live_site'"),
        (GOOD.replace("    path: example/Notice\n", ""), 3, "exactly one of 'path' or 'children'"),
        (GOOD.replace("    path: example/Notice\n",
                      "    path: example/Notice\n    children: []\n"), 3, "exactly one of"),
        (GOOD.replace("title: Example Notice", "titel: Example Notice"), 3, "unknown field 'titel'"),
        (GOOD.replace("path: elsewhere/Page", "path: example/Notice"), 2, "listed twice"),
        (GOOD.replace("path: elsewhere/Page", "path: elsewhere/Page/"), 8, "'path' must be"),
        (GOOD.replace("    children:\n", "    children:\n  - oops\n"), 8, "invalid YAML"),
        ("nav: []\n", 1, "'live_site'"),
    ],
    ids=["http-live-site", "neither", "both", "unknown-field", "duplicate", "trailing-slash",
         "bad-yaml", "empty"],
)
def test_bad_navigation_names_the_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as raised:
        load_navigation(path)
    assert raised.value.line == line, str(raised.value)
    assert message in raised.value.message
    assert str(raised.value).startswith(f"{path}:{line}: ")


def test_adding_a_source_turns_a_link_into_a_page(project):
    files = notice("Text.\n")
    files["_data/navigation.yaml"] = GOOD
    soup = BeautifulSoup(project(files).page(""), "html.parser")
    hrefs = [a["href"] for a in soup.select(".site-map a")]
    assert hrefs == ["example/Notice/", "https://policies.python.org/elsewhere/Page/"]

    files["elsewhere/Page.md"] = files["example/Notice.md"].replace("Example Notice", "Page")
    soup = BeautifulSoup(project(files).page(""), "html.parser")
    hrefs = [a["href"] for a in soup.select(".site-map a")]
    assert hrefs == ["example/Notice/", "elsewhere/Page/"]


def test_page_missing_from_navigation_fails(project):
    files = notice("Text.\n")
    files["stray/Page.md"] = files["example/Notice.md"]
    build = project(files)
    assert build.returncode != 0
    assert "stray/Page.md: WARNING: document isn't included in any toctree" in build.output
