"""Whether a build writes the site's pages: the one answer to "is this an HTML build?".

The site is built with ``dirhtml`` (``make html``) or ``html``. What the site
alone has (its sitemap, feed, ``versions.json`` and ``processors.json``, the
redlines, the published PDFs, its stylesheets written compactly, the files
its pages link) is written by those builders, never by ``singlehtml``, an
e-book, the PDF builder or a text build.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def builds_site(app: Sphinx) -> bool:
    return app.builder.name in ("html", "dirhtml")
