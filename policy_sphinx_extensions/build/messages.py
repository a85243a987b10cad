"""The build's messages in plain words: what is wrong, at which line, and what to do.

Sphinx and MyST write their messages for programmers. Each rule here adds
what an editor needs to a message they already write, or keeps a line that
says nothing to an editor off the screen:

* a misspelt role or directive (``{procesor}``) gets the nearest valid name
  (``difflib``), from the roles and directives this build knows;
* a link to a ``#fragment`` nothing has (``myst.xref_missing``) says what the
  part after ``#`` must be, and the nearest id when one is close;
* MyST's ``MdParserConfig(...)`` line (some 900 characters of its settings,
  printed at every build) is shown only with ``-v``;
* a warning never continues a half-written status line (``checking
  consistency... ``): Sphinx writes both to different streams, and a
  terminal shows them glued on one line.

Why on the log: the messages are written deep inside docutils, MyST and
Sphinx, and reach the terminal, ``make lint`` and the preview's box through
Sphinx's log handlers alone. A warning is reworded as it is printed
(:mod:`.warning_stream`); the status line is a filter on Sphinx's status
handler. Keeps nothing in the build environment.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable

from docutils.parsers.rst import directives, roles
from sphinx.application import Sphinx
from sphinx.util.logging import NAMESPACE, NewLineStreamHandler

from policy_sphinx_extensions.build.warning_stream import listen

UNKNOWN_ROLE = re.compile(r'Unknown interpreted text role "(?P<name>[^"]+)"\.')
UNKNOWN_DIRECTIVE = re.compile(r"""Unknown directive type:? ["'](?P<name>[^"']+)["']\.?""")
MISSING_TARGET = re.compile(r"'myst' cross-reference target not found: '(?P<name>[^']*)'")
MYST_SETTINGS = re.compile(r"^myst v[\d.]+: MdParserConfig\(")
# A message, and the ` [type.subtype]` Sphinx ends a warning with.
WARNING_TYPE = re.compile(r"^(.*?)((?: \[[\w.-]+\])?)$", re.DOTALL)
# Colour codes, which the status line carries when the terminal shows colour.
COLOUR = re.compile(r"\x1b\[[\d;]*m")


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to *name*, if one is close enough to be a typo of it."""
    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.75)
    return found[0] if found else None


def docutils_names(kind: str) -> set[str]:
    """The names in docutils' registries of the roles or the directives (*kind*).

    Private: docutils looks a name up one at a time and lists none; Sphinx's
    own sphinx.util.docutils reads these registries too. Read when asked, not
    kept: Sphinx puts fresh registries in place around each build.
    tests/test_sphinx_private_api.py fails when docutils changes them.
    """
    if kind == "roles":
        return set(roles._roles) | set(roles._role_registry)
    return set(directives._directives) | set(directives._directive_registry)


def known_names(app: Sphinx, kind: str) -> set[str]:
    """Every role or directive (*kind*) a page of this build may use, as it is
    written: ``ref``, ``note``, ``py:func``."""
    names = docutils_names(kind)
    for domain in app.env.domains.sorted():
        own = getattr(domain, kind)
        names |= {f"{domain.name}:{name}" for name in own}
        if domain.name == "std":
            names |= set(own)
    return names


def target_names(app: Sphinx) -> set[str]:
    """Every id a ``#fragment`` link can lead to: labels and heading ids."""
    slugs = (metadata.get("myst_slugs", {}) for metadata in app.env.metadata.values())
    return set(app.env.domains.standard_domain.anonlabels).union(*slugs)


def explain(app: Sphinx, message: str) -> str:
    """*message* with what an editor does about it, when there is more to say.

    The advice goes before the ``[type.subtype]`` Sphinx ends a warning with.
    """
    if getattr(app, "env", None) is None:  # a configuration error, before any page
        return message
    text, kind = WARNING_TYPE.match(message).groups()
    if match := UNKNOWN_ROLE.search(text):
        advice = _spelling_advice("role", match["name"], known_names(app, "roles"))
    elif match := UNKNOWN_DIRECTIVE.search(text):
        advice = _spelling_advice("directive", match["name"], known_names(app, "directives"))
    elif match := MISSING_TARGET.search(text):
        suggestion = nearest(match["name"], target_names(app))
        advice = (
            " The part after # must be the id of a heading or of a (label)= line, on this"
            " page or on the page named before the #: correct it"
            + (f" (did you mean #{suggestion}?)" if suggestion else "")
            + f", or add the line ({match['name']})= above the heading it should lead to."
        )
    else:
        return message
    text = text.rstrip()
    return f"{text}{'' if text.endswith('.') else '.'}{advice}{kind}"


def _spelling_advice(what: str, name: str, candidates: set[str]) -> str:
    suggestion = nearest(name, candidates)
    if suggestion:
        return f" No {what} has this name: did you mean {{{suggestion}}}?"
    return f" No {what} has this name: check its spelling."


class _StatusLine(logging.Filter):
    """Keeps MyST's settings off the status output, and knows whether a line is open."""

    def __init__(self, app: Sphinx, handler: NewLineStreamHandler) -> None:
        super().__init__()
        self.app = app
        self.handler = handler
        self.line_open = False
        handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        text = COLOUR.sub("", logging.LogRecord.getMessage(record))
        if MYST_SETTINGS.match(text) and self.app.verbosity < 1:
            return False
        self.line_open = bool(getattr(record, "nonl", False))
        return True

    def close_line(self) -> None:
        """Ends a status line left open (``checking consistency... ``) before a warning."""
        if self.line_open:
            self.handler.stream.write("\n")
            self.handler.flush()
            self.line_open = False


def setup(app: Sphinx) -> dict:
    status = [_StatusLine(app, handler) for handler in logging.getLogger(NAMESPACE).handlers
              if isinstance(handler, NewLineStreamHandler)]

    def explained(record: logging.LogRecord) -> bool:
        """Adds :func:`explain`'s advice to a warning, on a line of its own."""
        message = logging.LogRecord.getMessage(record)
        advised = explain(app, message)
        if advised != message:
            record.msg, record.args = advised, ()
        for line in status:
            line.close_line()
        return True

    listen(explained, printed=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
