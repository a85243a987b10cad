"""Files the pages link, published at their own path (policy_sphinx_extensions.site.linked_files)."""

from __future__ import annotations

import pytest

from conftest import HOME_PAGE, notice, sphinx_build

# The linked files (with the checks of sources and of output paths they set
# up), and the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.site.linked_files", "policy_sphinx_extensions.navigation"]


def signs(link: str) -> str:
    """A notice whose readers sign the form at *link*."""
    return notice(f"Sign [the form]({link}).\n")


def test_a_linked_file_is_published_at_its_path(project, tmp_path):
    form = tmp_path / "source" / "example" / "files" / "Sign Up-Form.pdf"
    form.parent.mkdir(parents=True)
    form.write_bytes(b"%PDF-1.4 form")
    build = project({"index.md": HOME_PAGE, "example/Notice.md": signs("<files/Sign Up-Form.pdf>")},
                    extensions=EXTENSIONS)
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
    build = project({"index.md": HOME_PAGE, "example/Notice.md": signs(link)},
                    extensions=EXTENSIONS)
    assert build.returncode != 0
    assert problem in build.output, build.output
    assert "Notice.md" in build.output or name in build.output
    for path in build.outdir.rglob("*"):
        assert not path.is_file() or b"secret" not in path.read_bytes(), path


# Output paths have one owner (policy_sphinx_extensions/checks/output_paths.py).

SECRET = b"%PDF of the pull request"


@pytest.mark.parametrize(("relpath", "generator"), [
    ("pdf/example-Notice.pdf", "the PDF writer (the PDF of example/Notice"),
    ("pdf/example-Notice-2025-06-01-redline.pdf", "the PDF writer ("),
    ("pdf/Other.pdf", "the PDF writer (the PDFs of the notices"),
    ("_images/picture.png", "Sphinx (its folder _images/)"),
    ("_static/policies.txt", "Sphinx (its folder _static/)"),
    ("robots.txt", "conf.py's policy_root_files lists the files published there"),
    (".well-known/security.txt", "conf.py's policy_root_files lists the files published there"),
    ("Terms.pdf", "conf.py's policy_root_files lists the files published there"),
])
def test_a_linked_file_never_takes_a_generated_or_root_path(project, tmp_path, relpath, generator):
    source = tmp_path / "source"
    (source / relpath).parent.mkdir(parents=True)
    (source / relpath).write_bytes(SECRET)
    build = project({"index.md": HOME_PAGE + f"\nThe [file](<{relpath}>) and the [form](form.pdf).\n",
                     "form.pdf": "%PDF the form", "example/Notice.md": signs("form.pdf"),
                     "example/form.pdf": "%PDF the form"},
                    "dirhtml", "-D", "policy_root_files=", extensions=EXTENSIONS)
    assert build.returncode != 0
    line = HOME_PAGE.count("\n") + 2
    expected = f"index.md:{line}: ERROR: the linked file {relpath!r} would be published at /{relpath}"
    assert any(expected in row and generator in row for row in build.output.splitlines()), (
        build.output)
    assert not (build.outdir / relpath).exists()
    for path in build.outdir.rglob("*"):
        assert not path.is_file() or SECRET not in path.read_bytes(), path
    # Beside it, a file in a folder of the pages is published.
    assert (build.outdir / "example" / "form.pdf").read_bytes() == b"%PDF the form"


