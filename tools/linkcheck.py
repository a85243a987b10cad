"""Check every link of the site and every processor URL: ``make linkcheck``.

Steps, all within one hard cap (``--max-seconds``):

1. build the site (``dirhtml``, strict) into ``BUILDDIR/html``, which
   publishes ``processors.json``;
2. Sphinx's ``linkcheck`` builder over every page;
3. LinkChecker with ``--check-extern`` over the built site served on
   127.0.0.1: it also sees what Sphinx does not (links in templates, the
   processors page as rendered) and checks anchors;
4. every URL in ``processors.json`` checked by ``tools/urlcheck.py``, whether
   or not a page links it today, with soft-failure detection, retries with
   backoff, ``Retry-After`` and a per-host rate limit;
5. the results merged per URL into ``BUILDDIR/linkcheck/report.txt`` and
   ``report.json``: each URL, its status (ok / redirected / soft-failure /
   broken / timeout), which checker saw what, and for a processor URL the
   notices that cite it; while a processor URL is broken, also ``issue.md``,
   the body of the issue the scheduled CI job opens.

Exit status: 1 when a link is broken (a processor URL or any other), else 0.
Timeouts and soft failures are printed as warnings naming the URL.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `python tools/linkcheck.py`
from tools.urlcheck import STATUS_ORDER, Checker, Policy, short_reason  # noqa: E402

STRICT = ["-W", "--keep-going", "-n"]
ISSUE_NAME = "issue.md"  # written only while a processor URL is broken
LINKCHECKER_REDIRECT = re.compile(r"Redirected to `(?P<url>[^']*)' status: (?P<code>\d+)")


@dataclass
class Seen:
    """What one checker said about one URL."""

    status: str
    detail: str
    code: int | None = None


@dataclass
class Row:
    url: str
    status: str = "ok"
    detail: str = ""
    processor: dict | None = None
    found_on: list[str] = field(default_factory=list)
    checks: dict[str, Seen] = field(default_factory=dict)

    def see(self, checker: str, seen: Seen) -> None:
        self.checks[checker] = seen
        if STATUS_ORDER.index(seen.status) >= STATUS_ORDER.index(self.status):
            self.status, self.detail = seen.status, seen.detail

    def found(self, where: str) -> None:
        if where and where not in self.found_on:
            self.found_on.append(where)


def _classify_code(code: int) -> str:
    """A failing HTTP status as urlcheck.py classifies it."""
    return "soft-failure" if code in (401, 403) else "broken"


# -- 1. build ---------------------------------------------------------------------------------

def build_site(source: Path, html_dir: Path, timeout: float) -> None:
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(ROOT), *STRICT, "-q",
         str(source), str(html_dir)],
        check=True,
        timeout=timeout,
    )


# -- 2. Sphinx's linkcheck builder -------------------------------------------------------------

def run_sphinx_linkcheck(
    source: Path, outdir: Path, policy: Policy, ignore: list[str], timeout: float
) -> dict:
    """Run the builder; return {"finished": bool, "results": [output.json rows]}."""
    command = [
        sys.executable, "-m", "sphinx", "-b", "linkcheck", "-c", str(ROOT), "-q",
        "-D", f"linkcheck_timeout={int(policy.timeout)}",
        "-D", f"linkcheck_retries={policy.retries + 1}",
        "-D", f"linkcheck_rate_limit_timeout={int(policy.retry_after_cap)}",
        "-D", f"linkcheck_workers={min(policy.workers, 16)}",
        *(["-D", f"linkcheck_ignore={','.join(ignore)}"] if ignore else []),
        str(source), str(outdir),
    ]
    finished = True
    try:
        subprocess.run(command, timeout=timeout, capture_output=True, text=True, check=False)
    except subprocess.TimeoutExpired:
        finished = False
    output = outdir / "output.json"
    lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
    return {"finished": finished, "results": [json.loads(line) for line in lines if line.strip()]}


def sphinx_seen(item: dict) -> Seen | None:
    status, info, code = item["status"], item.get("info", ""), item.get("code") or None
    if status == "working":
        return Seen("ok", "ok")
    if status == "redirected":
        kind = "permanent" if code in (301, 308) else "temporary"
        return Seen("redirected", f"{code} {kind} to {info}", code)
    if status == "timeout":
        return Seen("timeout", info or "timed out")
    if status == "broken":
        match = re.match(r"(\d{3}) ", info)
        if match:
            return Seen(_classify_code(int(match[1])), info, int(match[1]))
        return Seen("broken", short_reason(info))
    return None  # unchecked (mailto:, local), ignored, rate-limited beyond the cap


# -- 3. LinkChecker over the served site ------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@dataclass
class SiteServer:
    """The built site served on 127.0.0.1 on a free port, in a thread."""

    directory: Path
    server: http.server.ThreadingHTTPServer | None = None

    def __enter__(self) -> str:
        handler = functools.partial(_QuietHandler, directory=str(self.directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


def canonical_urls(html_dir: Path) -> list[str]:
    """The addresses the built pages declare as their own on the published site.

    They are the pages being checked, not links to check: before a page is
    published its canonical address does not exist yet.
    """
    urls = set()
    for page in html_dir.rglob("*.html"):
        urls.update(CANONICAL.findall(page.read_text(encoding="utf-8")))
    return sorted(urls)


def linkchecker_config(
    policy: Policy, max_seconds: float, ca_bundle: str | None, canonical: list[str],
    ignore: list[str],
) -> str:
    """LinkChecker's settings, from the same policy as the other checks."""
    return "\n".join([
        "[checking]",
        f"threads={min(policy.workers, 16)}",
        f"timeout={int(policy.timeout)}",
        f"maxrunseconds={max(1, int(max_seconds))}",
        f"maxrequestspersecond={1 / policy.host_interval:g}",
        f"sslverify={ca_bundle or 1}",
        "[filtering]",
        "checkextern=1",
        # mailto: links are checked for syntax only, never resolved.
        "ignore=",
        "  ^mailto:",
        *(f"  ^{re.escape(url)}$" for url in canonical),
        *(f"  {pattern}" for pattern in ignore),
        "[csv]",
        "parts=urlname,parentname,result,warningstring,infostring,valid,url",
        "[AnchorCheck]",
        "",
    ])


