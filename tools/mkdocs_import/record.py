"""What the last import brought over: ``source/_data/imported.yaml``.

For each page and file of the previous site, the git object name of the text
it was written from (its blob, as ``git hash-object`` names it). A second
import of the same source finds every blob unchanged and writes nothing, so
whatever an editor changed since stays; a page whose source changed is
brought over again, and its text here is not replaced silently (the report
holds the redline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

HEADER = """\
# What `make import` last brought over from the previous site's source, by the
# path under its docs_dir: the git blob of the text each page or file was
# written from, and where it went. Written by the import, read by the next one:
# a page whose blob is unchanged is left as it is here.

"""


@dataclass
class ImportRecord:
    path: Path
    commit: str | None = None
    #: source path under docs_dir -> {"blob": ..., "written": ...}
    entries: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> ImportRecord:
        if not path.exists():
            return cls(path)
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(path, data.get("commit"), dict(data.get("imported") or {}))

    def unchanged(self, source: str, blob: str, written: Path) -> bool:
        """The same text was brought over last time, and what it was written to is still there."""
        entry = self.entries.get(source)
        return bool(entry) and entry.get("blob") == blob and written.exists()

    def note(self, source: str, blob: str, written: str) -> None:
        self.entries[source] = {"blob": blob, "written": written}

    def write(self) -> None:
        data = {"commit": self.commit, "imported": dict(sorted(self.entries.items()))}
        text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        if not self.path.exists() or self.path.read_text(encoding="utf-8") != text:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(text, encoding="utf-8")
