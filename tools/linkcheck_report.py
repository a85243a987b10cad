"""What LinkChecker's report means for the site: ``tools/linkcheck.py``'s pass over it.

LinkChecker writes one CSV row per link. This pass gives each URL one status
(``ok``, ``redirected``, ``unverified`` or ``broken``), fails what LinkChecker
passes but a reader would not get (a redirect to the site's home page or to a
login page: a soft 404), tells a missing network from broken links, and
writes the report and the issue for broken processor URLs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

STATUS_ORDER = ("ok", "redirected", "unverified", "broken")
REDIRECT = re.compile(r"Redirected to `(?P<url>[^']*)' status: (?P<code>\d+)")
LOGIN_PATH = re.compile(
    r"(^|/)(login|log-in|signin|sign-in|sso|auth|account/login)(/|$)", re.IGNORECASE
)
# LinkChecker's result for a URL it could not connect to at all: the guard's
# NameNotResolved, or requests' and urllib3's names for a failed connection.
UNREACHED = re.compile(r"^(NameNotResolved|ConnectTimeout):|NewConnectionError|ConnectTimeoutError")


@dataclass
class Row:
    """One URL of the report, wherever it is linked."""

    url: str
    status: str = "ok"
    detail: str = ""
    unreached: bool = False
    processor: dict | None = None
    found_on: list[str] = field(default_factory=list)


def csv_rows(text: str) -> list[dict]:
    """The rows of LinkChecker's CSV output (its comment lines left out)."""
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))


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
    if result == "ignored":
        return "unverified", "not checked: only http and https links are followed"
    anchor = next((line for line in warnings.splitlines() if line.startswith("Anchor ")), None)
    if anchor:
        return "broken", anchor
    if code == 429:
        return "unverified", f"{result}: rate limited"
    if "robots.txt" in item.get("infostring", ""):
        return "unverified", "its robots.txt forbids checking it"
    if redirects := REDIRECT.findall(warnings):
        final = item.get("url") or redirects[-1][0]
        if soft := soft_404(original, final):
            return "broken", soft
        hops = ", ".join(
            f"{hop} {'permanent' if hop in ('301', '308') else 'temporary'}" for _, hop in redirects
        )
        return "redirected", f"{hops} to {final}"
    return "ok", result or "ok"


def processor_urls(processors_json: Path) -> dict[str, dict]:
    """Each processor URL with what it is and the notices that cite it."""
    data = json.loads(processors_json.read_text(encoding="utf-8"))
    return {
        processor[field_name]["url"]: {
            "id": processor["id"],
            "name": processor["name"],
            "field": field_name,
            "label": processor[field_name]["label"],
            "cited_by": processor["cited_by"],
        }
        for processor in data["processors"] for field_name in ("terms", "privacy")
    }


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

def processor_line(processor: dict) -> str:
    """What a processor URL is, and the notices that cite it."""
    notices = ", ".join(f"{n['title']} ({n['url']})" for n in processor["cited_by"]) or "no notice"
    what = "data-processing terms" if processor["field"] == "terms" else "privacy policy"
    return f"processor {processor['id']} ({processor['name']} {what}), cited by {notices}"


def report_text(rows: list[Row], meta: dict) -> str:
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_ORDER}
    lines = [
        (f"Link check of {meta['site']}, {meta['finished_at']} ({meta['seconds']:.1f} s, "
         f"cap {meta['cap_seconds']:g} s)"),
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
            lines.append(f"{'':<11} {processor_line(r.processor)}")
        if r.found_on and r.status != "ok":
            lines.append(f"{'':<11} found on {', '.join(r.found_on[:5])}")
    return "\n".join(lines) + "\n"


def issue_body(broken: list[Row], finished_at: str) -> str:
    """The issue the scheduled check opens or updates: what broke, who cites it."""
    lines = [
        (f"The scheduled link check of {finished_at} found processor URLs that no "
         "longer answer with their page. A notice promises these pages: find where each one "
         "moved, update `source/_data/processors.yaml` and record an editorial change in each "
         "notice that cites it."),
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
