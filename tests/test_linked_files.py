"""Files the pages link, published at their own path (policy_sphinx_extensions.linked_files)."""

from __future__ import annotations

import pytest

from conftest import HOME_PAGE, NOTICE_FRONT_MATTER


def notice(link: str) -> str:
    return NOTICE_FRONT_MATTER + f"\n# Example Notice\n\nSign [the form]({link}).\n"


def test_a_linked_file_is_published_at_its_path(project, tmp_path):
    form = tmp_path / "source" / "example" / "files" / "Sign Up-Form.pdf"
    form.parent.mkdir(parents=True)
    form.write_bytes(b"%PDF-1.4 form")
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("<files/Sign Up-Form.pdf>")})
    assert build.returncode == 0, build.output
    assert (build.outdir / "example/files/Sign Up-Form.pdf").read_bytes() == b"%PDF-1.4 form"
    page = build.page("example/Notice")
    assert 'href="../files/Sign%20Up-Form.pdf"' in page
    assert "_downloads" not in page


@pytest.mark.parametrize(("link", "problem"), [
    ("<../../outside.pdf>", "is outside the source directory"),
    ("<files/link.pdf>", "a symbolic link"),
    ("<files/bad'name.pdf>", "may hold only letters, digits"),
    ("<files/page.html>", "may not be published: only"),
])
def test_a_file_that_may_not_be_published_fails_naming_it(project, tmp_path, link, problem):
    files = tmp_path / "source" / "example" / "files"
    files.mkdir(parents=True)
    (tmp_path / "outside.pdf").write_bytes(b"%PDF secret")
    name = link.strip("<>").removeprefix("files/")
    if name == "link.pdf":
        (files / name).symlink_to(tmp_path / "outside.pdf")
    elif name != "../../outside.pdf":
        (files / name).write_bytes(b"%PDF <script>secret</script>")
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice(link)})
    assert build.returncode != 0
    assert problem in build.output, build.output
    assert "Notice.md" in build.output or name in build.output
    for path in build.outdir.rglob("*"):
        assert not path.is_file() or b"secret" not in path.read_bytes(), path


def home_listing(*names: str) -> str:
    listed = "".join(f"  - {name}\n" for name in names)
    return f"---\nfiles:\n{listed}---\n\n{HOME_PAGE}"


def test_a_file_no_page_links_is_published_where_the_front_matter_lists_it(project, tmp_path):
    form = tmp_path / "source" / "example" / "Member-Form.pdf"
    form.parent.mkdir(parents=True)
    form.write_bytes(b"%PDF-1.4 member form")
    build = project({"index.md": home_listing("example/Member-Form.pdf"),
                     "example/Notice.md": NOTICE_FRONT_MATTER + "\n# Example Notice\n\nWords.\n"})
    assert build.returncode == 0, build.output
    assert (build.outdir / "example/Member-Form.pdf").read_bytes() == b"%PDF-1.4 member form"


@pytest.mark.parametrize(("name", "problem"), [
    ("example/Missing-Form.pdf", "the listed file 'example/Missing-Form.pdf' does not exist"),
    ("example/page.html", "may not be published: only"),
    ("../outside.pdf", "is outside the source directory"),
])
def test_a_listed_file_that_may_not_be_published_fails_naming_the_line(project, tmp_path, name, problem):
    folder = tmp_path / "source" / "example"
    folder.mkdir(parents=True)
    (folder / "page.html").write_bytes(b"<script>secret</script>")
    (tmp_path / "outside.pdf").write_bytes(b"%PDF secret")
    build = project({"index.md": home_listing(name),
                     "example/Notice.md": NOTICE_FRONT_MATTER + "\n# Example Notice\n\nWords.\n"})
    assert build.returncode != 0
    assert problem in build.output, build.output
    assert "index.md:2" in build.output, build.output
    for path in build.outdir.rglob("*"):
        assert not path.is_file() or b"secret" not in path.read_bytes(), path
