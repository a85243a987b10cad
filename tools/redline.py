"""Redline of the notices between two git revisions, as a reader sees them.

    python -m tools.redline --base BASE [--head HEAD] [--out _build/redline]

Both revisions are built (``tools.revisions``); each notice's rendered text
is compared, not its Markdown, so re-wrapped lines or another list marker
show no difference. For every notice that changed, a self-contained HTML
page shows the notice with deleted words struck and inserted words marked,
changed link targets as old -> new address, unchanged sections folded, and a
summary: sections touched, words in and out, links changed. The summary
counts the notice's own text: its dates and change history are shown, after
the text, but not counted, and the page's "Download PDF" link is no part of
it. ``index.html`` lists the notices with their counts. Each page is also
written as a PDF beside it, with every section in full.

Written here rather than taken from an HTML diff library: the ones on PyPI
diff markup (tags and all) or plain lines, while a reviewer needs the words
a reader sees, with link targets compared beside them.

Exit status: 0 with the redline written (also when no notice changed), 2 for
a revision that cannot be resolved or built.
"""

from __future__ import annotations

import argparse
import difflib
import html
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import jinja2
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from policy_sphinx_extensions.dates import CHANGES_SECTION_ID
from tools.revisions import (
    BuiltRevision,
    RevisionError,
    build_revisions,
    commits_between,
    page_file,
    page_path,
)

TEMPLATES = Path(__file__).parent / "templates"

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements that start a new block of text; everything else is inline.
BLOCK_TAGS = HEADINGS | {
    "p", "pre", "div", "section", "article", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "thead", "tbody", "tr", "td", "th", "caption", "figure",
    "figcaption", "aside", "nav", "header", "footer",
}
MARKS = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "code": "code",
         "kbd": "code", "sub": "sub", "sup": "sup"}
SKIPPED = {"script", "style", "template", "button", "svg"}
# Links of the page about the page (permalinks, its own PDF), not the notice's text.
SKIPPED_CLASSES = {"headerlink", "pdf-download"}
# The dates and change history policy_sphinx_extensions/dates.py adds to a
# notice: shown in the redline, not counted as the notice's text.
NOT_COUNTED_CLASSES = {"last-updated", "notice-date"}
NOT_COUNTED_IDS = {CHANGES_SECTION_ID}
# Two blocks are taken as one block edited when this much of their words match
# (difflib's ratio: "Biography" -> "Biography and profile photo" is 0.4).
SIMILAR = 0.3


@dataclass(frozen=True)
class Segment:
    """A run of a word with one link target and one set of marks."""

    text: str
    href: str | None
    marks: tuple[str, ...]


@dataclass(frozen=True)
class Word:
    """A word or a run of punctuation, and whether a space comes before it."""

    segments: tuple[Segment, ...]
    space_before: bool = True

    @property
    def is_word(self) -> bool:
        return any(char.isalnum() for char in self.text)

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @property
    def href(self) -> str | None:
        return next((segment.href for segment in self.segments if segment.href), None)


@dataclass(frozen=True)
class Block:
    """A paragraph, heading or list item's text, with where it sits."""

    tag: str
    depth: int
    marker: str
    words: tuple[Word, ...]
    # False for the notice's dates and change history.
    counted: bool = True

    @property
    def text(self) -> str:
        return "".join(
            f" {word.text}" if word.space_before else word.text for word in self.words
        ).strip()


def _ordinal_marker(item: Tag) -> str:
    parent = item.parent
    if parent is None or parent.name != "ol":
        return "•"
    number = int(parent.get("start", 1)) + len(item.find_previous_siblings("li"))
    classes = parent.get("class", [])
    if "loweralpha" in classes:
        return f"{chr(ord('a') + number - 1)}."
    if "upperalpha" in classes:
        return f"{chr(ord('A') + number - 1)}."
    return f"{number}."


