"""Import an MkDocs policy site into this project (``make import SRC=...``).

site        mkdocs.yml and docs_dir: pages, files, navigation, Markdown extensions
history     the checkout's git history, read with none of its configuration
convert     one page's Markdown as MyST, with a note of every conversion
processors  links to a registered processor's addresses, as processor references
dates       a page's date: stated in it, or inferred from its git history
pages       writing pages, files and the navigation into source/; merging a page here
record      what the last import wrote from which blob (source/_data/imported.yaml)
lint_clean  make format's fixes, the word list, and the lint's findings left
fidelity    the proof that every text unit and id of the old page is in the new
"""
