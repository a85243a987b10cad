"""The sidebar, rendered once per build: current-page marks, and pages kept in
step with the navigation file on incremental builds."""

from __future__ import annotations

import re

from conftest import sphinx_build, write_project

NOTICE = """\
---
date: 2024-10-04
changes:
  - date: 2024-10-04
    kind: material
    summary: First version.
---

# {title}

Text of the notice.
"""

NAVIGATION = """\
live_site: https://policies.python.org/
nav:
  - title: Example
    children:
      - title: {first}
        path: example/First
      - title: Second Notice
        path: example/Second
  - title: Elsewhere
    path: elsewhere/Page
"""

INDEX = """\
# Home

```{site-map}
```
"""


def sidebar(page: str) -> str:
    return re.search(r'<div class="sidebar-tree">(.*?)</div>', page, re.S).group(1)


def test_current_page_and_its_group_are_marked(site):
    tree = sidebar(site.page("python.org/Privacy-Notice"))
    assert tree.count('aria-current="page"') == 1
    assert re.search(
        r'<li class="toctree-l2 current current-page"><a class="reference internal current" '
        r'aria-current="page" href="">Privacy Notice</a></li>',
        tree,
    )
    # Its group is open and marked; the other groups are closed.
    assert re.search(r'<li class="toctree-l1 has-children current">'
                     r'<span class="reference nav-group">python.org</span>', tree)
    assert len(re.findall(r"aria-label=\"Toggle navigation of [^\"]*\" checked>", tree)) == 1
    assert 'aria-label="Toggle navigation of python.org" checked>' in tree


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
        "index.md": INDEX,
        "example/First.md": NOTICE.format(title="First Notice"),
        "example/Second.md": NOTICE.format(title="Second Notice"),
    })
    write("First Notice")
    first = sphinx_build(tmp_path / "source", tmp_path / "out")
    assert first.returncode == 0, first.output
    assert "First Notice</a>" in sidebar(first.page("example/Second"))

    write("Renamed Notice")
    second = sphinx_build(tmp_path / "source", tmp_path / "out")
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
        "index.md": INDEX,
        "_data/navigation.yaml": NAVIGATION.format(first="First Notice"),
        "example/First.md": NOTICE.format(title="First Notice"),
        "example/Second.md": NOTICE.format(title="Second Notice"),
    })
    assert sphinx_build(tmp_path / "source", tmp_path / "out").returncode == 0
    again = sphinx_build(tmp_path / "source", tmp_path / "out")
    assert again.returncode == 0, again.output
    assert "0 added, 0 changed, 0 removed" in again.output
    assert "no targets are out of date" in again.output
