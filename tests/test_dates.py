"""Page kinds and the change history rules of the dates extension: each bad
front matter fails the build naming the file and line; a good one is shown on
the page."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Build, HOME_PAGE, navigation, notice, sphinx_build, write_project
from sphinx.application import Sphinx
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util.docutils import docutils_namespace, patch_docutils

from policy_core import yamldata
from policy_core.front_matter import read_page, source_is_notice

BODY = "\n# Example Notice\n\nText.\n"

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
SAME_DAY = """\
date: 2024-10-04
changes:
  - date: 2024-10-04
    kind: editorial
    summary: Second fix.
  - date: 2024-10-04
    kind: material
    summary: First version.
"""
NAVIGATION = navigation(*((name, f"example/{name}")
                          for name in ("Notice", "Same-Day", "Guide", "Procedure", "Changes")))
KINDS = {
    "index.md": HOME_PAGE,
    "_data/navigation.yaml": NAVIGATION,
    "example/Notice.md": f"---\n{GOOD}---\n{BODY}\n## Security\n\n### Access\n\n"
                         "#### 1. Account controls\n\nText.\n",
    "example/Same-Day.md": f"---\n{SAME_DAY}---\n\n# Same Day\n\nText.\n",
    "example/Guide.md": "---\nkind: guide\n---\n\n# A Guide\n\nText.\n",
    "example/Procedure.md": (
        "---\nkind: procedure\ndate: 2023-05-02\n---\n\n# A Procedure\n\nText.\n"
    ),
    "example/Changes.md": "---\nkind: site\n---\n\n# Changes\n\n```{change-history}\n```\n",
}


# The pages' kinds and the change history, and the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.site.feed", "policy_sphinx_extensions.navigation"]


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> Build:
    """One project with a page of each kind; the tests below only read it."""
    root = tmp_path_factory.mktemp("kinds")
    build = sphinx_build(write_project(root / "source", KINDS), root / "out",
                         extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    return build


def soup(build: Build, path: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(path), "html.parser")


def test_good_history_shows_date_and_every_change(kinds):
    page = kinds.page("example/Notice")
    # The editorial fix of June 1 does not move the date.
    assert "Last updated <strong>March 1, 2025</strong>" in page
    assert page.index('id="change-2025-06-01"') < page.index('id="change-2025-03-01"')
    assert page.index('id="change-2025-03-01"') < page.index('id="change-2024-10-04"')
    assert "(editorial): Fixed a typo." in page


def test_the_notice_ends_with_its_date_labelled(kinds):
    history = soup(kinds, "example/Notice").find(id="changes-to-this-notice")
    closing = history.find_previous_sibling("p")
    assert closing["class"] == ["notice-date"]
    assert " ".join(closing.get_text().split()) == "Last updated March 1, 2025"


def test_same_day_changes_get_distinct_stable_ids(kinds):
    page = kinds.page("example/Same-Day")
    # The oldest keeps the plain id, so adding a change never renames one.
    assert page.index('id="change-2024-10-04-2"') < page.index('id="change-2024-10-04"')


def test_a_guide_has_no_date_and_no_history(kinds):
    article = soup(kinds, "example/Guide").find("article")
    assert article.select(".last-updated, .notice-date") == []
    assert article.find(id="changes-to-this-notice") is None


def test_a_dated_procedure_shows_its_date_but_has_no_history(kinds):
    article = soup(kinds, "example/Procedure").find("article")
    dates = article.select(".last-updated")
    assert [" ".join(p.get_text().split()) for p in dates] == ["Last updated May 2, 2023"]
    assert article.select(".notice-date") == []
    assert article.find(id="changes-to-this-notice") is None


def test_only_notices_are_in_the_change_history(kinds):
    items = soup(kinds, "example/Changes").select("ul.site-change-history > li a")
    assert {a["href"].split("#")[0] for a in items} == {"../Notice/", "../Same-Day/"}


def test_every_heading_level_gets_the_live_sites_id(kinds):
    # myst_heading_anchors = 6: a fourth-level heading too, as MkDocs published it.
    heading = soup(kinds, "example/Notice").find(id="1-account-controls")
    assert heading is not None and heading.name in ("section", "span", "h4")


def test_other_extensions_ask_the_kind_of_a_page(kinds, tmp_path):
    """is_notice and notice_dates, as the PDF extension calls them."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    from policy_sphinx_extensions.reading.page_kinds import (
        all_notice_dates,
        is_notice,
        notice_dates,
    )

    # In its own docutils namespace, as sphinx-build runs: the roles and
    # directives it registers go with it, and the next build starts clean.
    with docutils_namespace():
        app = Sphinx(
            kinds.outdir.parent / "source", ROOT, tmp_path / "out", tmp_path / "doctrees",
            "dirhtml", confoverrides={"policy_pdf_publish": False}, status=io.StringIO(),
            warning=io.StringIO(), freshenv=True,
        )
        app.build()
    assert [d for d in sorted(app.env.found_docs) if is_notice(app, d)] == [
        "example/Notice", "example/Same-Day"]
    assert notice_dates(app.env, "example/Guide") is None
    assert notice_dates(app.env, "example/Notice").last_updated == "March 1, 2025"
    assert list(all_notice_dates(app.env)) == ["example/Notice", "example/Same-Day"]


