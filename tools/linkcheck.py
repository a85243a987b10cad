"""Check every link of the site, the processor URLs with the rest: ``make linkcheck``.

1. Build the site (``dirhtml``, strict) into ``BUILDDIR/html``; ``--no-build``
   checks the build already there.
2. Serve it on 127.0.0.1 and run LinkChecker over it, following every link
   off the site too. The processors page links every processor URL, so they
   are checked with the rest. LinkChecker runs under the address guard
   (``tools/address_guard.py``): it never connects to a loopback, private or
   link-local address but the site's own server.
3. Read LinkChecker's CSV report and fail what it passes but a reader would
   not get: a redirect to the site's home page or to a login page (a soft
   404).
4. Write ``BUILDDIR/linkcheck/report.txt`` (LinkChecker's own report beside
   it, ``linkchecker.csv``) and, while a processor URL is broken, ``issue.md``:
   the body of the issue the scheduled CI job opens.

The whole run has a hard cap (``--max-seconds``): LinkChecker's
``maxrunseconds`` stops it starting new links in time, and it is stopped at
the cap whatever it is doing.

Exit status: 0 every link works; 1 a link is broken; 2 the site does not
build, or LinkChecker failed; 3 no network: not one address off the site
could be reached, so nothing was checked (no report of broken links, no
``issue.md``). Links that answer but cannot be verified (401/403, 429, a
timeout, ``robots.txt``) are warnings.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
STRICT = ["-W", "--keep-going", "-n"]
ISSUE_NAME = "issue.md"  # written only while a processor URL is broken
NO_NETWORK = 3
STATUS_ORDER = ("ok", "redirected", "unverified", "broken")
REDIRECT = re.compile(r"Redirected to `(?P<url>[^']*)' status: (?P<code>\d+)")
LOGIN_PATH = re.compile(
    r"(^|/)(login|log-in|signin|sign-in|sso|auth|account/login)(/|$)", re.IGNORECASE
)
# LinkChecker's result for a URL it could not connect to at all: the guard's
# NameNotResolved, or requests' and urllib3's names for a failed connection.
UNREACHED = re.compile(r"^(NameNotResolved|ConnectTimeout):|NewConnectionError|ConnectTimeoutError")
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


@dataclass
class Row:
    """One URL of the report, wherever it is linked."""

    url: str
    status: str = "ok"
    detail: str = ""
    unreached: bool = False
    processor: dict | None = None
    found_on: list[str] = field(default_factory=list)


# -- the site, built and served ----------------------------------------------------------------

def build_site(source: Path, html_dir: Path, timeout: float) -> None:
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(ROOT), *STRICT, "-q",
         str(source), str(html_dir)],
        check=True,
        timeout=timeout,
    )


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # LinkChecker spaces requests to one host 0.1-0.6 s apart unless the
        # host answers with this header: the site's own pages need no spacing.
        self.send_header("LinkChecker", "local")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@dataclass
class SiteServer:
    """The built site served on 127.0.0.1 on a free port, in a thread."""

    directory: Path
    server: http.server.ThreadingHTTPServer | None = None

    def __enter__(self) -> str:
        handler = functools.partial(_SiteHandler, directory=str(self.directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def canonical_urls(html_dir: Path) -> list[str]:
    """The addresses the built pages declare as their own on the published site.

    They are the pages being checked, not links to check: before a page is
    published its canonical address does not exist yet.
    """
    urls = set()
    for page in html_dir.rglob("*.html"):
        urls.update(CANONICAL.findall(page.read_text(encoding="utf-8")))
    return sorted(urls)


# -- LinkChecker ----------------------------------------------------------------------------

def linkchecker_config(
    timeout: float, max_seconds: float, ca_bundle: str | None, ignore: list[str]
) -> str:
    return "\n".join([
        "[checking]",
        f"timeout={max(1, int(timeout))}",
        # Stop starting new links in time for the ones under way to finish.
        f"maxrunseconds={max(1, int(max_seconds - timeout - 10))}",
        f"aborttimeout={max(1, int(timeout))}",
        # Only hosts sending the `LinkChecker` header (the site's own server)
        # get this rate; any other keeps LinkChecker's 0.1-0.6 s between requests.
        "maxrequestspersecond=100",
        f"sslverify={ca_bundle or 1}",
        # file:, ftp: and the rest are never opened.
        "allowedschemes=http,https,mailto",
        "[filtering]",
        "checkextern=1",
        # mailto: links are checked for syntax only, never resolved.
        "ignore=",
        "  ^mailto:",
        *(f"  {pattern}" for pattern in ignore),
        "[csv]",
        "parts=urlname,parentname,result,warningstring,infostring,valid,url",
        "[AnchorCheck]",
        "",
    ])


def run_linkchecker(site_url: str, config: Path, allow: list[str], timeout: float) -> dict:
    """LinkChecker's CSV rows; ``finished`` is False when the cap stopped it."""
    command = [
        # -P: tools/ must not shadow LinkChecker's `linkcheck` package.
        sys.executable, "-P", str(ROOT / "tools" / "address_guard.py"),
        *(f"--allow={address}" for address in allow),
        "--", "--config", str(config), "--verbose", "--no-status", "--output", "csv/utf-8",
        site_url,
    ]
    try:
        process = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or b""
        text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
        return {"finished": False, "csv": text, "stderr": "", "returncode": None}
    return {
        "finished": "Interrupt after" not in process.stderr,
        "csv": process.stdout,
        "stderr": process.stderr,
        "returncode": process.returncode,
    }


