"""How fast the link check is, and that its hard cap holds: ``python benchmarks/linkcheck.py``.

100 links to a local server whose every answer takes 1 s. The server listens
on ten loopback addresses (127.0.0.1 to 127.0.0.10), ten links each, as a
site's links spread over many hosts; the per-host rate limit applies to each.
Compared with the stock setups over the same links: Sphinx's linkcheck
builder and LinkChecker with their default settings.

Then the hard cap: 100 links to a host that accepts connections and never
answers, with a 3 s cap on the whole run.

Prints a table; nothing is asserted (targets are in the last column).
"""

from __future__ import annotations

import argparse
import http.server
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.linkcheck import SiteServer  # noqa: E402
from tools.urlcheck import Checker, Policy  # noqa: E402

DELAY = 1.0
HOSTS = [f"127.0.0.{n}" for n in range(1, 11)]
LINKS = 100


class SlowHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        time.sleep(DELAY)
        body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, format, *args):  # noqa: A002
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # 100 connections at once must not wait in the backlog
    daemon_threads = True


def serve(host: str, handler, port: int = 0) -> Server:
    server = Server((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(function) -> float:
    started = time.monotonic()
    function()
    return time.monotonic() - started


def links_page(urls: list[str]) -> str:
    items = "".join(f'<li><a href="{url}">{url}</a></li>' for url in urls)
    return f"<html><body><ul>{items}</ul></body></html>"


def stock_sphinx(urls: list[str], workdir: Path) -> float:
    source = workdir / "sphinx-src"
    source.mkdir()
    (source / "conf.py").write_text("")
    (source / "index.rst").write_text(
        "Links\n=====\n\n" + "".join(f"* {url}\n" for url in urls), encoding="utf-8"
    )
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "linkcheck", str(source),
               str(workdir / "sphinx-out")]
    return timed(lambda: subprocess.run(command, capture_output=True, check=False))


def stock_linkchecker(urls: list[str], workdir: Path) -> float:
    site = workdir / "page"
    site.mkdir()
    site.chmod(0o755)
    (site / "index.html").write_text(links_page(urls), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "linkchecker"), "--check-extern", "--no-status",
               "-o", "none"]
    with SiteServer(site) as site_url:
        return timed(lambda: subprocess.run([*command, site_url], capture_output=True, check=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-stock", action="store_true", help="measure only our checker")
    args = parser.parse_args()

    first = serve(HOSTS[0], SlowHandler)
    port = first.server_address[1]
    servers = [first] + [serve(host, SlowHandler, port) for host in HOSTS[1:]]
    spread = [f"http://{HOSTS[n % len(HOSTS)]}:{port}/{n}" for n in range(LINKS)]
    one_host = [f"http://{HOSTS[0]}:{port}/one/{n}" for n in range(LINKS)]

    rows: list[tuple[str, float, str]] = []
    ours = timed(lambda: Checker(Policy()).check_all(spread))
    rows.append(("urlcheck, CI policy, 10 hosts x 10 links", ours, "<= 5 s"))
    rows.append((
        "urlcheck, CI policy, 1 host x 100 links",
        timed(lambda: Checker(Policy()).check_all(one_host)),
        f">= {LINKS * Policy().host_interval:g} s (10 requests/s per host)",
    ))
    rows.append((
        "urlcheck, no per-host limit, 1 host x 100 links",
        timed(lambda: Checker(Policy(host_interval=0.0)).check_all(one_host)),
        "",
    ))
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        workdir.chmod(0o755)  # LinkChecker run as root reads as `nobody`
        if not args.skip_stock:
            rows.append(("stock Sphinx linkcheck (5 workers)", stock_sphinx(spread, workdir), ""))
            rows.append(("stock LinkChecker (10 threads)", stock_linkchecker(spread, workdir), ""))
    for server in servers:
        server.shutdown()

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(256)
    never = [f"http://127.0.0.1:{silent.getsockname()[1]}/{n}" for n in range(LINKS)]
    capped = Policy(run_cap=3.0)
    results: list = []
    cap_seconds = timed(lambda: results.extend(Checker(capped).check_all(never)))
    silent.close()
    timeouts = sum(result.status == "timeout" for result in results)
    rows.append((f"hard cap 3 s, host never answers ({timeouts}/{LINKS} timeout)", cap_seconds,
                 "<= 3 s + 1 s grace"))

    print(f"{LINKS} links, each answered after {DELAY:g} s, on 127.0.0.1-10\n")
    print(f"| {'setup':<56} | {'wall s':>7} | {'vs ours':>7} | target")
    print(f"| {'-' * 56} | {'-' * 7} | {'-' * 7} | ------")
    for name, seconds, target in rows:
        print(f"| {name:<56} | {seconds:7.2f} | {seconds / ours:6.1f}x | {target}")


if __name__ == "__main__":
    main()