# {name: (front matter, line within it, message)}
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")
)
BAD_FRONT_MATTER = {
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
    "no-date": ("changes:\n  - date: 2024-10-04\n    kind: material\n    summary: First.\n",
                1, "the notice has no 'date' in its front matter"),
    "time-of-day": (GOOD.replace("date: 2025-03-01\nchanges", "date: 2025-03-01 10:00\nchanges"),
                    1, "'date' must be an ISO date (YYYY-MM-DD)"),
    "unknown-page-kind": ("kind: leaflet\n" + GOOD, 1,
                          "the page 'kind' must be one of notice, guide, procedure, report, "
                          "letter, site, not 'leaflet'"),
    "change-before-2001": (GOOD.replace("2024-10-04", "1999-10-04"), 9,
                           "'date' 1999-10-04 is before 2001, when the PSF was founded"),
    "guide-before-2001": ("kind: guide\ndate: 2000-12-31\n", 2,
                          "'date' 2000-12-31 is before 2001"),
    "guide-with-changes": ("kind: guide\n" + GOOD, 3,
                           "only a notice has 'changes' (this page's kind is 'guide')"),
    "anchor-and-alias": (GOOD.replace("date: 2025-03-01\nchanges", "date: &d 2025-03-01\nchanges")
                         .replace("  - date: 2025-03-01", "  - date: *d"), 1,
                         "YAML anchors and aliases are not allowed: found an anchor (&d)"),
    "alias-only": (GOOD.replace("summary: First version.", "summary: *first"), 11,
                   "YAML anchors and aliases are not allowed: found an alias (*first)"),
    # Nine levels of nine aliases: 9**9 strings if anything expanded them.
    "billion-laughs": (BILLION_LAUGHS + GOOD, 1,
                       "YAML anchors and aliases are not allowed: found an anchor (&a)"),
}


# A rebuild after a failed build fails again (build/incremental.py).
REBUILT_AFTER_FAILING = [*EXTENSIONS, "policy_sphinx_extensions.build.incremental"]


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> Build:
    """One project holding every bad page: each must be reported on its own."""
    files = {"index.md": HOME_PAGE}
    for name, (front, _, _) in BAD_FRONT_MATTER.items():
        files[f"bad/{name}.md"] = f"---\n{front}---\n{BODY}"
    root = tmp_path_factory.mktemp("bad-front-matter")
    return sphinx_build(write_project(root / "source", files), root / "out",
                        extensions=REBUILT_AFTER_FAILING)


@pytest.mark.parametrize("name", BAD_FRONT_MATTER)
def test_bad_front_matter_fails_naming_file_and_line(bad_build, name):
    _, line, message = BAD_FRONT_MATTER[name]
    assert bad_build.returncode != 0
    # Front matter starts on line 2 of the file.
    reported = [text for text in bad_build.output.splitlines()
                if f"bad/{name}.md:{line + 1}: ERROR: " in text]
    assert reported, bad_build.output
    assert message in reported[0], reported


def test_nothing_of_refused_front_matter_reaches_the_page(bad_build):
    page = (bad_build.outdir / "bad" / "billion-laughs" / "index.html").read_text("utf-8")
    assert "lol" not in page


def test_a_rebuild_after_a_failed_build_fails_again(bad_build):
    """Errors stay with their documents, which are read again until fixed."""
    again = sphinx_build(bad_build.outdir.parent / "source", bad_build.outdir,
                         extensions=REBUILT_AFTER_FAILING)
    assert again.returncode != 0
    for name, (_, line, _) in BAD_FRONT_MATTER.items():
        assert f"bad/{name}.md:{line + 1}: ERROR: " in again.output, name


