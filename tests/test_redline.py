"""The redline between two revisions of a notice (tools/redline.py)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, GitProject, navigation, sphinx_in_process
from sphinx.errors import ConfigError

from policy_core.redline import diff as redline_diff, page as redline_page, text as redline_text
from tools import redline
from tools.revisions import export, read_config

NAVIGATION = navigation(("Example Notice", "example/Notice"), ("Other Notice", "example/Other"))
BASE_NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

This notice says what we collect and who we share it with.

## 1. What we collect

- Full name
- Email address

## 2. Sharing

We share nothing with anyone. We may share your information with the
[partner](https://partner.example/terms/) named in this notice.

## 3. Contact

Write to us at any time.
"""
# Six words and a link target changed, and, as for every material change, a
# new date and an entry in the change history, which are not the notice's text.
EDITED_NOTICE = (
    BASE_NOTICE.replace("partner.example/terms/", "partner.example/terms/v2/")
    .replace("- Email address", "- Email address and phone number")
    .replace("nothing with anyone", "nothing with advertisers")
    .replace("date: 2024-10-04\nchanges:\n", """date: 2024-11-01
changes:
  - date: 2024-11-01
    kind: material
    summary: >-
      We now share information with advertisers and collect phone numbers, as
      the board decided at its meeting in October 2024.
""")
)
OTHER_NOTICE = NOTICE_FRONT_MATTER + """
# Other Notice

- Full name
- Email address

We share nothing with advertisers.
"""
# The same words, re-wrapped, with another list marker.
REWRAPPED_NOTICE = (
    OTHER_NOTICE.replace("- Full name\n- Email", "* Full name\n* Email")
    .replace("We share nothing with advertisers.", "We share nothing\nwith advertisers.")
)


@pytest.fixture(autouse=True)
def builds_in_process():
    """Each revision's build, in this process (conftest.sphinx_in_process), but for the
    `result` fixture's, whose builds are processes as in `make redline`."""
    with sphinx_in_process():
        yield


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """The redline of one edited notice and one only re-wrapped, written once."""
    repo = GitProject(tmp_path_factory.mktemp("redline") / "repo", with_configuration=True)
    base = repo.commit({"index.md": HOME_PAGE, "example/Notice.md": BASE_NOTICE,
                        "example/Other.md": OTHER_NOTICE, "_data/navigation.yaml": NAVIGATION},
                       "First")
    edited = repo.commit({"example/Notice.md": EDITED_NOTICE,
                          "example/Other.md": REWRAPPED_NOTICE}, "Edit")
    assert repo.git("diff", "--stat", base, edited, "--", "source/example/Other.md")
    out = repo.root.parent / "redline"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = redline.main(["--repo", str(repo.root), "--base", base, "--head", edited,
                               "--out", str(out)])
    assert status == 0, stderr.getvalue()
    return {"repo": repo, "edited": edited, "out": out, "stdout": stdout.getvalue(),
            "page": BeautifulSoup((out / "example/Notice.html").read_text(encoding="utf-8"),
                                  "html.parser")}


def notice_marks(soup: BeautifulSoup, tag: str) -> list[str]:
    """The text of each <del> or <ins> in the notice's text, link notes aside."""
    return [
        element.get_text()
        for element in soup.select(f"main .rl-section:not(#section-history) {tag}")
        if not element.find_parent(class_="rl-link-change")
    ]


def test_redline_marks_exactly_the_changed_words_and_link(result):
    soup = result["page"]
    assert notice_marks(soup, "del") == ["anyone"]
    assert notice_marks(soup, "ins") == ["and phone number", "advertisers"]
    notes = soup.select("main .rl-link-change")
    assert [note.get_text() for note in notes] == [
        "link: https://partner.example/terms/ → https://partner.example/terms/v2/"
    ]
    assert soup.select_one("main .rl-link-changed").get_text() == "partner"
    # The commits under review, by subject.
    repo, edited = result["repo"], result["edited"]
    assert [item.get_text(" ", strip=True) for item in soup.select(".rl-commits li")] == [
        f"{repo.git('rev-parse', '--short', edited)} Edit"
    ]


def test_counts_are_of_the_notice_text_alone(result):
    soup = result["page"]
    counts = [item.get_text(" ", strip=True) for item in soup.select(".rl-counts li")]
    # The title section (with the introduction), 1, 2 and 3: the new date and
    # change-history entry are not counted.
    assert counts == ["2 of 4 sections touched", "4 words inserted", "1 words deleted",
                      "1 links changed"]
    assert "+4 / -1 words" in result["stdout"]
    # Touched sections are open, the others folded; the dates and history
    # come last, shown with their changes.
    sections = {
        section.summary.get_text(" ", strip=True): section.has_attr("open")
        for section in soup.select("details.rl-section")
    }
    assert sections == {
        "Example Notice unchanged": False,
        "1. What we collect": True,
        "2. Sharing": True,
        "3. Contact unchanged": False,
        "Dates and change history not counted in the summary": True,
    }
    history = soup.select_one("#section-history")
    assert [ins.get_text() for ins in history.select("ins")][-1].startswith(
        "November 1, 2024 (material): We now share information with advertisers"
    )
    # The page's link to its own PDF is no part of the notice.
    assert "Download PDF" not in soup.get_text()


