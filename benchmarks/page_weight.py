"""Page weight: the bytes a reader's browser fetches for each page, from a cold cache.

    python -m benchmarks.page_weight [--keep]

Builds the site (this project's configuration) and, for comparison, the same
notice with stock Sphinx + MyST + furo (no configuration beyond the theme),
each into ``_build/bench/``. Each build is served on 127.0.0.1 and every page
is opened in headless Chromium with an empty cache; every response the page
needs (HTML, CSS, JS, fonts, images) is counted as it would travel: text
compressed with gzip at level 6 (the usual server setting), already
compressed formats as they are.

Prints a line per resource of the notice page, a total per page, and the
notice's total against the stock build and against the budget,
BUDGET_BYTES; exits 1 when the notice is over the budget.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import sync_playwright

from benchmarks.measure import ROOT
from tools.site_browser import keep_on_site, launch_chromium, page_paths
from tools.site_server import serve

NOTICE = "python.org/Privacy-Notice/"
NOTICE_SOURCE = ROOT / "source" / "python.org" / "Privacy-Notice.md"
BUDGET_BYTES = 20_000
GZIP_LEVEL = 6
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml")
BENCH_DIR = ROOT / "_build" / "bench"

STOCK_CONF = """\
project = "Python Software Foundation Policies"
extensions = ["myst_parser"]
html_theme = "furo"
myst_heading_anchors = 3
# The notice uses this site's roles; stock Sphinx shows them as plain text.
suppress_warnings = ["myst.role_unknown"]
"""
STOCK_INDEX = """\
# Python Software Foundation Policies

```{toctree}
python.org/Privacy-Notice
```
"""


class Resource(NamedTuple):
    url: str
    content_type: str
    raw: int
    sent: int  # bytes on the wire: gzip for text, as-is otherwise


def build(srcdir: Path, outdir: Path, confdir: Path) -> None:
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "dirhtml", "-q", "-E", "-c",
                    str(confdir), str(srcdir), str(outdir)], check=True)


def build_stock(workdir: Path) -> Path:
    srcdir = workdir / "stock-source"
    shutil.rmtree(srcdir, ignore_errors=True)
    (srcdir / "python.org").mkdir(parents=True)
    shutil.copy(NOTICE_SOURCE, srcdir / "python.org" / "Privacy-Notice.md")
    (srcdir / "index.md").write_text(STOCK_INDEX, encoding="utf-8")
    (srcdir / "conf.py").write_text(STOCK_CONF, encoding="utf-8")
    outdir = workdir / "stock"
    build(srcdir, outdir, srcdir)
    return outdir


def weigh(browser, outdir: Path, paths: list[str]) -> dict[str, list[Resource]]:
    """Every response each page needs, opened in a fresh (cold) browser context."""
    weights = {}
    with serve(outdir) as base_url:
        for path in paths:
            context = browser.new_context()
            refused = keep_on_site(context, base_url)
            page = context.new_page()
            responses = []
            page.on("response", lambda response: responses.append(response))
            page.goto(base_url + path, wait_until="networkidle")
            resources = []
            for response in responses:
                body = response.body()
                content_type = response.headers.get("content-type", "").split(";")[0]
                compressible = content_type.startswith(COMPRESSIBLE)
                sent = len(gzip.compress(body, GZIP_LEVEL)) if compressible else len(body)
                resources.append(Resource(response.url.removeprefix(base_url), content_type,
                                          len(body), sent))
            context.close()
            if refused:
                raise SystemExit(f"{path}: requests for other hosts: {refused}")
            weights[path] = resources
    return weights


def main(argv: list[str]) -> int:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    site = BENCH_DIR / "site"
    build(ROOT / "source", site, ROOT)
    stock = build_stock(BENCH_DIR)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        ours = weigh(browser, site, page_paths(site))
        theirs = weigh(browser, stock, [NOTICE])
        browser.close()

    print(f"Notice page /{NOTICE}, cold cache, bytes (text gzip -{GZIP_LEVEL}):")
    print(f"  {'resource':52} {'raw':>8} {'sent':>8}")
    for resource in ours[NOTICE]:
        print(f"  {resource.url or '(page)':52.52} {resource.raw:8,} {resource.sent:8,}")
    print("\nEvery page of this site:")
    for path, resources in ours.items():
        print(f"  /{path:40} {len(resources):3} requests {sum(r.sent for r in resources):8,} bytes")
    print()
    ours_total = sum(r.sent for r in ours[NOTICE])
    stock_total = sum(r.sent for r in theirs[NOTICE])
    print(f"Notice, this site:          {ours_total:8,} bytes in {len(ours[NOTICE])} requests")
    print(f"Notice, stock Sphinx+furo:  {stock_total:8,} bytes in {len(theirs[NOTICE])} requests")
    print(f"Ratio this site / stock:    {ours_total / stock_total:8.2f}")
    print(f"Budget:                     {BUDGET_BYTES:8,} bytes: "
          + ("within" if ours_total <= BUDGET_BYTES else "OVER"))
    if "--keep" not in argv:
        shutil.rmtree(BENCH_DIR)
    return 0 if ours_total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
