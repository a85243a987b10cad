"""``versions.json`` at the site's root: every version of every notice, for machines.

``{"notices": {"python.org/Privacy-Notice": [{"date": "2024-10-04",
"status": "superseded", "url": "/python.org/Privacy-Notice/2024-10-04/",
"pdf": "/pdf/python.org-Privacy-Notice-2024-10-04.pdf",
"in_effect_until": "2027-01-15"}, ...]}}``: each notice's versions oldest
first, from the versions table of :mod:`.versions`. ``status`` is
``current``, ``upcoming`` or ``superseded``; addresses are site-absolute paths;
``redline`` and ``redline_pdf`` are absent on a first version (``pdf`` and
``redline_pdf`` when the build publishes no PDFs);
``in_effect_until`` is null while a version is current (and on the last
upcoming one). Written after the build, only when its text changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.application import Sphinx

from policy_sphinx_extensions.build.site_build import builds_site
from policy_sphinx_extensions.versions import version_addresses, versions_table, write_if_changed

VERSIONS_JSON = "versions.json"


def _write_json(app: Sphinx, exception) -> None:
    if exception is not None or not builds_site(app):
        return
    root = urlsplit(app.config.html_baseurl).path.rstrip("/")
    table = {}
    for notice, versions in sorted(versions_table(app.env).items()):
        table[app.builder.get_target_uri(notice).rstrip("/")] = [{
            "date": version.date.isoformat(),
            "status": version.status,
            **{kind: f"{root}/{uri}" for kind, uri in version_addresses(app, version).items()},
            "in_effect_until": (version.in_effect_until.isoformat()
                                if version.in_effect_until else None),
        } for version in versions]
    text = json.dumps({"notices": table}, indent=1, ensure_ascii=False) + "\n"
    write_if_changed(Path(app.outdir, VERSIONS_JSON), text)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _write_json)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
