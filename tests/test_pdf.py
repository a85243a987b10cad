"""The PDF of each notice: text, links, outline, metadata, tags, reproducibility.

Most checks read the PDF that the real site build publishes (the ``site``
fixture), against that build's own HTML page of the notice: whatever the page
says, the PDF must say too.
"""

from __future__ import annotations

import builtins
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sphinx.errors import ExtensionError

from conftest import MINIMAL_NAVIGATION, NOTICE_FRONT_MATTER, ROOT, SOURCE, sphinx_build
from policy_sphinx_extensions import pdf as pdf_extension
from policy_sphinx_extensions.dates import format_date, read_notice_dates

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


@pytest.fixture(scope="module")
def notice_pdf(site) -> Path:
    return site.outdir / "pdf" / NOTICE_PDF


@pytest.fixture(scope="module")
def article(site):
    """The notice's text as its web page shows it."""
    soup = BeautifulSoup(site.page(NOTICE), "html.parser")
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


def test_the_page_links_to_its_pdf(site, notice_pdf):
    soup = BeautifulSoup(site.page(NOTICE), "html.parser")
    link = soup.select_one(".pdf-download a")
    assert link.get_text() == "Download PDF"
    target = (site.outdir / NOTICE / link["href"]).resolve()
    assert target == notice_pdf.resolve()
    assert notice_pdf.read_bytes().startswith(b"%PDF-1.7")


def test_only_notices_get_a_pdf(site):
    # A notice's, and each of its versions' (policy_sphinx_extensions/versions.py).
    versions = json.loads((site.outdir / "versions.json").read_text())["notices"][NOTICE]
    expected = [NOTICE_PDF, *(version["pdf"].rsplit("/", 1)[1] for version in versions)]
    assert sorted(p.name for p in (site.outdir / "pdf").iterdir()) == sorted(expected)
    assert "pdf-download" not in site.page("")


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


# -- make pdf --------------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path, notice_pdf):
    # Another build, by the other builder, of a copy in another folder.
    source = shutil.copytree(SOURCE, tmp_path / "source")
    build = sphinx_build(source, tmp_path / "pdf", "pdf")
    assert build.returncode == 0, build.output
    assert sorted(p.name for p in build.outdir.glob("*.pdf")) == [NOTICE_PDF]
    assert (build.outdir / NOTICE_PDF).read_bytes() == notice_pdf.read_bytes()


