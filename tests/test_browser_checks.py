"""Each browser check fails on a page made bad, and passes a plain good page.

The pages are tiny static HTML files served on 127.0.0.1; requests for other
hosts (``*.example.invalid``, a reserved name) are refused before they leave
the browser.
"""

from __future__ import annotations

import pytest

import browser_checks as checks
from tools.site_browser import keep_on_site
from tools.site_server import serve

GOOD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Good page</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body>
<a href="#content">Skip to content</a>
<main id="content"><h1 id="top">Good page</h1>
<p>A <a href="other.html#part">link to a part</a> of another page.</p></main>
</body></html>
"""
OTHER = GOOD.replace("Good page", "Other page").replace('id="top"', 'id="part"')


def page_with(body: str, head: str = "") -> str:
    """A page like GOOD with *body* inside its main landmark and *head* in its head."""
    return GOOD.replace("</head>", f"{head}</head>").replace("</main>", f"{body}</main>")


PAGES = {
    "good.html": GOOD,
    "other.html": OTHER,
    "third-party.html": page_with(
        '<img alt="logo" src="https://cdn.example.invalid/logo.png">'
        "<script>navigator.sendBeacon('https://stats.example.invalid/hit', 'x')</script>",
        head='<link rel="stylesheet" href="https://fonts.example.invalid/css">'
        '<link rel="preconnect" href="https://fonts.example.invalid">',
    ),
    "inaccessible.html": GOOD.replace('<html lang="en">', "<html>").replace(
        "</main>", '<img src="picture.png"></main>'
    ),
    "wide.html": page_with('<div style="width: 600px">A box wider than a phone.</div>'),
    "clipped.html": page_with(
        '<div style="overflow-x: hidden"><p style="width: 600px">Cut off.</p></div>',
        head="<style>html { overflow-x: hidden }</style>",
    ),
    "no-focus-ring.html": page_with("", head="<style>a:focus { outline: none }</style>"),
    "focus-out-of-sight.html": page_with(
        '<a style="position: absolute; left: -999px" href="#top">Hidden link</a>'
    ),
    "no-skip-link.html": GOOD.replace('<a href="#content">Skip to content</a>', ""),
    "skip-link-to-nowhere.html": GOOD.replace('href="#content"', 'href="#nowhere"'),
    "dark-low-contrast.html": page_with(
        "", head="<style>@media (prefers-color-scheme: dark) "
        "{ body { background: #222; color: #333 } }</style>",
    ),
    # Results shown one by one, as Sphinx's search shows them: the summary is
    # empty until the last one is on the page.
    "search-one-by-one.html": page_with(
        '<input class="sidebar-search"><div id="search-results"></div>'
        "<script>"
        "document.querySelector('.sidebar-search').addEventListener('keydown', (e) => {"
        " if (e.key !== 'Enter') return;"
        " const out = document.getElementById('search-results');"
        " const summary = out.appendChild(document.createElement('p'));"
        " summary.className = 'search-summary';"
        " const list = out.appendChild(document.createElement('ul'));"
        " list.className = 'search';"
        " let left = 5;"
        " const next = () => {"
        "  if (left === 0) { summary.textContent = 'Search finished, found 5 pages.'; return; }"
        "  const a = list.appendChild(document.createElement('li'))"
        "   .appendChild(document.createElement('a'));"
        "  a.href = 'good.html#' + left; a.textContent = 'Result ' + left--;"
        "  setTimeout(next, 40);"
        " };"
        " next();"
        "});"
        "</script>"
    ),
    "broken-links.html": page_with(
        '<a href="missing.html">gone</a> <a href="#no-such-id">nowhere</a> '
        '<a href="other.html#no-such-part">no part</a>'
    ),
}


@pytest.fixture(scope="module")
def pages_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    for name, text in PAGES.items():
        (root / name).write_text(text, encoding="utf-8")
    with serve(root) as url:
        yield url


@pytest.fixture
def open_page(browser, pages_url):
    """``open_page(name, width)``: the page loaded; ``.refused`` lists off-site requests."""
    contexts = []

    def load(name: str, width: int = 1280, refused_last: str | None = None):
        """*refused_last*: a request the page makes after its load event (a beacon),
        waited for until it has been refused, however long that takes."""
        context = browser.new_context(viewport={"width": width, "height": 700})
        contexts.append(context)
        refused = keep_on_site(context, pages_url)
        page = context.new_page()
        if refused_last is None:
            page.goto(pages_url + name, wait_until="load")
        else:
            with page.expect_event("requestfailed",
                                   lambda request: refused_last in request.url):
                page.goto(pages_url + name, wait_until="load")
        page.refused = refused
        return page

    yield load
    for context in contexts:
        context.close()


def test_good_page_passes_every_check(open_page, pages_url):
    page = open_page("good.html", width=375)
    assert page.refused == []
    assert checks.off_site_hints(checks.anchors(page), pages_url) == []
    assert checks.axe_violations(page) == []
    assert checks.horizontal_overflow(page) == []
    assert checks.skip_link_problems(page) == []
    page.reload()
    assert checks.focus_problems(page) == []


def test_requests_for_other_hosts_are_refused_and_reported(open_page, pages_url):
    page = open_page("third-party.html", refused_last="stats.example.invalid/hit")
    refused = " ".join(page.refused)
    assert "fonts.example.invalid/css" in refused
    assert "cdn.example.invalid/logo.png" in refused
    assert "stats.example.invalid/hit" in refused
    hints = checks.off_site_hints(checks.anchors(page), pages_url)
    assert hints == ["resource hint for https://fonts.example.invalid/"]


def test_axe_reports_violations(open_page):
    violations = " ".join(checks.axe_violations(open_page("inaccessible.html")))
    assert "html-has-lang" in violations
    assert "image-alt" in violations


def test_axe_sees_the_colour_scheme_switched_on_an_open_page(open_page):
    # How test_browser.py checks both schemes without loading a page twice.
    page = open_page("dark-low-contrast.html")
    assert checks.axe_violations(page) == []
    page.emulate_media(color_scheme="dark")
    assert "color-contrast" in " ".join(checks.axe_violations(page))


@pytest.mark.parametrize("name", ["wide.html", "clipped.html"])
def test_content_wider_than_a_phone_is_reported(open_page, name):
    assert checks.horizontal_overflow(open_page(name, width=375)) != []


def test_focus_without_indicator_is_reported(open_page):
    problems = checks.focus_problems(open_page("no-focus-ring.html"))
    assert '<a "Skip to content"> shows no focus indicator' in problems


def test_focus_out_of_sight_is_reported(open_page):
    problems = checks.focus_problems(open_page("focus-out-of-sight.html"))
    assert problems == ['<a "Hidden link"> takes focus out of sight']


def test_missing_skip_link_is_reported(open_page):
    problems = checks.skip_link_problems(open_page("no-skip-link.html"))
    assert problems == ['the first Tab stop is <a "link to a part">, not a skip link']


def test_skip_link_to_a_missing_target_is_reported(open_page):
    problems = checks.skip_link_problems(open_page("skip-link-to-nowhere.html"))
    assert problems == ["the skip link's target #nowhere does not exist"]


def test_broken_links_and_fragments_are_reported(open_page, pages_url):
    pages = {}
    for name in ("broken-links.html", "other.html"):
        found = checks.anchors(open_page(name))
        pages[found.url] = found
    statuses = {pages_url + "missing.html": 404}
    problems = checks.broken_links(pages, pages_url, lambda url: statuses.get(url, 200))
    source = pages_url + "broken-links.html"
    assert problems == [
        f"{source} links to {pages_url}missing.html: HTTP 404",
        f"{source} links to {source}#no-such-id: no element has id 'no-such-id'",
        f"{source} links to {pages_url}other.html#no-such-part: no element has id 'no-such-part'",
    ]


def test_good_links_and_fragments_pass(open_page):
    pages = {}
    for name in ("good.html", "other.html"):
        found = checks.anchors(open_page(name))
        pages[found.url] = found
    base = next(iter(pages)).rsplit("/", 1)[0] + "/"
    assert checks.broken_links(pages, base, lambda url: 404) == []


def test_search_results_are_read_once_the_last_one_is_shown(open_page, pages_url):
    page = open_page("search-one-by-one.html")
    results = checks.search_results(page, "anything")
    assert results == [f"{pages_url}good.html#{n}" for n in (5, 4, 3, 2, 1)]
