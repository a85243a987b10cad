"""Sphinx extensions of the PSF Policies site, one concern each.

dates       effective date and change history from each notice's front matter
navigation  home-page site map and page checks from source/_data/navigation.yaml
sidebar     the sidebar's data from the same file (set up by navigation)
feed        change history page and Atom feed of every notice's changes
processors  third-party processors from source/_data/processors.yaml: the notices'
            standard sentence, the processors page, processors.json
pdf         a tagged PDF of every notice (the pdf builder; published by the HTML build)
page_head   each page's description and privacy-policy link
page_weight each page loads only the styles and scripts it uses
not_found_page  the 404 page's home link, at any address

Shared by them, not extensions themselves:

yamldata    YAML with line numbers, for file:line errors
addresses   docname <-> URL path and URL (absolute or relative) of a page
navigation_file  the navigation file's schema and checks
dependents  pages made from other pages' data, rewritten only when it changes
"""