def test_make_pdf_a4(tmp_path):
    # The Makefile's own recipe, with this interpreter's Sphinx (no new venv).
    process = subprocess.run(
        ["make", "-C", str(ROOT), "-o", "venv", "pdf", "PAPER=a4",
         f"BUILDDIR={tmp_path}", f"SPHINXBUILD={sys.executable} -m sphinx"],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert page_size(tmp_path / "pdf" / NOTICE_PDF) == A4


def test_unknown_paper_fails(project):
    build = project({"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}, "pdf",
                    "-D", "policy_pdf_paper=legal")
    assert build.returncode != 0
    assert "policy_pdf_paper must be one of letter, a4, not 'legal'" in build.output


def test_notice_without_date_fails_naming_the_file(project):
    good = project({"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}, "pdf")
    assert good.returncode == 0, good.output
    text = pdftotext(good.outdir / "example-Notice.pdf")
    assert (
        "We keep your email address1 safe. See the list of policies2 and what we collect."
        in words(text)
    )
    assert "1. https://example.org/privacy/" in text
    # A link to another page of the site becomes its address on the site;
    # one within the notice stays a link in the PDF, with nothing printed.
    assert "2. https://policies.python.org/\n" in text
    assert "3. " not in text
    reader = PdfReader(good.outdir / "example-Notice.pdf")
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert sum("/Dest" in a or "/GoTo" in str(a.get("/A")) for a in annotations) == 1
    shutil.rmtree(good.outdir)

    undated = TINY_NOTICE.replace("date: 2024-10-04\nchanges", "changes", 1)
    bad = project({"index.md": TINY_INDEX, "example/Notice.md": undated}, "pdf")
    assert bad.returncode != 0
    assert re.search(r"example/Notice\.md:\d+: ERROR: the notice has no 'date'", bad.output)
    assert not (bad.outdir / "example-Notice.pdf").exists()


def test_a_stylesheet_weasyprint_rejects_fails(project, tmp_path):
    css = tmp_path / "bad.css"
    css.write_text("p { colour: red; }\n", encoding="utf-8")
    build = project({"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}, "pdf",
                    "-D", f"policy_pdf_stylesheets={ROOT / '_static/pdf.css'},{css}")
    assert build.returncode != 0
    assert re.search(r"example/Notice\.md: WARNING: PDF: Ignored `colour: red`", build.output)


def test_a_missing_font_fails_naming_its_package(project, tmp_path):
    css = tmp_path / "dejavu.css"
    css.write_text('* { font-family: "DejaVu Sans" !important; }\n', encoding="utf-8")
    build = project({"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}, "pdf",
                    "-D", f"policy_pdf_stylesheets={css}")
    assert build.returncode != 0
    assert (
        "the font 'Liberation Serif' was not used (is the Debian package fonts-liberation "
        "installed?); the text was set in DejaVu Sans"
    ) in build.output


def test_a_missing_stylesheet_fails(project):
    build = project({"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}, "pdf",
                    "-D", "policy_pdf_stylesheets=_static/no-such.css")
    assert build.returncode != 0
    assert "policy_pdf_stylesheets: no file '_static/no-such.css'" in build.output


def test_missing_pango_names_the_packages(monkeypatch):
    real_import = builtins.__import__

    def without_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pango)
    with pytest.raises(ExtensionError, match="apt-get install libpango-1.0-0 libpangoft2-1.0-0"):
        pdf_extension._weasyprint()


# -- Printing the web page from a browser ------------------------------------------


def test_printing_the_page_gives_the_notice_alone(site, tmp_path):
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: .ci/run installs it"
    printed = tmp_path / "printed.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer", f"--print-to-pdf={printed}",
         (site.outdir / NOTICE / "index.html").as_uri()],
        capture_output=True, check=True, timeout=120,
    )
    text = words(pdftotext(printed))
    assert text.startswith("Python.org Privacy Notice Last updated October 4, 2024")
    for furniture in ("Search", "Download PDF", "Acceptable Use Policy", "Back to top"):
        assert furniture not in text
    assert "Data Processing Addendum (https://sentry.io/legal/dpa/)" in text


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
    assert pdf_extension.pdf_filename(docname) == filename


def test_a_broken_link_is_reported_once_and_printed_as_text(project):
    broken = TINY_NOTICE + "\nA [link](missing.md) to nowhere.\n"
    build = project({"index.md": TINY_INDEX, "example/Notice.md": broken}, "pdf")
    assert build.returncode != 0
    assert "cross-reference target not found: 'missing.md'" in build.output
    assert "PDF:" not in build.output  # the PDF adds no second report of it
    assert "A link to nowhere." in pdftotext(build.outdir / "example-Notice.pdf")


# -- Rebuilds render only the PDFs that would come out different -------------------

TINY_PROJECT = {"index.md": TINY_INDEX, "example/Notice.md": TINY_NOTICE}
TINY_PDF = "pdf/example-Notice.pdf"


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


def test_a_navigation_change_keeps_the_pdf_as_it_is(project):
    first = project(TINY_PROJECT)
    assert first.returncode == 0, first.output
    pdf = first.outdir / TINY_PDF
    before, data = written(pdf), pdf.read_bytes()

    renamed = MINIMAL_NAVIGATION.replace("title: Example Notice", "title: Renamed Notice")
    second = project({"_data/navigation.yaml": renamed})
    assert second.returncode == 0, second.output
    assert "Renamed Notice" in second.page("example/Notice")  # the page was written again
    assert written(pdf) == before
    assert pdf.read_bytes() == data


def test_a_changed_notice_renders_its_pdf_again(project):
    first = project(TINY_PROJECT)
    assert first.returncode == 0, first.output
    pdf = first.outdir / TINY_PDF
    data = pdf.read_bytes()

    changed = TINY_NOTICE.replace("- Your name", "- Your postal address")
    second = project({"example/Notice.md": changed})
    assert second.returncode == 0, second.output
    assert pdf.read_bytes() != data
    assert "Your postal address" in pdf_text(pdf)
    assert "Your name" not in pdf_text(pdf)


@pytest.mark.parametrize("edited", ["the stylesheet", "a stylesheet it imports"])
def test_a_changed_stylesheet_renders_the_pdf_again(project, tmp_path, edited):
    css = tmp_path / "extra.css"
    rules = css if edited == "the stylesheet" else tmp_path / "imported.css"
    if rules != css:
        css.write_text(f'@import url("{rules.name}");\n', encoding="utf-8")
    rules.write_text('h1::after { content: " (draft)"; }\n', encoding="utf-8")
    first = project(TINY_PROJECT, "dirhtml", "-D", stylesheets(css))
    assert first.returncode == 0, first.output
    pdf = first.outdir / TINY_PDF
    assert "Example Notice (draft)" in pdf_text(pdf)

    # Only the stylesheet changes: no source file, no setting.
    rules.write_text('h1::after { content: " (final)"; }\n', encoding="utf-8")
    second = project({}, "dirhtml", "-D", stylesheets(css))
    assert second.returncode == 0, second.output
    assert "Example Notice (final)" in pdf_text(pdf)


def test_a_deleted_pdf_is_rendered_again(project):
    first = project(TINY_PROJECT)
    assert first.returncode == 0, first.output
    pdf = first.outdir / TINY_PDF
    data = pdf.read_bytes()
    pdf.unlink()

    second = project({})
    assert second.returncode == 0, second.output
    assert pdf.read_bytes() == data


def test_a_pdf_that_warned_is_rendered_and_warns_again(project, tmp_path):
    css = tmp_path / "bad.css"
    css.write_text("p { colour: red; }\n", encoding="utf-8")
    warning = re.compile(r"example/Notice\.md: WARNING: PDF: Ignored `colour: red`")
    for build in range(2):
        # Nothing changes between the builds: the warning alone must bring it back.
        result = project(TINY_PROJECT if build == 0 else {}, "dirhtml", "-D", stylesheets(css))
        assert result.returncode != 0
        assert warning.search(result.output), f"build {build + 1}:\n{result.output}"
