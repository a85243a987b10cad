"""Pages made from other pages' data: rewritten, not re-read, when that data changes.

The change history page lists every notice's changes, and the processors page
the notices citing each processor. Both are filled in as they are written (by
post-transforms), from what reading the notices left in the build
environment's domains, so neither needs reading again when a notice changes:
at most writing again, and only when what it shows changed. An edit to a notice's
wording changes neither, and the live preview (``make serve``) then rebuilds
that notice alone.

Not an extension: the extensions that make such pages call
:func:`rewrite_when_changed` from their ``setup()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def rewrite_when_changed(
    app: Sphinx,
    shown: Callable[[BuildEnvironment], Any],
    pages: Callable[[BuildEnvironment], Iterable[str]],
) -> None:
    """Rewrite *pages* after a read in which *shown* (what they show) changed.

    *shown* is taken before the changed documents are read
    (``env-get-outdated``) and after (``env-updated``); when the two differ,
    the documents *pages* names are written again.
    """
    before: list[Any] = []

    def remember(app: Sphinx, env, added, changed, removed) -> list[str]:
        before[:] = [shown(env)]
        return []

    def compare(app: Sphinx, env) -> list[str]:
        if before and before.pop() != shown(env):
            return sorted(pages(env))
        return []

    app.connect("env-get-outdated", remember)
    app.connect("env-updated", compare)
