"""What the site's extensions and its tools both use, without Sphinx's
application: imported by ``policy_sphinx_extensions`` and ``tools``, it imports
neither (``make lint`` checks it: docs/architecture.md).

front_matter    a page's front matter rules (kind, dates, changes)
yamldata        YAML with line numbers, for file:line errors; anchors and aliases refused
addresses       docname <-> URL path and URL (absolute or relative) of a page
git_history     the material versions of a notice, read from git
page_limits     a page's size and heading limits, read before MyST renders it
links           the one rule of link schemes and of ids
ip_addresses    a URL's host read as an IP address, in every form resolvers read
processor_registry  the processor registry's schema (source/_data/processors.yaml)
heading_ids     the live site's heading ids (conf.py's myst_heading_slug_func)
html_templates  the autoescaping Jinja environment of the HTML written outside
                Sphinx's pages
redline/        a notice's redline: the words a reader sees (text), compared (diff),
                written as pages and PDFs (page, templates/)
"""
