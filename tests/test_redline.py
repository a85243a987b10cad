"""The redline between two revisions of a notice (tools/redline.py)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from pypdf import PdfReader

from tools import redline
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER

BASE_NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

We may share your information with the
[partner](https://partner.example/terms/) named in this notice.

## 1. What we collect

- Full name
- Email address

## 2. Sharing

We share nothing with anyone.

## 3. Contact

Write to us at any time.
"""
# Words and a link target changed.
EDITED_NOTICE = (
    BASE_NOTICE.replace("partner.example/terms/", "partner.example/terms/v2/")
    .replace("- Email address", "- Email address and phone number")
    .replace("nothing with anyone", "nothing with advertisers")
)
# The same words, re-wrapped, with another list marker and emphasis syntax.
REWRAPPED_NOTICE = (
    EDITED_NOTICE.replace("with the\n[partner]", "with\nthe [partner]")
    .replace("- Full name\n- Email", "* Full name\n* Email")
    .replace("We share nothing with advertisers.", "We share nothing\nwith advertisers.")
)


def body_marks(soup: BeautifulSoup, tag: str) -> list[str]:
    """The text of each <del> or <ins> in the notice body, link notes aside."""
    return [
        element.get_text()
        for element in soup.select(f"main {tag}")
        if not element.find_parent(class_="rl-link-change")
    ]


def test_redline_marks_exactly_the_changed_words_and_link(git_project, tmp_path, capsys):
    base = git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": BASE_NOTICE}, "First")
    edited = git_project.commit({"example/Notice.md": EDITED_NOTICE}, "Edit")
    out = tmp_path / "redline"

    status = redline.main(["--repo", str(git_project.root), "--base", base, "--head", edited,
                           "--out", str(out)])

    assert status == 0, capsys.readouterr()
    soup = BeautifulSoup((out / "example/Notice.html").read_text(encoding="utf-8"), "html.parser")
    assert body_marks(soup, "del") == ["anyone"]
    assert body_marks(soup, "ins") == ["and phone number", "advertisers"]
    notes = soup.select("main .rl-link-change")
    assert [note.get_text() for note in notes] == [
        "link: https://partner.example/terms/ → https://partner.example/terms/v2/"
    ]
    assert soup.select_one("main .rl-link-changed").get_text() == "partner"

    counts = [item.get_text(" ", strip=True) for item in soup.select(".rl-counts li")]
    # The title section (with the introduction), 1, 2, 3 and the change history.
    assert counts == ["3 of 5 sections touched", "4 words inserted", "1 words deleted",
                      "1 links changed"]
    # Touched sections are open; the unchanged one is folded.
    sections = {
        section.summary.get_text(" ", strip=True): section.has_attr("open")
        for section in soup.select("details.rl-section")
    }
    assert sections == {
        "Example Notice": True,
        "1. What we collect": True,
        "2. Sharing": True,
        "3. Contact unchanged": False,
        "Changes to this notice unchanged": False,
    }

    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = [cell.get_text(" ", strip=True) for cell in index.select("tbody tr td")]
    assert row == ["Example Notice ( PDF ) example/Notice", "changed", "3", "4", "1", "1"]
    assert [a["href"] for a in index.select("tbody a")] == ["example/Notice.html",
                                                             "example/Notice.pdf"]
    assert "example/Notice.html: changed" in capsys.readouterr().out
    # The same page as a PDF, to attach to an approval.
    pages = PdfReader(out / "example/Notice.pdf").pages
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Redline: Example Notice" in pdf_text
    assert "We share nothing with anyone advertisers." in pdf_text
    assert "https://partner.example/terms/ → https://partner.example/terms/v2/" in pdf_text
    # The commits under review, by subject.
    assert [item.get_text(" ", strip=True) for item in soup.select(".rl-commits li")] == [
        f"{git_project.git('rev-parse', '--short', edited)} Edit"
    ]


def test_rewrap_only_commit_shows_no_difference(git_project, tmp_path, capsys):
    git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": EDITED_NOTICE}, "First")
    rewrapped = git_project.commit({"example/Notice.md": REWRAPPED_NOTICE}, "Re-wrap")
    assert git_project.git("diff", "--stat", "HEAD~1", rewrapped)  # the Markdown did change
    out = tmp_path / "redline"

    status = redline.main(["--repo", str(git_project.root), "--base", "HEAD~1",
                           "--out", str(out)])

    assert status == 0
    assert sorted(path.name for path in out.rglob("*.*")) == ["index.html"]
    assert "No notice reads differently" in (out / "index.html").read_text(encoding="utf-8")
    assert "no notice reads differently" in capsys.readouterr().out


def test_bad_revision_is_a_clear_error(git_project, tmp_path, capsys):
    git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": BASE_NOTICE}, "First")
    out = tmp_path / "redline"

    status = redline.main(["--repo", str(git_project.root), "--base", "no-such-branch",
                           "--out", str(out)])

    assert status == 2
    error = capsys.readouterr().err
    assert "redline: error: 'no-such-branch' is not a revision of the git repository" in error
    assert not out.exists()


# The diff itself, on rendered HTML: no build needed.

PAGE_URL = "https://policies.python.org/example/Notice/"


def diff(old_html: str, new_html: str):
    old = redline.extract_blocks(f'<div role="main">{old_html}</div>', PAGE_URL)
    new = redline.extract_blocks(f'<div role="main">{new_html}</div>', PAGE_URL)
    return redline.diff_blocks(old, new)


def test_punctuation_is_its_own_token():
    blocks, counts = diff("<p>To prevent and detect fraud.</p>",
                          "<p>To prevent, detect and investigate fraud.</p>")
    assert blocks[0].html == (
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
    assert "no link" in blocks[0].html


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
    blocks, counts = diff(old, new)
    assert [(b.status, b.block.text) for b in blocks[-2:]] == [
        ("deleted", "Gone entirely now."), ("inserted", "New item."),
    ]
    assert blocks[-1].block.depth == 1 and blocks[-1].block.marker == "•"
    sections = redline.sections(blocks)
    assert [(s.title, s.touched) for s in sections] == [("T", False), ("A", False), ("B", True)]
