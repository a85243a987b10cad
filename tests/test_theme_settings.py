"""The theme's values are compared with the saved configuration like the rest
(policy_sphinx_extensions/site/theme_settings.py); builders of other kinds build
as before, and are told not to build into a folder of the site's pages."""

from __future__ import annotations

import pytest
from conftest import HOME_PAGE, notice, sphinx_build, write_project

FILES = {"index.md": HOME_PAGE, "example/Notice.md": notice(title="Notice")}
THEME_SETTINGS = "policy_sphinx_extensions.site.theme_settings"
NAVIGATION = "policy_sphinx_extensions.navigation"
CHANGED = "The configuration has changed"


def test_a_rebuild_says_the_configuration_changed_only_without_the_extension(tmp_path):
    srcdir = write_project(tmp_path / "source", FILES)
    for name, extensions in {"with": [THEME_SETTINGS, NAVIGATION], "without": [NAVIGATION]}.items():
        builds = [sphinx_build(srcdir, tmp_path / name, extensions=extensions) for _ in range(2)]
        for build in builds:
            assert build.returncode == 0, build.output
        said = CHANGED in builds[1].output
        # Without it, furo's pygments_dark_style is in the saved configuration
        # only, as the theme loads after Sphinx compares the two.
        assert said == (name == "without"), builds[1].output
        assert CHANGED not in builds[0].output


@pytest.mark.pdf
def test_other_builders_build_alone_and_not_into_the_pages_folder(tmp_path):
    srcdir = write_project(tmp_path / "source", FILES)
    # The PDF builder, and the navigation every page needs.
    extensions = [THEME_SETTINGS, "policy_sphinx_extensions.pdf", NAVIGATION]
    for builder in ("text", "pdf"):
        alone = sphinx_build(srcdir, tmp_path / builder, builder, extensions=extensions)
        assert alone.returncode == 0, alone.output
        assert not (tmp_path / builder / "_static").exists()

    pages = sphinx_build(srcdir, tmp_path / "html", extensions=extensions)
    assert pages.returncode == 0, pages.output
    refused = sphinx_build(srcdir, tmp_path / "html", "text", extensions=extensions)
    assert refused.returncode != 0
    assert (f"{tmp_path / 'html'} holds the site's HTML pages: build with 'text' into a folder "
            "of its own") in refused.output
    assert not (tmp_path / "html" / "example" / "Notice.txt").exists()
