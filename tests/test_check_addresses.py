"""The stable-addresses check between two revisions (tools/check_addresses.py)."""

from __future__ import annotations

import contextlib
import io

import pytest
from bs4 import BeautifulSoup
from conftest import (
    HOME_PAGE,
    NOTICE_FRONT_MATTER,
    GitProject,
    navigation,
    notice,
    sphinx_in_process,
)

from policy_core import yamldata
from tools import check_addresses
from tools.check_addresses import Page
from tools.revisions import export

NOTICE = notice(changes=[("2024-10-04", "material", "Second version."),
                         ("2024-01-15", "material", "First version.")], body="""\
Text.

## 1. What we collect

Names.

## 2. Sharing

None.

### 2.1 Partners

None either.

#### 2.1.1 Cookies

No cookies.
""")
OTHER = notice("Other text.\n", title="Other Notice")
NAVIGATION = navigation(("Example Notice", "example/Notice"), ("Other Notice", "example/{other}"))
# An H2 and an H4 renamed (an editorial change, with its entry), the oldest
# change-history entry dropped.
RENAMED = (
    NOTICE.replace("## 2. Sharing", "## 2. Sharing with others")
    .replace("#### 2.1.1 Cookies", "#### 2.1.1 Cookies and storage")
    .replace("  - date: 2024-01-15\n    kind: material\n    summary: First version.\n", "")
    .replace("changes:\n", "changes:\n  - date: 2024-11-01\n    kind: editorial\n"
             "    summary: Headings say more.\n", 1)
)
# The same, each old id kept the way the error message says.
KEPT = (
    RENAMED.replace("## 2. Sharing with others", "(sharing)=\n(2-sharing)=\n## 2. Sharing with others")
    .replace("#### 2.1.1 Cookies and storage",
             "(cookies)=\n(211-cookies)=\n#### 2.1.1 Cookies and storage")
)
REMOVED_CHANGE = """\
removed:
  - page: example/Notice
    id: change-2024-01-15
    reason: The first version's entry was a mistake.
  - page: example/Notice/2024-10-04
    id: change-2024-01-15
    reason: The first version's entry was a mistake.
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


@pytest.fixture(autouse=True)
def builds_in_process():
    """Each revision's build, in this process (conftest.sphinx_in_process), but for the
    `broken` fixture's, whose builds are processes as in `make check-addresses`."""
    with sphinx_in_process():
        yield


def run(repo, base: str, head: str, capsys) -> tuple[int, str, str]:
    status = check_addresses.main(["--repo", str(repo.root), "--base", base, "--head", head])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitProject:
    """Two notices at a base commit, and the changes the tests check against it (tags)."""
    repo = GitProject(tmp_path_factory.mktemp("addresses") / "repo", with_configuration=True)
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": NOTICE,
                 "example/Other.md": OTHER, "_data/navigation.yaml": NAVIGATION.format(other="Other")},
                "First")
    repo.git("tag", "base")
    moved = {"example/Other.md": None, "example/Moved.md": OTHER,
             "_data/navigation.yaml": NAVIGATION.format(other="Moved")}
    repo.commit({"example/Notice.md": RENAMED, **moved}, "Rename headings, move a page")
    repo.git("tag", "broken")
    conf = repo.root / "conf.py"
    # The moved notice's version (policy_sphinx_extensions/versions/) moves with it.
    conf.write_text(conf.read_text() + '\nredirects = {"example/Other": "../Moved/", '
                    '"example/Other/2024-10-04": "../../Moved/2024-10-04/"}\n')
    repo.commit({"example/Notice.md": KEPT, "_data/removed-ids.yaml": REMOVED_CHANGE},
                "Keep the old ids, redirect the moved page")
    repo.git("tag", "kept")
    repo.commit({"_data/removed-ids.yaml": "removed:\n  - page: example/Notice\n    id: sharing\n"},
                "A removed id without a reason")
    repo.git("tag", "no-reason")
    (repo.root / "source/_data/removed-ids.yaml").write_bytes(
        "removed:\n  - page: example/Notice\n    id: sharing\n    reason: Caf\u00e9.\n"
        .encode("latin-1"))
    repo.commit({}, "The removed ids saved as Latin-1")
    repo.git("tag", "latin-1")
    return repo


