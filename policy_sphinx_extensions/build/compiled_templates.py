"""The site's templates compiled once, not at every build.

Sphinx gives each build a new Jinja environment, which compiles furo's and
the site's templates again before the first page is written: a third of a
no-op rebuild's time, and most of a tiny test project's build. Jinja's own
bytecode cache keeps what it compiled, checked against a checksum of each
template's text, so a template that changed is compiled anew; here in memory
for the process (``make serve``, the tests) and under the doctree folder for
the next build, where the pickled environment already is (what could write
one could write the other). The pages come out the same.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.bccache import Bucket
from sphinx.application import Sphinx
from sphinx.jinja2glue import BuiltinTemplateLoader

FOLDER = "compiled-templates"


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, with each template's code also kept in memory for the process."""

    # (environment's settings, template key) -> (checksum, code), for every build in the process.
    in_memory: dict[tuple, tuple[str, object]] = {}

    @staticmethod
    def _key(bucket: Bucket) -> tuple:
        environment = bucket.environment
        # What the compiled code depends on besides the template's text.
        return (type(environment), tuple(sorted(environment.extensions)),
                getattr(environment, "newstyle_gettext", None), bucket.key)

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, code = self.in_memory.get(self._key(bucket), (None, None))
        if checksum == bucket.checksum:
            bucket.code = code
            return
        super().load_bytecode(bucket)
        if bucket.code is not None:
            self.in_memory[self._key(bucket)] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.in_memory[self._key(bucket)] = (bucket.checksum, bucket.code)
        super().dump_bytecode(bucket)


def _use_compiled_templates(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    if isinstance(templates, BuiltinTemplateLoader):
        folder = Path(app.doctreedir) / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        templates.environment.bytecode_cache = CompiledTemplates(str(folder))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _use_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
