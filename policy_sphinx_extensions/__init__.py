"""Sphinx extensions of the PSF Policies site, one concern each.

dates       effective date and change history from each notice's front matter
navigation  sidebar and home-page site map from source/_data/navigation.yaml
feed        change history page and Atom feed of every notice's changes
processors  third-party processors from source/_data/processors.yaml: the notices'
            standard sentence, the processors page, processors.json
pdf         a tagged PDF of every notice (the pdf builder; make html publishes them)
page_head   each page's description and privacy-policy link
page_weight each page loads only the styles and scripts it uses
not_found_page  the 404 page's home link, at any address

Shared by them, not extensions themselves:

yamldata    YAML with line numbers, for file:line errors
dependents  pages made from other pages' data, rewritten only when it changes
"""
