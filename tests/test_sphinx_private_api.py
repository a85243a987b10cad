"""The private parts of Sphinx the extensions rely on, each named where it is
used with why: these fail as soon as a Sphinx release changes one of them."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.project import Project
from sphinx.util.docutils import docutils_namespace, patch_docutils
from sphinx.util._pathlib import _StrPath

from policy_sphinx_extensions.build.messages import docutils_names
from policy_sphinx_extensions.versions.project import VersionedProject


def test_a_post_transform_reaches_the_builder_through_the_environment(tmp_path):
    # site/feed.py and processors/page.py: env._app.builder, as Sphinx's ReferencesResolver.
    (tmp_path / "index.rst").write_text("Home\n====\n", encoding="utf-8")
    # As sphinx-build does: the nodes and directives it registers are undone after.
    with patch_docutils(tmp_path), docutils_namespace():
        app = Sphinx(tmp_path, None, tmp_path / "out", tmp_path / "doctrees", "dirhtml",
                     status=None, warning=None, freshenv=True)
        assert app.env._app is app
        assert app.env._app.builder is app.builder


def test_project_keeps_each_document_s_file_in_docname_to_path(tmp_path):
    # versions/project.py adds the notices' versions there.
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    project = Project(tmp_path, {".md": "markdown"})
    assert project.discover() == {"a"}
    assert dict(project._docname_to_path) == {"a": Path("a.md")}
    assert isinstance(project.doc2path("a", absolute=False), _StrPath)


def test_a_version_is_read_from_its_own_file(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    version = tmp_path / "kept" / "a-2024-10-04.md"
    monkeypatch.setattr(VersionedProject, "extra", {"a/2024-10-04": version})
    monkeypatch.setattr(VersionedProject, "resolved_as", {"a/2024-10-04": Path("a.md")})
    project = VersionedProject(tmp_path, {".md": "markdown"})
    assert project.discover() == {"a", "a/2024-10-04"}
    assert project.doc2path("a/2024-10-04", absolute=True) == version
    assert project.doc2path("a/2024-10-04", absolute=False) == Path("a.md")
    assert isinstance(project.doc2path("a/2024-10-04", absolute=False), _StrPath)


def test_docutils_keeps_the_roles_and_directives_in_its_registries(tmp_path):
    # build/messages.py lists them to name the closest to a misspelt one: docutils'
    # own (emphasis, image) and those Sphinx registers with docutils (abbr, note).
    (tmp_path / "index.rst").write_text("Home\n====\n", encoding="utf-8")
    with patch_docutils(tmp_path), docutils_namespace():
        Sphinx(tmp_path, None, tmp_path / "out", tmp_path / "doctrees", "dirhtml",
               status=None, warning=None, freshenv=True)
        assert {"emphasis", "abbr"} <= docutils_names("roles")
        assert {"image", "note"} <= docutils_names("directives")
