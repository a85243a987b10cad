"""Sphinx extensions of the PSF Policies site, one concern each.

dates       effective date and change history from each notice's front matter
navigation  sidebar and home-page site map from source/_data/navigation.yaml
page_head   each page's description and privacy-policy link
page_weight each page loads only the styles and scripts it uses
not_found_page  the 404 page's home link, at any address
"""
