"""Every page of the real site in headless Chromium, as readers see it.

The site (built once by the ``site`` fixture) is served on 127.0.0.1 and each
page is opened once at desktop and once at phone width, in one browser, and
checked in light and dark mode. Nothing may
be fetched from another host; axe-core finds no violation; nothing runs off
the side of a phone; the keyboard's focus is always visible and the skip link
works; every link into the site reaches a page and an element; the search
finds a notice by its words.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field

import browser_checks as checks
import pytest

from tools.site_browser import COLOR_SCHEMES, VIEWPORTS, keep_on_site, page_paths
from tools.site_server import serve

NOTICE = "python.org/Privacy-Notice/"
# An address with no page, some folders deep: the host answers with the 404 page.
MISSING = "no/such/page/"


@dataclass
class Visit:
    """What one page showed at one width, in both colour schemes."""

    path: str
    status: int
    title: str
    refused: list[str]
    failed: list[str]
    axe: list[str] = field(default_factory=list)
    anchors: checks.PageAnchors | None = None
    overflow: list[str] = field(default_factory=list)
    skip_link: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def base_url(site):
    with serve(site.outdir) as url:
        yield url


def _visit(context, refused: list[str], base_url: str, path: str, first: bool) -> Visit:
    """Open *path* once and run on it each check in the variants it can differ in.

    The colour schemes differ in colours only, which axe's contrast rules see:
    axe runs in each scheme, switched on the open page. Layout, focus and the
    skip link differ with the width (one context each), not with the colours.
    Links and ids are the same at every width: they are read at the *first*.
    The missing address shows the 404 page, which is checked at its own
    address: here only what differs at depth (status, resources, links).
    """
    page = context.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda response: failed.append(f"{response.url}: HTTP {response.status}")
        if response.status >= 400 and response.request.resource_type != "document"
        else None,
    )
    first_refused = len(refused)
    response = page.goto(base_url + path, wait_until="load")
    visit = Visit(path=path, status=response.status, title=page.title(), refused=[],
                  failed=failed)
    if first:
        visit.anchors = checks.anchors(page)
    if path != MISSING:
        for scheme in COLOR_SCHEMES:
            page.emulate_media(color_scheme=scheme)
            visit.axe += [f"({scheme}) {problem}" for problem in checks.axe_violations(page)]
        page.emulate_media(color_scheme=COLOR_SCHEMES[0])
        visit.overflow = checks.horizontal_overflow(page)
        visit.skip_link = checks.skip_link_problems(page)
        page.reload(wait_until="load")  # Tab from the top of the page again
        visit.focus = checks.focus_problems(page)
    visit.refused = refused[first_refused:]
    page.close()
    return visit


@pytest.fixture(scope="session")
def visits(browser, base_url, site) -> dict[str, dict[str, Visit]]:
    """Every page (and a missing address) at every width: width to path to visit.
    One browser, one context per width, each page opened once in it."""
    paths = [*page_paths(site.outdir), MISSING]
    visited = {}
    for index, (width, viewport) in enumerate(VIEWPORTS.items()):
        context = browser.new_context(viewport=viewport, color_scheme=COLOR_SCHEMES[0])
        refused = keep_on_site(context, base_url)
        visited[width] = {
            path: _visit(context, refused, base_url, path, first=index == 0) for path in paths
        }
        context.close()
    return visited


def _problems(visits: dict[str, dict[str, Visit]], attribute: str) -> list[str]:
    return [
        f"{width} /{path}: {problem}"
        for width, pages in visits.items()
        for path, visit in pages.items()
        for problem in getattr(visit, attribute)
    ]


def _anchors(visits) -> dict[str, checks.PageAnchors]:
    """Links and ids of each page, read at the first width."""
    return {path: visit.anchors for path, visit in next(iter(visits.values())).items()}


def test_every_page_is_visited(site):
    paths = page_paths(site.outdir)
    assert {"", NOTICE, "search/", "404/"} <= set(paths)


def test_no_request_leaves_the_local_server(visits, base_url):
    problems = _problems(visits, "refused") + [
        f"/{path}: {hint}"
        for path, found in _anchors(visits).items()
        for hint in checks.off_site_hints(found, base_url)
    ]
    assert problems == []


def test_every_stylesheet_script_and_image_loads(visits):
    assert _problems(visits, "failed") == []


def test_no_accessibility_violations(visits):
    assert _problems(visits, "axe") == []


def test_nothing_runs_off_the_side(visits):
    assert _problems(visits, "overflow") == []


def test_keyboard_focus_is_always_visible(visits):
    assert _problems(visits, "focus") == []


def test_skip_link_moves_to_the_content(visits):
    assert _problems(visits, "skip_link") == []


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_internal_link_and_fragment_resolves(visits, base_url):
    pages = {base_url + path: found for path, found in _anchors(visits).items()}
    assert checks.broken_links(pages, base_url, _status) == []


def test_missing_address_shows_the_404_page(visits):
    for pages in visits.values():
        assert pages[MISSING].status == 404
        assert pages[MISSING].title.startswith("Page not found")


def test_site_icon_is_served_at_the_root(base_url):
    with urllib.request.urlopen(base_url + "favicon.ico", timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert response.read(4) == b"\x00\x00\x01\x00"  # an ICO file's signature


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    """One page, on the site only, for the search tests."""
    context = browser.new_context()
    keep_on_site(context, base_url)
    yield context.new_page()
    context.close()


def test_search_finds_the_notice_by_a_phrase_from_its_text(search_page, base_url):
    search_page.goto(base_url)
    results = checks.search_results(search_page, "Data Processing Addendum")
    assert any(result.startswith(base_url + NOTICE) for result in results), results


def test_search_for_words_in_no_notice_finds_nothing(search_page, base_url):
    search_page.goto(base_url)
    assert checks.search_results(search_page, "xylophone zeppelin") == []


def test_search_page_has_its_form_under_one_heading_and_results_under_it(search_page, base_url):
    search_page.goto(base_url + "search/")
    results = checks.search_results(search_page, "Data Processing Addendum",
                                    field="#search-page-query")
    assert any(result.startswith(base_url + NOTICE) for result in results), results
    headings = search_page.eval_on_selector_all(
        "article h1, article h2, article h3",
        "(hs) => hs.map((h) => h.tagName + ' ' + h.firstChild.textContent.trim())",
    )
    assert headings == ["H1 Search the policies", "H2 Search Results"]
    # The query stays in the page's own field, ready to change.
    assert search_page.input_value("#search-page-query") == "Data Processing Addendum"
