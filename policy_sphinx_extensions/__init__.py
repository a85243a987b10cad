"""Sphinx extensions of the PSF Policies site, one concern each.

dates       effective date and change history from each notice's front matter
navigation  sidebar and home-page site map from source/_data/navigation.yaml
feed        change history page and Atom feed of every notice's changes
processors  third-party processors from source/_data/processors.yaml: the notices'
            standard sentence, the processors page, processors.json
pdf         a tagged PDF of every notice (the pdf builder; published by the HTML build)
page_head   each page's description and privacy-policy link
page_weight each page loads only the styles and scripts it uses
not_found_page  the 404 page's home link, at any address
labels      a MyST label keeps its id as written: how a renamed heading keeps its address
linked_files  files the pages link (a form, a report), published at their own path
versions    every material version of every notice at its own address, from git;
            an upcoming version announced until its date; versions.json
            (sets up version_banners, version_redlines, version_history,
            versions_json; version_project is the Project it reads them through)

Shared by them, not extensions themselves:

yamldata    YAML with line numbers, for file:line errors
dependents  pages made from other pages' data, rewritten only when it changes
heading_ids the live site's heading ids (conf.py's myst_heading_slug_func)
notice_history  the material versions of a notice, read from git
"""
