"""Benchmarks of the site's build, preview, PDF, link check and pages.

``python -m benchmarks.run`` (``make bench``) runs every area; each area is a
module here with a ``run(settings)`` entry point, also runnable alone as
``python -m benchmarks.AREA``. See benchmarks/README.md.
"""
