"""make serve: the live preview on 127.0.0.1 rebuilds on save and reloads."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT, write_project
from sphinx_autobuild.utils import find_free_port
from websockets.sync.client import connect

from test_sidebar import NAVIGATION, notice
from conftest import HOME_PAGE

TIMEOUT = 120


@pytest.fixture
def preview(tmp_path):
    """tools/serve.py on a tiny project; yields (source dir, base URL, output log)."""
    srcdir = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "_data/navigation.yaml": NAVIGATION.format(first="First Notice"),
        "example/First.md": notice("First Notice"),
        "example/Second.md": notice("Second Notice"),
    })
    port = find_free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "serve.py"), "--port", str(port),
             str(srcdir), str(tmp_path / "out")],
            stdout=stream, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:  # the address is printed, then the server starts listening
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                with connect(base.replace("http:", "ws:") + "websocket-reload"):
                    break
            except OSError:
                time.sleep(0.2)
        assert f"Serving on {base}" in log.read_text()
        yield srcdir, base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10).read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def save_and_wait_for_reload(base: str, path, text: str) -> None:
    with connect(base.replace("http:", "ws:") + "websocket-reload") as socket:
        time.sleep(0.5)  # the watcher is idle and this client is registered
        path.write_text(text, encoding="utf-8")
        assert socket.recv(timeout=TIMEOUT) == "refresh"


def test_prints_its_address_and_serves_pages_with_the_reload_script(preview):
    _, base, log = preview
    assert base.startswith("http://127.0.0.1:")
    page = fetch(base + "example/First/")
    assert "First Notice" in page
    assert "/websocket-reload" in page


def test_a_saved_notice_is_rebuilt_and_the_browser_told_to_reload(preview):
    srcdir, base, log = preview
    notice = srcdir / "example" / "First.md"
    save_and_wait_for_reload(base, notice, notice.read_text() + "\nA sentence just added.\n")
    assert "A sentence just added." in fetch(base + "example/First/")
    # The application stayed warm: one document read again, not the site.
    assert "0 added, 1 changed, 0 removed" in log.read_text()


def test_an_edited_navigation_reaches_every_page(preview):
    srcdir, base, _ = preview
    save_and_wait_for_reload(
        base, srcdir / "_data" / "navigation.yaml", NAVIGATION.format(first="Renamed Notice")
    )
    assert "Renamed Notice</a>" in fetch(base + "example/Second/")


def test_a_broken_notice_is_reported_and_serving_goes_on(preview):
    srcdir, base, log = preview
    notice = srcdir / "example" / "Second.md"
    good = notice.read_text()
    save_and_wait_for_reload(base, notice, good.replace("date: 2024-10-04\nchanges", "date: soon\nchanges"))
    assert f"{notice}:2:" in log.read_text()
    assert "'date' must be an ISO date" in log.read_text()
    assert "Second Notice" in fetch(base + "example/Second/")
    # Fixed again, the next save builds cleanly.
    save_and_wait_for_reload(base, notice, good + "\nFixed.\n")
    assert "Fixed." in fetch(base + "example/Second/")
