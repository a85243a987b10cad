"""Fail when an address that existed at a base revision is gone: page or fragment.

    python -m tools.check_addresses --base BASE [--head HEAD]

Notices are cited by URL and ``#fragment`` in contracts, emails and other
sites. Both revisions are built (``tools.revisions``) and every HTML page of
the base build must still answer at HEAD, with every ``id`` of its main
content, unless

* the page is redirected: HEAD has a redirect page at its address (written
  by sphinx-reredirects from ``redirects`` in conf.py, or any page with a
  ``<meta http-equiv="refresh">``). Its ids are then looked for on the page
  the redirect leads to, since the redirect carries the fragment along;
* the id is listed, with a reason, in ``source/_data/removed-ids.yaml`` at
  HEAD.

Exit status: 0 when every address holds, 1 when some are gone (each named),
2 for a revision or a removed-ids file that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from policy_sphinx_extensions import yamldata
from tools.revisions import RevisionError, build_revisions

REMOVED_IDS_FILE = "source/_data/removed-ids.yaml"
REMOVED_ID_FIELDS = ("page", "id", "reason")
# Addresses are compared as paths under this root; it is never fetched.
SITE_ROOT = "https://site.invalid/"
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class Page:
    """A built page: the ids of its main content, or where it redirects."""

    ids: frozenset[str]
    redirect: str | None = None


def url_path(relative_file: Path) -> str:
    """The address of a built file, as a path: ``a/b/index.html`` is ``a/b/``."""
    posix = relative_file.as_posix()
    if posix == "index.html":
        return ""
    if posix.endswith("/index.html"):
        return posix[: -len("index.html")]
    return posix


def read_page(text: str, path: str) -> Page:
    soup = BeautifulSoup(text, "html.parser")
    refresh = soup.find(
        "meta", attrs={"http-equiv": lambda value: value and value.lower() == "refresh"}
    )
    if refresh is not None:
        _, _, target = refresh.get("content", "").partition("=")
        return Page(frozenset(), urljoin(SITE_ROOT + path, target.strip().strip("'\"")))
    main = soup.find(attrs={"role": "main"}) or soup.body or soup
    return Page(frozenset(element["id"] for element in main.find_all(id=True)))


def read_site(html: Path) -> dict[str, Page]:
    """Every HTML page of a build, by address (folders starting with _ or . hold assets)."""
    pages = {}
    for file in sorted(html.rglob("*.html")):
        relative = file.relative_to(html)
        if any(part.startswith(("_", ".")) for part in relative.parts[:-1]):
            continue
        path = url_path(relative)
        pages[path] = read_page(file.read_text(encoding="utf-8"), path)
    return pages


def load_removed_ids(text: str, shown_path: str) -> dict[str, dict[str, str]]:
    """page path -> {id: reason} from the removed-ids file; DataError names the line."""
    data = yamldata.load(text, shown_path)
    if data is None:
        return {}
    if not isinstance(data, yamldata.Mapping) or set(data) != {"removed"}:
        raise yamldata.DataError(shown_path, 1, "expected one field, 'removed': a list of ids")
    entries = data["removed"] or []
    if not isinstance(entries, list):
        raise yamldata.DataError(shown_path, data.line_of("removed"), "'removed' must be a list")
    removed: dict[str, dict[str, str]] = {}
    for entry in entries:
        if not isinstance(entry, yamldata.Mapping):
            raise yamldata.DataError(
                shown_path,
                data.line_of("removed"),
                "each removed id is a mapping of page, id, reason",
            )
        for name in REMOVED_ID_FIELDS:
            value = entry.get(name)
            if not isinstance(value, str) or (name != "page" and not value.strip()):
                raise yamldata.DataError(
                    shown_path, entry.line_of(name), f"'{name}' must be a non-empty text"
                )
        unknown = sorted(set(entry) - set(REMOVED_ID_FIELDS))
        if unknown:
            raise yamldata.DataError(
                shown_path, entry.line_of(unknown[0]), f"unknown field {unknown[0]!r}"
            )
        page = normal_page(entry["page"])
        removed.setdefault(page, {})[entry["id"].lstrip("#")] = entry["reason"].strip()
    return removed


def normal_page(page: str) -> str:
    """A page as written in the removed-ids file (slashes optional) as a build path."""
    page = page.strip().strip("/")
    return f"{page}/" if page and not page.endswith(".html") else page


def _follow(head: dict[str, Page], path: str) -> tuple[str | None, Page | None]:
    """The page a HEAD address ends on after its redirects, or (None, None) if off-site."""
    for _ in range(MAX_REDIRECTS):
        page = head.get(path)
        if page is None or page.redirect is None:
            return path, page
        target, _ = urldefrag(page.redirect)
        if not target.startswith(SITE_ROOT):
            return None, None
        path = urlsplit(target).path.lstrip("/")
    return path, None


def check(
    base: dict[str, Page], head: dict[str, Page], removed: dict[str, dict[str, str]]
) -> list[str]:
    """The addresses of *base* that *head* lost, as messages."""
    problems = []
    for path, base_page in base.items():
        shown = f"/{path}"
        if path not in head:
            problems.append(
                f"page {shown} is gone: keep it, or redirect it with an entry in "
                "`redirects` (conf.py)"
            )
            continue
        final_path, final_page = _follow(head, path)
        if final_path is None:
            continue  # Redirected off the site: fragments are that site's concern.
        if final_page is None:
            problems.append(f"page {shown} redirects to /{final_path}, which does not exist")
            continue
        allowed = removed.get(path, {})
        for element_id in sorted(base_page.ids - final_page.ids - set(allowed)):
            where = "" if final_path == path else f" (redirected to /{final_path})"
            problems.append(
                f"{shown}#{element_id} is gone{where}: keep the id, or list it with a "
                f"reason in {REMOVED_IDS_FILE}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the git revision whose addresses must hold")
    parser.add_argument("--head", default="HEAD", help="the git revision to check (HEAD)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the git repository")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="check-addresses-") as workdir:
        try:
            base, head = build_revisions(
                args.repo, {"base": args.base, "head": args.head}, Path(workdir)
            )
            removed_file = head.tree / REMOVED_IDS_FILE
            removed = (
                load_removed_ids(removed_file.read_text(encoding="utf-8"), REMOVED_IDS_FILE)
                if removed_file.exists()
                else {}
            )
        except (RevisionError, yamldata.DataError) as error:
            print(f"check-addresses: error: {error}", file=sys.stderr)
            return 2
        base_site, head_site = read_site(base.html), read_site(head.html)

    problems = check(base_site, head_site, removed)
    ids = sum(len(page.ids) for page in base_site.values())
    print(
        f"Addresses of {base.label} checked at {head.label}: "
        f"{len(base_site)} pages, {ids} ids."
    )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} address(es) would break.", file=sys.stderr)
        return 1
    print("Every address still holds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
