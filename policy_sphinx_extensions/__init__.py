"""Sphinx extensions of the PSF Policies site: ``conf.py`` names this package,
whose :func:`setup` sets up each extension below, one concern each.

reading/     how a page is read: page_parser (MyST with the site's settings, within
             the page limits), labels (a MyST label keeps its id as written),
             page_kinds (each page's kind; a notice's effective date and changes)
navigation/  the home page's site map and the page checks from
             source/_data/navigation.yaml (schema: the file's rules; sidebar: the
             sidebar's data from the same file)
processors/  third-party processors from source/_data/processors.yaml: the notices'
             standard sentence, the processors page, processors.json (page)
versions/    every material version of every notice at its own address, from git;
             an upcoming version announced until its date; banners, redlines,
             version_list (the notice-versions directive), versions_json,
             repeated_messages, current_page (the current version's dated page,
             made from the notice's), project (the Project the versions are read
             through), cache (the versions kept between builds)
pdf/         a tagged PDF of every notice (the pdf builder; make html publishes them)
site/        the site's pages and head: theme_settings, feed (change history page
             and Atom feed), sitemap, page_head (description, privacy-policy link),
             page_weight (each page loads only what it uses), not_found_page (the
             404 page's links), linked_files (files the pages link, at their path)
checks/      what a pull request may publish: sources (no file read or URL fetched,
             no raw HTML, link schemes), source_files (the files a build reads),
             remote_resources (what a stylesheet or page loads from another host),
             published_pages (each link, id and address as written), page_structure
             (headings with visible text), output_paths (who writes each path)
build/       the build itself: incremental (a rebuild says what a clean build would),
             compiled_templates (the templates compiled once, not at every build),
             messages (the build's messages in plain words), garbage_collection
             (Python's cycle collector run less often while a build runs), and
             what the extensions share: docdata (per-document state in a domain),
             dependents (pages made from other pages' data), refusals (stopping
             with a message of its own)

What the extensions and the tools both use lives below both, in ``policy_core``
(front matter, addresses, git history, the redline); nothing here imports
``tools`` (``make lint`` checks it: docs/architecture.md).
"""

from __future__ import annotations

from sphinx.application import Sphinx

# Set up in this order, the third-party extensions among them: Sphinx calls the
# listeners of one event and priority in the order they were connected. The
# theme's settings come first, before Sphinx compares the configuration with
# the last build's (site/theme_settings.py); the messages' filters last, on top
# of every handler the others set up.
EXTENSIONS = (
    "policy_sphinx_extensions.site.theme_settings",
    "myst_parser",
    "policy_sphinx_extensions.reading.page_parser",
    "policy_sphinx_extensions.reading.labels",
    "policy_sphinx_extensions.reading.page_kinds",
    "policy_sphinx_extensions.navigation",
    "policy_sphinx_extensions.site.feed",
    "sphinx_reredirects",
    "policy_sphinx_extensions.processors",
    "policy_sphinx_extensions.pdf",
    "policy_sphinx_extensions.versions",
    "policy_sphinx_extensions.site.page_head",
    "policy_sphinx_extensions.site.page_weight",
    "notfound.extension",
    "policy_sphinx_extensions.site.not_found_page",
    "policy_sphinx_extensions.checks.output_paths",
    "policy_sphinx_extensions.site.linked_files",
    "policy_sphinx_extensions.site.sitemap",
    "policy_sphinx_extensions.checks.sources",
    "policy_sphinx_extensions.checks.published_pages",
    "policy_sphinx_extensions.checks.source_files",
    "policy_sphinx_extensions.checks.page_structure",
    "policy_sphinx_extensions.build.incremental",
    "policy_sphinx_extensions.build.compiled_templates",
    "policy_sphinx_extensions.build.messages",
    "policy_sphinx_extensions.build.garbage_collection",
)


def setup(app: Sphinx) -> dict:
    for name in EXTENSIONS:
        app.setup_extension(name)
    # Keeps no state of its own: each extension declares its env_version.
    return {"parallel_read_safe": True, "parallel_write_safe": True}
