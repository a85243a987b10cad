"""Bad input fails the build with a message naming the file (and line)."""

from __future__ import annotations

import pytest
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, navigation, notice

# The pages' kinds and dates, and the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.reading.page_kinds", "policy_sphinx_extensions.navigation"]


def test_good_project_builds(project):
    body = "## 1. First\n\nSee [the first section](#1-first).\n"
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice(body)},
                    extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert "Last updated <strong>October 4, 2024</strong>" in build.page("example/Notice")


@pytest.mark.parametrize(
    "body, message",
    [
        ("See [a section](#no-such-section).\n", "no-such-section"),
        ("See {ref}`no-such-label`.\n", "no-such-label"),
        ("See [another page](missing.md).\n", "missing.md"),
        ("See {doc}`/missing`.\n", "missing"),
        ("```{no-such-directive}\ntext\n```\n", "no-such-directive"),
    ],
    ids=["dangling-fragment", "dangling-ref", "missing-page-link", "missing-doc", "unknown-directive"],
)
def test_bad_reference_or_markup_fails(project, body, message):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n\n" + body)},
                    extensions=EXTENSIONS)
    assert build.returncode != 0
    lines = [line for line in build.output.splitlines() if message in line]
    assert lines, build.output
    assert any("example/Notice.md:" in line for line in lines), build.output


@pytest.mark.parametrize(
    "front, line, message",
    [
        ("---\nchanges: []\n---\n", 2, "has no 'date'"),
        ("", 1, "has no 'date'"),
        (NOTICE_FRONT_MATTER.replace("date: 2024-10-04\nchanges", "date: 2024-13-45\nchanges"), 2,
         "invalid date '2024-13-45'"),
        (NOTICE_FRONT_MATTER.replace("date: 2024-10-04\nchanges", "date: October 4, 2024\nchanges"), 2,
         "must be an ISO date"),
    ],
    ids=["no-date", "no-front-matter", "impossible-date", "not-iso"],
)
def test_notice_without_valid_date_fails(project, front, line, message):
    source = front + "\n# Example Notice\n\nText.\n"
    build = project({"index.md": HOME_PAGE, "example/Notice.md": source}, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert f"example/Notice.md:{line}: ERROR: " in build.output, build.output
    assert message in build.output


def test_date_error_fails_without_warnings_as_errors(tmp_path):
    """A missing date is an error even in a lenient build (no -W)."""
    import subprocess
    import sys

    from conftest import ROOT, sphinx_in_process, write_project

    srcdir = write_project(tmp_path / "src", {"index.md": HOME_PAGE,
                                              "example/Notice.md": "# Example Notice\n\nText.\n"})
    with sphinx_in_process():
        process = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(ROOT), str(srcdir),
             str(tmp_path / "out")], capture_output=True, text=True, check=False)
    assert process.returncode != 0
    assert "has no 'date'" in process.stderr


def test_dangling_site_map_entry_fails(project):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice(),
                     "_data/navigation.yaml": navigation(("Example", "/example/Notice/"))},
                    extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "navigation.yaml:4: ERROR: entry 'Example': 'path' must be a URL path" in build.output