class _Extractor:
    """Walks a page's main content and cuts its text into blocks of words."""

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.blocks: list[Block] = []
        self.buffer: list[tuple[str, str | None, tuple[str, ...]]] = []
        self.tag = "p"
        self.depth = 0
        self.marker = ""
        self.counted = True

    def flush(self) -> None:
        words = _words(self.buffer)
        self.buffer = []
        if words:
            self.blocks.append(Block(self.tag, self.depth, self.marker, words, self.counted))
            self.marker = ""

    def walk(self, element: Tag, href: str | None, marks: tuple[str, ...]) -> None:
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append((str(child), href, marks))
                continue
            classes = set(child.get("class", []))
            if child.name in SKIPPED or classes & SKIPPED_CLASSES:
                continue
            if child.name in BLOCK_TAGS:
                self.flush()
                saved = (self.tag, self.depth, self.marker, self.counted)
                if classes & NOT_COUNTED_CLASSES or child.get("id") in NOT_COUNTED_IDS:
                    self.counted = False
                if child.name in HEADINGS or child.name == "pre":
                    self.tag = child.name
                elif child.name == "li":
                    self.depth += 1
                    self.marker = _ordinal_marker(child)
                self.walk(child, None, ())
                self.flush()
                self.tag, self.depth, self.marker, self.counted = saved
            elif child.name == "a" and child.get("href"):
                self.walk(child, urljoin(self.page_url, child["href"]), marks)
            elif child.name == "br":
                self.buffer.append(("\n", href, marks))
            else:
                mark = MARKS.get(child.name)
                self.walk(child, href, marks + (mark,) if mark and mark not in marks else marks)


# A word, or a run of punctuation: "prevent," is two tokens, so that adding a
# comma does not show the whole word as replaced.
TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]+")


def _words(buffer) -> tuple[Word, ...]:
    chars = [(char, href, marks) for text, href, marks in buffer for char in text]
    text = "".join(char for char, _, _ in chars)
    words = []
    for match in TOKEN.finditer(text):
        segments: list[Segment] = []
        for char, href, marks in chars[match.start() : match.end()]:
            if segments and segments[-1].href == href and segments[-1].marks == marks:
                segments[-1] = Segment(segments[-1].text + char, href, marks)
            else:
                segments.append(Segment(char, href, marks))
        space_before = bool(words) and match.start() > 0 and text[match.start() - 1].isspace()
        words.append(Word(tuple(segments), space_before))
    return tuple(words)


def extract_blocks(page_html: str, page_url: str) -> list[Block]:
    """The blocks of text of a built page's main content, as a reader sees them."""
    soup = BeautifulSoup(page_html, "html.parser")
    main = soup.find(attrs={"role": "main"}) or soup.body or soup
    extractor = _Extractor(page_url)
    extractor.walk(main, None, ())
    extractor.flush()
    return extractor.blocks


# Rendering --------------------------------------------------------------------


def _render_words(words) -> str:
    """Words as HTML, with one <a> per run of words sharing a link target."""
    pieces: list[tuple[str | None, str]] = []
    previous: Segment | None = None
    for word in words:
        if previous is not None and word.space_before:
            first = word.segments[0]
            pieces.append((previous.href if previous.href == first.href else None, " "))
        for segment in word.segments:
            text = html.escape(segment.text)
            for mark in segment.marks:
                text = f"<{mark}>{text}</{mark}>"
            pieces.append((segment.href, text))
        previous = word.segments[-1]
    out = []
    for href, group in _runs(pieces):
        text = "".join(group)
        out.append(f'<a href="{html.escape(href)}">{text}</a>' if href else text)
    return "".join(out)


def _runs(pieces):
    run_href, run = None, []
    for href, text in pieces:
        if run and href != run_href:
            yield run_href, run
            run = []
        run_href = href
        run.append(text)
    if run:
        yield run_href, run


