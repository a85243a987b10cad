"""Import an MkDocs policy site into this project (``make import SRC=...``).

site      mkdocs.yml: pages, navigation, Markdown extensions
convert   one page's Markdown as MyST, with a note of every conversion
dates     a page's effective date: stated in it, or its git history
pages     writing pages, linked files and the navigation into source/
fidelity  the proof that every text unit and id of the old page is in the new
"""
