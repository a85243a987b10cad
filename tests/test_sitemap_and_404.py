"""sitemap.xml lists the reading pages at their live addresses; the 404 page
works at any depth (its links are absolute; a browser test follows them)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from bs4 import BeautifulSoup

from tools.site_browser import page_paths

BASE_URL = "https://policies.python.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NOT_SITEMAPPED = {"search/", "404/"}


def test_sitemap_lists_every_reading_page_at_its_live_address(site):
    root = ElementTree.parse(site.outdir / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    addresses = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    expected = [BASE_URL + path for path in page_paths(site.outdir) if path not in NOT_SITEMAPPED]
    assert sorted(addresses) == sorted(expected)
    assert BASE_URL + "python.org/Privacy-Notice/" in addresses


def test_404_page_links_its_styles_and_pages_absolutely(site):
    soup = BeautifulSoup(site.page("404/"), "html.parser")
    assert soup.h1.get_text(strip=True).startswith("Page not found")
    for link in soup.select('link[rel="stylesheet"], script[src]'):
        assert (link.get("href") or link.get("src")).startswith("/_static/"), link
    internal = [
        a["href"] for a in soup.select(".sidebar-tree a.internal, a.sidebar-brand")
    ]
    assert internal and all(href.startswith("/") for href in internal), internal
