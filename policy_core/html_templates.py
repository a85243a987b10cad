"""The Jinja environment for HTML the project writes outside Sphinx's page templates.

The redline pages, the print page of each notice and the preview's warning box
are written from template files with it. Every value is escaped (autoescape
on, whatever the file's name), so text and addresses from the notices, a
revision or a warning reach the HTML as text; an undefined name is an error
rather than an empty string. Sphinx's own template environment is not used:
it does not escape (its templates escape value by value with ``|e``).
"""

from __future__ import annotations

from pathlib import Path

import jinja2


def environment(*folders: Path) -> jinja2.Environment:
    """An autoescaping environment loading templates from *folders*, in order."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
