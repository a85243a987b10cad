"""The notices' versions kept between builds (policy_sphinx_extensions.versions.cache):
the same as read from git, read again only for a new commit or a changed file."""

from __future__ import annotations

import io

import pytest
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, GitProject, notice
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from policy_sphinx_extensions.versions import cache as history_cache
from policy_core import git_history as notice_history


def source_at(date: str, body: str, summary: str = "This version.") -> str:
    """A described notice at its version of *date*, holding *body*."""
    return notice(f"{body}\n", title="A Notice", date=date,
                  changes=[(date, "material", summary)], fields="description: A notice.\n")


@pytest.fixture
def repo(tmp_path) -> GitProject:
    repo = GitProject(tmp_path / "repo")
    repo.commit({"a/One.md": source_at("2024-10-04", "First."),
                 "a/Two.md": source_at("2024-10-04", "Two.")})
    repo.commit({"a/One.md": source_at("2025-06-01", "Second.")})
    return repo


def reads(monkeypatch) -> list[list[str]]:
    """The files each call of the git reader is asked for, by name."""
    calls: list[list[str]] = []
    original = notice_history.material_versions

    def counting(root, files, *args):
        calls.append(sorted(file.name for file in files))
        return original(root, files, *args)

    monkeypatch.setattr(notice_history, "material_versions", counting)
    return calls


def test_kept_until_the_commit_or_a_file_changes(repo, tmp_path, monkeypatch):
    files = [repo.root / "source" / "a" / name for name in ("One.md", "Two.md")]
    doctrees = tmp_path / "doctrees"
    expected = notice_history.material_versions(repo.root, files)
    calls = reads(monkeypatch)

    def versions():
        return history_cache.material_versions(doctrees, repo.root, files)

    first = versions()
    assert [str(v.date) for v in first.versions[files[0]]] == ["2024-10-04", "2025-06-01"]
    assert first == expected
    assert calls == [["One.md", "Two.md"]]
    assert versions() == first  # nothing changed: git is not asked
    assert calls == [["One.md", "Two.md"]]

    # An edit in the working tree: that notice alone is read again.
    files[1].write_text(source_at("2026-01-01", "Two, edited."), encoding="utf-8")
    edited = versions()
    assert calls[-1] == ["Two.md"]
    assert [str(v.date) for v in edited.versions[files[1]]] == ["2024-10-04", "2026-01-01"]
    assert edited.versions[files[0]] == first.versions[files[0]]

    # A new commit: every notice is read again (the edit now has the day it was committed).
    assert edited.versions[files[1]][-1].announced is None
    repo.commit({}, "Commit the edit")
    committed = versions()
    assert calls[-1] == ["One.md", "Two.md"]
    assert committed.versions[files[1]][-1].announced is not None
    assert committed.versions[files[0]] == first.versions[files[0]]

    # A change of the words with no entry: reported by every build, the cache's too.
    files[0].write_text(source_at("2025-06-01", "Second, changed."), encoding="utf-8")
    for _ in range(2):
        broken = versions()
        assert list(broken.problems) == [files[0]], broken.problems
        assert "adds no entry to its" in broken.problems[files[0]].message
        assert broken.versions[files[0]] == []
    assert calls[-1] == ["One.md"]  # the second time, from the cache


def test_a_damaged_cache_is_read_again_and_a_bad_revision_fails(repo, tmp_path, monkeypatch):
    files = [repo.root / "source" / "a" / "One.md"]
    doctrees = tmp_path / "doctrees"
    calls = reads(monkeypatch)
    first = history_cache.material_versions(doctrees, repo.root, files)
    (doctrees / history_cache.CACHE_FILE).write_bytes(b"not a pickle")
    assert history_cache.material_versions(doctrees, repo.root, files) == first
    assert len(calls) == 2
    with pytest.raises(notice_history.HistoryError, match="'no-such-branch' names no commit"):
        history_cache.material_versions(doctrees, repo.root, files, "no-such-branch")


def test_an_application_kept_between_builds_reads_again_only_what_changed(tmp_path):
    # make serve keeps its application: the versions, compared with the last
    # build's once, do not make every notice and version be read again.
    repo = GitProject(tmp_path / "site", with_configuration=True)
    repo.commit({"index.md": HOME_PAGE,
                 "example/Notice.md": NOTICE_FRONT_MATTER + "\n# Example Notice\n\nText.\n"})
    out = tmp_path / "kept"
    read: list[list[str]] = []
    with docutils_namespace():
        app = Sphinx(str(repo.root / "source"), str(repo.root), str(out), str(out / ".doctrees"),
                     "dirhtml", status=io.StringIO(), warning=io.StringIO())
        app.connect("env-before-read-docs", lambda app, env, docnames: read.append(sorted(docnames)))
        app.build()
        # The current version's dated page is made from the notice, not read.
        assert read[0] == ["example/Notice", "index"]
        home = repo.root / "source" / "index.md"
        home.write_text(HOME_PAGE + "\nMore.\n", encoding="utf-8")
        app.build()
    assert read[1] == ["index"]


def test_which_sources_are_notices_is_kept_until_a_file_changes(tmp_path, monkeypatch):
    from policy_core import front_matter

    source = tmp_path / "source"
    source.mkdir()
    sources = {"index": source / "index.md", "a/One": source / "a" / "One.md",
               "a/Guide": source / "a" / "Guide.md"}
    sources["a/One"].parent.mkdir()
    sources["index"].write_text("# Home\n", encoding="utf-8")
    sources["a/One"].write_text(source_at("2024-10-04", "First."), encoding="utf-8")
    sources["a/Guide"].write_text("---\nkind: guide\n---\n\n# A Guide\n", encoding="utf-8")
    asked: list[str] = []
    original = front_matter.source_is_notice

    def counting(path, docname, root_doc="index"):
        asked.append(docname)
        return original(path, docname, root_doc)

    monkeypatch.setattr(front_matter, "source_is_notice", counting)

    def notices() -> list[str]:
        return history_cache.notices_among(tmp_path / "doctrees", sources, "index")

    assert notices() == ["a/One"]
    assert sorted(asked) == ["a/Guide", "a/One", "index"]
    assert notices() == ["a/One"]  # nothing changed: no front matter read
    assert len(asked) == 3
    # A file whose bytes changed is asked again, and only it.
    sources["a/Guide"].write_text(source_at("2024-10-04", "Now a notice."), encoding="utf-8")
    assert notices() == ["a/Guide", "a/One"]
    assert asked[3:] == ["a/Guide"]
    # Another home page is another rule for the same bytes.
    assert history_cache.notices_among(tmp_path / "doctrees", sources, "a/One") == ["a/Guide", "index"]
