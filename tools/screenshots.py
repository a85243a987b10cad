"""Screenshots of every page of a build, for review without a server.

``python -m tools.screenshots [BUILD] [OUTDIR]`` (``make screenshots``) serves
BUILD (default ``_build/html``) on 127.0.0.1 and writes a full-page PNG of
each page for each way it is read, as ``OUTDIR/<variant>/<page>.png``
(default ``_build/screenshots``): ``desktop-light/python.org--Privacy-Notice.png``.
The search page is shown with the results for a phrase from a notice, and
``not-found.png`` is what a reader sees at an address the site does not have
(the 404 page, as the host and ``make serve`` answer it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.site_browser import (
    SCREENSHOT_VARIANTS,
    keep_on_site,
    launch_chromium,
    page_paths,
    wait_for_search_results,
)
from tools.site_server import serve

SEARCH_EXAMPLE = "search/?q=Data+Processing+Addendum"
# An address with no page, some folders deep.
MISSING_EXAMPLE = "no/such/page/"


def screenshot_name(path: str) -> str:
    """``python.org/Privacy-Notice/`` -> ``python.org--Privacy-Notice``; ``""`` -> ``home``."""
    if path == MISSING_EXAMPLE:
        return "not-found"
    name = path.split("?")[0].strip("/").removesuffix(".html").replace("/", "--")
    return name or "home"


def take_screenshots(browser, build: Path, outdir: Path) -> list[Path]:
    """Write the PNGs with *browser* (Playwright's); return their paths."""
    paths = [SEARCH_EXAMPLE if path == "search/" else path for path in page_paths(build)]
    paths.append(MISSING_EXAMPLE)
    written = []
    with serve(build) as base_url:
        for variant in SCREENSHOT_VARIANTS:
            context = browser.new_context(viewport=variant.size, color_scheme=variant.color_scheme)
            refused = keep_on_site(context, base_url)
            page = context.new_page()
            for path in paths:
                page.goto(base_url + path, wait_until="load")
                if path == SEARCH_EXAMPLE:
                    wait_for_search_results(page)
                target = outdir / variant.name / f"{screenshot_name(path)}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=target, full_page=True, animations="disabled")
                written.append(target)
            context.close()
            if refused:
                raise SystemExit(f"pages asked for other hosts: {sorted(set(refused))}")
    return written


def main(argv: list[str]) -> int:
    build = Path(argv[0] if argv else "_build/html")
    outdir = Path(argv[1] if len(argv) > 1 else "_build/screenshots")
    if not (build / "index.html").is_file():
        print(f"{build}: no built site here (run make html)", file=sys.stderr)
        return 2
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        written = take_screenshots(browser, build, outdir)
        browser.close()
    print(*written, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