def run_linkchecker(site_url: str, config: Path, timeout: float) -> dict:
    command = [
        str(Path(sys.executable).parent / "linkchecker"), "--config", str(config),
        "--check-extern", "--verbose", "--no-status", "--output", "csv/utf-8", site_url,
    ]
    try:
        process = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as expired:
        return {"finished": False, "results": _linkchecker_rows(expired.stdout or "")}
    return {"finished": True, "results": _linkchecker_rows(process.stdout)}


def _linkchecker_rows(text: str | bytes) -> list[dict]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))


def linkchecker_seen(item: dict) -> Seen:
    result, warnings = item.get("result", ""), item.get("warningstring", "")
    code_match = re.match(r"(\d{3}) ", result)
    code = int(code_match[1]) if code_match else None
    if item.get("valid") != "True":
        if "timeout" in result.lower() or "timed out" in result.lower():
            return Seen("timeout", result)
        return Seen(_classify_code(code) if code else "broken", short_reason(result), code)
    if "anchor" in warnings.lower() and "not found" in warnings.lower():
        return Seen("broken", warnings.splitlines()[0], code)
    if code == 429:
        return Seen("timeout", f"{result}: rate limited", code)
    redirects = LINKCHECKER_REDIRECT.findall(warnings)
    if redirects:
        hops = ", ".join(
            f"{hop} {'permanent' if hop in ('301', '308') else 'temporary'}" for _, hop in redirects
        )
        return Seen("redirected", f"{hops} to {redirects[-1][0]}", code)
    return Seen("ok", result or "ok", code)


