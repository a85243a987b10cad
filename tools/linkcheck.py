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

The whole run has a hard cap (``--max-seconds``): LinkChecker is stopped at
the cap whatever it is doing (its own ``maxrunseconds`` only stops it
starting new links, and waits for those under way); the links it reported
until then are kept.

Exit status: 0 every link works; 1 a link is broken; 2 the site does not
build, or LinkChecker failed; 3 no network: not one address off the site
could be reached, so nothing was checked (no report of broken links, no
``issue.md``). Links that answer but cannot be verified (401/403, 429, a
timeout, ``robots.txt``) are warnings.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tools.linkcheck_report import (
    csv_rows,
    issue_body,
    no_network,
    processor_line,
    processor_urls,
    report_rows,
    report_text,
)
from tools.site_server import serve

ROOT = Path(__file__).resolve().parents[1]

STRICT = ["-W", "--keep-going", "-n"]
ISSUE_NAME = "issue.md"  # written only while a processor URL is broken
NO_NETWORK = 3
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


# -- the site, built and served ----------------------------------------------------------------

# LinkChecker spaces requests to one host 0.1-0.6 s apart unless the host
# answers with this header: the site's own pages need no spacing.
SITE_HEADERS = {"LinkChecker": "local"}


def canonical_urls(html_dir: Path) -> list[str]:
    """The addresses the built pages declare as their own on the published site.

    They are the pages being checked, not links to check: before a page is
    published its canonical address does not exist yet.
    """
    return sorted({url for page in html_dir.rglob("*.html")
                   for url in CANONICAL.findall(page.read_text(encoding="utf-8"))})


# -- LinkChecker ----------------------------------------------------------------------------

def linkchecker_config(timeout: float, ca_bundle: str | None, ignore: list[str]) -> str:
    return "\n".join([
        "[checking]",
        f"timeout={max(1, int(timeout))}",
        # Only hosts sending the `LinkChecker` header (the site's own server)
        # get this rate, 1-6 ms between requests, which LinkChecker sleeps
        # holding the lock every thread waits on; any other host keeps its
        # 0.1-0.6 s between requests.
        "maxrequestspersecond=1000",
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
    """LinkChecker's CSV report; ``finished`` is False when the cap stopped it."""
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
        return {"finished": False, "csv": text, "stderr": ""}
    return {"finished": True, "csv": process.stdout, "stderr": process.stderr}


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
            subprocess.run([sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(ROOT),
                            *STRICT, "-q", str(args.source), str(html_dir)],
                           check=True, timeout=remaining())
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            print("linkcheck: the site does not build; run `make html` to see why",
                  file=sys.stderr)
            return 2
    if not (html_dir / "processors.json").is_file():
        print(f"linkcheck: no built site in {html_dir}; run `make html`", file=sys.stderr)
        return 2
    processors = processor_urls(html_dir / "processors.json")

    config = outdir / "linkcheckerrc"
    ignore = [f"^{re.escape(url)}$" for url in canonical_urls(html_dir)] + args.ignore
    ca_bundle = args.ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE")
    config.write_text(linkchecker_config(args.timeout, ca_bundle, ignore), encoding="utf-8")
    with serve(html_dir, SITE_HEADERS) as site_url:
        site_address = site_url.removeprefix("http://").rstrip("/")
        # A second is left for the report.
        run = run_linkchecker(site_url, config, [site_address, *args.allow],
                              max(1.0, remaining() - 1))
    (outdir / "linkchecker.csv").write_text(run["csv"], encoding="utf-8")
    items = csv_rows(run["csv"])
    if not items:
        why = run["stderr"] if run["finished"] else "the cap came before it reported a link"
        print(f"linkcheck: LinkChecker failed: {why}", file=sys.stderr)
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
    if broken_processors := [r for r in rows if r.processor and r.status == "broken"]:
        (outdir / ISSUE_NAME).write_text(issue_body(broken_processors, finished_at),
                                         encoding="utf-8")

    for r in rows:
        if r.status in ("broken", "unverified"):
            label = "error" if r.status == "broken" else "warning"
            print(f"linkcheck: {label}: {r.status}: {r.url}: {r.detail}", file=sys.stderr)
            if r.processor:
                print(f"  {processor_line(r.processor)}", file=sys.stderr)
    if not run["finished"]:
        print(f"linkcheck: warning: the run reached its cap of {args.max_seconds:g} s",
              file=sys.stderr)
    print(f"linkcheck: report in {report}")
    return 1 if any(r.status == "broken" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
