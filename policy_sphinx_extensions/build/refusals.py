"""Stopping a build with its own message, never Sphinx's report of a crash.

Sphinx reports every exception raised inside a build (``ConfigError`` and
every other ``SphinxError`` included) as a crash: its versions, the loaded
extensions, a traceback, and a request to report the problem to Sphinx's
developers. A build refused for an editor's mistake ends instead with the
mistake, logged as an error naming its file and line, and exit status 2:
:class:`BuildRefused` is a ``SystemExit``, which Sphinx's command line does
not catch (Sphinx's logging prints what it held back on the way out). The
live preview, which builds in its own process, catches it and shows the
message in its box.

Not an extension: the extensions that stop a build call :func:`refuse`.
"""

from __future__ import annotations

from typing import NoReturn

from sphinx.util import logging

from policy_core.yamldata import DataError

logger = logging.getLogger(__name__)

EXIT_STATUS = 2


class BuildRefused(SystemExit):
    """The build stopped; its reason was logged as an error."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_STATUS)
        self.message = message

    def __str__(self) -> str:
        return self.message


def refuse(message: str, location: str | tuple | None = None) -> NoReturn:
    """Log *message* as an error at *location* (``file:line``, or a docname and
    line) and stop the build. The error has no type: no ``suppress_warnings``
    entry hides it."""
    logger.error(message, location=location)
    raise BuildRefused(message)


def refuse_data_error(error: DataError) -> NoReturn:
    refuse(error.message, f"{error.path}:{error.line}")