# -- 4. the processor registry ----------------------------------------------------------------

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


# -- 5. the report ----------------------------------------------------------------------------

def merge(
    site_url: str, sphinx: dict, linkchecker: dict, registry: list, processors: dict
) -> list[Row]:
    rows: dict[str, Row] = {}

    def row(url: str) -> Row:
        url = url.replace(site_url, "/", 1) if url.startswith(site_url) else url
        return rows.setdefault(url, Row(url))

    for item in sphinx["results"]:
        seen = sphinx_seen(item)
        if seen is not None:
            entry = row(item["uri"])
            entry.see("sphinx", seen)
            entry.found(f"{item['filename']}:{item['lineno']}")
    for item in linkchecker["results"]:
        url = item.get("url") or item.get("urlname", "")
        # Syntax-only by our config (mailto:, canonical addresses), or inline data.
        if item.get("result") == "filtered" or url.startswith("data:"):
            continue
        entry = row(url)
        entry.see("linkchecker", linkchecker_seen(item))
        parent = item.get("parentname", "")
        entry.found(parent.replace(site_url, "/", 1) if parent.startswith(site_url) else parent)
    for result in registry:
        entry = row(result.url)
        entry.see("registry", Seen(result.status, result.detail, result.code))
        entry.processor = processors[result.url]
    order = {status: index for index, status in enumerate(reversed(STATUS_ORDER))}
    return sorted(rows.values(), key=lambda r: (order[r.status], r.processor is None, r.url))


def _processor_line(processor: dict) -> str:
    notices = ", ".join(f"{n['title']} ({n['url']})" for n in processor["cited_by"]) or "no notice"
    what = "data-processing terms" if processor["field"] == "terms" else "privacy policy"
    return f"processor {processor['id']} ({processor['name']} {what}), cited by {notices}"


def write_reports(outdir: Path, rows: list[Row], meta: dict) -> tuple[Path, Path]:
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_ORDER}
    broken_processors = [
        {"url": r.url, "detail": r.detail, "processor": r.processor}
        for r in rows
        if r.processor and r.status == "broken"
    ]
    report = {
        **meta,
        "counts": counts,
        "broken_processor_urls": broken_processors,
        "urls": [
            {**asdict(r), "checks": {name: asdict(seen) for name, seen in r.checks.items()}}
            for r in rows
        ],
    }
    json_path = outdir / "report.json"
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    lines = [
        f"Link check of {meta['source']}, {meta['finished_at']} ({meta['seconds']:.1f} s, "
        f"cap {meta['cap_seconds']:g} s)",
        ", ".join(f"{counts[s]} {s}" for s in reversed(STATUS_ORDER)),
    ]
    for name, state in meta["checkers"].items():
        if not state["finished"]:
            lines.append(f"note: {name} stopped at the hard cap; its results are partial")
    lines.append("")
    for r in rows:
        checkers = ", ".join(f"{name}: {seen.status}" for name, seen in r.checks.items())
        lines.append(f"{r.status.upper():<13} {r.url}  [{checkers}]")
        if r.status != "ok":
            lines.append(f"{'':<13} {r.detail}")
        if r.processor:
            lines.append(f"{'':<13} {_processor_line(r.processor)}")
        if r.found_on and r.status != "ok":
            lines.append(f"{'':<13} found on {', '.join(r.found_on[:5])}")
    text_path = outdir / "report.txt"
    text_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    issue_path = outdir / ISSUE_NAME
    if broken_processors:
        issue_path.write_text(issue_body(broken_processors, meta), encoding="utf-8")
    else:
        issue_path.unlink(missing_ok=True)
    return text_path, json_path


