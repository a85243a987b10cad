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
    ("<../../outside.pdf>", "is outside the source folder"),
    ("<files/link.pdf>", "is a symbolic link"),
    ("<files/bad'name.pdf>", "has a name that is not plain"),
])
def test_a_file_that_may_not_be_published_fails_naming_the_page(project, tmp_path, link, problem):
    files = tmp_path / "source" / "example" / "files"
    files.mkdir(parents=True)
    (tmp_path / "outside.pdf").write_bytes(b"%PDF secret")
    (files / "link.pdf").symlink_to(tmp_path / "outside.pdf")
    (files / "bad'name.pdf").write_bytes(b"%PDF")
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice(link)})
    assert build.returncode != 0
    assert "example/Notice.md:" in build.output and problem in build.output, build.output
    assert not list(build.outdir.rglob("*.pdf")) or all(
        b"secret" not in path.read_bytes() for path in build.outdir.rglob("*.pdf")
    )
