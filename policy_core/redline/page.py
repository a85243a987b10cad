"""A notice's redline as a reader sees it: its sections, words in and out, and
its pages and PDF, written from the templates beside this module.

The words come from :mod:`.text`, their comparison from :mod:`.diff`. The
build's redline of each version against the one before it
(:mod:`policy_sphinx_extensions.versions.redlines`) and ``make redline``
(``tools/redline.py``) write their pages with it.

Written here rather than taken from an HTML diff library: the ones on PyPI
diff markup (tags and all) or plain lines, while a reviewer needs the words
a reader sees, with link targets compared beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from policy_core import html_templates
from policy_core.redline.diff import Counts, RenderedBlock, diff_blocks
from policy_core.redline.text import Block

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Section:
    anchor: str
    heading: RenderedBlock | None
    blocks: list[RenderedBlock]
    # The title of a section that has no heading of its own.
    name: str = "Introduction"

    @property
    def touched(self) -> bool:
        return any(block.status != "equal" for block in [self.heading, *self.blocks] if block)

    @property
    def title(self) -> str:
        return self.heading.block.text if self.heading else self.name


def sections(blocks: list[RenderedBlock]) -> list[Section]:
    """Cut the notice's text at each top-level heading (the title and each h2)."""
    found: list[Section] = []
    for block in blocks:
        if not block.block.counted:
            continue
        is_heading = block.block.tag in ("h1", "h2")
        if is_heading or not found:
            found.append(Section(f"section-{len(found) + 1}", block if is_heading else None, []))
        if not is_heading:
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


def notice_redline(docname: str, old: list[Block], new: list[Block]) -> NoticeRedline:
    """The redline of *docname* from the words *old* to *new*, titled by its
    heading (its docname when it has none)."""
    rendered, counts = diff_blocks(old, new)
    status = "added" if not old else "removed" if not new else "changed"
    title = next((b.block.text for b in rendered if b.block.tag == "h1"), docname)
    return NoticeRedline(docname, title, status, sections(rendered), counts,
                         history_section(rendered))


def write_redline_pdf(page_html: str, pdf: Path) -> Path:
    """The redline page's paper version as *pdf*, to attach to an approval."""
    # Imported here: WeasyPrint's start-up is only paid when a redline is written.
    import weasyprint

    # The page is self-contained: nothing is fetched (no base URL to resolve against).
    weasyprint.HTML(string=page_html).write_pdf(pdf)
    return pdf


def redline_templates(*folders: Path) -> jinja2.Environment:
    """The templates of the redline pages: those of *folders* first, then these."""
    return html_templates.environment(*folders, TEMPLATES)
