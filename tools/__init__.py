"""Standalone tools of the PSF Policies site (run as ``python -m tools.NAME``)."""