def _link_note(old: str | None, new: str | None) -> str:
    def shown(href):
        return html.escape(href) if href else "no link"

    return (
        f'<span class="rl-link-change">link: <del>{shown(old)}</del> → '
        f"<ins>{shown(new)}</ins></span>"
    )


def _unique_links(words) -> list[str]:
    return list(dict.fromkeys(word.href for word in words if word.href))


@dataclass
class Counts:
    words_in: int = 0
    words_out: int = 0
    # Tokens in and out, punctuation included: a changed comma is a change.
    tokens_changed: int = 0
    links: list[tuple[str | None, str | None]] = field(default_factory=list)

    def inserted(self, words) -> None:
        self.words_in += sum(word.is_word for word in words)
        self.tokens_changed += len(words)

    def deleted(self, words) -> None:
        self.words_out += sum(word.is_word for word in words)
        self.tokens_changed += len(words)

    def add(self, other: Counts) -> None:
        self.words_in += other.words_in
        self.words_out += other.words_out
        self.tokens_changed += other.tokens_changed
        self.links += other.links

    @property
    def changed(self) -> bool:
        return bool(self.tokens_changed or self.links)


def diff_words(old: tuple[Word, ...], new: tuple[Word, ...]) -> tuple[str, Counts]:
    """One block's words, old against new, as redline HTML and counts."""
    counts = Counts()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(
        None, [word.text for word in old], [word.text for word in new], autojunk=False
    )
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts += _equal_words(old[i1:i2], new[j1:j2], counts)
            continue
        if i2 > i1:
            parts.append(_spaced(old[i1], f"<del>{_render_words(old[i1:i2])}</del>"))
            counts.deleted(old[i1:i2])
        if j2 > j1:
            # After struck words, a space keeps the inserted ones apart.
            after_deleted = i2 > i1 and new[j1].is_word
            first = Word(new[j1].segments, new[j1].space_before or after_deleted)
            parts.append(_spaced(first, f"<ins>{_render_words(new[j1:j2])}</ins>"))
            counts.inserted(new[j1:j2])
        old_links, new_links = _unique_links(old[i1:i2]), _unique_links(new[j1:j2])
        if old_links and new_links and old_links != new_links:
            # Paired in order; a link with no counterpart shows as inserted or deleted.
            for old_link, new_link in zip(old_links, new_links, strict=False):
                if old_link != new_link:
                    parts.append(" " + _link_note(old_link, new_link))
                    counts.links.append((old_link, new_link))
    return "".join(parts).strip(), counts


def _spaced(first: Word, text: str) -> str:
    return f" {text}" if first.space_before else text


def _equal_words(old, new, counts: Counts) -> list[str]:
    """Words whose text is unchanged; runs whose link target changed are flagged."""
    parts, run, run_targets = [], [], None
    for old_word, new_word in zip(old, new, strict=True):
        targets = (old_word.href, new_word.href) if old_word.href != new_word.href else None
        if run and targets != run_targets:
            parts.append(_equal_run(run, run_targets, counts))
            run = []
        run_targets = targets
        run.append(new_word)
    if run:
        parts.append(_equal_run(run, run_targets, counts))
    return parts


def _equal_run(words, targets, counts: Counts) -> str:
    if targets is None:
        return _spaced(words[0], _render_words(words))
    counts.links.append(targets)
    changed = f'<span class="rl-link-changed">{_render_words(words)}</span>'
    return _spaced(words[0], changed) + " " + _link_note(*targets)


@dataclass
class RenderedBlock:
    status: str  # equal, changed, inserted, deleted
    block: Block
    html: str