def csv_rows(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))


# -- what each answer means ------------------------------------------------------------------

def soft_404(url: str, final_url: str) -> str | None:
    """Why a redirect from *url* to *final_url* means the page is gone, if it does."""
    start, end = urlsplit(url), urlsplit(final_url)
    if end.path in ("", "/") and not end.query and start.path not in ("", "/"):
        return f"redirects to the site's home page {final_url}"
    if LOGIN_PATH.search(end.path) and not LOGIN_PATH.search(start.path):
        return f"redirects to a login page {final_url}"
    return None


def _gist(result: str) -> str:
    """LinkChecker's failure message, without requests' wrapping."""
    errno = re.search(r"\[Errno -?\d+\] ([^'\"()]+)", result)
    if "NewConnectionError" in result:
        return f"could not connect{': ' + errno[1].strip() if errno else ''}"
    if "SSLError" in result:
        reason = re.search(r"certificate verify failed: ([^'\"(]+)", result)
        return f"TLS failed{': certificate ' + reason[1].strip() if reason else ''}"
    if result.endswith("..."):  # LinkChecker cuts messages at 240 characters
        return result[:-3].rsplit(" ", 1)[0] + " …"
    return result


def classify(original: str, item: dict) -> tuple[str, str]:
    """(status, detail) of one LinkChecker CSV row whose link was *original*."""
    result, warnings = item.get("result", ""), item.get("warningstring", "")
    code_match = re.match(r"(\d{3}) ", result)
    code = int(code_match[1]) if code_match else None
    if item.get("valid") != "True":
        if result.startswith(("ReadTimeout:", "ConnectTimeout:")):
            return "unverified", "no answer within the timeout"
        if code in (401, 403):
            return "unverified", f"{result}: a login wall or a bot block"
        return "broken", _gist(result)
    anchor = next((line for line in warnings.splitlines() if line.startswith("Anchor ")), None)
    if anchor:
        return "broken", anchor
    if code == 429:
        return "unverified", f"{result}: rate limited"
    if "robots.txt" in item.get("infostring", ""):
        return "unverified", "its robots.txt forbids checking it"
    redirects = REDIRECT.findall(warnings)
    if redirects:
        final = item.get("url") or redirects[-1][0]
        soft = soft_404(original, final)
        if soft:
            return "broken", soft
        hops = ", ".join(
            f"{hop} {'permanent' if hop in ('301', '308') else 'temporary'}" for _, hop in redirects
        )
        return "redirected", f"{hops} to {final}"
    return "ok", result or "ok"


