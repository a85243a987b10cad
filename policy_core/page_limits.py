"""A page's limits, read before MyST renders it: its size in bytes and its
number of headings (a page of tens of thousands of headings takes MyST a time
that grows with their square, in its unique heading ids).

The build (:mod:`policy_sphinx_extensions.reading.page_parser`), the notices'
versions read from git (:mod:`.git_history`) and the policy rules
(``tools/myst_notice.py``, :func:`directive_name`) read pages this way.
"""

from __future__ import annotations

import re

# Directives whose body is not Markdown (code, reStructuredText).
LITERAL_DIRECTIVES = frozenset({None, "code-block", "code", "sourcecode", "eval-rst"})
# A Markdown heading line, as a directive's body may hold.
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)


def size_problem(text: str, max_bytes: int) -> tuple[int, str] | None:
    """(line, message) when the page *text* is over *max_bytes*, else None."""
    size = len(text.encode("utf-8"))
    if size <= max_bytes:
        return None
    return 1, f"the page is {size:,} bytes, over the limit of {max_bytes:,} (policy_max_source_bytes)"


def directive_name(token) -> str | None:
    """The name of the directive a fence is (``{note}``), or None for code."""
    match = re.match(r"\{([^}\s]+)\}", token.info.strip())
    return match.group(1) if match else None


def heading_problem(tokens, max_headings: int) -> tuple[int, str] | None:
    """(line, message) when MyST's *tokens* of a page hold over *max_headings*
    headings (the line of the first one over), else None."""
    # MyST's headings, and those in the Markdown body of a directive, which
    # MyST parses only as it renders the page.
    lines = []
    for token in tokens:
        if token.type == "heading_open":
            lines.append(token.map[0] + 1)
        elif token.type == "fence" and directive_name(token) not in LITERAL_DIRECTIVES:
            lines += [token.map[0] + 1] * len(_ATX_HEADING.findall(token.content))
    if len(lines) <= max_headings:
        return None
    return lines[max_headings], (f"the page has {len(lines):,} headings, over the limit of "
                                 f"{max_headings:,} (policy_max_headings)")
