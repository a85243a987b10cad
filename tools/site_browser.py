"""A built site served on 127.0.0.1 and opened in headless Chromium.

The build is served by :mod:`tools.site_server`. Shared by the browser tests (``tests/test_browser.py``), ``make screenshots``
(``tools/screenshots.py``) and ``benchmarks/page_weight.py``:

* :func:`page_paths` lists every HTML page of a build as its URL path;
* :func:`launch_chromium` starts Debian's Chromium through Playwright (its own
  browser downloads are not used);
* :data:`SCREENSHOT_VARIANTS` are the four ways a page is read for ``make
  screenshots``: desktop and phone width, light and dark mode;
* :func:`wait_for_search_results` waits until the search page has shown all
  its results;
* :func:`keep_on_site` lets a browser context reach the local server only,
  recording (and refusing) every request for any other host.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from policy_core.addresses import file_url_path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    # The narrowest phone still common: what fits there fits on every phone.
    "phone": {"width": 375, "height": 740},
}
# The pictures for review show the phone width most readers have.
SCREENSHOT_VIEWPORTS = {**VIEWPORTS, "phone": {"width": 390, "height": 844}}
COLOR_SCHEMES = ("light", "dark")


class Variant(NamedTuple):
    """One way of reading a page: a viewport (its name and size) and a colour scheme."""

    viewport: str
    color_scheme: str
    size: dict[str, int]

    @property
    def name(self) -> str:
        return f"{self.viewport}-{self.color_scheme}"


SCREENSHOT_VARIANTS = tuple(
    Variant(viewport, scheme, size)
    for viewport, size in SCREENSHOT_VIEWPORTS.items() for scheme in COLOR_SCHEMES
)
# Sphinx's search writes its summary when the last result is on the page; until
# then it is empty (results appear one by one) or says it is still searching.
SEARCH_FINISHED = (
    "() => { const s = document.querySelector('#search-results .search-summary');"
    " return s !== null && /^(Search finished|Your search did not match)/"
    ".test(s.textContent.trim()) }"
)


def page_paths(outdir: Path) -> list[str]:
    """Every HTML page under *outdir* as a URL path: ``""``, ``"search/"``, …"""
    return sorted(file_url_path(path.relative_to(outdir).as_posix())
                  for path in Path(outdir).rglob("*.html"))


def wait_for_search_results(page) -> None:
    """Wait until the search on *page* has shown every result (its summary says so)."""
    page.wait_for_function(SEARCH_FINISHED, timeout=60_000)


def launch_chromium(playwright):
    """Headless Chromium from Debian's package, driven by Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def keep_on_site(context, base_url: str) -> list[str]:
    """Refuse every request from *context* not for *base_url*; return the refused URLs.

    The list fills as pages load. A refused request never reaches the network.
    """
    refused: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith(base_url):
            route.continue_()
        else:
            refused.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    return refused
