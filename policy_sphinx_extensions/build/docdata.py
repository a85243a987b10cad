"""What the extensions learn from each document, kept the Sphinx way: in a Domain.

Sphinx pickles each domain's ``data`` with the build environment, starts it
afresh when ``data_version`` changes, and asks the domain to forget a document
before it is read again (``clear_doc``) and to take in what parallel readers
found (``merge_domaindata``), as ``sphinx/ext/todo.py`` does. Every table of a
:class:`DocumentData` domain maps a docname to what that document holds, so
forgetting and merging are the same for all of them and written once, here.

Errors found while reading a document are kept with it and reported after
every read (``env-check-consistency``), naming the file and line (and, like
every warning, make the next build read the document again: :mod:`.incremental`).

Not an extension: the extensions holding such data call :func:`register`.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any, ClassVar

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.util import logging

logger = logging.getLogger(__name__)


class DocumentData(Domain):
    """A domain whose tables each map a docname to that document's data.

    Subclasses name their tables in ``initial_data`` (each an empty dict);
    ``errors`` is always one of them.
    """

    initial_data: ClassVar[dict[str, Any]] = {"errors": {}}
    #: the ``subtype`` of the errors this domain reports
    error_subtype: ClassVar[str] = ""

    def clear_doc(self, docname: str) -> None:
        for key, table in self.data.items():
            if key != "version":
                table.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key, table in self.data.items():
            if key != "version":
                theirs = otherdata[key]
                table.update({name: theirs[name] for name in docnames if name in theirs})

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode) -> list:
        # A data domain has no targets; MyST asks every domain when a link
        # finds none, and warns about a domain that cannot answer.
        return []

    def note_error(self, docname: str, line: int, message: str) -> None:
        self.data["errors"].setdefault(docname, []).append((line, message))

    def report_errors(self, app: Sphinx) -> None:
        for docname, errors in sorted(self.data["errors"].items()):
            for line, message in errors:
                logger.error(message, location=(docname, line), type="policy",
                             subtype=self.error_subtype)
                app.statuscode = 1


def register(app: Sphinx, domain: type[DocumentData]) -> None:
    """Add *domain*, and report its errors after every read."""
    app.add_domain(domain)
    app.connect("env-check-consistency",
                lambda app, env: env.domains[domain.name].report_errors(app))
