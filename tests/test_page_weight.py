"""Pages load only the styles and scripts they use; furo.css is trimmed safely.

(That the trimmed stylesheet draws every page exactly as the full one does is
checked in a browser, in ``test_browser.py``.)
"""

from __future__ import annotations

import re

import furo
from bs4 import BeautifulSoup
from conftest import sphinx_build

from policy_sphinx_extensions.page_weight import (
    BuiltPages,
    compact_stylesheet,
    selector_structure,
    stylesheet_selectors,
    trim_stylesheet,
)

FULL_STYLESHEET = furo.__file__.removesuffix("__init__.py") + "theme/furo/static/styles/furo.css"

PAGE = (
    '<html><body><div class="note"><p>Text <a href="#">link</a></p></div>'
    '<input type="checkbox" id="toggle"><nav class="menu"></nav></body></html>'
)


def stylesheets(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [link["href"].split("?")[0].split("_static/")[1]
            for link in soup.select('link[rel="stylesheet"]')]


def scripts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [script["src"].split("?")[0].split("/")[-1] for script in soup.select("script[src]")]


def site_of(tmp_path, pages: dict[str, str]):
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    return tmp_path


def matching(tmp_path, selectors: list[str], pages=None, built=None) -> set[str]:
    """The *selectors* that match some page, as the trimmer decides it."""
    outdir = site_of(tmp_path, pages if pages is not None else {"index.html": PAGE})
    structures = {selector: selector_structure(selector, set()) for selector in selectors}
    found = (built or BuiltPages()).matching(outdir, set(structures.values()))
    return {selector for selector, structure in structures.items() if structure in found}


def test_selector_matching_an_element_applies(tmp_path):
    selectors = [".note p a", "#toggle:checked ~ .menu", "body:not([data-theme=light]) .note::before"]
    assert matching(tmp_path, selectors) == set(selectors)


def test_selector_matching_nothing_does_not_apply(tmp_path):
    # .note and nav both occur, but not one inside the other.
    selectors = [".sig-name", "table.docutils td:hover", ".note nav", "section"]
    assert matching(tmp_path, selectors) == set()


def test_selector_is_matched_against_every_page(tmp_path):
    pages = {"a.html": PAGE, "b.html": '<html><body><table class="docutils"><tr><td>1</td>'
             "</tr></table></body></html>"}
    assert matching(tmp_path, ["table.docutils td", ".note a", ".note td"], pages) == {
        "table.docutils td", ".note a"
    }


def test_verdicts_follow_pages_that_change_appear_and_go(tmp_path):
    built = BuiltPages()
    selectors = [".note a", "table td"]
    assert matching(tmp_path, selectors, {"a.html": PAGE}, built) == {".note a"}
    # The only page with .note loses it; a new page brings a table.
    table = "<html><body><table><tr><td>1</td></tr></table></body></html>"
    assert matching(tmp_path, selectors, {"a.html": "<html><body></body></html>", "b.html": table},
                    built) == {"table td"}
    (tmp_path / "b.html").unlink()
    assert matching(tmp_path, selectors, {"c.html": PAGE}, built) == {".note a"}


def test_selector_naming_a_class_a_script_uses_is_always_kept():
    # Search results are made by a script: no built page holds them.
    assert selector_structure("ul.search li p.context", {"search", "context"}) is None
    assert selector_structure("ul.search li p.context", set()) == "ul.search li p.context"


def test_states_only_selectors_are_always_kept():
    assert selector_structure(":root", set()) is None
    assert selector_structure("::selection", set()) is None
    assert selector_structure("#toggle:checked ~ .menu", set()) == "#toggle ~ .menu"


def test_trim_keeps_used_rules_and_drops_the_rest():
    css = (
        ".note{color:red}.sig{color:blue}"
        "@media (max-width:10em){.note{margin:0}.sig{margin:1px}}"
        "@media print{.sig{display:none}}"
        "@font-face{font-family:x;src:url(x.woff2)}"
        ".menu,.unused{padding:0}"
    )
    assert stylesheet_selectors(css) == {".note", ".sig", ".menu", ".unused"}
    assert trim_stylesheet(css, lambda selector: selector in {".note", ".menu"}) == (
        ".note{color:red}"
        "@media (max-width:10em){.note{margin:0}}"
        "@font-face{font-family:x;src:url(x.woff2)}"
        ".menu,.unused{padding:0}"
    )


def test_real_site_trims_furo_css(site):
    trimmed = (site.outdir / "_static" / "styles" / "furo.css").read_text(encoding="utf-8")
    with open(FULL_STYLESHEET, encoding="utf-8") as full:
        assert len(trimmed) < 0.8 * len(full.read())
    assert ".sidebar-drawer" in trimmed
    assert ".sig-name" not in trimmed


def test_real_pages_load_no_unused_stylesheet(site):
    for path in ("", "python.org/Privacy-Notice/", "search/", "404/"):
        loaded = stylesheets(site.page(path))
        assert {"styles/furo.css", "policies.css"} <= set(loaded), path
        assert not {"pygments.css", "styles/furo-extensions.css"} & set(loaded), path


def test_search_scripts_only_on_the_search_page(site):
    assert scripts(site.page("python.org/Privacy-Notice/")) == ["furo.js"]
    assert {"doctools.js", "documentation_options.js", "sphinx_highlight.js",
            "searchtools.js"} <= set(scripts(site.page("search/")))


def test_code_styles_only_on_pages_with_code(project):
    build = project(
        {
            "index.md": "# Home\n\n```{toctree}\n:hidden:\ncode\n```\n",
            # A page, not a notice: it needs no date.
            "code.md": "---\nkind: site\n---\n\n# Code\n\n```python\nprint('hello')\n```\n",
        },
        "dirhtml",
    )
    assert build.returncode == 0, build.output
    assert "pygments.css" in stylesheets(build.page("code/"))
    assert "pygments.css" not in stylesheets(build.page(""))


def test_compact_stylesheet_drops_comments_and_spare_whitespace():
    css = (
        "/* why */\n.a  .b ,\n.c {\n  width: calc(1px + 2em);\n"
        "  content: \"  two  spaces \";\n}\n@media (max-width: 10em) {\n  .a { margin: 0 1px; }\n}\n"
    )
    assert compact_stylesheet(css) == (
        '.a .b,.c{width:calc(1px + 2em);content:"  two  spaces ";}'
        "@media(max-width:10em){.a {margin:0 1px;}}"
    )


def test_site_stylesheets_are_written_compactly(site):
    policies = (site.outdir / "_static" / "policies.css").read_text(encoding="utf-8")
    assert "/*" not in policies and "\n" not in policies


def pages_read(build) -> int:
    return int(re.search(r"page_weight: (\d+) built pages read", build.output)[1])


def test_the_next_build_reads_only_the_pages_that_changed(project, tmp_path):
    files = {
        "index.md": "# Home\n\n```{toctree}\n:hidden:\nother\n```\n",
        "other.md": "---\nkind: site\n---\n\n# Other\n\nText.\n",
    }
    options = ("dirhtml", "-v")
    first = project(files, *options)
    assert first.returncode == 0, first.output
    trimmed = first.outdir / "_static" / "styles" / "furo.css"
    css = trimmed.read_text(encoding="utf-8")
    every_page = len(list(first.outdir.rglob("*.html")))
    assert pages_read(first) == every_page

    # Nothing changed: only the pages Sphinx writes on every build (search, 404).
    again = sphinx_build(tmp_path / "source", first.outdir, *options)
    assert again.returncode == 0, again.output
    assert pages_read(again) <= 2 < every_page
    assert trimmed.read_text(encoding="utf-8") == css

    # A lost or unreadable record: every page is read again, to the same result.
    (first.outdir / ".doctrees" / "page-weight.pickle").write_bytes(b"not a pickle")
    fresh = sphinx_build(tmp_path / "source", first.outdir, *options)
    assert fresh.returncode == 0, fresh.output
    assert pages_read(fresh) == every_page
    assert trimmed.read_text(encoding="utf-8") == css
