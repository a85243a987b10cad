"""PDFs kept by their content, across builds, clean builds and machines.

A PDF is a function of what it is rendered from: the notice's print HTML,
its address in the site, the stylesheets' contents, the paper size, the
fonts setting, the versions of WeasyPrint, pydyf and :mod:`.render`, and any
file of the build it read (an image, an ``@import``-ed stylesheet). The
cache folder (``policy_pdf_cache_dir``; ``make html`` and ``make pdf`` use
``.cache/pdf``, outside the build folder, so ``make clean`` keeps it) holds
each PDF rendered without a problem under a digest of the first of these,
with the digest of each file read beside it. A build that would render the
same PDF copies it from there instead; a file read that changed since is no
match. The key holds no path of the machine (a file read is named relative
to the output or the configuration folder), so a cache restored on another
machine (CI) serves its PDFs too.

The installed fonts and Pango are not part of the key, as for the records
(:mod:`.records`): after upgrading them, delete the folder. Nothing is ever
removed from it: it grows by a PDF per notice version rendered; delete it to
start again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import render
from .records import content_digest, digest, file_digest

# Bumped when what an entry holds changes: older entries are then never found.
FORMAT = 1


class PDFCache:
    """The cache folder of one build."""

    def __init__(self, folder: Path, outdir: Path, confdir: Path,
                 settings: render.Settings) -> None:
        self.folder = folder
        self.roots = {"out": Path(outdir).resolve(), "conf": Path(confdir).resolve()}
        self.settings = content_digest(settings)

    def _key(self, html: str, address: str) -> str:
        return digest(json.dumps([FORMAT, self.settings, address, html]).encode())

    def _name(self, path: str) -> list[str]:
        """A file read, relative to the output or configuration folder when under one."""
        resolved = Path(path).resolve()
        for role, root in self.roots.items():
            if resolved.is_relative_to(root):
                return [role, resolved.relative_to(root).as_posix()]
        return ["", str(resolved)]

    def get(self, html: str, address: str) -> render.RenderedPDF | None:
        """The PDF of *html* at *address* (its URL path in the site; for a
        self-contained page, which reads no file, the digest of the code that
        renders it), if kept: not missing, cut short or changed."""
        key = self._key(html, address)
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        if digest(data) != entry.get("pdf"):
            return None
        files_read = set()
        for (role, relative), recorded in entry.get("files_read", []):
            path = self.roots[role] / relative if role else Path(relative)
            if file_digest(path) != recorded:  # changed, or gone
                return None
            files_read.add(str(path))
        return render.RenderedPDF(data, files_read, [])

    def put(self, html: str, address: str, rendered: render.RenderedPDF) -> None:
        """Keep a PDF rendered without a problem."""
        if rendered.problems:
            return
        files_read = [[self._name(path), digest(Path(path).read_bytes())]
                      for path in sorted(rendered.files_read)]
        entry = {"pdf": digest(rendered.data), "files_read": files_read}
        key = self._key(html, address)
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix, content in ((".pdf", rendered.data),
                                (".json", json.dumps(entry, indent=1).encode())):
            partial = self.folder / f"{key}{suffix}.{os.getpid()}.partial"
            partial.write_bytes(content)
            partial.replace(self.folder / f"{key}{suffix}")