def _pair(old: list[Block], new: list[Block]):
    """Pair edited blocks in order; yield (old or None, new or None).

    As many blocks before as after, of the same kinds and places, are the
    same blocks edited; otherwise each new block pairs with the most similar
    old one.
    """
    if len(old) == len(new) and all(
        (o.tag, o.depth, o.counted) == (n.tag, n.depth, n.counted)
        for o, n in zip(old, new, strict=True)
    ):
        yield from zip(old, new, strict=True)
        return
    # Deleted blocks come before the inserted ones that took their place.
    start, inserted = 0, []
    for new_block in new:
        best, best_ratio = None, SIMILAR
        for index in range(start, len(old)):
            if (old[index].tag, old[index].counted) != (new_block.tag, new_block.counted):
                continue
            matcher = difflib.SequenceMatcher(
                None, [w.text for w in old[index].words], [w.text for w in new_block.words],
                autojunk=False,
            )
            if matcher.quick_ratio() >= best_ratio and (ratio := matcher.ratio()) >= best_ratio:
                best, best_ratio = index, ratio
        if best is None:
            inserted.append((None, new_block))
            continue
        yield from ((block, None) for block in old[start:best])
        yield from inserted
        inserted = []
        yield old[best], new_block
        start = best + 1
    yield from ((block, None) for block in old[start:])
    yield from inserted


def diff_blocks(old: list[Block], new: list[Block]) -> tuple[list[RenderedBlock], Counts]:
    """Every block of the notice in reading order, with the words that changed marked.

    The counts are those of the notice's text: the blocks not counted (dates,
    change history) are marked but left out of them.
    """
    counts = Counts()
    rendered: list[RenderedBlock] = []
    matcher = difflib.SequenceMatcher(
        None,
        [(b.tag, b.counted, b.text) for b in old],
        [(b.tag, b.counted, b.text) for b in new],
        autojunk=False,
    )
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = (
            zip(old[i1:i2], new[j1:j2], strict=True)
            if operation == "equal"
            else _pair(old[i1:i2], new[j1:j2])
        )
        for old_block, new_block in pairs:
            # Blocks pair only with blocks of the same kind, counted or not.
            tally = counts if (new_block or old_block).counted else Counts()
            if new_block is None:
                tally.deleted(old_block.words)
                html_text = f"<del>{_render_words(old_block.words)}</del>"
                rendered.append(RenderedBlock("deleted", old_block, html_text))
            elif old_block is None:
                tally.inserted(new_block.words)
                html_text = f"<ins>{_render_words(new_block.words)}</ins>"
                rendered.append(RenderedBlock("inserted", new_block, html_text))
            else:
                html_text, block_counts = diff_words(old_block.words, new_block.words)
                tally.add(block_counts)
                status = "changed" if block_counts.changed else "equal"
                rendered.append(RenderedBlock(status, new_block, html_text))
    return rendered, counts


@dataclass
class Section:
    anchor: str
    heading: RenderedBlock | None
    blocks: list[RenderedBlock]
    # The title of a section that has no heading of its own.
    name: str = "Introduction"

    @property
    def touched(self) -> bool:
        return any(
            block.status != "equal" for block in [self.heading, *self.blocks] if block
        )

    @property
    def title(self) -> str:
        return self.heading.block.text if self.heading else self.name


def sections(blocks: list[RenderedBlock]) -> list[Section]:
    """Cut the notice's text at each top-level heading (the title and each h2)."""
    found: list[Section] = []
    for block in blocks:
        if not block.block.counted:
            continue
        if block.block.tag in ("h1", "h2") or not found:
            is_heading = block.block.tag in ("h1", "h2")
            found.append(Section(f"section-{len(found) + 1}", block if is_heading else None, []))
            if is_heading:
                continue
        found[-1].blocks.append(block)
    return found


def history_section(blocks: list[RenderedBlock]) -> Section | None:
    """The notice's dates and change history, in one section of their own."""
    history = [block for block in blocks if not block.block.counted]
    return Section("section-history", None, history, "Dates and change history") if history else None


