"""Heading ids as the live site publishes them, at every level.

The live site (MkDocs) gives each heading the id Python-Markdown's ``toc``
extension makes of its text: ``#### 1. Account controls`` is
``#1-account-controls``, "Terms & Conditions" ``#terms-conditions``. MyST makes
an id of the same kind for every heading level ``myst_heading_anchors`` names,
with the function ``myst_heading_slug_func`` names: :func:`live_site_slug`, which
is Python-Markdown's own, so the two agree on punctuation, accents and spaces
alike. (An id a heading keeps although its text changed is a label:
:mod:`.labels`.)

Not an extension: ``conf.py`` names the function.
"""

from __future__ import annotations

from markdown.extensions.toc import slugify


def live_site_slug(title: str) -> str:
    """The id Python-Markdown's ``toc`` extension gives a heading titled *title*."""
    return slugify(title, "-")
