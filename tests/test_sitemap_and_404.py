"""sitemap.xml lists the reading pages at their live addresses, however much of
the site a build rewrote; a build of an unchanged project rewrites nothing; the
404 page works at any depth (its links are absolute; a browser test follows
them)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import HOME_PAGE, navigation, notice, sphinx_build, write_project

from tools.site_browser import page_paths

BASE_URL = "https://policies.python.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The search page says noindex; the 404 page is served with status 404.
NOT_SITEMAPPED = {"search/", "404/"}


def meant_to_be_found(outdir, path: str) -> bool:
    """Whether the page at *path* asks search engines to list it at its own
    address: its canonical link is itself, and it does not say noindex."""
    head = BeautifulSoup((outdir / path / "index.html").read_text(encoding="utf-8"),
                         "html.parser").head
    canonical = head.find("link", rel="canonical")
    robots = head.find("meta", attrs={"name": "robots"})
    return (canonical is not None and canonical["href"] == BASE_URL + path
            and (robots is None or "noindex" not in robots["content"]))


def test_sitemap_lists_every_reading_page_at_its_live_address(site):
    root = ElementTree.parse(site.outdir / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    addresses = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    expected = [BASE_URL + path for path in page_paths(site.outdir)
                if path not in NOT_SITEMAPPED and meant_to_be_found(site.outdir, path)]
    assert sorted(addresses) == sorted(expected)
    assert BASE_URL + "python.org/Privacy-Notice/" in addresses
    # A version of a notice names the notice canonical: the notice is listed, not it.
    assert not any("/Privacy-Notice/20" in address for address in addresses)


def test_404_page_links_its_styles_and_pages_absolutely(site):
    soup = BeautifulSoup(site.page("404/"), "html.parser")
    assert soup.h1.get_text(strip=True).startswith("Page not found")
    for link in soup.select('link[rel="stylesheet"], script[src]'):
        assert (link.get("href") or link.get("src")).startswith("/_static/"), link
    internal = [
        a["href"] for a in soup.select(".sidebar-tree a.internal, a.sidebar-brand")
    ]
    assert internal and all(href.startswith("/") for href in internal), internal


# -- incremental builds of a tiny project -------------------------------------------------------

INCREMENTAL_NAVIGATION = navigation(("First", "example/First"), ("Second", "example/Second"))


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A tiny project built, built again unchanged, then again after one notice
    was edited: (the three builds, each page's mtime after the first)."""
    root = tmp_path_factory.mktemp("incremental")
    srcdir = write_project(root / "source", {
        "_data/navigation.yaml": INCREMENTAL_NAVIGATION,
        "index.md": HOME_PAGE,
        "example/First.md": notice(title="First"),
        "example/Second.md": notice(title="Second"),
    })
    outdir = root / "out"
    builds = [sphinx_build(srcdir, outdir, "dirhtml")]
    assert builds[0].returncode == 0, builds[0].output
    written = {path: path.stat().st_mtime_ns for path in outdir.rglob("index.html")}
    builds.append(sphinx_build(srcdir, outdir, "dirhtml"))
    rewritten = {path for path in written if path.stat().st_mtime_ns != written[path]}
    first = srcdir / "example" / "First.md"
    first.write_text(first.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    builds.append(sphinx_build(srcdir, outdir, "dirhtml"))
    for build in builds:
        assert build.returncode == 0, build.output
    return builds, rewritten


def test_a_second_build_of_an_unchanged_project_reads_and_writes_nothing(rebuilt):
    (_, second, _), rewritten = rebuilt
    assert "targets for 0 source files that are out of date" in second.output
    assert "no targets are out of date." in second.output
    # The pages made without a source (search, and the 404 page of a project
    # without one) are written by every build; no document's page is.
    assert {path.parent.name for path in rewritten} <= {"search", "404"}
    # No value of the configuration changed between the builds, and Sphinx
    # says none did: the theme's own values are compared too (theme_settings.py).
    assert "The configuration has changed" not in second.output


def test_the_sitemap_keeps_every_page_after_an_incremental_build(rebuilt):
    (_, _, edited), _ = rebuilt
    assert "targets for 1 source files that are out of date" in edited.output
    root = ElementTree.parse(edited.outdir / "sitemap.xml").getroot()
    assert [loc.text for loc in root.iter(f"{SITEMAP}loc")] == [
        BASE_URL, f"{BASE_URL}example/First/", f"{BASE_URL}example/Second/"]


SITE_FILES = ("sitemap.xml", "feed.xml", "versions.json", "processors.json")


def test_only_the_site_s_builders_write_the_site_s_files(site, project):
    assert all((site.outdir / name).is_file() for name in SITE_FILES)
    single = project({"index.md": HOME_PAGE}, "singlehtml")
    assert single.returncode == 0, single.output
    assert [name for name in SITE_FILES if (single.outdir / name).exists()] == []
