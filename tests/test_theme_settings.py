"""The theme's values are compared with the saved configuration like the rest
(policy_sphinx_extensions/theme_settings.py), and a builder that writes no
HTML is told how to build without the HTML theme."""

from __future__ import annotations

import subprocess
import sys

from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, ROOT, sphinx_build, write_project

import conf

FILES = {"index.md": HOME_PAGE, "example/Notice.md": NOTICE_FRONT_MATTER + "\n# Notice\n\nText.\n"}
NO_PDFS = ("-D", "policy_pdf_publish=0")
CHANGED = "The configuration has changed"


def test_a_rebuild_says_the_configuration_changed_only_without_the_extension(tmp_path):
    srcdir = write_project(tmp_path / "source", FILES)
    without = ("-D", "extensions=" + ",".join(
        name for name in conf.extensions if name != "policy_sphinx_extensions.theme_settings"))
    for name, options in {"with": (), "without": without}.items():
        builds = [sphinx_build(srcdir, tmp_path / name, "dirhtml", *NO_PDFS, *options)
                  for _ in range(2)]
        for build in builds:
            assert build.returncode == 0, build.output
        said = CHANGED in builds[1].output
        # Without it, furo's pygments_dark_style is in the saved configuration
        # only, as the theme loads after Sphinx compares the two.
        assert said == (name == "without"), builds[1].output
        assert CHANGED not in builds[0].output


def test_a_builder_without_html_is_told_to_leave_the_theme(tmp_path):
    srcdir = write_project(tmp_path / "source", FILES)
    refused = sphinx_build(srcdir, tmp_path / "refused", "text", *NO_PDFS)
    assert refused.returncode != 0
    assert ("the 'text' builder writes no HTML pages, but html_theme is 'furo', an HTML theme: "
            "add -D html_theme=basic to the sphinx-build command") in refused.output
    assert not list((tmp_path / "refused").glob("**/*.txt"))

    built = sphinx_build(srcdir, tmp_path / "built", "text", *NO_PDFS, "-D", "html_theme=basic")
    assert built.returncode == 0, built.output
    assert "Text." in (tmp_path / "built" / "example" / "Notice.txt").read_text(encoding="utf-8")


def test_make_runs_a_builder_without_a_target_of_its_own(tmp_path):
    srcdir = write_project(tmp_path / "source", FILES)
    process = subprocess.run(
        ["make", "-C", str(ROOT), "-o", "venv", "text", f"SOURCEDIR={srcdir}",
         f"BUILDDIR={tmp_path / 'build'}", f"SPHINXBUILD={sys.executable} -m sphinx",
         "SPHINXOPTS=-D policy_pdf_publish=0"],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert (tmp_path / "build" / "text" / "example" / "Notice.txt").is_file()
