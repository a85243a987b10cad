"""What each PDF was rendered from, so a rebuild renders only the PDFs that
would come out different.

Sphinx rewrites every page when the navigation changes, but no PDF has a
sidebar. Each PDF rendered is recorded under
``<doctreedir>/pdf-records/<builder>/``: digests of its print HTML and base
URL, of the settings (the stylesheets' contents, paper size, fonts setting,
and the versions of WeasyPrint, pydyf and of :mod:`.render`), of the PDF
itself, and of every local file WeasyPrint read for it (an ``@import``-ed
stylesheet, an image), and of what its print HTML is made from (so a PDF
kept needs no print HTML made to know it). A PDF whose record still matches
is kept as it is. A
notice whose PDF no longer matches (a stylesheet edited, the PDF deleted) has
its page written again, though its source is unchanged. A PDF whose
rendering was warned about gets no record, so the next build renders it and
warns again. The installed fonts and Pango are not recorded: after
upgrading them, delete the PDFs (or the whole build).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from functools import cache
from pathlib import Path

from . import render

# Under the doctree folder: never published, kept between builds of the same output.
RECORDS_DIR = "pdf-records"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | Path) -> str | None:
    try:
        return digest(Path(path).read_bytes())
    except OSError:
        return None


@cache
def _renderer_versions() -> dict[str, str]:
    return {
        "weasyprint": importlib.metadata.version("weasyprint"),
        "pydyf": importlib.metadata.version("pydyf"),  # WeasyPrint's PDF writer
        "render.py": digest(Path(render.__file__).read_bytes()),  # how WeasyPrint is called
    }


def content_digest(settings: render.Settings) -> str:
    """What every PDF depends on besides its own HTML, without the machine's
    paths: the stylesheets' contents, paper size, fonts, renderer versions."""
    recorded = {
        "stylesheets": [file_digest(name) for name in settings.stylesheets],
        "paper": settings.paper,
        "fonts": settings.fonts,
        **_renderer_versions(),
    }
    return digest(json.dumps(recorded, sort_keys=True).encode())


class Records:
    """The records of one builder's PDFs, one file per PDF."""

    def __init__(self, doctreedir: str | Path, builder: str, settings: render.Settings) -> None:
        self.folder = Path(doctreedir, RECORDS_DIR, builder)
        # What every PDF depends on besides its own HTML: its content, and
        # where the stylesheets and the files a PDF may read are.
        where = {"content": content_digest(settings), "stylesheets": settings.stylesheets,
                 "readable": settings.readable}
        self.settings = digest(json.dumps(where, sort_keys=True).encode())

    def _file(self, pdf: Path) -> Path:
        return self.folder / f"{pdf.name}.json"

    def kept(self, pdf: Path, job: render.Job | None = None, source: str | None = None) -> bool:
        """Whether *pdf* is still what rendering (*job*, if given) would give:
        rendered with these settings, unchanged since, every local file read
        for it unchanged, and, for *job*, from the same HTML; for *source*,
        from print HTML made from the same (``Job.source``)."""
        try:
            record = json.loads(self._file(pdf).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or cut short by an interrupted build
            return False
        return (
            record["settings"] == self.settings
            and record["pdf"] == file_digest(pdf)
            and all(file_digest(name) == sha256 for name, sha256 in record["files_read"].items())
            and (job is None or record["html"] == _job_digest(job))
            and (source is None or record.get("source") == source)
        )

    def note_source(self, pdf: Path, source: str) -> None:
        """What the print HTML of a kept *pdf* is now made from (the same HTML)."""
        record = json.loads(self._file(pdf).read_text(encoding="utf-8"))
        if record.get("source") != source:
            record["source"] = source
            self._file(pdf).write_text(json.dumps(record, indent=1), encoding="utf-8")

    def forget(self, pdf: Path) -> None:
        self._file(pdf).unlink(missing_ok=True)

    def record(self, pdf: Path, job: render.Job, rendered: render.RenderedPDF) -> None:
        record = {
            "settings": self.settings,
            "html": _job_digest(job),
            "source": job.source,
            "pdf": digest(rendered.data),
            "files_read": {name: file_digest(name) for name in sorted(rendered.files_read)},
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        self._file(pdf).write_text(json.dumps(record, indent=1), encoding="utf-8")


def _job_digest(job: render.Job) -> str:
    return digest(f"{job.base_url}\n{job.html}".encode())
