"""Sphinx extensions of the PSF Policies site, one concern each.

dates       each page's kind; a notice's effective date and change history
navigation  home-page site map and page checks from source/_data/navigation.yaml
sidebar     the sidebar's data from the same file (set up by navigation)
feed        change history page and Atom feed of every notice's changes
processors  third-party processors from source/_data/processors.yaml: the notices'
            standard sentence, the processors page, processors.json
pdf         a tagged PDF of every notice (the pdf builder; make html publishes them)
page_head   each page's description and privacy-policy link
page_weight each page loads only the styles and scripts it uses
not_found_page  the 404 page's home link, at any address
labels      a MyST label keeps its id as written: how a renamed heading keeps its address
linked_files  files the pages link (a form, a report), published at their own path
sitemap     sitemap.xml: every page at its live address
page_parser MyST reads every page with the site's settings (a page's own are
            refused, substitutions off), within size and heading limits
sources     sources are text: no file read or URL fetched, no raw HTML, links
            https:, mailto: or into the site (docs/security.md)
source_files  the files a build reads and publishes: no links, plain names,
            a size limit, one source per page; stylesheets and templates that
            load nothing from another host (remote_resources)
published_pages  every page as written: each link, id and loaded address checked
            after Sphinx resolved it (toctrees, navigation, templates)
output_paths  who writes each output path: no source over a generated file; root
            files only as policy_root_files lists them
page_structure  headings with visible text, nesting Markdown keeps
incremental an incremental build says what a clean build would; one build
            at a time per output
messages    the build's messages in plain words: the nearest valid role, directive
            or id; no settings dump; a warning on its own line
versions    every material version of every notice at its own address, from git;
            an upcoming version announced until its date; versions.json
            (sets up version_banners, version_redlines, version_history,
            versions_json, version_warnings, shared_parse: a notice and its dated
            current version parsed once; version_project is the Project it reads
            them through)

Shared by them, not extensions themselves:

history_cache  the notices' versions kept between builds until the commit or a notice changes
yamldata    YAML with line numbers, for file:line errors; anchors and aliases refused
pages       the front matter rules of a page (kind, dates, changes), without Sphinx
processor_registry  the processor registry's schema (source/_data/processors.yaml)
processor_page      the processors' citations, the processors page's table, processors.json
docdata     per-document state in a Sphinx domain, and its errors
addresses   docname <-> URL path and URL (absolute or relative) of a page
navigation_file  the navigation file's schema and checks
dependents  pages made from other pages' data, rewritten only when it changes
heading_ids the live site's heading ids (conf.py's myst_heading_slug_func)
links       the one rule of link schemes (policy_link_schemes) and of ids
ip_addresses  a URL's host read as an IP address, in every form resolvers read
remote_resources  what a stylesheet or HTML has a browser load from another host
notice_history  the material versions of a notice, read from git
refusals    stopping a build with its own message (never Sphinx's crash report)
html_templates  the autoescaping Jinja environment of the HTML written outside
            Sphinx's pages (redlines, the PDF's print page, the preview's box)
"""
