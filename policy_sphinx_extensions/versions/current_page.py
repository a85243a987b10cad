"""The current version's dated page, written from the notice's doctree.

The current version of a notice has two addresses: the notice's
(``/<notice>/``) and its dated one (``/<notice>/<date>/``), two documents of
one text, as :mod:`.versions` registers them (``same_text``). Sphinx reads
the notice alone. The dated document is never read: each time the notice is
read, the dated one is given, from the notice's, what reading the same text
again gave it:

* its doctree, as the notice's was read, saved under the dated document's name
  (``Builder.write_doctree``), with each cross-reference resolved from the
  dated document (``refdoc``), so its links are relative to its own address.
  Sphinx writes its page as any other's, in this build or a later one (a
  template changed, the page deleted): its banner, its PDF link, its entry
  in the search index and in ``objects.inv`` are those of a document;
* what was collected of it: its title, its table of contents (whose links
  name the page), its metadata (an orphan left out of the search, as every
  version: :func:`.mark_as_version`), the files it depends on and those it
  links, and each per-document table of the site's domains (the page's kind
  and dates, its description, the processors it cites, ...) and of Sphinx's
  (math, index entries). Not the notice's labels, objects or citations: a
  version names nothing (:class:`.VersionLabels`); nor its problems, which
  are reported once, for the notice.

The page is byte for byte what reading the text as its own document wrote
(``tests/test_current_page.py`` builds both ways and compares). Superseded
and upcoming versions, whose text is not the notice's, are read as
documents of their own. A dated document whose notice is not read in a build
is left as the last build made it; one that would be read (its file changed,
its versions changed, a warning to repeat) has its notice read instead.
"""

from __future__ import annotations

import copy

from docutils import nodes
from sphinx.application import Sphinx

from policy_sphinx_extensions.build.docdata import DocumentData
from policy_sphinx_extensions.versions import mark_as_version
from policy_sphinx_extensions.versions.project import same_text

# Sphinx's own domains' tables that map a docname to what the document holds.
# Its other tables name labels and objects, which a version does not have.
SPHINX_DOCUMENT_TABLES = (("math", "has_equations"), ("index", "entries"))


class CurrentPages:
    """The dated documents to make from their notice in the build under way."""

    def __init__(self) -> None:
        self.pending: dict[str, str] = {}  # dated docname -> notice

    def read_notices_only(self, app: Sphinx, env, docnames: list[str]) -> None:
        """env-before-read-docs: the notice read, for itself and its dated page."""
        to_read = set(docnames)
        self.pending = {dated: notice for dated, notice in same_text(env).items()
                        if to_read & {dated, notice}}
        docnames[:] = sorted((to_read - self.pending.keys()) | set(self.pending.values()))

    def make_from_notices(self, app: Sphinx, env) -> list[str]:
        """env-updated: each dated document made from its notice, then written."""
        pending, self.pending = self.pending, {}
        for dated, notice in sorted(pending.items()):
            app.events.emit("env-purge-doc", env, dated)
            env.clear_doc(dated)
            _save_doctree(app, env, notice, dated)
            _collect(env, notice, dated)
        return sorted(pending)


def _save_doctree(app: Sphinx, env, notice: str, dated: str) -> None:
    doctree = env.get_doctree(notice)
    for node in doctree.findall(nodes.Element):
        if node.get("refdoc") == notice:
            node["refdoc"] = dated
    app.builder.write_doctree(dated, doctree)


def _collect(env, notice: str, dated: str) -> None:
    env.all_docs[dated] = env.all_docs[notice]
    env.dependencies[dated] = set(env.dependencies.get(notice, ()))
    env.metadata[dated] = copy.deepcopy(env.metadata[notice])
    mark_as_version(env.metadata[dated])
    env.titles[dated] = env.titles[notice].deepcopy()
    env.longtitles[dated] = env.longtitles[notice].deepcopy()
    toc = env.tocs[notice].deepcopy()
    for reference in toc.findall(nodes.reference):
        if reference.get("refuri") == notice:
            reference["refuri"] = dated
    env.tocs[dated] = toc
    env.toc_num_entries[dated] = env.toc_num_entries[notice]
    for files in (env.images, env.dlfiles):
        for filename, (docnames, _unique) in list(files.items()):
            if notice in docnames:
                files.add_file(dated, filename)
    tables = [(domain.data, key) for domain in env.domains.sorted()
              if isinstance(domain, DocumentData)
              for key in domain.data if key not in ("version", "errors")]
    tables += [(env.domains[name].data, key) for name, key in SPHINX_DOCUMENT_TABLES
               if name in env.domains]
    for data, key in tables:
        if notice in data[key]:
            data[key][dated] = copy.deepcopy(data[key][notice])


def setup(app: Sphinx) -> dict:
    pages = CurrentPages()
    app.connect("env-before-read-docs", pages.read_notices_only)
    # Before the handlers that compare what the documents read hold
    # (build/dependents.py) or ask which pages to write again (the PDFs).
    app.connect("env-updated", pages.make_from_notices, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
