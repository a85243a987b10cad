"""What each page's ``<head>`` tells browsers and search engines about it.

* ``<meta name="description">``: a page's ``description`` front-matter field,
  one plain sentence saying what the page is; pages Sphinx generates (search)
  take theirs from ``policy_generated_page_descriptions``. A description that
  is not a non-empty string fails the build, naming the file and line. A page
  without one gets no tag: earlier revisions of the site and the test suite's
  tiny projects still build, and ``tests/test_page_head.py`` requires one on
  every page of the real site.
* ``<link rel="privacy-policy">`` (RFC 6903) on every page, pointing to the
  notice at the page path ``policy_privacy_notice``, when the build has that
  notice (a tiny test project may not: it gets no tag, rather than a link
  off the machine).

The page language (``<html lang="en">``) comes from Sphinx's ``language``.

The description is the one MyST parsed (``env.metadata``); the file is read
again only to find the line of a bad one.

Registers the config values ``policy_privacy_notice`` and
``policy_generated_page_descriptions``, a domain holding each page's
description (checked as the page is read, reported after every read), and a
handler adding both tags to each page (``html-page-context``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from sphinx.application import Sphinx

from policy_sphinx_extensions.build import docdata
from policy_core import yamldata
from policy_core.addresses import docname_at
from policy_sphinx_extensions.build.refusals import refuse

NOT_A_SENTENCE = "'description' must be a non-empty sentence"


def as_sentence(value: str) -> str | None:
    """*value*, as MyST keeps a front matter field, with its whitespace folded;
    None when it is empty or not text (MyST writes a list, a number or an empty
    field as JSON)."""
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        decoded = value
    if not isinstance(decoded, str) or not decoded.strip():
        return None
    return " ".join(value.split())


class DescriptionDomain(docdata.DocumentData):
    """Each page's description, and the pages whose description is not one."""

    name = "policy-descriptions"
    label = "Page descriptions"
    data_version = 1
    initial_data: ClassVar[dict] = {"descriptions": {}, "errors": {}}
    error_subtype = "description"

    def process_doc(self, env, docname: str, document) -> None:
        if "description" not in env.metadata[docname]:
            return
        description = as_sentence(env.metadata[docname]["description"])
        if description is not None:
            self.data["descriptions"][docname] = description
            return
        try:
            front = yamldata.front_matter(Path(env.doc2path(docname)))
            line = front.line_of("description") if front is not None else 1
        except yamldata.DataError as error:
            line = error.line
        self.note_error(docname, line, NOT_A_SENTENCE)


def _check_config(app: Sphinx) -> None:
    path = app.config.policy_privacy_notice
    if not path or path.startswith("/") or path.endswith("/"):
        refuse(f"policy_privacy_notice must be a page path without slashes at either end, "
               f"not {path!r}")


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # The values reach the page through _templates/base.html, which escapes them.
    descriptions = app.env.domains[DescriptionDomain.name].data["descriptions"]
    context["policy_description"] = descriptions.get(
        pagename, app.config.policy_generated_page_descriptions.get(pagename))
    docname = docname_at(app.config.policy_privacy_notice, app.env.found_docs)
    # context["pathto"] gives absolute links on the 404 page, relative ones elsewhere.
    context["policy_privacy_url"] = context["pathto"](docname) if docname is not None else None


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_privacy_notice", "", "html", types=[str])
    app.add_config_value("policy_generated_page_descriptions", {}, "html", types=[dict])
    docdata.register(app, DescriptionDomain)
    app.connect("builder-inited", _check_config)
    # After sphinx-notfound-page (priority 400) has made the 404 page's links absolute.
    app.connect("html-page-context", _page_context, priority=600)
    return {"version": "2.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
