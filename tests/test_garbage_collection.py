"""Python's cycle collector during a build: run less often, and put back after it."""

from __future__ import annotations

import gc
import io

import pytest
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import docutils_namespace

from policy_sphinx_extensions.build import garbage_collection
from policy_sphinx_extensions.build.refusals import BuildRefused


def _build(tmp_path, on_read=None) -> None:
    source = tmp_path / "source"
    source.mkdir(exist_ok=True)
    (source / "index.rst").write_text("Title\n=====\n\nText.\n", encoding="utf-8")
    out = tmp_path / "out"
    with docutils_namespace():
        app = Sphinx(str(source), None, str(out), str(out / ".doctrees"), "html",
                     confoverrides={"extensions": [garbage_collection.__name__]},
                     status=io.StringIO(), warning=io.StringIO(), freshenv=True)
        if on_read is not None:
            app.connect("doctree-read", on_read)
        app.build()


@pytest.mark.parametrize("failure", [None, RuntimeError, BuildRefused])
def test_the_collector_runs_less_often_during_a_build_and_as_before_after_it(tmp_path, failure):
    before = gc.get_threshold()
    during = []

    def on_read(app, doctree):
        during.append(gc.get_threshold())
        if failure is not None:
            raise failure("the build fails")

    if failure is None:
        _build(tmp_path, on_read)
    else:
        with pytest.raises(ExtensionError if failure is RuntimeError else BuildRefused):
            _build(tmp_path, on_read)
    assert during == [(garbage_collection.NEW_OBJECTS, garbage_collection.YOUNG_COLLECTIONS,
                       before[2])]
    if failure is BuildRefused:
        # Stopped before Sphinx could say the build ended: the next build puts it back.
        _build(tmp_path)
    assert gc.get_threshold() == before
