"""Each page's head: its language, its description, its privacy-policy link."""

from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup
from conftest import NOTICE_FRONT_MATTER

from tools.site_browser import page_paths

NOTICE = "python.org/Privacy-Notice/"

NOTICE_SOURCE = (
    NOTICE_FRONT_MATTER.replace("---\n", "---\ndescription: An example notice for the tests.\n", 1)
    + "\n# Example Notice\n\nText.\n"
)
SITE_MAP_INDEX = """\
---
description: The home page of the tests.
---

# Home

```{site-map}
```
"""


# The page head, and the navigation the home page's site map needs.
EXTENSIONS = ["policy_sphinx_extensions.site.page_head", "policy_sphinx_extensions.navigation"]


def head_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_every_page_has_language_description_and_privacy_link(site):
    paths = page_paths(site.outdir)
    assert {"", NOTICE, "search/", "404/"} <= set(paths)
    missing = []
    for path in paths:
        soup = head_of((site.outdir / path / "index.html").read_text(encoding="utf-8")
                       if not path.endswith(".html") else
                       (site.outdir / path).read_text(encoding="utf-8"))
        assert soup.html["lang"] == "en", path
        descriptions = soup.select('head meta[name="description"]')
        if len(descriptions) != 1 or not descriptions[0]["content"].strip():
            missing.append(f"/{path}: add a 'description' to its front matter (or, for a "
                           "generated page, to policy_generated_page_descriptions)")
        links = soup.select('head link[rel="privacy-policy"]')
        assert len(links) == 1, path
        page_url = "https://policies.python.org/" + path
        assert urljoin(page_url, links[0]["href"]) == "https://policies.python.org/" + NOTICE
    assert missing == []


def test_description_comes_from_the_front_matter(site):
    soup = head_of(site.page(NOTICE))
    assert soup.select_one('meta[name="description"]')["content"] == (
        "What personal information the Python Software Foundation collects from "
        "python.org users, when and how it is shared, and why."
    )


def test_empty_description_fails_naming_its_line(project):
    build = project({"index.md": "---\ntitle: Home\ndescription: ''\n---\n\n# Home\n"}, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "index.md:3: ERROR: 'description' must be a non-empty sentence" in build.output


def test_description_that_is_not_a_sentence_fails_naming_its_line(project):
    build = project({"index.md": "---\ndescription:\n  - a list\n---\n\n# Home\n"}, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "index.md:2: ERROR: 'description' must be a non-empty sentence" in build.output


def test_page_with_description_gets_the_tag(project):
    build = project({"index.md": "---\ndescription: The home page.\n---\n\n# Home\n"}, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    soup = head_of(build.page(""))
    assert soup.select_one('meta[name="description"]')["content"] == "The home page."


def test_page_without_description_builds_without_the_tag(project):
    # Earlier revisions and tiny projects build; the real site's pages are
    # required to have one by the first test above.
    build = project({"index.md": "# Home\n"}, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert head_of(build.page("")).select_one('meta[name="description"]') is None


def test_privacy_link_points_to_the_notice_built_here(project):
    build = project(
        {"index.md": SITE_MAP_INDEX, "example/Notice.md": NOTICE_SOURCE},
        "dirhtml",
        "-D",
        "policy_privacy_notice=example/Notice",
        extensions=EXTENSIONS,
    )
    assert build.returncode == 0, build.output
    assert head_of(build.page("")).select_one('link[rel="privacy-policy"]')["href"] == (
        "example/Notice/"
    )


def test_no_privacy_link_when_the_notice_is_not_built_here(project):
    build = project({"index.md": SITE_MAP_INDEX}, "dirhtml", "-D",
                    "policy_privacy_notice=example/Notice", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert head_of(build.page("")).select_one('link[rel="privacy-policy"]') is None


def test_privacy_notice_path_with_slashes_is_refused(project):
    build = project({"index.md": SITE_MAP_INDEX}, "dirhtml", "-D",
                    "policy_privacy_notice=/example/Notice/", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "policy_privacy_notice must be a page path" in build.output
