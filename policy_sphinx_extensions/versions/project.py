"""The documents Sphinx reads: the source folder's, and the notices' versions.

A Project that, after finding the documents under the source folder, adds
each version of each notice (and points a notice with an upcoming version at
the text of the version in effect), as :mod:`.versions` sets it up when a
build starts; the versions are documents from then on, before the builder
looks for outdated output. Sphinx's own check of modification times then
rebuilds a version only when its file changed, and writes its page again
when the page is missing from the output.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from sphinx.project import Project
# Private: the type Project.doc2path returns, which Sphinx's callers rely on
# (str and Path at once), and Project._docname_to_path below, the one map from
# a document to its file, which Project offers no public way to add to.
# tests/test_sphinx_private_api.py fails when a Sphinx release changes either.
from sphinx.util._pathlib import _StrPath


class VersionedProject(Project):
    """The source folder's documents, and the notices' versions beside them."""

    # docname -> the absolute path of the file it is read from.
    extra: ClassVar[dict[str, Path]] = {}
    # docname -> the notice's own path under the source folder, for a document
    # read from a file written under the doctree folder: what its relative
    # links and files resolve against (Sphinx's and MyST's relfn2path ask for
    # the relative path), so an earlier version links what the notice links.
    resolved_as: ClassVar[dict[str, Path]] = {}
    # The dated document of a notice's current version -> the notice, when
    # both have the text of the same file (:mod:`.current_page` makes the
    # dated one from the notice's, which alone is read).
    same_text: ClassVar[dict[str, str]] = {}

    def discover(self, exclude_paths=(), include_paths=("**",)) -> set[str]:
        super().discover(exclude_paths, include_paths)
        self.add_extra()
        return self.docnames

    def add_extra(self) -> None:
        """List the documents of :attr:`extra` with those found: once the
        versions are known, before the builder asks which documents' output is
        missing or outdated (a version's page deleted), and again at each
        discovery of the source folder's."""
        # Only docname -> path: a file's document stays the one it has under
        # the source folder (a link to a notice never leads to a version).
        # A file under the source folder is named relative to it, as Sphinx
        # names the files it finds: the name is published (the search index
        # lists each page's file), where the folder the build ran in is not.
        srcdir = Path(self.srcdir).resolve()
        for docname, path in self.extra.items():
            self.docnames.add(docname)
            resolved = path.resolve()
            self._docname_to_path[docname] = (
                resolved.relative_to(srcdir) if resolved.is_relative_to(srcdir) else path)

    def doc2path(self, docname: str, absolute: bool) -> _StrPath:
        if not absolute and docname in self.resolved_as:
            return _StrPath(self.resolved_as[docname])
        return super().doc2path(docname, absolute)


def same_text(env) -> dict[str, str]:
    """The dated document of each notice's current version read from the
    notice's own file -> the notice (empty outside a versioned build)."""
    project = env.project
    return project.same_text if isinstance(project, VersionedProject) else {}
