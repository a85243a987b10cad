"""The change history page and the Atom feed (policy_sphinx_extensions.site.feed)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import HOME_PAGE, SOURCE, Build, navigation, notice, sphinx_build, write_project

from policy_sphinx_extensions.reading.page_kinds import read_notice_dates

ATOM = "{http://www.w3.org/2005/Atom}"
BASE_URL = "https://policies.python.org/"
# The change history and its feed, and the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.site.feed", "policy_sphinx_extensions.navigation"]
NAVIGATION = navigation(("First", "example/First"), ("Second", "example/Second"),
                        ("Changes", "changes"))


TWO_NOTICES = {
    "index.md": HOME_PAGE,
    "changes.md": "---\nkind: site\n---\n\n# Changes to the notices\n\n```{change-history}\n```\n",
    "_data/navigation.yaml": NAVIGATION,
    "example/First.md": notice(title="First Notice", date="2025-01-10", changes=[
        ("2025-03-01", "editorial", "Fixed a typo."), ("2025-01-10", "material", "First version.")]),
    "example/Second.md": notice(title="Second Notice", date="2025-02-01", changes=[
        ("2025-02-01", "material", "Second notice's first version.")]),
}


@pytest.fixture(scope="module")
def two_notices(tmp_path_factory) -> Build:
    """TWO_NOTICES built once; the tests below only read it."""
    root = tmp_path_factory.mktemp("two-notices")
    build = sphinx_build(write_project(root / "source", TWO_NOTICES), root / "out", "dirhtml",
                         extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    return build


def test_feed_is_valid_atom_with_an_entry_per_change(site):
    notice_dates = read_notice_dates(SOURCE / "python.org" / "Privacy-Notice.md")
    feed_bytes = (site.outdir / "feed.xml").read_bytes()

    parsed = feedparser.parse(feed_bytes)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"

    # RFC 4287: feed and entries each carry id, title and updated; ids are unique.
    root = ET.fromstring(feed_bytes)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(notice_dates.changes)
    assert len({entry.findtext(f"{ATOM}id") for entry in entries}) == len(entries)

    page = BeautifulSoup(site.page("python.org/Privacy-Notice"), "html.parser")
    for entry, change, change_id in zip(
        parsed.entries, notice_dates.changes, notice_dates.change_ids(), strict=True
    ):
        assert entry.link == f"{BASE_URL}python.org/Privacy-Notice/#{change_id}"
        assert page.find(id=change_id) is not None, change_id
        assert entry.updated == f"{change.date.isoformat()}T00:00:00+00:00"
        assert [tag.term for tag in entry.tags] == [change.kind]
        assert entry.summary == change.summary
    # The feed is as new as the newest change: its date comes from the data.
    newest = max(change.date for change in notice_dates.changes)
    assert parsed.feed.updated == f"{newest.isoformat()}T00:00:00+00:00"


def test_every_page_links_to_the_feed(site):
    pages = sorted(site.outdir.rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = soup.find_all("link", rel="alternate", type="application/atom+xml")
        assert len(links) == 1, page
        href = links[0]["href"]
        # The 404 page is served at any address: its links start at the site's root.
        if href.startswith("/"):
            target = site.outdir / href.lstrip("/")
        else:
            target = Path(urlsplit(urljoin(page.as_uri(), href)).path)
        assert target == site.outdir / "feed.xml", page


def test_history_page_and_feed_list_every_notice_newest_first(two_notices):
    build = two_notices

    page = BeautifulSoup(build.page("changes"), "html.parser")
    items = page.select("ul.site-change-history > li")
    assert [item.get_text(" ", strip=True) for item in items] == [
        "March 1, 2025 — First Notice editorial : Fixed a typo.",
        "February 1, 2025 — Second Notice material : Second notice's first version.",
        "January 10, 2025 — First Notice material : First version.",
    ]
    assert [item.a["href"] for item in items] == [
        "../example/First/#change-2025-03-01",
        "../example/Second/#change-2025-02-01",
        "../example/First/#change-2025-01-10",
    ]
    assert page.select_one("a.feed-link")["href"] == "../feed.xml"

    parsed = feedparser.parse((build.outdir / "feed.xml").read_bytes())
    assert [(entry.link, entry.tags[0].term) for entry in parsed.entries] == [
        (f"{BASE_URL}example/First/#change-2025-03-01", "editorial"),
        (f"{BASE_URL}example/Second/#change-2025-02-01", "material"),
        (f"{BASE_URL}example/First/#change-2025-01-10", "material"),
    ]


def test_feed_is_identical_across_builds(two_notices, tmp_path):
    feed = (two_notices.outdir / "feed.xml").read_bytes()
    second = sphinx_build(two_notices.outdir.parent / "source", tmp_path / "out", "dirhtml",
                          "-E", extensions=EXTENSIONS)
    assert second.returncode == 0, second.output
    assert (second.outdir / "feed.xml").read_bytes() == feed
    # Nothing from the clock: the only dates are the changes' own.
    dates = {
        datetime.date.fromisoformat(element.text[:10])
        for element in ET.fromstring(feed).iter()
        if element.tag in (f"{ATOM}updated", f"{ATOM}published")
    }
    assert dates == {datetime.date(2025, 3, 1), datetime.date(2025, 2, 1),
                     datetime.date(2025, 1, 10)}


def test_a_feed_made_of_the_same_changes_is_kept(tmp_path):
    source = write_project(tmp_path / "source", TWO_NOTICES)
    outdir = tmp_path / "out"
    assert sphinx_build(source, outdir, "dirhtml").returncode == 0
    feed = outdir / "feed.xml"
    written = feed.read_bytes()
    feed.write_bytes(b"kept")  # what a build that writes the feed again replaces
    assert sphinx_build(source, outdir, "dirhtml").returncode == 0
    assert feed.read_bytes() == b"kept"
    # A feed deleted, or a change summarised otherwise, is written again.
    feed.unlink()
    assert sphinx_build(source, outdir, "dirhtml").returncode == 0
    assert feed.read_bytes() == written
    first = source / "example" / "First.md"
    first.write_text(first.read_text(encoding="utf-8").replace("Fixed a typo.", "Fixed two."),
                     encoding="utf-8")
    assert sphinx_build(source, outdir, "dirhtml").returncode == 0
    assert feed.read_bytes() == written.replace(b"Fixed a typo.", b"Fixed two.")


def test_feed_without_site_address_fails(project):
    build = project(TWO_NOTICES, "dirhtml", "-D", "html_baseurl=", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "html_baseurl is not set: the Atom feed (feed.xml) needs the site's address" in (
        build.output
    )


def test_history_page_is_rewritten_only_when_the_changes_or_titles_change(project):
    first = project(TWO_NOTICES, "dirhtml", extensions=EXTENSIONS)
    assert first.returncode == 0, first.output
    srcdir = first.outdir.parent / "source"
    history = first.outdir / "changes" / "index.html"
    written = history.stat().st_mtime_ns

    def rebuild(name: str, old: str, new: str):
        path = srcdir / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        build = sphinx_build(srcdir, first.outdir, "dirhtml", extensions=EXTENSIONS)
        assert build.returncode == 0, build.output
        return build

    # New wording, same history: the notice is rebuilt, the history page is not.
    build = rebuild("example/First.md", "Text.", "Text, reworded.")
    assert "Text, reworded." in build.page("example/First")
    assert history.stat().st_mtime_ns == written

    # A new title, and then a new change: the history page shows each.
    build = rebuild("example/Second.md", "# Second Notice", "# Second Notice, Renamed")
    assert "Second Notice, Renamed" in build.page("changes")
    build = rebuild("example/First.md", "changes:\n", "changes:\n  - date: 2025-04-01\n"
                    "    kind: editorial\n    summary: Reworded a sentence.\n")
    assert "Reworded a sentence." in build.page("changes")
