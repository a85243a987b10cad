"""The sidebar: links relative to each page, and every page kept in step with the
navigation file, and with the pages there are, on incremental builds."""

from __future__ import annotations

import re

from conftest import HOME_PAGE, Build, navigation, notice, sphinx_build, write_project


NAVIGATION = navigation(("Example", [("{first}", "example/First"), ("Second Notice", "example/Second")]),
                        ("Elsewhere", "elsewhere/Page"))


def build(tmp_path) -> Build:
    """Build the project under *tmp_path* with the navigation (and its sidebar) alone."""
    return sphinx_build(tmp_path / "source", tmp_path / "out",
                        extensions=["policy_sphinx_extensions.navigation"])


def sidebar(page: str) -> str:
    return re.search(r'<div class="sidebar-tree">(.*?)</div>', page, re.S).group(1)


def test_home_page_marks_nothing_and_links_relatively(site):
    tree = sidebar(site.page(""))
    assert not re.search(r'class="[^"]*\bcurrent\b', tree)
    assert "aria-current" not in tree
    assert "checked" not in tree
    assert 'href="python.org/Privacy-Notice/">Privacy Notice</a>' in tree


def test_every_page_follows_an_edited_navigation_without_a_full_build(tmp_path):
    def write(first_title: str) -> None:
        write_project(tmp_path / "source", {
            "_data/navigation.yaml": NAVIGATION.format(first=first_title),
        })

    write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "example/First.md": notice(title="First Notice"),
        "example/Second.md": notice(title="Second Notice"),
    })
    write("First Notice")
    first = build(tmp_path)
    assert first.returncode == 0, first.output
    assert "First Notice</a>" in sidebar(first.page("example/Second"))

    write("Renamed Notice")
    second = build(tmp_path)
    assert second.returncode == 0, second.output
    # Only the home page (its site map) is read again ...
    assert "0 added, 1 changed, 0 removed" in second.output
    # ... but every page is rewritten with the new sidebar.
    for page in ("", "example/First", "example/Second"):
        tree = sidebar(second.page(page))
        assert "Renamed Notice</a>" in tree
        assert "First Notice</a>" not in tree


def test_unchanged_navigation_rewrites_nothing(tmp_path):
    write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "_data/navigation.yaml": NAVIGATION.format(first="First Notice"),
        "example/First.md": notice(title="First Notice"),
        "example/Second.md": notice(title="Second Notice"),
    })
    assert build(tmp_path).returncode == 0
    again = build(tmp_path)
    assert again.returncode == 0, again.output
    assert "0 added, 0 changed, 0 removed" in again.output
    assert "no targets are out of date" in again.output


def test_a_page_added_turns_its_link_into_a_page_on_every_page(tmp_path):
    write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "_data/navigation.yaml": NAVIGATION.format(first="First Notice"),
        "example/First.md": notice(title="First Notice"),
    })
    assert build(tmp_path).returncode == 0
    assert "https://policies.python.org/example/Second/" in sidebar(
        (tmp_path / "out" / "example" / "First" / "index.html").read_text(encoding="utf-8"))

    write_project(tmp_path / "source", {
        "_data/navigation.yaml": NAVIGATION.format(first="First Notice"),
        "example/Second.md": notice(title="Second Notice"),
    })
    again = build(tmp_path)
    assert again.returncode == 0, again.output
    for page in ("", "example/First", "example/Second"):
        tree = sidebar(again.page(page))
        assert "https://policies.python.org/example/Second/" not in tree, page
        assert "Second/" in tree or 'aria-current="page" href="#">Second Notice' in tree, page
