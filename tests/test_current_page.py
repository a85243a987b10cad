"""The current version's dated page is written from the notice's doctree, not read
(policy_sphinx_extensions.versions.current_page), and is what reading it wrote.

Each build here runs in one of two modes: "ours", the site as it is, and
"reading it", where the dated page of the current version is read as a
document of its own (current_page sets nothing up, for that build alone), as a
build did before. Both write every file the same, byte for byte.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys

import pytest
from PIL import Image
from pypdf import PdfReader
from conftest import HOME_PAGE, GitProject, notice, sphinx_build
from test_build_speed import differences

from policy_sphinx_extensions.versions import current_page

DATED = "example/Notice/2024-10-04"
FIRST = [("2024-10-04", "material", "First version.")]


def source_at(use: str, changes=FIRST, date: str = "2024-10-04") -> str:
    """The notice at its version of *date*: a link to another page, one to its
    own section, an image, and the section saying *use*."""
    return notice("We collect your name. See the [home page](../index.md) and "
                  "[how we use it](#how-we-use-it).\n\n![Our office](office.png)\n\n"
                  f"## How we use it\n\n{use}\n", date=date, changes=changes)


@pytest.fixture
def repo(tmp_path) -> GitProject:
    repo = GitProject(tmp_path / "repo", with_configuration=True)
    # An image: a file the notice depends on, and one its page publishes.
    (repo.root / "source" / "example").mkdir(parents=True)
    Image.new("RGB", (2, 2), "blue").save(repo.root / "source" / "example" / "office.png")
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": source_at("To answer you.")},
                "First version")
    return repo


def build(repo: GitProject, name: str, mode: str = "ours", jobs: str = "1") -> list[str]:
    """Build into _build/<name>; the documents read, from Sphinx's progress lines (-j 1)."""
    with pytest.MonkeyPatch.context() as patch:
        if mode == "reading it":
            patch.setattr(current_page, "setup", lambda app: {"parallel_read_safe": True,
                                                              "parallel_write_safe": True})
        built = sphinx_build(repo.root / "source", repo.root / "_build" / name, "dirhtml",
                             "-j", jobs)
    assert built.returncode == 0, built.output
    return re.findall(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)", built.output, re.MULTILINE)


def page(repo: GitProject, name: str, docname: str) -> str:
    return (repo.root / "_build" / name / docname / "index.html").read_text(encoding="utf-8")


def collected(repo: GitProject, name: str, docname: str) -> dict:
    """What the build environment holds of *docname*: Sphinx's tables and each
    domain's table keyed by docname."""
    with (repo.root / "_build" / name / ".doctrees" / "environment.pickle").open("rb") as stream:
        env = pickle.load(stream)  # noqa: S301 - written by the build above
    domains = {f"{domain}.{key}": table[docname] for domain, data in env.domaindata.items()
               for key, table in data.items() if isinstance(table, dict) and docname in table}
    return {"metadata": env.metadata[docname], "title": env.titles[docname].pformat(),
            "long title": env.longtitles[docname].pformat(), "toc": env.tocs[docname].pformat(),
            "toc entries": env.toc_num_entries[docname],
            "dependencies": env.dependencies[docname],
            "images": sorted(name for name, (docnames, _) in env.images.items()
                             if docname in docnames), **domains}


def test_the_dated_address_is_not_read_and_is_written_as_reading_it_wrote(repo):
    # Documents read: the source files and the superseded versions (none here).
    assert build(repo, "ours") == ["example/Notice", "index"]
    assert build(repo, "reading it", "reading it") == ["example/Notice", DATED, "index"]
    dated = page(repo, "ours", DATED)
    # Its links are its own: one level deeper than the notice's.
    assert 'href="../../../"' in dated and 'href="#how-we-use-it"' in dated
    assert "Current version" in dated and "Current version" not in page(repo, "ours", "example/Notice")
    assert differences(repo.root / "_build" / "ours", repo.root / "_build" / "reading it") == []
    # What a later build asks of it is what reading it collected.
    ours, reading_it = collected(repo, "ours", DATED), collected(repo, "reading it", DATED)
    assert "policy-pages.pages" in ours and ours["metadata"]["orphan"] and ours["dependencies"]
    assert ours == reading_it


def test_read_in_parallel_it_is_the_same(repo):
    build(repo, "parallel", "ours", "2")
    build(repo, "reading it", "reading it")
    assert differences(repo.root / "_build" / "parallel", repo.root / "_build" / "reading it") == []


def test_an_edit_of_the_notice_rewrites_the_dated_page(repo):
    build(repo, "ours")
    edited = [("2025-01-10", "editorial", "Clearer."), *FIRST]
    (repo.root / "source" / "example" / "Notice.md").write_text(
        source_at("To answer your questions.", edited), encoding="utf-8")
    assert build(repo, "ours") == ["example/Notice"]
    assert "To answer your questions." in page(repo, "ours", DATED)
    build(repo, "reading it", "reading it")
    assert differences(repo.root / "_build" / "ours", repo.root / "_build" / "reading it") == []


def test_a_new_version_makes_the_old_dated_page_a_superseded_version_of_its_own(repo):
    build(repo, "ours")
    before = page(repo, "ours", DATED)
    second = [("2025-06-01", "material", "Email too."), *FIRST]
    repo.commit({"example/Notice.md": source_at("To answer you by email.", second, "2025-06-01")},
                "Second version")
    read = build(repo, "ours")
    # Read from the history now, as a document of its own; the new dated page is not read.
    assert DATED in read and "example/Notice/2025-06-01" not in read
    after = page(repo, "ours", DATED)
    assert "Superseded version" in after and "To answer you." in after
    assert "Current version" in before and "To answer you by email." not in after

    def words(html: str) -> str:  # the page after its title and banner
        return html.split("Last updated", 1)[1]

    assert words(after) == words(before)
    build(repo, "reading it", "reading it")
    assert differences(repo.root / "_build" / "ours", repo.root / "_build" / "reading it") == []


def rendered(output: str) -> list[str]:
    """The PDFs a build rendered, from its progress lines."""
    return re.findall(r"rendering PDFs\.\.\. \[\s*\d+%\] (\S+)", output)


@pytest.mark.pdf
def test_the_dated_address_has_the_notice_pdf_rendered_once(repo):
    out = repo.root / "_build" / "pdfs"
    process = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(repo.root), "-W", "-n",
         "-j", "1", "-D", "policy_pdf_publish=1", str(repo.root / "source"), str(out)],
        capture_output=True, text=True, check=False, cwd=repo.root,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert rendered(process.stdout) == ["example/Notice"]
    notice_pdf, dated = out / "pdf" / "example-Notice.pdf", out / "pdf" / "example-Notice-2024-10-04.pdf"
    assert dated.read_bytes() == notice_pdf.read_bytes()
    # The notice's image is in it.
    assert [image.image.size for image in PdfReader(notice_pdf).pages[0].images] == [(2, 2)]
    # Its page links its own address of it.
    assert 'href="../../../pdf/example-Notice-2024-10-04.pdf"' in (
        out / "example" / "Notice" / "2024-10-04" / "index.html").read_text(encoding="utf-8")
    # Deleted, it is copied again; the notice's PDF is not rendered again.
    dated.unlink()
    process = subprocess.run(process.args, capture_output=True, text=True, check=False,
                             cwd=repo.root)
    assert process.returncode == 0, process.stdout + process.stderr
    assert rendered(process.stdout) == []
    assert dated.read_bytes() == notice_pdf.read_bytes()

