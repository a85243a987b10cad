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

An id that is gone is named with what it was on the base page and how to
keep it: a heading's ids (Sphinx's and the GitHub-style one, at every
heading level) with a MyST label for each right above the heading that
replaced it (``policy_sphinx_extensions/reading/labels.py`` keeps a label's id as
written); a change-history entry's id by keeping the entry and its date.
One error is given per heading, naming the source file and the line of the
heading that replaced it, and every address that loses its ids (a notice
is also at the dated address of its current version, read from the same
file).

Exit status: 0 when every address holds, 1 when some are gone (each named),
2 for a revision or a removed-ids file that cannot be used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from policy_core import yamldata
from policy_core.addresses import file_url_path
from policy_core.front_matter import CHANGE_HISTORY_CLASS
from policy_core.redline.text import HEADINGS
from tools.address_fixes import REMOVED_IDS_FILE, Loss, fix_message
from tools.built_sources import page_sources
from tools.myst_notice import parse_tokens
from tools.revisions import RevisionError, build_revisions, resolve

REMOVED_ID_FIELDS = ("page", "id", "reason")
# Addresses are compared as paths under this root; it is never fetched.
SITE_ROOT = "https://site.invalid/"
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class Page:
    """A built page: the ids of its main content, or where it redirects.

    *origins* says, for an id that is a heading's or a change-history
    entry's, which: ``("heading", "2. Sharing")``, ``("change", "October 4, 2024")``.
    *headings* are the texts of its headings in order; *source* the file
    it was read from (as the repository names it) and *source_headings* the
    line and text of each heading there.
    """

    ids: frozenset[str]
    redirect: str | None = None
    origins: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)
    headings: tuple[str, ...] = field(default=(), compare=False)
    source: str | None = field(default=None, compare=False)
    source_headings: tuple[tuple[int, str], ...] = field(default=(), compare=False)


def read_page(text: str, path: str) -> Page:
    soup = BeautifulSoup(text, "html.parser")
    refresh = soup.find(
        "meta", attrs={"http-equiv": lambda value: value and value.lower() == "refresh"}
    )
    if refresh is not None:
        _, _, target = refresh.get("content", "").partition("=")
        return Page(frozenset(), urljoin(SITE_ROOT + path, target.strip().strip("'\"")))
    main = soup.find(attrs={"role": "main"}) or soup.body or soup
    elements = main.find_all(id=True)
    origins = {element["id"]: origin for element in elements if (origin := _origin(element))}
    headings = tuple(_text(heading) for heading in main.find_all(HEADINGS))
    return Page(
        frozenset(element["id"] for element in elements), origins=origins, headings=headings
    )


def source_headings(text: str) -> tuple[tuple[int, str], ...]:
    """(line, text) of each heading of a MyST source, as MyST's parser reads it."""
    tokens = parse_tokens(text)
    return tuple(
        (token.map[0] + 1, " ".join(tokens[index + 1].content.split()))
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.map
    )


def _text(element) -> str:
    """An element's text as a reader sees it, without the heading's permalink mark."""
    for link in element.select(".headerlink"):
        link.extract()
    return " ".join(element.get_text(" ").split())


def _origin(element) -> tuple[str, str] | None:
    """What carries an id on the page: a heading (the section, or an empty
    ``<span>`` docutils writes before the heading for each further id), or
    an entry of the change history."""
    section = element if element.name == "section" else None
    if element.name == "span" and not element.contents and element.parent.name == "section":
        section = element.parent
    if section is not None:
        heading = section.find(HEADINGS, recursive=False)
        if heading is not None:
            return "heading", _text(heading)
    if element.name == "li" and CHANGE_HISTORY_CLASS in element.parent.get("class", []):
        date = element.find("strong")
        return "change", _text(date) if date else element["id"]
    return None


def read_site(html: Path, tree: Path | None = None) -> dict[str, Page]:
    """Every HTML page of a build, by address (folders starting with _ or . hold assets).

    With *tree*, the checkout the build was made from, each page read from a
    file of it knows that file (by its path in the tree) and its headings.
    """
    sources = page_sources(html) if tree is not None else {}
    pages = {}
    for file in sorted(html.rglob("*.html")):
        relative = file.relative_to(html)
        if any(part.startswith(("_", ".")) for part in relative.parts[:-1]):
            continue
        path = file_url_path(relative.as_posix())
        page = read_page(file.read_text(encoding="utf-8"), path)
        origin = sources.get(path)
        if tree is not None and origin is not None and tree.resolve() in origin.parents:
            page = replace(
                page,
                source=origin.relative_to(tree.resolve()).as_posix(),
                source_headings=source_headings(origin.read_text(encoding="utf-8")),
            )
        pages[path] = page
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
            raise yamldata.DataError(shown_path, data.line_of("removed"),
                                     "each removed id is a mapping of page, id, reason")
        for name in REMOVED_ID_FIELDS:
            value = entry.get(name)
            if not isinstance(value, str) or (name != "page" and not value.strip()):
                raise yamldata.DataError(shown_path, entry.line_of(name),
                                         f"'{name}' must be a non-empty text")
        if unknown := sorted(set(entry) - set(REMOVED_ID_FIELDS)):
            raise yamldata.DataError(shown_path, entry.line_of(unknown[0]),
                                     f"unknown field {unknown[0]!r}")
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
    """The addresses of *base* that *head* lost, as messages: one per page gone,
    one per heading or entry whose ids are gone, wherever the page is published."""
    problems = []
    losses: dict[tuple, Loss] = {}
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
            origin = base_page.origins.get(element_id)
            key = (final_page.source or final_path, origin or ("id", element_id))
            loss = losses.setdefault(key, Loss(base_page, final_page, origin))
            if element_id not in loss.ids:
                loss.ids.append(element_id)
            where = "" if final_path == path else f" (redirected to /{final_path})"
            if f"{shown}{where}" not in loss.addresses:
                loss.addresses.append(f"{shown}{where}")
    return problems + [fix_message(loss) for loss in losses.values()]


def removed_ids_text(repo: Path, commit: str) -> str:
    """The removed-ids file at *commit*, or "" when it has none; DataError when
    it is not UTF-8."""
    process = subprocess.run(
        ["git", "-C", str(repo), "show", f"{commit}:{REMOVED_IDS_FILE}"],
        capture_output=True, check=False,
    )
    return yamldata.decode(process.stdout, REMOVED_IDS_FILE) if process.returncode == 0 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the git revision whose addresses must hold")
    parser.add_argument("--head", default="HEAD", help="the git revision to check (HEAD)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the git repository")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="check-addresses-") as workdir:
        try:
            # The removed ids are read first: a mistake there needs no build to report.
            removed = load_removed_ids(
                removed_ids_text(args.repo, resolve(args.repo, args.head)), REMOVED_IDS_FILE
            )
            base, head = build_revisions(
                args.repo, {"base": args.base, "head": args.head}, Path(workdir)
            )
        except (RevisionError, yamldata.DataError) as error:
            print(f"check-addresses: error: {error}", file=sys.stderr)
            return 2
        base_site, head_site = read_site(base.html), read_site(head.html, head.tree)

    problems = check(base_site, head_site, removed)
    ids = sum(len(page.ids) for page in base_site.values())
    print(
        f"Addresses of {base.label} checked at {head.label}: "
        f"{len(base_site)} pages, {ids} ids."
    )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} error(s): each says what to change.", file=sys.stderr)
        return 1
    print("Every address still holds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
