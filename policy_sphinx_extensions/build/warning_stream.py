"""Sphinx's warning stream: the one place that listens to it.

Sphinx writes every warning and error through one handler, whose filters
count it (the first, which also drops a suppressed warning), write its place
as ``path:line`` and make it an error under ``-W``. Whatever else needs the
warnings asks here, and says where it listens:

* as received (``listen(listener)``), before Sphinx's filters: every message
  logged, its place as logged (a docname, a ``(docname, line)`` pair or a
  node); a listener that answers False drops the message, which is then
  neither counted nor printed (:mod:`..versions.repeated_messages`), and one
  may only take note (:mod:`.incremental`);
* as printed (``listen(listener, printed=True)``), after them: what
  ``sphinx-build`` prints, suppressed warnings gone, places as
  ``path:line``; a listener may reword a message (:mod:`.messages`) or keep
  it from the terminal (the live preview, ``tools/serve.py``).

Each listener of a stage sees every message that reaches it, in the order
they were added. Why a filter on Sphinx's handler: it is the one place that
sees every message, in reading and in writing, serial or parallel (a
parallel reader's messages are handled again in the main process); Sphinx
offers no event for a warning. Keeps nothing in the build environment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sphinx.util.logging import NAMESPACE, WarningStreamHandler

Listener = Callable[[logging.LogRecord], bool]


class _Stage(logging.Filter):
    """The listeners of one stage: a message goes on if every one keeps it."""

    def __init__(self) -> None:
        super().__init__()
        self.listeners: list[Listener] = []

    def filter(self, record: logging.LogRecord) -> bool:
        return all([listener(record) for listener in self.listeners])


def listen(listener: Listener, *, printed: bool = False) -> None:
    """Call *listener* with each warning, as received or (*printed*) as printed."""
    # Sphinx sets up its handlers afresh for each application: the two stages
    # are added to the handler of the application being set up, once.
    handler = next(handler for handler in logging.getLogger(NAMESPACE).handlers
                   if isinstance(handler, WarningStreamHandler))
    stages = [found for found in handler.filters if isinstance(found, _Stage)]
    if not stages:
        stages = [_Stage(), _Stage()]
        handler.filters.insert(0, stages[0])  # first: Sphinx counts a warning in its first filter
        handler.addFilter(stages[1])  # last: after Sphinx's own
    stages[printed].listeners.append(listener)
