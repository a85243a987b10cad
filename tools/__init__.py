"""Standalone tools of the PSF Policies site (not Sphinx extensions).

site_browser  serve a build on 127.0.0.1 and open it in headless Chromium
screenshots   PNGs of every page at desktop and phone width, light and dark
"""
