"""Pages load only the styles and scripts they use; furo.css is trimmed safely.

(That the trimmed stylesheet draws every page exactly as the full one does is
checked in a browser, in ``test_browser.py``.)
"""

from __future__ import annotations

import furo
from bs4 import BeautifulSoup

from policy_sphinx_extensions.page_weight import (
    compact_stylesheet,
    selector_can_apply,
    trim_stylesheet,
)

FULL_STYLESHEET = furo.__file__.removesuffix("__init__.py") + "theme/furo/static/styles/furo.css"

PAGE = BeautifulSoup(
    '<body><div class="note"><p>Text <a href="#">link</a></p></div>'
    '<input type="checkbox" id="toggle"><nav class="menu"></nav></body>',
    "html.parser",
)


def stylesheets(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [link["href"].split("?")[0].split("_static/")[1]
            for link in soup.select('link[rel="stylesheet"]')]


def scripts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [script["src"].split("?")[0].split("/")[-1] for script in soup.select("script[src]")]


def test_selector_matching_an_element_applies():
    assert selector_can_apply(".note p a", [PAGE], set())
    assert selector_can_apply("#toggle:checked ~ .menu", [PAGE], set())
    assert selector_can_apply("body:not([data-theme=light]) .note::before", [PAGE], set())


def test_selector_matching_nothing_does_not_apply():
    assert not selector_can_apply(".sig-name", [PAGE], set())
    assert not selector_can_apply("table.docutils td:hover", [PAGE], set())


def test_selector_naming_a_class_a_script_uses_applies():
    # Search results are made by a script: no built page holds them.
    assert selector_can_apply("ul.search li p.context", [PAGE], {"search", "context"})


def test_states_only_selectors_apply():
    assert selector_can_apply(":root", [PAGE], set())
    assert selector_can_apply("::selection", [PAGE], set())


def test_trim_keeps_used_rules_and_drops_the_rest():
    css = (
        ".note{color:red}.sig{color:blue}"
        "@media (max-width:10em){.note{margin:0}.sig{margin:1px}}"
        "@media print{.sig{display:none}}"
        "@font-face{font-family:x;src:url(x.woff2)}"
        ".menu,.unused{padding:0}"
    )
    assert trim_stylesheet(css, [PAGE], set()) == (
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
            "code.md": "# Code\n\n```python\nprint('hello')\n```\n",
        },
        "dirhtml",
        "-D",
        "policy_site_pages=index,code",  # pages, not notices: they need no date
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
