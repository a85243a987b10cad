"""README.md and docs/: every command they show exists, every link leads somewhere,
the README stays short and leads to the editor's guide first, and the guide
speaks an editor's language."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GUIDE = ROOT / "docs" / "editors-guide.md"
FENCE = re.compile(r"^(```+|~~~+).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# `make lint`, `make -s lint`, `make html BUILDDIR=...`: the target is the first plain word.
MAKE_COMMAND = re.compile(r"(?:^|[\s;(`])make(?:\s+-\S+)*\s+([a-z][\w-]*)(?![\w=])")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Words an editor would have to look up: tools and programmers' terms.
PROGRAMMERS_WORDS = [
    "doctree", "dirhtml", "asgi", "jinja", "dns", "yaml", "sphinx", "docutils", "pytest",
    "venv", "myst", "front matter", "traceback", "stderr", "stdout", "regex", "websocket",
    "toctree", "builder", "pickle", "markdown-it", "html", "css", "json", "ci",
]


def code_parts(text: str) -> list[str]:
    """The code blocks and inline code of a Markdown text."""
    blocks = [match.group() for match in FENCE.finditer(text)]
    prose = FENCE.sub("", text)
    return blocks + [match.group(2) for match in INLINE_CODE.finditer(prose)]


def prose_of(text: str) -> str:
    """The text without its code: what is read as words."""
    return INLINE_CODE.sub(" ", FENCE.sub(" ", text))


def make_commands(text: str) -> set[str]:
    return {
        target
        for part in code_parts(text)
        for target in MAKE_COMMAND.findall(part)
    }


@pytest.fixture(scope="module")
def listed_targets() -> set[str]:
    output = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    return {line.split()[0] for line in output.splitlines()[1:] if line.startswith("  ")}


def test_make_commands_are_found_in_code_only():
    text = ("Run `make lint` and `make -s html BUILDDIR=x`; make sure of it.\n\n"
            "```sh\nmake serve   # preview\nmake  test\n```\n")
    assert make_commands(text) == {"lint", "html", "serve", "test"}


def test_every_make_command_shown_exists(listed_targets):
    assert {"html", "test", "serve", "lint"} <= listed_targets
    missing = {
        f"{document.relative_to(ROOT)}: make {target}"
        for document in DOCUMENTS
        for target in make_commands(document.read_text(encoding="utf-8"))
        if target not in listed_targets
    }
    assert missing == set()


def test_a_command_make_help_does_not_list_is_caught(listed_targets):
    assert "publish" in make_commands("Then `make publish`.")
    assert "publish" not in listed_targets


def heading_anchors(path: Path) -> set[str]:
    """The #anchors GitHub gives the headings of a Markdown file."""
    anchors = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        if match := re.match(r"#{1,6} (.+)", line):
            words = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower())
            anchors.add(words.replace(" ", "-"))
    return anchors


def test_every_link_between_the_documents_leads_somewhere():
    broken = []
    for document in DOCUMENTS:
        for target in LINK.findall(prose_of(document.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target):
                continue  # an address on the web
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            if not linked.exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked):
                broken.append(f"{document.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []


def test_the_readme_is_short_and_leads_to_the_editors_guide_first():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # About two minutes of reading.
    assert len(prose_of(text).split()) <= 450
    assert LINK.findall(text)[1] == "docs/editors-guide.md"  # after the live site's address
    assert "make html" in text and "make test" in text
    steps = re.findall(r"^\d\. \*\*", text, re.MULTILINE)
    assert len(steps) == 5


def test_the_editors_guide_starts_with_the_five_steps():
    headings = re.findall(r"^## (.+)$", FENCE.sub("", GUIDE.read_text(encoding="utf-8")),
                          re.MULTILINE)
    assert headings[0] == "Change a sentence and get it reviewed"
    for subject in ("Editing in GitHub's web editor", "The preview on your own computer",
                    "Material or editorial?", "Scheduling a change", "When a check fails"):
        assert subject in headings


def programmers_words(text: str) -> list[str]:
    """The words of PROGRAMMERS_WORDS in *text*'s prose (code may name files and commands)."""
    prose = prose_of(text).lower()
    return [word for word in PROGRAMMERS_WORDS if re.search(rf"(?<![\w.]){word}(?!\w)", prose)]


def test_the_editors_guide_uses_no_word_an_editor_would_look_up():
    assert programmers_words(GUIDE.read_text(encoding="utf-8")) == []


def test_the_word_check_catches_a_programmers_word():
    assert programmers_words("The doctree is pickled; see `html` in code.") == ["doctree"]
