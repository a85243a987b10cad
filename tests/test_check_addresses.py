"""The stable-addresses check between two revisions (tools/check_addresses.py)."""

from __future__ import annotations

import pytest

from policy_sphinx_extensions import yamldata
from tools import check_addresses
from tools.check_addresses import Page
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER

NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

Text.

## 1. What we collect

Names.

## 2. Sharing

None.
"""
RENAMED = NOTICE.replace("## 2. Sharing", "## 2. Sharing with others")
MOVED_NAVIGATION = """\
live_site: https://policies.python.org/
nav:
  - title: Example Notice
    path: example/Moved
"""
REMOVED_SHARING = """\
removed:
  - page: example/Notice
    id: sharing
    reason: The heading now says who we share with.
  - page: /example/Notice/
    id: "#2-sharing"
    reason: The heading now says who we share with.
"""


def run(git_project, base: str, capsys) -> tuple[int, str, str]:
    status = check_addresses.main(["--repo", str(git_project.root), "--base", base])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def base(git_project) -> str:
    return git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": NOTICE}, "First")


def test_unchanged_addresses_pass(git_project, base, capsys):
    git_project.commit({"example/Notice.md": NOTICE.replace("Names.", "Full names.")})
    status, out, err = run(git_project, base, capsys)
    assert status == 0, err
    assert "Every address still holds." in out


def test_renamed_heading_fails(git_project, base, capsys):
    git_project.commit({"example/Notice.md": RENAMED}, "Rename a heading")
    status, _, err = run(git_project, base, capsys)
    assert status == 1
    # Sphinx's id and the GitHub-style id of the old heading, nothing else.
    assert [line.split(" is gone")[0] for line in err.splitlines() if " is gone" in line] == [
        "error: /example/Notice/#2-sharing",
        "error: /example/Notice/#sharing",
    ]
    assert "source/_data/removed-ids.yaml" in err


def test_renamed_heading_with_removed_ids_entry_passes(git_project, base, capsys):
    git_project.commit(
        {"example/Notice.md": RENAMED, "_data/removed-ids.yaml": REMOVED_SHARING},
        "Rename a heading, on purpose",
    )
    status, _, err = run(git_project, base, capsys)
    assert status == 0, err


def test_moved_page_fails(git_project, base, capsys):
    git_project.commit(
        {"example/Notice.md": None, "example/Moved.md": NOTICE,
         "_data/navigation.yaml": MOVED_NAVIGATION},
        "Move the notice",
    )
    status, _, err = run(git_project, base, capsys)
    assert status == 1
    assert "error: page /example/Notice/ is gone: keep it, or redirect it" in err


def test_moved_page_with_redirect_passes(git_project, base, capsys):
    conf = git_project.root / "conf.py"
    conf.write_text(conf.read_text() + '\nredirects = {"example/Notice": "../Moved/"}\n')
    git_project.commit(
        {"example/Notice.md": None, "example/Moved.md": NOTICE,
         "_data/navigation.yaml": MOVED_NAVIGATION},
        "Move the notice, redirected",
    )
    status, _, err = run(git_project, base, capsys)
    assert status == 0, err


def test_removed_id_without_reason_is_an_error_naming_the_line(git_project, base, capsys):
    git_project.commit(
        {"example/Notice.md": RENAMED,
         "_data/removed-ids.yaml": "removed:\n  - page: example/Notice\n    id: sharing\n"},
    )
    status, _, err = run(git_project, base, capsys)
    assert status == 2
    assert "source/_data/removed-ids.yaml:2: 'reason' must be a non-empty text" in err


def test_bad_revision_is_a_clear_error(git_project, base, capsys):
    status, _, err = run(git_project, "v9.9", capsys)
    assert status == 2
    assert "'v9.9' is not a commit" in err


# The comparison itself, on pages already read: no build needed.

def test_redirect_page_is_read_as_a_redirect():
    # sphinx-reredirects' own page: the meta refresh sits in <noscript>.
    page = check_addresses.read_page(
        '<html><head><noscript><meta http-equiv="refresh" content="0; url=../Moved/" />'
        "</noscript></head></html>",
        "example/Notice/",
    )
    assert page.redirect == "https://site.invalid/example/Moved/"


def test_redirect_to_a_missing_page_fails_and_ids_follow_the_redirect():
    base = {"old/": Page(frozenset({"a", "b"}))}
    to_missing = {"old/": Page(frozenset(), "https://site.invalid/nowhere/")}
    assert check_addresses.check(base, to_missing, {}) == [
        "page /old/ redirects to /nowhere/, which does not exist"
    ]
    to_page_without_b = {
        "old/": Page(frozenset(), "https://site.invalid/new/"),
        "new/": Page(frozenset({"a"})),
    }
    problems = check_addresses.check(base, to_page_without_b, {})
    assert len(problems) == 1 and problems[0].startswith("/old/#b is gone (redirected to /new/)")
    off_site = {"old/": Page(frozenset(), "https://elsewhere.example/")}
    assert check_addresses.check(base, off_site, {}) == []


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("ids: []\n", 1, "expected one field, 'removed'"),
        ("removed:\n  - page: a\n    id: ''\n    reason: r\n", 3, "'id' must be a non-empty"),
        ("removed:\n  - page: a\n    id: x\n    reason: r\n    by: me\n", 5, "unknown field 'by'"),
        ("removed: yes\n", 1, "'removed' must be a list"),
    ],
    ids=["wrong-top-field", "empty-id", "unknown-field", "not-a-list"],
)
def test_bad_removed_ids_file(text, line, message):
    with pytest.raises(yamldata.DataError) as error:
        check_addresses.load_removed_ids(text, "removed-ids.yaml")
    assert (error.value.line, error.value.message[: len(message)]) == (line, message)


def test_good_removed_ids_file():
    assert check_addresses.load_removed_ids(REMOVED_SHARING, "removed-ids.yaml") == {
        "example/Notice/": {
            "sharing": "The heading now says who we share with.",
            "2-sharing": "The heading now says who we share with.",
        }
    }


def test_project_removed_ids_file_is_valid():
    path = check_addresses.REMOVED_IDS_FILE
    from conftest import ROOT

    check_addresses.load_removed_ids((ROOT / path).read_text(encoding="utf-8"), path)
