"""What a reader sees around a notice, in headless Chromium: the contents beside a
long notice from 1280 px, the PSF's mark in the header, and wide tables that
show they scroll on a phone (_static/policies.css, _templates/)."""

from __future__ import annotations

from io import BytesIO

import pytest
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER

from PIL import Image, ImageStat

from tools.site_browser import COLOR_SCHEMES, VIEWPORTS, keep_on_site
from tools.site_server import serve

NOTICE = "python.org/Privacy-Notice/"
WIDE_TABLE = NOTICE_FRONT_MATTER + "\n# Example Notice\n\n" + (
    "| " + " | ".join(f"Column {n} heading" for n in range(8)) + " |\n"
    + "| " + " | ".join("---" for _ in range(8)) + " |\n"
    + "| " + " | ".join(f"status{n}-withalongunbrokenword" for n in range(8)) + " |\n"
)


@pytest.fixture(scope="module")
def site_url(site):
    with serve(site.outdir) as url:
        yield url


def open_page(browser, base_url: str, path: str, width: int, scheme: str = "light"):
    """*path* of the site at *base_url*, in a context that may reach that site only."""
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  color_scheme=scheme)
    refused = keep_on_site(context, base_url)
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    return context, page, refused


def visible_in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """(e) => {
        const box = e.getBoundingClientRect();
        return getComputedStyle(e).visibility !== 'hidden' && box.width > 0
            && box.left >= 0 && box.right <= innerWidth;
    }""")


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_contents_are_beside_a_long_notice_from_1280_px(browser, site_url, width):
    context, page, refused = open_page(browser, site_url, NOTICE, width)
    assert visible_in_viewport(page, ".toc-drawer .toc-tree")
    # Each section of the notice is listed, and the page runs off no side.
    entries = page.eval_on_selector_all(".toc-tree a", "(links) => links.length")
    assert entries >= 3
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert refused == []
    context.close()


def test_below_1280_px_the_contents_wait_in_their_drawer(browser, site_url):
    context, page, _ = open_page(browser, site_url, NOTICE, 1200)
    assert not visible_in_viewport(page, ".toc-drawer .toc-tree")
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    context.close()


@pytest.mark.parametrize("viewport, header", [
    ("desktop", ".sidebar-brand"), ("phone", ".mobile-header .brand")])
def test_the_psf_mark_is_in_the_header_and_costs_no_request(browser, site_url, viewport, header):
    context, page, refused = open_page(browser, site_url, NOTICE, VIEWPORTS[viewport]["width"])
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.reload(wait_until="load")
    mark = f"{header} svg.site-mark"
    assert visible_in_viewport(page, mark)
    assert page.eval_on_selector(mark, "(e) => e.getBoundingClientRect().height") >= 24
    # Drawn in the page itself, hidden from screen readers (the site's name is read).
    assert page.get_attribute(mark, "aria-hidden") == "true"
    assert not any(url.endswith(".svg") for url in requests), requests
    assert refused == []
    context.close()


def edge_shadows(page, selector: str) -> tuple[float, float]:
    """How far the leftmost and rightmost 6 px of *selector*'s bottom padding (below
    the table: no text) differ in brightness from the plain background between them."""
    image = Image.open(BytesIO(page.locator(selector).screenshot())).convert("L")
    width, height = image.size

    def mean(left: int, right: int) -> float:
        return ImageStat.Stat(image.crop((left, height - 9, right, height - 3))).mean[0]

    plain = mean(width // 2 - 3, width // 2 + 3)
    return abs(mean(0, 6) - plain), abs(mean(width - 6, width) - plain)


@pytest.mark.parametrize("scheme", COLOR_SCHEMES)
def test_a_wide_table_shows_on_a_phone_that_it_scrolls(browser, project, scheme):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": WIDE_TABLE})
    assert build.returncode == 0, build.output
    with serve(build.outdir) as url:
        context, page, refused = open_page(browser, url, "example/Notice/",
                                           VIEWPORTS["phone"]["width"], scheme)
        wrapper = "article .table-wrapper"
        assert page.eval_on_selector(wrapper, "(e) => e.scrollWidth > e.clientWidth + 100")
        # The page itself does not run off the side: the table scrolls in its wrapper.
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        start_left, start_right = edge_shadows(page, wrapper)
        page.eval_on_selector(wrapper, "(e) => { e.scrollLeft = e.scrollWidth }")
        end_left, end_right = edge_shadows(page, wrapper)
        # A shadow on the side with more to see: right at the start, left at the end.
        assert start_right > 10 and end_right < 3, (start_right, end_right)
        assert end_left > 10 and start_left < 3, (start_left, end_left)
        assert refused == []
        context.close()
