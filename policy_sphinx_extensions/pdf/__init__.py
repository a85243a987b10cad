"""A PDF of every notice, rendered by WeasyPrint from the notice's own HTML.

Each notice (a document of front matter ``kind: notice``) becomes one PDF
named after its URL path: ``python.org/Privacy-Notice`` is
``python.org-Privacy-Notice.pdf``. The PDF is tagged PDF/UA-1 (structure
tree, language, title shown by viewers), has an outline from the headings,
and metadata: Title, Author, Subject (the notice's opening sentence),
language, and the notice's dates as creation and modification dates. It holds
no build time stamp, so two builds of the same source are byte-identical.
Rendering reads only the build's own files and never the network.

One module per job:

* :mod:`.paper`: the notice's doctree made fit for paper, and its print HTML;
* :mod:`.render`: WeasyPrint, in a pool of processes, reading only the
  build's own files;
* :mod:`.records`: what each PDF was rendered from, so a rebuild renders
  only the PDFs that would come out different;
* :mod:`.cache`: PDFs kept by content outside the build (``make clean``
  keeps them, CI restores them), so a PDF is never rendered twice;
* :mod:`.builder`: which PDFs a build writes, rendered after the pages.

Registers:

* the ``pdf`` builder: ``sphinx-build -b pdf`` writes only the PDFs (what
  ``make pdf`` runs);
* with ``policy_pdf_publish`` on (``make html`` turns it on), for the HTML
  builders, a "Download PDF" link under each notice's "Last updated" line,
  and the PDF itself in ``<outdir>/<policy_pdf_dir>/``, so the published site
  carries them. It is off by default: the live preview, the review tools and
  the tests build pages only;
* config values ``policy_pdf_paper`` (``letter`` or ``a4``),
  ``policy_pdf_stylesheets`` (CSS files; a relative path is relative to the
  configuration directory), ``policy_pdf_fonts`` (each font family the
  stylesheets use, and the Debian package that installs it: the build fails
  if one is not used), ``policy_pdf_dir`` (the site folder of the
  published PDFs) and ``policy_pdf_cache_dir`` (the PDFs kept by content,
  relative to the configuration folder; empty, the default: none).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from policy_sphinx_extensions.build.refusals import refuse

from .builder import NoticePDFBuilder, PendingPDFs
from .paper import paper_doctree, print_html
from .render import PAPER_SIZES

__all__ = ["paper_doctree", "print_html", "setup"]


def _check_config(app: Sphinx, config) -> None:
    if config.policy_pdf_paper not in PAPER_SIZES:
        refuse(f"policy_pdf_paper must be one of {', '.join(PAPER_SIZES)}, "
               f"not {config.policy_pdf_paper!r}")
    for name in config.policy_pdf_stylesheets:
        if not Path(app.confdir, name).is_file():
            refuse(f"policy_pdf_stylesheets: no file {name!r} in {app.confdir}")


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.reading.page_kinds")
    app.add_config_value("policy_pdf_paper", "letter", "html", types=[str])
    app.add_config_value("policy_pdf_stylesheets", [], "html", types=[list])
    app.add_config_value("policy_pdf_fonts", {}, "html", types=[dict])
    app.add_config_value("policy_pdf_dir", "pdf", "html", types=[str])
    app.add_config_value("policy_pdf_publish", False, "html", types=[bool])
    # Empty: PDFs are kept nowhere. make html and make pdf set it (.cache/pdf).
    app.add_config_value("policy_pdf_cache_dir", "", "", types=[str])
    app.add_builder(NoticePDFBuilder)
    pending = PendingPDFs()
    app.connect("config-inited", _check_config)
    # After every other handler has finished the page's doctree.
    app.connect("doctree-resolved", pending.collect, priority=900)
    app.connect("env-updated", pending.stale)
    app.connect("build-finished", pending.finish)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
