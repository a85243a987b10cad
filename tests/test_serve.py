"""make serve: the live preview on 127.0.0.1 rebuilds on save, reloads, and shows warnings.

One server is shared by the module's tests (starting one is most of their
time): a test that edits a source restores it before it ends.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.docutils import docutils_namespace
from sphinx_autobuild.utils import find_free_port
from websockets.sync.client import connect

from conftest import HOME_PAGE, ROOT, SOURCE, notice, write_project
from test_sidebar import NAVIGATION
from tools.preview_http import Problem, banner
from tools.serve import WarmBuilder

TIMEOUT = 120
STOP_TIMEOUT = 20
# The process groups of the servers this module started: none may outlive it.
GROUPS: set[int] = set()
# Processes of a group still alive after its server stopped by itself.
LEFT_BEHIND: list[str] = []


class Preview:
    """A running ``tools/serve.py``: its sources, output, address and printed log."""

    def __init__(self, srcdir: Path, outdir: Path, port: int, log: Path) -> None:
        self.srcdir, self.outdir, self.port, self.log = srcdir, outdir, port, log
        self.base = f"http://127.0.0.1:{port}/"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def save(self, path: Path, text: str) -> str:
        """Write *path*, wait for the browser's reload signal; return what its build printed."""
        before = len(self.output())
        with connect(self.base.replace("http:", "ws:") + "websocket-reload") as socket:
            # No wait before writing: a change seen during a build is built
            # after it, and the server's "built" flag stays set until a client
            # takes it, so a signal sent before this client listens still comes.
            path.write_text(text, encoding="utf-8")
            while True:  # a signal may be left from a build no client heard
                assert socket.recv(timeout=TIMEOUT) == "refresh"
                lines = self.output()[before:].splitlines(keepends=True)
                for index, line in enumerate(lines):
                    if str(path) in line.partition(": built in ")[0]:
                        return "".join(lines[index:])  # this build's line and warnings

    def restore(self, path: Path, text: str) -> None:
        if path.read_text(encoding="utf-8") != text:
            self.save(path, text)


def _group_members(group: int) -> list[str]:
    """The command lines of the live processes in process group *group*."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return members


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM the server, as Ctrl+C or a service manager would; then its whole group."""
    group = server.pid  # start_new_session: the server leads its own group
    try:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            LEFT_BEHIND.append(f"tools/serve.py did not stop within {STOP_TIMEOUT} s of SIGTERM")
        # What it started ends after it: left behind is what is still there
        # once STOP_TIMEOUT has passed, not what a busy machine has not ended yet.
        deadline = time.monotonic() + STOP_TIMEOUT
        while _group_members(group) and time.monotonic() < deadline:
            time.sleep(0.1)
        LEFT_BEHIND.extend(_group_members(group))
    finally:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(timeout=STOP_TIMEOUT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while _group_members(group) and time.monotonic() < deadline:
            time.sleep(0.1)  # killed processes are gone once the kernel has ended them


@pytest.fixture(scope="module", autouse=True)
def no_server_outlives_the_tests():
    """After the module, no process of any server it started is alive."""
    yield
    alive = {group: members for group in GROUPS if (members := _group_members(group))}
    assert not alive, f"processes outlived the tests: {alive}"
    assert not LEFT_BEHIND, f"stopping tools/serve.py left processes behind: {LEFT_BEHIND}"


def start_preview(root: Path, files: dict[str, str]) -> tuple[subprocess.Popen, Preview]:
    srcdir = write_project(root / "source", files)
    preview = Preview(srcdir, root / "out", find_free_port(), root / "serve.log")
    with preview.log.open("w") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "tools.serve", "--port", str(preview.port),
             str(srcdir), str(preview.outdir)],
            stdout=stream, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
        )
    GROUPS.add(server.pid)
    return server, preview


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """tools/serve.py on a tiny project, stopped (with anything it started) at the end."""
    server, preview = start_preview(tmp_path_factory.mktemp("preview"), {
        "index.md": HOME_PAGE,
        "_data/navigation.yaml": NAVIGATION.format(first="First Notice"),
        "example/First.md": notice(title="First Notice"),
        "example/Second.md": notice(title="Second Notice"),
        "404.md": (SOURCE / "404.md").read_text(encoding="utf-8"),
    })
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:  # the address is printed, then the server starts listening
            assert server.poll() is None, preview.output()
            assert time.monotonic() < deadline, preview.output()
            try:
                with connect(preview.base.replace("http:", "ws:") + "websocket-reload"):
                    break
            except OSError:
                time.sleep(0.2)
        yield preview
    finally:
        _stop(server)


