"""A notice and its current version at the dated address share one parse.

The current version of a notice is two documents read from one file: the
notice (``/<notice>/``) and its dated address (``/<notice>/<date>/``), as
:mod:`.versions` registers them. Sphinx reads each: the file, ``source-read``,
MyST's parse, every transform and ``doctree-read``. Parsing the Markdown is
most of that, and its result does not depend on which of the two documents
is read, but for the name of the document MyST writes in each cross-
reference (``refdoc``) and what it notes for the document as it parses (its
front matter and heading slugs in ``env.metadata``, the files it depends on).

So MyST's parser is replaced by one that keeps the parse of such a notice,
as parsed and before any transform, and gives the dated document a copy of
it instead of parsing the same text again: the copy's ``refdoc`` names the
dated document, and what MyST noted for the notice is noted for it. The
dated document is then transformed, collected and written as any other, so
its page is the one a parse would have given (``tests/test_shared_parse.py``
compares the two builds byte for byte). The copy is taken only when the
text the dated document gets after ``source-read`` is the notice's, and when
the parse queued no transform of its own; otherwise the text is parsed
again, as before. A problem a role finds while MyST parses (an unknown
processor) is reported, and noted, for the notice alone: the build fails on
it all the same.

Sphinx reads the documents sorted by name; ``env-before-read-docs`` puts
each dated document right after its notice, so a parallel build (``-j``),
which reads consecutive documents in one process, finds the copy too.
Copies are kept only in the process that parsed them, for one build.
"""

from __future__ import annotations

import copy
import pickle

from docutils import nodes
from sphinx.application import Sphinx

from policy_sphinx_extensions.reading.page_parser import SiteMystParser
from policy_sphinx_extensions.versions.project import same_text

# The parts of a document that belong to the build that reads it, not to its text.
_NOT_TEXT = ("settings", "reporter", "transformer", "_document")


class _Parsed:
    """A notice's text, as parsed by MyST, and what MyST noted for it."""

    def __init__(self, text: str, document: nodes.document, settings: dict, env) -> None:
        docname = env.docname
        self.notice = docname
        self.text = text
        self.settings = settings
        self.metadata = copy.deepcopy(env.metadata.get(docname, {}))
        self.dependencies = set(env.dependencies.get(docname, ()))
        held = {name: getattr(document, name) for name in _NOT_TEXT}
        for name in _NOT_TEXT:
            setattr(document, name, None)
        try:
            self.document = pickle.dumps(document, pickle.HIGHEST_PROTOCOL)
        finally:
            for name, value in held.items():
                setattr(document, name, value)

    def give(self, document: nodes.document, env) -> None:
        """Make *document* (the dated one's, as yet empty) a copy of the parse."""
        docname = env.docname
        parsed = pickle.loads(self.document)  # noqa: S301 - pickled above, in this process
        for name, value in vars(parsed).items():
            if name not in _NOT_TEXT:
                setattr(document, name, value)
        for name, value in self.settings.items():
            setattr(document.settings, name, value)
        for node in document.findall():
            if node is not document and node.parent is parsed:
                node.parent = document
            if vars(node).get("_document") is parsed:
                node.document = document
            if isinstance(node, nodes.Element) and node.get("refdoc") == self.notice:
                node["refdoc"] = docname
        env.metadata[docname] = copy.deepcopy(self.metadata)
        env.dependencies[docname] |= self.dependencies


# Notice docname -> its parse, in the process that parsed it, until its dated
# document takes it.
_parsed: dict[str, _Parsed] = {}


class SharedParseParser(SiteMystParser):
    """The site's MyST parser (page_parser: the site's settings, the page limits),
    parsing a text read as two documents once."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        docname = env.docname
        shared = same_text(env)
        notice = shared.get(docname)
        kept = _parsed.pop(notice, None) if notice else None
        if kept is not None and kept.text == inputstring:
            kept.give(document, env)
            return
        queued = len(document.transformer.transforms)
        settings_before = dict(vars(document.settings))
        super().parse(inputstring, document)
        if docname in shared.values() and (
            len(document.transformer.transforms) == queued
        ):
            changed = {name: value for name, value in vars(document.settings).items()
                       if name not in settings_before or settings_before[name] is not value}
            _parsed[docname] = _Parsed(inputstring, document, changed, env)


def _read_in_pairs(app: Sphinx, env, docnames: list[str]) -> None:
    """env-before-read-docs: each dated document right after its notice."""
    _parsed.clear()
    dated = {notice: docname for docname, notice in same_text(env).items()
             if docname in docnames and notice in docnames}
    paired = [docname for docname in docnames if docname not in dated.values()]
    for notice, docname in dated.items():
        paired.insert(paired.index(notice) + 1, docname)
    docnames[:] = paired


def _forget(app: Sphinx, env) -> None:
    _parsed.clear()


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.reading.page_parser")
    app.add_source_parser(SharedParseParser, override=True)
    app.connect("env-before-read-docs", _read_in_pairs)
    app.connect("env-updated", _forget)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