def test_root_files_are_published_when_conf_lists_them(project, tmp_path):
    files = {"robots.txt": "User-agent: *\nAllow: /\n", ".well-known/security.txt": "Contact: x\n"}
    links = " ".join(f"[{name}](<{name}>)" for name in files)
    build = project({"index.md": HOME_PAGE + f"\n{links}\n", **files,
                     "example/Notice.md": signs("https://example.com/form")},
                    "dirhtml", "-D", "policy_root_files=robots.txt,.well-known/security.txt",
                    extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    for name, text in files.items():
        assert (build.outdir / name).read_text() == text


@pytest.mark.parametrize("listed", ["feed.xml", "versions.json", "python.org/robots.txt"])
def test_policy_root_files_names_no_generated_file_and_no_folder(project, listed):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": signs("https://example.com/f")},
                    "dirhtml", "-D", f"policy_root_files={listed}", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "ERROR: policy_root_files " in build.output and repr(listed) in build.output


@pytest.mark.parametrize(("page", "generator"), [
    ("versions.json.md", "the page /versions.json/ would be written where the notices' versions"),
    ("sitemap.xml.md", "the page /sitemap.xml/ would be written where the sitemap"),
    ("pdf/example-Notice.pdf.md", "the page /pdf/example-Notice.pdf/ would be written where the "
                                  "PDF writer (the PDF of example/Notice"),
    ("search.md", "the page /search/ would be written where Sphinx (its page /search/)"),
])
def test_a_page_never_takes_a_generated_path(project, page, generator):
    build = project({"index.md": HOME_PAGE, page: "# A page\n",
                     "example/Notice.md": signs("https://example.com/f")}, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert f"{page}:1: ERROR: {generator}" in build.output, build.output
    assert "Build stopped: 1 page(s) above would be written over generated files" in build.output
    assert "Traceback" not in build.output and "please open an issue" not in build.output
    assert not list(build.outdir.rglob("*.html"))


def test_a_page_never_takes_a_redline_address(git_project):
    git_project.commit({"index.md": HOME_PAGE,
                        "example/Notice.md": notice("We collect your name.\n")})
    git_project.commit({"example/Notice.md": notice(
        "We collect your name and email.\n", date="2025-06-01",
        changes=[("2025-06-01", "material", "Email too."),
                 ("2024-10-04", "material", "First version.")])})
    source = git_project.root / "source"
    build = sphinx_build(source, git_project.root / "out", extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert (build.outdir / "example/Notice/2025-06-01/redline/index.html").is_file()

    page = source / "example" / "Notice" / "2025-06-01" / "redline.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Not the redline\n", encoding="utf-8")
    build = sphinx_build(source, git_project.root / "taken", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert (f"{page}:1: ERROR: the page /example/Notice/2025-06-01/redline/ would be written where "
            "the redline of example/Notice as of 2025-06-01") in build.output, build.output


def home_listing(*names: str) -> str:
    listed = "".join(f"  - {name}\n" for name in names)
    return f"---\nfiles:\n{listed}---\n\n{HOME_PAGE}"


def test_a_file_no_page_links_is_published_where_the_front_matter_lists_it(project, tmp_path):
    form = tmp_path / "source" / "example" / "Member-Form.pdf"
    form.parent.mkdir(parents=True)
    form.write_bytes(b"%PDF-1.4 member form")
    build = project({"index.md": home_listing("example/Member-Form.pdf"),
                     "example/Notice.md": notice("Words.\n")}, extensions=EXTENSIONS)
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
                     "example/Notice.md": notice("Words.\n")}, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert problem in build.output, build.output
    assert "index.md:2" in build.output, build.output
    for path in build.outdir.rglob("*"):
        assert not path.is_file() or b"secret" not in path.read_bytes(), path


@pytest.mark.parametrize("name", ["pdf/example-Notice.pdf", "robots.txt"])
def test_a_listed_file_never_takes_a_generated_or_root_path(project, tmp_path, name):
    (tmp_path / "source" / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "source" / name).write_bytes(SECRET)
    build = project({"index.md": home_listing(name),
                     "example/Notice.md": notice("Words.\n")},
                    "dirhtml", "-D", "policy_root_files=", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert f"index.md:2: ERROR: the linked file {name!r} would be published at /{name}" in (
        build.output), build.output
    for path in build.outdir.rglob("*"):
        assert not path.is_file() or SECRET not in path.read_bytes(), path
