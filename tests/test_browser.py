"""Every page of the real site in headless Chromium, as readers see it.

The site (built once by the ``site`` fixture) is served on 127.0.0.1 and each
page is opened at desktop and phone width, in light and dark mode. Nothing may
be fetched from another host; axe-core finds no violation; nothing runs off
the side of a phone; the keyboard's focus is always visible and the skip link
works; every link into the site reaches a page and an element; the search
finds a notice by its words.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

import browser_checks as checks
from tools.site_browser import VARIANTS, keep_on_site, page_paths, serve

NOTICE = "python.org/Privacy-Notice/"
# An address with no page, some folders deep: the host answers with the 404 page.
MISSING = "no/such/page/"


@dataclass
class Visit:
    """What one page showed in one variant."""

    path: str
    status: int
    title: str
    refused: list[str]
    failed: list[str]
    anchors: checks.PageAnchors
    axe: list[str]
    overflow: list[str]
    skip_link: list[str]
    focus: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def base_url(site):
    with serve(site.outdir) as url:
        yield url


def _visit(context, refused: list[str], base_url: str, path: str) -> Visit:
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
    visit = Visit(
        path=path,
        status=response.status,
        title=page.title(),
        refused=refused[first_refused:],
        failed=failed,
        anchors=checks.anchors(page),
        axe=checks.axe_violations(page),
        overflow=checks.horizontal_overflow(page),
        skip_link=checks.skip_link_problems(page),
    )
    page.reload(wait_until="load")
    visit.focus = checks.focus_problems(page)
    visit.refused += refused[first_refused + len(visit.refused):]
    page.close()
    return visit


@pytest.fixture(scope="session", params=VARIANTS, ids=lambda variant: variant.name)
def visits(request, browser, base_url, site) -> dict[str, Visit]:
    """Every page (and a missing address) opened in one variant, keyed by path."""
    context = browser.new_context(**request.param.context_options())
    refused = keep_on_site(context, base_url)
    visited = {
        path: _visit(context, refused, base_url, path)
        for path in [*page_paths(site.outdir), MISSING]
    }
    context.close()
    return visited


def _problems(visits: dict[str, Visit], attribute: str) -> list[str]:
    return [
        f"/{path}: {problem}"
        for path, visit in visits.items()
        for problem in getattr(visit, attribute)
    ]


def test_every_page_is_visited(site):
    paths = page_paths(site.outdir)
    assert {"", NOTICE, "search/", "404/"} <= set(paths)


def test_no_request_leaves_the_local_server(visits, base_url):
    problems = _problems(visits, "refused") + [
        f"/{path}: {hint}"
        for path, visit in visits.items()
        for hint in checks.off_site_hints(visit.anchors, base_url)
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
    pages = {base_url + path: visit.anchors for path, visit in visits.items()}
    assert checks.broken_links(pages, base_url, _status) == []


def test_missing_address_shows_the_404_page(visits):
    visit = visits[MISSING]
    assert visit.status == 404
    assert visit.title.startswith("Page not found")


def test_search_finds_the_notice_by_a_phrase_from_its_text(browser, base_url):
    context = browser.new_context()
    keep_on_site(context, base_url)
    page = context.new_page()
    page.goto(base_url)
    results = checks.search_results(page, "Data Processing Addendum")
    context.close()
    assert any(result.startswith(base_url + NOTICE) for result in results), results


def test_search_for_words_in_no_notice_finds_nothing(browser, base_url):
    context = browser.new_context()
    keep_on_site(context, base_url)
    page = context.new_page()
    page.goto(base_url)
    results = checks.search_results(page, "xylophone zeppelin")
    context.close()
    assert results == []