def processor_urls(processors_json: Path) -> dict[str, dict]:
    """Each processor URL with what it is and the notices that cite it."""
    data = json.loads(processors_json.read_text(encoding="utf-8"))
    urls: dict[str, dict] = {}
    for processor in data["processors"]:
        for field_name in ("terms", "privacy"):
            urls[processor[field_name]["url"]] = {
                "id": processor["id"],
                "name": processor["name"],
                "field": field_name,
                "label": processor[field_name]["label"],
                "cited_by": processor["cited_by"],
            }
    return urls


def report_rows(site_url: str, items: list[dict], processors: dict[str, dict]) -> list[Row]:
    """One row per URL, its worst result wherever it is linked; every processor URL."""
    rows: dict[str, Row] = {}

    def local(url: str) -> str:
        return url.replace(site_url, "/", 1) if url.startswith(site_url) else url

    for item in items:
        parent = item.get("parentname", "")
        original = urljoin(parent, item.get("urlname", "")) if parent else item.get("urlname", "")
        # Checked for syntax only (mailto:, --ignore), or inline data.
        if item.get("result") == "filtered" or original.startswith(("data:", "mailto:")):
            continue
        status, detail = classify(original, item)
        unreached = bool(UNREACHED.search(item.get("result", "")))
        row = rows.setdefault(local(original), Row(local(original), unreached=unreached))
        if STATUS_ORDER.index(status) >= STATUS_ORDER.index(row.status):
            row.status, row.detail = status, detail
        row.unreached = row.unreached and unreached
        if parent and local(parent) not in row.found_on:
            row.found_on.append(local(parent))
    for url, processor in processors.items():
        row = rows.setdefault(
            url, Row(url, "unverified", "not checked: no page links it, or the cap came first")
        )
        row.processor = processor
    order = {status: index for index, status in enumerate(reversed(STATUS_ORDER))}
    return sorted(rows.values(), key=lambda r: (order[r.status], r.processor is None, r.url))


def no_network(rows: list[Row]) -> bool:
    """True when links lead off the site and not one of them could be reached."""
    outside = [r for r in rows if r.url.startswith(("http://", "https://"))
               and not r.detail.startswith("AddressBlocked:") and r.found_on]
    return bool(outside) and all(r.unreached for r in outside)


# -- the report -----------------------------------------------------------------------------

def _processor_line(processor: dict) -> str:
    notices = ", ".join(f"{n['title']} ({n['url']})" for n in processor["cited_by"]) or "no notice"
    what = "data-processing terms" if processor["field"] == "terms" else "privacy policy"
    return f"processor {processor['id']} ({processor['name']} {what}), cited by {notices}"


def report_text(rows: list[Row], meta: dict) -> str:
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_ORDER}
    lines = [
        f"Link check of {meta['site']}, {meta['finished_at']} ({meta['seconds']:.1f} s, "
        f"cap {meta['cap_seconds']:g} s)",
        ", ".join(f"{counts[s]} {s}" for s in reversed(STATUS_ORDER)),
    ]
    if not meta["finished"]:
        lines.append("note: the run reached its cap; the links not listed were not checked")
    lines.append("")
    for r in rows:
        lines.append(f"{r.status.upper():<11} {r.url}")
        if r.status != "ok":
            lines.append(f"{'':<11} {r.detail}")
        if r.processor:
            lines.append(f"{'':<11} {_processor_line(r.processor)}")
        if r.found_on and r.status != "ok":
            lines.append(f"{'':<11} found on {', '.join(r.found_on[:5])}")
    return "\n".join(lines) + "\n"


