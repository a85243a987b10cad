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

Registers the config values ``policy_privacy_notice`` and
``policy_generated_page_descriptions``, and handlers that read the
descriptions (``doctree-read``), report bad ones (``env-check-consistency``)
and add both tags to each page (``html-page-context``).
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging

from . import yamldata
from .addresses import docname_at

logger = logging.getLogger(__name__)


def read_description(path: Path) -> str | None:
    """The ``description`` in *path*'s front matter, None if it has none.

    Raises DataError naming the line when it is there but not a sentence.
    """
    front = yamldata.front_matter(path)
    if front is None or "description" not in front:
        return None
    description = front["description"]
    if not isinstance(description, str) or not description.strip():
        raise yamldata.DataError(
            path, front.line_of("description"), "'description' must be a non-empty sentence"
        )
    return " ".join(description.split())


def _read(app: Sphinx, doctree) -> None:
    env = app.env
    try:
        description = read_description(Path(env.doc2path(env.docname)))
    except yamldata.DataError as error:
        env.policy_description_errors[env.docname] = (error.line, error.message)
        return
    if description is not None:
        env.policy_descriptions[env.docname] = description


def _check(app: Sphinx, env) -> None:
    # Runs in the main process after every read, so cached errors still count.
    for docname, (line, message) in sorted(env.policy_description_errors.items()):
        logger.error(message, location=(docname, line), type="policy", subtype="description")
        app.statuscode = 1


def _init(app: Sphinx) -> None:
    env = app.env
    for attribute in ("policy_descriptions", "policy_description_errors"):
        if not hasattr(env, attribute):
            setattr(env, attribute, {})
    path = app.config.policy_privacy_notice
    if not path or path.startswith("/") or path.endswith("/"):
        raise ConfigError(
            f"policy_privacy_notice must be a page path without slashes at either end, "
            f"not {path!r}"
        )


def _purge(app: Sphinx, env, docname: str) -> None:
    env.policy_descriptions.pop(docname, None)
    env.policy_description_errors.pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    for attribute in ("policy_descriptions", "policy_description_errors"):
        mine, theirs = getattr(env, attribute), getattr(other, attribute)
        mine.update({docname: theirs[docname] for docname in docnames if docname in theirs})


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    tags = []
    description = app.env.policy_descriptions.get(
        pagename, app.config.policy_generated_page_descriptions.get(pagename)
    )
    if description is not None:
        tags.append(f'<meta name="description" content="{html.escape(description)}">')
    docname = docname_at(app.config.policy_privacy_notice, app.env.found_docs)
    if docname is not None:
        # context["pathto"] gives absolute links on the 404 page, relative ones elsewhere.
        href = context["pathto"](docname)
        tags.append(f'<link rel="privacy-policy" href="{html.escape(href)}">')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_privacy_notice", "", "html", types=[str])
    app.add_config_value("policy_generated_page_descriptions", {}, "html", types=[dict])
    app.connect("builder-inited", _init)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", _read)
    app.connect("env-check-consistency", _check)
    # After sphinx-notfound-page (priority 400) has made the 404 page's links absolute.
    app.connect("html-page-context", _page_context, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