def issue_body(broken: list[dict], meta: dict) -> str:
    """The issue the scheduled check opens or updates: what broke, who cites it."""
    lines = [
        f"The scheduled link check of {meta['finished_at']} found processor URLs that no "
        "longer answer. A notice promises these pages: find where each one moved, update "
        "`source/_data/processors.yaml` and record an editorial change in each notice "
        "that cites it.",
        "",
        "| processor | link | URL | result | cited by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in broken:
        processor = item["processor"]
        notices = ", ".join(f"{n['title']} (`{n['url']}`)" for n in processor["cited_by"])
        lines.append(
            f"| {processor['name']} (`{processor['id']}`) | {processor['label']} | {item['url']} "
            f"| {item['detail']} | {notices or 'no notice'} |"
        )
    lines += ["", "The full report is attached to the workflow run as `linkcheck-report`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    defaults = Policy()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "source")
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build")
    parser.add_argument("--max-seconds", type=float, default=900.0,
                        help="hard cap on the whole run (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=defaults.timeout,
                        help="seconds per request attempt (default %(default)s)")
    parser.add_argument("--retries", type=int, default=defaults.retries)
    parser.add_argument("--ca-bundle", help="CA certificates to trust (for a local test server)")
    parser.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                        help="check only the syntax of URLs matching REGEX (repeatable)")
    args = parser.parse_args(argv)

    started, clock = time.monotonic(), time.time()
    deadline = started + args.max_seconds

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    html_dir, outdir = args.builddir / "html", args.builddir / "linkcheck"
    outdir.mkdir(parents=True, exist_ok=True)
    if args.ca_bundle:
        os.environ["REQUESTS_CA_BUNDLE"] = str(Path(args.ca_bundle).resolve())

    try:
        build_site(args.source, html_dir, remaining())
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        print("linkcheck: the site does not build; run `make html` to see why", file=sys.stderr)
        return 2
    processors = processor_urls(html_dir / "processors.json")

    # Each checker gets a share of what is left, so none can starve the rest.
    policy = Policy(timeout=args.timeout, retries=args.retries)
    sphinx = run_sphinx_linkcheck(
        args.source, outdir / "sphinx", policy, args.ignore, remaining() * 0.45
    )
    policy = dataclasses.replace(policy, run_cap=remaining() * 0.4)
    registry = Checker(policy).check_all(
        url for url in processors if not any(re.search(p, url) for p in args.ignore)
    )
    config = outdir / "linkcheckerrc"
    config.write_text(
        linkchecker_config(policy, remaining() - 5, os.environ.get("REQUESTS_CA_BUNDLE"),
                           canonical_urls(html_dir), args.ignore),
        encoding="utf-8",
    )
    with SiteServer(html_dir) as site_url:
        linkchecker = run_linkchecker(site_url, config, remaining())

    rows = merge(site_url, sphinx, linkchecker, registry, processors)
    meta = {
        "source": str(args.source),
        "finished_at": datetime.datetime.fromtimestamp(clock, datetime.UTC).isoformat(
            timespec="seconds"
        ),
        "seconds": round(time.monotonic() - started, 1),
        "cap_seconds": args.max_seconds,
        "policy": asdict(policy),
        "checkers": {
            "sphinx linkcheck": {"finished": sphinx["finished"], "results": len(sphinx["results"])},
            "linkchecker": {"finished": linkchecker["finished"],
                            "results": len(linkchecker["results"])},
            "processor registry": {"finished": True, "results": len(registry)},
        },
    }
    text_path, json_path = write_reports(outdir, rows, meta)

    for r in rows:
        if r.status in ("broken", "timeout", "soft-failure"):
            label = "error" if r.status == "broken" else "warning"
            print(f"linkcheck: {label}: {r.status}: {r.url}: {r.detail}", file=sys.stderr)
            if r.processor:
                print(f"  {_processor_line(r.processor)}", file=sys.stderr)
    print(f"linkcheck: report in {text_path} and {json_path}")
    return 1 if any(r.status == "broken" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