def test_tools_read_a_file_as_the_build_does(tmp_path):
    path = tmp_path / "Notice.md"
    path.write_text(f"---\n{GOOD}---\n{BODY}", encoding="utf-8")
    page = read_page(path)
    assert page.kind == "notice" and page.dates.last_updated == "March 1, 2025"
    path.write_text(f"---\n{GOOD.replace('2024-10-04', '1999-10-04')}---\n{BODY}", "utf-8")
    with pytest.raises(yamldata.DataError) as error:
        read_page(path)
    assert (error.value.line, error.value.message) == (
        10, "'date' 1999-10-04 is before 2001, when the PSF was founded")


@pytest.mark.parametrize("text, line, what", [
    ("a: &x 1\nb: *x\n", 1, "an anchor (&x)"),
    ("a: 1\nb: [2, *x]\n", 2, "an alias (*x)"),
    ("a: Q&A *not an alias*\n", None, None),
])
def test_data_files_refuse_anchors_and_aliases(tmp_path, text, line, what):
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    if line is None:
        assert yamldata.load_file(path) == {"a": "Q&A *not an alias*"}
        return
    with pytest.raises(yamldata.DataError) as error:
        yamldata.load_file(path)
    assert error.value.line == line
    assert f"YAML anchors and aliases are not allowed: found {what}" in error.value.message


def test_an_environment_of_other_extension_versions_is_read_afresh(kinds, tmp_path):
    """Each extension declares env_version: a pickled environment written by
    another version of one is dropped, and every document read again."""
    import pickle
    import shutil

    outdir = tmp_path / "out"
    shutil.copytree(kinds.outdir, outdir)
    pickled = outdir / ".doctrees" / "environment.pickle"
    env = pickle.loads(pickled.read_bytes())
    assert env.version["policy_sphinx_extensions.reading.page_kinds"] >= 1
    env.version = {**env.version, "policy_sphinx_extensions.reading.page_kinds": 0}
    pickled.write_bytes(pickle.dumps(env))
    build = sphinx_build(kinds.outdir.parent / "source", outdir, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert "build environment version not current" in build.output
    assert f"targets for {len(KINDS) - 1} source files that are out of date" in build.output


def test_env_version_is_declared_exactly_where_an_extension_keeps_state(tmp_path):
    """A domain, an environment collector or an ``env.policy_*`` attribute is
    state in the pickled environment: its extension declares env_version, and
    an extension that keeps none does not."""
    srcdir = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                 "example/Notice.md": notice()})
    with patch_docutils(ROOT), docutils_namespace():
        app = Sphinx(srcdir, ROOT, tmp_path / "out", tmp_path / "out" / ".doctrees", "dirhtml",
                     status=None, warning=None, freshenv=True)
        app.build()
    ours = sorted((name for name in app.extensions if name.startswith("policy_sphinx_extensions")),
                  key=len, reverse=True)

    def extension_of(module: str) -> str:
        return next(name for name in ours if module == name or module.startswith(f"{name}."))

    modules = {extension_of(cls.__module__) for cls in app.registry.domains.values()
               if cls.__module__.startswith("policy_sphinx_extensions")}
    for listeners in app.events.listeners.values():
        for listener in listeners:
            module = type(getattr(listener.handler, "__self__", None)).__module__
            if (isinstance(getattr(listener.handler, "__self__", None), EnvironmentCollector)
                    and module.startswith("policy_sphinx_extensions")):
                modules.add(extension_of(module))
    attributes = [name for name in vars(app.env) if name.startswith("policy_")]
    assert attributes, "the navigation keeps its data in env.policy_* attributes"
    for path in (ROOT / "policy_sphinx_extensions").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        text = path.read_text(encoding="utf-8")
        if any(f"env.{attribute} =" in text for attribute in attributes):
            modules.add(extension_of(module))
    declared = {name for name in ours if "env_version" in app.extensions[name].metadata}
    assert declared == modules


def test_a_source_is_a_notice_by_its_kind_the_home_page_a_site_page(tmp_path):
    pages = {"a.md": "# A\n", "index.md": "# Home\n", "guide.md": "---\nkind: guide\n---\n# G\n",
             "home.md": "---\nkind: notice\n---\n# H\n", "broken.md": "---\nkind: [\n---\n# B\n"}
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    notices = {name for name in pages
               if source_is_notice(tmp_path / name, name.removesuffix(".md"), root_doc="home")}
    # A front matter that cannot be read is a notice's: its checks name the mistake.
    assert notices == {"a.md", "index.md", "home.md", "broken.md"}
    assert not source_is_notice(tmp_path / "index.md", "index")
