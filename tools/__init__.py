"""Standalone tools of the PSF Policies site (run as ``python -m tools.NAME``).

lint             every lint check, one report (make lint)
policy_lint      the policy rules for notices
myst_notice      a MyST source as the policy rules read it, and the rule registry
unicode_rules    policy rules for invisible characters and confusable link hosts
typography       straight quotes: the policy rule, and the fix of make format
spelling         configuration of the spelling check
redline          rendered word-level redline between two revisions (make redline; policy_core.redline)
check_build_inputs  TODAY and a shallow clone, checked before Sphinx starts (make html, make pdf)
revisions        build the site at git revisions; read a revision's conf.py (read_config)
check_addresses  fail when a page or #id of BASE is gone (make check-addresses)
site_server      serve a build on 127.0.0.1 as the host does (its 404 page)
site_browser     open a served build in headless Chromium
screenshots      PNGs of every page at desktop and phone width, light and dark (make screenshots)
"""
