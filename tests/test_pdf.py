"""The PDF of each notice: text, links, outline, metadata, tags, reproducibility.

Most checks read the PDF that ``make html`` publishes for the real site (the
``published`` build, made once for this module), against that build's own
HTML page of the notice: whatever the page says, the PDF must say too. The
tiny projects share their builds where they only read them, and render as
few PDFs as the checks need.
"""

from __future__ import annotations

import builtins
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import (
    NOTICE_FRONT_MATTER,
    ROOT,
    SOURCE,
    Build,
    GitProject,
    navigation,
    notice,
    sphinx_build,
    write_project,
)
from docutils.core import publish_doctree
from markupsafe import Markup
from PIL import Image
from pypdf import PdfReader
from sphinx.errors import ExtensionError

from policy_core.addresses import pdf_filename
from policy_sphinx_extensions.reading.page_kinds import format_date, read_notice_dates
from policy_sphinx_extensions.pdf import paper, render
from tools.revisions import build_revisions

NOTICE = "python.org/Privacy-Notice"
NOTICE_PDF = "python.org-Privacy-Notice.pdf"
LETTER = (612, 792)  # points
A4 = (595, 842)
# Lines that pdftotext writes for the page furniture, not the notice's text.
FOOTER = re.compile(r"^(.+\s)?Page \d+ of \d+$")
FOOTNOTE = re.compile(r"^\d+\. (https?://|mailto:)\S+$")
# A footnote call: digits glued to the end of a word ("Notice1,").
FOOTNOTE_CALL = re.compile(r"(?<=[^\s\d])\d{1,2}(?=[\s,.;:)]|$)")

TINY_NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