def fetch(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10).read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def request(preview: Preview, path: str, headers: dict[str, str] | None = None):
    """GET *path* sent as written (no normalising), with the right Host unless given."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{preview.port}",
                                                 **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def websocket_status(preview: Preview, headers: dict[str, str]) -> int:
    """The status of a websocket opening handshake to the reload socket."""
    return request(preview, "/websocket-reload", {
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **headers,
    })[0]


def test_prints_its_address_and_serves_pages_with_the_reload_script(preview):
    assert f"Serving on {preview.base}" in preview.output()
    page = fetch(preview.base + "example/First/")
    assert "First Notice" in page
    assert "/websocket-reload" in page
    assert "preview-warnings" not in page  # no warning, no box
    # Pages only: no PDF is rendered, whatever conf.py's default.
    assert "Download PDF" not in page
    assert not (preview.outdir / "pdf").exists()


def test_a_saved_notice_is_rebuilt_quietly_and_the_browser_told_to_reload(preview):
    notice_path = preview.srcdir / "example" / "First.md"
    good = notice_path.read_text()
    try:
        printed = preview.save(notice_path, good + "\nA sentence just added.\n")
        assert "A sentence just added." in fetch(preview.base + "example/First/")
        # One line: what was saved, the one document read again (the
        # application stayed warm), no warnings.
        lines = printed.splitlines()
        assert len(lines) == 1, printed
        assert "First.md: built in " in lines[0]
        assert "(read example/First, wrote " in lines[0]
        assert lines[0].endswith("; no warnings")
    finally:
        preview.restore(notice_path, good)


def test_an_edited_navigation_reaches_every_page(preview):
    navigation = preview.srcdir / "_data" / "navigation.yaml"
    try:
        preview.save(navigation, NAVIGATION.format(first="Renamed Notice"))
        assert "Renamed Notice</a>" in fetch(preview.base + "example/Second/")
    finally:
        preview.restore(navigation, NAVIGATION.format(first="First Notice"))


def test_a_warning_is_printed_and_shown_on_every_page_until_fixed(preview):
    second = preview.srcdir / "example" / "Second.md"
    first = preview.srcdir / "example" / "First.md"
    good_second, good_first = second.read_text(), first.read_text()
    broken = good_second + "\nServed by Fastly. {processor-terms}`fastlyy`\n"
    line = broken.splitlines().index("Served by Fastly. {processor-terms}`fastlyy`") + 1
    where = f"{second}:{line}"
    try:
        printed = preview.save(second, broken)
        assert printed.splitlines()[0].endswith("; 1 warning"), printed
        assert f"  {where}: unknown processor 'fastlyy'" in printed
        for page in ("example/Second/", "example/First/", ""):
            box = fetch(preview.base + page).split('<div id="preview-warnings"')[1]
            assert f"<code>{where}</code>: unknown processor &#39;fastlyy&#39;" in box
        # Served, not built: the files on disk have no box.
        assert "preview-warnings" not in (preview.outdir / "example/Second/index.html").read_text()

        # Another save leaves the warning: it is fixed only where it is. (The
        # page with the warning is read again, so Sphinx warns about it again.)
        printed = preview.save(first, good_first + "\nAnother edit.\n")
        assert "(read example/First, example/Second, wrote " in printed, printed
        assert printed.splitlines()[0].endswith("; 1 warning"), printed
        assert "preview-warnings" in fetch(preview.base + "example/First/")

        # Fixed: the count is this build's, and the box is gone.
        printed = preview.save(second, good_second)
        assert len(printed.splitlines()) == 1, printed
        assert printed.splitlines()[0].endswith("; no warnings"), printed
        assert "preview-warnings" not in fetch(preview.base + "example/Second/")
    finally:
        preview.restore(first, good_first)
        preview.restore(second, good_second)


def test_a_broken_front_matter_is_reported_and_serving_goes_on(preview):
    second = preview.srcdir / "example" / "Second.md"
    good = second.read_text()
    try:
        printed = preview.save(second, good.replace("date: 2024-10-04\nchanges", "date: soon\nchanges"))
        assert f"{second}:2: " in printed
        assert "'date' must be an ISO date" in printed
        assert "Second Notice" in fetch(preview.base + "example/Second/")
    finally:
        printed = preview.save(second, good)
    assert printed.splitlines()[-1].endswith("; no warnings"), printed


def test_the_banner_in_a_browser_escapes_the_warning_and_goes_when_fixed(preview, browser):
    second = preview.srcdir / "example" / "Second.md"
    good = second.read_text()
    context = browser.new_context()
    try:
        preview.save(second, good + "\nA role: {processor-terms}`<b>x</b>`\n")
        page = context.new_page()
        page.goto(preview.base + "example/Second/")
        box = page.locator("#preview-warnings")
        assert box.is_visible()
        assert page.evaluate("document.body.firstElementChild.id") == "preview-warnings"
        assert box.bounding_box()["y"] == 0
        text = box.inner_text()
        assert "1 warning" in text
        assert "Second.md:" in text
        assert "unknown processor '<b>x</b>'" in text  # shown as text, not markup
        assert box.locator("b").count() == 0
        # Fixed: the page reloads itself, without the box.
        second.write_text(good, encoding="utf-8")
        page.wait_for_selector("#preview-warnings", state="detached", timeout=TIMEOUT * 1000)
        assert "Second Notice" in page.content()
    finally:
        context.close()
        preview.restore(second, good)


def test_the_banner_writes_each_warning_as_text():
    # No server needed: the box itself, as the preview puts it into every page.
    assert banner([]) == b""
    box = BeautifulSoup(banner([Problem("/nowhere/example/Notice.md:3", "unknown role 'x'"),
                                Problem("", "a warning of no file")]), "html.parser")
    assert box.div["id"] == "preview-warnings" and box.div["role"] == "alert"
    assert box.strong.get_text() == "2 warnings"
    assert [li.get_text() for li in box.select("li")] == [
        "/nowhere/example/Notice.md:3: unknown role 'x'", "a warning of no file"]
    assert [code.get_text() for code in box.select("li code")] == ["/nowhere/example/Notice.md:3"]

    # A message or a file name holding markup, or a quote that would end an
    # attribute, is shown as written and runs nothing.
    script = "<script>alert(1)</script>"
    location = f'/nowhere/"><img src=x onerror=alert(2)>{script}.md:7'
    raw = banner([Problem(location, f'unknown processor "{script}"')]).decode()
    box = BeautifulSoup(raw, "html.parser")
    assert box.find("script") is None and box.find("img") is None
    assert box.strong.get_text() == "1 warning"
    assert box.li.get_text() == f'{location}: unknown processor "{script}"'
    assert box.li.code.get_text() == location
    assert script not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


@pytest.mark.parametrize("path", [
    "/.doctrees/environment.pickle",
    "/.buildinfo",
    "/example/../.doctrees/environment.pickle",
    "/%2edoctrees/environment.pickle",
    "/../",
    "/../serve.log",
    "/%2e%2e/serve.log",
    "/..%2fserve.log",
    "/../../../../../etc/passwd",
])
def test_serves_nothing_but_the_site(preview, path):
    assert (preview.outdir / ".doctrees" / "environment.pickle").is_file()
    assert (preview.outdir / ".buildinfo").is_file()
    assert preview.log.is_file()  # beside the output directory
    status, body = request(preview, path)
    assert status == 404, (path, body[:200])
    # The site's own 404 page, as the host answers.
    assert "<h1>Page not found" in body.decode(), (path, body[:200])


def test_a_missing_page_gets_the_sites_404_page(preview):
    status, body = request(preview, "/python.org/No-Such-Notice/")
    assert status == 404
    page = BeautifulSoup(body, "html.parser")
    assert page.h1.get_text(strip=True).startswith("Page not found")
    # Its styles and links work at any address, and it reloads like every page.
    assert page.find("link", rel="stylesheet")["href"].startswith("/_static/")
    assert b"websocket-reload" in body
    assert request(preview, "/404/")[0] == 200


def test_the_site_itself_is_served(preview):
    status, body = request(preview, "/example/First/")
    assert status == 200 and b"First Notice" in body
    assert request(preview, "/objects.inv")[0] == 200


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_answers_requests_addressed_to_itself(preview, host):
    status, body = request(preview, "/", {"Host": f"{host}:{preview.port}"})
    assert status == 200 and b"Home" in body
    assert websocket_status(preview, {"Host": f"{host}:{preview.port}"}) == 101
    assert websocket_status(preview, {"Host": f"{host}:{preview.port}",
                                      "Origin": f"http://{host}:{preview.port}"}) == 101


@pytest.mark.parametrize("host", [
    "attacker.example:{port}", "attacker.example", "127.0.0.1", "localhost:1",
    "127.0.0.1:{port}.attacker.example", "",
])
def test_refuses_requests_addressed_to_another_host(preview, host):
    host = host.format(port=preview.port)
    status, body = request(preview, "/example/First/", {"Host": host})
    assert status in (400, 403), (host, status)
    assert b"First Notice" not in body
    assert websocket_status(preview, {"Host": host}) in (400, 403)


def test_refuses_a_reload_socket_opened_by_another_site(preview):
    status = websocket_status(preview, {"Host": f"127.0.0.1:{preview.port}",
                                        "Origin": "http://attacker.example"})
    assert status == 403


def test_listens_on_127_0_0_1_only(preview):
    # The whole 127/8 block is this machine: a server listening on every
    # address would answer at 127.0.0.2 too.
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.2", preview.port, timeout=10).connect()


def test_make_html_says_how_to_look_at_the_pages(tmp_path):
    srcdir = write_project(tmp_path / "source", {"index.md": HOME_PAGE})
    process = subprocess.run(
        # -o: the shared virtual environment is used as it is, never reinstalled.
        ["make", "--no-print-directory", "-C", str(ROOT), "-o", ".venv/.installed", "html",
         f"SOURCEDIR={srcdir}", f"BUILDDIR={tmp_path / 'build'}", "PORT=8123"],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert (tmp_path / "build" / "html" / "index.html").is_file()
    last = process.stdout.strip().splitlines()[-1]
    assert last == "To look at the pages: make serve, then open http://127.0.0.1:8123/"


def test_a_file_gone_again_is_not_named(tmp_path, capsys):
    # An editor saving through a temporary file (sed -i, some editors'
    # atomic saves): the watcher reports both, the terminal names the notice.
    srcdir = write_project(tmp_path / "source", {"index.md": HOME_PAGE})
    builder = WarmBuilder(srcdir, tmp_path / "out")
    with docutils_namespace():  # what the application registers goes with it
        builder(changed_paths=[srcdir / "index.md", srcdir / "sedTMP01"])
    line = capsys.readouterr().out.splitlines()[0]
    assert "index.md" in line and "sedTMP01" not in line
