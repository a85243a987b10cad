"""The change history rules of the dates extension: each bad history fails the
build naming the file and line; a good one is shown on the page."""

from __future__ import annotations

import os

import pytest
from conftest import Build, HOME_PAGE, sphinx_build, write_project

BODY = "\n# Example Notice\n\nText.\n"


def notice(front: str) -> dict[str, str]:
    return {"index.md": HOME_PAGE, "example/Notice.md": f"---\n{front}---\n{BODY}"}


GOOD = """\
date: 2025-03-01
changes:
  - date: 2025-06-01
    kind: editorial
    summary: Fixed a typo.
  - date: 2025-03-01
    kind: material
    summary: Added a section on cookies.
  - date: 2024-10-04
    kind: material
    summary: First version.
"""


def test_good_history_shows_date_and_every_change(project):
    build = project(notice(GOOD))
    assert build.returncode == 0, build.output
    page = build.page("example/Notice")
    # The editorial fix of June 1 does not move the date.
    assert "Last updated <strong>March 1, 2025</strong>" in page
    assert page.index('id="change-2025-06-01"') < page.index('id="change-2025-03-01"')
    assert page.index('id="change-2025-03-01"') < page.index('id="change-2024-10-04"')
    assert "(editorial): Fixed a typo." in page


BAD_HISTORIES = {
    # A material change was added but the date still shows the old one.
    "material-without-new-date": (
        GOOD.replace("2025-06-01\n    kind: editorial", "2025-06-01\n    kind: material"),
        1, "'date' is 2025-03-01 but the latest material change is dated 2025-06-01"),
    # An editorial fix moved the date.
    "editorial-moves-date": (
        GOOD.replace("date: 2025-03-01\nchanges", "date: 2025-06-01\nchanges"),
        1, "'date' is 2025-06-01 but the latest material change is dated 2025-03-01"),
    # Oldest first instead of newest first.
    "unordered": (
        "date: 2025-03-01\nchanges:\n"
        "  - date: 2024-10-04\n    kind: material\n    summary: First version.\n"
        "  - date: 2025-03-01\n    kind: material\n    summary: Cookies.\n",
        6, "changes must be listed newest first"),
    "invalid-change-date": (GOOD.replace("2025-06-01", "2025-06-31"), 3,
                            "invalid date '2025-06-31'"),
    "change-without-date": (GOOD.replace("  - date: 2025-06-01\n", "  - summary2: x\n"), 3,
                            "unknown field"),
    "unknown-kind": (GOOD.replace("kind: editorial", "kind: cosmetic"), 4,
                     "'kind' must be one of"),
    "empty-summary": (GOOD.replace("summary: Fixed a typo.", "summary: ''"), 5,
                      "a change needs a 'summary'"),
    "unknown-field": (GOOD.replace("summary: Fixed a typo.", "summary: Fixed.\n    reason: typo"),
                      6, "unknown field 'reason' in a change"),
    "no-material": (
        "date: 2024-10-04\nchanges:\n"
        "  - date: 2024-10-04\n    kind: editorial\n    summary: Typo.\n",
        2, "'changes' has no material entry"),
}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> Build:
    """One project holding every bad notice: each must be reported on its own."""
    files = {"index.md": HOME_PAGE}
    for name, (front, _, _) in BAD_HISTORIES.items():
        files[f"bad/{name}.md"] = f"---\n{front}---\n{BODY}"
    root = tmp_path_factory.mktemp("bad-histories")
    return sphinx_build(write_project(root / "source", files), root / "out")


@pytest.mark.parametrize("name", BAD_HISTORIES)
def test_bad_history_fails_naming_file_and_line(bad_build, name):
    _, line, message = BAD_HISTORIES[name]
    assert bad_build.returncode != 0
    # Front matter starts on line 2 of the file.
    reported = [text for text in bad_build.output.splitlines()
                if f"bad/{name}.md:{line + 1}: ERROR: " in text]
    assert reported, bad_build.output
    assert message in reported[0], reported


def test_same_day_changes_get_distinct_stable_ids(project):
    front = (
        "date: 2024-10-04\nchanges:\n"
        "  - date: 2024-10-04\n    kind: editorial\n    summary: Second fix.\n"
        "  - date: 2024-10-04\n    kind: material\n    summary: First version.\n"
    )
    build = project(notice(front))
    assert build.returncode == 0, build.output
    page = build.page("example/Notice")
    # The oldest keeps the plain id, so adding a change never renames one.
    assert page.index('id="change-2024-10-04-2"') < page.index('id="change-2024-10-04"')


def test_front_matter_is_read_anew_when_the_file_changes(tmp_path):
    from policy_sphinx_extensions import yamldata

    path = tmp_path / "Notice.md"
    path.write_text("---\ndate: 2025-01-10\n---\n\n# Notice\n", encoding="utf-8")
    assert str(yamldata.front_matter(path)["date"]) == "2025-01-10"
    # Same size, new content: parsed once per version of the file, not once per path.
    first = path.stat().st_mtime_ns
    path.write_text("---\ndate: 2025-02-10\n---\n\n# Notice\n", encoding="utf-8")
    os.utime(path, ns=(first + 10**9, first + 10**9))  # a save a second later
    assert str(yamldata.front_matter(path)["date"]) == "2025-02-10"
    assert yamldata.front_matter(path).line_of("date") == 2