We keep your [email address](https://example.org/privacy/) safe. See the
[list of policies](../index.md) and [what we collect](#1-what-we-collect).

## 1. WHAT WE COLLECT

- Your name
"""
TINY_INDEX = """\
# Example site

```{site-map}
```
"""


def pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def words(text: str) -> str:
    return " ".join(text.split())


def body_text(path: Path) -> str:
    """The PDF's text without page footers, footnotes and footnote calls."""
    lines = [
        line
        for line in pdftotext(path).splitlines()
        if not FOOTER.match(line.strip()) and not FOOTNOTE.match(line.strip())
    ]
    return words(FOOTNOTE_CALL.sub("", " ".join(lines)))


def page_size(path: Path) -> tuple[int, int]:
    box = PdfReader(path).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def outline_titles(reader: PdfReader, entries=None) -> list:
    entries = reader.outline if entries is None else entries
    return [
        outline_titles(reader, entry) if isinstance(entry, list) else entry.title
        for entry in entries
    ]


def struct_elements(element):
    """Every structure element under *element*, depth first (reading order)."""
    element = element.get_object()
    yield element
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if kid is not None else None
        if hasattr(kid, "get") and "/S" in kid:
            yield from struct_elements(kid)



def make(target: str, *variables: str) -> Build:
    """The Makefile's own recipe, with this interpreter's Sphinx (no new venv)."""
    process = subprocess.run(
        ["make", "-C", str(ROOT), "-o", "venv", target, *variables,
         f"SPHINXBUILD={sys.executable} -m sphinx"],
        capture_output=True, text=True, check=False,
    )
    return Build(process.returncode, process.stdout + process.stderr, ROOT)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Build:
    """The real site as ``make html`` builds it: the pages and their PDFs."""
    builddir = tmp_path_factory.mktemp("published")
    build = make("html", f"BUILDDIR={builddir}")
    assert build.returncode == 0, build.output
    return Build(build.returncode, build.output, builddir / "html")


@pytest.fixture(scope="module")
def notice_pdf(published) -> Path:
    return published.outdir / "pdf" / NOTICE_PDF


@pytest.fixture(scope="module")
def article(published):
    """The notice's text as its web page shows it."""
    soup = BeautifulSoup(published.page(NOTICE), "html.parser")
    article = soup.select_one("article")
    for furniture in article.select(".headerlink, .pdf-download"):
        furniture.decompose()
    return article


@pytest.fixture(scope="module")
def reader(notice_pdf) -> PdfReader:
    return PdfReader(notice_pdf)


def external_links(article) -> list[str]:
    return [a["href"] for a in article.select("a.reference.external")]


# -- The published PDF, against the page it was made from ------------------------


def test_the_page_links_to_its_pdf(published, notice_pdf):
    soup = BeautifulSoup(published.page(NOTICE), "html.parser")
    link = soup.select_one(".pdf-download a")
    assert link.get_text() == "Download PDF"
    target = (published.outdir / NOTICE / link["href"]).resolve()
    assert target == notice_pdf.resolve()
    assert notice_pdf.read_bytes().startswith(b"%PDF-1.7")


def test_only_notices_get_a_pdf(published):
    # A notice's, and each of its versions' (policy_sphinx_extensions/versions/).
    versions = json.loads((published.outdir / "versions.json").read_text())["notices"][NOTICE]
    expected = [NOTICE_PDF, *(version["pdf"].rsplit("/", 1)[1] for version in versions)]
    assert sorted(p.name for p in (published.outdir / "pdf").iterdir()) == sorted(expected)
    assert "pdf-download" not in published.page("")


def test_title_block(notice_pdf, article):
    dates = read_notice_dates(SOURCE / f"{NOTICE}.md")
    lines = [line for line in pdftotext(notice_pdf).splitlines() if line.strip()]
    assert lines[:3] == [
        article.h1.get_text(),
        "Python Software Foundation",
        f"Last updated {format_date(dates.date)}",
    ]
    assert "Download PDF" not in pdftotext(notice_pdf)


def test_every_paragraph_and_list_item_in_reading_order(notice_pdf, article):
    text = body_text(notice_pdf)
    position = 0
    blocks = [words(block.get_text()) for block in article.select("h1, h2, p")]
    assert len(blocks) >= 25  # every paragraph and list item, not a selector gone wrong
    for block in blocks:
        found = text.find(block, position)
        assert found >= 0, f"missing or out of order in the PDF: {block!r}"
        position = found + len(block)


def test_every_python_org_is_there(notice_pdf, article):
    mention = re.compile(r"(?<![\w./])python\.org(?![\w/])")
    changes = article.select_one("#changes-to-this-notice")
    in_notice = len(mention.findall(article.get_text())) - len(mention.findall(changes.get_text()))
    assert in_notice == 8
    assert len(mention.findall(body_text(notice_pdf))) == len(mention.findall(article.get_text()))


def test_no_heading_is_numbered_twice(reader, notice_pdf, article):
    headings = [words(h.get_text()) for h in article.select("h2")]
    assert outline_titles(reader) == [article.h1.get_text(), headings]
    for title in headings:
        assert not re.match(r"^\d+\.\s*\d+\.", title)
    assert "1. 1." not in body_text(notice_pdf)


def test_links_are_clickable_and_their_addresses_printed(reader, notice_pdf, article):
    links = external_links(article)
    section_2 = article.select_one("#use-of-third-party-services")
    # Each processor's data processing terms and privacy policy.
    assert len(external_links(section_2)) == 10
    clickable = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    }
    assert set(links) <= clickable
    printed = {line.strip().split(" ", 1)[1] for line in pdftotext(notice_pdf).splitlines()
               if FOOTNOTE.match(line.strip())}
    assert set(links) <= printed


def test_metadata(reader, article):
    dates = read_notice_dates(SOURCE / f"{NOTICE}.md")
    metadata = reader.metadata
    assert metadata.title == article.h1.get_text()
    assert metadata.author == "Python Software Foundation"
    opening = words(article.select("p")[1].get_text())
    assert metadata.subject and opening.startswith(metadata.subject)
    assert metadata["/CreationDate"] == f"D:{dates.date:%Y%m%d}"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_tagged_pdf_ua(reader):
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
    elements = list(struct_elements(catalog["/StructTreeRoot"]["/K"][0]))
    tags = [element["/S"] for element in elements]
    assert tags.count("/H1") == 1
    assert tags.count("/H2") == 4
    assert tags.index("/H1") < tags.index("/H2")
    assert "/L" in tags and "/LI" in tags and "/Link" in tags
    # No empty sections (an empty anchor <span> would make one).
    assert all(element.get("/K") is not None for element in elements if element["/S"] == "/Sect")


def test_running_footer_on_every_page(notice_pdf, reader, article):
    pages = len(reader.pages)
    assert pages >= 2
    for number in range(1, pages + 1):
        text = pdftotext(notice_pdf, "-layout", "-f", str(number), "-l", str(number))
        last_line = [line for line in text.splitlines() if line.strip()][-1]
        assert words(last_line) == f"{article.h1.get_text()} Page {number} of {pages}"


def test_letter_by_default(notice_pdf):
    assert page_size(notice_pdf) == LETTER


def test_printing_the_page_gives_the_notice_alone(published, tmp_path):
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: .ci/run installs it"
    printed = tmp_path / "printed.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer", f"--print-to-pdf={printed}",
         (published.outdir / NOTICE / "index.html").as_uri()],
        capture_output=True, check=True, timeout=120,
    )
    text = words(pdftotext(printed))
    assert text.startswith("Python.org Privacy Notice Last updated October 4, 2024")
    for furniture in ("Search", "Download PDF", "Acceptable Use Policy", "Back to top"):
        assert furniture not in text
    assert "Data Processing Addendum (https://sentry.io/legal/dpa/)" in text


