"""The 404 page's link to the home page, at whatever address it is served.

sphinx-notfound-page makes the 404 page's links absolute (it is served at
any address), but with the ``dirhtml`` builder the home page's address is
empty and it answers ``#``: the site's name at the top of the 404 page would
lead back to the 404 page. This gives the home page its address,
``notfound_urls_prefix`` (``/``).

Registers an ``html-page-context`` handler for the 404 page, after the
extension's own.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if pagename != app.config.notfound_pagename or "pathto" not in context:
        return
    absolute_pathto = context["pathto"]
    home = app.config.notfound_urls_prefix or "/"

    def pathto(otheruri: str, resource: bool = False, *args, **kwargs) -> str:
        uri = absolute_pathto(otheruri, resource, *args, **kwargs)
        if not resource and uri == "#" and otheruri == app.config.root_doc:
            return home
        return uri

    context["pathto"] = pathto


def setup(app: Sphinx) -> dict:
    app.setup_extension("notfound.extension")
    # sphinx-notfound-page sets its pathto at priority 400; the links use it from 500 on.
    app.connect("html-page-context", _page_context, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
