"""Heading ids as the live site publishes them, at every level.

The live site (MkDocs) gives each heading the id Python-Markdown's ``toc``
extension makes of its text: ``## 1. Account controls`` is
``#1-account-controls``. MyST makes the same kind of id for every heading
level ``myst_heading_anchors`` names, with the slug function
``myst_heading_slug_func`` names: :func:`live_site_slug` is Python-Markdown's
own, so the two agree on punctuation, accents and spaces alike.

An id a heading must keep although its text changed (or an id the old site
set by hand, ``{#id}``) is written as a MyST target on the line above it:

.. code-block:: markdown

   (1-information-we-collect)=
   ## 1. Personal information we collect

docutils turns a target's name into an id with ``make_id``, which drops
leading digits and turns ``_`` into ``-`` (``1-information-we-collect``
would become ``information-we-collect``): the transform here adds the name as
written too, so the address readers have is the one kept. A name that is not
a plain id (letters, digits, ``-``, ``_``, ``.``) keeps only docutils' form.
"""

from __future__ import annotations

import re

from docutils import nodes
from markdown.extensions.toc import slugify
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

PLAIN_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def live_site_slug(title: str) -> str:
    """The id Python-Markdown's ``toc`` extension gives a heading titled *title*."""
    return slugify(title, "-")


class KeepTargetNamesAsIds(SphinxTransform):
    """Give each element an explicit target names the name itself as an id."""

    # After docutils has moved targets onto the sections they precede
    # (PropagateTargets, 260), before ids are collected for the page.
    default_priority = 261

    def apply(self, **kwargs) -> None:
        document = self.document
        for node in document.findall(nodes.Element):
            for name in node.get("names", ()):
                if (
                    document.nametypes.get(name)
                    and PLAIN_ID.fullmatch(name)
                    and name not in node["ids"]
                    and name not in document.ids
                ):
                    node["ids"].append(name)
                    document.ids[name] = node


def setup(app: Sphinx) -> dict:
    app.add_transform(KeepTargetNamesAsIds)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
