"""The site around the notices: navigation, home page, search, strict builds."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from test_notice import LIVE

LIVE_SITE = "https://policies.python.org/"

# Every page of the site, in the live site's navigation order: (title, URL path).
PAGES = [
    ("PSF Privacy Notice", "PSF-Privacy-Notice"),
    ("Acceptable Use Policy", "pypi.org/Acceptable-Use-Policy"),
    ("Code of Conduct", "pypi.org/Code-of-Conduct"),
    ("Terms of Service", "pypi.org/Terms-of-Service"),
    ("Privacy Notice", "pypi.org/Privacy-Notice"),
    ("Terms of Use", "pypi.org/Terms-of-Use"),
    ("CVE Numbering Authority", "python.org/CVE-Numbering-Authority"),
    ("Contributing", "python.org/Contributing"),
    ("Copyright Policy", "python.org/Copyright-Policy"),
    ("Legal Statements", "python.org/Legal-Statements"),
    ("Privacy Notice", "python.org/Privacy-Notice"),
    ("Python Software Foundation Code of Conduct", "python.org/code-of-conduct"),
    ("Best practices guide for a Code of Conduct for events",
     "python.org/code-of-conduct/Best-Practices"),
    ("Python Software Foundation Code of Conduct Working Group Enforcement Procedures",
     "python.org/code-of-conduct/Enforcement-Procedures"),
    ("Python Software Foundation Community Member Procedure For Reporting Code of Conduct "
     "Incidents", "python.org/code-of-conduct/Procedures-for-Reporting-Incidents"),
    ("Transparency Report Guidelines", "python.org/code-of-conduct/Transparency-Report-Guidelines"),
    ("Privacy Notice", "us.pycon.org/Privacy-Notice"),
    ("PyCon US Code of Conduct", "us.pycon.org/code-of-conduct"),
    ("PyCon US Code of Conduct Enforcement Procedures",
     "us.pycon.org/code-of-conduct/Enforcement-Procedures"),
    ("PyCon US Procedures for Reporting Code of Conduct Incidents",
     "us.pycon.org/code-of-conduct/Procedures-for-Reporting-Incidents"),
    ("SSDF Request Response", "reference/SSDF-Request-Response"),
]
# Pages the live site published after the crawl of it in the seed was made.
PUBLISHED_SINCE_THE_CRAWL = {"pypi.org/Terms-of-Service",
                             "python.org/code-of-conduct/Transparency-Report-Guidelines",
                             "reference/SSDF-Request-Response"}
# Pages of this site that the live site does not have, after its own.
NEW_PAGES = [("Changes to the notices", "changes"),
             ("Third-party processors", "Third-Party-Processors")]
BUILT_HERE = {"python.org/Privacy-Notice", "changes", "Third-Party-Processors"}
GROUPS = ["pypi.org", "Superseded", "python.org", "Code of Conduct", "us.pycon.org",
          "Code of Conduct", "Reference"]


def links(html: str, selector: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    result = []
    for a in soup.select(f"{selector} a"):
        for hidden in a.select(".visually-hidden"):
            hidden.decompose()
        result.append((" ".join(a.get_text().split()), a["href"]))
    return result


def test_page_list_holds_every_page_of_the_crawled_navigation():
    """Every title of the crawled live site is above (the Terms of Use since moved to "Superseded")."""
    live = LIVE.read_text(encoding="utf-8")
    nav = live[:live.rindex("Table of contents")]
    titles = re.findall(r"\[([^\]]+)\]\(https://www\.python\.org/", nav)
    crawled = [title for title, path in PAGES if path not in PUBLISHED_SINCE_THE_CRAWL]
    assert sorted(titles) == sorted(crawled)


@pytest.mark.parametrize("where, selector", [("home page", ".site-map"),
                                              ("sidebar", ".sidebar-tree")])
def test_navigation_holds_every_page(site, where, selector):
    found = links(site.page(""), selector)
    pages = PAGES + NEW_PAGES
    assert [title for title, _ in found] == [title for title, _ in pages]
    for (title, path), (_, href) in zip(pages, found, strict=True):
        if path in BUILT_HERE:
            assert href == f"{path}/", title
            assert (site.outdir / path / "index.html").is_file()
        else:
            assert href == f"{LIVE_SITE}{path}/", title


def test_sidebar_groups_and_current_page(site):
    soup = BeautifulSoup(site.page("python.org/Privacy-Notice"), "html.parser")
    tree = soup.select_one(".sidebar-tree")
    assert [g.get_text() for g in tree.select(".nav-group")] == GROUPS
    current = tree.select("li.current-page")
    assert len(current) == 1 and current[0].a["href"] == "#"
    assert current[0].a["aria-current"] == "page"
    # The group holding the current page is expanded; the others are not.
    checked = [li.select_one(".nav-group").get_text()
               for li in tree.select("li.has-children") if li.input.has_attr("checked")]
    assert checked == ["python.org"]


def test_live_site_pages_are_marked(site):
    soup = BeautifulSoup(site.page(""), "html.parser")
    marked = soup.select(".site-map a.live-site")
    assert len(marked) == len(PAGES + NEW_PAGES) - len(BUILT_HERE)
    for a in marked:
        assert "(on policies.python.org)" in a.parent.get_text()
    for a in soup.select(".sidebar-tree a.live-site"):
        assert a.select_one(".visually-hidden").get_text() == " (on policies.python.org)"


def test_home_page(site):
    soup = BeautifulSoup(site.page(""), "html.parser")
    assert soup.h1.get_text().startswith("Python Software Foundation Policies")
    assert soup.title.get_text() == "Python Software Foundation Policies"


def test_search_is_local(site):
    assert (site.outdir / "search" / "index.html").is_file()
    index = (site.outdir / "searchindex.js").read_text(encoding="utf-8")
    assert '"process"' in index and "Python.org Privacy Notice" in index
    for page in ("", "search", "python.org/Privacy-Notice"):
        soup = BeautifulSoup(site.page(page), "html.parser")
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in soup.find_all(tag, attrs={attribute: True}):
                if tag == "link" and element.get("rel") not in (["stylesheet"], ["icon"],
                                                                ["preload"]):
                    continue
                assert not re.match(r"(https?:)?//", element[attribute]), element
