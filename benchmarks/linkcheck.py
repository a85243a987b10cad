"""How fast the link check is, and that its hard cap holds: ``python -m benchmarks.linkcheck``.

100 links to local servers whose every answer takes 1 s, on ten loopback
addresses (127.0.0.1 to 127.0.0.10), ten links each, as a site's links spread
over many hosts. LinkChecker as ``make linkcheck`` runs it (under the address
guard, with its settings), beside LinkChecker with its default settings.

Then the hard cap: ``tools/linkcheck.py`` over a page of 100 links to a host
that accepts connections and never answers, with a 5 s cap on the whole run.

Prints a table; nothing is asserted (targets are in the last column).
"""

from __future__ import annotations

import logging
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from benchmarks.measure import ROOT
from tools import linkcheck
from tools.linkcheck_report import csv_rows
from tools.site_server import serve as serve_site

DELAY = 1.0
HOSTS = [f"127.0.0.{n}" for n in range(1, 11)]
LINKS = 100
CAP = 5.0


def _slow_answer(request: Request) -> Response:
    time.sleep(DELAY)
    return Response("<html><body>ok</body></html>", content_type="text/html")


def serve(host: str, port: int = 0) -> HTTPServer:
    """A server on *host* whose every answer takes DELAY seconds, many at once."""
    server = HTTPServer(host=host, port=port, threaded=True)
    server.expect_request(re.compile("/.*")).respond_with_handler(_slow_answer)
    server.start()
    return server


def timed(function):
    """The seconds *function* takes, and what it returns."""
    started = time.monotonic()
    result = function()
    return time.monotonic() - started, result


def site_with_links(folder: Path, urls: list[str]) -> Path:
    """A built site of one page linking *urls*, readable by LinkChecker run as `nobody`."""
    html = folder / "html"
    html.mkdir(parents=True)
    folder.chmod(0o755)
    items = "".join(f'<li><a href="{url}">{url}</a></li>' for url in urls)
    (html / "index.html").write_text(f"<html><body><ul>{items}</ul></body></html>", "utf-8")
    (html / "processors.json").write_text('{"processors": []}', encoding="utf-8")
    return folder


def answered(csv_text: str, urls: list[str]) -> int:
    """How many of *urls* LinkChecker reports as answering 200."""
    return sum(row["result"] == "200 OK" and row["urlname"] in urls for row in csv_rows(csv_text))


def ours(urls: list[str], allow: list[str], workdir: Path) -> tuple[float, int]:
    config = workdir / "linkcheckerrc"
    config.write_text(linkcheck.linkchecker_config(15, None, []), encoding="utf-8")
    site = site_with_links(workdir / "ours", urls)
    with serve_site(site / "html", linkcheck.SITE_HEADERS) as site_url:
        allow = [site_url.removeprefix("http://").rstrip("/"), *allow]
        seconds, run = timed(lambda: linkcheck.run_linkchecker(site_url, config, allow, 900))
    return seconds, answered(run["csv"], urls)


def stock(urls: list[str], workdir: Path) -> tuple[float, int]:
    site = site_with_links(workdir / "stock", urls)
    command = [str(Path(sys.executable).parent / "linkchecker"), "--check-extern", "--no-status",
               "--verbose", "-o", "csv"]
    with serve_site(site / "html", linkcheck.SITE_HEADERS) as site_url:
        seconds, done = timed(lambda: subprocess.run(
            [*command, site_url], capture_output=True, text=True, check=False))
    return seconds, answered(done.stdout, urls)


def capped(workdir: Path) -> tuple[float, str]:
    with socket.create_server(("127.0.0.1", 0), backlog=256) as silent:
        port = silent.getsockname()[1]
        site = site_with_links(workdir / "capped",
                               [f"http://127.0.0.1:{port}/{n}" for n in range(LINKS)])
        command = [sys.executable, "-m", "tools.linkcheck", "--no-build", "--builddir",
                   str(site), "--allow", f"127.0.0.1:{port}", "--timeout", "60",
                   "--max-seconds", f"{CAP:g}"]
        seconds, _ = timed(lambda: subprocess.run(command, capture_output=True, check=False,
                                                   cwd=ROOT))
    return seconds, (site / "linkcheck/report.txt").read_text(encoding="utf-8")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    first = serve(HOSTS[0])
    port = first.port
    servers = [first] + [serve(host, port) for host in HOSTS[1:]]
    spread = [f"http://{HOSTS[n % len(HOSTS)]}:{port}/{n}" for n in range(LINKS)]
    allow = [f"{host}:{port}" for host in HOSTS]

    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        workdir.chmod(0o755)  # LinkChecker run as root reads as `nobody`
        seconds, count = ours(spread, allow, workdir)
        rows.append((f"LinkChecker as make linkcheck runs it ({count}/{LINKS} answered)",
                     seconds, "~ stock"))
        seconds, count = stock(spread, workdir)
        rows.append((f"stock LinkChecker, its defaults ({count}/{LINKS} answered)", seconds, ""))
        for server in servers:
            server.stop()
        seconds, report = capped(workdir)
        noted = "noted" if "reached its cap" in report else "NOT noted"
        rows.append((f"tools/linkcheck.py, cap {CAP:g} s, host never answers ({noted})",
                     seconds, f"<= {CAP:g} s + 1 s"))

    print(f"{LINKS} links, each answered after {DELAY:g} s, on 127.0.0.1-10\n")
    print(f"| {'setup':<62} | {'wall s':>7} | target")
    print(f"| {'-' * 62} | {'-' * 7} | ------")
    for name, seconds, target in rows:
        print(f"| {name:<62} | {seconds:7.2f} | {target}")


if __name__ == "__main__":
    main()