@dataclass
class NoticeRedline:
    docname: str
    title: str
    status: str  # changed, added, removed
    # The sections of the notice's text, which the summary counts.
    sections: list[Section]
    counts: Counts
    history: Section | None = None

    @property
    def pdf_filename(self) -> str:
        return f"{self.docname}.pdf"

    @property
    def filename(self) -> str:
        return f"{self.docname}.html"

    @property
    def touched(self) -> list[Section]:
        return [section for section in self.sections if section.touched]


def _blocks(revision: BuiltRevision, docname: str, base_url: str) -> list[Block]:
    path = page_path(docname)
    page = page_file(revision.html, path)
    if not page.exists():
        return []
    return extract_blocks(page.read_text(encoding="utf-8"), urljoin(base_url, path))


def redline_notice(base: BuiltRevision, head: BuiltRevision, docname: str, base_url: str):
    """The redline of one notice, or None when a reader would see no difference."""
    old, new = _blocks(base, docname, base_url), _blocks(head, docname, base_url)
    rendered, counts = diff_blocks(old, new)
    if not any(block.status != "equal" for block in rendered):
        return None
    status = "added" if not old else "removed" if not new else "changed"
    title_block = next((b.block for b in rendered if b.block.tag == "h1"), None)
    title = title_block.text if title_block else docname
    return NoticeRedline(
        docname, title, status, sections(rendered), counts, history_section(rendered)
    )


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write_redline(
    base: BuiltRevision, head: BuiltRevision, out: Path, commits: list[str]
) -> list[NoticeRedline]:
    """Write the redline pages and index under *out* (emptied first)."""
    base_url = head.config.html_baseurl or "https://example.invalid/"
    docnames = sorted(set(base.notices()) | set(head.notices()))
    redlines = [r for d in docnames if (r := redline_notice(base, head, d, base_url))]
    unchanged = [d for d in docnames if d not in {r.docname for r in redlines}]

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    environment = _environment()
    common = {"base": base, "head": head, "commits": commits}
    for redline in redlines:
        target = out / redline.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        depth = redline.filename.count("/")
        page = environment.get_template("redline.html")
        target.write_text(
            page.render(redline=redline, index_url="../" * depth + "index.html",
                        for_pdf=False, **common),
            encoding="utf-8",
        )
        # On paper nothing is folded and there is no other page to go to.
        write_redline_pdf(
            page.render(redline=redline, index_url="", for_pdf=True, **common),
            out / redline.pdf_filename,
        )
    (out / "index.html").write_text(
        environment.get_template("redline-index.html").render(
            redlines=redlines, unchanged=unchanged, **common
        ),
        encoding="utf-8",
    )
    return redlines


def write_redline_pdf(page_html: str, pdf: Path) -> Path:
    """The redline page's paper version as *pdf*, to attach to an approval."""
    # Imported here: WeasyPrint's start-up is only paid when a redline is written.
    import weasyprint

    # The page is self-contained: nothing is fetched (no base URL to resolve against).
    weasyprint.HTML(string=page_html).write_pdf(pdf)
    return pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the git revision before the change")
    parser.add_argument("--head", default="HEAD", help="the git revision after it (HEAD)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the git repository")
    parser.add_argument("--out", type=Path, default=Path("_build/redline"))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="redline-") as workdir:
        try:
            base, head = build_revisions(
                args.repo, {"base": args.base, "head": args.head}, Path(workdir)
            )
        except RevisionError as error:
            print(f"redline: error: {error}", file=sys.stderr)
            return 2
        redlines = write_redline(base, head, args.out, commits_between(args.repo, base, head))

    print(f"Redline of the notices, {base.label} -> {head.label}:")
    for redline in redlines:
        counts = redline.counts
        print(
            f"  {args.out / redline.filename}: {redline.status}, "
            f"{len(redline.touched)} section(s) touched, +{counts.words_in} / "
            f"-{counts.words_out} words, {len(counts.links)} link(s) changed; "
            f"PDF: {args.out / redline.pdf_filename}"
        )
    if not redlines:
        print("  no notice reads differently")
    print(f"Index: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
