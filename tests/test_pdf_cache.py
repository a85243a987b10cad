"""PDFs kept by content outside the build (policy_sphinx_extensions.pdf.cache):
taken from there after a clean build, or into another output folder, and
never when anything they are made from changed."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import HOME_PAGE, notice, sphinx_build, write_project

# Every test here renders PDFs.
pytestmark = pytest.mark.pdf

NOTICE = notice("We keep your name.\n")
# The notices' versions (which set up the PDFs, and write the redlines), and
# the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.versions", "policy_sphinx_extensions.navigation"]
PDF = "pdf/example-Notice.pdf"


def rendered(output: str) -> list[str]:
    return re.findall(r"rendering PDFs\.\.\. \[\s*\d+%\] (\S+)", output)


def test_a_pdf_is_rendered_once_per_content_across_clean_builds(tmp_path):
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                  "example/Notice.md": NOTICE})
    cache = tmp_path / "cache"

    def build(outdir):
        result = sphinx_build(source, outdir, "dirhtml", "-D", "policy_pdf_publish=1",
                              "-D", f"policy_pdf_cache_dir={cache}", extensions=EXTENSIONS)
        assert result.returncode == 0, result.output
        return result

    first = build(tmp_path / "out")
    assert rendered(first.output) == ["example/Notice"]
    data = (tmp_path / "out" / PDF).read_bytes()

    # make clean, then make html: copied from the cache, the same bytes.
    shutil.rmtree(tmp_path / "out")
    again = build(tmp_path / "out")
    assert rendered(again.output) == []
    assert "PDFs taken from the cache" in again.output
    assert (tmp_path / "out" / PDF).read_bytes() == data
    # Another output folder (another machine's checkout): the same key.
    elsewhere = build(tmp_path / "elsewhere")
    assert rendered(elsewhere.output) == []
    assert (tmp_path / "elsewhere" / PDF).read_bytes() == data

    # A cached PDF that is not what was kept is never used.
    for kept in cache.glob("*.pdf"):
        kept.write_bytes(kept.read_bytes() + b"tampered")
    shutil.rmtree(tmp_path / "out")
    assert rendered(build(tmp_path / "out").output) == ["example/Notice"]
    assert (tmp_path / "out" / PDF).read_bytes() == data

    # A changed notice is rendered, not taken from the cache.
    (source / "example" / "Notice.md").write_text(NOTICE.replace("name", "email"),
                                                   encoding="utf-8")
    changed = build(tmp_path / "out")
    assert rendered(changed.output) == ["example/Notice"]
    assert (tmp_path / "out" / PDF).read_bytes() != data


def test_no_cache_unless_a_folder_is_set(tmp_path):
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                  "example/Notice.md": NOTICE})
    for outdir in ("one", "two"):
        result = sphinx_build(source, tmp_path / outdir, "dirhtml", "-D", "policy_pdf_publish=1",
                              extensions=EXTENSIONS)
        assert result.returncode == 0, result.output
        assert rendered(result.output) == ["example/Notice"]


def test_a_pdf_kept_after_a_navigation_change_makes_no_print_html(tmp_path, monkeypatch):
    from policy_sphinx_extensions.pdf import paper

    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                  "example/Notice.md": NOTICE})
    made = []
    print_html = paper.print_html
    monkeypatch.setattr(paper, "print_html", lambda app, docname, doctree: made.append(docname)
                        or print_html(app, docname, doctree))

    def build():
        result = sphinx_build(source, tmp_path / "out", "dirhtml", "-D", "policy_pdf_publish=1",
                              extensions=EXTENSIONS)
        assert result.returncode == 0, result.output
        return result

    build()
    assert made == ["example/Notice"]
    navigation = source / "_data" / "navigation.yaml"
    navigation.write_text(navigation.read_text(encoding="utf-8").replace(
        "title: Example Notice", "title: Renamed Notice"), encoding="utf-8")
    result = build()
    assert "Renamed Notice" in result.page("example/Notice")  # the page was written again
    assert made == ["example/Notice"]  # but no print HTML made, and no PDF rendered
    assert rendered(result.output) == []
    # The notice changed: its print HTML is made and its PDF rendered.
    (source / "example" / "Notice.md").write_text(NOTICE.replace("name", "email"),
                                                   encoding="utf-8")
    assert rendered(build().output) == ["example/Notice"]
    assert made == ["example/Notice", "example/Notice"]


def test_redline_pdfs_are_taken_from_the_cache_after_a_clean_build(git_project, tmp_path,
                                                                  monkeypatch):
    from policy_sphinx_extensions.versions import redlines as redline_tool

    rendered_redlines = []
    write_redline_pdf = redline_tool.write_redline_pdf
    monkeypatch.setattr(redline_tool, "write_redline_pdf", lambda html, pdf: (
        rendered_redlines.append(pdf.name), write_redline_pdf(html, pdf))[1])
    first = NOTICE
    second = NOTICE.replace("date: 2024-10-04\n", "date: 2025-06-01\n", 1).replace(
        "changes:\n", "changes:\n  - date: 2025-06-01\n    kind: material\n    summary: Email.\n",
        1).replace("name", "name and email")
    git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": first}, "First")
    git_project.commit({"example/Notice.md": second}, "Second")
    cache = tmp_path / "cache"
    redline = "pdf/example-Notice-2025-06-01-redline.pdf"

    def build():
        outdir = tmp_path / "out"
        shutil.rmtree(outdir, ignore_errors=True)
        result = sphinx_build(git_project.root / "source", outdir, "dirhtml",
                              "-D", "policy_pdf_publish=1", "-D", f"policy_pdf_cache_dir={cache}",
                              extensions=EXTENSIONS)
        assert result.returncode == 0, result.output
        return (outdir / redline).read_bytes()

    data = build()
    assert rendered_redlines == ["example-Notice-2025-06-01-redline.pdf"]
    assert data in {path.read_bytes() for path in cache.glob("*.pdf")}
    assert build() == data
    assert rendered_redlines == ["example-Notice-2025-06-01-redline.pdf"]  # not again
    # Without the cache, it is rendered again.
    (tmp_path / "cache").rename(tmp_path / "moved")
    assert build() == data
    assert len(rendered_redlines) == 2