def issue_body(broken: list[Row], finished_at: str) -> str:
    """The issue the scheduled check opens or updates: what broke, who cites it."""
    lines = [
        f"The scheduled link check of {finished_at} found processor URLs that no "
        "longer answer with their page. A notice promises these pages: find where each one "
        "moved, update `source/_data/processors.yaml` and record an editorial change in each "
        "notice that cites it.",
        "",
        "| processor | link | URL | result | cited by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in broken:
        processor = row.processor
        notices = ", ".join(f"{n['title']} (`{n['url']}`)" for n in processor["cited_by"])
        lines.append(
            f"| {processor['name']} (`{processor['id']}`) | {processor['label']} | {row.url} "
            f"| {row.detail} | {notices or 'no notice'} |"
        )
    lines += ["", "The full report is attached to the workflow run as `linkcheck-report`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "source")
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build")
    parser.add_argument("--no-build", action="store_true",
                        help="check the site already built in BUILDDIR/html")
    parser.add_argument("--max-seconds", type=float, default=900.0,
                        help="hard cap on the whole run (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=15.0,
                        help="seconds to connect, and to wait for each answer (default %(default)s)")
    parser.add_argument("--ca-bundle", help="CA certificates to trust (for a local test server)")
    parser.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                        help="check only the syntax of URLs matching REGEX (repeatable)")
    parser.add_argument("--allow", action="append", default=[], metavar="ADDRESS:PORT",
                        help="a non-public address that may be connected to, such as a local "
                             "test server (repeatable)")
    args = parser.parse_args(argv)

    started, clock = time.monotonic(), time.time()
    deadline = started + args.max_seconds

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    html_dir, outdir = args.builddir / "html", args.builddir / "linkcheck"
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / ISSUE_NAME).unlink(missing_ok=True)
    if not args.no_build:
        try:
            build_site(args.source, html_dir, remaining())
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            print("linkcheck: the site does not build; run `make html` to see why",
                  file=sys.stderr)
            return 2
    processors = processor_urls(html_dir / "processors.json")

    config = outdir / "linkcheckerrc"
    ignore = [f"^{re.escape(url)}$" for url in canonical_urls(html_dir)] + args.ignore
    ca_bundle = args.ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE")
    config.write_text(
        linkchecker_config(args.timeout, remaining(), ca_bundle, ignore), encoding="utf-8"
    )
    with SiteServer(html_dir) as site_url:
        site_address = site_url.removeprefix("http://").rstrip("/")
        run = run_linkchecker(site_url, config, [site_address, *args.allow], remaining() - 1)
    (outdir / "linkchecker.csv").write_text(run["csv"], encoding="utf-8")
    items = csv_rows(run["csv"])
    if not items:
        print(f"linkcheck: LinkChecker failed:\n{run['stderr']}", file=sys.stderr)
        return 2

    rows = report_rows(site_url, items, processors)
    finished_at = datetime.datetime.fromtimestamp(clock, datetime.UTC).isoformat(timespec="seconds")
    meta = {"site": str(html_dir), "finished_at": finished_at, "finished": run["finished"],
            "seconds": time.monotonic() - started, "cap_seconds": args.max_seconds}
    report = outdir / "report.txt"
    if no_network(rows):
        report.write_text(
            f"Link check of {meta['site']}, {finished_at}\n"
            "no network: nothing was checked (not one address off the site could be reached)\n",
            encoding="utf-8",
        )
        print("linkcheck: no network: nothing was checked", file=sys.stderr)
        return NO_NETWORK
    report.write_text(report_text(rows, meta), encoding="utf-8")
    broken_processors = [r for r in rows if r.processor and r.status == "broken"]
    if broken_processors:
        (outdir / ISSUE_NAME).write_text(issue_body(broken_processors, finished_at),
                                         encoding="utf-8")

    for r in rows:
        if r.status in ("broken", "unverified"):
            label = "error" if r.status == "broken" else "warning"
            print(f"linkcheck: {label}: {r.status}: {r.url}: {r.detail}", file=sys.stderr)
            if r.processor:
                print(f"  {_processor_line(r.processor)}", file=sys.stderr)
    if not run["finished"]:
        print(f"linkcheck: warning: the run reached its cap of {args.max_seconds:g} s",
              file=sys.stderr)
    print(f"linkcheck: report in {report}")
    return 1 if any(r.status == "broken" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
