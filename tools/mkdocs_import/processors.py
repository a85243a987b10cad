"""Links to a registered processor's addresses, as processor references.

The registry (``source/_data/processors.yaml``, read by
:func:`policy_core.processor_registry.load_registry`) gives each
processor's terms and privacy-policy URLs. In a paragraph or list item of an
imported page that links one of them:

* the standard sentence, written with both links exactly as the
  ``processor-terms`` role renders it, becomes ``{processor-terms}`id```;
* the processor's name where the item starts (its service or name, with the
  other in brackets: "Amazon Web Services (AWS)") becomes
  ``{processor}`Amazon Web Services (AWS) <aws>```, the same words linked to
  the processor's row, so the processors page lists the page as citing it.

No word changes: a sentence worded otherwise keeps its words and links, and
the report says which registered addresses stayed plain links.
"""

from __future__ import annotations

import re
from pathlib import Path

from policy_core.processor_registry import Processor, load_registry

from .convert import fence_after

LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+\.)\s+)")


def registry(source_dir: Path) -> dict[str, Processor]:
    path = source_dir / "_data" / "processors.yaml"
    return load_registry(path) if path.exists() else {}


def _standard_sentence(processor: Processor) -> re.Pattern:
    """The sentence ``processor-terms`` renders, as written in Markdown with both links."""
    def link(label: str, url: str) -> str:
        return rf"\[{re.escape(label)}\]\(\s*<?{re.escape(url)}>?\s*\)"
    name = re.escape(processor.name)
    return re.compile(
        r"Their\s+use\s+of\s+this\s+information\s+is\s+subject\s+to\s+the\s+"
        + link(processor.terms.label, processor.terms.url)
        + rf"\s+between\s+{name}\s+and\s+PSF\s+and\s+the\s+{name}\s+"
        + link(processor.privacy.label, processor.privacy.url) + r"\."
    )


def _names(processor: Processor) -> re.Pattern:
    either = "|".join(re.escape(name) for name in (processor.service, processor.name) if name)
    return re.compile(rf"(?:{either})(?:\s+\((?:{either})\))?(?![\w-])")


def cite(block: str, processors: dict[str, Processor]) -> tuple[str, list[str], list[str]]:
    """*block* (a paragraph or list item) with its processor references; what was cited; what stayed plain."""
    cited, plain = [], []
    for processor in processors.values():
        urls = {processor.terms.url, processor.privacy.url}
        if not any(url in block for url in urls):
            continue
        block, sentences = _standard_sentence(processor).subn(f"{{processor-terms}}`{processor.id}`", block)
        item = LIST_ITEM.match(block)
        start = item.end() if item else len(block) - len(block.lstrip())
        name = _names(processor).match(block, start)
        if name and not block.startswith("{", start):
            block = f"{block[:start]}{{processor}}`{name.group(0)} <{processor.id}>`{block[name.end():]}"
        if sentences or name:
            cited.append(processor.id)
        plain += [url for url in urls if url in block]
    return block, cited, plain


def cite_page(text: str, processors: dict[str, Processor]) -> tuple[str, list[str], list[str]]:
    """*text* with every paragraph and list item through :func:`cite` (fenced code aside)."""
    out, item, cited, plain = [], [], [], []
    fence = None

    def flush() -> None:
        if item:
            block, found, left = cite("\n".join(item), processors)
            out.append(block)
            cited.extend(found)
            plain.extend(left)
            item.clear()

    for line in text.split("\n"):
        before, fence = fence, fence_after(fence, line)
        passed_over = before or fence or not line.strip()  # fenced code, or a blank line
        if passed_over or LIST_ITEM.match(line):
            flush()
        if passed_over:
            out.append(line)
        else:
            item.append(line)
    flush()
    return "\n".join(out), sorted(set(cited)), sorted(set(plain))


def plain_text(block: str, processors: dict[str, Processor]) -> str:
    """*block*'s words as a reader sees them: link texts, role titles, each standard sentence in full."""
    def sentence(match: re.Match) -> str:
        processor = processors.get(match.group(1).strip())
        if processor is None:
            return match.group(1)
        return (f"Their use of this information is subject to the {processor.terms.label} between "
                f"{processor.name} and PSF and the {processor.name} {processor.privacy.label}.")

    block = re.sub(r"\{processor-terms\}`([^`]*)`", sentence, block)
    block = re.sub(r"\{[a-z-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", block)
    return re.sub(r"\]\([^)]*\)", "]", block)
