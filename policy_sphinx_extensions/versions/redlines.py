"""A redline of each version of a notice against the version before it.

Written after the HTML build (``build-finished``) from the two versions'
built pages, by the machinery of ``make redline`` (``policy_core/redline/text.py``
reads the words a reader sees, ``policy_core/redline/diff.py`` compares them):
deleted words struck, inserted words marked, changed link targets shown as
old -> new. The version banners are left out of the comparison. Each redline
is a page, ``/<notice>/<date>/redline/``, and a PDF,
``/<policy_pdf_dir>/<notice>-<date>-redline.pdf``. A redline page tells
search engines ``noindex`` and is not in the sitemap: a search leads to the
notice, not to the words struck out of it.

A redline is compared and written again only when one of its two pages or
the templates changed (their digests are kept under the doctree folder), and
its PDF rendered again only when the redline page's text changed, and
taken from the PDFs kept by content (:mod:`.pdf.cache`) when it was rendered
before, by any build.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

from sphinx.application import Sphinx
from sphinx.util import logging

from policy_sphinx_extensions.build.site_build import builds_site
from policy_core.redline import page as redline_page
from policy_core.redline.page import notice_redline, redline_templates, write_redline_pdf
from policy_core.redline.text import content_blocks, main_content
from policy_sphinx_extensions.reading.page_kinds import format_date
from policy_sphinx_extensions.pdf.builder import pdf_cache
from policy_sphinx_extensions.pdf.records import digest
from policy_core.addresses import page_file, redline_path, redline_pdf_path
from policy_sphinx_extensions.pdf.render import RenderedPDF, weasyprint_messages
from policy_sphinx_extensions.versions import version_of, versions_table
from policy_sphinx_extensions.versions.banners import BANNER_CLASS

logger = logging.getLogger(__name__)

TEMPLATES = [Path(__file__).parents[1] / "templates", redline_page.TEMPLATES]
RECORD_FILE = "version-redlines.json"


def _notice_blocks(page_html: str, page_url: str):
    main = main_content(page_html)
    for banner in main.find_all(class_=BANNER_CLASS):
        banner.decompose()
    return content_blocks(main, page_url)


def write_redlines(app: Sphinx) -> None:
    record_path = Path(app.doctreedir, RECORD_FILE)
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    kept = {}
    base = app.config.html_baseurl
    template = redline_templates(TEMPLATES[0]).get_template("version-redline.html")
    # A change of the templates (a new tag in the head) rewrites every redline.
    templates = b"\0".join(path.read_bytes() for folder in TEMPLATES
                           for path in sorted(folder.iterdir()) if path.is_file())
    # Redline PDFs kept by content, as the notices' (the code that renders them is the key's).
    cache = pdf_cache(app)
    made_by = f"redline {digest(Path(redline_page.__file__).read_bytes())}"
    publish = app.config.policy_pdf_publish
    for version in [version for versions in versions_table(app.env).values()
                    for version in versions if version.previous]:
        previous = version_of(app.env, version.previous)
        old_uri = app.builder.get_target_uri(previous.docname)
        new_uri = app.builder.get_target_uri(version.docname)
        old_bytes = Path(app.outdir, page_file(old_uri)).read_bytes()
        new_bytes = Path(app.outdir, page_file(new_uri)).read_bytes()
        uri = redline_path(version.docname)
        pdf_uri = redline_pdf_path(app.config.policy_pdf_dir, version.docname)
        page, pdf = Path(app.outdir, page_file(uri)), Path(app.outdir, pdf_uri)
        made_from = digest(b"\0".join([old_bytes, new_bytes, str(publish).encode(), templates]))
        kept[version.docname] = made_from
        pdf_ready = pdf.is_file() or not publish
        if record.get(version.docname) == made_from and page.is_file() and pdf_ready:
            continue
        page_url = urljoin(base, app.builder.get_target_uri(version.notice))
        redline = notice_redline(version.docname,
                                 _notice_blocks(old_bytes.decode(), page_url),
                                 _notice_blocks(new_bytes.decode(), page_url))
        depth = "../" * uri.count("/")
        common = {
            "redline": redline,
            "old_date": format_date(previous.date),
            "new_date": format_date(version.date),
            "old_url": depth + old_uri,
            "new_url": depth + new_uri,
            "pdf_url": depth + pdf_uri if publish else "",
            "canonical": urljoin(base, uri) if base else "",
        }
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(template.render(for_pdf=False, **common), encoding="utf-8")
        if not publish:
            continue
        pdf.parent.mkdir(parents=True, exist_ok=True)
        paper = template.render(for_pdf=True, **common)
        kept_pdf = cache.get(paper, made_by) if cache else None
        if kept_pdf is not None:
            pdf.write_bytes(kept_pdf.data)
            continue
        with weasyprint_messages() as problems:
            write_redline_pdf(paper, pdf)
        if cache and not problems:
            cache.put(paper, made_by, RenderedPDF(pdf.read_bytes(), set(), []))
        for problem in dict.fromkeys(problems):
            logger.warning("redline PDF %s: %s", pdf.name, problem, type="policy", subtype="pdf")
    record_path.write_text(json.dumps(kept, indent=1, sort_keys=True), encoding="utf-8")


def _build_finished(app: Sphinx, exception) -> None:
    if exception is None and builds_site(app) and versions_table(app.env):
        write_redlines(app)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
