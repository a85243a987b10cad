"""Pages load only the styles and scripts they use; the site's stylesheets are compact."""

from __future__ import annotations

import furo
from bs4 import BeautifulSoup

from policy_sphinx_extensions.site.page_weight import compact_stylesheet

FULL_STYLESHEET = furo.__file__.removesuffix("__init__.py") + "theme/furo/static/styles/furo.css"


def stylesheets(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [link["href"].split("?")[0].split("_static/")[1]
            for link in soup.select('link[rel="stylesheet"]')]


def scripts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [script["src"].split("?")[0].split("/")[-1] for script in soup.select("script[src]")]


def test_real_pages_load_no_unused_stylesheet(site):
    for path in ("", "python.org/Privacy-Notice/", "search/", "404/"):
        loaded = stylesheets(site.page(path))
        assert {"styles/furo.css", "policies.css"} <= set(loaded), path
        assert not {"pygments.css", "styles/furo-extensions.css"} & set(loaded), path


def test_search_scripts_and_styles_only_on_the_search_page(site):
    assert scripts(site.page("python.org/Privacy-Notice/")) == ["furo.js"]
    assert {"doctools.js", "documentation_options.js", "sphinx_highlight.js",
            "searchtools.js"} <= set(scripts(site.page("search/")))
    assert "search.css" in stylesheets(site.page("search/"))
    for path in ("", "python.org/Privacy-Notice/", "404/"):
        assert "search.css" not in stylesheets(site.page(path)), path


def test_code_styles_only_on_pages_with_code(project):
    build = project(
        {
            "index.md": "# Home\n\n```{toctree}\n:hidden:\ncode\n```\n",
            # A page, not a notice: it needs no date.
            "code.md": "---\nkind: site\n---\n\n# Code\n\n```python\nprint('hello')\n```\n",
        },
        extensions=["policy_sphinx_extensions.site.page_weight"],
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


def test_furo_stylesheet_is_served_as_furo_ships_it(site):
    served = (site.outdir / "_static" / "styles" / "furo.css").read_bytes()
    with open(FULL_STYLESHEET, "rb") as shipped:
        assert served == shipped.read()
