"""Sphinx configuration of the PSF Policies site. Logic lives in policy_sphinx_extensions/."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "Python Software Foundation Policies"
author = "Python Software Foundation"
copyright = "Python Software Foundation"
language = "en"

# The site's extensions, the third-party ones among them, set up in their
# order by the package (policy_sphinx_extensions/__init__.py).
extensions = ["policy_sphinx_extensions"]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_data"]
templates_path = [str(Path(__file__).parent / "_templates")]

# --- What a pull request's sources can do (docs/security.md) ---------------
# Sources are text: policy_sphinx_extensions/checks/sources.py forces docutils'
# file_insertion_enabled and raw_enabled off (no include, literalinclude,
# :file:/:url:, raw) and fails raw HTML, <meta>, math (MathJax from a CDN),
# and images or downloads outside source/ or of a type that runs script.
# suppress_warnings may not name the policy or docutils warnings.
# Links: only these schemes, and links into the site; any other fails the
# build with its file and line (policy_core/links.py, asked on
# each page's tree, on each page as written, and by make lint). MyST makes
# external links of these alone.
policy_link_schemes = ["https", "mailto"]
myst_url_schemes = policy_link_schemes
# Source files (policy_sphinx_extensions/checks/source_files.py): no symbolic links
# under source/ or _static/, names of letters, digits and . _ - /, one source
# per page, and at most this many bytes each.
policy_max_source_bytes = 1_000_000
# Every commit that changes what a notice says adds an entry to its
# `changes` (docs/versions.md). The commits up to this one, from before the
# rule, are not checked.
policy_notice_changes_checked_after = "d39965411e188c98606d2726f249831bae9e9f8f"
# Files a page links are published at their path under source/ (linked_files.py),
# never where the build writes (PDFs, versions.json, the sitemap ...), and at
# the site's root or under .well-known/ only when listed here, e.g.
# ["robots.txt", ".well-known/security.txt"]: none today.
policy_root_files = []
# --- end of the safety settings ---------------------------------------------

# Strict references: every cross-reference must resolve.
nitpicky = True

# MyST: every heading level gets the id the live site (MkDocs) has always
# published (#1-information-we-collect), beside Sphinx's own.
myst_heading_anchors = 6
myst_heading_slug_func = "policy_core.heading_ids.live_site_slug"
myst_enable_extensions = []

# Pages show the characters their sources hold: typographic quotes and
# apostrophes are written as such (“PSF”, processor’s), never guessed from
# straight ones.
smartquotes = False

# The Atom feed of every notice's changes (feed.xml).
policy_feed_title = "Python Software Foundation Policies: changes to the notices"

# A page that moves keeps its old address: {old docname: the new page's address
# relative to the old one}, e.g. {"python.org/Old-Name": "../New-Name/"}
# (sphinx-reredirects writes a redirect page there). `make check-addresses`
# fails when a page disappears without one, or redirects to no page.
redirects = {}

html_theme = "furo"
html_title = "Python Software Foundation Policies"
html_static_path = [str(Path(__file__).parent / "_static")]
# Each with its priority written out: Sphinx sets a missing one (800, after
# the theme's) inside these very dicts as the builder starts, which made every
# build see a configuration changed since the last.
html_css_files = [
    ("policies.css", {"priority": 800}),
    ("print.css", {"media": "print", "priority": 800}),
    ("search.css", {"priority": 800}),
]
# The site's icon: linked from every page, and also at /favicon.ico, where
# browsers and feed readers look for it unasked.
html_favicon = str(Path(__file__).parent / "_static" / "favicon.ico")
html_extra_path = [str(Path(__file__).parent / "_static" / "favicon.ico")]
html_baseurl = "https://policies.python.org/"
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None

# The site has no index entries: no empty "Index" page.
html_use_index = False

# Every page's <link rel="privacy-policy"> (RFC 6903): the notice that covers
# this site, a path from source/_data/navigation.yaml.
policy_privacy_notice = "python.org/Privacy-Notice"

# <meta name="description"> of pages built without a source file; every
# other page has a `description` in its front matter.
policy_generated_page_descriptions = {
    "search": "Search the policies and notices of the Python Software Foundation.",
}

# The 404 page (source/404.md) is served at any depth: its links are absolute.
notfound_urls_prefix = "/"

# sitemap.xml lists the reading pages at their live addresses (html_baseurl).
policy_sitemap_excludes = ["search/", "404/"]

# PDFs of the notices (make pdf; the HTML build publishes them under pdf/).
policy_pdf_paper = "letter"
policy_pdf_stylesheets = [
    str(Path(__file__).parent / "_static" / name) for name in ("print.css", "pdf.css")
]
# The fonts pdf.css sets the PDFs in, and the Debian package of each.
policy_pdf_fonts = {"Liberation Serif": "fonts-liberation", "Liberation Sans": "fonts-liberation"}
