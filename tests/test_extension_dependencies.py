"""Each of the site's extensions sets up what it needs (``app.setup_extension``
in its own ``setup()``): named alone, it builds a page. The tests that name
only the extensions they exercise rely on it."""

from __future__ import annotations

import pytest

from conftest import HOME_PAGE, PAGE_READER, TEMPLATES_ONCE, notice, sphinx_build
from policy_sphinx_extensions import EXTENSIONS


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_an_extension_named_alone_builds_a_page(project, extension):
    build = project({"index.md": "# Home\n\nOne page.\n"}, extensions=[extension])
    assert build.returncode == 0, build.output
    named = build.environment().config.extensions
    assert set(named) == {PAGE_READER, extension, TEMPLATES_ONCE}, named
    assert build.doctree("index").astext() == "Home\n\nOne page."


def test_the_versions_without_the_change_history_build_a_notice_s_history(git_project):
    # The change history (site/feed.py) sets the versions up, not the other way round.
    git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": notice()})
    build = sphinx_build(git_project.root / "source", git_project.root / "out",
                         extensions=["policy_sphinx_extensions.versions",
                                     "policy_sphinx_extensions.navigation"])
    assert build.returncode == 0, build.output
    environment = build.environment()
    assert "policy-change-history" not in environment.domaindata
    versions = environment.domaindata["policy-versions"]["versions"]
    assert [version.docname for version in versions["example/Notice"]] == [
        "example/Notice/2024-10-04"]
