"""A notice and its current version's dated address share one parse
(policy_sphinx_extensions.versions.shared_parse), and the site is what parsing twice wrote."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, ROOT, GitProject
from test_build_speed import differences

# Builds the project, counting the documents the site's MyST parser parses. "reference" parses
# every document (the parser as it was); "per-document" gives each document a
# text of its own at source-read, which must then be parsed for each.
BUILD = """
import sys
sys.path.insert(0, sys.argv[2])
from policy_sphinx_extensions.reading.page_parser import SiteMystParser
from policy_sphinx_extensions.versions import shared_parse
mode = sys.argv[1]
parsed = []
original = SiteMystParser.parse
def counting(self, text, document):
    parsed.append(document.settings.env.docname)
    return original(self, text, document)
SiteMystParser.parse = counting
if mode == "reference":
    shared_parse.SharedParseParser.parse = counting
if mode == "per-document":
    setup = shared_parse.setup
    def own_text(app, docname, source):
        source[0] += f"\\n\\nRead as {docname}.\\n"
    def setup_with_own_text(app):
        app.connect("source-read", own_text)
        return setup(app)
    shared_parse.setup = setup_with_own_text
from sphinx.cmd.build import main
status = main(sys.argv[3:])
print("PARSED", ",".join(sorted(parsed)))
raise SystemExit(status)
"""

NOTICE = NOTICE_FRONT_MATTER + (
    "\n# Example Notice\n\nWe collect your name. See the [home page](../index.md) and "
    "[how we use it](#how-we-use-it).\n\n## How we use it\n\nTo answer you.\n"
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitProject:
    repo = GitProject(tmp_path_factory.mktemp("shared") / "repo")
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": NOTICE}, "First version")
    return repo


def build(repo: GitProject, mode: str, name: str) -> list[str]:
    process = subprocess.run(
        [sys.executable, "-c", BUILD, mode, str(ROOT), "-b", "dirhtml", "-c", str(repo.root),
         "-W", "--keep-going", "-n", "-j", "1", str(repo.root / "source"),
         str(repo.root / "_build" / name)],
        capture_output=True, text=True, check=False, cwd=repo.root,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    return process.stdout.split("PARSED ")[1].strip().split(",")


def test_the_dated_address_is_not_parsed_again_and_is_written_as_a_parse_would(repo):
    shared = build(repo, "shared", "shared")
    reference = build(repo, "reference", "reference")
    assert shared == ["example/Notice", "index"]
    assert reference == ["example/Notice", "example/Notice/2024-10-04", "index"]
    dated = (repo.root / "_build" / "shared" / "example" / "Notice" / "2024-10-04" / "index.html")
    page = dated.read_text(encoding="utf-8")
    # Its links are its own: one level deeper than the notice's.
    assert 'href="../../../"' in page and 'href="#how-we-use-it"' in page
    assert "Current version" in page
    assert differences(repo.root / "_build" / "shared", repo.root / "_build" / "reference") == []


def test_a_text_read_differently_by_each_document_is_parsed_for_each(repo):
    parsed = build(repo, "per-document", "per-document")
    assert parsed == ["example/Notice", "example/Notice/2024-10-04", "index"]
    out = repo.root / "_build" / "per-document" / "example" / "Notice"
    assert "Read as example/Notice/2024-10-04." in (out / "2024-10-04" / "index.html").read_text()
    assert "Read as example/Notice." in (out / "index.html").read_text()


def rendered(output: str) -> list[str]:
    """The PDFs a build rendered, from its progress lines."""
    return re.findall(r"rendering PDFs\.\.\. \[\s*\d+%\] (\S+)", output)


def test_the_dated_address_has_the_notice_pdf_rendered_once(repo):
    out = repo.root / "_build" / "pdfs"
    process = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(repo.root), "-W", "-n",
         "-j", "1", "-D", "policy_pdf_publish=1", str(repo.root / "source"), str(out)],
        capture_output=True, text=True, check=False, cwd=repo.root,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert rendered(process.stdout) == ["example/Notice"]
    notice, dated = out / "pdf" / "example-Notice.pdf", out / "pdf" / "example-Notice-2024-10-04.pdf"
    assert dated.read_bytes() == notice.read_bytes()
    # Its page links its own address of it.
    assert 'href="../../../pdf/example-Notice-2024-10-04.pdf"' in (
        out / "example" / "Notice" / "2024-10-04" / "index.html").read_text(encoding="utf-8")
    # Deleted, it is copied again; the notice's PDF is not rendered again.
    dated.unlink()
    process = subprocess.run(process.args, capture_output=True, text=True, check=False,
                             cwd=repo.root)
    assert process.returncode == 0, process.stdout + process.stderr
    assert rendered(process.stdout) == []
    assert dated.read_bytes() == notice.read_bytes()
