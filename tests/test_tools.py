"""The screenshot tool and the page-weight measurement, on a tiny static site."""

from __future__ import annotations

import gzip
import struct
import urllib.error
import urllib.request

import pytest

from benchmarks.page_weight import weigh
from tools.screenshots import screenshot_name, take_screenshots
from tools.site_browser import SCREENSHOT_VARIANTS, page_paths
from tools.site_server import serve

STYLE = "body { color: #222; }\n" * 200
PAGES = {
    "index.html": '<!doctype html><html lang="en"><head><title>Home</title>'
    '<link rel="stylesheet" href="style.css"></head><body><h1>Home</h1></body></html>',
    "about/index.html": '<!doctype html><html lang="en"><head><title>About</title></head>'
    "<body><h1>About</h1></body></html>",
    "style.css": STYLE,
}


@pytest.fixture
def tiny_site(tmp_path):
    for name, text in PAGES.items():
        path = tmp_path / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "site"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_page_paths_are_the_addresses_of_the_pages(tiny_site):
    assert page_paths(tiny_site) == ["", "about/"]


def test_screenshot_names():
    assert screenshot_name("") == "home"
    assert screenshot_name("python.org/Privacy-Notice/") == "python.org--Privacy-Notice"
    assert screenshot_name("search/?q=Data+Processing+Addendum") == "search"
    assert screenshot_name("no/such/page/") == "not-found"


def test_screenshots_of_every_page_in_every_variant(browser, tiny_site, tmp_path):
    (tiny_site / "404.html").write_text(
        '<!doctype html><html lang="en"><head><title>Not here</title></head>'
        "<body><h1>Not here</h1></body></html>", encoding="utf-8")
    written = take_screenshots(browser, tiny_site, tmp_path / "shots")
    # Each page, the 404 page at its own address and at a missing one.
    assert len(written) == len(SCREENSHOT_VARIANTS) * 4
    assert {variant.size["width"] for variant in SCREENSHOT_VARIANTS} == {1280, 390}
    assert {variant.color_scheme for variant in SCREENSHOT_VARIANTS} == {"light", "dark"}
    for variant in SCREENSHOT_VARIANTS:
        for name in ("home", "about", "404", "not-found"):
            width, _ = png_size((tmp_path / "shots" / variant.name / f"{name}.png").read_bytes())
            assert width == variant.size["width"]


def test_missing_address_gets_the_404_page_with_status_404(tiny_site):
    (tiny_site / "404.html").write_text("<title>Not here</title>", encoding="utf-8")
    with serve(tiny_site) as base_url:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(base_url + "no/such/page/", timeout=10)  # noqa: S310
    assert caught.value.code == 404
    assert caught.value.read() == b"<title>Not here</title>"


def test_the_server_sends_the_headers_it_is_given_and_no_other(tiny_site):
    with serve(tiny_site, {"LinkChecker": "local"}) as base_url:
        with urllib.request.urlopen(base_url, timeout=10) as answer:  # noqa: S310
            assert answer.headers["LinkChecker"] == "local"
    with serve(tiny_site) as base_url:
        with urllib.request.urlopen(base_url, timeout=10) as answer:  # noqa: S310
            assert "LinkChecker" not in answer.headers


def test_weight_counts_text_as_gzip_and_every_resource(browser, tiny_site):
    weights = weigh(browser, tiny_site, [""])
    resources = {resource.url: resource for resource in weights[""]}
    assert set(resources) == {"", "style.css"}
    style = resources["style.css"]
    assert style.raw == len(STYLE)
    assert style.sent == len(gzip.compress(STYLE.encode(), 6))