@pytest.fixture(scope="module")
def broken(repo):
    """The check of the renamed headings and the moved page, without what keeps them."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = check_addresses.main(
            ["--repo", str(repo.root), "--base", "base", "--head", "broken"]
        )
    return status, out.getvalue(), err.getvalue()


def test_renamed_headings_and_dropped_history_entry_fail_naming_the_fix(broken, repo):
    """One error per renamed heading, at the file and line where its labels go,
    naming both addresses of the notice (its own and its current version's)."""
    status, _, err = broken
    assert status == 1, err
    errors = err.split("error: ")[1:]
    # Two renamed headings, one dropped entry, and the moved page at its two addresses.
    assert len(errors) == 5, err
    assert errors[-1].endswith("5 error(s): each says what to change.\n")
    renamed = [error for error in errors if "the heading" in error]
    # The line of each new heading in the notice as the checked revision has it.
    lines = repo.git("show", "broken:source/example/Notice.md").splitlines()
    line = {text: lines.index(f"{marks} {text}") + 1 for marks, text in
            [("##", "2. Sharing with others"), ("####", "2.1.1 Cookies and storage")]}
    assert renamed[0] == (
        f'source/example/Notice.md:{line["2. Sharing with others"]}: the heading "2. Sharing"'
        ' is now "2. Sharing with others": its addresses #2-sharing, #sharing on'
        " /example/Notice/ and /example/Notice/2024-10-04/ would break. Keep them with these"
        f' lines right above that heading, at line {line["2. Sharing with others"]}:\n'
        "    (2-sharing)=\n"
        "    (sharing)=\n"
        "  (or, if they must go, list each with a reason in source/_data/removed-ids.yaml)\n"
    )
    assert renamed[1].startswith(
        f'source/example/Notice.md:{line["2.1.1 Cookies and storage"]}: the heading'
        ' "2.1.1 Cookies" is now "2.1.1 Cookies and storage": its addresses #211-cookies,'
        " #cookies on /example/Notice/ and /example/Notice/2024-10-04/ would break.")
    assert "    (211-cookies)=\n    (cookies)=\n" in renamed[1]
    (entry,) = [error for error in errors if "change-2024-01-15" in error]
    assert entry.startswith(
        "source/example/Notice.md: /example/Notice/#change-2024-01-15 and "
        "/example/Notice/2024-10-04/#change-2024-01-15 are gone: it was the id of the "
        "change-history entry of January 15, 2024, made from the entry's date in the front "
        "matter: keep the entry and its date (or, if it must go, list it "
    )
    assert "page /example/Other/ is gone: keep it, or redirect it" in err
    assert "page /example/Other/2024-10-04/ is gone: keep it, or redirect it" in err


def test_old_ids_kept_with_labels_and_a_redirect_pass(repo, capsys):
    status, out, err = run(repo, "base", "kept", capsys)
    assert status == 0, err
    assert "Every address still holds." in out


def test_removed_id_without_reason_is_an_error_naming_the_line(repo, capsys):
    status, _, err = run(repo, "base", "no-reason", capsys)
    assert status == 2
    assert "source/_data/removed-ids.yaml:2: 'reason' must be a non-empty text" in err


def test_removed_ids_not_saved_as_utf8_is_an_error_naming_the_line(repo, capsys):
    status, _, err = run(repo, "base", "latin-1", capsys)
    assert status == 2
    assert f"source/_data/removed-ids.yaml:4: {yamldata.NOT_UTF8}" in err, err


def test_bad_revision_is_a_clear_error(repo, capsys):
    status, _, err = run(repo, "v9.9", "kept", capsys)
    assert status == 2
    assert "'v9.9' is not a revision of the git repository" in err


def heading_ids(soup: BeautifulSoup, title: str) -> set[str]:
    """Every id a heading has: its section's, and the spans docutils writes before it."""
    heading = next(h for h in soup.find_all("h2") if h.get_text().startswith(title))
    section = heading.parent
    return {section["id"], *(span["id"] for span in section.find_all("span", recursive=False))}


def test_labels_keep_their_ids_as_written_and_a_taken_one_fails(project):
    """The labels a heading keeps its old ids with (policy_sphinx_extensions/reading/labels.py)."""
    build = project({
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE_FRONT_MATTER + """
# Example Notice

(information-we-collect)=
(1-information-we-collect)=
## 1. What we collect

(2-sharing)=
## 3. Sharing

See {ref}`2-sharing`.

## Partners

(partners)=
## Other partners
""",
    }, extensions=["policy_sphinx_extensions.reading.labels", "policy_sphinx_extensions.navigation"])
    # The last label's id is the heading "Partners"'s: the build fails there.
    assert build.returncode != 0
    assert "Notice.md:22: WARNING: the label (partners)= cannot have the id 'partners'" in (
        build.output)
    soup = BeautifulSoup(build.page("example/Notice"), "html.parser")
    # Each label's id as written, and the heading's own two ids as without labels.
    assert heading_ids(soup, "1. What we collect") == {
        "information-we-collect", "1-information-we-collect", "what-we-collect",
        "1-what-we-collect",
    }
    # The renumbered heading: Sphinx's id is unchanged, the GitHub-style one kept.
    assert heading_ids(soup, "3. Sharing") == {"2-sharing", "sharing", "3-sharing"}
    assert [a["href"] for a in soup.select("article p a") if a.get_text() == "3. Sharing"] == [
        "#2-sharing"
    ]


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
    assert problems == [
        "/old/#b (redirected to /new/) is gone: keep it with the line (b)= right above what "
        "should carry it (or, if it must go, list it with a reason in "
        "source/_data/removed-ids.yaml)"
    ]
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


def test_a_revision_holding_a_link_is_refused_with_a_message(capsys, tmp_path):
    linked = GitProject(tmp_path / "linked", with_configuration=True)
    linked.commit({"index.md": HOME_PAGE, "example/Notice.md": NOTICE, "example/Other.md": OTHER,
                   "_data/navigation.yaml": NAVIGATION.format(other="Other")}, "First")
    (linked.root / "source/example/Leak.md").symlink_to("/etc/passwd")
    head = linked.commit({}, "A link")
    status, _, err = run(linked, "HEAD~1", head, capsys)
    assert status == 2
    assert err.splitlines() == [
        f"check-addresses: error: {head[:12]}:source/example/Leak.md is a link (to "
        "'/etc/passwd'): a revision is built from plain files only; remove the link in that "
        "revision"]
    # The revision before, beside: no link, exported whole for its build.
    export(linked.root, linked.git("rev-parse", "HEAD~1"), tmp_path / "before")
    assert (tmp_path / "before/source/example/Notice.md").read_text(encoding="utf-8") == NOTICE