def test_index_lists_the_changed_notice_and_not_the_rewrapped_one(result):
    out = result["out"]
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = [cell.get_text(" ", strip=True) for cell in index.select("tbody tr td")]
    assert row == ["Example Notice ( PDF ) example/Notice", "changed", "2", "4", "1", "1"]
    assert [a["href"] for a in index.select("tbody a")] == ["example/Notice.html",
                                                             "example/Notice.pdf"]
    # Re-wrapped lines and another list marker: nothing a reader sees.
    assert "Unchanged for a reader: example/Other ." in index.get_text(" ", strip=True)
    assert sorted(path.relative_to(out).as_posix() for path in out.rglob("*.*")) == [
        "example/Notice.html", "example/Notice.pdf", "index.html"
    ]
    assert "example/Notice.html: changed" in result["stdout"]


def test_pdf_has_every_section_and_no_screen_links(result):
    text = subprocess.run(
        ["pdftotext", str(result["out"] / "example/Notice.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    text = " ".join(text.split())
    assert "Redline: Example Notice" in text
    assert "2 of 4 sections touched" in text
    assert "We share nothing with anyone advertisers." in text
    assert "https://partner.example/terms/ → https://partner.example/terms/v2/" in text
    # Nothing is folded on paper: the unchanged sections are there in full.
    assert "Write to us at any time." in text
    for screen_only in ("All changed notices", "Download PDF", "open one", "folded"):
        assert screen_only not in text


def test_index_says_when_no_notice_reads_differently():
    revision = SimpleNamespace(label="main (0123456789ab)")
    index = redline_page.redline_templates().get_template("redline-index.html").render(
        redlines=[], unchanged=["example/Notice"], base=revision, head=revision, commits=[]
    )
    text = BeautifulSoup(index, "html.parser").get_text(" ", strip=True)
    assert "No notice reads differently" in text
    assert "Unchanged for a reader: example/Notice ." in text


def test_bad_revision_is_a_clear_error(tmp_path, capsys):
    repo = GitProject(tmp_path / "repo", with_configuration=True)
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": BASE_NOTICE}, "First")
    out = tmp_path / "redline"

    status = redline.main(["--repo", str(repo.root), "--base", "no-such-branch",
                           "--out", str(out)])

    assert status == 2
    error = capsys.readouterr().err
    assert "redline: error: 'no-such-branch' is not a revision of the git repository" in error
    assert not out.exists()


# The diff itself, on rendered HTML: no build needed.

PAGE_URL = "https://policies.python.org/example/Notice/"


def diff(old_html: str, new_html: str):
    old = redline_text.extract_blocks(f'<div role="main">{old_html}</div>', PAGE_URL)
    new = redline_text.extract_blocks(f'<div role="main">{new_html}</div>', PAGE_URL)
    return redline_diff.diff_blocks(old, new)


def marked(block: redline_diff.RenderedBlock) -> str:
    """A block's words as the redline pages write them (redline-macros.html)."""
    macros = redline_page.redline_templates().get_template("redline-macros.html").module
    return str(macros.parts_html(block.parts))


def test_punctuation_is_its_own_token():
    blocks, counts = diff("<p>To prevent and detect fraud.</p>",
                          "<p>To prevent, detect and investigate fraud.</p>")
    assert marked(blocks[0]) == (
        "To prevent<ins>, detect</ins> and <del>detect</del> <ins>investigate</ins> fraud."
    )
    assert (counts.words_in, counts.words_out) == (2, 1)


def test_link_added_to_unchanged_words_is_a_link_change():
    blocks, counts = diff("<p>See the AWS Privacy Notice.</p>",
                          '<p>See the AWS <a href="https://aws.example/privacy">Privacy '
                          "Notice</a>.</p>")
    assert counts.links == [(None, "https://aws.example/privacy")]
    assert (counts.words_in, counts.words_out) == (0, 0)
    assert blocks[0].status == "changed"
    assert marked(blocks[0]) == (
        'See the AWS <span class="rl-link-changed"><a href="https://aws.example/privacy">'
        'Privacy Notice</a></span> <span class="rl-link-change">link: <del>no link</del> → '
        '<ins>https://aws.example/privacy</ins></span>.'
    )


def test_marks_links_and_spaces_are_written_as_the_words_were():
    blocks, _ = diff('<p>Ask <a href="https://a.example/">our <strong>data</strong> team</a> '
                     "<em>now</em>.</p>",
                     '<p>Ask <a href="https://a.example/">our <strong>data</strong> team</a> '
                     "<em><code>today</code></em>.</p>")
    assert marked(blocks[0]) == (
        'Ask <a href="https://a.example/">our <strong>data</strong> team</a> '
        "<del><em>now</em></del> <ins><code><em>today</em></code></ins>."
    )


# Text and link targets taken from a page reach the redline as text and
# attribute values only: never as markup, never out of their attribute.
SCRIPT = "<script>alert(1)</script>"
HOSTILE_HREF = 'https://evil.example/"><script>alert(2)</script>'


def test_hostile_words_and_link_targets_arrive_escaped():
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    old = (f"<h1>Notice {escaped}</h1><p>Keep &quot;this&quot; and "
           f'<a href="https://good.example/">the {escaped} link</a>.</p>'
           f"<p>Gone {escaped}.</p>")
    new = (f"<h1>Notice {escaped}</h1><p>Keep &quot;this&quot; and "
           f'<a href="{HOSTILE_HREF.replace(chr(34), "&quot;")}">the {escaped} link</a> '
           f"{escaped} added.</p>")
    blocks, counts = diff(old, new)
    assert counts.links == [("https://good.example/", HOSTILE_HREF)]
    changed = BeautifulSoup(marked(blocks[1]), "html.parser")
    assert changed.select_one(".rl-link-changed a")["href"] == HOSTILE_HREF
    assert changed.select_one(".rl-link-changed").get_text() == f"the {SCRIPT} link"
    assert changed.select_one(".rl-link-change ins").get_text() == HOSTILE_HREF
    assert [ins.get_text() for ins in changed.find_all("ins", recursive=False)] == [
        f"{SCRIPT} added"
    ]
    assert changed.get_text().startswith('Keep "this" and ')
    assert BeautifulSoup(marked(blocks[2]), "html.parser").get_text() == f"Gone {SCRIPT}."

    # The whole page, its title and its list of changed links included.
    revision = SimpleNamespace(label=f"main {SCRIPT}")
    notice = redline_page.NoticeRedline("example/Notice", blocks[0].block.text, "changed",
                                   redline_page.sections(blocks), counts)
    page = redline_page.redline_templates().get_template("redline.html").render(
        redline=notice, index_url="index.html", for_pdf=False, base=revision, head=revision,
        commits=[f"0123abc Edit {SCRIPT}"],
    )
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None
    assert soup.title.get_text() == f"Redline: Notice {SCRIPT}"
    assert [a["href"] for a in soup.select("main a")] == [HOSTILE_HREF]
    assert page.count(SCRIPT) == 0 and page.count("&lt;script&gt;") >= 6


def test_relative_links_compare_as_addresses():
    # The same target written relative and absolute is no change.
    blocks, counts = diff('<p><a href="../Other/">Other</a></p>',
                          '<p><a href="https://policies.python.org/example/Other/">Other</a></p>')
    assert blocks[0].status == "equal"
    assert not counts.changed


def test_deleted_and_inserted_blocks_and_sections():
    old = "<h1>T</h1><p>Intro.</p><h2>A</h2><p>Kept.</p><h2>B</h2><p>Gone entirely now.</p>"
    new = ("<h1>T</h1><p>Intro.</p><h2>A</h2><p>Kept.</p><h2>B</h2>"
           "<ul><li><p>New item.</p></li></ul>")
    blocks, _ = diff(old, new)
    assert [(b.status, b.block.text) for b in blocks[-2:]] == [
        ("deleted", "Gone entirely now."), ("inserted", "New item."),
    ]
    assert blocks[-1].block.depth == 1 and blocks[-1].block.marker == "•"
    sections = redline_page.sections(blocks)
    assert [(s.title, s.touched) for s in sections] == [("T", False), ("A", False), ("B", True)]



def test_dates_and_history_are_marked_but_not_counted():
    old = ('<h1>T</h1><p class="last-updated">Last updated <strong>October 4, 2024</strong></p>'
           '<p class="pdf-download"><a href="../pdf/T.pdf">Download PDF</a></p><p>Text.</p>'
           '<section id="changes-to-this-notice"><h2>Changes to this notice</h2><ul>'
           '<li id="change-2024-10-04"><p>October 4, 2024 (material): First.</p></li></ul>'
           "</section>")
    new = (old.replace("October 4, 2024</strong>", "November 1, 2024</strong>")
           .replace("<ul>", "<ul><li><p>November 1, 2024 (material): Six words of a summary.</p>"
                    "</li>"))
    blocks, counts = diff(old, new)
    assert [(b.block.text, b.block.counted) for b in blocks] == [
        ("T", True),
        ("Last updated November 1, 2024", False),
        ("Text.", True),
        ("Changes to this notice", False),
        ("November 1, 2024 (material): Six words of a summary.", False),
        ("October 4, 2024 (material): First.", False),
    ]
    assert [b.status for b in blocks if not b.block.counted] == [
        "changed", "equal", "inserted", "equal"
    ]
    assert not counts.changed
    assert [(s.title, s.touched) for s in redline_page.sections(blocks)] == [("T", False)]
    history = redline_page.history_section(blocks)
    assert (history.title, history.touched, len(history.blocks)) == (
        "Dates and change history", True, 4
    )


# A revision's configuration, as Sphinx reads it (tools/revisions.py).

def test_read_config_reads_conf_py_as_sphinx_does(tmp_path):
    (tmp_path / "conf.py").write_text(
        "import sys\nsys.path.insert(0, 'extensions')\n"
        "html_baseurl = 'https://policies.example/'\npolicy_site_pages = ['index', 'about']\n",
        encoding="utf-8",
    )
    path = list(sys.path)
    config = read_config(tmp_path, policy_site_pages=["index"], html_baseurl="", unset=3)
    assert (config.html_baseurl, config.policy_site_pages) == (
        "https://policies.example/", ["index", "about"]
    )
    assert config.unset == 3  # an added value conf.py does not set has its default
    assert config.root_doc == "index"  # Sphinx's own default
    assert sys.path == path  # the revision's folders are never imported from
    with pytest.raises(ConfigError, match="doesn't contain a conf.py"):
        read_config(tmp_path / "nowhere")


def test_a_revision_holding_a_link_is_refused_with_a_message(tmp_path, capsys):
    repo = GitProject(tmp_path / "repo", with_configuration=True)
    base = repo.commit({"index.md": HOME_PAGE, "example/Notice.md": BASE_NOTICE}, "First")
    out = tmp_path / "redline"
    for target in ["/etc/passwd", "../../../../etc/passwd", "Notice.md"]:
        leak = repo.root / "source/example/Leak.md"
        leak.unlink(missing_ok=True)
        leak.symlink_to(target)
        head = repo.commit({}, f"A link to {target}")
        linked = redline.main(["--repo", str(repo.root), "--base", base, "--head", head,
                               "--out", str(out)])
        error = capsys.readouterr().err
        assert linked == 2, target
        assert error.splitlines() == [
            f"redline: error: {head[:12]}:source/example/Leak.md is a link (to {target!r}): a "
            "revision is built from plain files only; remove the link in that revision"]
        assert not out.exists()
    # The revision before them, beside: no link, exported whole for its build.
    export(repo.root, base, tmp_path / "base")
    assert (tmp_path / "base/source/example/Notice.md").read_text(encoding="utf-8") == BASE_NOTICE


NEW_SENTENCE = "We also keep your postal address."
EDITORIAL_ENTRY = ("changes:\n  - date: 2024-11-01\n    kind: editorial\n"
                   "    summary: A sentence added.\n")


@pytest.mark.parametrize("front_matter_line", ["    ---\n", ""])
def test_an_edit_the_build_cannot_read_is_an_error_not_an_unchanged_notice(
        tmp_path, capsys, front_matter_line):
    repo = GitProject(tmp_path / "repo", with_configuration=True)
    base = repo.commit({"index.md": HOME_PAGE, "example/Notice.md": BASE_NOTICE}, "First")
    # A line indented as code continues the date for MyST: "2024-10-04 ---".
    edited = (BASE_NOTICE.replace("date: 2024-10-04\n", f"date: 2024-10-04\n{front_matter_line}", 1)
              .replace("changes:\n", EDITORIAL_ENTRY, 1)
              .replace("Write to us at any time.", f"Write to us at any time. {NEW_SENTENCE}"))
    head = repo.commit({"example/Notice.md": edited}, "Edit")
    out = tmp_path / "redline"
    status = redline.main(["--repo", str(repo.root), "--base", base, "--head", head,
                           "--out", str(out)])
    captured = capsys.readouterr()
    assert "no notice reads differently" not in captured.out
    if not front_matter_line:  # the good one beside it
        assert status == 0, captured.err
        assert NEW_SENTENCE in (out / "example/Notice.html").read_text(encoding="utf-8")
        return
    assert status == 2
    assert f"the site at {head} ({head[:12]}) does not build" in captured.err
    assert "source/example/Notice.md:2: ERROR: 'date' must be an ISO date" in captured.err
    assert not out.exists()