# -- make pdf, and who renders PDFs ----------------------------------------------


def test_make_pdf_of_a_copy_is_byte_identical(tmp_path, notice_pdf):
    # Another build, by the other builder, of a copy in another folder.
    source = shutil.copytree(SOURCE, tmp_path / "source")
    build = make("pdf", f"BUILDDIR={tmp_path}", f"SOURCEDIR={source}")
    assert build.returncode == 0, build.output
    assert sorted(p.name for p in (tmp_path / "pdf").glob("*.pdf")) == [NOTICE_PDF]
    assert (tmp_path / "pdf" / NOTICE_PDF).read_bytes() == notice_pdf.read_bytes()


def test_make_passes_the_paper_size_and_turns_publishing_on():
    # The value reaches the command through the environment (its arrival is
    # checked in test_makefile_variables.py).
    pdf = make("pdf", "-n", "PAPER=a4")
    assert "-b pdf" in pdf.output and '-D "policy_pdf_paper=$PAPER"' in pdf.output
    html = make("html", "-n")
    assert "-b dirhtml" in html.output and "-D policy_pdf_publish=1" in html.output


TINY_PROJECT = {"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}
TINY_PDF = "pdf/example-Notice.pdf"
OTHER_NOTICE = notice("We keep nothing at all.\n", title="Other Notice")
TWO_NOTICES = {
    **TINY_PROJECT,
    "example/Other.md": OTHER_NOTICE,
    "_data/navigation.yaml": navigation(("Example Notice", "example/Notice"),
                                        ("Other Notice", "example/Other")),
}
# The PDFs, and the navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.pdf", "policy_sphinx_extensions.navigation"]
A4_PAPER = ("-D", "policy_pdf_paper=a4")
PUBLISH = ("-D", "policy_pdf_publish=1")


@pytest.fixture(scope="module")
def two_notices(tmp_path_factory) -> Build:
    """Two notices by ``make pdf PAPER=a4``'s builder: rendered in the pool of processes."""
    root = tmp_path_factory.mktemp("two-notices")
    build = sphinx_build(write_project(root / "source", TWO_NOTICES), root / "pdf", "pdf",
                         *A4_PAPER, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    return build


def test_the_pdf_builder_writes_only_the_pdfs(two_notices):
    written = {p.relative_to(two_notices.outdir).as_posix()
               for p in two_notices.outdir.rglob("*") if p.is_file()}
    assert {name for name in written if not name.startswith(".")} == {
        "example-Notice.pdf", "example-Other.pdf"}
    assert "rendering PDFs... [100%]" in two_notices.output
    assert "Other Notice" in pdf_text(two_notices.outdir / "example-Other.pdf")
    assert page_size(two_notices.outdir / "example-Other.pdf") == A4


def test_links_become_footnotes_and_addresses(two_notices):
    text = pdftotext(two_notices.outdir / "example-Notice.pdf")
    assert (
        "We keep your email address1 safe. See the list of policies2 and what we collect."
        in words(text)
    )
    assert "1. https://example.org/privacy/" in text
    # A link to another page of the site becomes its address on the site;
    # one within the notice stays a link in the PDF, with nothing printed.
    assert "2. https://policies.python.org/\n" in text
    assert "3. " not in text
    reader = PdfReader(two_notices.outdir / "example-Notice.pdf")
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert sum("/Dest" in a or "/GoTo" in str(a.get("/A")) for a in annotations) == 1


def test_one_notice_alone_renders_the_same_bytes(two_notices, project):
    # Rendered in the build's own process, in another folder, with another
    # notice beside it or not: the same PDF.
    alone = project(TINY_PROJECT, "pdf", *A4_PAPER, extensions=EXTENSIONS)
    assert alone.returncode == 0, alone.output
    assert (alone.outdir / "example-Notice.pdf").read_bytes() == (
        two_notices.outdir / "example-Notice.pdf").read_bytes()


def test_pages_only_unless_publishing_is_turned_on(project):
    # The tests, the live preview and the review tools build with the default.
    build = project(TINY_PROJECT, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert not (build.outdir / "pdf").exists()
    assert "Download PDF" not in build.page("example/Notice")
    assert "rendering PDFs" not in build.output


def test_review_builds_render_no_pdfs(tmp_path):
    # A revision from before PDFs were off by default publishes them in its
    # own conf.py terms: the review tools turn them off all the same.
    git_project = GitProject(tmp_path / "repo", with_configuration=True)
    conf = git_project.root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\npolicy_pdf_publish = True\n",
                    encoding="utf-8")
    git_project.commit(TINY_PROJECT)
    [built] = build_revisions(git_project.root, {"head": "HEAD"}, tmp_path / "work")
    assert (built.html / "example" / "Notice" / "index.html").is_file()
    assert not (built.html / "pdf").exists()


def test_unknown_paper_fails(project):
    build = project(TINY_PROJECT, "pdf", "-D", "policy_pdf_paper=legal", extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "policy_pdf_paper must be one of letter, a4, not 'legal'" in build.output
    # Its own message alone, never Sphinx's crash report.
    assert "Traceback" not in build.output and "please open an issue" not in build.output


def test_a_missing_stylesheet_fails(project):
    build = project(TINY_PROJECT, "pdf", "-D", "policy_pdf_stylesheets=_static/no-such.css",
                    extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "policy_pdf_stylesheets: no file '_static/no-such.css'" in build.output
    # Its own message alone, never Sphinx's crash report.
    assert "Traceback" not in build.output and "please open an issue" not in build.output


def test_missing_pango_names_the_packages(monkeypatch):
    real_import = builtins.__import__

    def without_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pango)
    with pytest.raises(ExtensionError, match="apt-get install libpango-1.0-0 libpangoft2-1.0-0"):
        render.weasyprint_module()


@pytest.mark.parametrize(
    ("docname", "filename"),
    [
        ("python.org/Privacy-Notice", "python.org-Privacy-Notice.pdf"),
        ("pypi.org/Terms-of-Use/index", "pypi.org-Terms-of-Use.pdf"),
        ("PSF-Privacy-Notice", "PSF-Privacy-Notice.pdf"),
        ("Legal-index", "Legal-index.pdf"),
    ],
)
def test_pdf_named_after_the_url_path(docname, filename):
    assert pdf_filename(docname) == filename


# -- The print HTML WeasyPrint renders (templates/notice-print.html) --------------

PRINT_META = {"author": "Python Software Foundation", "description": "What we collect.",
              "dcterms.created": "2024-10-04", "dcterms.modified": "2024-11-01"}


def test_print_document_is_the_notice_with_its_title_and_metadata():
    body = Markup('<section id="s"><h1>Example &amp; Notice</h1><p>Text.</p></section>')
    assert paper.print_document("en", "Example & Notice", PRINT_META, body) == (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Example &amp; Notice</title>"
        '<meta name="author" content="Python Software Foundation">'
        '<meta name="description" content="What we collect.">'
        '<meta name="dcterms.created" content="2024-10-04">'
        '<meta name="dcterms.modified" content="2024-11-01">'
        '</head><body><main class="notice">'
        '<section id="s"><h1>Example &amp; Notice</h1><p>Text.</p></section>'
        "</main></body></html>"
    )


def test_print_document_escapes_every_value_but_the_notice_html():
    # A title, an author, an opening sentence or a language holding markup, or
    # a quote that would end an attribute, reach the print HTML (and so the
    # PDF's metadata) as written, and run nothing.
    script = "<script>alert(1)</script>"
    title = f"</title>{script} Notice"
    meta = {**PRINT_META, "author": f'PSF"><meta http-equiv="refresh" content="0">{script}',
            "description": f'We say "hello" & {script}.'}
    document = paper.print_document('en"><script>alert(2)</script>', title, meta,
                                    Markup("<p>The notice.</p>"))
    soup = BeautifulSoup(document, "html.parser")
    assert soup.find("script") is None
    assert soup.title.get_text() == title
    assert soup.html["lang"] == 'en"><script>alert(2)</script>'
    assert {tag["name"]: tag["content"] for tag in soup.find_all("meta", attrs={"name": True})} == meta
    assert [tag.attrs for tag in soup.find_all("meta", attrs={"name": False})] == [
        {"charset": "utf-8"}]
    assert str(soup.main) == '<main class="notice"><p>The notice.</p></main>'


# -- Bad pages: each reported with its file and line, the build goes on -----------

UNTITLED_NOTICE = NOTICE_FRONT_MATTER + "\nNo title here.\n\nA second paragraph.\n"
UNDATED_NOTICE = TINY_NOTICE.replace("date: 2024-10-04\nchanges", "changes", 1)
BAD_PAGES_NAVIGATION = navigation(("Example Notice", "example/Notice"),
                                  *((name, f"example/{name}") for name in ("Untitled", "Undated")))


def test_bad_pages_are_each_reported_and_get_no_pdf(project):
    broken = TINY_NOTICE + "\nA [link](missing.md) to nowhere.\n"
    build = project({
        "index.md": TINY_INDEX, "example/Notice.md": broken,
        "example/Untitled.md": UNTITLED_NOTICE, "example/Undated.md": UNDATED_NOTICE,
        "_data/navigation.yaml": BAD_PAGES_NAVIGATION,
    }, "dirhtml", *PUBLISH, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert re.search(r"example/Untitled\.md:1: ERROR: the page has no title heading",
                     build.output)
    assert re.search(r"example/Undated\.md:\d+: ERROR: the notice has no 'date'", build.output)
    assert "cross-reference target not found: 'missing.md'" in build.output
    # Nothing crashed, and the PDF step adds no second report of any of them.
    assert "Extension error" not in build.output and "Traceback" not in build.output
    assert "PDF:" not in build.output
    assert "build finished with problems" in build.output
    assert sorted(p.name for p in (build.outdir / "pdf").iterdir()) == ["example-Notice.pdf"]
    assert "A link to nowhere." in pdftotext(build.outdir / TINY_PDF)
    assert "Download PDF" not in build.page("example/Untitled")


def test_a_doctree_without_a_title_is_no_paper_notice():
    # Should the front matter check ever let one through: an error at the
    # first line of text, never an exception from deep inside.
    doctree = publish_doctree("\n\nNo title here.\n\nMore text.\n",
                              settings_overrides={"doctitle_xform": False})
    with pytest.raises(paper.PaperError, match="no title heading") as error:
        paper._title(doctree)
    assert error.value.line == 3


# -- What WeasyPrint may read: the build's own files, never the machine or the network


def svg(text: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
            f'<text x="0" y="20" font-family="Liberation Sans">{text}</text></svg>')


def test_the_renderer_reads_only_the_builds_own_files(tmp_path, httpserver):
    # httpserver: on 127.0.0.1 (conftest), it records every request it gets.
    secret = tmp_path / "machine"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0:SECRET-PASSWD\n", encoding="utf-8")
    for name in ("image.svg", "other.svg"):
        (secret / name).write_text(svg("SECRET-IMAGE"), encoding="utf-8")
    outdir = tmp_path / "out"
    (outdir / "page").mkdir(parents=True)
    (outdir / "own.svg").write_text(svg("OWN-IMAGE"), encoding="utf-8")
    (outdir / "link.svg").symlink_to(secret / "image.svg")
    (outdir / ".doctrees").mkdir()
    (outdir / ".doctrees" / "environment.svg").write_text(svg("SECRET-ENV"), encoding="utf-8")
    data_svg = "data:image/svg+xml," + svg("DATA-IMAGE").replace('"', "'").replace("#", "%23")
    hostile = [
        (secret / "passwd").as_uri(), (secret / "image.svg").as_uri(), "../../machine/other.svg",
        "../link.svg", "../.doctrees/environment.svg", httpserver.url_for("/image.svg"), data_svg,
    ]
    html = (
        f'<html lang="en"><body><h1>Hostile</h1>'
        f'<a rel="attachment" href="{hostile[0]}">passwd</a>'
        + "".join(f'<img alt="image" src="{url}">' for url in hostile[1:])
        + '<img alt="own" src="../own.svg"></body></html>'
    )
    settings = render.Settings(stylesheets=(), paper="letter", fonts=(),
                               readable=(str(outdir),), withheld=(str(outdir / ".doctrees"),))
    job = render.Job("example/Hostile", html, (outdir / "page").as_uri() + "/", settings)
    renderer = render.Renderer()  # in a worker process, as in a build
    renderer.submit(job)
    [(_, rendered)] = list(renderer.results())
    assert isinstance(rendered, render.RenderedPDF), rendered

    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(rendered.data)
    text = pdftotext(pdf)
    assert "OWN-IMAGE" in text  # the build's own files are read
    assert "SECRET" not in text and "DATA-IMAGE" not in text
    assert PdfReader(pdf).attachments == {}
    assert httpserver.log == []
    assert len(rendered.problems) == len(hostile), rendered.problems
    for problem in rendered.problems:
        assert problem.startswith("refused to read ")
    assert any((secret / "passwd").as_uri() in problem for problem in rendered.problems)
    assert rendered.files_read == {str((outdir / "own.svg").resolve())}


def test_a_page_that_cannot_be_rendered_stops_no_other(tmp_path):
    settings = render.Settings(stylesheets=(), paper="letter", fonts=(),
                               readable=(str(tmp_path),))
    page = '<html lang="en"><title>T</title><h1>Fine</h1></html>'
    broken = render.Job("example/Broken", page, "", replace(settings, paper="legal"))
    fine = render.Job("example/Fine", page, "", settings)
    renderer = render.Renderer()
    for job in (broken, fine):
        renderer.submit(job)
    [(first, error), (second, rendered)] = list(renderer.results())
    assert (first, second) == (broken, fine)
    assert isinstance(error, KeyError)
    assert rendered.data.startswith(b"%PDF-") and rendered.problems == []


# -- Problems of rendering fail the build, naming the page, every time -------------


def written(path: Path) -> tuple[int, int]:
    """Which file is at *path*, and when it was last written."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def stylesheets(*extra: Path) -> str:
    """The setting of the project's own PDF stylesheets and *extra* after them."""
    default = [ROOT / "_static" / name for name in ("print.css", "pdf.css")]
    return "policy_pdf_stylesheets=" + ",".join(map(str, [*default, *extra]))


def pdf_text(path: Path) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(path).pages))


def test_rendering_problems_fail_the_build_naming_the_page_every_time(project, tmp_path):
    outside = tmp_path / "outside.svg"
    outside.write_text(svg("OUTSIDE"), encoding="utf-8")
    css = tmp_path / "css" / "problems.css"
    css.parent.mkdir()
    css.write_text(
        "p { colour: red; }\n"
        f'h1 {{ background: url("{outside.as_uri()}"); }}\n'
        '* { font-family: "DejaVu Sans" !important; }\n',
        encoding="utf-8",
    )
    problems = [
        r"PDF: Ignored `colour: red`",
        rf"PDF: refused to read {re.escape(outside.as_uri())}: only the build's own files",
        (r"PDF: the font 'Liberation Serif' was not used \(is the Debian package "
         r"fonts-liberation installed\?\); the text was set in DejaVu Sans"),
    ]
    for build in range(2):
        # Nothing changes between the builds: the problems alone bring the PDF back.
        result = project(TINY_PROJECT if build == 0 else {}, "dirhtml", *PUBLISH,
                         "-D", f"policy_pdf_stylesheets={css}", extensions=EXTENSIONS)
        assert result.returncode != 0
        for problem in problems:
            assert re.search(rf"example/Notice\.md: WARNING: {problem}", result.output), (
                f"build {build + 1}: {problem}\n{result.output}")


# -- Rebuilds render only the PDFs that would come out different -------------------


def test_a_rebuild_renders_exactly_the_pdfs_that_changed(project, tmp_path):
    css = tmp_path / "extra.css"
    imported = tmp_path / "imported.css"
    css.write_text(f'@import url("{imported.name}");\nh1::after {{ content: " (draft)"; }}\n',
                   encoding="utf-8")
    imported.write_text("h1::before { content: 'v1 '; }\n", encoding="utf-8")
    options = ("dirhtml", *PUBLISH, "-D", stylesheets(css))
    navigation = {"_data/navigation.yaml": TWO_NOTICES["_data/navigation.yaml"]}

    def rebuild(files=None) -> Path:
        build = project({**navigation, **(files or {})}, *options, extensions=EXTENSIONS)
        assert build.returncode == 0, build.output
        return build.outdir / TINY_PDF

    pdf = rebuild(TWO_NOTICES)
    other = pdf.with_name("example-Other.pdf")
    assert "v1 Example Notice (draft)" in pdf_text(pdf)

    # The navigation changes every page, but no PDF: both are kept as they are.
    before, other_before, data = written(pdf), written(other), pdf.read_bytes()
    navigation = {"_data/navigation.yaml": navigation["_data/navigation.yaml"].replace(
        "title: Example Notice", "title: Renamed Notice")}
    build = project(navigation, *options, extensions=EXTENSIONS)
    assert "Renamed Notice" in build.page("example/Notice")  # the page was written again
    assert written(pdf) == before and written(other) == other_before
    assert pdf.read_bytes() == data

    # A stylesheet, or one it imports, changes: no source file, no setting.
    css.write_text(css.read_text(encoding="utf-8").replace("draft", "final"), encoding="utf-8")
    rebuild()
    assert "v1 Example Notice (final)" in pdf_text(pdf)
    imported.write_text("h1::before { content: 'v2 '; }\n", encoding="utf-8")
    rebuild()
    assert "v2 Example Notice (final)" in pdf_text(pdf)

    # A PDF deleted is rendered again, the same; the other is kept.
    data, other_before = pdf.read_bytes(), written(other)
    pdf.unlink()
    rebuild()
    assert pdf.read_bytes() == data
    assert written(other) == other_before

    # A notice changed: its PDF alone is rendered again.
    rebuild({"example/Notice.md": TINY_NOTICE.replace("- Your name", "- Your postal address")})
    assert "Your postal address" in pdf_text(pdf) and "Your name" not in pdf_text(pdf)
    assert written(other) == other_before


# -- Images: in the PDF as on the page ---------------------------------------------


def shown_images(pdf: Path) -> list[tuple[tuple[int, int], tuple[int, ...]]]:
    """Each image of *pdf*, in order: its size in pixels and the colour of its first pixel."""
    return [(image.image.size, image.image.getpixel((0, 0)))
            for page in PdfReader(pdf).pages for image in page.images]


IMAGE_NOTICE = TINY_NOTICE + "\n![Our office](office.png)\n\n![The map](pictures/map.png)\n"


@pytest.mark.parametrize("builder", ["dirhtml", "pdf"])
def test_a_notice_pdf_shows_its_images_and_their_edits(tmp_path, builder):
    # One beside the notice, one in a folder of its own: each page of the
    # site names them from another folder than the source's.
    source = write_project(tmp_path / "source",
                           {"index.md": TINY_INDEX, "example/Notice.md": IMAGE_NOTICE})
    (source / "example" / "pictures").mkdir()
    Image.new("RGB", (2, 2), "blue").save(source / "example" / "office.png")
    Image.new("RGB", (3, 3), "red").save(source / "example" / "pictures" / "map.png")
    pdf = tmp_path / "out" / (TINY_PDF if builder == "dirhtml" else "example-Notice.pdf")
    options = PUBLISH if builder == "dirhtml" else ()

    def build() -> Build:
        result = sphinx_build(source, tmp_path / "out", builder, *options, extensions=EXTENSIONS)
        assert result.returncode == 0, result.output
        return result

    build()
    assert shown_images(pdf) == [((2, 2), (0, 0, 255)), ((3, 3), (255, 0, 0))]
    # Read from the build's own copies of them, as the page shows them.
    assert sorted(p.name for p in (tmp_path / "out" / "_images").iterdir()) == [
        "map.png", "office.png"]

    # An image edited, and nothing else: the PDF shows the new one.
    Image.new("RGB", (2, 2), "green").save(source / "example" / "office.png")
    build()
    assert shown_images(pdf) == [((2, 2), (0, 128, 0)), ((3, 3), (255, 0, 0))]
    # Nothing changed: the PDF is kept.
    before = written(pdf)
    assert "rendering PDFs... [" not in build().output
    assert written(pdf) == before
